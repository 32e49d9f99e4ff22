"""Private cache files: outside the repository, plain JSON, verified on every read.

A cache inside the working tree can arrive in a pull request, and a pickle runs code when it
is loaded, so nothing here is ever read from the tree and nothing is unpickled. Entries live
under the user's cache folder (`$ARCHKB_CACHE_DIR`, else `$XDG_CACHE_HOME/archkb`, else
`~/.cache/archkb`), in one folder per knowledge base named by a hash of its real path. Each
file holds a header (format, version, name, key) and the value in JSON; values that JSON
has no type for (dates, bytes, non-text keys) are tagged explicitly. Any mismatch, a
corrupt file, a symlink or a non-regular file reads as a miss, and the caller recomputes.
Writes go through `fileio.replace_file` (atomic, no temp file left); a cache that cannot
be written is simply not kept.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import stat
from typing import Any

from archkb.core.fileio import replace_file
from archkb.core.problems import Position, Problem, Severity

FORMAT = "archkb-cache"
VERSION = 1
MAX_CACHE_BYTES = 512 * 1024 * 1024
_TAG = "\x00archkb"  # the key of a tagged value; a real mapping with this key is itself tagged


def cache_root() -> str:
    """The folder holding every knowledge base's cache (never inside a repository unless a user says so)."""
    override = os.environ.get("ARCHKB_CACHE_DIR")
    if override:
        return override
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "archkb")


def cache_dir(root: str, *sub: str) -> str:
    """The cache folder of the knowledge base at `root` (keyed by the SHA-256 of its real path)."""
    key = hashlib.sha256(os.path.realpath(root).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return os.path.join(cache_root(), key, *sub)


def read_private(path: str, limit: int = MAX_CACHE_BYTES) -> bytes | None:
    """The bytes of a regular file we wrote, or None (missing, symlink, FIFO, too large, unreadable)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def write_private(path: str, data: bytes) -> bool:
    """Store `data` at `path` atomically; False (and nothing left behind) when the folder is not writable."""
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        replace_file(path, data)
    except OSError:
        return False
    return True


def read_cached(root: str, name: str, key: bytes | str) -> Any | None:
    """The value stored by `write_cached` for this root, name and key, or None for any mismatch."""
    raw = read_private(cache_dir(root, name + ".json"))
    if raw is None:
        return None
    try:
        entry = json.loads(raw, object_hook=_decode_object)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, OverflowError):
        return None
    if not isinstance(entry, dict) or set(entry) != {"format", "version", "name", "key", "value"}:
        return None
    if (entry["format"], entry["version"], entry["name"], entry["key"]) != (FORMAT, VERSION, name, _hex(key)):
        return None
    return entry["value"]


def write_cached(root: str, name: str, key: bytes | str, value: Any) -> bool:
    """Store `value` (plain data: JSON types plus dates, bytes, tuples and any mapping keys) under `key`."""
    try:
        entry = {"format": FORMAT, "version": VERSION, "name": name, "key": _hex(key), "value": encode(value)}
        data = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    except (ValueError, TypeError, RecursionError, OverflowError):
        return False  # something JSON cannot hold: no cache rather than a wrong one
    return write_private(cache_dir(root, name + ".json"), data)


def remove_cached(root: str, name: str) -> None:
    """Forget one cache entry (tests and `--no-cache` runs that want a clean slate)."""
    with contextlib.suppress(OSError):
        os.unlink(cache_dir(root, name + ".json"))


def problems_to_rows(problems: list[Problem]) -> list[list[Any]]:
    """Problems as JSON rows (severity, code, message, path, line, col, hint)."""
    return [[p.severity.value, p.code, p.message, p.position.path, p.position.line, p.position.col, p.hint]
            for p in problems]


def problems_from_rows(rows: Any) -> list[Problem] | None:
    """The inverse of `problems_to_rows`; None when a row is malformed (the cache is then ignored)."""
    if not isinstance(rows, list):
        return None
    out = []
    try:
        for sev, code, message, path, line, col, hint in rows:
            if not (isinstance(code, str) and isinstance(message, str) and isinstance(path, str)
                    and type(line) is int and type(col) is int and (hint is None or isinstance(hint, str))):
                return None
            out.append(Problem(Severity(sev), code, message, Position(path, line, col), hint))
    except (TypeError, ValueError):
        return None
    return out


def _hex(key: bytes | str) -> str:
    return key.hex() if isinstance(key, bytes) else key


def encode(value: Any) -> Any:
    """`value` as JSON-ready data, with every non-JSON type tagged so `decode` gives back an equal value."""
    if value is None or value is True or value is False or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if all(type(k) is str for k in value) and _TAG not in value:
            return {k: encode(v) for k, v in value.items()}
        return {_TAG: "map", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {_TAG: "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, dt.datetime):
        return {_TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {_TAG: "date", "v": value.isoformat()}
    if isinstance(value, bytes):
        return {_TAG: "bytes", "v": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (set, frozenset)):
        return {_TAG: "set", "v": [encode(v) for v in value]}
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _decode_object(obj: dict[str, Any]) -> Any:
    tag = obj.get(_TAG)
    if tag is None:
        return obj
    v: Any = obj.get("v")
    if tag == "map":
        return {_hashable(k): val for k, val in v}
    if tag == "tuple":
        return tuple(v)
    if tag == "datetime":
        return dt.datetime.fromisoformat(v)
    if tag == "date":
        return dt.date.fromisoformat(v)
    if tag == "bytes":
        return base64.b64decode(v, validate=True)
    if tag == "set":
        return {_hashable(x) for x in v}
    raise ValueError(f"unknown cache tag {tag!r}")


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        raise ValueError("a mapping cannot be a key")
    return value


def decode(data: Any) -> Any:
    """The inverse of `encode` for data already parsed from JSON without the object hook (tests)."""
    return json.loads(json.dumps(data), object_hook=_decode_object)


__all__ = ["cache_dir", "cache_root", "decode", "encode", "problems_from_rows", "problems_to_rows", "read_cached",
           "read_private", "remove_cached", "write_cached", "write_private"]
