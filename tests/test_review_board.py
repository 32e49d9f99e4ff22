"""The board view of a review (page order, verdict, risks in words, evidence, folding), the risk register,
the ML Test Score, legal classification, published links, and the board pack (HTML; PDF's first page)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess

import pytest
from search_probe import CHROMIUM

from archkb.cli import main
from archkb.core.catalog import load_catalog
from archkb.models.review import Answer, Milestone
from archkb.reviews.review import Assembly, Item, legal_mismatch, ml_test_scores, risk_reason
from archkb.rules import check_catalog
from archkb.site.plan import SiteOptions, plan_site
from archkb.site.risk_register import register_entries
from conftest import FIXTURES, ROOT

ADR_RISK = """risks:
  - description: The gateway is a single point of failure
    likelihood: high
    impact: high
    mitigation: Run two gateway replicas per zone
"""


@pytest.fixture
def kb(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(os.path.join(FIXTURES, "reviews"), root, ignore=shutil.ignore_patterns(".archkb_cache"))
    shutil.copy(os.path.join(FIXTURES, "review-record", "board-review.yaml"), root / "reviews" / "board-review.yaml")
    with open(root / "adr" / "ADR-0001-use-a-gateway.yaml", "a", encoding="utf-8") as fh:
        fh.write(ADR_RISK)
    return str(root)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def pages(kb: str, diagrams: str = "off") -> dict[str, str]:
    result = check_catalog(load_catalog(kb, use_cache=False))
    return {p.uri: p.content for p in plan_site(result, SiteOptions(diagrams=diagrams)).pages}


def test_risk_rule_in_words():
    assert risk_reason("high", "partial") == "high-severity question, partly met: medium risk"
    assert risk_reason("high", "not_met") == "high-severity question, not met: high risk"
    assert risk_reason("medium", "not_met") == "medium-severity question, not met: medium risk"
    assert risk_reason("low", "not_met") == "low-severity question, not met: no risk (joins the improvement plan)"


def test_review_page_is_summary_first_and_shows_evidence_and_notes(capsys, kb):
    code, _, err = run(capsys, "review", "answer", "support-assistant", "rag/access-trimming", "--status", "not_met",
                       "--notes", "Postcode proxy found in the index", "-C", kb)
    assert code == 0, err
    text = pages(kb)["reviews/support-assistant.md"]
    order = [text.index(h) for h in ("## Summary", "## Scorecard", "## Items", "## Improvement plan", "## Profile",
                                     "## Milestones", "## Links")]
    assert order == sorted(order)
    summary = text[text.index("## Summary"):text.index("## Scorecard")]
    assert "Verdict at pre-production (2026-05-01):</strong> 1 high risk open, 2 medium risks open, " \
           "3 actions overdue, 1 item unanswered." in summary
    assert "high-severity question, partly met: medium risk" in summary
    assert "Search team" in summary and "2026-05-15" in summary and "(overdue)" in summary
    assert "Since design:</strong>" in summary and "Regressed:" in summary
    items = text[text.index("## Items"):text.index("## Improvement plan")]
    assert "Injection suite run 2026-04-20" in items  # evidence
    assert "Postcode proxy found in the index" in items  # notes
    assert "No prompts or completions are stored." in items  # a not-applicable reason
    assert items.count('<details class="archkb-fold">') == 3  # GenAI readiness, Pattern, Adopted decisions
    history = text[text.index("### History"):text.index("## Links")]
    assert "Evidence and notes recorded at design (2026-02-01): 1 answer(s)" in history
    assert "Redaction unit tests" in history  # evidence recorded only at the earlier milestone
    plan = text[text.index("## Improvement plan"):text.index("## Profile")]
    assert plan.startswith('## Improvement plan\n\n<details class="archkb-fold"><summary>')
    assert '<svg class="archkb-chart"' in text and "<script" not in text
    # Raw HTML must stay one block: no blank line inside a <details> or a table.
    for block in re.findall(r"<details.*?</details>", text, re.S):
        assert "\n\n" not in block


def test_review_page_links_to_published_pages_and_puts_the_diagram_last(kb):
    if shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not installed")
    text = pages(kb, "svg")["reviews/support-assistant.md"]
    assert '<a href="../../patterns/rag/">rag/access-trimming</a>' in text
    assert text.index("## Neighbourhood") > text.index("## Referenced by") > text.index("## Items")


def test_legal_mismatch_is_shown(kb):
    text = pages(kb)["reviews/board-review.md"]
    assert "Risk tier and legal classification differ." in text
    assert "EU AI Act classification is minimal" in text
    assert "<td>Legal classification (EU AI Act)</td><td>minimal</td>" in text  # the profile is an HTML table (left out of search)
    review = load_catalog(kb, use_cache=False).get("board-review")
    assert legal_mismatch(review.project.model_copy(update={"legal_classification": "high_risk_annex_iii"})) is None


def test_applies_when_can_use_the_legal_classification(kb):
    path = os.path.join(kb, "checklists", "genai-readiness.yaml")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    # Restrict one question to legally high-risk systems: board-review (legally minimal) loses it.
    text = text.replace("      - id: human-oversight\n", "      - id: human-oversight\n"
                        "        applies_when: {legal_classification: [high_risk_annex_iii]}\n", 1)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    catalog = load_catalog(kb, use_cache=False)
    from archkb.reviews.review import assemble

    assert "genai-readiness/human-oversight" not in assemble(catalog.get("board-review"), catalog).by_qid


def test_review_index_shows_risk_counts(kb):
    text = pages(kb)["reviews/index.md"]
    assert "| High risks | Medium risks | Overdue actions |" in text
    row = next(line for line in text.splitlines() if "Customer support assistant" in line)
    assert row.endswith("| 1 | 2 | 3 |")


def test_risk_register_ranks_decision_and_review_risks(kb):
    catalog = load_catalog(kb, use_cache=False)
    entries = register_entries(catalog)
    assert (entries[0].source_id, entries[0].level, entries[0].points) == ("ADR-0001", "high", 9)
    assert [e.level for e in entries] == sorted((e.level for e in entries), key=["high", "medium", "low"].index)
    assert any(e.source_id == "support-assistant" and e.item == "rag/access-trimming" for e in entries)
    text = pages(kb)["reviews/risks.md"]
    assert text.index('class="archkb-filter"') < text.index("| Rank, level, score | Record and item |")
    assert "| 1. **high** 9 | [ADR-0001](../decisions/ADR-0001.md) risks\\[0\\] |" in text
    assert "Run two gateway replicas per zone" in text and "Search team" in text


def _item(qid: str, section: str) -> Item:
    return Item(qid=qid, kind="checklist", record_id="prod", section=section, section_title=section,
                question_id=qid.split("/")[1], text="t", severity="medium", scoring="ml-test-score")


def test_ml_test_score_is_the_lowest_section():
    asm = Assembly("r", [_item("prod/a", "data"), _item("prod/b", "data"), _item("prod/c", "model"),
                         _item("prod/d", "model")], ["prod"])
    ms = Milestone(name="m", date=dt.date(2026, 1, 1), answers={
        "prod/a": Answer(status="met", automated=True), "prod/b": Answer(status="met"),
        "prod/c": Answer(status="met", automated=False), "prod/d": Answer(status="partial", automated=True)})
    [mt] = ml_test_scores(asm, ms)
    assert [(s.key, s.points) for s in mt.sections] == [("data", 1.5), ("model", 0.5)]
    assert mt.final == 0.5 and mt.weakest == ["model"]


def test_score_shows_both_methods_for_an_ml_test_score_checklist(capsys, kb):
    path = os.path.join(kb, "checklists", "genai-readiness.yaml")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(re.sub(r"(?m)^(version: .*)$", r"\1\nscoring: ml-test-score", text, count=1))
    code, out, _ = run(capsys, "review", "score", "support-assistant", "-C", kb)
    assert code == 0
    assert "high risks: 1" in out  # severity × status still applies
    assert "ML Test Score (genai-readiness): 0 " in out  # the privacy section has no test met


def test_links_point_at_published_pages_when_a_site_url_is_set(capsys, kb):
    _, out, _ = run(capsys, "review", "checklist", "support-assistant", "-C", kb)
    assert "patterns/rag.yaml" in out and "https://" not in out
    with open(os.path.join(kb, "mkdocs.yml"), "w", encoding="utf-8") as fh:
        fh.write("site_name: x\nsite_url: https://docs.example.org/kb\n")
    _, out, _ = run(capsys, "review", "checklist", "support-assistant", "-C", kb)
    assert "[rag](https://docs.example.org/kb/patterns/rag/)" in out
    with open(os.path.join(kb, "archkb.yaml"), "a", encoding="utf-8") as fh:
        fh.write("site_url: https://kb.example.com/\n")
    _, out, _ = run(capsys, "review", "checklist", "support-assistant", "--format", "csv", "-C", kb)
    assert "https://kb.example.com/patterns/rag/" in out and "docs.example.org" not in out


def test_report_html_has_summary_then_scorecard_then_plan(capsys, kb, tmp_path):
    out = str(tmp_path / "pack.html")
    code, _, err = run(capsys, "review", "report", "support-assistant", out, "--format", "html", "-C", kb)
    assert code == 0, err
    with open(out, encoding="utf-8") as fh:
        html = fh.read()
    sections = re.findall(r'<section class="page">(.*?)</section>', html, re.S)
    assert [re.search(r"<h2>(.*?)</h2>", s).group(1) for s in sections] == ["Summary", "Scorecard",
                                                                           "Improvement plan"]
    assert "rag/access-trimming" in sections[0] and "Search team" in sections[0]
    assert "<details" not in html and "<script" not in html
    code, _, err = run(capsys, "review", "report", "support-assistant", out, "--format", "html", "-C", kb)
    assert code == 1 and "exists" in err




@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (`make test` installs it)")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed (`make test` installs it)")
def test_report_pdf_first_page_is_the_summary_and_open_risks(capsys, kb, tmp_path):
    out = str(tmp_path / "pack.pdf")
    code, stdout, err = run(capsys, "review", "report", "support-assistant", out, "-C", kb)
    assert code == 0, err
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", out, "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "Customer support assistant" in first
    assert "Verdict at pre-production (2026-05-01): 1 high risk open, 2 medium risks open" in first
    assert "High risks (1)" in first and "Medium risks (2)" in first
    assert "genai-readiness/prompt-injection" not in first  # met at pre-production
    assert "rag/access-trimming" in first and "Search" in first and "Care operations" in first
    assert "high-severity" in first and "medium risk" in first  # the risk rule in words (wrapped in its column)
    assert "Scorecard" not in first and "Improvement plan" not in first
    info = subprocess.run(["pdfinfo", out], capture_output=True, text=True, check=True).stdout
    pages_ = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert f"({pages_} page(s))" in stdout and pages_ >= 3


def _page_text(pdf: str, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), pdf, "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (`make test` installs it)")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed (`make test` installs it)")
@pytest.mark.parametrize("review", ["claims-triage", "policy-assistant", "procurement-agent"])
def test_example_reviews_print_a_one_page_summary_first(capsys, tmp_path, review):
    out = str(tmp_path / f"{review}.pdf")
    code, _, err = run(capsys, "review", "report", review, out, "-C", ROOT)
    assert code == 0, err
    first, second = _page_text(out, 1), _page_text(out, 2)
    assert "Summary" in first and "Verdict at" in first and "High risks (" in first and "Medium risks (" in first
    assert second.lstrip().startswith("Scorecard")  # the summary did not run over onto page 2


def test_board_escapes_record_text(kb):
    from archkb.site.review_md import board

    catalog = load_catalog(kb, use_cache=False)
    review = catalog.get("support-assistant")
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    ms = Milestone(name="m", date="2026-07-01", answers={
        "rag/access-trimming": Answer(status="not_met", owner=evil, due="2026-08-01", notes=evil, evidence=[evil]),
        "genai-readiness/retention": Answer(status="not_applicable", reason=evil, carried_from=evil)})
    bad = review.model_copy(update={"milestones": [*review.milestones, ms]})
    b = board(bad, catalog, lambda rid: f"../{rid}/", today=dt.date(2026, 11, 25))
    for part in (b.summary, b.scorecard, b.items, b.plan, b.history):
        # Plain fields (owner, carried_from) are escaped; Markdown fields (notes, evidence, reason) go through
        # the sanitiser, which keeps an image's src and drops scripts and event handlers.
        assert re.search(r"<script|<img[^>]*onerror|javascript:", part) is None
    assert "&lt;script&gt;" in b.items and "&lt;script&gt;" in b.summary
