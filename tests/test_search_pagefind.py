"""Search that scales and bounded pages: Pagefind indexes the built site; the navigation stays small."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator

import pytest
from kbsite_project import build_project, make_project
from search_probe import ARGS, CHROMIUM, serve, time_query

from archkb.core.catalog import load_catalog
from archkb.rules import check_catalog
from archkb.site import pagefind
from archkb.site.plan import SiteOptions, plan_site
from archkb.site.svg import graphviz_available
from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
import generate

ARTICLE = '<article class="md-content__inner md-typeset">'


def test_choose_by_size_or_option() -> None:
    assert pagefind.choose("auto", pagefind.AUTO_PAGEFIND_MIN_RECORDS - 1) == "material"
    assert pagefind.choose("auto", pagefind.AUTO_PAGEFIND_MIN_RECORDS) == "pagefind"
    assert pagefind.choose("material", 10**6) == "material"
    assert pagefind.choose("pagefind", 1) == "pagefind"


def test_mark_page_indexes_the_article_only_and_weights_the_id() -> None:
    page = f"<nav>ADR-0009</nav>{ARTICLE}<h1 id=\"x\">ADR-0001: Use a queue</h1><p>text</p></article>"
    marked = pagefind.mark_page(page, record_id="ADR-0001", indexed=True)
    assert f'{ARTICLE[:-1]} data-pagefind-body>' in marked
    assert '<span data-pagefind-weight="10" hidden>ADR-0001</span><h1 data-pagefind-weight="10" id="x">' in marked
    assert marked.startswith("<nav>ADR-0009</nav>"), "the navigation is not marked"
    assert pagefind.mark_page(page, record_id=None, indexed=False) == page, "index pages are not indexed"
    assert "data-pagefind-weight" not in pagefind.mark_page(page, record_id=None, indexed=True)


def _pagefind_project(tmp: str) -> str:
    cfg = make_project(tmp, "kb-small")
    with open(cfg, encoding="utf-8") as fh:
        text = fh.read()
    with open(cfg, "w", encoding="utf-8") as fh:
        fh.write(text.replace("diagrams: svg", "diagrams: svg\n      search: pagefind"))
    return cfg


@pytest.fixture(scope="module")
def pagefind_site(tmp_path_factory: pytest.TempPathFactory) -> str:
    if not graphviz_available():
        pytest.skip("Graphviz `dot` is not installed")
    return build_project(_pagefind_project(str(tmp_path_factory.mktemp("pf"))))


def test_build_writes_the_pagefind_bundle_and_replaces_material_search(pagefind_site: str) -> None:
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert os.path.exists(os.path.join(pagefind_site, "pagefind", name)), name
    assert not os.path.exists(os.path.join(pagefind_site, "search", "search_index.json")), "lunr index not built"
    with open(os.path.join(pagefind_site, "decisions", "ADR-0001", "index.html"), encoding="utf-8") as fh:
        page = fh.read()
    assert 'data-md-component="search"' not in page, "Material's search box is gone"
    assert "data-pagefind-body" in page and '<span data-pagefind-weight="10" hidden>ADR-0001</span>' in page
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert "../../pagefind/pagefind-ui.js" in scripts and "../../assets/archkb/pagefind-search.js" in scripts
    assert not [s for s in scripts if "//" in s], "no script from another host"
    with open(os.path.join(pagefind_site, "decisions", "index.html"), encoding="utf-8") as fh:
        assert "data-pagefind-body" not in fh.read(), "the decision log is not indexed"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.mark.browser
@pytest.mark.parametrize("query", ["ADR-0002", "adr-0003", "ADR-0001"])
def test_typing_an_id_finds_its_record_first_in_little_transfer(pagefind_site: str, browser, query: str) -> None:
    with serve(pagefind_site) as url:
        result = time_query(browser, url + "patterns/", query)
    assert result.links, "results shown"
    assert result.links[0].endswith(f"/decisions/{query.upper()}/"), result.links
    assert result.bytes < 1_000_000, result


@pytest.mark.browser
def test_typing_a_word_finds_the_record_that_has_it(pagefind_site: str, browser) -> None:
    with serve(pagefind_site) as url:
        result = time_query(browser, url, "partition")
    assert result.links[0].endswith("/decisions/ADR-0003/"), result.links


def test_navigation_lists_years_not_hundreds_of_records(tmp_path) -> None:
    generate.generate(str(tmp_path), 400, 30)
    plan = plan_site(check_catalog(load_catalog(str(tmp_path), use_cache=False)), SiteOptions(diagrams="off"))
    leaves: list[str] = []

    def walk(item: object) -> None:
        if isinstance(item, str):
            leaves.append(item)
        elif isinstance(item, dict):
            for v in item.values():
                walk(v)
        elif isinstance(item, list):
            for v in item:
                walk(v)

    walk(plan.nav)
    records = [u for u in leaves if re.search(r"/ADR-\d+\.md$", u)]
    assert records == [], "big categories list no record pages"
    years = sorted(u for u in leaves if re.search(r"/category/[a-z-]+/\d{4}\.md$", u))
    assert years, "big decision categories list their years"
    uris = {p.uri for p in plan.pages}
    assert set(years) <= uris
    year_text = plan.page(years[0]).content
    listed = re.findall(r"\[(ADR-\d+)\]", year_text)
    year = int(years[0][-7:-3])
    cid = years[0].split("/")[2]
    expected = {r.id for r in plan.context.catalog.records("decision") if r.category == cid and r.date.year == year}
    assert set(listed) == expected and expected
    assert len(leaves) < 120, len(leaves)


def test_small_categories_still_list_their_records(tmp_path) -> None:

    plan = plan_site(check_catalog(load_catalog(os.path.join(ROOT, "tests", "fixtures", "kb-small"), use_cache=False)),
                     SiteOptions(diagrams="off"))
    assert "decisions/ADR-0001.md" in repr(plan.nav)


@pytest.mark.browser
def test_result_links_work_when_the_site_is_served_from_a_sub_path(pagefind_site: str, browser) -> None:
    with serve(os.path.dirname(pagefind_site)) as url:
        result = time_query(browser, url + "site/patterns/", "ADR-0003")
    assert result.links[0] == url + "site/decisions/ADR-0003/", result.links


def test_category_overviews_too_big_to_read_are_not_drawn(tmp_path) -> None:
    generate.generate(str(tmp_path), 60, 4)
    result = check_catalog(load_catalog(str(tmp_path), use_cache=False))
    sizes = {cid: len(recs) for cid, recs in _by_category(result.catalog.records("decision")).items()}
    small, big = min(sizes, key=sizes.__getitem__), max(sizes, key=sizes.__getitem__)
    limit = sizes[big] - 1
    assert sizes[small] <= limit
    plan = plan_site(result, SiteOptions(diagrams="dot", overview_max=limit))
    from archkb.site.markdown import category_uri

    assert "## Overview" not in plan.page(category_uri("decision", big)).content
    assert "## Overview" in plan.page(category_uri("decision", small)).content


def _by_category(recs: list) -> dict:
    out: dict = {}
    for r in recs:
        out.setdefault(r.category, []).append(r)
    return out
