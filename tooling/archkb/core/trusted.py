"""The one reading policy for untrusted trees: only regular files inside the root, never through a symlink, never blocking.

A pull request can commit symlinks (to `/etc/passwd`, to a folder outside the checkout),
folders named like record files, and, on a runner that unpacks archives, FIFOs or device
files. Reading any of those either leaks a host file into the output or hangs the build.
So every reader of knowledge-base input (discovery, the config, the importers) goes through
here: each folder on the way is checked with `lstat`, the file is opened with `O_NOFOLLOW`
and `O_NONBLOCK` (a FIFO cannot block the open) and must be a regular file by `fstat` on
the open descriptor (no check-then-open race). A refusal is an `Untrusted` with a reason
the caller turns into a coded, positioned problem (E023).
"""

from __future__ import annotations

import os
import stat

_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
          | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))


class Untrusted(Exception):
    """A path that the reading policy refuses; `reason` says why in words for a problem message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def describe(mode: int) -> str:
    """What a non-regular file is, in words ("a symlink", "a folder", "a FIFO", ...)."""
    if stat.S_ISLNK(mode):
        return "a symlink"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file"
    return "not a regular file"


def refusal(path: str) -> str | None:
    """Why `path` (already known to exist) must not be read as a file, or None when it is a regular file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be examined: {exc.strerror}"
    if stat.S_ISREG(st.st_mode):
        return None
    return f"is {describe(st.st_mode)}"


def check_folders(root: str, rel: str) -> None:
    """Refuse `rel` when any folder between `root` and it is a symlink or not a folder."""
    parts = rel.replace(os.sep, "/").split("/")
    if any(p in ("", ".", "..") for p in parts) or os.path.isabs(rel):
        raise Untrusted("is not a plain relative path inside the knowledge base")
    here = root
    for part in parts[:-1]:
        here = os.path.join(here, part)
        try:
            st = os.lstat(here)
        except OSError as exc:
            raise Untrusted(f"cannot be reached: {exc.strerror}") from exc
        if stat.S_ISLNK(st.st_mode):
            raise Untrusted(f"is inside {os.path.relpath(here, root)}, which is a symlink")
        if not stat.S_ISDIR(st.st_mode):
            raise Untrusted(f"is inside {os.path.relpath(here, root)}, which is not a folder")


def read_regular(path: str, limit: int) -> bytes:
    """At most `limit + 1` bytes of the regular file `path` (one more tells the caller it is too large).

    Raises `Untrusted` for a symlink, folder, FIFO, socket or device, and `OSError` when a
    regular file cannot be read (permissions, I/O).
    """
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        if exc.errno in (getattr(os, "ELOOP", -1), getattr(os, "EMLINK", -1)):
            raise Untrusted("is a symlink") from exc
        if os.path.islink(path):
            raise Untrusted("is a symlink") from exc
        if os.path.isdir(path):
            raise Untrusted("is a folder") from exc
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Untrusted(f"is {describe(st.st_mode)}")
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_inside(root: str, rel: str, limit: int) -> bytes:
    """`read_regular` of `rel` under `root`, with every folder on the way checked first."""
    check_folders(root, rel)
    return read_regular(os.path.join(root, rel), limit)


__all__ = ["Untrusted", "check_folders", "describe", "read_inside", "read_regular", "refusal"]
