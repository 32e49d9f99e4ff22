"""Duty coverage from `serves`: what counts as support, the generated page (golden), W321, E322, W320."""

from __future__ import annotations

import os

import pytest

from archkb.core.catalog import load_catalog
from archkb.rules import check_catalog
from archkb.rules.core import unbalanced
from archkb.rules.coverage import coverage, supports
from archkb.site.plan import SiteOptions, plan_site
from conftest import FIXTURES, assert_golden

KB = os.path.join(FIXTURES, "kb-coverage")


def _result():
    return check_catalog(load_catalog(KB, use_cache=False))


def test_only_accepted_decisions_approved_patterns_and_checklists_support():
    assert supports("decision", "accepted") and supports("pattern", "approved") and supports("checklist", None)
    assert supports("principle", "approved")
    for kind, status in (("decision", "superseded"), ("decision", "proposed"), ("pattern", "draft"),
                         ("principle", "proposed"), ("review", None)):
        assert not supports(kind, status)


def test_coverage_groups_records_by_duty_and_kind():
    duties = {d.id: d for d in coverage(_result().catalog)}
    assert list(duties) == ["integration", "review-practice", "mentoring", "monitoring"]
    integration = duties["integration"]
    assert [r.id for r in integration.records["decision"]] == ["ADR-0001", "ADR-0002", "ADR-0003"]
    assert [r.id for r in integration.support] == ["ADR-0002", "ADR-0003", "streaming-inference",
                                                   "serving-readiness"]
    assert not integration.thin and not integration.unsupported
    # The superseded ADR and the review serve it, but neither counts.
    assert duties["review-practice"].unsupported
    assert {r.id for rs in duties["review-practice"].records.values() for r in rs} == {"ADR-0001", "claims-scoring"}
    assert duties["mentoring"].unsupported and not duties["mentoring"].records
    # Served by a checklist only: supported (no warning) but thin.
    assert not duties["monitoring"].unsupported and duties["monitoring"].thin


def test_unsupported_duties_warn_at_their_line_in_archkb_yaml():
    got = sorted((p.code, p.position.path, p.position.line) for p in _result().problems)
    assert got == [("W321", "archkb.yaml", 8), ("W321", "archkb.yaml", 10)]


def test_serves_naming_an_unknown_duty_is_an_error(tmp_path):
    os.makedirs(tmp_path / "adr")
    (tmp_path / "archkb.yaml").write_text("responsibilities:\n  - id: integration\n    title: I\n")
    (tmp_path / "adr" / "ADR-0001-q.yaml").write_text(
        "# yaml-language-server: $schema=../tooling/archkb/schemas/decision.schema.json\n"
        "id: ADR-0001\ntitle: Q\nstatus: accepted\ndate: 2025-03-01\ncontext: Why.\n"
        "serves: [integration, integraton]\n")
    problems = check_catalog(load_catalog(str(tmp_path), use_cache=False)).problems
    e322 = [p for p in problems if p.code == "E322"]
    assert len(e322) == 1 and e322[0].position.line == 7 and "integraton" in e322[0].message
    assert e322[0].hint == "did you mean 'integration'?"
    assert not [p for p in problems if p.code == "W321"]


def test_no_responsibilities_means_no_coverage_page_and_no_warning():
    result = check_catalog(load_catalog(os.path.join(FIXTURES, "kb-small"), use_cache=False))
    assert not [p for p in result.problems if p.code in ("W321", "E322")]
    plan = plan_site(result, SiteOptions(diagrams="off"))
    assert "coverage.md" not in {p.uri for p in plan.pages}


def test_coverage_page_matches_golden():
    plan = plan_site(_result(), SiteOptions(diagrams="off"))
    assert {"Coverage": "coverage.md"} in plan.nav
    text = plan.page("coverage.md").content
    assert_golden("site/coverage.md", text)
    assert "(decisions/ADR-0001.md) (superseded) (not counted)" in text


@pytest.mark.parametrize(("text", "bad"), [
    ("Oversight design (who reviews what", True), ("when)", True), ("a ] b [", True), ("(a]", True),
    ("Oversight design (who reviews what, when)", False), ("Runbook [draft] (v2)", False), ("plain", False),
    ("nested ([ok])", False),
])
def test_unbalanced(text, bad):
    assert unbalanced(text) is bad
