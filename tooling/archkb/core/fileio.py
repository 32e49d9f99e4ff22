"""The only writer: new files never overwrite, replacements are atomic, multi-file changes are all or nothing.

Every command that writes goes through a `Transaction` on a root folder (the knowledge base,
or the folder an export goes to). A transaction first writes a journal (outside the tree, in
the user's state folder, keyed by the root's real path), then every new content to a unique
temp file beside its target, then applies the operations; the journal goes last. If the
process fails at any point the changes are undone before the error is raised; if it is
killed, the next transaction on that root (every `archkb` command that writes, and
`recover`) rolls the journal back first. So after any failure a root is as it was, with no
temp files left, and concurrent writers are serialised by a lock on the root.

Paths are confined: relative, no `..`, no symlink anywhere on the way from the root, and a
new file is created with `link()`, which refuses an existing target (even a dangling
symlink) atomically.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import fcntl
import hashlib
import json
import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from archkb.core.errors import Conflict, RefusedWrite

JOURNAL_VERSION = 1


def state_dir(root: str) -> str:
    """The per-root folder for journals and the lock, outside the repository (never read from the tree)."""
    base = os.environ.get("ARCHKB_STATE_DIR") or os.path.join(
        os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state"), "archkb")
    key = hashlib.sha256(os.path.realpath(root).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return os.path.join(base, "roots", key)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(path: str) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def confine(root: str, rel: str) -> str:
    """The absolute path of `rel` under `root`; `RefusedWrite` when it escapes or passes through a symlink."""
    if not rel or os.path.isabs(rel) or "\0" in rel:
        raise RefusedWrite(f"refusing to write {rel!r}: not a relative path inside {root}")
    parts = rel.replace(os.sep, "/").split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise RefusedWrite(f"refusing to write {rel!r}: the path must not contain '..', '.' or empty parts")
    here = root
    for part in parts[:-1]:
        here = os.path.join(here, part)
        if os.path.islink(here):
            raise RefusedWrite(f"refusing to write {rel!r}: {os.path.relpath(here, root)} is a symlink")
        if os.path.exists(here) and not os.path.isdir(here):
            raise RefusedWrite(f"refusing to write {rel!r}: {os.path.relpath(here, root)} is not a folder")
    return os.path.join(root, *parts)


def _write_fd(path: str, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _explain(exc: OSError, what: str) -> RefusedWrite:
    reason = {errno.ENOSPC: "no space left on device", errno.EACCES: "permission denied",
              errno.EPERM: "operation not permitted", errno.EROFS: "read-only file system",
              errno.EDQUOT: "disk quota exceeded"}.get(exc.errno or 0, exc.strerror or str(exc))
    return RefusedWrite(f"cannot write {what}: {reason}; nothing was changed")


@dataclass
class _Op:
    action: str  # "create" | "replace" | "remove"
    rel: str
    data: bytes | None
    tmp: str = ""
    old: bytes | None = None
    done: bool = False


@dataclass
class Transaction:
    """A set of file operations under `root`, applied all together or not at all (see the module docstring)."""

    root: str
    ops: list[_Op] = field(default_factory=list)

    def create(self, rel: str, text: str | bytes) -> None:
        """Add a new file; the commit fails (`Conflict`) if anything exists at `rel`."""
        self._add(_Op("create", rel, text.encode("utf-8") if isinstance(text, str) else text))

    def replace(self, rel: str, text: str | bytes) -> None:
        """Replace an existing regular file's content atomically (its mode is kept)."""
        self._add(_Op("replace", rel, text.encode("utf-8") if isinstance(text, str) else text))

    def remove(self, rel: str) -> None:
        """Remove an existing regular file."""
        self._add(_Op("remove", rel, None))

    def _add(self, op: _Op) -> None:
        confine(self.root, op.rel)
        if any(o.rel == op.rel for o in self.ops):
            raise RefusedWrite(f"{op.rel} is written twice in one change")
        self.ops.append(op)

    @property
    def paths(self) -> list[str]:
        return sorted(o.rel for o in self.ops)

    def commit(self) -> list[str]:
        """Apply every operation, or none; returns the relative paths changed, sorted."""
        if not self.ops:
            return []
        with root_lock(self.root):
            _recover_locked(self.root)
            self._preflight()
            journal = self._write_journal()
            try:
                self._stage()
                self._apply()
            except BaseException as exc:
                self._rollback()
                os.unlink(journal)
                if isinstance(exc, OSError):
                    raise _explain(exc, ", ".join(self.paths)) from exc
                raise
            for op in self.ops:
                if op.tmp and os.path.lexists(op.tmp):
                    os.unlink(op.tmp)
            os.unlink(journal)
        return self.paths

    def _preflight(self) -> None:
        for op in self.ops:
            full = confine(self.root, op.rel)
            if op.action == "create":
                if os.path.lexists(full):
                    raise Conflict(f"{op.rel} exists; not overwriting it", hint="choose another name or remove it")
                continue
            if os.path.islink(full) or not os.path.isfile(full):
                raise RefusedWrite(f"refusing to change {op.rel}: not a regular file")
            with open(full, "rb") as fh:
                op.old = fh.read()

    def _write_journal(self) -> str:
        folder = state_dir(self.root)
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise _explain(exc, folder) from exc
        for op in self.ops:
            full = confine(self.root, op.rel)
            op.tmp = os.path.join(os.path.dirname(full),
                                  f".{os.path.basename(full)[:80]}.archkb-{secrets.token_hex(6)}.tmp")
        entry = {
            "version": JOURNAL_VERSION,
            "root": os.path.realpath(self.root),
            "ops": [{"action": o.action, "rel": o.rel, "tmp": os.path.relpath(o.tmp, self.root),
                     "new_sha": hashlib.sha256(o.data).hexdigest() if o.data is not None else None,
                     "old": base64.b64encode(o.old).decode() if o.old is not None else None} for o in self.ops],
        }
        path = os.path.join(folder, f"journal-{os.getpid()}-{secrets.token_hex(4)}.json")
        tmp = path + ".tmp"
        try:
            _write_fd(tmp, json.dumps(entry).encode(), 0o600)
            os.replace(tmp, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise _explain(exc, "the change journal") from exc
        _fsync_dir(folder)
        return path

    def _stage(self) -> None:
        mode = 0o666 & ~_umask()
        for op in self.ops:
            if op.data is None:
                continue
            os.makedirs(os.path.dirname(op.tmp), exist_ok=True)
            keep = mode
            if op.action == "replace":
                keep = os.stat(confine(self.root, op.rel)).st_mode & 0o7777
            _write_fd(op.tmp, op.data, keep)
            os.chmod(op.tmp, keep)

    def _apply(self) -> None:
        for op in self.ops:
            full = confine(self.root, op.rel)
            if op.action == "create":
                try:
                    os.link(op.tmp, full)  # refuses an existing target, even a dangling symlink
                except FileExistsError:
                    raise Conflict(f"{op.rel} appeared while writing; not overwriting it") from None
                op.done = True
                os.unlink(op.tmp)
            elif op.action == "replace":
                os.replace(op.tmp, full)
                op.done = True
            else:
                os.unlink(full)
                op.done = True
            _fsync_dir(os.path.dirname(full))

    def _rollback(self) -> None:
        for op in reversed(self.ops):
            full = confine(self.root, op.rel)
            with contextlib.suppress(OSError):
                if op.done and op.action == "create":
                    os.unlink(full)
                elif op.done and op.old is not None:
                    _restore(full, op.old)
            if op.tmp:
                with contextlib.suppress(OSError):
                    os.unlink(op.tmp)


def _restore(full: str, old: bytes) -> None:
    tmp = f"{full}.archkb-restore-{secrets.token_hex(6)}.tmp"
    _write_fd(tmp, old, 0o666 & ~_umask())
    os.replace(tmp, full)


# (lock folder, thread) -> how deep that thread holds the lock. flock() on a second descriptor
# would block even in the process that holds the lock, so a thread re-entering its own lock
# (choose a number under the lock, then commit a Transaction, which locks too) only counts.
_HELD: dict[tuple[str, int], int] = {}


@contextlib.contextmanager
def root_lock(root: str) -> Iterator[None]:
    """An exclusive lock on `root` for the duration (one writer at a time, across processes and threads).

    Re-entrant within one thread, so a caller can hold it around a read-decide-write step
    whose write is a `Transaction` (which takes the lock itself).
    """
    folder = state_dir(root)
    key = (folder, threading.get_ident())
    if _HELD.get(key):
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    try:
        os.makedirs(folder, exist_ok=True)
        fd = os.open(os.path.join(folder, "lock"), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise _explain(exc, folder) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _HELD[key] = 1
        yield
    finally:
        _HELD.pop(key, None)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def recover(root: str) -> list[str]:
    """Roll back any change to `root` that a killed process left half-applied; the paths restored."""
    if not os.path.isdir(state_dir(root)):
        return []
    with root_lock(root):
        return _recover_locked(root)


def _recover_locked(root: str) -> list[str]:
    folder = state_dir(root)
    restored: list[str] = []
    if not os.path.isdir(folder):
        return restored
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.endswith(".json.tmp"):
            os.unlink(path)
            continue
        if not (name.startswith("journal-") and name.endswith(".json")):
            continue
        try:
            with open(path, "rb") as fh:
                entry = json.loads(fh.read())
        except (OSError, ValueError):
            os.unlink(path)
            continue
        if entry.get("version") != JOURNAL_VERSION or entry.get("root") != os.path.realpath(root):
            continue
        for op in reversed(entry.get("ops", [])):
            restored.extend(_undo(root, op))
        os.unlink(path)
    return sorted(set(restored))


def _undo(root: str, op: dict[str, object]) -> list[str]:
    rel, tmp = str(op.get("rel", "")), str(op.get("tmp", ""))
    try:
        full = confine(root, rel)
    except RefusedWrite:
        return []
    out: list[str] = []
    with contextlib.suppress(RefusedWrite, OSError):
        tmp_full = confine(root, tmp)
        if os.path.lexists(tmp_full) and ".archkb-" in os.path.basename(tmp_full):
            os.unlink(tmp_full)
    action, old, new_sha = op.get("action"), op.get("old"), op.get("new_sha")
    if action == "create":
        if os.path.isfile(full) and not os.path.islink(full) and _sha(full) == new_sha:
            os.unlink(full)
            out.append(rel)
    elif isinstance(old, str):
        data = base64.b64decode(old)
        if not os.path.lexists(full) or (os.path.isfile(full) and _sha(full) != hashlib.sha256(data).hexdigest()):
            _restore(full, data)
            out.append(rel)
    return out


def _sha(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def write_new(root: str, rel: str, text: str | bytes) -> str:
    """Create one new file `rel` under `root` (never overwriting); returns `rel`."""
    txn = Transaction(root)
    txn.create(rel, text)
    txn.commit()
    return rel


def replace_file(path: str, data: bytes) -> None:
    """Replace one private file (a cache entry) atomically, leaving no temp file on failure; no journal."""
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.archkb-{secrets.token_hex(6)}.tmp")
    try:
        _write_fd(tmp, data, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


__all__ = ["Transaction", "confine", "recover", "replace_file", "root_lock", "state_dir", "write_new"]
