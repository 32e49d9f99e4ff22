"""The one error model: every failure that stops a command is an `ArchkbError` with an exit code.

The library raises these; the CLI turns them into one message style and an exit code in one
place (`archkb.cli.main`), and the MkDocs plugin into a build error. Exit codes follow the
CLI's convention: 1 when the knowledge base or the request is at fault in a way a check
reports, 2 for usage (bad arguments, missing things, tools or git failing).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archkb.core.problems import Problem


class ArchkbError(Exception):
    """A failure that stops a command; carries the positioned problems that explain it, if any."""

    exit_code = 1

    def __init__(self, message: str, problems: Iterable[Problem] = (), *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[Problem] = list(problems)
        self.hint = hint


class UsageError(ArchkbError):
    """The request itself is wrong: a bad argument, an unknown kind or format."""

    exit_code = 2


class NotFound(UsageError):
    """A folder, file or record the command was pointed at does not exist."""


class Conflict(ArchkbError):
    """The request clashes with what is there: an id already taken, a file already present."""


class RefusedWrite(ArchkbError):
    """A write was refused or failed (would overwrite, unsafe path, read-only, disk full); nothing changed."""


class InvalidInput(ArchkbError):
    """Records or other input are invalid in a way that stops the command (the problems say where)."""


class GitError(ArchkbError):
    """git failed or a revision does not exist."""

    exit_code = 2


class ToolMissing(ArchkbError):
    """An external program archkb needs (Graphviz) is not installed or failed."""

    exit_code = 2


__all__ = ["ArchkbError", "Conflict", "GitError", "InvalidInput", "NotFound", "RefusedWrite", "ToolMissing",
           "UsageError"]
