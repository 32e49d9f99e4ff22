"""The site plan: a page per record, index pages, nested navigation, diagrams, golden text, reproducibility, safety."""

from __future__ import annotations

import os
import re

import pytest

from archkb.core.catalog import load_catalog
from archkb.rules import check_catalog
from archkb.site.plan import SiteOptions, full_nav, plan_site
from conftest import FIXTURES, assert_golden


def _plan(fixture: str, **options):
    result = check_catalog(load_catalog(os.path.join(FIXTURES, fixture), use_cache=False))
    return plan_site(result, SiteOptions(**{"diagrams": "off", **options}))


def test_every_record_has_a_page_and_every_index_exists():
    plan = _plan("kb-small")
    uris = {p.uri for p in plan.pages}
    for rid in ("decisions/ADR-0001.md", "decisions/ADR-0002.md", "decisions/ADR-0003.md",
                "patterns/streaming-inference.md", "checklists/serving-readiness.md", "reviews/claims-scoring.md"):
        assert rid in uris
    for index in ("decisions/index.md", "decisions/status.md", "decisions/timeline.md", "patterns/index.md",
                  "checklists/index.md", "reviews/index.md", "tags.md"):
        assert index in uris
    sources = {p.uri: p.source for p in plan.pages}
    assert sources["decisions/ADR-0001.md"] == "adr/ADR-0001-use-queue.yaml"


def test_superseded_record_names_its_successor_and_backlinks_are_listed():
    plan = _plan("kb-small", edit_base="https://example.invalid/kb/edit/main/docs/")
    old = plan.page("decisions/ADR-0001.md").content
    assert "successors:\n  - id: ADR-0002" in old and "url: decisions/ADR-0002/" in old
    assert "edit_url: https://example.invalid/kb/edit/main/adr/ADR-0001-use-queue.yaml" in old
    assert "## Referenced by" in old and "[ADR-0002: Use an event stream instead of a queue](ADR-0002.md) — supersedes this" in old


@pytest.mark.parametrize("uri", ["decisions/ADR-0002.md", "patterns/streaming-inference.md", "decisions/index.md"])
def test_pages_match_golden(uri):
    text = _plan("kb-small").page(uri).content
    assert_golden("site/" + uri.replace("/", "__"), text)


def test_navigation_is_hierarchical():
    plan = _plan("kb-small")
    nav = full_nav(plan, ["index.md", "architecture.md", "reference/checks.md"])
    decisions = nav[1]["Decisions"]
    assert all(not (isinstance(i, str) and "ADR-" in i) for i in decisions)
    assert nav[-1] == {"Guide": ["architecture.md", {"Reference": ["reference/checks.md"]}]}


def test_big_categories_are_split_by_year():
    plan = _plan("kb-small", year_split=1)
    category = next(v for item in plan.nav[0]["Decisions"] if isinstance(item, dict)
                    for k, v in item.items() if k not in ("By status", "Timeline"))
    assert any(isinstance(c, dict) and re.fullmatch(r"\d{4}", next(iter(c))) for c in category)


def test_plans_are_reproducible(tmp_path):
    a = _plan("kb-small", diagrams="svg", cache_dir=str(tmp_path / "one"))
    b = _plan("kb-small", diagrams="svg", cache_dir=str(tmp_path / "two"))
    assert [(p.uri, p.content) for p in a.pages] == [(p.uri, p.content) for p in b.pages]
    assert a.nav == b.nav


def test_payload_pages_carry_no_active_markup(tmp_path):
    plan = _plan(os.path.join("site", "payload"), diagrams="svg", cache_dir=str(tmp_path))
    assert plan.assets, "diagrams are drawn"
    ours = re.compile(r'<object data="(\.\./)+diagrams/[a-z]+/[A-Za-z0-9.-]+\.svg" type="image/svg\+xml" class="archkb-svg"')
    for page in [*plan.pages, *plan.assets]:
        # Front matter values are escaped by the theme's templates; the body must be inert by itself.
        body = page.content.split("---\n", 2)[2] if page.content.startswith("---\n") else page.content
        tags = [t for t in re.findall(r"<[a-zA-Z][^>]*>", body) if not ours.match(t)]
        for tag in tags:
            bare = re.sub(r'"[^"]*"', '""', tag)
            assert not re.search(r"\son[a-z]+\s*=", bare, re.I), (page.uri, tag)
            assert not re.match(r"<(script|iframe|object|embed|form|style)\b", tag, re.I), (page.uri, tag)
            assert not re.search(r'href\s*=\s*"\s*(javascript|data|vbscript):', tag, re.I), (page.uri, tag)
        front = page.content.split("---\n")[1] if page.content.startswith("---\n") else ""
        title = re.search(r"^title: (.*)$", front, re.M)
        if title:
            assert "<" not in title.group(1), page.uri


def test_neighbourhood_is_capped_for_hubs():
    import networkx as nx

    from archkb.site.plan import neighbourhood_graph

    g = nx.MultiDiGraph()
    g.add_node("hub", kind="pattern", title="Hub", status="approved")
    for i in range(100):
        rid = f"ADR-{i:04d}"
        g.add_node(rid, kind="decision", title=rid, status="accepted")
        g.add_edge(rid, "hub", key="applies", type="applies", derived=False, note=None)
        g.add_edge("hub", rid, key="applied_by", type="applied_by", derived=True, note=None)
    sub, hidden = neighbourhood_graph(g, "hub", SiteOptions())
    assert sub.number_of_nodes() == SiteOptions().neighbourhood_cap and hidden == 101 - sub.number_of_nodes()
