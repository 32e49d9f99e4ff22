"""The board pack of a review: a print-ready HTML document, and its PDF printed by headless Chromium.

Page one is the summary (verdict, legal mismatch, ML Test Score, open risks with owners and
dates, change since the previous milestone); then the scorecard chart and counts; then the
improvement plan with owners and dates. The diagram is left out: it does not print legibly.

The PDF is Chromium's own print (`--print-to-pdf`): Chromium is already what the browser
tests run, so a PDF needs no second layout engine and no extra system libraries, and it
prints the same HTML and CSS a reviewer sees. The document has no scripts and loads nothing
from outside (the chart is inline SVG), so printing is offline and deterministic.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
from typing import Any

from archkb.core import fileio
from archkb.core.errors import Conflict, RefusedWrite, ToolMissing
from archkb.site.review_md import board, today_for_pages
from archkb.site.sanitize import attr_text, markdown_html

CHROMIUM_TIMEOUT = 120
CSS = """
@page { size: A4; margin: 14mm 14mm 16mm 14mm; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9pt; color: #212121;
       line-height: 1.35; margin: 0; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; border-bottom: 1px solid #bdbdbd; }
h3 { font-size: 10pt; margin: 3mm 0 1mm; }
p { margin: 1.5mm 0; }
.meta { color: #616161; margin-bottom: 3mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #e0e0e0; padding: .7mm 1.2mm; text-align: left; vertical-align: top; font-size: 8pt; }
th { background: #f5f5f5; }
.archkb-verdict { font-size: 11pt; }
.archkb-mismatch { border-left: 3px solid #f9a825; padding-left: 2mm; }
.archkb-risk-high { color: #fff; background: #c62828; padding: 0 1mm; }
.archkb-risk-medium { background: #f9a825; padding: 0 1mm; }
.archkb-chart { width: auto; height: auto; max-width: 100%; max-height: 200mm; display: block; margin: 0 auto; }
figure { margin: 0; }
.page { break-after: page; }
.page:last-child { break-after: auto; }
small { color: #616161; }
.archkb-date { white-space: nowrap; }
"""


def report_html(review: Any, catalog: Any, milestone: str | None = None, url_for: Any = None,
                today: dt.date | None = None) -> str:
    """The board pack as one self-contained HTML document (no scripts, nothing fetched)."""
    today = today or today_for_pages()

    def href_for(rid: str) -> str | None:  # a printed page links only to published pages, never to YAML paths
        url = url_for(rid) if url_for else None
        return url if url and str(url).startswith(("https://", "http://")) else None
    b = board(review, catalog, href_for, milestone=milestone, today=today, fold=False)
    sc = b.score
    title = review.title or review.project.name
    ms = next((m for m in review.milestones if m.name == sc.milestone), None)
    meta = [f"Review <code>{attr_text(review.id)}</code>", f"owner: {attr_text(review.project.owner)}"]
    if ms is not None:
        meta.append(f"milestone {attr_text(ms.name)}, {ms.date.isoformat()}")
        if ms.reviewers:
            meta.append("reviewers: " + ", ".join(attr_text(r) for r in ms.reviewers))
    meta.append(f"printed for {today.isoformat()}")
    board_summary = f'<div class="board-summary">{markdown_html(ms.summary)}</div>' if ms and ms.summary else ""
    pages = [
        f'<section class="page"><h1>{attr_text(title)}</h1><p class="meta">{" · ".join(meta)}</p>'
        f"<h2>Summary</h2>{b.summary}{board_summary}</section>",
        f'<section class="page"><h2>Scorecard</h2>{b.scorecard}</section>',
        f'<section class="page"><h2>Improvement plan</h2>{b.plan}</section>',
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{attr_text(title)}: board pack</title><style>{CSS}</style></head>\n<body>\n"
            + "\n".join(pages) + "\n</body></html>\n")


def chromium() -> str:
    """The Chromium executable (Debian's `chromium`), or ToolMissing."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.path.exists("/usr/bin/chromium"):
        found = "/usr/bin/chromium"
    if found is None:
        raise ToolMissing("Chromium is needed to print the PDF and is not installed",
                          hint="install it (Debian: apt-get install chromium; `make test` does), "
                          "or write HTML with --format html")
    return found


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF Chromium wrote (its page objects; it writes no object streams)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def print_pdf(html_text: str) -> bytes:
    """The PDF of an HTML document, printed by headless Chromium (A4, no header or footer)."""
    exe = chromium()
    with tempfile.TemporaryDirectory(prefix="archkb-report-") as tmp:
        src = os.path.join(tmp, "report.html")
        out = os.path.join(tmp, "report.pdf")
        with open(src, "w", encoding="utf-8") as fh:
            fh.write(html_text)
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
               f"--user-data-dir={os.path.join(tmp, 'profile')}", f"--print-to-pdf={out}", "file://" + src]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=CHROMIUM_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ToolMissing(f"Chromium failed to print the PDF: {exc}") from exc
        if done.returncode != 0 or not os.path.exists(out):
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise ToolMissing("Chromium failed to print the PDF" + (f": {' '.join(tail)}" if tail else ""))
        with open(out, "rb") as fh:
            return fh.read()


def write_pdf(html_text: str, path: str) -> int:
    """Print `html_text` to a new PDF file at `path` (never overwriting); returns its page count."""
    data = print_pdf(html_text)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        fileio.write_new(folder, os.path.basename(path), data)
    except (FileExistsError, Conflict) as exc:
        raise RefusedWrite(f"{path} exists; not overwriting it (choose a new file name)") from exc
    return page_count(data)


__all__ = ["page_count", "print_pdf", "report_html", "write_pdf"]
