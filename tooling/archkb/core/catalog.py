"""Find every record file of a knowledge base, load and validate it, and index records by id.

Each record keeps its source path beside it (positions stay out of the models); a source's
node positions are recomputed only when a problem needs them. Parsed data is cached as
tagged JSON outside the tree (`core/cache.py`), keyed on each file's content, so unchanged
files are not parsed again (plain data, not models: validating again is cheap, and nothing
from the repository is ever unpickled). Large knowledge bases are parsed on every core.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, overload

from pydantic import BaseModel

from archkb.core.cache import problems_from_rows, problems_to_rows, read_cached, write_cached
from archkb.core.config import KbConfig, load_config
from archkb.core.kinds import KINDS, Kind
from archkb.core.portal import add_sources
from archkb.core.problems import Position, Problem, error, warning
from archkb.core.snapshot import Snapshot, salt, snapshot
from archkb.core.validate import validate
from archkb.core.yaml_source import SCHEMA_COMMENT_PREFIX, SourceDoc, decode, load_bytes, load_file
from archkb.models import Checklist, Decision, Pattern, Principle, Record, Review

_CACHE_FILE = "catalog"


@dataclass
class Entry:
    """One record file: its kind, path relative to the root, the record (None if invalid), its problems."""

    kind: Kind
    path: str
    record: Any
    """The validated record (a `Record`), or None when the file is invalid."""
    problems: list[Problem] = field(default_factory=list)
    abspath: str = ""
    _doc: SourceDoc | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return str(self.record.id)

    def doc(self) -> SourceDoc:
        """The parsed source, loaded on first use (positions need it)."""
        if self._doc is None:
            self._doc = load_file(self.abspath, self.path)
        return self._doc

    def position(self, loc: tuple[Any, ...] = (), *, key: bool = False) -> Position:
        """`file:line:col` of the value at `loc` in this record's file."""
        return self.doc().position(loc, key=key)


@dataclass
class Catalog:
    """All records of one knowledge base, by id, with the problems found while loading."""

    root: str
    config: KbConfig
    entries: list[Entry]
    problems: list[Problem]
    by_id: dict[str, Entry]
    stats: dict[str, int] = field(default_factory=dict)
    sources: dict[str, Any] = field(default_factory=dict)
    """The knowledge bases a portal publishes, by namespace (`portal.SourceInfo`); empty for one KB."""

    @overload
    def records(self, kind: Literal["decision"]) -> list[Decision]: ...
    @overload
    def records(self, kind: Literal["pattern"]) -> list[Pattern]: ...
    @overload
    def records(self, kind: Literal["principle"]) -> list[Principle]: ...
    @overload
    def records(self, kind: Literal["checklist"]) -> list[Checklist]: ...
    @overload
    def records(self, kind: Literal["review"]) -> list[Review]: ...
    @overload
    def records(self, kind: str | None = None) -> list[Record]: ...

    def records(self, kind: str | None = None) -> Sequence[Record]:
        """Valid records (the first of a duplicated id), optionally of one kind, sorted by id."""
        out: list[Record] = [e.record for e in self.by_id.values() if kind is None or e.kind.name == kind]
        return sorted(out, key=lambda r: r.id)

    def get(self, rid: str) -> Record | None:
        """The valid record with id `rid`, or None."""
        entry = self.by_id.get(rid)
        return entry.record if entry else None

    def entry(self, rid: str) -> Entry | None:
        return self.by_id.get(rid)

    def kind_of(self, rid: str) -> str | None:
        entry = self.by_id.get(rid)
        return entry.kind.name if entry else None

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def all_problems(self) -> list[Problem]:
        out = list(self.problems)
        for e in self.entries:
            out.extend(e.problems)
        return out


def _read_cache(root: str) -> dict[str, tuple[bytes, Any, list[Problem]]]:
    """Parsed data by file from the last run; anything malformed is dropped (and parsed again)."""
    stored = read_cached(root, _CACHE_FILE, salt())
    out: dict[str, tuple[bytes, Any, list[Problem]]] = {}
    if not isinstance(stored, dict):
        return out
    for rel, row in stored.items():
        if not (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str)):
            continue
        problems = problems_from_rows(row[2])
        if problems is None:
            continue
        try:
            digest = bytes.fromhex(row[0])
        except ValueError:
            continue
        out[rel] = (digest, row[1], problems)
    return out


def _write_cache(root: str, data: dict[str, tuple[bytes, Any, list[Problem]]]) -> None:
    write_cached(root, _CACHE_FILE, salt(),
                 {rel: [digest.hex(), value, problems_to_rows(problems)] for rel, (digest, value, problems) in data.items()})


