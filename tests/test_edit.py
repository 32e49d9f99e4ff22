"""supersede and renumber: exact edits that keep comments and formatting, written all-or-nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from archkb.authoring.edit import add_link, apply, plan_renumber, plan_supersede, set_status
from archkb.core.catalog import load_catalog
from archkb.core.errors import ArchkbError, RefusedWrite
from conftest import UPDATE_GOLDEN

FIXTURE = Path(__file__).parent / "fixtures" / "pr" / "kb"
GOLDEN = Path(__file__).parent / "golden" / "edit"  # a folder of files per case


def _kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(FIXTURE, root)
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def _compare(root: Path, name: str) -> None:
    got = _snapshot(root)
    want_dir = GOLDEN / name
    if UPDATE_GOLDEN:
        shutil.rmtree(want_dir, ignore_errors=True)
        for rel, data in got.items():
            (want_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (want_dir / rel).write_bytes(data)
    want = {str(p.relative_to(want_dir)): p.read_bytes() for p in sorted(want_dir.rglob("*.yaml"))}
    assert got == want


def test_supersede_keeps_comments_and_formatting(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    apply(plan_supersede(load_catalog(str(root), use_cache=False), "ADR-0001", "ADR-0003"))
    _compare(root, "supersede")
    old = (root / "adr/ADR-0001-use-postgres.yaml").read_text()
    assert "status: superseded   # agreed at the March board" in old
    assert "# options are kept short on purpose" in old


def test_supersede_into_an_indented_block_list(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    apply(plan_supersede(load_catalog(str(root), use_cache=False), "ADR-0001", "ADR-0002"))
    _compare(root, "supersede-block")


def test_renumber_changes_file_name_id_and_every_reference(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    plan = plan_renumber(load_catalog(str(root), use_cache=False), "ADR-0001", "ADR-0010")
    apply(plan)
    _compare(root, "renumber")
    assert not (root / "adr/ADR-0001-use-postgres.yaml").exists()
    cat = load_catalog(str(root), use_cache=False)
    assert cat.get("ADR-0010") is not None and cat.get("ADR-0001") is None
    assert all(not e.problems for e in cat.entries)


def test_renumber_refuses_an_existing_id_or_file(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    before = _snapshot(root)
    with pytest.raises(ArchkbError, match="already exists"):
        plan_renumber(load_catalog(str(root), use_cache=False), "ADR-0001", "ADR-0002")
    (root / "adr/ADR-0009-use-postgres.yaml").write_text("stray")
    with pytest.raises(ArchkbError):
        plan_renumber(load_catalog(str(root), use_cache=False), "ADR-0001", "ADR-0009")
    (root / "adr/ADR-0009-use-postgres.yaml").unlink()
    for bad in ("../../x", "ADR-12", "adr-0010", "ADR-0010/x"):
        with pytest.raises(ArchkbError, match="not a valid decision id"):
            plan_renumber(load_catalog(str(root), use_cache=False), "ADR-0001", bad)
    assert _snapshot(root) == before


def test_refuses_when_a_file_is_unparseable(tmp_path: Path) -> None:
    root = _kb(tmp_path)
    (root / "adr/ADR-0004-broken.yaml").write_text("id: ADR-0004\ntitle: [unclosed\n")
    before = _snapshot(root)
    with pytest.raises(ArchkbError, match="unparseable"):
        plan_supersede(load_catalog(str(root), use_cache=False), "ADR-0001", "ADR-0003")
    with pytest.raises(ArchkbError, match="unparseable"):
        plan_renumber(load_catalog(str(root), use_cache=False), "ADR-0001", "ADR-0010")
    assert _snapshot(root) == before


def test_a_failing_write_leaves_every_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _kb(tmp_path)
    before = _snapshot(root)
    plan = plan_renumber(load_catalog(str(root), use_cache=False), "ADR-0001", "ADR-0010")
    assert len(plan.writes) == 2 and plan.removes == ["adr/ADR-0001-use-postgres.yaml"]
    real = os.replace
    calls = {"n": 0}

    def flaky(src: str, dst: str) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(RefusedWrite, match="nothing was changed"):
        apply(plan)
    monkeypatch.setattr(os, "replace", real)
    assert calls["n"] == 2
    assert _snapshot(root) == before
    assert not [p for p in root.rglob("*") if p.name.startswith(".archkb-")]


def test_set_status_and_add_link_edge_cases() -> None:
    assert set_status("id: X\nstatus: proposed\n", "accepted") == "id: X\nstatus: accepted\n"
    with pytest.raises(ArchkbError):
        set_status("id: X\n", "accepted")
    assert add_link("id: X\nlinks: []\n", "amends", "ADR-0001") == "id: X\nlinks:\n  - {type: amends, target: ADR-0001}\n"
    assert add_link("id: X", "amends", "ADR-0001") == "id: X\nlinks:\n  - {type: amends, target: ADR-0001}\n"
    with pytest.raises(ArchkbError):
        add_link("links: [{type: amends, target: ADR-0002}]\n", "amends", "ADR-0001")


def test_supersede_dates_the_status_change(tmp_path: Path) -> None:
    import datetime as dt

    root = _kb(tmp_path)
    apply(plan_supersede(load_catalog(str(root), use_cache=False), "ADR-0001", "ADR-0003", on=dt.date(2027, 3, 4)))
    old = (root / "adr/ADR-0001-use-postgres.yaml").read_text()
    assert "\ndate: 2027-03-04" in old and "status: superseded" in old
