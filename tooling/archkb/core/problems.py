"""Positions, problems and the error type every other archkb module reports with.

This module imports nothing from archkb so that any layer can use it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

# Characters that move the cursor, end a line, recolour a terminal or reorder text (Trojan Source),
# shown as escapes wherever a value from the repository (a file name, an id) is printed.
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0, 32), *range(0x7f, 0xa0)) if c != 9}
_CONTROL.update({c: f"\\u{c:04x}" for c in (0x2028, 0x2029, *range(0x200b, 0x2010), *range(0x202a, 0x202f),
                                              *range(0x2066, 0x206a), 0xfeff)})


def escape_controls(text: str) -> str:
    """`text` with control and bidi characters as escapes and undecodable bytes (surrogates) as `\\udcxx`.

    The result is printable, one line, and encodable as UTF-8: safe for a terminal, a CI log,
    an annotation or a page.
    """
    return text.translate(_CONTROL).encode("utf-8", "backslashreplace").decode("utf-8")


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
        """`path:line:col: error E006 message` (plus the hint on its own indented line); every value escaped."""
        text = escape_controls(f"{self.position}: {self.severity.value} {self.code} {self.message}")
        if self.hint:
            text += f"\n    hint: {escape_controls(self.hint)}"
        return text

    def format_github(self) -> str:
        """A GitHub Actions workflow command, shown as an inline annotation on the PR diff."""
        level = "error" if self.is_error else "warning"
        p = self.position
        msg = self.message + (f" (hint: {self.hint})" if self.hint else "")
        # Line breaks stay real characters (GitHub decodes %0A back, so the path still matches the
        # file); escape codes and undecodable bytes are shown as escapes in the path and the message.
        return (
            f"::{level} file={_gh_prop(_gh_keep_lines(p.path))},line={p.line},col={p.col},"
            f"title={_gh_prop(escape_controls(self.code))}::{_gh_data(_gh_keep_lines(msg))}"
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
    # GitHub's workflow-command escaping (actions/toolkit core/src/command.ts); every other line
    # break a log viewer might honour is encoded too, so nothing can start a second command.
    return (text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            .replace("\x85", "%C2%85").replace("\u2028", "%E2%80%A8").replace("\u2029", "%E2%80%A9"))


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _gh_keep_lines(text: str) -> str:
    """Escape codes out, but CR and LF kept for `_gh_data` to encode (GitHub decodes them back)."""
    return "\n".join("\r".join(escape_controls(part) for part in line.split("\r")) for line in text.split("\n"))


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
