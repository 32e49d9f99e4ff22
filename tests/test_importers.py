"""The Markdown ADR importer on small fixture folders written for these tests (never the shared corpora)."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from archkb.cli import main
from archkb.importers.convert import import_folder
from archkb.importers.normalise import map_status, normalise_date, number_from_name, strip_title
from conftest import FIXTURES

NYGARD = os.path.join(FIXTURES, "import", "nygard")
MADR = os.path.join(FIXTURES, "import", "madr")
TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize("raw,status", [
    ("✅ Accepted", "accepted"), ("> Accepted", "accepted"), ("Implemented", "accepted"),
    ("deprecated, no-longer-relevant", "deprecated"), ("Superseded by [DNS](0015-dns.md)", "superseded"),
    ("Partly superseded", "accepted"), ("Draft", "proposed"), ("Rejected", "rejected"),
])
def test_status_wording_maps_to_the_enum(raw: str, status: str) -> None:
    assert map_status(raw) == (status, True)


def test_unknown_or_missing_status_is_a_flagged_default() -> None:
    assert map_status("Sometime") == ("accepted", False)
    assert map_status(None) == ("accepted", False)


@pytest.mark.parametrize("raw,iso", [
    ("05/02/2018", "2018-02-05"), ("10/04/18", "2018-04-10"), ("2020-Nov-09", "2020-11-09"),
    ("12/31/2020", "2020-12-31"), ("**Date:** 2019-01-01", "2019-01-01"), ("9 November 2020", "2020-11-09"),
])
def test_dates_follow_the_stated_policy(raw: str, iso: str) -> None:
    assert normalise_date(raw) == dt.date.fromisoformat(iso)


def test_titles_and_numbers() -> None:
    assert strip_title("1. Record architecture decisions") == "Record architecture decisions"
    assert strip_title("ADR012: Use queues") == "Use queues"
    assert strip_title("Architecture Decision Record: Use ADRs") == "Use ADRs"
    assert number_from_name("ADR012-x.md") == 12 and number_from_name("20200924-x.md") is None


def test_nygard_folder() -> None:
    result = import_folder(NYGARD, today=TODAY)
    recs = result.records
    assert result.format == "adr-tools"
    assert sorted(recs) == ["ADR-0001", "ADR-0002", "ADR-0003", "ADR-0004", "ADR-0005"]
    assert [r.path for r in result.reports if r.skipped] == ["README.md"]
    assert recs["ADR-0003"]["title"] == "Stream changes"
    assert recs["ADR-0003"]["provenance"]["original_title"] == "ADR003: Stream changes"
    assert recs["ADR-0001"]["date"] == dt.date(2018, 2, 5)
    # supersession stated only on the older record is stated once, on the newer one
    assert {"type": "supersedes", "target": "ADR-0002"} in recs["ADR-0003"]["links"]
    assert {"type": "amends", "target": "ADR-0001"} in recs["ADR-0003"]["links"]
    assert recs["ADR-0002"]["status"] == "superseded"
    assert recs["ADR-0004"]["status"] == "deprecated"
    five = next(r for r in result.reports if r.id == "ADR-0005")
    assert any("no status" in w for w in five.warnings) and any("no date" in w for w in five.warnings)
    assert recs["ADR-0005"]["sections"] == [{"title": "Notes", "body": "To be revisited next year."}]


def test_madr_folder() -> None:
    result = import_folder(MADR, today=TODAY)
    recs = result.records
    assert result.format == "madr"
    assert sorted(r.path for r in result.reports if r.skipped) == ["adr-template.md", "index.md"]
    one = recs["ADR-0001"]
    assert one["status"] == "accepted"  # not the `rejected` inside the code fence
    assert one["drivers"] == ["Same values in training and serving", "One owner per feature"]
    assert one["options"][0] == {"title": "Feature store", "pros": ["one definition"], "cons": ["new infrastructure"]}
    assert one["outcome"]["chosen"] == "Feature store"
    assert one["consequences"] == {"positive": ["skew goes away"], "negative": ["we run one more service"]}
    assert one["decision_makers"] == ["Platform lead", "Data lead"]
    assert recs["ADR-0003"]["provenance"]["source_path"] == "0003-choose-a-broker/README.md"


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


def test_failed_write_leaves_nothing_behind(tmp_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from archkb.importers import writer

    calls = {"n": 0}
    real = os.replace

    def flaky(src: str, dst: str) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        real(src, dst)

    monkeypatch.setattr(writer.os, "replace", flaky)
    with pytest.raises(OSError):
        writer.write_records(str(tmp_path), {f"f{i}.yaml": "x: 1\n" for i in range(5)})
    assert os.listdir(str(tmp_path)) == []


def test_madr_import_checks_clean(tmp_path: str) -> None:
    shutil.copytree(MADR, os.path.join(str(tmp_path), "src"))
    assert main(["import", os.path.join(str(tmp_path), "src"), "-C", str(tmp_path)]) == 0
    assert main(["check", "--no-cache", str(tmp_path)]) == 0


@pytest.mark.parametrize("fixture", [NYGARD, MADR])
def test_import_export_import_gives_identical_records(tmp_path: str, fixture: str) -> None:
    kb = os.path.join(str(tmp_path), "kb")
    assert main(["import", fixture, "-C", kb]) == 0
    first = import_folder(fixture, today=TODAY).records
    out = os.path.join(str(tmp_path), "madr")
    assert main(["export", "madr", out, "-C", kb]) == 0
    again = import_folder(out, today=TODAY).records
    from archkb.models.decision import Decision

    def norm(recs: dict) -> dict:  # type: ignore[type-arg]
        return {k: Decision.model_validate(v).model_dump(mode="json") for k, v in recs.items()}

    assert norm(again) == norm(first)


def test_catalog_and_csv_exports(tmp_path: str) -> None:
    import csv
    import json

    kb = os.path.join(str(tmp_path), "kb")
    assert main(["import", NYGARD, "-C", kb]) == 0
    out = os.path.join(str(tmp_path), "catalog.json")
    assert main(["export", "catalog", out, "-C", kb]) == 0
    with open(out, encoding="utf-8") as fh:
        doc = json.load(fh)
    assert (doc["format"], doc["version"]) == ("archkb-catalog", 1)
    assert [r["id"] for r in doc["records"]] == ["ADR-0001", "ADR-0002", "ADR-0003", "ADR-0004", "ADR-0005"]
    assert {"source": "ADR-0002", "target": "ADR-0003", "type": "superseded_by", "derived": True} in doc["edges"]
    assert main(["export", "catalog", out, "-C", kb]) == 1  # never overwritten
    rows = os.path.join(str(tmp_path), "d.csv")
    assert main(["export", "csv", rows, "-C", kb]) == 0
    with open(rows, encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert table[2]["id"] == "ADR-0003" and table[2]["supersedes"] == "ADR-0002"
