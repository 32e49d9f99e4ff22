"""What a reader of the repository's own site sees, measured in headless Chromium (issue 13).

The site of this repository is built once for the module (the diagram cache keeps it quick)
and served on 127.0.0.1; every page is opened at 1,400 px. Measured: pages that scroll
sideways, the smallest rendered label of every diagram (a diagram with a visible "open full
size" link counts as readable), console errors, requests to other hosts, the first search
result for an exact id, and the list filter and sort kept in the URL.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from search_probe import CHROMIUM, launch_browser, serve

from archkb.site.svg import graphviz_available
from conftest import ROOT

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package `chromium`)"),
    pytest.mark.skipif(not graphviz_available(), reason="Graphviz `dot` is not installed"),
]

WIDE = {"width": 1400, "height": 900}
NARROW = {"width": 390, "height": 844}
MIN_LABEL_PX = 9.0

# Per diagram on the page: the smallest label as drawn (font size times the SVG's scale), and
# whether a visible link opens it full size.
DIAGRAM_JS = """() => Array.from(document.querySelectorAll('figure.archkb-diagram')).map(fig => {
  const obj = fig.querySelector('object');
  const inline = !obj && fig.querySelector('svg');
  const doc = obj ? obj.contentDocument : (inline ? fig : null);
  let smallest = null;
  if (doc) {
    doc.querySelectorAll('text').forEach(t => {
      const size = parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize);
      const m = t.getScreenCTM();
      if (!m || !size) return;
      const px = size * Math.hypot(m.a, m.b);
      if (smallest === null || px < smallest) smallest = px;
    });
  }
  const open = fig.querySelector('a.archkb-open');
  const box = open ? open.getBoundingClientRect() : null;
  return {src: obj ? obj.getAttribute('data') : 'inline', loaded: !!doc, smallest: smallest,
          opener: !!(box && box.width > 0 && box.height > 0 && getComputedStyle(open).visibility !== 'hidden')};
})"""
# How far the page, or any table or box in its content, scrolls sideways (px; 0 when everything fits).
# Code blocks are left out: a long command line may scroll inside its own box.
OVERFLOW_JS = """() => {
  let worst = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  document.querySelectorAll('.md-content *').forEach(e => {
    if (e.closest('pre')) return;
    const ox = getComputedStyle(e).overflowX;
    if ((ox === 'auto' || ox === 'scroll') && e.clientWidth > 0) worst = Math.max(worst, e.scrollWidth - e.clientWidth - 1);
  });
  return worst;
}"""


def site_pages(folder: str) -> list[str]:
    """Every published HTML page of a built site, as URL paths (`decisions/ADR-0001/`), sorted."""
    out = []
    for base, _, names in os.walk(folder):
        for name in names:
            if name == "index.html":
                rel = os.path.relpath(base, folder).replace(os.sep, "/")
                if rel == ".":
                    out.append("")
                elif not rel.startswith(("assets", "search")) and rel != "404":
                    out.append(rel + "/")
    return sorted(out)


def _wait_for_diagrams(page: Any) -> None:
    with contextlib.suppress(Exception):
        page.wait_for_function("() => Array.from(document.querySelectorAll('figure.archkb-diagram object'))"
                               ".every(o => o.contentDocument && o.contentDocument.querySelector('svg'))",
                               timeout=5000)


def measure(browser: Any, url: str, paths: list[str]) -> dict[str, Any]:
    """Open every page at 1,400 px; what a reader meets (the same figures before and after a change)."""
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    host = urlparse(url).netloc
    foreign: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: foreign.append(r.url)
            if urlparse(r.url).scheme in ("http", "https", "ws", "wss") and urlparse(r.url).netloc != host else None)
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    sideways: dict[str, int] = {}
    diagrams: list[dict[str, Any]] = []
    for path in paths:
        page.goto(url + path, wait_until="load")
        _wait_for_diagrams(page)
        extra = page.evaluate(OVERFLOW_JS)
        if extra > 0:
            sideways[path] = extra
        for d in page.evaluate(DIAGRAM_JS):
            diagrams.append({"page": path, **d})
    context.close()
    small = [d for d in diagrams if d["smallest"] is None or d["smallest"] < MIN_LABEL_PX]
    return {"pages": len(paths), "sideways": sideways, "diagrams": diagrams, "small": small,
            "unreadable": [d for d in small if not d["opener"]], "foreign": foreign, "errors": errors}


@pytest.fixture(scope="module")
def built() -> Iterator[tuple[str, str]]:
    """The repository's own site, built once into a temporary folder and served: (url, folder)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    with tempfile.TemporaryDirectory(prefix="archkb-site-") as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARCHKB_TODAY", "2026-12-01")
        build(load_config(os.path.join(ROOT, "mkdocs.yml"), site_dir=tmp))
        with serve(tmp) as url:
            yield url, tmp


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    pytest.importorskip("playwright.sync_api")
    with launch_browser() as b:
        yield b


@pytest.fixture(scope="module")
def figures(built: tuple[str, str], browser: Any) -> dict[str, Any]:
    url, folder = built
    return measure(browser, url, site_pages(folder))


def test_every_page_was_measured(figures: dict[str, Any]) -> None:
    assert figures["pages"] > 50
    assert len(figures["diagrams"]) > 20
    assert all(d["loaded"] for d in figures["diagrams"]), [d for d in figures["diagrams"] if not d["loaded"]][:3]


def test_no_page_scrolls_sideways_at_1400_px(figures: dict[str, Any]) -> None:
    assert figures["sideways"] == {}


