"""Writing commands never overwrite, never write through symlinks, keep users' files, and fail cleanly."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys

import pytest
from kbsite_project import make_project

from archkb.cli import main
from archkb.core import fileio
from conftest import FIXTURES, ROOT

NYGARD = os.path.join(FIXTURES, "import", "nygard")
KB = os.path.join(FIXTURES, "kb-small")


def _leftovers(folder: str) -> list[str]:
    return sorted(os.path.join(d, n) for d, _, names in os.walk(folder) for n in names
                  if ".archkb-" in n or n.endswith(".tmp"))


@pytest.mark.parametrize("dry", [True, False])
def test_import_report_never_overwrites(tmp_path: object, dry: bool, capsys: pytest.CaptureFixture[str]) -> None:
    kb = str(tmp_path)
    report = os.path.join(kb, "report.json")
    with open(report, "w", encoding="utf-8") as fh:
        fh.write("precious")
    assert main(["import", NYGARD, "-C", kb, "--report", report, *(["--dry-run"] if dry else [])]) == 1
    assert "exists" in capsys.readouterr().err
    with open(report, encoding="utf-8") as fh:
        assert fh.read() == "precious"
    assert not os.path.exists(os.path.join(kb, "adr"))


def test_import_report_never_writes_through_a_symlink(tmp_path: object) -> None:
    kb = str(tmp_path)
    target = os.path.join(kb, "elsewhere.txt")
    with open(target, "w", encoding="utf-8") as fh:
        fh.write("precious")
    os.symlink(target, os.path.join(kb, "report.json"))
    assert main(["import", NYGARD, "-C", kb, "--report", os.path.join(kb, "report.json"), "--dry-run"]) == 1
    with open(target, encoding="utf-8") as fh:
        assert fh.read() == "precious"
    os.unlink(os.path.join(kb, "report.json"))
    os.symlink(os.path.join(kb, "missing.txt"), os.path.join(kb, "report.json"))  # dangling: still refused
    assert main(["import", NYGARD, "-C", kb, "--report", os.path.join(kb, "report.json"), "--dry-run"]) == 1
    assert not os.path.exists(os.path.join(kb, "missing.txt"))


def test_import_report_is_written_when_new(tmp_path: object) -> None:
    kb = str(tmp_path)
    report = os.path.join(kb, "report.json")
    assert main(["import", NYGARD, "-C", kb, "--report", report]) == 0
    assert os.path.getsize(report) > 0
    assert len(os.listdir(os.path.join(kb, "adr"))) == 5
    assert _leftovers(kb) == []


def test_export_site_keeps_files_a_user_added(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = make_project(str(tmp_path), "kb-small", diagrams="dot")
    out = os.path.join(str(tmp_path), "export")
    assert main(["export-site", out, "-f", cfg]) == 0
    mine = os.path.join(out, "docs", "my-notes.md")
    with open(mine, "w", encoding="utf-8") as fh:
        fh.write("mine")
    assert main(["export-site", out, "-f", cfg]) == 1
    assert "docs/my-notes.md" in capsys.readouterr().err
    with open(mine, encoding="utf-8") as fh:
        assert fh.read() == "mine"
    os.unlink(mine)
    edited = os.path.join(out, "mkdocs.yml")
    with open(edited, "a", encoding="utf-8") as fh:
        fh.write("# my change\n")
    assert main(["export-site", out, "-f", cfg]) == 1
    with open(edited, encoding="utf-8") as fh:
        assert fh.read().endswith("# my change\n")


def test_export_site_never_runs_python_tags(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = make_project(str(tmp_path), "kb-small", diagrams="dot")
    marker = os.path.join(str(tmp_path), "PWNED")
    with open(cfg, "a", encoding="utf-8") as fh:
        fh.write(f"extra: !!python/object/apply:os.system ['touch {marker}']\n")
    out = os.path.join(str(tmp_path), "export")
    assert main(["export-site", out, "-f", cfg]) == 1
    assert "!!python/object/apply:os.system" in capsys.readouterr().err
    assert not os.path.exists(marker) and not os.path.exists(out)


def test_export_site_refuses_symlinked_docs(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = make_project(str(tmp_path), "kb-small", diagrams="dot")
    docs = os.path.join(os.path.dirname(cfg), "docs")
    os.symlink("/etc/passwd", os.path.join(docs, "passwd.txt"))
    out = os.path.join(str(tmp_path), "export")
    assert main(["export-site", out, "-f", cfg]) == 1
    assert "passwd.txt" in capsys.readouterr().err
    assert not os.path.exists(out)


def test_check_warns_about_symlinks_mkdocs_would_publish(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = make_project(str(tmp_path), "kb-small", diagrams="dot")
    root = os.path.dirname(cfg)
    os.symlink("/etc/passwd", os.path.join(root, "docs", "passwd.txt"))
    assert main(["check", root]) == 0
    assert main(["check", "--strict", root]) == 1
    assert "docs/passwd.txt:1:1: warning W009" in capsys.readouterr().out


def _kb(tmp_path: object) -> str:
    kb = os.path.join(str(tmp_path), "kb")
    shutil.copytree(KB, kb)
    return kb


def test_new_adr_skips_numbers_held_by_invalid_files(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    kb = _kb(tmp_path)
    top = max(int(n[4:8]) for n in os.listdir(os.path.join(kb, "adr")) if n.startswith("ADR-"))
    with open(os.path.join(kb, "adr", f"ADR-{top + 1:04d}-broken.yaml"), "w", encoding="utf-8") as fh:
        fh.write("id: [not valid\n")
    capsys.readouterr()
    assert main(["new", "adr", "-C", kb, "Next one"]) == 0
    assert f"ADR-{top + 2:04d}-next-one.yaml" in capsys.readouterr().out


def test_full_disk_is_a_message_and_leaves_nothing(tmp_path: object, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    kb = _kb(tmp_path)
    before = sorted(os.listdir(os.path.join(kb, "adr")))
    real = fileio._write_fd

    def full(path: str, data: bytes, mode: int) -> None:
        if ".archkb-" in os.path.basename(path) and not path.endswith(".json.tmp"):
            real(path, data[: len(data) // 2], mode)  # a partial temp file, as a full disk leaves it
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data, mode)

    monkeypatch.setattr(fileio, "_write_fd", full)
    assert main(["new", "adr", "-C", kb, "Disk is full"]) == 1
    err = capsys.readouterr().err
    assert "no space left on device" in err and "Traceback" not in err
    assert sorted(os.listdir(os.path.join(kb, "adr"))) == before
    assert _leftovers(kb) == []


def test_read_only_folder_is_a_message(tmp_path: object, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    kb = _kb(tmp_path)

    def denied(path: str, data: bytes, mode: int) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", path)

    monkeypatch.setattr(fileio, "_write_fd", denied)
    assert main(["new", "adr", "-C", kb, "Read only"]) == 1
    assert "permission denied" in capsys.readouterr().err
    assert _leftovers(kb) == []


@pytest.mark.slow
def test_parallel_new_adr_gets_distinct_numbers(tmp_path: object) -> None:
    kb = _kb(tmp_path)
    env = {**os.environ, "PYTHONPATH": os.path.join(ROOT, "tooling")}
    procs = [subprocess.Popen([sys.executable, "-m", "archkb", "new", "adr", "-C", kb, f"Parallel {i}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for i in range(20)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e.decode() for _, e in outs]
    names = [o.decode().strip() for o, _ in outs]
    numbers = [n.split("/")[1][:8] for n in names]
    assert len(set(numbers)) == 20, numbers
    assert main(["check", "--no-cache", kb]) == 0
    assert _leftovers(kb) == []


def test_import_reads_mkdocs_yml_without_running_tags(tmp_path: object) -> None:
    kb = str(tmp_path)
    marker = os.path.join(kb, "PWNED")
    with open(os.path.join(kb, "mkdocs.yml"), "w", encoding="utf-8") as fh:
        fh.write(f"site_name: x\nextra: !!python/object/apply:os.system ['touch {marker}']\n")
    main(["import", NYGARD, "-C", kb, "--dry-run"])
    assert not os.path.exists(marker)


def test_import_never_copies_a_symlinked_image(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    src = os.path.join(str(tmp_path), "src")
    kb = os.path.join(str(tmp_path), "kb")
    os.makedirs(src)
    os.makedirs(kb)
    secret = os.path.join(str(tmp_path), "secret.txt")
    with open(secret, "w", encoding="utf-8") as fh:
        fh.write("SECRET-OUTSIDE")
    with open(os.path.join(src, "0001-use-kafka.md"), "w", encoding="utf-8") as fh:
        fh.write("# 1. Use Kafka\n\n## Status\n\nAccepted\n\n## Context\n\nSee ![the diagram](diagram.png).\n\n"
                 "## Decision\n\nKafka.\n\n## Consequences\n\nOps work.\n")
    os.symlink(secret, os.path.join(src, "diagram.png"))
    assert main(["import", src, "-C", kb]) == 1
    assert "symlink" in capsys.readouterr().err
    leaked = [os.path.join(d, n) for d, _, names in os.walk(kb) for n in names]
    assert not any("SECRET-OUTSIDE" in open(p, encoding="utf-8", errors="replace").read() for p in leaked)
