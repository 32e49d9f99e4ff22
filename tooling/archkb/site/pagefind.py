"""Search that scales: choose Material's lunr or Pagefind, mark pages for Pagefind, and run its indexer.

Material's search ships the whole index to every browser and builds it there: fine for a
few hundred records, 18-22 s to a first result at 10,000. Pagefind indexes the built site
into small chunks that the browser fetches per query, so the cost of a search grows with
the words typed, not with the knowledge base. The binary comes from the `pagefind_bin`
package on PyPI (a dependency), so nothing is downloaded while building.

Nothing here imports MkDocs: the plugin calls these functions from its events.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import threading
import time
from dataclasses import dataclass

SEARCH_MODES = ("auto", "pagefind", "material")
AUTO_PAGEFIND_MIN_RECORDS = 500
"""`search: auto` picks Pagefind from this many record files on (lunr's first result took 1.9-6.1 s at 1,000)."""
BUNDLE = "pagefind"
"""The folder of the search bundle inside the built site."""
GLUE_JS = "assets/archkb/pagefind-search.js"
GLUE_CSS = "assets/archkb/pagefind-search.css"

_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset"')
_H1 = re.compile(r"<h1(?=[\s>])")


def choose(mode: str, record_files: int) -> str:
    """The search engine to use: `pagefind` or `material`."""
    if mode == "auto":
        return "pagefind" if record_files >= AUTO_PAGEFIND_MIN_RECORDS else "material"
    return mode


def mark_page(output: str, *, record_id: str | None, indexed: bool) -> str:
    """Tell Pagefind what to index on one built page: the article only, with a record's id ranked first.

    Only the article is indexed (`data-pagefind-body`), never the navigation. Generated index
    pages (the decision log, category and year lists) are left out: they name hundreds of
    records and would match every query. On a record page the title and a hidden copy of the
    id get the highest weight, so typing an id finds its record first.
    """
    if not indexed:
        return output
    match = _ARTICLE.search(output)
    if match is None:
        return output
    end = match.end()
    output = output[:end] + " data-pagefind-body" + output[end:]
    if record_id:
        h1 = _H1.search(output, end)
        if h1 is not None:
            rid = html.escape(record_id)
            # Pagefind indexes the text whatever the CSS says; the span is hidden from readers.
            output = (output[:h1.start()] + f'<span data-pagefind-weight="10" hidden>{rid}</span>'
                      + output[h1.start():h1.end()] + ' data-pagefind-weight="10"' + output[h1.end():])
    return output


def glue_js() -> str:
    """Mount Pagefind's UI in Material's header, where Material's own search box would be."""
    return """\
/* archkb: Pagefind's search box in the Material header (the bundle is served from the built site). */
(function () {
  function mount() {
    if (typeof PagefindUI === "undefined" || document.getElementById("archkb-search")) { return; }
    var host = document.createElement("div");
    host.id = "archkb-search";
    host.className = "archkb-search";
    var header = document.querySelector(".md-header__inner");
    var source = header && header.querySelector(".md-header__source");
    if (header) { header.insertBefore(host, source); } else { document.body.insertBefore(host, document.body.firstChild); }
    var script = document.querySelector('script[src$="pagefind/pagefind-ui.js"]');
    var bundle = script ? script.src.replace(/pagefind-ui\\.js$/, "") : "/pagefind/";
    /* Result URLs start at the site's root, which may be a sub-path (a project's GitHub Pages, TechDocs). */
    var base = new URL(bundle, document.baseURI).pathname.replace(/pagefind\\/$/, "");
    new PagefindUI({ element: "#archkb-search", bundlePath: bundle, baseUrl: base, showImages: false, showSubResults: false,
                     resetStyles: false, pageSize: 8, debounceTimeoutMs: 100,
                     translations: { placeholder: "Search records (id, title, text)" } });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", mount); } else { mount(); }
})();
"""


def glue_css() -> str:
    """Pagefind's UI in the colours and size of Material's header search."""
    return """\
/* archkb: Pagefind's UI styled after Material's header search. */
.archkb-search { position: relative; flex: 0 1 24rem; margin: 0 .8rem; align-self: center;
  --pagefind-ui-scale: .7; --pagefind-ui-primary: var(--md-primary-fg-color);
  --pagefind-ui-text: var(--md-default-fg-color); --pagefind-ui-background: var(--md-default-bg-color);
  --pagefind-ui-border: var(--md-default-fg-color--lightest); --pagefind-ui-tag: var(--md-default-fg-color--lightest);
  --pagefind-ui-border-width: 1px; --pagefind-ui-border-radius: .1rem; --pagefind-ui-font: var(--md-text-font-family); }
.archkb-search .pagefind-ui__search-input { background: var(--md-accent-bg-color, #fff); }
.archkb-search .pagefind-ui__drawer { position: absolute; left: 0; right: 0; top: 100%; max-height: 75vh;
  overflow-y: auto; background: var(--md-default-bg-color); padding: 0 .8rem;
  box-shadow: 0 .2rem .5rem rgba(0,0,0,.2); border-radius: 0 0 .1rem .1rem; }
.archkb-search .pagefind-ui__drawer:empty, .archkb-search .pagefind-ui__drawer:not(:has(*)) { display: none; }
@media screen and (max-width: 60em) { .archkb-search { flex-basis: 12rem; } }
"""


@dataclass
class IndexRun:
    """What one run of the indexer did."""

    seconds: float
    pages: int
    output: str


class PagefindError(RuntimeError):
    """The indexer is missing, failed or ran out of time."""


def executable() -> str:
    """The Pagefind binary shipped by the `pagefind_bin` package."""
    import pagefind_bin

    try:
        return str(pagefind_bin.get_executable())
    except FileNotFoundError as exc:
        raise PagefindError(f"the pagefind binary is missing from the pagefind_bin package: {exc}") from exc


def index_site(site_dir: str, *, timeout: float = 600.0) -> IndexRun:
    """Index the built site in `site_dir` into `site_dir/pagefind/` (bounded by `timeout` seconds)."""
    start = time.perf_counter()
    cmd = [executable(), "--site", site_dir, "--output-subdir", BUNDLE]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise PagefindError(f"pagefind took longer than {timeout:.0f} s on {site_dir}") from exc
    out = (proc.stdout or "") + (proc.stderr or "")
    if proc.returncode != 0:
        raise PagefindError(f"pagefind failed (exit {proc.returncode}): {out.strip()[-2000:]}")
    found = re.search(r"Indexed (\d+) page", out)
    return IndexRun(time.perf_counter() - start, int(found.group(1)) if found else -1, out)


class BackgroundIndexer:
    """Index in a thread, one run at a time, so `mkdocs serve` shows a page before the search index is fresh."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.last: IndexRun | None = None
        self.error: str | None = None

    def start(self, site_dir: str, timeout: float) -> None:
        def run() -> None:
            with self._lock:
                try:
                    self.last = index_site(site_dir, timeout=timeout)
                    self.error = None
                except (PagefindError, OSError) as exc:
                    self.error = str(exc)

        self._thread = threading.Thread(target=run, name="archkb-pagefind", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)


def count_record_files(root: str) -> int:
    """Record files under `root`, counted without reading them (to choose the search engine early)."""
    from archkb.core.kinds import RECORD_FOLDERS

    total = 0
    for folder in RECORD_FOLDERS:
        try:
            total += sum(1 for n in os.listdir(os.path.join(root, folder)) if n.endswith(".yaml"))
        except OSError:
            continue
    return total
