"""Find every record file of a knowledge base, load and validate it, and index records by id.

Each record keeps its source path beside it (positions stay out of the models); a source's
node positions are recomputed only when a problem needs them. Validated records are cached
in `.archkb_cache/` keyed on each file's content, so an unchanged knowledge base is not
parsed again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from archkb import __version__
from archkb.config import KbConfig, load_config
from archkb.models import KIND_BY_FOLDER, KINDS, Kind
from archkb.problems import Position, Problem, error, warning
from archkb.sources import MAX_FILE_BYTES, SCHEMA_COMMENT_PREFIX, SourceDoc, load_bytes, load_file
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
        """Valid records, optionally of one kind, sorted by id."""
        out = [e.record for e in self.entries if e.record is not None and (kind is None or e.kind.name == kind)]
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


def _salt() -> bytes:
    """Changes whenever the tool or its schemas change, invalidating cached records."""
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    for kind in sorted(KINDS):
        h.update(repr(sorted(KINDS[kind].model.model_fields)).encode())
    here = os.path.dirname(os.path.abspath(__file__))
    for mod in ("sources.py", "validate.py", "catalog.py", "models/common.py", "models/decision.py",
                "models/pattern.py", "models/checklist.py", "models/review.py"):
        try:
            st = os.stat(os.path.join(here, mod))
            h.update(f"{mod}:{st.st_mtime_ns}:{st.st_size}".encode())
        except OSError:
            pass
    return h.digest()


def _read_cache(root: str) -> dict[str, tuple[bytes, Any, list[Problem]]]:
    path = os.path.join(root, CACHE_DIR, _CACHE_FILE)
    try:
        with open(path, "rb") as fh:
            salt, data = pickle.load(fh)
    except Exception:  # a missing, stale or corrupt cache is simply rebuilt
        return {}
    return data if salt == _salt() else {}


def _write_cache(root: str, data: dict[str, tuple[bytes, Any, list[Problem]]]) -> None:
    folder = os.path.join(root, CACHE_DIR)
    try:
        os.makedirs(folder, exist_ok=True)
        gitignore = os.path.join(folder, ".gitignore")
        if not os.path.exists(gitignore):
            with open(gitignore, "w", encoding="utf-8") as fh:
                fh.write("*\n")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".catalog-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump((_salt(), data), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, os.path.join(folder, _CACHE_FILE))
    except OSError:
        pass  # a read-only checkout still checks; it just is not cached


def _load_entry(kind: Kind, rel: str, full: str, raw: bytes) -> tuple[Any, list[Problem], SourceDoc]:
    doc = load_bytes(rel, raw)
    record, problems = validate(doc, kind)
    if doc.text and not doc.first_line.startswith(SCHEMA_COMMENT_PREFIX) and record is not None:
        problems.append(warning("W006", "first line should point at the JSON Schema "
                                f"('{SCHEMA_COMMENT_PREFIX}...') for editor completion", Position(rel, 1, 1)))
    return record, problems, doc


def load_catalog(root: str, *, use_cache: bool = True) -> Catalog:
    """Load and validate every record under `root`; never raises for bad input."""
    root = os.path.abspath(root)
    config, problems = load_config(root)
    files, found_problems = discover(root)
    problems.extend(found_problems)
    cache = _read_cache(root) if use_cache else {}
    new_cache: dict[str, tuple[bytes, Any, list[Problem]]] = {}
    entries: list[Entry] = []
    hits = 0
    for kind, rel in files:
        full = os.path.join(root, rel)
        try:
            with open(full, "rb") as fh:
                raw = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            entries.append(Entry(kind, rel, None, [error("E011", f"cannot read file: {exc.strerror}",
                                                         Position(rel, 1, 1))], full))
            continue
        digest = hashlib.blake2b(raw, digest_size=16).digest()
        cached = cache.get(rel)
        doc = None
        if cached is not None and cached[0] == digest:
            record, file_problems = cached[1], list(cached[2])
            hits += 1
        else:
            record, file_problems, doc = _load_entry(kind, rel, full, raw)
        new_cache[rel] = (digest, record, file_problems)
        entries.append(Entry(kind, rel, record, list(file_problems), full, doc))
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
