"""Links between imported ADRs and to other files: record links, typed links, images to copy, the rest reported.

Markdown ADRs point at each other with relative links (`[ADR 4](0004-use-x.md)`) and in
prose ("see ADR 12", "ADR-0012"); after an import those would be dead links. Policies:

- a link to another imported file, or an ADR number in prose that names exactly one
  imported record, becomes a link to that record (`[ADR 12](ADR-0012)`, which the site
  publishes as a link to its page) and a typed `relates_to` link, unless a supersession or
  amendment already joins the pair;
- an image beside the log is copied into the docs folder and the text points at the copy;
- any other relative link points at the original repository when `source_url` is given,
  at the same file when it is inside the knowledge base root, and otherwise becomes plain
  text; every such case is reported.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from archkb.adopt.normalise import number_from_name

IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
_LINK = re.compile(r"(!?)\[((?:[^\]\\]|\\.)*)\]\(\s*<?([^)\s>]+)>?((?:\s+[\"'(][^)]*)?)\)")
_PROSE_REF = re.compile(r"(?<![\w/\[-])(ADR|AD)[ #_-]?0*(\d{1,5})\b(?!\]|\.md|-[a-z])", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
_SKIP_KEYS = {"id", "title", "status", "date", "decided", "provenance", "links", "tags", "category", "chosen"}


@dataclass
class ReferenceResult:
    """What resolving one import's references did, for the report and the writer."""

    images: dict[str, str] = field(default_factory=dict)
    """Source image path (absolute) -> destination relative to the KB root."""
    record_links: int = 0
    prose_refs: int = 0
    to_source: int = 0
    kept_in_repo: int = 0
    unlinked: int = 0
    missing_images: int = 0


@dataclass
class _Context:
    src: str
    rel: str
    rid: str
    ids_by_rel: dict[str, str]
    by_number: dict[int, str]
    out_rel: str
    assets_rel: str
    root: str
    source_url: str | None
    result: ReferenceResult
    warnings: list[str]
    refs: set[str]
    known_ids: set[str] = field(default_factory=set)


def source_number(rel: str) -> int | None:
    """The ADR number in a source file's name, or in its folder's name (one ADR per folder)."""
    parts = rel.split("/")
    n = number_from_name(parts[-1])
    if n is None and len(parts) > 1:
        n = number_from_name(parts[-2])
    return n


def numbers(ids_by_rel: dict[str, str]) -> dict[int, str]:
    """Source number -> record id, for numbers that name exactly one imported file."""
    seen: dict[int, list[str]] = {}
    for rel, rid in ids_by_rel.items():
        n = source_number(rel)
        if n is not None:
            seen.setdefault(n, []).append(rid)
    return {n: rids[0] for n, rids in seen.items() if len(rids) == 1}


def _is_relative(url: str) -> bool:
    return bool(url) and not _SCHEME.match(url) and not url.startswith(("#", "/", "\\"))


def _rewrite_link(m: re.Match[str], c: _Context) -> str:
    bang, text, url, title = m[1], m[2], m[3], m[4]
    if not _is_relative(url):
        return m[0]
    path, _, fragment = url.partition("#")
    here = posixpath.dirname(c.rel)
    target = posixpath.normpath(posixpath.join(here, path)) if path else c.rel
    rid = c.ids_by_rel.get(target) or c.ids_by_rel.get(target.rstrip("/") + "/README.md") or (
        path if path in c.known_ids else None)  # a record link already (an archkb export re-imported)
    if rid and not bang:
        if rid != c.rid:
            c.refs.add(rid)
        c.result.record_links += 1
        return f"[{text}]({rid})"
    absolute = os.path.normpath(os.path.join(c.src, *target.split("/")))
    if bang and path.lower().endswith(IMAGE_EXTS):
        if os.path.isfile(absolute):
            inside = "/".join(p for p in target.split("/") if p not in ("", ".", ".."))
            dest = c.result.images.setdefault(absolute, posixpath.join(c.assets_rel, inside))
            return f"{bang}[{text}]({posixpath.relpath(dest, c.out_rel)}{title})"
        c.result.missing_images += 1
        c.warnings.append(f"image {url!r} not found beside the log: kept as its alt text")
        return text or "(image)"
    if c.source_url:
        c.result.to_source += 1
        base = c.source_url if c.source_url.endswith("/") else c.source_url + "/"
        return f"{bang}[{text}]({urljoin(base, target)}{'#' + fragment if fragment else ''}{title})"
    in_root = os.path.relpath(absolute, c.root).replace(os.sep, "/")
    if os.path.exists(absolute) and not in_root.startswith("../"):
        c.result.kept_in_repo += 1
        return f"{bang}[{text}]({posixpath.relpath(in_root, c.out_rel)}{'#' + fragment if fragment else ''}{title})"
    c.result.unlinked += 1
    c.warnings.append(f"link to {url!r}: not an imported record nor a file here; kept as text "
                      "(pass --source-url to link the original repository)")
    return text


def _rewrite_prose(text: str, c: _Context) -> str:
    def one(m: re.Match[str]) -> str:
        rid = c.by_number.get(int(m[2]))
        if rid is None or rid == c.rid:
            return m[0]
        c.refs.add(rid)
        c.result.prose_refs += 1
        return f"[{m[0]}]({rid})"

    out = []
    for i, chunk in enumerate(_CODE.split(text)):
        if i % 2:
            out.append(chunk)
            continue
        # Leave text inside existing links alone: split on links and rewrite only between them.
        pieces = []
        last = 0
        for m in _LINK.finditer(chunk):
            pieces.append(_PROSE_REF.sub(one, chunk[last:m.start()]))
            pieces.append(_rewrite_link(m, c))
            last = m.end()
        pieces.append(_PROSE_REF.sub(one, chunk[last:]))
        out.append("".join(pieces))
    return "".join(out)


def _walk(value: Any, c: _Context, key: str = "") -> Any:
    if isinstance(value, str):
        return value if key in _SKIP_KEYS else _rewrite_prose(value, c)
    if isinstance(value, dict):
        return {k: (v if k in _SKIP_KEYS else _walk(v, c, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, c, key) for v in value]
    return value


def resolve_references(records: dict[str, dict[str, Any]], sources: dict[str, str], src: str, *, root: str,
                       out_rel: str, assets_rel: str, source_url: str | None,
                       warnings: dict[str, list[str]]) -> ReferenceResult:
    """Rewrite every record's text in place (see the module docstring) and add `relates_to` links.

    `sources` maps record id -> source path relative to `src`; `out_rel` is where the records
    go and `assets_rel` where copied images go, both relative to the KB `root`.
    """
    result = ReferenceResult()
    ids_by_rel = {rel: rid for rid, rel in sources.items()}
    by_number = numbers(ids_by_rel)
    for rid in sorted(records):
        rec = records[rid]
        rel = sources[rid]
        c = _Context(src, rel, rid, ids_by_rel, by_number, out_rel, assets_rel, os.path.abspath(root), source_url,
                     result, warnings.setdefault(rel, []), set(), set(records))
        records[rid] = _walk(rec, c)
        linked = {link["target"] for link in rec.get("links", [])}
        for target in sorted(c.refs - linked):
            back = {link["target"] for link in records[target].get("links", [])}
            if rid in back:
                continue  # already joined the other way round
            records[rid].setdefault("links", []).append({"type": "relates_to", "target": target})
    return result
