"""`archkb` core commands through `main(argv)`: exit codes, formats, and the check cache."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from archkb.cli import main
from archkb.core.cache import cache_dir
from conftest import FIXTURES

KB = os.path.join(FIXTURES, "kb-small")
BAD = os.path.join(FIXTURES, "invalid", "dangling-link")


def copy_kb(tmp_path: str, src: str = KB) -> str:
    dst = os.path.join(str(tmp_path), "kb")
    shutil.copytree(src, dst)
    return dst


def test_clean_kb_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-cache", KB]) == 0
    assert "0 error(s), 0 warning(s) in 6 record file(s)" in capsys.readouterr().out


def test_problems_exit_one_in_text_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-cache", BAD]) == 1
    out = capsys.readouterr().out
    assert "adr/ADR-0001-x.yaml:8:32: error E006 links[0].target: no record 'ADR-0099'" in out


def test_github_format_prints_workflow_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-cache", "--format", "github", BAD]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out == ["::error file=adr/ADR-0001-x.yaml,line=8,col=32,title=E006::links[0].target: no record 'ADR-0099'"]


def test_usage_errors_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "xml", KB]) == 2
    assert main(["frobnicate"]) == 2
    assert main(["show", "-C", KB, "ADR-9999"]) == 2
    assert main(["check", "--today", "yesterday", KB]) == 2
    assert main([]) == 2


def test_cache_gives_the_same_answer_and_notices_changes(tmp_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    kb = copy_kb(tmp_path)
    assert main(["check", kb]) == 0
    assert os.path.exists(cache_dir(kb, "check.json"))
    assert not os.path.exists(os.path.join(kb, ".archkb_cache"))
    assert main(["check", kb]) == 0
    path = os.path.join(kb, "adr", "ADR-0003-partition-by-customer.yaml")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("  - {type: depends_on, target: ADR-0042}\n")
    capsys.readouterr()
    assert main(["check", kb]) == 1
    assert "E006" in capsys.readouterr().out
    # a different "today" is a different answer: the review_by date passes
    assert main(["check", "--today", "2027-07-01", kb]) == 1
    assert "W002" in capsys.readouterr().out


def test_corrupt_cache_is_ignored(tmp_path: str) -> None:
    kb = copy_kb(tmp_path)
    assert main(["check", kb]) == 0
    for name in os.listdir(cache_dir(kb)):
        with open(cache_dir(kb, name), "wb") as fh:
            fh.write(b"not json")
    assert main(["check", kb]) == 0


def test_list_filters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "-C", KB, "--kind", "decision", "--status", "accepted", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == ["ADR-0002", "ADR-0003"]


def test_show_and_impact(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "-C", KB, "ADR-0001", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {"type": "superseded_by", "target": "ADR-0002"} in shown["links"]
    assert main(["impact", "-C", KB, "ADR-0002", "--format", "json"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == ["ADR-0003", "claims-scoring"]


def test_graph_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "-C", KB, "--focus", "ADR-0003", "--depth", "1", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(n["id"] for n in data["nodes"]) == ["ADR-0002", "ADR-0003"]
    assert main(["graph", "-C", KB]) == 0
    assert capsys.readouterr().out.startswith("digraph kb {")
