"""Every invalid-input fixture gives exactly its expected codes at the expected lines, with no traceback."""

from __future__ import annotations

import json
import os
import time
import tracemalloc

import pytest

from archkb.cli import main
from archkb.core.yaml_source import MAX_FILE_BYTES, load_bytes, load_file
from conftest import FIXTURES

INVALID = os.path.join(FIXTURES, "invalid")
CASES = sorted(d for d in os.listdir(INVALID) if os.path.isdir(os.path.join(INVALID, d)))
HEADER = "# yaml-language-server: $schema=../tooling/archkb/schemas/decision.schema.json\n"
VALID_ADR = HEADER + "id: ADR-0001\ntitle: Use a queue\nstatus: accepted\ndate: 2025-03-01\ncontext: Why.\n"


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    code = main(["check", "--no-cache", "--format", "json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)["problems"]


def expected(case: str) -> list[str]:
    with open(os.path.join(INVALID, case, "expect.txt"), encoding="utf-8") as fh:
        return sorted(line.strip() for line in fh if line.strip())


def test_there_are_at_least_thirty_cases() -> None:
    assert len([c for c in CASES if not c.startswith("w-")]) >= 30


@pytest.mark.parametrize("case", CASES)
def test_fixture_gives_its_code_and_line(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, problems = run_json(capsys, os.path.join(INVALID, case))
    got = sorted(f"{p['code']} {p['path']}:{p['line']}" for p in problems)
    assert got == expected(case)
    has_error = any(p["severity"] == "error" for p in problems)
    assert code == (1 if has_error else 0)
    for p in problems:
        assert "Traceback" not in str(p["message"])


@pytest.mark.parametrize("case", [c for c in CASES if c.startswith("w-")])
def test_strict_makes_warnings_fail(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-cache", "--strict", os.path.join(INVALID, case)]) == 1


def _kb(tmp_path: str, name: str, content: bytes) -> str:
    os.makedirs(os.path.join(tmp_path, "adr"), exist_ok=True)
    with open(os.path.join(tmp_path, "adr", name), "wb") as fh:
        fh.write(content)
    return str(tmp_path)


def test_five_megabyte_file_is_refused(tmp_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    big = VALID_ADR.encode() + b"# " + b"x" * (5 * 1024 * 1024) + b"\n"
    code, problems = run_json(capsys, _kb(tmp_path, "ADR-0001-x.yaml", big))
    assert code == 1
    assert [(p["code"], p["line"]) for p in problems] == [("E012", 1)]
    assert len(big) > MAX_FILE_BYTES


@pytest.mark.parametrize("bom,encoding", [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_byte_order_marks_are_accepted(tmp_path: str, bom: bytes, encoding: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, problems = run_json(capsys, _kb(tmp_path, "ADR-0001-x.yaml", bom + VALID_ADR.encode(encoding)))
    assert (code, problems) == (0, [])


def test_billion_laughs_is_rejected_fast_and_small() -> None:
    path = os.path.join(INVALID, "billion-laughs", "adr", "ADR-0001-x.yaml")
    with open(path, "rb") as fh:
        raw = fh.read()
    tracemalloc.start()
    start = time.perf_counter()
    doc = load_bytes("x.yaml", raw)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [p.code for p in doc.problems] == ["E013"]
    assert elapsed < 1.0
    assert peak < 100 * 1024 * 1024


def test_unreadable_path_is_a_problem_not_an_exception(tmp_path: str) -> None:
    doc = load_file(os.path.join(str(tmp_path), "missing.yaml"), "missing.yaml")
    assert [p.code for p in doc.problems] == ["E011"]


def test_missing_root_is_a_usage_error(tmp_path: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", os.path.join(str(tmp_path), "nope")]) == 2
    assert "no such folder" in capsys.readouterr().err
