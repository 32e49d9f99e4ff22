"""Generate `docs/reference/cli.md` from the argument parser, so the CLI reference cannot drift.

    python -m archkb.cli.docs --write
"""

from __future__ import annotations

import argparse
import os
import sys

from archkb.cli import build_parser

TARGET = os.path.join("docs", "reference", "cli.md")


def _subparsers(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser, str]]:
    out = []
    for action in parser._actions:  # argparse keeps no public list of sub-commands
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                out.append((name, sub, helps.get(name, "")))
    return out


def _walk(parser: argparse.ArgumentParser, prefix: str) -> list[str]:
    lines: list[str] = []
    for name, sub, summary in sorted(_subparsers(parser), key=lambda t: t[0]):
        command = f"{prefix} {name}"
        children = _subparsers(sub)
        if children:
            lines += _walk(sub, command)
            continue
        lines += [f"## `{command}`", ""]
        if summary:
            lines += [summary[0].upper() + summary[1:] + ".", ""]
        sub.prog = command
        usage = sub.format_usage().replace("usage: ", "").strip()
        lines += ["```text", " ".join(usage.split()), "```", ""]
        rows = []
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            flag = ", ".join(action.option_strings) or (action.metavar or action.dest)
            choices = f" (one of: {', '.join(map(str, action.choices))})" if action.choices else ""
            default = ""
            if action.option_strings and action.default not in (None, False, argparse.SUPPRESS):
                default = f" Default: `{action.default}`."
            text = (action.help or "").replace("|", "\\|")
            if text:
                text = text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")
            rows.append(f"| `{flag}` | {text}{choices}{default} |")
        if rows:
            lines += ["| argument | meaning |", "|---|---|", *rows, ""]
    return lines


def cli_markdown() -> str:
    """The CLI reference page: every command with its usage and arguments, sorted."""
    head = [
        "# Command-line reference",
        "",
        "Generated from the argument parser (`python -m archkb.cli.docs --write`); a test keeps it",
        "in step. Every command exits 0 when all is well, 1 when it found problems, 2 on a usage error.",
        "",
    ]
    return "\n".join(head + _walk(build_parser(), "archkb")).rstrip() + "\n"


if __name__ == "__main__":
    if "--write" in sys.argv:
        os.makedirs(os.path.dirname(TARGET), exist_ok=True)
        with open(TARGET, "w", encoding="utf-8") as fh:
            fh.write(cli_markdown())
        print(f"wrote {TARGET}")
    else:
        sys.stdout.write(cli_markdown())
