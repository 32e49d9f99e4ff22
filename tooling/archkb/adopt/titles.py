"""The title of an imported ADR: the H1 without its number, an unfilled `n.` placeholder removed, or the file name.

adr-tools writes `# N. Title`; a record created by copying the template by hand keeps the
literal `n.` (`# n. Django Templates`). Files without a level-1 heading still hold a
decision: they are titled from the file name (or the folder, for `0005-x/README.md`).
Every such repair is reported.
"""

from __future__ import annotations

import re

from archkb.adopt.normalise import strip_title

_PLACEHOLDER = re.compile(r"^\s*(?:n|N|x+|X+|#|NNNN|nnnn)[.:)]\s+(?=\S)")
_NAME_PREFIX = re.compile(r"^(?:(?:adr|ad|rfc|dr|decision)[\s_#-]*)?(?:(?:19|20)\d{2}-?\d{2}-?\d{2}|\d{1,6})[\s_.-]*",
                          re.IGNORECASE)


def title_from_name(rel: str) -> str:
    """A title from a file name (`0007-use-postgres-for-orders.md` -> `Use postgres for orders`)."""
    parts = rel.split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    if stem.lower() in ("readme", "index") and len(parts) > 1:
        stem = parts[-2]
    words = _NAME_PREFIX.sub("", stem).replace("_", " ").replace("-", " ").split()
    text = " ".join(words) or stem
    return text[:1].upper() + text[1:]


def import_title(raw: str | None, rel: str) -> tuple[str, list[str]]:
    """(title, warnings) for the source at `rel` whose H1 is `raw` (None when it has none)."""
    if raw is None:
        title = title_from_name(rel)
        return title, [f"no level-1 heading: titled {title!r} from the file name"]
    warnings = []
    if _PLACEHOLDER.match(raw):
        warnings.append(f"title {raw!r} starts with an unfilled numbering placeholder: removed")
        raw = _PLACEHOLDER.sub("", raw, count=1)
    return strip_title(raw), warnings
