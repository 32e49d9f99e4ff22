"""Review assembly (applies_when, sources, order), scoring (risks, plan, changes) and the review rules E201-W202."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

from archkb.core.catalog import load_catalog
from archkb.models.checklist import AppliesWhen
from archkb.models.review import Project
from archkb.reviews.review import applies, assemble, history, risk_of, risk_summary, score
from archkb.rules import check_catalog
from conftest import FIXTURES

KB = os.path.join(FIXTURES, "reviews")
EXPECTED = [
    "genai-readiness/prompt-injection",
    "genai-readiness/human-oversight",
    "genai-readiness/pii-redaction",
    "genai-readiness/retention",
    "guardrails/output-filter",
    "rag/access-trimming",
    "rag/eval-grounding",
    "ADR-0001/confirmation",
]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(KB, use_cache=False)


@pytest.fixture
def review(catalog):
    return catalog.get("support-assistant")


def _project(**kw):
    base = {"name": "p", "owner": "o", "description": "d", "system_type": "genai", "risk_tier": "high",
            "data_classification": "confidential", "personal_data": True, "deployment": "cloud"}
    return Project.model_validate({**base, **kw})


# ---------------------------------------------------------------- applies_when


@pytest.mark.parametrize(("cond", "project", "expected"), [
    (None, {}, True),
    ({}, {}, True),
    ({"system_type": ["genai"]}, {}, True),
    ({"system_type": ["predictive", "agentic"]}, {}, False),
    ({"system_type": ["genai"], "risk_tier": ["minimal"]}, {}, False),  # AND across fields
    ({"risk_tier": ["minimal", "high"]}, {}, True),  # OR within a list
    ({"personal_data": True}, {}, True),
    ({"personal_data": False}, {}, False),
    ({"personal_data": False}, {"personal_data": False}, True),
    ({"deployment": ["on_prem"]}, {"deployment": "on_prem"}, True),
    ({"data_classification": ["public"]}, {}, False),
])
def test_applies_when(cond, project, expected):
    aw = None if cond is None else AppliesWhen.model_validate(cond)
    assert applies(aw, _project(**project)) is expected


# ---------------------------------------------------------------- assembly


def test_fixture_gets_exactly_the_expected_items(catalog, review):
    asm = assemble(review, catalog)
    assert [i.qid for i in asm.items] == EXPECTED
    # predictive-basics has no question for a genai project, so it is not chosen
    assert asm.checklists == ["genai-readiness"]
    assert asm.missing == []


def test_items_keep_their_source(catalog, review):
    items = assemble(review, catalog).by_qid
    q = items["genai-readiness/prompt-injection"]
    assert (q.kind, q.record_id, q.section, q.question_id) == ("checklist", "genai-readiness",
                                                               "genai-readiness/safety", "prompt-injection")
    assert q.severity == "high" and q.evidence == ("Red-team report", "Injection test suite in CI")
    assert q.maps_to == (("owasp-llm-2025", ("LLM01:2025",)),) and q.mitigated_by == ("guardrails",)
    assert q.improvement and q.source_path == "checklists/genai-readiness.yaml"
    p = items["rag/access-trimming"]
    assert (p.kind, p.record_id, p.section, p.question_id, p.severity) == ("pattern", "rag", "rag",
                                                                           "access-trimming", "high")
    assert p.source_path == "patterns/rag.yaml"
    d = items["ADR-0001/confirmation"]
    assert (d.kind, d.record_id, d.question_id, d.severity) == ("decision", "ADR-0001", "confirmation", "medium")
    assert "network policy" in d.evidence[0] and d.source_path == "adr/ADR-0001-use-a-gateway.yaml"


def test_listed_checklists_are_used_even_without_applicable_questions(catalog, review):
    listed = review.model_copy(update={"checklists": ["predictive-basics", "genai-readiness"]})
    asm = assemble(listed, catalog)
    assert asm.checklists == ["genai-readiness", "predictive-basics"]
    assert [i.qid for i in asm.items] == EXPECTED  # no predictive question applies


def test_profile_changes_the_question_set(catalog, review):
    agentic = review.model_copy(update={"project": _project(system_type="agentic", personal_data=False,
                                                             deployment="edge", risk_tier="limited")})
    qids = [i.qid for i in assemble(agentic, catalog).items]
    assert qids[:4] == ["genai-readiness/prompt-injection", "genai-readiness/tool-permissions",
                        "genai-readiness/no-pii-claim", "genai-readiness/offline-model-updates"]


def test_adr_without_confirmation_adds_no_item_and_missing_records_are_listed(catalog, review):
    more = review.model_copy(update={"decisions": ["ADR-0003", "ADR-0001", "ADR-0099"], "patterns": ["nope", "rag"]})
    asm = assemble(more, catalog)
    assert [i.qid for i in asm.items if i.kind != "checklist"] == [
        "rag/access-trimming", "rag/eval-grounding", "ADR-0001/confirmation"]
    assert asm.missing == ["ADR-0099", "nope"]


def test_assembly_is_deterministic_whatever_the_listing_order(catalog, review):
    shuffled = review.model_copy(update={"patterns": ["rag", "guardrails", "rag"]})
    assert [i.qid for i in assemble(shuffled, catalog).items] == EXPECTED


# ---------------------------------------------------------------- scoring


@pytest.mark.parametrize(("severity", "status", "risk"), [
    ("high", "not_met", "high"), ("high", "partial", "medium"), ("high", "met", None),
    ("high", "unanswered", None), ("medium", "not_met", "medium"), ("medium", "partial", "medium"),
    ("low", "not_met", None), ("high", "not_applicable", None),
])
def test_risk_levels(severity, status, risk):
    assert risk_of(severity, status) == risk


def test_latest_milestone_score(catalog, review):
    sc = score(review, catalog)
    assert (sc.milestone, sc.previous) == ("pre-production", "design")
    assert sc.totals == {"met": 3, "partial": 2, "not_met": 1, "not_applicable": 1, "unanswered": 1}
    by = {s.key: s.counts for s in sc.sections}
    assert by["genai-readiness/privacy"] == {"met": 0, "partial": 1, "not_met": 0, "not_applicable": 1,
                                             "unanswered": 0}
    assert [f.item.qid for f in sc.high_risks] == ["rag/access-trimming"]
    assert [f.item.qid for f in sc.medium_risks] == ["genai-readiness/pii-redaction", "guardrails/output-filter"]
    assert [f.item.qid for f in sc.plan] == ["rag/access-trimming", "guardrails/output-filter",
                                             "genai-readiness/pii-redaction"]
    assert sc.plan[0].answer.owner == "Search team" and sc.plan[0].answer.due == dt.date(2026, 5, 15)
    assert [(f.item.qid, f.before, f.status) for f in sc.improved] == [
        ("genai-readiness/prompt-injection", "not_met", "met"),
        ("genai-readiness/human-oversight", "partial", "met"),
        ("guardrails/output-filter", "not_met", "partial")]
    assert [(f.item.qid, f.before, f.status) for f in sc.regressed] == [
        ("genai-readiness/pii-redaction", "met", "partial"), ("rag/access-trimming", "partial", "not_met")]
    assert [i.qid for i in sc.new] == ["rag/eval-grounding"]
    assert sc.unknown == []


def test_first_milestone_has_no_changes(catalog, review):
    sc = score(review, catalog, "design")
    assert sc.previous is None and sc.improved == [] and sc.regressed == []
    assert [f.item.qid for f in sc.high_risks] == ["genai-readiness/prompt-injection", "guardrails/output-filter"]
    assert sc.totals["unanswered"] == 2
    with pytest.raises(KeyError):
        score(review, catalog, "no-such-milestone")


def test_no_milestone_is_all_unanswered(catalog, review):
    empty = review.model_copy(update={"milestones": []})
    sc = score(empty, catalog)
    assert sc.milestone is None and sc.totals["unanswered"] == len(EXPECTED)
    assert sc.high_risks == [] and sc.plan == [] and sc.new == [] and history(empty, catalog) == []


def test_risk_summary_for_the_index(catalog, review):
    assert risk_summary(review, catalog, dt.date(2026, 11, 25)) == {"milestone": "pre-production", "date": dt.date(2026, 5, 1), "items": 8,
                                             "high": 1, "medium": 2, "unanswered": 1, "overdue": 3}


def test_history_is_one_score_per_milestone(catalog, review):
    assert [s.milestone for s in history(review, catalog)] == ["design", "pre-production"]


# ---------------------------------------------------------------- rules


def _codes(root, today="2026-06-01"):
    result = check_catalog(load_catalog(str(root), use_cache=False), dt.date.fromisoformat(today))
    return [(p.code, p.position.line, p.message) for p in result.problems]


def test_fixture_rules(tmp_path):
    problems = _codes(KB)
    assert [(c, line) for c, line, _ in problems] == [("W202", 26), ("W201", 35)]
    assert "rag/eval-grounding" in problems[0][2]
    # before the due date, no W201
    assert [c for c, _, _ in _codes(KB, "2026-05-10")] == ["W202"]


def _edit(tmp_path, old: str, new: str):
    root = tmp_path / "kb"
    shutil.copytree(KB, root)
    path = root / "reviews" / "support-assistant.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return root


def test_e201_answer_not_in_checklist_points_at_the_key(tmp_path):
    root = _edit(tmp_path, "      ADR-0001/confirmation: {status: met}\n  - name: pre-production",
                 "      ADR-0001/confirmation: {status: met}\n      predictive-basics/baseline: {status: met}\n"
                 "      rag/chunking: {status: met}\n  - name: pre-production")
    problems = [p for p in _codes(root) if p[0] == "E201"]
    assert [(c, line) for c, line, _ in problems] == [("E201", 26), ("E201", 27)]
    result = check_catalog(load_catalog(str(root), use_cache=False), dt.date(2026, 6, 1))
    hints = [p.hint for p in result.problems if p.code == "E201"]
    assert "does not use checklist 'predictive-basics'" in hints[0]
    assert "pattern 'rag'" in hints[1]
    col = next(p for p in result.problems if p.code == "E201").position.col
    assert col == 7  # the answer key, not its value


def test_e201_skips_answers_to_missing_records(tmp_path):
    root = _edit(tmp_path, "patterns: [rag, guardrails]", "patterns: [rag, guardrails, nope]")
    root_text = (root / "reviews" / "support-assistant.yaml").read_text()
    (root / "reviews" / "support-assistant.yaml").write_text(
        root_text.replace("      ADR-0001/confirmation: {status: met}\n  - name",
                          "      ADR-0001/confirmation: {status: met}\n      nope/x: {status: met}\n  - name", 1))
    codes = [c for c, _, _ in _codes(root)]
    assert "E006" in codes and "E201" not in codes


def test_e202_not_applicable_needs_a_reason(tmp_path):
    root = _edit(tmp_path, "{status: not_applicable, reason: No prompts or completions are stored.}",
                 "{status: not_applicable}")
    assert [(c, line) for c, line, _ in _codes(root) if c == "E202"] == [("E202", 34)]


def test_e203_milestone_names_are_unique(tmp_path):
    root = _edit(tmp_path, "- name: pre-production", "- name: design")
    assert [c for c, _, _ in _codes(root) if c == "E203"] == ["E203"]


def test_w202_silent_when_every_item_was_answered(tmp_path):
    root = _edit(tmp_path, "      ADR-0001/confirmation: {status: met}\n  - name: pre-production",
                 "      ADR-0001/confirmation: {status: met}\n      rag/eval-grounding: {status: met}\n"
                 "  - name: pre-production")
    assert "W202" not in [c for c, _, _ in _codes(root)]


def test_no_milestones_no_review_warnings(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(KB, root)
    path = root / "reviews" / "support-assistant.yaml"
    text = path.read_text()
    path.write_text(text[: text.index("milestones:")])
    assert [c for c, _, _ in _codes(root)] == []
