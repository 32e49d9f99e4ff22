"""Scaffolding: slugs, the next free number, starting texts that validate, no overwrites."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from archkb.authoring.scaffold import adr_text, create, new_adr_path, new_record, slugify
from archkb.core.catalog import load_catalog
from archkb.core.errors import ArchkbError
from archkb.pr.gitdiff import next_adr_id

FIXTURE = Path(__file__).parent / "fixtures" / "pr" / "kb"
TODAY = dt.date(2026, 3, 4)


@pytest.mark.parametrize(("text", "slug"), [
    ("Use Postgres 16!", "use-postgres-16"),
    ("  Résumé   parsing / OCR ", "resume-parsing-ocr"),
    ("../../etc/passwd", "etc-passwd"),
    ("???", ""),
    ("word " * 30, ("word-" * 12).rstrip("-")),
])
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_new_adr_path() -> None:
    assert new_adr_path("ADR-0007", "Adopt a feature store") == "adr/ADR-0007-adopt-a-feature-store.yaml"
    assert new_adr_path("ADR-0007", "!!!") == "adr/ADR-0007.yaml"


def test_next_number_counts_every_catalog(tmp_path: Path) -> None:
    cat = load_catalog(str(FIXTURE), use_cache=False)
    assert next_adr_id(cat) == "ADR-0004"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert next_adr_id(load_catalog(str(empty), use_cache=False)) == "ADR-0001"


def test_scaffolds_validate_as_written(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(FIXTURE, root)
    cat = load_catalog(str(root), use_cache=False)
    create(str(root), new_adr_path("ADR-0004", 'A "quoted" title: with colon'),
           adr_text(cat, "ADR-0004", 'A "quoted" title: with colon', TODAY, supersedes=["ADR-0001"]))
    for kind in ("pattern", "checklist", "review"):
        rel, text = new_record(cat, kind, f"My {kind}", TODAY)
        create(str(root), rel, text)
    after = load_catalog(str(root), use_cache=False)
    assert [e.path for e in after.entries if e.problems] == []
    assert after.get("ADR-0004").title == 'A "quoted" title: with colon'
    assert after.get("ADR-0004").date == TODAY


def test_create_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "adr").mkdir()
    target = tmp_path / "adr/x.yaml"
    target.write_text("mine")
    with pytest.raises(ArchkbError, match="not overwriting"):
        create(str(tmp_path), "adr/x.yaml", "new")
    assert target.read_text() == "mine"
    assert sorted(p.name for p in (tmp_path / "adr").iterdir()) == ["x.yaml"]


def test_new_record_refuses_existing_ids_and_empty_names() -> None:
    cat = load_catalog(str(FIXTURE), use_cache=False)
    with pytest.raises(ArchkbError):
        new_record(cat, "pattern", "!!!", TODAY)
    with pytest.raises(ArchkbError):
        new_record(cat, "pattern", "9 lives", TODAY)
