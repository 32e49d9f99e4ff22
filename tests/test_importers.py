"""The Markdown ADR importer on small fixture folders written for these tests (never the shared corpora)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from archkb.adopt.convert import import_folder
from archkb.adopt.normalise import map_status, normalise_date, number_from_name, strip_title
from archkb.core.errors import RefusedWrite
from conftest import FIXTURES

NYGARD = os.path.join(FIXTURES, "import", "nygard")
MADR = os.path.join(FIXTURES, "import", "madr")
TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize("raw,status", [
    ("✅ Accepted", "accepted"), ("> Accepted", "accepted"), ("Implemented", "accepted"),
    ("deprecated, no-longer-relevant", "deprecated"), ("Superseded by [DNS](0015-dns.md)", "superseded"),
    ("Partly superseded", "accepted"), ("Draft", "proposed"), ("Rejected", "rejected"),
    ("🤔 Incomplete", "proposed"), ("On hold", "proposed"), ("Complete", "accepted"),
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



def test_failed_write_leaves_nothing_behind(tmp_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from archkb.adopt import writer

    calls = {"n": 0}
    real = os.link

    def flaky(src: str, dst: str) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        real(src, dst)

    monkeypatch.setattr(os, "link", flaky)
    with pytest.raises(RefusedWrite, match="nothing was changed"):
        writer.write_records(str(tmp_path), {f"f{i}.yaml": "x: 1\n" for i in range(5)})
    assert os.listdir(str(tmp_path)) == []


LOG4BRAINS = os.path.join(FIXTURES, "import", "log4brains")


def test_log4brains_folder() -> None:
    result = import_folder(LOG4BRAINS, today=TODAY)
    recs = result.records
    assert result.format == "log4brains"
    # date-prefixed names are not numbers: ids are assigned in file order
    assert sorted(recs) == ["ADR-0001", "ADR-0002"]
    assert sorted(r.path for r in result.reports if r.skipped) == ["index.md", "template.md"]
    old, new = recs["ADR-0001"], recs["ADR-0002"]
    assert old["status"] == "superseded" and old["provenance"]["original_status"].startswith("superseded by [")
    assert new["links"] == [{"type": "supersedes", "target": "ADR-0001"}]  # stated only on the older file
    assert old["date"] == dt.date(2021, 3, 1) and old["tags"] == ["ml-ops", "serving", "storage"]
    assert old["decision_makers"] == ["Ops team"]
    assert [o["title"] for o in old["options"]] == ["Local disk cache", "Object storage"]
    assert old["outcome"]["chosen"] == "Local disk cache"
    assert new["consequences"] == {"positive": ["one copy to patch"], "negative": ["network reads on cold start"]}


def test_eval_script_on_the_shared_corpora_when_present() -> None:
    corpora = os.path.join(os.path.dirname(FIXTURES), "..", "..", "shared", "corpora")
    if not os.path.isfile(os.path.join(corpora, "GROUND_TRUTH.json")):
        pytest.skip("../shared/corpora is not present")
    import importlib.util

    path = os.path.join(os.path.dirname(FIXTURES), "..", "benchmarks", "eval_import.py")
    spec = importlib.util.spec_from_file_location("eval_import", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    overall = module.evaluate(corpora)["OVERALL"]
    assert overall["title"] >= 0.98 and overall["status"] >= 0.95 and overall["date"] >= 0.95
