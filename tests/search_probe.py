"""Test and benchmark helper for headless Chromium: where it is, how to start it, a local server, a timed query.

The one place for the Chromium path and flags (every browser test imports them from here),
`serve` for built sites, and `time_query`, shared by tests/test_search_pagefind.py and
benchmarks/bench_scale.py so the test checks the same thing the benchmark measures: from the
last keystroke to the first result shown, and the bytes the browser fetched for the query.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextlib.contextmanager
def launch_browser() -> Iterator[Any]:
    """Debian's chromium through Playwright (`executable_path`, never a browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: str) -> Iterator[str]:
    """Serve a built site over HTTP on a free local port (Pagefind fetches its chunks; file:// cannot)."""
    handler = functools.partial(_QuietHandler, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Query:
    """One timed query: seconds from the last (and the first) keystroke to the first result, bytes fetched, links."""

    seconds: float
    from_first_key: float
    settled: float
    """Seconds from the last keystroke until the results stopped changing (those of the whole query, not of a
    prefix typed on the way: the first results shown may be for "ADR-000" while "ADR-0001" is typed)."""
    bytes: int
    requests: int
    links: list[str]


def time_query(browser: Any, url: str, text: str, *, timeout_ms: int = 30000) -> Query:
    """Open `url` in a new page (empty cache), type `text` into the Pagefind box, wait for the first result."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        page.wait_for_selector("#archkb-search input", timeout=timeout_ms)
        sizes: list[int] = []
        page.on("requestfinished", lambda req: sizes.append(_size(req)))
        box = page.locator("#archkb-search input")
        box.click()
        first = time.perf_counter()
        box.type(text, delay=20)
        start = time.perf_counter()
        page.wait_for_selector("#archkb-search .pagefind-ui__result-link", timeout=timeout_ms)
        end = time.perf_counter()
        links, changed = _links(page), time.perf_counter()
        while time.perf_counter() - changed < 0.4 and time.perf_counter() - end < timeout_ms / 1000:
            page.wait_for_timeout(50)
            now = _links(page)
            if now != links:
                links, changed = now, time.perf_counter()
        page.wait_for_load_state("networkidle")
        return Query(end - start, end - first, changed - start, sum(sizes), len(sizes), links)
    finally:
        context.close()


def _links(page: Any) -> list[str]:
    return list(page.eval_on_selector_all("#archkb-search .pagefind-ui__result-link", "els => els.map(e => e.href)"))


def _size(request: Any) -> int:
    try:
        s = request.sizes()
        return int(s["responseBodySize"] + s["responseHeadersSize"])
    except Exception:  # a request the browser aborted has no sizes
        return 0
