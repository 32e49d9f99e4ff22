"""Reader-facing parts of the site plan without a browser (issue 13): navigation sections, legible diagrams."""

from __future__ import annotations

import os

import networkx as nx

from archkb.core.catalog import load_catalog
from archkb.rules import check_catalog
from archkb.site.plan import SiteOptions, full_nav, neighbourhood_graph, plan_site
from archkb.site.svg import svg_size
from conftest import FIXTURES


def _plan(fixture: str = "kb-small", **options):
    result = check_catalog(load_catalog(os.path.join(FIXTURES, fixture), use_cache=False))
    return plan_site(result, SiteOptions(**{"diagrams": "off", **options}))


def test_the_tools_own_pages_get_their_own_section():
    nav = full_nav(_plan(), ["index.md", "coverage.md", "architecture.md", "reference/checks.md"],
                   about=("architecture.md", "reference/"))
    assert nav[-2] == {"Guide": ["coverage.md"]}
    assert nav[-1] == {"About archkb": ["architecture.md", {"Reference": ["reference/checks.md"]}]}


def test_neighbourhoods_draw_direct_links_only():
    g = nx.MultiDiGraph()
    for rid in ("a", "b", "c", "far"):
        g.add_node(rid, kind="decision", title=rid, status="accepted")
    for u, v in (("a", "b"), ("a", "c"), ("b", "c"), ("c", "far")):
        g.add_edge(u, v, key="depends_on", type="depends_on", derived=False, note=None)
    sub, hidden = neighbourhood_graph(g, "a", SiteOptions())
    assert sorted(sub.nodes) == ["a", "b", "c"] and hidden == 0
    assert sorted((u, v) for u, v in sub.edges()) == [("a", "b"), ("a", "c")]
    wider, _ = neighbourhood_graph(g, "a", SiteOptions(neighbourhood_depth=2))
    assert "far" in wider and ("b", "c") in wider.edges()


def test_diagrams_carry_their_natural_size_and_a_full_size_link():
    assert svg_size('<svg width="300pt" height="150pt" viewBox="0 0 300 150">') == (400.0, 200.0)
    assert svg_size("<svg>") == (0.0, 0.0)
    plan = _plan(diagrams="svg", cache_dir=None)
    page = plan.page("decisions/ADR-0002.md").content
    assert 'class="archkb-open"' in page and "Open full size" in page
    assert "aspect-ratio:" in page


def test_home_says_what_needs_attention_and_leaves_superseded_out_of_latest():
    import datetime as dt

    from archkb.site.home import home_summary

    plan = _plan(today=dt.date(2030, 1, 1))
    text = home_summary(plan.context, "index.md")
    assert "## Needs attention" in text and "review by 2027-06-01 has passed" in text
    latest = text.split("## Latest decisions", 1)[1].split("## Recent status changes", 1)[0]
    assert "ADR-0002" in latest and "ADR-0001" not in latest  # ADR-0001 is superseded
    changes = text.split("## Recent status changes", 1)[1].split("## Decisions per quarter", 1)[0]
    assert "ADR-0001" in changes
    chart = text.split("## Decisions per quarter", 1)[1]
    assert chart.count("<rect") >= 3 and "<script" not in chart and "http://www.w3.org/2000/svg" in chart
    calm = home_summary(_plan(today=dt.date(2025, 8, 1)).context, "index.md")
    assert "Nothing: no stale proposals" in calm or "open high risk" in calm


def test_git_history_is_parsed_per_file_and_optional(tmp_path):
    from archkb.site.history import git_history, parse_log

    log = ("\x1ecommit\tb\t2026-02-01T10:00:00+00:00\tBea\n\n"
           "diff --git a/adr/ADR-0001-x.yaml b/adr/ADR-0001-x.yaml\n--- a/adr/ADR-0001-x.yaml\n+++ b/adr/ADR-0001-x.yaml\n"
           "@@ -3 +3 @@\n-status: proposed\n+status: accepted\n"
           "\x1ecommit\ta\t2026-01-05T10:00:00+00:00\tAl\n\n"
           "diff --git a/adr/ADR-0001-x.yaml b/adr/ADR-0001-x.yaml\n--- /dev/null\n+++ b/adr/ADR-0001-x.yaml\n"
           "@@ -0,0 +1,3 @@\n+id: ADR-0001\n+status: proposed\n")
    hist = parse_log(log)["adr/ADR-0001-x.yaml"]
    assert [(c.day.isoformat(), c.status, c.author) for c in hist.changes] == [
        ("2026-01-05", "proposed", "Al"), ("2026-02-01", "accepted", "Bea")]
    assert hist.authors == ["Al", "Bea"] and hist.commits == 2
    assert git_history(str(tmp_path)) == {}  # not a repository: no history, no error


def test_ids_in_prose_become_links_only_when_they_exist():
    from archkb.site.markdown import link_ids

    ctx = _plan().context
    text = ("---\ntitle: ADR-0002\n---\n\n# ADR-0002: x\n\nSee ADR-0001 and ADR-9999, not `ADR-0001` "
            "nor [ADR-0001](ADR-0001.md).\n\n<div markdown=\"0\"><p>Also ADR-0001.</p></div>\n")
    out = link_ids(ctx, "decisions/ADR-0002.md", text, "ADR-0002")
    assert out.count('<a href="../ADR-0001/"') == 2
    assert "ADR-9999," in out and "`ADR-0001`" in out and "[ADR-0001](ADR-0001.md)" in out
    assert out.startswith("---\ntitle: ADR-0002\n---\n\n# ADR-0002: x")


def test_near_duplicate_tags_are_reported_once_per_pair(tmp_path):
    import shutil

    from archkb.rules.core import _one_edit_apart

    assert _one_edit_apart("guardrail", "guardrails") and _one_edit_apart("monitoring", "monitorinj")
    assert not _one_edit_apart("cost", "cost") and not _one_edit_apart("abc", "abcde")
    root = tmp_path / "kb"
    shutil.copytree(os.path.join(FIXTURES, "kb-small"), root)
    adr = next((root / "adr").glob("ADR-0002*.yaml"))
    text = adr.read_text()
    assert "\ntags:" not in text
    adr.write_text(text.replace("\nstatus:", "\ntags: [cicd, ci-cd, streaming]\nstatus:", 1))
    result = check_catalog(load_catalog(str(root), use_cache=False))
    found = [p for p in result.problems if p.code == "W008"]
    assert len(found) == 1 and "'ci-cd'" in found[0].message and "'cicd'" in found[0].message
    assert adr.name in found[0].format_text() and not found[0].is_error
