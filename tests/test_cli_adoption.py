"""archkb import on the command line: dry run, report, never overwrite, result passes check."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from archkb.cli import main
from conftest import FIXTURES

NYGARD = os.path.join(FIXTURES, "import", "nygard")
MADR = os.path.join(FIXTURES, "import", "madr")
TODAY = dt.date(2026, 11, 25)


def test_cli_import_writes_a_kb_that_checks_and_never_overwrites(tmp_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    kb = str(tmp_path)
    assert main(["import", NYGARD, "-C", kb, "--dry-run"]) == 0
    assert not os.path.exists(os.path.join(kb, "adr"))
    assert main(["import", NYGARD, "-C", kb]) == 0
    assert len(os.listdir(os.path.join(kb, "adr"))) == 5
    assert main(["check", "--no-cache", kb]) == 0
    before = {n: open(os.path.join(kb, "adr", n), encoding="utf-8").read() for n in os.listdir(os.path.join(kb, "adr"))}
    assert main(["import", NYGARD, "-C", kb]) == 1  # ids clash with the records now there
    assert "--offset 5" in capsys.readouterr().err
    after = {n: open(os.path.join(kb, "adr", n), encoding="utf-8").read() for n in os.listdir(os.path.join(kb, "adr"))}
    assert before == after


def test_madr_import_checks_clean(tmp_path: str) -> None:
    shutil.copytree(MADR, os.path.join(str(tmp_path), "src"))
    assert main(["import", os.path.join(str(tmp_path), "src"), "-C", str(tmp_path)]) == 0
    assert main(["check", "--no-cache", str(tmp_path)]) == 0
