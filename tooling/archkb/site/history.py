"""Status history and authors of every record file from `git log`, read once per build and never required.

One `git log -p --unified=0` over the record folders gives, per file, the commits that
touched it (date, author) and the `status:` values they wrote; record pages show that as a
short history. Outside a git repository, without git, or on any git failure the history
is simply empty: the site never depends on it. The result is kept per (root, HEAD), so
`mkdocs serve` rebuilds without a new commit do not run git again.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass, field

from archkb.core.kinds import KINDS

_COMMIT = "\x1ecommit\t"
_STATUS = re.compile(r"^\+status:[ \t]*([A-Za-z_]+)")
_CACHE: dict[tuple[str, str], dict[str, FileHistory]] = {}


@dataclass
class StatusChange:
    """A commit that set a record's `status:` (its first commit counts too)."""

    day: dt.date
    status: str
    author: str


@dataclass
class FileHistory:
    """What git knows about one record file: its status changes (oldest first) and its authors (by name)."""

    changes: list[StatusChange] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    commits: int = 0


def _git(root: str, *args: str) -> str | None:
    exe = shutil.which("git")
    if exe is None:
        return None
    try:
        proc = subprocess.run([exe, "-C", root, *args], capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.decode("utf-8", errors="replace") if proc.returncode == 0 else None


def parse_log(text: str) -> dict[str, FileHistory]:
    """Per file path (relative to the repository root), its history, from `git log -p --unified=0` output."""
    out: dict[str, FileHistory] = {}
    day, author, path = None, "", None
    seen: dict[str, set[str]] = {}
    for line in text.split("\n"):  # not splitlines(): it splits at the \x1e marker too
        if line.startswith(_COMMIT):
            _, _, stamp, author = [*line.split("\t", 3), "", "", ""][:4]
            day = dt.date.fromisoformat(stamp[:10]) if re.match(r"\d{4}-\d{2}-\d{2}", stamp) else None
            path = None
        elif line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else None
            if path is not None and day is not None:
                hist = out.setdefault(path, FileHistory())
                hist.commits += 1
                if author and author not in seen.setdefault(path, set()):
                    seen[path].add(author)
                    hist.authors.append(author)
        elif path is not None and day is not None and (m := _STATUS.match(line)):
            out[path].changes.append(StatusChange(day, m.group(1), author))
    for hist in out.values():
        hist.changes.reverse()  # git log lists newest first
        # A rewrite of the status line that keeps its value is not a change.
        hist.changes = [c for i, c in enumerate(hist.changes) if i == 0 or c.status != hist.changes[i - 1].status]
        hist.authors.sort(key=str.lower)
    return out


def git_history(root: str) -> dict[str, FileHistory]:
    """The history of every record file under `root` (paths relative to root); empty when git cannot tell."""
    top = _git(root, "rev-parse", "--show-prefix")
    head = _git(root, "rev-parse", "HEAD")
    if top is None or head is None:
        return {}
    key = (root, head.strip())
    if key in _CACHE:
        return _CACHE[key]
    folders = sorted({k.folder for k in KINDS.values()})
    text = _git(root, "log", f"--format={_COMMIT}%H\t%aI\t%an", "-p", "--unified=0", "--no-renames",
                "--no-color", "--relative", "--", *folders)
    result = parse_log(text) if text else {}
    _CACHE[key] = result
    return result


__all__ = ["FileHistory", "StatusChange", "git_history", "parse_log"]
