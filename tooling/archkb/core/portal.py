"""A portal over many knowledge bases: load the KBs an `archkb.yaml` lists under `sources`, with namespaced ids.

A portal is an ordinary knowledge base whose configuration names other knowledge bases
(checkouts of the teams' repositories). Each source is loaded and checked as on its own,
then its records join the portal's catalog under `NAME:ID` (`payments:ADR-0001`): its own
links are rewritten into its namespace, and links it writes as `claims:ADR-0003` resolve
to the other team's record. A reference into a namespace the KB does not list is external:
a team's own check leaves it alone, and the portal warns (W012) when a namespace it lists
has no such record, since the other team's repository is not the portal's to fix.

The light functions at the top (`split`, `id_path`, `source_roots`) import neither pydantic
nor networkx, so the check cache can key on the sources without loading them.
"""

from __future__ import annotations

import os
import posixpath
from typing import TYPE_CHECKING, Any

from archkb.core.problems import Position, Problem, error

if TYPE_CHECKING:
    from archkb.core.catalog import Catalog, Entry
    from archkb.core.config import KbConfig

SEP = ":"


def split(rid: str) -> tuple[str | None, str]:
    """(namespace, local id) of a record id; the namespace is None for a local id."""
    ns, sep, local = rid.partition(SEP)
    return (ns, local) if sep else (None, rid)


def id_path(rid: str) -> str:
    """A record id as a path segment: `payments:ADR-0001` -> `payments/ADR-0001` (no colon in URLs or files)."""
    return rid.replace(SEP, "/")


def source_roots(root: str) -> list[str]:
    """The absolute folders of the sources listed in ROOT/archkb.yaml, read without validating (for cache keys)."""
    import yaml

    from archkb.core.trusted import Untrusted, read_regular

    try:
        # A regular file only (a FIFO would block); the loader reports a bad archkb.yaml, not this.
        raw = read_regular(os.path.join(root, "archkb.yaml"), 1024 * 1024)
        data = yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, Untrusted, yaml.YAMLError, UnicodeDecodeError):
        return []
    sources = data.get("sources") if isinstance(data, dict) else None
    out = []
    for src in sources if isinstance(sources, list) else []:
        if isinstance(src, dict) and isinstance(src.get("path"), str):
            out.append(os.path.normpath(os.path.join(root, src["path"])))
    return out


def _ns_id(ns: str, rid: str) -> str:
    """A reference written in source `ns`, as the portal names it: local ids move into `ns`, `other:ID` stays."""
    return rid if SEP in rid else f"{ns}{SEP}{rid}"


def _renamed(record: Any, ns: str) -> Any:
    """A copy of a source's record with its id and its references in the portal's namespaces.

    The copy is not validated again (its id now holds a colon, which a record file may not),
    which is why only the fields that hold record ids are touched.
    """
    update: dict[str, Any] = {"id": _ns_id(ns, record.id)}
    links = getattr(record, "links", None)
    if links:
        update["links"] = [link.model_copy(update={"target": _ns_id(ns, link.target)}) for link in links]
    for name in ("patterns", "decisions", "checklists"):
        ids = getattr(record, name, None)
        if isinstance(ids, list) and ids and all(isinstance(i, str) for i in ids):
            update[name] = [_ns_id(ns, i) for i in ids]
    sections = getattr(record, "sections", None)
    if sections and hasattr(sections[0], "questions"):
        update["sections"] = [s.model_copy(update={"questions": [
            q.model_copy(update={"mitigated_by": [_ns_id(ns, p) for p in q.mitigated_by]})
            for q in s.questions]}) for s in sections]
    return record.model_copy(update=update)


def _moved(problem: Problem, prefix: str) -> Problem:
    """A source's problem with its file path as seen from the portal's root."""
    import dataclasses

    pos = problem.position
    if pos is None or not prefix:
        return problem
    return dataclasses.replace(problem, position=Position(posixpath.join(prefix, pos.path), pos.line, pos.col))


def add_sources(catalog: Catalog, *, use_cache: bool = True) -> None:
    """Load every source the catalog's configuration lists and add its records under their namespace (in place).

    A source that cannot be read gives E026 at its entry in `archkb.yaml`; the categories of
    the sources join the portal's vocabulary, so their records keep their categories.
    """
    from archkb.core.catalog import Entry, load_catalog

    config: KbConfig = catalog.config
    seen_ns: set[str] = set()
    for i, src in enumerate(config.sources):
        where = Position("archkb.yaml", 1, 1)
        if src.name in seen_ns:
            catalog.problems.append(error("E026", f"sources[{i}]: namespace {src.name!r} is listed twice", where))
            continue
        seen_ns.add(src.name)
        if not src.path:
            catalog.problems.append(error("E026", f"sources[{i}] ({src.name}): archkb reads checkouts; clone "
                                          f"{src.git or 'the repository'} and give its folder as `path`", where))
            continue
        src_root = os.path.normpath(os.path.join(catalog.root, src.path))
        if not os.path.isdir(src_root):
            catalog.problems.append(error("E026", f"sources[{i}] ({src.name}): no folder {src.path!r}", where))
            continue
        sub = load_catalog(src_root, use_cache=use_cache, include_sources=False)
        prefix = os.path.relpath(src_root, catalog.root).replace(os.sep, "/")
        catalog.problems.extend(_moved(p, prefix) for p in sub.problems)
        known = {c.id for c in config.categories}
        config.categories.extend(c for c in sub.config.categories if c.id not in known)
        for entry in sub.entries:
            path = posixpath.join(prefix, entry.path)
            record = _renamed(entry.record, src.name) if entry.record is not None else None
            moved = Entry(entry.kind, path, record, [_moved(p, prefix) for p in entry.problems], entry.abspath)
            catalog.entries.append(moved)
            if record is not None and record.id not in catalog.by_id and entry.record.id in sub.by_id \
                    and sub.by_id[entry.record.id] is entry:
                catalog.by_id[record.id] = moved
        catalog.sources[src.name] = SourceInfo(src.name, prefix, src.edit_uri, src_root)
    catalog.entries.sort(key=lambda e: e.path)


class SourceInfo:
    """Where one source's files are, from the portal's root and in its own repository."""

    def __init__(self, name: str, prefix: str, edit_uri: str | None, root: str) -> None:
        self.name = name
        self.prefix = prefix
        self.edit_uri = edit_uri
        self.root = root

    def __repr__(self) -> str:
        return f"SourceInfo({self.name!r}, {self.prefix!r})"


def edit_url(catalog: Catalog, path: str) -> str | None:
    """The edit link of a source's record file (`path` relative to the portal), from its source's `edit_uri`."""
    for info in catalog.sources.values():
        if path.startswith(info.prefix + "/"):
            if not info.edit_uri:
                return None
            base = info.edit_uri if info.edit_uri.endswith("/") else info.edit_uri + "/"
            return base + path[len(info.prefix) + 1:]
    return None


def is_external(catalog: Catalog, rid: str) -> bool:
    """A reference into a namespace this KB does not list: nobody here can check it."""
    ns, _ = split(rid)
    return ns is not None and ns not in catalog.sources


def owner(catalog: Catalog, entry: Entry) -> str | None:
    """The namespace of a source's record, None for the portal's own records."""
    ns, _ = split(entry.record.id) if entry.record is not None else (None, "")
    return ns
