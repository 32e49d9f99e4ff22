"""The home page's summary: what needs attention, recent status changes, and decisions per quarter as a static SVG.

An architecture board opens the home page to see what to act on: proposals open too long,
decisions whose review date has passed, open high risks at the latest milestone of each
review, and what changed lately. Everything is computed at build time from the checked
catalog; the chart is inline SVG (no script, no other host).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from archkb.core.kinds import kind
from archkb.reviews.review import score
from archkb.site.markdown import (
    DECISION_STATUSES,
    HOME_MARKER,
    PageContext,
    date_text,
    newest_first,
    rel,
    status_chip,
)
from archkb.site.sanitize import attr_text, md_table, md_text

# Bar colours per status, the chips' colours (legend text is dark on the light page).
STATUS_COLOUR = {"accepted": "#1b5e20", "proposed": "#f9a825", "rejected": "#b71c1c", "deprecated": "#9e9e9e",
                 "superseded": "#616161"}
INACTIVE = ("superseded", "deprecated")


def decision_day(rec: Any) -> dt.date | None:
    """When a decision was taken: its `decided` date, else the date its status last changed (None: undated)."""
    return rec.decided or rec.date


def quarter(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def attention(ctx: PageContext, from_uri: str, today: dt.date) -> str:
    """The "Needs attention" section: stale proposals, passed review dates, open high risks (empty: all clear)."""
    cat = ctx.catalog
    limit = cat.config.proposed_max_days
    decisions = sorted(cat.records("decision"), key=lambda r: r.id)
    rows: list[list[str]] = []
    for r in decisions:
        if r.status.value == "proposed" and r.date is not None and (today - r.date).days > limit:
            rows.append([ctx.link(from_uri, r.id), status_chip("proposed"),
                         f"proposed for {(today - r.date).days} days (limit {limit})"])
    for r in decisions:
        if r.review_by is not None and r.review_by < today and r.status.value in ("accepted", "proposed"):
            rows.append([ctx.link(from_uri, r.id), status_chip(r.status.value),
                         f"review by {r.review_by.isoformat()} has passed"])
    for review in sorted(cat.records("review"), key=lambda r: r.id):
        if not review.milestones:
            continue
        sc = score(review, cat)
        if sc.high_risks:
            items = ", ".join(md_text(f.item.qid) for f in sc.high_risks[:3])
            more = f" and {len(sc.high_risks) - 3} more" if len(sc.high_risks) > 3 else ""
            rows.append([ctx.link(from_uri, review.id, review.title or review.project.name), status_chip("high"),
                         f"{len(sc.high_risks)} open high risk{'s' if len(sc.high_risks) != 1 else ''} at "
                         f"{md_text(sc.milestone or '')} ({sc.date.isoformat() if sc.date else ''}): {items}{more}"])
    if not rows:
        return "## Needs attention\n\nNothing: no stale proposals, no passed review dates, no open high risks.\n\n"
    return (f"## Needs attention\n\n{len(rows)} item{'s' if len(rows) != 1 else ''} as of {today.isoformat()}.\n\n"
            + md_table(["Record", "", "Why"], rows))


def recent_changes(ctx: PageContext, from_uri: str, latest: int = 10) -> str:
    """Latest decisions (in force or proposed) and recent status changes of every kind of status."""
    decisions = ctx.catalog.records("decision")
    text = ""
    live = sorted((r for r in decisions if r.status.value not in INACTIVE),
                  key=lambda r: (decision_day(r) or dt.date.min, r.id), reverse=True)[:latest]
    if live:
        text += "## Latest decisions\n\nNewest first, by decision date; superseded and deprecated ones are left out.\n\n"
        text += md_table(["Decided", "Decision", "Status"],
                       [[date_text(decision_day(r)), ctx.link(from_uri, r.id), status_chip(r.status.value)]
                        for r in live])
    changed = newest_first(decisions)[:latest]
    if changed:
        text += "## Recent status changes\n\n"
        text += md_table(["Status changed", "Decision", "Now"],
                       [[date_text(r.date), ctx.link(from_uri, r.id), status_chip(r.status.value)] for r in changed])
    return text


def quarter_chart(ctx: PageContext) -> str:
    """Decisions per quarter (by decision date), stacked by current status: an inline SVG, drawn at build time."""
    decisions = ctx.catalog.records("decision")
    if not decisions:
        return ""
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(DECISION_STATUSES, 0))
    for r in decisions:
        day = decision_day(r)
        if day is not None:  # undated imports are counted in the decision log, not placed in a quarter
            counts[quarter(day)][r.status.value] += 1
    if not counts:
        return ""
    first, last = min(counts), max(counts)
    quarters = []
    y, q = first
    while (y, q) <= last:
        quarters.append((y, q))
        y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    top = max(sum(counts[k].values()) for k in quarters) if quarters else 1
    bar, gap, left, height, base = 28, 10, 36, 160, 190
    width = left + len(quarters) * (bar + gap) + 10
    legend_y = base + 40
    legend_end = left + sum(16 + 8 * len(status) + 18 for status in DECISION_STATUSES)
    width = max(width, legend_end)
    parts = [f'<svg class="archkb-chart" role="img" viewBox="0 0 {width} {legend_y + 20}" '
             f'width="{width}" height="{legend_y + 20}" xmlns="http://www.w3.org/2000/svg" '
             'font-family="sans-serif" font-size="12">',
             "<title>Decisions per quarter by status</title>"]
    for tick in sorted({0, top // 2, top}):
        ty = base - tick * height / top
        parts.append(f'<line x1="{left - 4}" x2="{width}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#bdbdbd" '
                     'stroke-width="0.5"/>')
        parts.append(f'<text x="{left - 8}" y="{ty + 4:.1f}" text-anchor="end" fill="#424242">{tick}</text>')
    for i, key in enumerate(quarters):
        x = left + i * (bar + gap)
        y0 = float(base)
        for status in DECISION_STATUSES:
            n = counts[key][status] if key in counts else 0
            if not n:
                continue
            h = n * height / top
            y0 -= h
            parts.append(f'<rect x="{x}" y="{y0:.1f}" width="{bar}" height="{h:.1f}" fill="{STATUS_COLOUR[status]}">'
                         f"<title>{key[0]} Q{key[1]}: {n} {status}</title></rect>")
        total = sum(counts[key].values()) if key in counts else 0
        if total:
            parts.append(f'<text x="{x + bar / 2}" y="{y0 - 4:.1f}" text-anchor="middle" fill="#212121">{total}</text>')
        label = f"Q{key[1]}" if key[1] != 1 and i else f"{key[0]} Q{key[1]}"
        parts.append(f'<text x="{x + bar / 2}" y="{base + 16}" text-anchor="middle" fill="#424242" '
                     f'font-size="{12 if key[1] != 1 and i else 11}">{attr_text(label)}</text>')
    lx = left
    for status in DECISION_STATUSES:
        parts.append(f'<rect x="{lx}" y="{legend_y - 10}" width="12" height="12" fill="{STATUS_COLOUR[status]}"/>'
                     f'<text x="{lx + 16}" y="{legend_y}" fill="#212121">{status}</text>')
        lx += 16 + 8 * len(status) + 18
    parts.append("</svg>")
    summary = "; ".join(f"{y} Q{q}: {sum(counts[(y, q)].values())}" for y, q in quarters if (y, q) in counts)
    return ("## Decisions per quarter\n\n"
            f'<figure class="archkb-chart-figure" markdown="0" data-search-exclude>\n{"".join(parts)}\n'
            f"<figcaption>Decisions per quarter by decision date, coloured by their status today ({attr_text(summary)}).</figcaption>\n"
            "</figure>\n\n")


def home_summary(ctx: PageContext, from_uri: str = "index.md", latest: int = 10,
                 today: dt.date | None = None) -> str:
    """Counts of every kind, what needs attention, the latest decisions and changes, and the quarterly chart."""
    cat = ctx.catalog
    today = today or ctx.today or dt.date.today()
    decisions = cat.records("decision")
    by_status: dict[str, int] = defaultdict(int)
    for r in decisions:
        by_status[r.status.value] += 1
    def link(label: str, name: str) -> str:
        # Index pages of kinds without records and without categories are not generated (a new KB has none).
        if not cat.records(name) and not kind(name).by_category:
            return label
        return f"[{label}]({rel(from_uri, kind(name).site_folder + '/index.md')})"

    rows = [
        [link("Decisions", "decision"), str(len(decisions)),
         ", ".join(f"{by_status[s]} {s}" for s in DECISION_STATUSES if by_status[s])],
        [link("Patterns", "pattern"), str(len(cat.records("pattern"))),
         f"{len({p.category for p in cat.records('pattern')})} categories"],
        [link("Checklists", "checklist"), str(len(cat.records("checklist"))),
         f"{sum(len(s.questions) for c in cat.records('checklist') for s in c.sections)} questions"],
        [link("Reviews", "review"), str(len(cat.records("review"))), ""],
    ]
    return (md_table(["Records", "Count", ""], rows) + attention(ctx, from_uri, today)
            + recent_changes(ctx, from_uri, latest) + quarter_chart(ctx))


def expand_markers(markdown: str, ctx: PageContext, from_uri: str) -> str:
    """Hand-written pages may hold `<!-- archkb:home -->`; it becomes the live summary."""
    if HOME_MARKER in markdown:
        markdown = markdown.replace(HOME_MARKER, home_summary(ctx, from_uri))
    return markdown


__all__ = ["attention", "expand_markers", "home_summary", "quarter_chart", "recent_changes"]
