"""The one message style of the command line: `archkb: error: ...` (with a hint and positioned problems) on stderr.

Every failure reaches the user through `report`, called from one place (`archkb.cli.main`);
values that come from the repository (file names, ids) are escaped by `safe_text` so that a
hostile name cannot move the cursor, clear the screen or fake another line.
"""

from __future__ import annotations

import sys

from archkb.core.errors import ArchkbError
from archkb.core.problems import escape_controls


def safe_text(text: str) -> str:
    """`text` with control characters (newlines, escape codes) shown as escapes, and undecodable bytes as `\\udcxx`."""
    return escape_controls(text)


def report(exc: ArchkbError) -> int:
    """Print the error, its hint and its problems; return its exit code."""
    print(f"archkb: error: {safe_text(exc.message)}", file=sys.stderr)
    if exc.hint:
        print(f"  hint: {safe_text(exc.hint)}", file=sys.stderr)
    for problem in exc.problems:
        print(problem.format_text(), file=sys.stderr)
    return exc.exit_code


def fail(message: str, code: int = 1) -> int:
    """Print one error line in the common style and return `code` (for checks that end a command)."""
    print(f"archkb: error: {safe_text(message)}", file=sys.stderr)
    return code


__all__ = ["fail", "report", "safe_text"]