def _parse_chunk(chunk: list[tuple[str, bytes]]) -> list[tuple[str, Any, list[Problem]]]:
    """Parse files to plain data (picklable and cheap to send between processes, unlike models)."""
    out = []
    for rel, raw in chunk:
        doc = load_bytes(rel, raw)
        out.append((rel, doc.data if doc.ok else None, doc.problems))
    return out


# Below this many files a process pool costs more than it saves.
PARALLEL_MIN_FILES = 2000


def _parse_many(todo: list[tuple[str, bytes]], parallel: bool) -> dict[str, tuple[Any, list[Problem]]]:
    """Parse files, on every core when there are many (YAML parsing is the CPU-bound step)."""
    workers = min(os.cpu_count() or 1, 8)
    if not parallel or len(todo) < PARALLEL_MIN_FILES or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return {rel: (data, probs) for rel, data, probs in _parse_chunk(todo)}
    size = -(-len(todo) // (workers * 4))
    chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    # fork: the workers inherit the imported modules, so start-up costs nothing.
    ctx = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        results = list(pool.map(_parse_chunk, chunks))
    return {rel: (data, probs) for chunk in results for rel, data, probs in chunk}


def _validate_entry(kind: Kind, rel: str, full: str, raw: bytes, data: Any,
                    parse_problems: list[Problem]) -> Entry:
    if data is None:
        return Entry(kind, rel, None, list(parse_problems), full)
    text, _ = decode(rel, raw)
    doc = SourceDoc(rel, text or "", data, [])
    record, problems = validate(doc, kind)
    if record is not None and not doc.text.startswith(SCHEMA_COMMENT_PREFIX):
        problems.append(warning("W006", "first line should point at the JSON Schema "
                                f"('{SCHEMA_COMMENT_PREFIX}...') for editor completion", Position(rel, 1, 1)))
    return Entry(kind, rel, record, problems, full, doc)


def load_catalog(root: str, *, use_cache: bool = True, snap: Snapshot | None = None,
                 parallel: bool = False, include_sources: bool = True) -> Catalog:
    """Load and validate every record under `root`; never raises for bad input.

    A portal's sources (`sources:` in archkb.yaml) are loaded too, under their namespaces,
    unless `include_sources` is off (a source's own sources are never loaded).

    `parallel` parses large knowledge bases in forked worker processes; leave it off in
    threaded hosts (such as `mkdocs serve`), where forking is unsafe.
    """
    root = os.path.abspath(root)
    config, problems = load_config(root)
    snap = snap or snapshot(root)
    problems.extend(snap.problems)
    files = snap.files
    cache = _read_cache(root) if use_cache else {}
    new_cache: dict[str, tuple[bytes, Any, list[Problem]]] = {}
    entries: list[Entry] = []
    hits = 0
    todo = [(rel, raw) for _, rel, raw, digest in files
            if raw is not None and not (rel in cache and cache[rel][0] == digest)]
    fresh = _parse_many(todo, parallel)
    for kind_name, rel, raw, digest in files:
        kind = KINDS[kind_name]
        full = os.path.join(root, rel)
        if raw is None:
            entries.append(Entry(kind, rel, None, [error("E011", "cannot read file", Position(rel, 1, 1))], full))
            continue
        if rel in fresh:
            data, parse_problems = fresh[rel]
        else:
            data, parse_problems = cache[rel][1], cache[rel][2]
            hits += 1
        new_cache[rel] = (digest, data, parse_problems)
        entries.append(_validate_entry(kind, rel, full, raw, data, parse_problems))
    by_id: dict[str, Entry] = {}
    for entry in entries:
        if entry.record is None:
            continue
        rid = entry.record.id
        first = by_id.get(rid)
        if first is not None:
            entry.problems.append(error("E005", f"duplicate id {rid!r} (also in {first.path})",
                                        entry.position(("id",))))
            continue
        by_id[rid] = entry
    if use_cache and (hits != len(new_cache) or len(cache) != len(new_cache)):
        _write_cache(root, new_cache)
    catalog = Catalog(root, config, entries, problems, by_id, {"files": len(files), "cache_hits": hits})
    if include_sources and config.sources:
        add_sources(catalog, use_cache=use_cache)
    return catalog


def model_of(record: BaseModel) -> str:
    """The kind name of a record instance."""
    for kind in KINDS.values():
        if isinstance(record, kind.model):
            return kind.name
    raise TypeError(type(record).__name__)
