"""AWS Well-Architected custom lens export: every repository checklist fits the published format; limits; risk rules."""

from __future__ import annotations

import copy
import glob
import json
import os
import re

import pytest

from archkb.core.catalog import load_catalog
from archkb.export.lens import LensError, checklist_lens, lens_json, lens_problems
from archkb.models.checklist import Checklist
from conftest import FIXTURES, ROOT, assert_golden

KB = os.path.join(FIXTURES, "reviews")
REPO_CHECKLISTS = sorted(glob.glob(os.path.join(ROOT, "checklists", "*.yaml")))
ID = re.compile(r"^[A-Za-z0-9_]{3,128}$")


def assert_published_format(lens: dict) -> None:
    """The lens format specification, restated independently of the exporter's own checker."""
    assert set(lens) == {"schemaVersion", "name", "description", "pillars"}
    assert lens["schemaVersion"] == "2021-11-01"
    assert 0 < len(lens["name"]) <= 128 and 0 < len(lens["description"]) <= 2048
    assert 1 <= len(lens["pillars"]) <= 10
    assert len({p["id"] for p in lens["pillars"]}) == len(lens["pillars"])
    qids = [q["id"] for p in lens["pillars"] for q in p["questions"]]
    assert len(set(qids)) == len(qids)
    for p in lens["pillars"]:
        assert ID.match(p["id"]) and 0 < len(p["name"]) <= 128
        assert set(p) == {"id", "name", "questions"}
        assert 1 <= len(p["questions"]) <= 20
        for q in p["questions"]:
            assert set(q) <= {"id", "title", "description", "helpfulResource", "choices", "riskRules"}
            assert ID.match(q["id"]) and 0 < len(q["title"]) <= 128 and len(q.get("description", "")) <= 2048
            if "helpfulResource" in q:
                assert 0 < len(q["helpfulResource"]["displayText"]) <= 2048
            assert 2 <= len(q["choices"]) <= 15
            cids = [c["id"] for c in q["choices"]]
            assert len(set(cids)) == len(cids) and all(ID.match(c) for c in cids)
            assert [c for c in cids if c.endswith("_no")] == [cids[-1]]  # one "None of these", last
            for c in q["choices"]:
                assert 0 < len(c["title"]) <= 128
                assert set(c) <= {"id", "title", "helpfulResource", "improvementPlan", "additionalResources"}
                if not c["id"].endswith("_no"):
                    assert 0 < len(c["improvementPlan"]["displayText"]) <= 2048
            rules = q["riskRules"]
            assert 1 <= len(rules) <= 3 and rules[-1]["condition"] == "default"
            assert len({r["risk"] for r in rules}) == len(rules)
            assert {r["risk"] for r in rules} <= {"HIGH_RISK", "MEDIUM_RISK", "NO_RISK"}
            for r in rules[:-1]:
                names = set(re.findall(r"[A-Za-z0-9_]+", r["condition"]))
                assert names <= set(cids) and not names & {c for c in cids if c.endswith("_no")}
    assert len(lens_json(lens).encode()) <= 500 * 1024


@pytest.fixture(scope="module")
def repo_catalog():
    return load_catalog(ROOT, use_cache=False)


@pytest.mark.parametrize("path", REPO_CHECKLISTS, ids=[os.path.basename(p) for p in REPO_CHECKLISTS])
def test_every_repository_checklist_exports_a_valid_lens(path, repo_catalog):
    catalog = repo_catalog
    rid = os.path.splitext(os.path.basename(path))[0]
    checklist = catalog.get(rid)
    if checklist is None or catalog.kind_of(rid) != "checklist":
        pytest.skip(f"{rid} is not a valid checklist record yet (`archkb check` reports why)")
    lens = checklist_lens(checklist)
    assert lens_problems(lens) == []
    assert_published_format(lens)
    questions = sum(len(s.questions) for s in checklist.sections)
    assert sum(len(p["questions"]) for p in lens["pillars"]) == questions
    assert json.loads(lens_json(lens)) == lens


def test_repository_has_checklists():
    assert REPO_CHECKLISTS, "no checklists/*.yaml in the repository"


def test_fixture_lens_golden():
    checklist = load_catalog(KB, use_cache=False).get("genai-readiness")
    text = lens_json(checklist_lens(checklist))
    assert_golden("reviews/lens-genai-readiness.json", text)
    assert_published_format(json.loads(text))


def _evaluate(condition: str, selected: set[str]) -> bool:
    """Evaluate the exporter's conditions (`a && b`, `a || b`, `!a`; no parentheses) without eval."""
    if condition == "default":
        return True
    assert "(" not in condition
    return any(all((term.strip()[1:] not in selected) if term.strip().startswith("!") else term.strip() in selected
                   for term in alt.split("&&")) for alt in condition.split("||"))


def _risk(question: dict, selected: set[str]) -> str:
    return next(r["risk"] for r in question["riskRules"] if _evaluate(r["condition"], selected))


