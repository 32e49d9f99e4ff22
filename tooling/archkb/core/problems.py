"""Positions, problems and the error type every other archkb module reports with.

This module imports nothing from archkb so that any layer can use it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    """How bad a problem is: errors fail `archkb check`; warnings fail it only with --strict."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Position:
    """A place in a source file: a path (as given, usually relative to the KB root) and a 1-based line and column."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Problem:
    """One finding of a check: a stable code, a message and where it is."""

    severity: Severity
    code: str
    message: str
    position: Position
    hint: str | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str, str]:
        p = self.position
        return (p.path, p.line, p.col, self.code, self.message)

    def format_text(self) -> str:
        """`path:line:col: error E006 message` (plus the hint on its own indented line)."""
        text = f"{self.position}: {self.severity.value} {self.code} {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def format_github(self) -> str:
        """A GitHub Actions workflow command, shown as an inline annotation on the PR diff."""
        level = "error" if self.is_error else "warning"
        p = self.position
        msg = self.message + (f" (hint: {self.hint})" if self.hint else "")
        return (
            f"::{level} file={_gh_prop(p.path)},line={p.line},col={p.col},"
            f"title={_gh_prop(self.code)}::{_gh_data(msg)}"
        )

    def to_json(self) -> dict[str, object]:
        p = self.position
        data: dict[str, object] = {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "path": p.path,
            "line": p.line,
            "col": p.col,
        }
        if self.hint:
            data["hint"] = self.hint
        return data


def _gh_data(text: str) -> str:
    # GitHub's workflow-command escaping (actions/toolkit core/src/command.ts).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def error(code: str, message: str, position: Position, hint: str | None = None) -> Problem:
    return Problem(Severity.ERROR, code, message, position, hint)


def warning(code: str, message: str, position: Position, hint: str | None = None) -> Problem:
    return Problem(Severity.WARNING, code, message, position, hint)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Deterministic order: by file, line, column, code, message; duplicates dropped."""
    seen: set[tuple[str, int, int, str, str]] = set()
    out = []
    for p in sorted(problems, key=Problem.sort_key):
        key = p.sort_key()
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def problems_to_json(problems: Iterable[Problem]) -> str:
    items = [p.to_json() for p in problems]
    summary = {
        "errors": sum(1 for i in items if i["severity"] == "error"),
        "warnings": sum(1 for i in items if i["severity"] == "warning"),
    }
    return json.dumps({"summary": summary, "problems": items}, indent=2, sort_keys=True)
