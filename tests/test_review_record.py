"""`archkb review milestone|sheet|record|answer`: carry-forward, sheets read back with row errors, edits in place."""

from __future__ import annotations

import csv
import io
import os
import shutil

import pytest

from archkb.cli import main
from archkb.core.catalog import load_catalog
from archkb.reviews.review import score
from archkb.rules import check_catalog
from conftest import FIXTURES

REVIEW = "reviews/board-review.yaml"


@pytest.fixture
def kb(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(os.path.join(FIXTURES, "reviews"), root, ignore=shutil.ignore_patterns(".archkb_cache"))
    shutil.copy(os.path.join(FIXTURES, "review-record", "board-review.yaml"), root / REVIEW)
    return str(root)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def read(kb: str) -> str:
    with open(os.path.join(kb, REVIEW), encoding="utf-8") as fh:
        return fh.read()


def review(kb: str):
    return load_catalog(kb, use_cache=False).get("board-review")


def codes(kb: str) -> list[str]:
    return sorted(p.code for p in check_catalog(load_catalog(kb, use_cache=False)).problems
                  if p.position.path == REVIEW)


def test_score_warns_about_dropped_answers_and_unowned_high_risks(capsys, kb):
    code, _, err = run(capsys, "review", "score", "board-review", "-C", kb)
    assert code == 0
    assert "W203" in err and "genai-readiness/human-oversight was answered at 'design' (partial)" in err
    assert "W204" in err and "genai-readiness/prompt-injection is a high risk without an owner or a due date" in err
    assert {"W203", "W204"} <= set(codes(kb))


def test_milestone_carries_every_answer_forward_and_keeps_a_partial_item_a_risk(capsys, kb):
    before = read(kb)
    code, out, err = run(capsys, "review", "milestone", "board-review", "launch", "--date", "2026-06-01", "-C", kb)
    assert code == 0, err
    assert "3 answer(s) carried forward" in out
    text = read(kb)
    assert text.startswith(before.rstrip("\n").rsplit("\n# trailing comment", 1)[0])  # nothing before changed
    assert "# The board's own notes" in text and "# nobody owns this yet" in text and "# trailing comment" in text
    rec = review(kb)
    last = rec.milestones[-1]
    assert (last.name, last.date.isoformat()) == ("launch", "2026-06-01")
    oversight = last.answers["genai-readiness/human-oversight"]
    # Answered at design only: carried from design (not from pre-production), with its owner and date.
    assert (oversight.status.value, oversight.carried_from, oversight.owner) == ("partial", "design", "Care operations")
    assert last.answers["rag/access-trimming"].carried_from == "pre-production"
    sc = score(rec, load_catalog(kb, use_cache=False))
    assert "genai-readiness/human-oversight" in [f.item.qid for f in sc.medium_risks]
    assert "genai-readiness/human-oversight" in [f.item.qid for f in sc.plan]
    assert "W203" not in codes(kb)


def test_milestone_from_an_earlier_one_and_refusals(capsys, kb):
    code, _, err = run(capsys, "review", "milestone", "board-review", "design", "--date", "2026-06-01", "-C", kb)
    assert code == 1 and "already has a milestone 'design'" in err
    code, _, err = run(capsys, "review", "milestone", "board-review", "x", "--date", "2026-06-01", "--from", "nope",
                       "-C", kb)
    assert code == 2 and "no milestone 'nope'" in err
    code, _, _ = run(capsys, "review", "milestone", "board-review", "x", "--date", "2026-06-01", "--from", "design",
                     "-C", kb)
    assert code == 0
    assert review(kb).milestones[-1].answers["rag/access-trimming"].status.value == "partial"


def _sheet(capsys, kb, tmp_path) -> tuple[list[str], list[list[str]]]:
    out = str(tmp_path / "sheet.csv")
    code, _, err = run(capsys, "review", "sheet", "board-review", out, "-C", kb)
    assert code == 0, err
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _write(path, header, rows) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return str(path)


def test_sheet_has_the_columns_and_the_latest_answers(capsys, kb, tmp_path):
    header, rows = _sheet(capsys, kb, tmp_path)
    for col in ("id", "section", "question", "severity", "status", "evidence", "notes", "owner", "due", "automated"):
        assert col in header
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert by_id["rag/access-trimming"]["status"] == "met"
    assert by_id["rag/access-trimming"]["evidence"] == "Trimming tests"
    assert by_id["genai-readiness/human-oversight"]["status"] == ""  # not answered at pre-production


def test_bad_sheet_is_rejected_with_rows_and_columns_and_nothing_written(capsys, kb, tmp_path):
    header, rows = _sheet(capsys, kb, tmp_path)
    col = {name: n for n, name in enumerate(header)}
    rows[0][col["status"]] = "done"
    rows[1][col["status"]] = "partial"
    rows[1][col["due"]] = "31/07/2026"
    rows[2][col["status"]] = "met"
    rows[2][col["automated"]] = "maybe"
    rows.append(["rag/chunking"] + [""] * (len(header) - 1))
    before = read(kb)
    path = _write(tmp_path / "bad.csv", header, rows)
    code, out, err = run(capsys, "review", "record", "board-review", path, "--milestone", "launch",
                         "--date", "2026-06-01", "-C", kb)
    assert code == 1 and out == ""
    assert f"{path}:2:{col['status'] + 1}: error E213" in err
    assert f"{path}:3:{col['due'] + 1}: error E214" in err
    assert f"{path}:4:{col['automated'] + 1}: error E215" in err
    assert f"{path}:{len(rows) + 1}:1: error E212 'rag/chunking'" in err
    assert "nothing was written" in err
    assert read(kb) == before


def test_record_edits_in_place_keeping_comments(capsys, kb, tmp_path):
    header, rows = _sheet(capsys, kb, tmp_path)
    col = {name: n for n, name in enumerate(header)}
    for r in rows:
        if r[0] == "genai-readiness/prompt-injection":
            r[col["owner"]], r[col["due"]] = "Platform security", "2026-07-01"
            r[col["notes"]] = "Red-team suite scheduled; =not a formula"
        if r[0] == "guardrails/output-filter":
            r[col["status"]], r[col["evidence"]], r[col["automated"]] = "met", "Filter tests\nCanary report", "true"
    before = read(kb)
    path = _write(tmp_path / "good.csv", header, rows)
    code, out, err = run(capsys, "review", "record", "board-review", path, "--milestone", "pre-production", "-C", kb)
    assert code == 0, err
    assert "2 answer(s) recorded" in out
    text = read(kb)
    assert text.count("\n") == before.count("\n") + 1  # one line changed, one line added
    for comment in ("# The board's own notes", "# nobody owns this yet", "# First meeting.", "# trailing comment",
                    "# counsel's view"):
        assert comment in text
    # The edited answer keeps its line (and the comment after it is gone only if it was on that line).
    assert ('      genai-readiness/prompt-injection: {status: not_met, notes: "Red-team suite scheduled; =not a '
            'formula", owner: "Platform security", due: 2026-07-01}  # still unowned\n') in text
    pre = review(kb).milestones[1]
    assert pre.answers["guardrails/output-filter"].evidence == ["Filter tests", "Canary report"]
    assert pre.answers["guardrails/output-filter"].automated is True
    assert "W204" not in codes(kb)
    # Recording the same sheet again changes nothing.
    code, out, _ = run(capsys, "review", "record", "board-review", path, "--milestone", "pre-production", "-C", kb)
    assert code == 0 and out.startswith("unchanged:") and read(kb) == text


def test_record_at_a_new_milestone_needs_a_date_and_carries_forward(capsys, kb, tmp_path):
    header, rows = _sheet(capsys, kb, tmp_path)
    path = _write(tmp_path / "s.csv", header, rows)
    code, _, err = run(capsys, "review", "record", "board-review", path, "--milestone", "launch", "-C", kb)
    assert code == 2 and "give --date" in err
    code, _, err = run(capsys, "review", "record", "board-review", path, "--milestone", "design", "--date",
                       "2026-06-01", "-C", kb)
    assert code == 2 and "is dated 2026-02-01" in err
    code, _out, err = run(capsys, "review", "record", "board-review", path, "--milestone", "launch",
                         "--date", "2026-06-01", "-C", kb)
    assert code == 0, err
    last = review(kb).milestones[-1]
    assert last.answers["genai-readiness/human-oversight"].carried_from == "design"
    assert last.answers["rag/access-trimming"].carried_from == "pre-production"  # unchanged row: still carried


def test_block_style_answer_is_replaced_by_one_line(capsys, kb):
    code, _, err = run(capsys, "review", "answer", "board-review", "genai-readiness/human-oversight",
                       "--status", "met", "--evidence", "Oversight runbook", "--milestone", "design", "-C", kb)
    assert code == 0, err
    text = read(kb)
    assert ('      genai-readiness/human-oversight: {status: met, evidence: ["Oversight runbook"], '
            'owner: "Care operations", due: 2026-03-15}\n      rag/access-trimming:') in text
    assert codes(kb).count("E003") == 0


def test_answer_adds_to_the_latest_milestone_and_rejects_unknown_items(capsys, kb):
    code, _, err = run(capsys, "review", "answer", "board-review", "rag/nope", "--status", "met", "-C", kb)
    assert code == 2 and "not an item" in err
    code, _, err = run(capsys, "review", "answer", "board-review", "genai-readiness/retention", "--status",
                       "not_applicable", "-C", kb)
    assert code == 1 and "reason" in err  # the edited review would be invalid: nothing written
    code, _out, err = run(capsys, "review", "answer", "board-review", "genai-readiness/human-oversight",
                         "--status", "partial", "--owner", "Care operations", "--due", "2026-08-01", "-C", kb)
    assert code == 0, err
    text = read(kb)
    assert text.endswith('      genai-readiness/human-oversight: {status: partial, owner: "Care operations", '
                         'due: 2026-08-01}\n# trailing comment\n')
    assert "W203" not in codes(kb)


def test_answer_to_an_empty_milestone_and_a_review_without_milestones(capsys, kb):
    path = os.path.join(kb, REVIEW)
    text = read(kb).split("milestones:")[0] + "milestones: []\n# later\n"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    code, _, err = run(capsys, "review", "answer", "board-review", "rag/access-trimming", "--status", "met", "-C", kb)
    assert code == 2 and "no milestone yet" in err
    code, _, err = run(capsys, "review", "milestone", "board-review", "design", "--date", "2026-01-01", "-C", kb)
    assert code == 0, err
    code, _, err = run(capsys, "review", "answer", "board-review", "rag/access-trimming", "--status", "met", "-C", kb)
    assert code == 0, err
    assert read(kb).endswith("milestones:\n  - name: design\n    date: 2026-01-01\n    answers:\n"
                             "      rag/access-trimming: {status: met}\n# later\n")


def test_crlf_files_keep_their_line_ends(capsys, kb):
    path = os.path.join(kb, REVIEW)
    with open(path, encoding="utf-8", newline="") as fh:
        text = fh.read()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text.replace("\n", "\r\n"))
    code, _, err = run(capsys, "review", "milestone", "board-review", "launch", "--date", "2026-06-01", "-C", kb)
    assert code == 0, err
    with open(path, encoding="utf-8", newline="") as fh:
        after = fh.read()
    assert "\n" not in after.replace("\r\n", "")
    assert "  - name: launch\r\n    date: 2026-06-01\r\n" in after


