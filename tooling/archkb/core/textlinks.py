"""Links inside records' Markdown text: find them, and say what each relative one points at (a record, a file, nothing).

Record text may link to another record by id (`[ADR-0012](ADR-0012)`) or by its file, and to
any file of the repository by a path relative to the record's own file, as Markdown does on
GitHub (`![flow](../docs/assets/flow.png)`). `archkb check` reports targets that do not
exist (W010) and the site turns the others into links between published pages.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Markdown links and images, reference definitions, and HTML href/src attributes.
_MD_TARGET = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
_HTML_ATTR = re.compile(r"\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.I)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
_CODE_SPAN = re.compile(r"`[^`\n]*`")


@dataclass(frozen=True)
class Target:
    """What a relative link in a record's text points at."""

    kind: str
    """`record` (value: its id), `file` (value: the path relative to the KB root) or `missing` (value: as resolved)."""
    value: str
    fragment: str = ""


def is_relative(url: str) -> bool:
    """A link to something in this repository: no scheme, not a page anchor, not site-absolute, not protocol-relative."""
    return bool(url) and not _SCHEME.match(url) and not url.startswith(("#", "/", "\\"))


def targets_in(text: str) -> list[str]:
    """Every link target written in a Markdown text (code blocks and code spans excluded), in order."""
    visible = _CODE_SPAN.sub("", _FENCE.sub("", text))
    found = [m[1] for m in _MD_TARGET.finditer(visible)]
    found += [m[1] for m in _REF_DEF.finditer(visible)]
    found += [m[1] for m in _HTML_ATTR.finditer(visible)]
    return found


def text_fields(data: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(location, text) of every string in a record's data (its dump), depth first in field order."""
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from text_fields(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from text_fields(value, (*loc, i))


def resolve(url: str, record_path: str, root: str, ids: set[str], files_by_name: dict[str, str]) -> Target | None:
    """What a relative `url` in the record at `record_path` (relative to `root`) points at; None when not relative.

    A bare record id is that record; a path to a record's YAML file is that record; any other
    path is resolved against the record's folder and must exist under the root.
    """
    if not is_relative(url):
        return None
    path, _, fragment = url.partition("#")
    path = path.split("?", 1)[0]
    if not path:
        return None
    if path in ids:
        return Target("record", path, fragment)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(record_path), path))
    if joined in files_by_name:
        return Target("record", files_by_name[joined], fragment)
    if joined.startswith("../") or joined == "..":
        return Target("missing", joined, fragment)
    if os.path.exists(os.path.join(root, *joined.split("/"))):
        return Target("file", joined, fragment)
    return Target("missing", joined, fragment)