def test_every_diagram_is_legible_or_opens_full_size(figures: dict[str, Any]) -> None:
    assert figures["unreadable"] == []
    # Openers are there for every drawn diagram (SVG files), not only the small ones; inline charts are legible.
    assert all(d["opener"] for d in figures["diagrams"] if d["src"] != "inline")


def test_no_console_errors(figures: dict[str, Any]) -> None:
    assert figures["errors"] == []


def test_no_requests_to_other_hosts(figures: dict[str, Any]) -> None:
    assert figures["foreign"] == []


def test_record_pages_fit_a_phone(built: tuple[str, str], browser: Any) -> None:
    url, _ = built
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    wide = {}
    for path in ("decisions/ADR-0011/", "patterns/llm-gateway/", "reviews/", "checklists/"):
        response = page.goto(url + path, wait_until="load")
        if response is None or not response.ok:
            continue
        extra = page.evaluate(OVERFLOW_JS)
        if extra > 0:
            wide[path] = extra
    context.close()
    assert wide == {}


def test_an_exact_id_finds_that_record_first(built: tuple[str, str], browser: Any) -> None:
    url, _ = built
    page = browser.new_page(viewport=WIDE)
    page.goto(url, wait_until="networkidle")
    page.keyboard.press("s")
    page.keyboard.type("ADR-0011", delay=30)
    page.wait_for_selector(".md-search-result__item a", state="attached", timeout=15000)
    # Results follow the typing: wait until those of the whole query are shown (its last word highlighted).
    with contextlib.suppress(Exception):
        page.wait_for_function("() => { const a = document.querySelector('.md-search-result__item a');"
                               " return a && a.href.includes('0011'); }", timeout=10000)
    first = page.eval_on_selector(".md-search-result__item a", "e => e.href")
    text = page.inner_text(".md-search-result__item")
    page.close()
    assert urlparse(first).path.endswith("/decisions/ADR-0011/"), first
    # Kind and status are shown with the result.
    assert "decision" in text.lower() and "accepted" in text.lower(), text


def test_filter_and_sort_are_kept_in_the_url(built: tuple[str, str], browser: Any) -> None:
    url, _ = built
    page = browser.new_page(viewport=WIDE)
    page.goto(url + "decisions/", wait_until="networkidle")
    total = page.locator("table.archkb-list tbody tr").count()
    page.fill("input.archkb-filter", "gateway")
    page.wait_for_timeout(100)
    assert "q=gateway" in page.url
    shown = page.locator("table.archkb-list tbody tr:not([hidden])").count()
    assert 0 < shown < total
    page.click("table.archkb-list th:has-text('Title')")
    assert "sort=title" in page.url
    titles = page.locator("table.archkb-list tbody tr:not([hidden]) td:nth-child(2)").all_inner_texts()
    assert titles == sorted(titles, key=str.lower)
    kept = page.url
    page.goto(url + "about:blank".replace("about:blank", "decisions/"), wait_until="load")
    page.goto(kept, wait_until="networkidle")
    assert page.input_value("input.archkb-filter") == "gateway"
    assert page.locator("table.archkb-list tbody tr:not([hidden])").count() == shown
    again = page.locator("table.archkb-list tbody tr:not([hidden]) td:nth-child(2)").all_inner_texts()
    assert again == titles
    page.close()


def test_pattern_and_checklist_lists_have_filters(built: tuple[str, str], browser: Any) -> None:
    url, _ = built
    page = browser.new_page(viewport=WIDE)
    for path in ("patterns/", "checklists/"):
        page.goto(url + path + "?q=zzzz-no-such-thing", wait_until="networkidle")
        assert page.locator("input.archkb-filter").count() >= 1, path
        assert page.locator("table.archkb-list tbody tr:not([hidden])").count() == 0, path
    page.close()


def test_full_size_viewer_pans_zooms_closes_and_its_boxes_open_records(built: tuple[str, str], browser: Any) -> None:
    url, _ = built
    page = browser.new_page(viewport=WIDE)
    page.goto(url + "decisions/ADR-0011/", wait_until="networkidle")
    opener = page.locator("figure.archkb-diagram a.archkb-open").first
    opener.scroll_into_view_if_needed()
    opener.click()
    page.wait_for_selector(".archkb-viewer object", state="attached")
    frame_js = "() => { const o = document.querySelector('.archkb-viewer object'); const d = o && o.contentDocument;" \
               " return d && d.documentElement && d.documentElement.getAttribute('viewBox'); }"
    page.wait_for_function(frame_js, timeout=5000)
    page.wait_for_timeout(200)
    before = page.evaluate(frame_js)
    page.click(".archkb-viewer button[aria-label='Zoom in']")
    zoomed = page.evaluate(frame_js)
    assert zoomed != before
    width = lambda vb: float(vb.split()[2])  # noqa: E731
    assert width(zoomed) < width(before)  # zooming in shows less of the drawing
    page.keyboard.press("Escape")
    assert page.locator(".archkb-viewer").count() == 0
    # Open again and click a box: the record opens in the window.
    opener.click()
    page.wait_for_function(frame_js, timeout=5000)
    frame = next(f for f in page.frames if f.url.endswith("/diagrams/decisions/ADR-0011.svg") and
                 f.parent_frame is not None and f != page.main_frame and
                 f.frame_element().evaluate("e => !!e.closest('.archkb-viewer')"))
    frame.locator("a[*|href='../../decisions/ADR-0005/']").first.click()
    page.wait_for_url("**/decisions/ADR-0005/", timeout=10000)
    assert "ADR-0005" in page.inner_text("h1")
    page.close()
