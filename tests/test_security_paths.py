"""The reading policy: symlinks, folders named like records, FIFOs and unreadable folders are coded errors, never read, never a hang."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from archkb.adopt.convert import import_folder
from archkb.core.catalog import load_catalog
from archkb.core.problems import Problem
from conftest import FIXTURES, ROOT

KB = os.path.join(FIXTURES, "kb-small")
SECRET = "SECRET-OUTSIDE-THE-KB"


def _copy(tmp_path: object) -> str:
    dst = os.path.join(str(tmp_path), "kb")
    shutil.copytree(KB, dst)
    return dst


def _first_adr(kb: str) -> str:
    return sorted(n for n in os.listdir(os.path.join(kb, "adr")) if n.endswith(".yaml"))[0]


def _check_json(kb: str) -> tuple[int, list[dict[str, object]], str]:
    """`archkb check --format json` in a child process with a deadline (a hang fails the test)."""
    proc = subprocess.run([sys.executable, "-m", "archkb", "check", "--no-cache", "--format", "json", kb],
                          capture_output=True, text=True, timeout=60, check=False,
                          env={**os.environ, "PYTHONPATH": os.path.join(ROOT, "tooling")})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout)["problems"], proc.stdout


def _codes_at(problems: list[Problem], path: str) -> list[str]:
    return [p.code for p in problems if p.position.path == path]


def test_record_folder_symlinked_outside_is_refused(tmp_path: object) -> None:
    kb = _copy(tmp_path)
    outside = os.path.join(str(tmp_path), "outside")
    shutil.copytree(os.path.join(kb, "patterns"), outside)
    with open(os.path.join(outside, "leak.yaml"), "w", encoding="utf-8") as fh:
        fh.write(f"id: leak\ntitle: {SECRET}\n")
    shutil.rmtree(os.path.join(kb, "patterns"))
    os.symlink(outside, os.path.join(kb, "patterns"))
    cat = load_catalog(kb, use_cache=False)
    assert _codes_at(cat.all_problems(), "patterns") == ["E023"]
    assert not [e for e in cat.entries if e.path.startswith("patterns/")]
    rc, problems, out = _check_json(kb)
    assert rc == 1 and SECRET not in out
    assert any((p["code"], p["path"], p["line"], p["col"]) == ("E023", "patterns", 1, 1) for p in problems)


@pytest.mark.parametrize("target", ["/etc/passwd", "missing-target.yaml", "SIBLING"])
def test_symlinked_record_files_are_refused(tmp_path: object, target: str) -> None:
    kb = _copy(tmp_path)
    first = _first_adr(kb)
    if target == "SIBLING":
        target = first  # even a link to a record inside the KB: one file, one record
    os.symlink(target, os.path.join(kb, "adr", "ADR-0999-link.yaml"))
    cat = load_catalog(kb, use_cache=False)
    probs = [p for p in cat.all_problems() if p.position.path == "adr/ADR-0999-link.yaml"]
    assert [p.code for p in probs] == ["E023"]
    assert (probs[0].position.line, probs[0].position.col) == (1, 1)
    assert "symlink" in probs[0].message
    assert "adr/ADR-0999-link.yaml" not in [e.path for e in cat.entries]


def test_folder_named_like_a_record_is_refused(tmp_path: object) -> None:
    kb = _copy(tmp_path)
    os.mkdir(os.path.join(kb, "adr", "ADR-0999-folder.yaml"))
    cat = load_catalog(kb, use_cache=False)
    assert _codes_at(cat.all_problems(), "adr/ADR-0999-folder.yaml") == ["E023"]


def test_fifo_record_and_fifo_config_never_hang(tmp_path: object) -> None:
    kb = _copy(tmp_path)
    os.mkfifo(os.path.join(kb, "adr", "ADR-0999-fifo.yaml"))
    config = os.path.join(kb, "archkb.yaml")
    if os.path.exists(config):
        os.unlink(config)
    os.mkfifo(config)
    rc, problems, _ = _check_json(kb)
    assert rc == 1
    found = sorted((p["path"], p["code"]) for p in problems if p["code"] == "E023")
    assert found == [("adr/ADR-0999-fifo.yaml", "E023"), ("archkb.yaml", "E023")]
    assert all("FIFO" in str(p["message"]) for p in problems if p["code"] == "E023")


def test_unreadable_folder_is_a_coded_error(tmp_path: object) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every folder")
    kb = _copy(tmp_path)
    folder = os.path.join(kb, "checklists")
    os.makedirs(folder, exist_ok=True)
    os.chmod(folder, 0)
    try:
        rc, problems, _ = _check_json(kb)
    finally:
        os.chmod(folder, 0o755)
    assert rc == 1
    assert any(p["code"] == "E023" and p["path"] == "checklists" for p in problems)


def test_importer_skips_symlinks_and_fifos(tmp_path: object) -> None:
    src = os.path.join(str(tmp_path), "decisions")
    os.makedirs(src)
    with open(os.path.join(src, "0001-use-kafka.md"), "w", encoding="utf-8") as fh:
        fh.write("# 1. Use Kafka\n\n## Status\n\nAccepted\n\n## Context\n\nWe need a log.\n\n"
                 "## Decision\n\nKafka.\n\n## Consequences\n\nOps work.\n")
    secret = os.path.join(str(tmp_path), "secret.md")
    with open(secret, "w", encoding="utf-8") as fh:
        fh.write(f"# 2. {SECRET}\n\n## Status\n\nAccepted\n")
    os.symlink(secret, os.path.join(src, "0002-leak.md"))
    os.mkfifo(os.path.join(src, "0003-fifo.md"))
    result = import_folder(src)
    skipped = {r.path: r.skipped for r in result.reports}
    assert skipped["0002-leak.md"] == "not read: is a symlink"
    assert skipped["0003-fifo.md"] == "not read: is a FIFO (named pipe)"
    assert SECRET not in json.dumps(result.records, default=str)
    assert len(result.records) == 1


def test_duplicate_categories_in_the_config_are_an_error(tmp_path: object) -> None:
    kb = _copy(tmp_path)
    with open(os.path.join(kb, "archkb.yaml"), "w", encoding="utf-8") as fh:
        fh.write("categories:\n  - {id: data, title: Data}\n  - {id: data, title: Data again}\n")
    problems = [p for p in load_catalog(kb, use_cache=False).all_problems() if p.code == "E022"]
    assert len(problems) == 1 and "listed twice" in problems[0].message
    assert problems[0].position.line in (2, 3)


@pytest.mark.parametrize("rid", ["index", "category"])
def test_ids_that_would_publish_over_a_generated_page_are_refused(tmp_path: object, rid: str) -> None:
    kb = _copy(tmp_path)
    src = sorted(os.listdir(os.path.join(kb, "reviews")))[0]
    with open(os.path.join(kb, "reviews", src), encoding="utf-8") as fh:
        text = fh.read()
    old_id = src[: -len(".yaml")]
    os.unlink(os.path.join(kb, "reviews", src))
    with open(os.path.join(kb, "reviews", f"{rid}.yaml"), "w", encoding="utf-8") as fh:
        fh.write(text.replace(f"id: {old_id}", f"id: {rid}", 1))
    problems = [p for p in load_catalog(kb, use_cache=False).all_problems() if p.position.path == f"reviews/{rid}.yaml"]
    assert [p.code for p in problems] == ["E016"] and "reserved" in problems[0].message


def test_unlistable_folder_is_a_coded_error_even_as_root(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from archkb.core import snapshot

    kb = _copy(tmp_path)
    real = os.scandir

    def denied(path: str) -> object:
        if str(path).endswith("checklists"):
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(snapshot.os, "scandir", denied)
    problems = load_catalog(kb, use_cache=False).all_problems()
    assert [(p.code, p.position.path) for p in problems if p.code == "E023"] == [("E023", "checklists")]
    assert "Permission denied" in next(p.message for p in problems if p.code == "E023")
