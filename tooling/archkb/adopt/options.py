"""Considered options written as prose: an introduction followed by a list, and list items that name an option
and then describe it ("Sealed Secrets - an operator that ...").

Structure is taken only where it is clear: the section is one or more paragraphs of prose
and then a single list, nothing after it; otherwise the section stays verbatim. The
introduction is kept (as a section, in the source's place) so no wording is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_ITEM = re.compile(r"^(?:[*+-]|\d+[.)])\s+")
_NAME_SPLIT = re.compile(r"\s+[-–—]\s+|:\s+")
NAME_MAX = 120


def intro_and_list(body: str, items_of: Callable[[str], list[str] | None]) -> tuple[str, list[str]] | None:
    """(introduction, items) when `body` is prose paragraphs then one list; None when that is not clearly so."""
    blocks = [b for b in re.split(r"\n\s*\n", body.strip()) if b.strip()]
    if len(blocks) < 2:
        return None
    for i in range(1, len(blocks)):
        intro, rest = blocks[:i], "\n\n".join(blocks[i:])
        if any(_ITEM.match(line.lstrip()) for block in intro for line in block.splitlines()):
            return None
        items = items_of(rest)
        if items is not None and len(items) >= 2:
            return "\n\n".join(intro), items
    return None


def name_and_summary(item: str) -> tuple[str, str | None]:
    """An item's option name and its description, split at the first ` - ` or `: ` when the name part is short."""
    m = _NAME_SPLIT.search(item)
    if m and 0 < m.start() <= NAME_MAX and item[m.end():].strip():
        return item[:m.start()].strip(), item[m.end():].strip()
    return item, None


_BY_NUMBER = re.compile(r"^\W*(?:(?:chosen|selected)\s+option\W*)?\(?(\d{1,2})\)?(?!\d)", re.IGNORECASE)


def option_by_number(text: str, titles: list[str], *, named: bool = False) -> str | None:
    """The option a decision names by its number (`(3)`, `Selected option 2)`), when it has that many options.

    With `named`, the text must say "chosen/selected option N" (a rationale may start with a numbered list).
    """
    m = _BY_NUMBER.match(text.replace("`", ""))
    if m and 1 <= int(m[1]) <= len(titles) and ("option" in m[0].lower() or (not named and m[0].strip("( )").isdigit())):
        return titles[int(m[1]) - 1]
    return None
