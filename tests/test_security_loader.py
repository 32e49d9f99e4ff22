"""Loader limits against hostile records: huge integers, base-60, aliases after Unicode line breaks, many fields, depth, positions."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from archkb.cli import main
from archkb.core.catalog import load_catalog
from archkb.core.yaml_source import MAX_INT_CHARS, load_bytes
from conftest import FIXTURES

KB = os.path.join(FIXTURES, "kb-small")


def _one(raw: bytes) -> tuple[str, int, int]:
    doc = load_bytes("x.yaml", raw)
    assert len(doc.problems) == 1, doc.problems
    p = doc.problems[0]
    return p.code, p.position.line, p.position.col


@pytest.mark.parametrize("literal", [b"1" * 5000, b"0x" + b"f" * 5000, b"0" + b"7" * 6000, b"-" + b"9" * 4400,
                                     b"1" + b"0" * 4300, b"1" + b":59" * 2000])
def test_huge_integers_are_a_coded_problem(literal: bytes) -> None:
    assert _one(b"id: x\ntitle: t\nn: " + literal + b"\n") == ("E024", 3, 4)


def test_largest_printable_integer_is_accepted() -> None:
    doc = load_bytes("x.yaml", b"id: x\nn: " + b"9" * MAX_INT_CHARS + b"\n")
    assert not doc.problems
    assert len(str(doc.data["n"])) == MAX_INT_CHARS


def test_huge_integer_on_the_slow_path_and_as_a_key() -> None:
    # a set forces PyYAML's own constructor; a key goes through the duplicate check
    assert _one(b"id: x\ns: !!set {a}\nn: 0x" + b"f" * 5000 + b"\n")[0] == "E024"
    assert _one(b"id: x\n? 0x" + b"f" * 5000 + b"\n: 1\n0x1: 2\n0x1: 3\n")[0] == "E024"


def test_base_60_is_bounded_in_time() -> None:
    start = time.perf_counter()
    assert _one(b"id: x\nn: 1" + b":59" * 300_000 + b"\n") == ("E024", 2, 4)
    assert time.perf_counter() - start < 5


def test_huge_integer_through_check_is_no_traceback(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    kb = os.path.join(str(tmp_path), "kb")
    shutil.copytree(KB, kb)
    name = sorted(os.listdir(os.path.join(kb, "adr")))[0]
    with open(os.path.join(kb, "adr", name), "a", encoding="utf-8") as fh:
        fh.write("extra: 0x" + "f" * 5000 + "\n")
    assert main(["check", kb]) == 1
    assert main(["check", kb]) == 1  # and from the cache
    assert "E024" in capsys.readouterr().out


def _laughs(sep: str) -> bytes:
    """A billion-laughs record whose every anchor follows a YAML line break other than '\\n'."""
    lines = ["id: x", f"a: [{sep}&a [" + ",".join(["x"] * 10) + "]]"]
    prev = "a"
    for i in range(1, 9):
        lines.append(f"b{i}: [{sep}&b{i} [" + ",".join([f"*{prev}"] * 10) + "]]")
        prev = f"b{i}"
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\x85", "", " "])
def test_alias_limit_counts_anchors_after_any_line_break(sep: str) -> None:
    assert _one(_laughs(sep))[0] == "E013"


def test_many_unknown_fields_are_bounded(tmp_path: object) -> None:
    kb = os.path.join(str(tmp_path), "kb")
    shutil.copytree(KB, kb)
    name = sorted(os.listdir(os.path.join(kb, "adr")))[0]
    with open(os.path.join(kb, "adr", name), "a", encoding="utf-8") as fh:
        fh.writelines(f"unknown_{i}: x\n" for i in range(60_000))
    start = time.perf_counter()
    problems = [p for p in load_catalog(kb, use_cache=False).all_problems() if p.position.path.endswith(name)]
    assert time.perf_counter() - start < 20
    assert 2 <= len(problems) <= 51
    assert "59,950 more schema problems" in problems[-1].message
    first = next(p for p in problems if "unknown_0:" in p.message)
    with open(os.path.join(kb, "adr", name), encoding="utf-8") as fh:
        line = next(i for i, text in enumerate(fh, 1) if text.startswith("unknown_0:"))
    assert first.position.line == line


def test_deep_nesting_on_both_paths() -> None:
    assert _one(b"id: x\nn: " + b"[" * 5000 + b"]" * 5000 + b"\n")[0] == "E014"
    assert _one(b"id: x\nm: !!set {a}\nn: " + b"[" * 900 + b"]" * 900 + b"\n")[0] == "E014"


def test_deep_record_with_the_cache_on_is_no_traceback(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    kb = os.path.join(str(tmp_path), "kb")
    shutil.copytree(KB, kb)
    name = sorted(os.listdir(os.path.join(kb, "adr")))[0]
    with open(os.path.join(kb, "adr", name), "a", encoding="utf-8") as fh:
        fh.write("deep: " + "[" * 99 + "]" * 99 + "\n")
    assert main(["check", kb]) == 1
    assert main(["check", kb]) == 1


def test_control_character_points_at_itself() -> None:
    assert _one(b"id: x\ntitle: a\nother: b\x07c\n") == ("E001", 3, 9)


def test_nul_far_into_the_file_points_at_itself() -> None:
    raw = b"id: x\n" + b"a: b\n" * 120_000 + b"c: \x00\n"
    assert len(raw) > 500_000
    assert _one(raw) == ("E011", 120_002, 4)


@pytest.mark.parametrize(("key", "shown"), [(b"~", "None"), (b"null", "None"), (b"0x3", "3"), (b"true", "True"),
                                            (b"2020-01-01", "datetime.date(2020, 1, 1)"), (b"1.5", "1.5")])
def test_non_text_keys_point_at_their_line(key: bytes, shown: str) -> None:
    doc = load_bytes("x.yaml", b"id: x\ntitle: a\n" + key + b": b\nmore: c\n")
    assert [(p.code, p.position.line, p.position.col) for p in doc.problems] == [("E003", 3, 1)]
    assert f"key {shown} is not text" in doc.problems[0].message


@pytest.mark.slow
def test_thousands_of_dangling_links_are_checked_in_bounded_time(tmp_path: object) -> None:
    import datetime as dt
    import sys

    from archkb.rules import check_catalog
    from conftest import ROOT

    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    from generate import generate

    kb = os.path.join(str(tmp_path), "kb")
    generate(kb, 1000, 10)
    name = sorted(os.listdir(os.path.join(kb, "adr")))[-1]
    with open(os.path.join(kb, "adr", name), encoding="utf-8") as fh:
        text = fh.read()
    extra = "".join(f"  - {{type: depends_on, target: ADR-9{i:04d}}}\n" for i in range(3000))
    text = text.replace("\nlinks:\n", "\nlinks:\n" + extra, 1) if "\nlinks:\n" in text else text + "links:\n" + extra
    with open(os.path.join(kb, "adr", name), "w", encoding="utf-8") as fh:
        fh.write(text)
    start = time.perf_counter()
    result = check_catalog(load_catalog(kb, use_cache=False), today=dt.date(2026, 1, 1))
    assert time.perf_counter() - start < 30
    dangling = [p for p in result.problems if p.code == "E006"]
    assert len(dangling) == 3000
    hinted = [p for p in dangling if p.hint]
    assert 0 < len(hinted) <= 200  # "did you mean" for the first ones only
