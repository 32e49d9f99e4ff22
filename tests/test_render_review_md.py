"""Review page sections and checklist usage: golden Markdown, links only with url_for, bars, escaping."""

from __future__ import annotations

import os
import re

import pytest

from archkb.core.catalog import load_catalog
from archkb.models.review import Answer, Milestone
from archkb.reviews.review import assemble, score
from archkb.site.review_md import (
    assembled_checklist_markdown,
    bar,
    checklist_usage,
    review_page_sections,
    score_markdown,
)
from conftest import FIXTURES, assert_golden

KB = os.path.join(FIXTURES, "reviews")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(KB, use_cache=False)


def url_for(rid: str) -> str:
    return f"../{rid}.md"


def _golden(name: str, text: str) -> None:
    assert_golden(f"reviews/{name}", text)


def test_review_sections_golden(catalog):
    text = review_page_sections(catalog.get("support-assistant"), catalog, url_for)
    _golden("page-sections.md", text)
    assert text == review_page_sections(catalog.get("support-assistant"), catalog, url_for)


def test_checklist_usage_golden(catalog):
    _golden("checklist-usage.md", checklist_usage("genai-readiness", catalog, url_for))


def test_no_links_without_url_for(catalog):
    text = review_page_sections(catalog.get("support-assistant"), catalog)
    assert "](" not in text
    assert "](" not in checklist_usage("genai-readiness", catalog)
    assert "](../rag.md)" in review_page_sections(catalog.get("support-assistant"), catalog, url_for)


def test_sections_show_the_score_figures(catalog):
    review = catalog.get("support-assistant")
    text = review_page_sections(review, catalog)
    sc = score(review, catalog)
    assert f"High risks: **{len(sc.high_risks)}**; medium risks: **{len(sc.medium_risks)}**" in text
    assert "| **Total** |" in text and "| **3** | **2** | **1** | **1** | **1** |" in text
    for heading in ("## Scorecard", "### High risks", "### Medium risks", "## Improvement plan",
                    "## Milestone history", "### design → pre-production"):
        assert heading in text
    assert "Regressed:" in text and "permissions?: partial → not met" in text


def test_usage_lists_unused_questions_and_unknown_checklists(catalog):
    text = checklist_usage("genai-readiness", catalog)
    row = next(line for line in text.splitlines() if "genai-readiness/tool-permissions" in line)
    assert row.endswith("| — |")  # not in the support assistant's checklist (agentic only)
    assert "Customer support assistant: met (pre-production)" in text
    assert "No review uses this checklist" in checklist_usage("predictive-basics", catalog)
    assert checklist_usage("no-such-checklist", catalog) == ""


@pytest.mark.parametrize("counts", [
    {"met": 1, "partial": 1, "not_met": 1, "not_applicable": 0, "unanswered": 0},
    {"met": 0, "partial": 0, "not_met": 0, "not_applicable": 0, "unanswered": 0},
    {"met": 7, "partial": 0, "not_met": 0, "not_applicable": 0, "unanswered": 0},
])
def test_bar_widths_add_up(counts):
    svg = bar(counts)
    widths = [int(w) for w in re.findall(r'<rect x="\d+" y="0" width="(\d+)"', svg)]
    assert sum(widths) == 120 and svg.startswith("<svg") and svg.endswith("</svg>")


def test_record_text_is_escaped(catalog):
    review = catalog.get("support-assistant")
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    ms = Milestone(name=f"m {evil}", date="2026-07-01", answers={
        "rag/access-trimming": Answer(status="not_met", owner=evil, due="2026-08-01"),
        "genai-readiness/retention": Answer(status="not_applicable", reason=evil)})
    bad = review.model_copy(update={"milestones": [*review.milestones, ms]})
    for text in (review_page_sections(bad, catalog, url_for), score_markdown(score(bad, catalog), url_for),
                 assembled_checklist_markdown(bad, assemble(bad, catalog), url_for)):
        assert "<script" not in text and "<img" not in text
        assert "&lt;script&gt;" in text or "scorecard" not in text


def test_assembled_checklist_task_list(catalog):
    review = catalog.get("support-assistant")
    text = assembled_checklist_markdown(review, assemble(review, catalog))
    assert "- [x] **high** `genai-readiness/prompt-injection`" in text
    assert "- [ ] **high** `rag/access-trimming` Are retrieved documents filtered by the asking user's " \
           "permissions? — not met" in text
    assert text.count("- [") == 8
