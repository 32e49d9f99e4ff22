"""`archkb review checklist|new|score`, `archkb export lens|review-csv`: outputs (golden), exit codes, safe writes."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat

import pytest

from archkb.cli import main
from archkb.core.catalog import load_catalog
from archkb.rules import check_catalog
from conftest import FIXTURES, GOLDEN, assert_golden

KB = os.path.join(FIXTURES, "reviews")


@pytest.fixture
def kb(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(KB, root, ignore=shutil.ignore_patterns(".archkb_cache"))
    return str(root)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def golden(name: str, text: str) -> None:
    assert_golden(f"reviews/{name}", text)


@pytest.mark.parametrize(("fmt", "name"), [("markdown", "checklist.md"), ("csv", "checklist.csv"),
                                           ("json", "checklist.json")])
def test_review_checklist_formats(capsys, kb, fmt, name):
    code, out, err = run(capsys, "review", "checklist", "support-assistant", "--format", fmt, "-C", kb)
    assert code == 0 and err == ""
    golden(name, out)


def test_review_checklist_items_and_sources(capsys, kb):
    _, out, _ = run(capsys, "review", "checklist", "support-assistant", "--format", "json", "-C", kb)
    data = json.loads(out)
    assert [(i["id"], i["source"]["kind"], i["source"]["id"]) for i in data["items"]] == [
        ("genai-readiness/prompt-injection", "checklist", "genai-readiness"),
        ("genai-readiness/human-oversight", "checklist", "genai-readiness"),
        ("genai-readiness/pii-redaction", "checklist", "genai-readiness"),
        ("genai-readiness/retention", "checklist", "genai-readiness"),
        ("guardrails/output-filter", "pattern", "guardrails"),
        ("rag/access-trimming", "pattern", "rag"),
        ("rag/eval-grounding", "pattern", "rag"),
        ("ADR-0001/confirmation", "decision", "ADR-0001"),
    ]
    _, out, _ = run(capsys, "review", "checklist", "support-assistant", "--format", "csv", "-C", kb)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == [i["id"] for i in data["items"]]
    assert rows[0]["evidence_expected"] == "Red-team report; Injection test suite in CI"
    assert rows[-1]["source_path"] == "adr/ADR-0001-use-a-gateway.yaml"
    _, out, _ = run(capsys, "review", "checklist", "support-assistant", "-C", kb)
    assert out.count("- [") == 8 and "Source: pattern [rag](patterns/rag.yaml)" in out


def test_review_score_text_and_formats(capsys, kb):
    code, out, _ = run(capsys, "review", "score", "support-assistant", "-C", kb)
    assert code == 0
    golden("score.txt", out)
    assert "high risks: 1" in out and "improved: 3" in out and "regressed: 2" in out
    code, out, _ = run(capsys, "review", "score", "support-assistant", "--format", "json", "-C", kb)
    golden("score.json", out)
    data = json.loads(out)
    assert data["totals"] == {"met": 3, "partial": 2, "not_met": 1, "not_applicable": 1, "unanswered": 1}
    assert [f["id"] for f in data["regressed"]] == ["genai-readiness/pii-redaction", "rag/access-trimming"]
    code, out, _ = run(capsys, "review", "score", "support-assistant", "--format", "markdown", "-C", kb)
    golden("score.md", out)
    code, out, _ = run(capsys, "review", "score", "support-assistant", "--milestone", "design", "-C", kb)
    assert code == 0 and "at milestone design" in out and "since" not in out and "high risks: 2" in out


@pytest.mark.parametrize(("argv", "code", "message"), [
    (("review", "score", "nope"), 1, "no review 'nope'"),
    (("review", "score", "support-assistant", "--milestone", "launch"), 1, "no milestone 'launch'"),
    (("review", "checklist", "genai-readiness"), 1, "no review 'genai-readiness'"),
    (("review", "checklist", "support-assistant", "--format", "pdf"), 2, "invalid choice"),
    (("export", "lens", "nope", "out.json"), 1, "no checklist 'nope'"),
    (("export", "review-csv", "nope", "out.csv"), 1, "no review 'nope'"),
    (("review",), 2, "required"),
])
def test_errors(capsys, kb, argv, code, message):
    got, _, err = run(capsys, *argv, *(["-C", kb] if len(argv) > 1 and "--format" not in argv else []))
    assert got == code and message in err


def test_missing_root_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, "review", "score", "x", "-C", str(tmp_path / "nowhere"))
    assert code == 2 and "no such folder" in err


def test_review_new_scaffolds_a_valid_review(capsys, kb):
    code, out, _ = run(capsys, "review", "new", "fraud-model", "-C", kb)
    path = os.path.join(kb, "reviews", "fraud-model.yaml")
    assert code == 0 and path in out
    text = open(path, encoding="utf-8").read()
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../.archkb/schemas/review.schema.json"
    assert "# predictive | genai | agentic" in text
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode & 0o044  # readable by others as the umask allows, not mkstemp's 0600
    result = check_catalog(load_catalog(kb, use_cache=False))
    assert [p for p in result.problems if p.position.path.endswith("fraud-model.yaml")] == []
    assert load_catalog(kb, use_cache=False).get("fraud-model").project.system_type.value == "predictive"
    code, _, _ = run(capsys, "review", "score", "fraud-model", "-C", kb)
    assert code == 0


def test_review_new_never_overwrites(capsys, kb):
    path = os.path.join(kb, "reviews", "draft.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("not: [a, valid review\n")  # a file that is no record yet
    before = open(path, "rb").read()
    code, _, err = run(capsys, "review", "new", "draft", "-C", kb)
    assert code == 1 and "reviews/draft.yaml" in err and open(path, "rb").read() == before
    code, _, err = run(capsys, "review", "new", "support-assistant", "-C", kb)
    assert code == 1 and "already used by reviews/support-assistant.yaml" in err
    assert [f for f in os.listdir(os.path.dirname(path)) if f.startswith(".archkb-")] == []


def test_review_new_refuses_an_id_used_by_another_kind(capsys, kb):
    code, _, err = run(capsys, "review", "new", "rag", "-C", kb)
    assert code == 1 and "already used by patterns/rag.yaml" in err
    assert not os.path.exists(os.path.join(kb, "reviews", "rag.yaml"))


def test_invalid_review_is_reported_not_a_traceback(capsys, kb):
    path = os.path.join(kb, "reviews", "support-assistant.yaml")
    text = open(path, encoding="utf-8").read().replace("system_type: genai", "system_type: quantum")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    code, _, err = run(capsys, "review", "score", "support-assistant", "-C", kb)
    assert code == 1 and "reviews/support-assistant.yaml is invalid" in err


@pytest.mark.parametrize("bad", ["Fraud", "../x", "a_b", "x-"])
def test_review_new_rejects_bad_ids(capsys, kb, bad):
    code, _, err = run(capsys, "review", "new", bad, "-C", kb)
    assert code == 2 and "kebab-case" in err
    assert sorted(os.listdir(os.path.join(kb, "reviews"))) == ["support-assistant.yaml"]


def test_export_lens_writes_once(capsys, kb, tmp_path):
    out_path = str(tmp_path / "lens.json")
    code, out, _ = run(capsys, "export", "lens", "genai-readiness", out_path, "-C", kb)
    assert code == 0 and "wrote" in out
    with open(out_path, encoding="utf-8") as fh:
        text = fh.read()
    with open(os.path.join(GOLDEN, "reviews", "lens-genai-readiness.json"), encoding="utf-8") as fh:
        assert text == fh.read()
    code, _, err = run(capsys, "export", "lens", "genai-readiness", out_path, "-C", kb)
    assert code == 1 and "not overwriting" in err


def test_export_review_csv(capsys, kb, tmp_path):
    out_path = str(tmp_path / "results.csv")
    code, _, _ = run(capsys, "export", "review-csv", "support-assistant", out_path, "-C", kb)
    assert code == 0
    with open(out_path, encoding="utf-8") as fh:
        text = fh.read()
    golden("results.csv", text)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 16  # 2 milestones x 8 items
    trimming = [r for r in rows if r["id"] == "rag/access-trimming"]
    assert [(r["milestone"], r["status"], r["risk"]) for r in trimming] == [
        ("design", "partial", "medium"), ("pre-production", "not_met", "high")]


def test_export_review_csv_neutralises_formulas(capsys, kb, tmp_path):
    path = os.path.join(kb, "reviews", "support-assistant.yaml")
    text = open(path, encoding="utf-8").read().replace("owner: Search team, due: 2026-05-15",
                                                       'owner: "=HYPERLINK(\\"http://x\\")", due: 2026-05-15')
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    out_path = str(tmp_path / "r.csv")
    assert run(capsys, "export", "review-csv", "support-assistant", out_path, "-C", kb)[0] == 0
    rows = list(csv.DictReader(open(out_path, encoding="utf-8")))
    owners = [r["owner"] for r in rows if r["id"] == "rag/access-trimming"]
    assert owners[-1] == "'=HYPERLINK(\"http://x\")"
