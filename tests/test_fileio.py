"""The one writer: create-only, atomic replace, all-or-nothing across files, rollback, recovery, confinement."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from archkb.core import fileio
from archkb.core.errors import Conflict, RefusedWrite


@pytest.fixture(autouse=True)
def _state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHKB_STATE_DIR", str(tmp_path / "state"))


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_create_replace_remove_together(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    (root / "adr").mkdir(parents=True)
    (root / "adr" / "a.yaml").write_text("old a\n")
    (root / "adr" / "b.yaml").write_text("old b\n")
    txn = fileio.Transaction(str(root))
    txn.create("adr/c.yaml", "new c\n")
    txn.replace("adr/a.yaml", "new a\n")
    txn.remove("adr/b.yaml")
    assert txn.commit() == ["adr/a.yaml", "adr/b.yaml", "adr/c.yaml"]
    assert _tree(root) == {"adr/a.yaml": b"new a\n", "adr/c.yaml": b"new c\n"}
    assert os.listdir(fileio.state_dir(str(root))) == ["lock"]


def test_create_never_overwrites_even_a_dangling_symlink(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    (root / "x.yaml").write_text("mine")
    os.symlink(str(tmp_path / "nowhere"), root / "link.yaml")
    for rel in ("x.yaml", "link.yaml"):
        with pytest.raises(Conflict):
            fileio.write_new(str(root), rel, "theirs")
    assert (root / "x.yaml").read_text() == "mine" and not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("rel", ["../escape.yaml", "/etc/passwd", "a/../../b.yaml", "", "a//b.yaml", "via/x.yaml"])
def test_paths_are_confined(tmp_path: Path, rel: str) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    os.symlink(str(tmp_path), root / "via")
    with pytest.raises(RefusedWrite):
        fileio.write_new(str(root), rel, "x")
    assert not (tmp_path / "x.yaml").exists() and not (tmp_path / "escape.yaml").exists()


def test_a_failure_half_way_undoes_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    (root / "a.yaml").write_text("old a\n")
    before = _tree(root)
    real = os.link
    calls = {"n": 0}

    def flaky(src: str, dst: str) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "link", flaky)
    txn = fileio.Transaction(str(root))
    txn.replace("a.yaml", "new a\n")
    txn.create("b.yaml", "b\n")
    txn.create("c.yaml", "c\n")
    with pytest.raises(RefusedWrite, match="no space left on device; nothing was changed"):
        txn.commit()
    assert _tree(root) == before
    assert os.listdir(fileio.state_dir(str(root))) == ["lock"]


def test_recovery_rolls_back_a_killed_change(tmp_path: Path) -> None:
    """What a SIGKILL after the first operation leaves (journal + half-applied files) is undone by the next writer."""
    root = tmp_path / "kb"
    root.mkdir()
    (root / "a.yaml").write_text("old a\n")
    before = _tree(root)
    txn = fileio.Transaction(str(root))
    txn.replace("a.yaml", "new a\n")
    txn.create("b.yaml", "b\n")
    with fileio.root_lock(str(root)):
        txn._preflight()
        journal = txn._write_journal()
        txn._stage()
        os.replace(txn.ops[0].tmp, root / "a.yaml")  # the kill comes after the first rename
    assert (root / "a.yaml").read_text() == "new a\n" and os.path.exists(journal)
    assert fileio.recover(str(root)) == ["a.yaml"]
    assert _tree(root) == before
    assert os.listdir(fileio.state_dir(str(root))) == ["lock"]


def test_a_journal_naming_another_root_is_ignored(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    root.mkdir()
    (root / "keep.yaml").write_text("keep")
    folder = fileio.state_dir(str(root))
    os.makedirs(folder)
    forged = {"version": fileio.JOURNAL_VERSION, "root": "/somewhere/else",
              "ops": [{"action": "create", "rel": "keep.yaml", "tmp": "x", "new_sha": None, "old": None}]}
    with open(os.path.join(folder, "journal-1-x.json"), "w") as fh:
        json.dump(forged, fh)
    assert fileio.recover(str(root)) == []
    assert (root / "keep.yaml").read_text() == "keep"
