"""The CLI reference page is generated from the parser and kept in step with it."""

from __future__ import annotations

import os

from archkb.cli.docs import cli_markdown
from conftest import ROOT


def test_cli_reference_is_current() -> None:
    with open(os.path.join(ROOT, "docs", "reference", "cli.md"), encoding="utf-8") as fh:
        assert fh.read() == cli_markdown(), "run `python -m archkb.cli.docs --write`"


def test_every_command_is_documented_with_usage() -> None:
    text = cli_markdown()
    for command in ("archkb check", "archkb show", "archkb list", "archkb impact", "archkb graph", "archkb schema"):
        assert f"## `{command}`" in text
        assert f"\n{command} [-h]" in text