@pytest.mark.parametrize("rid", ["claims-triage", "policy-assistant", "procurement-agent"])
def test_example_reviews_round_trip_through_a_sheet_and_a_new_milestone(capsys, tmp_path, rid):
    from conftest import ROOT

    root = tmp_path / "kb"
    for folder in ("adr", "patterns", "checklists", "reviews", "principles"):
        if os.path.isdir(os.path.join(ROOT, folder)):
            shutil.copytree(os.path.join(ROOT, folder), root / folder)
    shutil.copy(os.path.join(ROOT, "archkb.yaml"), root / "archkb.yaml")
    kb = str(root)
    path = root / "reviews" / f"{rid}.yaml"
    before = path.read_text(encoding="utf-8")
    last = load_catalog(kb, use_cache=False).get(rid).milestones[-1].name
    sheet = str(tmp_path / "sheet.csv")
    assert run(capsys, "review", "sheet", rid, sheet, "-C", kb)[0] == 0
    code, out, err = run(capsys, "review", "record", rid, sheet, "--milestone", last, "-C", kb)
    assert code == 0 and out.startswith("unchanged:"), err
    assert path.read_text(encoding="utf-8") == before
    code, out, err = run(capsys, "review", "milestone", rid, "next", "--date", "2027-06-01", "-C", kb)
    assert code == 0, err
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))  # only appended
    problems = [p for p in check_catalog(load_catalog(kb, use_cache=False)).problems if p.is_error]
    assert problems == []
