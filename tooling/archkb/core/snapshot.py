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
import stat
from dataclasses import dataclass

from archkb import __version__
from archkb.core.kinds import RECORD_FOLDERS
from archkb.core.mkdocs_yml import publish_symlink_warnings
from archkb.core.problems import Position, Problem, error, warning
from archkb.core.trusted import Untrusted, describe, read_regular, refusal

CONFIG_FILE = "archkb.yaml"
MAX_FILE_BYTES = 1024 * 1024


def discover(root: str) -> tuple[list[tuple[str, str]], list[Problem]]:
    """Record files under `root` as (kind, relative path), sorted, and the problems of what is not read.

    Only regular files directly in a record folder are records (`core/trusted.py`): a record
    folder that is a symlink, and a `*.yaml` entry that is a symlink (dangling or not), a
    folder, a FIFO or a device is refused with E023 and never opened. Stray `.yml` files
    are warned about (W007).
    """
    found: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for folder in sorted(RECORD_FOLDERS):
        kind = RECORD_FOLDERS[folder]
        base = os.path.join(root, folder)
        try:
            st = os.lstat(base)
        except FileNotFoundError:
            continue
        except OSError as exc:
            problems.append(_refused(folder, f"cannot be examined: {exc.strerror}"))
            continue
        if not stat.S_ISDIR(st.st_mode):
            problems.append(_refused(folder, f"is {describe(st.st_mode)}, not a folder of records"))
            continue
        try:
            with os.scandir(base) as it:  # d_type from the listing: no stat per file
                listed = sorted((e.name, e) for e in it)
        except OSError as exc:
            problems.append(_refused(folder, f"cannot be listed: {exc.strerror}"))
            continue
        for name, dirent in listed:
            rel = f"{folder}/{name}"
            if name.startswith(".") or not name.endswith((".yaml", ".yml")):
                continue
            try:
                regular = dirent.is_file(follow_symlinks=False)
            except OSError:
                regular = False
            why = None if regular else (refusal(os.path.join(base, name)) or "is not a regular file")
            if why is not None:
                problems.append(_refused(rel, why))
            elif name.endswith(".yaml"):
                found.append((kind, rel))
            else:
                problems.append(warning("W007", "ignored: record files end in .yaml", Position(rel, 1, 1),
                                        hint=f"rename to {name[:-4]}.yaml"))
    return found, problems


def _refused(rel: str, why: str) -> Problem:
    return error("E023", f"not read: {why}; records are regular files inside the knowledge base",
                 Position(rel, 1, 1), hint="commit the file itself, not a link or special file")


@functools.lru_cache(maxsize=1)
def salt() -> bytes:
    """Changes whenever the tool or its schemas change, invalidating cached records."""
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    # The whole package, not just core/: a change to any rule must invalidate cached results.
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
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
        for p in self.problems:  # refused paths and published symlinks are input too
            h.update(repr(p.sort_key()).encode("utf-8", "surrogateescape") + b"\0")
        for item in extra:
            h.update(item.encode())
        return h.digest()


def snapshot(root: str) -> Snapshot:
    """Read every record file once (bounded by the size limit) and digest it."""
    root = os.path.abspath(root)
    files, problems = discover(root)
    out: list[tuple[str, str, bytes | None, bytes]] = []
    for kind, rel in files:
        raw: bytes | None
        try:
            # discover checked the record folder itself; O_NOFOLLOW and fstat check the file
            raw = read_regular(os.path.join(root, rel), MAX_FILE_BYTES)
        except Untrusted as exc:  # changed since it was listed
            problems.append(_refused(rel, exc.reason))
            continue
        except OSError:
            raw = None
        digest = hashlib.blake2b(raw or b"", digest_size=16).digest()
        out.append((kind, rel, raw, digest))
    try:
        config_digest = hashlib.blake2b(read_regular(os.path.join(root, CONFIG_FILE), MAX_FILE_BYTES),
                                        digest_size=16).digest()
    except (Untrusted, OSError):  # load_config reports why
        config_digest = b""
    problems.extend(publish_symlink_warnings(root))
    return Snapshot(root, out, problems, config_digest)