def test_risk_rules_follow_review_scoring():
    lens = checklist_lens(load_catalog(KB, use_cache=False).get("genai-readiness"))
    qs = {q["id"]: q for p in lens["pillars"] for q in p["questions"]}
    high = qs["prompt_injection"]  # high, two evidence choices
    ids = [c["id"] for c in high["choices"]]
    assert ids == ["prompt_injection_e1", "prompt_injection_e2", "prompt_injection_no"]
    assert _risk(high, set(ids[:2])) == "NO_RISK"
    assert _risk(high, {ids[0]}) == "MEDIUM_RISK"
    assert _risk(high, {ids[2]}) == "HIGH_RISK" and _risk(high, set()) == "HIGH_RISK"
    medium = qs["pii_redaction"]  # medium, no evidence: one "met" choice
    assert [c["id"] for c in medium["choices"]] == ["pii_redaction_met", "pii_redaction_no"]
    assert _risk(medium, {"pii_redaction_met"}) == "NO_RISK" and _risk(medium, set()) == "MEDIUM_RISK"
    assert medium["choices"][0]["improvementPlan"]["displayText"] == "Redact personal data before logging."
    low = qs["retention"]
    assert low["riskRules"] == [{"condition": "default", "risk": "NO_RISK"}]


def _checklist(sections: int = 1, questions: int = 1, **question) -> Checklist:
    q = {"text": "Is it done?", "rationale": "Because.", "severity": "high", **question}
    return Checklist.model_validate({
        "id": "big", "title": "Big", "family": "x", "version": "1", "description": "d",
        "sections": [{"id": f"s{i}", "title": f"Section {i}",
                      "questions": [{**q, "id": f"q{i}-{j}"} for j in range(questions)]}
                     for i in range(sections)]})


def test_long_sections_split_into_pillars_and_short_ids_are_padded():
    lens = checklist_lens(_checklist(1, 45))
    assert [(p["id"], len(p["questions"])) for p in lens["pillars"]] == [
        ("s_s0", 20), ("s_s0_part2", 20), ("s_s0_part3", 5)]
    assert lens["pillars"][1]["name"] == "Section 0 (part 2)"
    assert_published_format(lens)


def test_too_many_pillars_is_an_error():
    with pytest.raises(LensError, match="11 pillars"):
        checklist_lens(_checklist(11, 1))
    assert_published_format(checklist_lens(_checklist(10, 1)))


def test_long_text_and_many_evidence_items_are_kept_within_limits():
    lens = checklist_lens(_checklist(1, 1, text="Why " * 100 + "?", rationale="r " * 3000,
                                     evidence=[f"evidence {n}" for n in range(20)]))
    q = lens["pillars"][0]["questions"][0]
    assert len(q["title"]) == 128 and q["title"].endswith("…")
    assert len(q["choices"]) == 15 and q["choices"][-1]["id"].endswith("_no")
    assert "evidence 19" in q["choices"][13]["title"] or len(q["choices"][13]["title"]) == 128
    assert_published_format(lens)


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda lens: lens.update(schemaVersion="2020-01-01"), "schemaVersion"),
    (lambda lens: lens.update(name="x" * 129), "name: 129 characters"),
    (lambda lens: lens["pillars"][0].update(id="a-b"), "pillars[0].id"),
    (lambda lens: lens["pillars"][0].update(id="ab"), "pillars[0].id"),
    (lambda lens: lens["pillars"][0]["questions"][0].update(id="bad id"), "questions[0].id"),
    (lambda lens: lens["pillars"][0]["questions"][0]["choices"][0].pop("improvementPlan"), "improvementPlan"),
    (lambda lens: lens["pillars"][0]["questions"][0]["riskRules"].pop(), "no 'default' rule"),
    (lambda lens: lens["pillars"][0]["questions"][0]["riskRules"].reverse(), "must come last"),
    (lambda lens: lens["pillars"][0]["questions"][0]["riskRules"][0].update(condition="nope_e1 && x"),
     "names no choice"),
    (lambda lens: lens["pillars"][0]["questions"][0]["riskRules"][0].update(condition="a &&"), "not a boolean"),
    (lambda lens: lens["pillars"][0]["questions"][0]["riskRules"][0].update(risk="LOW"), "risk"),
    (lambda lens: lens["pillars"][0]["questions"][0].update(helpfulResource={"url": "javascript:x"}), "url"),
    (lambda lens: lens["pillars"][0]["questions"].extend([lens["pillars"][0]["questions"][0]] * 20), "limit 20"),
    (lambda lens: lens["pillars"].extend([lens["pillars"][0]] * 10), "limit 10"),
])
def test_checker_catches_each_broken_rule(mutate, message):
    lens = checklist_lens(load_catalog(KB, use_cache=False).get("genai-readiness"))
    assert lens_problems(lens) == []
    broken = copy.deepcopy(lens)
    mutate(broken)
    problems = lens_problems(broken)
    assert any(message in p for p in problems), problems
