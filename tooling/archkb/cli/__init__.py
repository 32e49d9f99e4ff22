"""The `archkb` command line: argument parsing and dispatch; `main(argv) -> int`.

The command modules (`cli/core.py`, ...) each register their subcommands and print;
everything they do is one call into the library. Exit codes: 0 clean, 1 problems found,
2 usage error (argparse's own code). Every `ArchkbError` the library raises is
reported here, in one message style (`cli/output.py`), with its own exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from archkb import __version__
from archkb.cli import adoption, authoring, core, mcp, reviews, site
from archkb.cli.output import report
from archkb.core.errors import ArchkbError

# Each module defines `register(commands, exports)`; order is the order of `archkb --help`.
COMMAND_MODULES = (core, authoring, site, reviews, adoption, mcp)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archkb",
        description="Architecture decision and review knowledge base for AI/ML systems, kept as code.",
    )
    parser.add_argument("--version", action="version", version=f"archkb {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    export = commands.add_parser("export", help="write records out in other formats")
    exports = export.add_subparsers(dest="export_format", metavar="FORMAT")
    exports.required = True
    for module in COMMAND_MODULES:
        module.register(commands, exports)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one archkb command; returns the exit code instead of exiting."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        _recover(args)
        return int(args.func(args))
    except ArchkbError as exc:
        return report(exc)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _recover(args: argparse.Namespace) -> None:
    """Roll back what a killed earlier command left half-applied under this root, before reading it.

    Cheap when there is nothing to do (one `isdir` of the root's state folder outside the tree).
    """
    root = getattr(args, "root", None)
    if isinstance(root, str) and os.path.isdir(root):
        from archkb.core.fileio import recover

        recover(root)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
