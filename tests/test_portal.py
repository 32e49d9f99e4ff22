"""A portal over several knowledge bases: namespaced ids, cross-KB links, their checks, and edit links."""

from __future__ import annotations

import os
import shutil

import pytest

from archkb.check import check_kb
from archkb.core import portal
from archkb.core.catalog import load_catalog
from archkb.rules import check_catalog
from archkb.site.plan import SiteOptions, plan_site
from conftest import FIXTURES

TODAY = __import__("datetime").date(2026, 11, 25)


@pytest.fixture
def kbs(tmp_path) -> str:
    """A copy of the portal fixture (group/ lists payments-kb/ and claims-kb/ as sources)."""
    shutil.copytree(os.path.join(FIXTURES, "portal"), tmp_path / "portal")
    return str(tmp_path / "portal")


def test_split_and_paths() -> None:
    assert portal.split("payments:ADR-0001") == ("payments", "ADR-0001")
    assert portal.split("ADR-0001") == (None, "ADR-0001")
    assert portal.id_path("payments:ADR-0001") == "payments/ADR-0001"


def test_sources_join_the_portal_under_their_namespaces(kbs: str) -> None:
    catalog = load_catalog(os.path.join(kbs, "group"), use_cache=False)
    assert sorted(catalog.by_id) == ["claims:ADR-0001", "claims:ADR-0002", "payments:ADR-0001", "payments:ADR-0002"]
    entry = catalog.by_id["payments:ADR-0002"]
    assert entry.path == "../payments-kb/adr/ADR-0002-score-with-a-stream.yaml"
    assert [link.target for link in entry.record.links] == ["payments:ADR-0001"], "local links move into the namespace"
    assert "payments-risk" in catalog.config.category_ids, "a source's categories join the vocabulary"


def test_cross_kb_links_resolve_in_the_portal_graph(kbs: str) -> None:
    result = check_catalog(load_catalog(os.path.join(kbs, "group"), use_cache=False), today=TODAY)
    g = result.graph
    assert g.has_edge("claims:ADR-0002", "payments:ADR-0002", key="depends_on")
    assert g.has_edge("payments:ADR-0001", "claims:ADR-0001", key="relates_to")
    assert g.has_edge("payments:ADR-0002", "payments:ADR-0001", key="supersedes")
    assert g.has_edge("claims:ADR-0002", "claims:ADR-0001", key="amends"), "each KB's own ids stay its own"


def test_portal_check_warns_about_an_unresolved_cross_kb_link_with_its_position(kbs: str) -> None:
    result = check_catalog(load_catalog(os.path.join(kbs, "group"), use_cache=False), today=TODAY)
    assert [p.format_text() for p in result.problems] == [
        "../claims-kb/adr/ADR-0002-follow-payments.yaml:15:32: warning W012 links[1].target: "
        "source 'payments' has no record 'ADR-0099'"]


def test_a_teams_own_check_treats_cross_kb_links_as_external(kbs: str) -> None:
    for team in ("claims-kb", "payments-kb"):
        result = check_catalog(load_catalog(os.path.join(kbs, team), use_cache=False), today=TODAY)
        assert result.problems == [], team
    # ... while a dangling local link is still an error there.
    path = os.path.join(kbs, "claims-kb", "adr", "ADR-0002-follow-payments.yaml")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace("target: ADR-0001", "target: ADR-0042"))
    codes = [p.code for p in check_catalog(load_catalog(os.path.join(kbs, "claims-kb"), use_cache=False),
                                           today=TODAY).problems]
    assert codes == ["E006"]


def test_a_source_that_is_missing_or_not_checked_out_is_an_error(kbs: str) -> None:
    cfg = os.path.join(kbs, "group", "archkb.yaml")
    with open(cfg, "a", encoding="utf-8") as fh:
        fh.write("  - name: pensions\n    path: ../pensions-kb\n  - name: lending\n    git: https://example.invalid/l.git\n")
    problems = load_catalog(os.path.join(kbs, "group"), use_cache=False).problems
    assert [(p.code, p.position.path) for p in problems] == [("E026", "archkb.yaml"), ("E026", "archkb.yaml")]
    assert "pensions" in problems[0].message and "clone" in problems[1].message


def test_a_sources_errors_are_the_portals_errors_at_the_sources_file(kbs: str) -> None:
    path = os.path.join(kbs, "payments-kb", "adr", "ADR-0002-score-with-a-stream.yaml")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("colour: blue\n")
    problems = [p for p in load_catalog(os.path.join(kbs, "group"), use_cache=False).all_problems() if p.is_error]
    assert problems and all(p.position.path == "../payments-kb/adr/ADR-0002-score-with-a-stream.yaml" for p in problems)


def test_the_portals_check_cache_sees_a_change_in_a_source(kbs: str) -> None:
    group = os.path.join(kbs, "group")
    first = check_kb(group, today=TODAY)
    assert [p.code for p in first.problems] == ["W012"]
    assert check_kb(group, today=TODAY).from_cache
    path = os.path.join(kbs, "claims-kb", "adr", "ADR-0002-follow-payments.yaml")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace("payments:ADR-0099", "payments:ADR-0001"))
    again = check_kb(group, today=TODAY)
    assert not again.from_cache and again.problems == []


def test_portal_pages_live_under_their_namespace_with_edit_links_into_their_own_repository(kbs: str) -> None:
    result = check_catalog(load_catalog(os.path.join(kbs, "group"), use_cache=False), today=TODAY)
    plan = plan_site(result, SiteOptions(diagrams="off", edit_base="https://example.invalid/group/edit/main/docs/"))
    uris = {p.uri for p in plan.pages}
    assert {"decisions/payments/ADR-0001.md", "decisions/claims/ADR-0002.md"} <= uris
    page = plan.page("decisions/payments/ADR-0001.md").content
    assert "edit_url: https://example.invalid/payments-kb/edit/main/adr/ADR-0001-score-payments-online.yaml" in page
    assert "](../claims/ADR-0001.md)" in page, "the cross-KB link is a relative link to the other team's page"
    claims = plan.page("decisions/claims/ADR-0002.md").content
    assert "edit_url: https://example.invalid/claims-kb/edit/main/adr/ADR-0002-follow-payments.yaml" in claims
    assert "](../payments/ADR-0002.md)" in claims


@pytest.mark.slow
def test_portal_builds_one_site_with_every_teams_records(kbs: str) -> None:
    from kbsite_project import build_project

    from archkb.site.svg import graphviz_available

    if not graphviz_available():
        pytest.skip("Graphviz `dot` is not installed")
    group = os.path.join(kbs, "group")
    with open(os.path.join(group, "mkdocs.yml"), "w", encoding="utf-8") as fh:
        fh.write("site_name: Group portal\nrepo_url: https://example.invalid/group\nedit_uri: edit/main/docs/\n"
                 "theme:\n  name: material\n"
                 "  features: [navigation.indexes, navigation.prune, content.action.edit]\n"
                 "plugins:\n  - search\n  - archkb\nmarkdown_extensions: [admonition, attr_list, tables, toc]\n")
    site = build_project(os.path.join(group, "mkdocs.yml"))
    with open(os.path.join(site, "decisions", "payments", "ADR-0001", "index.html"), encoding="utf-8") as fh:
        html = fh.read()
    assert 'href="https://example.invalid/payments-kb/edit/main/adr/ADR-0001-score-payments-online.yaml"' in html
    assert 'href="../../claims/ADR-0001/"' in html
    assert os.path.exists(os.path.join(site, "diagrams", "decisions", "payments", "ADR-0001.svg"))
