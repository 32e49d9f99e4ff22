"""Read a knowledge base's files once and digest them, so derived results can be cached by content.

Deliberately light (no pydantic, no networkx): an unchanged knowledge base is answered from
the cache (`core/cache.py`, outside the tree) after nothing more than reading and hashing its files. Cache keys cover the
files' paths and contents, the configuration and the tool's own code (`salt`), so a hit
is exactly what a fresh computation would give.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass

from archkb import __version__
from archkb.core.kinds import RECORD_FOLDERS
from archkb.core.problems import Position, Problem, warning

CONFIG_FILE = "archkb.yaml"
MAX_FILE_BYTES = 1024 * 1024


def discover(root: str) -> tuple[list[tuple[str, str]], list[Problem]]:
    """Record files under `root` as (kind, relative path), sorted; stray `.yml` files are warned about."""
    found: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for folder in sorted(RECORD_FOLDERS):
        kind = RECORD_FOLDERS[folder]
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
def salt() -> bytes:
    """Changes whenever the tool or its schemas change, invalidating cached records."""
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    here = os.path.dirname(os.path.abspath(__file__))
    for folder, _, names in sorted(os.walk(here)):
        for name in sorted(names):
            if name.endswith(".py"):
                st = os.stat(os.path.join(folder, name))
                h.update(f"{os.path.relpath(os.path.join(folder, name), here)}:{st.st_mtime_ns}:{st.st_size}".encode())
    return h.digest()


@dataclass
class Snapshot:
    """The record files of a KB as read once: (kind name, path, bytes, content digest), and the config's digest."""

    root: str
    files: list[tuple[str, str, bytes | None, bytes]]
    problems: list[Problem]
    config_digest: bytes

    def key(self, *extra: str) -> bytes:
        """One digest of every path and content (and `extra` context): equal keys mean equal input."""
        h = hashlib.blake2b(salt(), digest_size=16)
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
    out: list[tuple[str, str, bytes | None, bytes]] = []
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
