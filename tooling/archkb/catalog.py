"""Find every record file of a knowledge base, load and validate it, and index records by id.

Each record keeps its source path beside it (positions stay out of the models); a source's
node positions are recomputed only when a problem needs them. Parsed data is cached in
`.archkb_cache/` keyed on each file's content, so unchanged files are not parsed again
(plain data, not models: unpickling 10,000 pydantic models costs more than validating them
again). Large knowledge bases are parsed on every core.
"""

from __future__ import annotations

import concurrent.futures
import functools
import hashlib
import multiprocessing
import os
import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from archkb import __version__
from archkb.config import CONFIG_FILE, KbConfig, load_config
from archkb.models import KIND_BY_FOLDER, KINDS, Kind
from archkb.problems import Position, Problem, error, warning
from archkb.sources import MAX_FILE_BYTES, SCHEMA_COMMENT_PREFIX, SourceDoc, decode, load_bytes, load_file
from archkb.validate import validate

CACHE_DIR = ".archkb_cache"
_CACHE_FILE = "catalog.pickle"


@dataclass
class Entry:
    """One record file: its kind, path relative to the root, the record (None if invalid), its problems."""

    kind: Kind
    path: str
    record: Any
    problems: list[Problem] = field(default_factory=list)
    abspath: str = ""
    _doc: SourceDoc | None = field(default=None, repr=False)

    @property
    def id(self) -> str:
        return self.record.id  # type: ignore[no-any-return]

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

    def records(self, kind: str | None = None) -> list[Any]:
        """Valid records (the first of a duplicated id), optionally of one kind, sorted by id."""
        out = [e.record for e in self.by_id.values() if kind is None or e.kind.name == kind]
        return sorted(out, key=lambda r: r.id)

    def get(self, rid: str) -> Any | None:
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


def discover(root: str) -> tuple[list[tuple[Kind, str]], list[Problem]]:
    """Record files under `root` as (kind, relative path), sorted; stray `.yml` files are warned about."""
    found: list[tuple[Kind, str]] = []
    problems: list[Problem] = []
    for folder in sorted(KIND_BY_FOLDER):
        kind = KIND_BY_FOLDER[folder]
        base = os.path.join(root, folder)
        if not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base)):
            rel = f"{folder}/{name}"
            full = os.path.join(base, name)
            if name.startswith(".") or not os.path.isfile(full) or os.path.islink(full):
                continue
            if name.endswith(".yaml"):
                found.append((kind, rel))
            elif name.endswith(".yml"):
                problems.append(warning("W007", "ignored: record files end in .yaml", Position(rel, 1, 1),
                                        hint=f"rename to {name[:-4]}.yaml"))
    return found, problems


@functools.lru_cache(maxsize=1)
def _salt() -> bytes:
    """Changes whenever the tool or its schemas change, invalidating cached records."""
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    for kind in sorted(KINDS):
        h.update(repr(sorted(KINDS[kind].model.model_fields)).encode())
    here = os.path.dirname(os.path.abspath(__file__))
    for folder, _, names in sorted(os.walk(here)):
        for name in sorted(names):
            if name.endswith(".py"):
                st = os.stat(os.path.join(folder, name))
                h.update(f"{os.path.relpath(os.path.join(folder, name), here)}:{st.st_mtime_ns}:{st.st_size}".encode())
    return h.digest()


@dataclass
class Snapshot:
    """The record files of a KB as read once: (kind, path, bytes, content digest), plus the config file's digest."""

    root: str
    files: list[tuple[Kind, str, bytes | None, bytes]]
    problems: list[Problem]
    config_digest: bytes

    def key(self, *extra: str) -> bytes:
        """One digest of every path and content (and `extra` context): equal keys mean equal input."""
        h = hashlib.blake2b(_salt(), digest_size=16)
        h.update(self.config_digest)
        for _, rel, _, digest in self.files:
            h.update(rel.encode("utf-8", "surrogateescape") + b"\0" + digest)
        for item in extra:
            h.update(item.encode())
        return h.digest()


def snapshot(root: str) -> Snapshot:
    """Read every record file once (bounded by the size limit) and digest it."""
    root = os.path.abspath(root)
    files, problems = discover(root)
    out: list[tuple[Kind, str, bytes | None, bytes]] = []
    for kind, rel in files:
        try:
            with open(os.path.join(root, rel), "rb") as fh:
                raw: bytes | None = fh.read(MAX_FILE_BYTES + 1)
        except OSError:
            raw = None
        digest = hashlib.blake2b(raw or b"", digest_size=16).digest()
        out.append((kind, rel, raw, digest))
    try:
        with open(os.path.join(root, CONFIG_FILE), "rb") as fh:
            config_digest = hashlib.blake2b(fh.read(MAX_FILE_BYTES), digest_size=16).digest()
    except OSError:
        config_digest = b""
    return Snapshot(root, out, problems, config_digest)


def read_cached(root: str, name: str, key: bytes) -> Any | None:
    """A value stored by `write_cached` under the same key, or None."""
    try:
        with open(os.path.join(root, CACHE_DIR, name), "rb") as fh:
            stored_key, value = pickle.load(fh)  # our own cache file, written by write_cached
    except Exception:  # missing, stale or corrupt: recompute
        return None
    return value if stored_key == key else None


def write_cached(root: str, name: str, key: bytes, value: Any) -> None:
    """Store `value` in `.archkb_cache/NAME` atomically; a read-only checkout just is not cached."""
    folder = os.path.join(root, CACHE_DIR)
    try:
        os.makedirs(folder, exist_ok=True)
        gitignore = os.path.join(folder, ".gitignore")
        if not os.path.exists(gitignore):
            with open(gitignore, "w", encoding="utf-8") as fh:
                fh.write("*\n")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump((key, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, os.path.join(folder, name))
    except OSError:
        pass


def _read_cache(root: str) -> dict[str, tuple[bytes, Any, list[Problem]]]:
    return read_cached(root, _CACHE_FILE, _salt()) or {}


def _write_cache(root: str, data: dict[str, tuple[bytes, Any, list[Problem]]]) -> None:
    write_cached(root, _CACHE_FILE, _salt(), data)


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
                 parallel: bool = False) -> Catalog:
    """Load and validate every record under `root`; never raises for bad input.

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
    for kind, rel, raw, digest in files:
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
    return Catalog(root, config, entries, problems, by_id, {"files": len(files), "cache_hits": hits})


def model_of(record: BaseModel) -> str:
    """The kind name of a record instance."""
    for kind in KINDS.values():
        if isinstance(record, kind.model):
            return kind.name
    raise TypeError(type(record).__name__)
