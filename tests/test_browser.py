"""A real browser on the built payload site: nothing from a record runs; search and diagram links work.

Uses Debian's `chromium` through Playwright's Python package (`executable_path`, no browser
download). Skipped, with the reason, only when chromium is not installed; `make test`
installs it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest
from kbsite_project import build_project, make_project
from search_probe import CHROMIUM, launch_browser, serve

from archkb.site.svg import graphviz_available

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package `chromium`; `make test` installs it)"),
    pytest.mark.skipif(not graphviz_available(), reason="Graphviz `dot` is not installed"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("payload")
    cfg = make_project(str(tmp), os.path.join("site", "payload"))
    folder = build_project(cfg)
    with serve(folder) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    pytest.importorskip("playwright.sync_api")
    with launch_browser() as b:
        yield b


PAGES = ["", "decisions/", "decisions/ADR-0001/", "decisions/ADR-0002/", "decisions/status/", "decisions/timeline/",
         "decisions/category/security/", "patterns/", "patterns/payload-pattern/", "patterns/category/security/",
         "checklists/", "checklists/payload-checklist/", "reviews/", "reviews/payload-review/", "tags/"]


def test_no_payload_runs_and_no_dialog_opens(site: str, browser) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    failures = []
    frames_seen: set[str] = set()
    for path in PAGES:
        response = page.goto(site + path, wait_until="load")
        assert response is not None and response.ok, path
        page.wait_for_timeout(100)
        # Hover and click what a reader might: payloads on events must not fire either.
        for selector in ("h1", ".archkb-header", "table", "details", ".archkb-text"):
            for handle in page.query_selector_all(selector)[:3]:
                with contextlib.suppress(Exception):
                    handle.hover(timeout=500)
        page.wait_for_load_state("networkidle")
        # Diagrams are SVG documents in <object> frames: check every frame, not only the page.
        for frame in page.frames:
            marker = frame.evaluate("() => window.__xss === undefined ? null : String(window.__xss)")
            if marker is not None:
                failures.append((path, frame.url, marker))
            scripts = frame.evaluate("() => document.querySelectorAll('script').length === 0 ? 0 : "
                                     "Array.from(document.querySelectorAll('script'))"
                                     ".filter(s => s.textContent.includes('alert(')).length")
            if scripts:
                failures.append((path, frame.url, f"{scripts} script element(s) with a payload"))
            handlers = frame.evaluate(
                "() => Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes)"
                ".some(a => a.name.startsWith('on') || /^\\s*(javascript|data|vbscript):/i.test(a.value))).length")
            if handlers:
                failures.append((path, frame.url, f"{handlers} element(s) with an event handler or unsafe URL"))
        frames_seen.update(f.url for f in page.frames if f.url.endswith(".svg"))
    assert dialogs == []
    assert failures == []
    assert frames_seen, "the diagrams' SVG documents were loaded and checked too"
    # The payloads are still there, as text: escaped, not deleted.
    page.goto(site + "decisions/ADR-0001/", wait_until="load")
    assert "<script>" in page.inner_text("h1")
    page.close()


def test_search_finds_a_record_by_a_word_of_its_title(site: str, browser) -> None:
    page = browser.new_page()
    page.goto(site, wait_until="networkidle")
    page.keyboard.press("s")  # Material's shortcut: focus the search box
    page.keyboard.type("kiwi", delay=50)
    page.wait_for_selector(".md-search-result__item a", state="attached", timeout=15000)
    links = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
    assert any("decisions/ADR-0002/" in href for href in links), links
    page.close()


def test_clicking_a_diagram_node_opens_that_record(site: str, browser) -> None:
    page = browser.new_page()
    page.goto(site + "decisions/ADR-0002/", wait_until="networkidle")
    page.locator(".archkb-diagram object").first.scroll_into_view_if_needed()
    frame = next(f for f in page.frames if f.url.endswith("/diagrams/decisions/ADR-0002.svg"))
    frame.locator("a[*|href='../../decisions/ADR-0001/']").first.click()
    page.wait_for_url("**/decisions/ADR-0001/", timeout=10000)
    assert "ADR-0001" in page.inner_text("h1")
    page.close()


def test_decision_log_filter_hides_rows_that_do_not_match(site: str, browser) -> None:
    page = browser.new_page()
    page.goto(site + "decisions/", wait_until="networkidle")
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    page.fill("input.archkb-filter", "kiwi")
    assert page.locator("table tbody tr:not([hidden])").count() == 1
    assert "ADR-0002" in page.locator("table tbody tr:not([hidden])").first.inner_text()
    page.fill("input.archkb-filter", "")
    assert page.locator("table tbody tr:not([hidden])").count() == 2
    page.close()
