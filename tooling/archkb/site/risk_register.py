"""The risk register page: every decision risk and every open review risk in one ranked, filterable table.

Decision risks (of accepted and proposed decisions) score likelihood × impact; review risks
(open at each review's latest milestone) score severity × status, each on a 1-3 scale, so a
board sees one ranking across the knowledge base. The page reuses the decision log's filter box.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from archkb.reviews.review import risk_of, risk_reason, score
from archkb.site.markdown import filter_box, front_matter, page_title, rel
from archkb.site.review_md import today_for_pages
from archkb.site.sanitize import attr_text, inline_markdown, md_table, md_text

LEVEL = {"low": 1, "medium": 2, "high": 3}
STATUS_WEIGHT = {"partial": 2, "not_met": 3}
OPEN_DECISIONS = ("accepted", "proposed")


@dataclass(frozen=True)
class RegisterEntry:
    """One row of the risk register: a decision's risk or an open review risk, with its ranking score."""

    level: str
    """high, medium or low."""
    points: int
    """likelihood × impact, or severity × status, each on a 1-3 scale (so 1-9)."""
    basis: str
    source_id: str
    item: str
    description: str
    owner: str
    due: dt.date | None
    mitigation: str

    def key(self) -> tuple[int, int, str, str]:
        return (-LEVEL[self.level], -self.points, self.source_id, self.item)


def _level_of(points: int) -> str:
    return "high" if points >= 6 else "medium" if points >= 3 else "low"


def register_entries(catalog: Any) -> list[RegisterEntry]:
    """Every risk of an accepted or proposed decision and every open risk of every review (latest milestone), ranked:
    level first (high, medium, low), then points, then id."""
    out: list[RegisterEntry] = []
    for d in catalog.records("decision"):
        if d.status.value not in OPEN_DECISIONS:
            continue
        for n, r in enumerate(d.risks):
            lk, im = r.likelihood.value, r.impact.value
            points = LEVEL[lk] * LEVEL[im]
            out.append(RegisterEntry(_level_of(points), points, f"likelihood {lk} × impact {im}", d.id,
                                     f"risks[{n}]", r.description, ", ".join(d.decision_makers), d.review_by,
                                     r.mitigation or ""))
    for review in catalog.records("review"):
        sc = score(review, catalog)
        for f in [*sc.high_risks, *sc.medium_risks]:
            a = f.answer
            out.append(RegisterEntry(risk_of(f.item.severity, f.status) or "medium",
                                     LEVEL[f.item.severity] * STATUS_WEIGHT[f.status],
                                     risk_reason(f.item.severity, f.status), review.id, f.item.qid, f.item.text,
                                     (a.owner or "") if a is not None else "", a.due if a is not None else None,
                                     f.item.improvement or ""))
    return sorted(out, key=RegisterEntry.key)


def risk_register(ctx: Any) -> str:
    """The risk register page: every decision risk and open review risk in one ranked, filterable table."""
    uri = "reviews/risks.md"
    today = today_for_pages()
    entries = register_entries(ctx.catalog)
    rows = []
    for n, e in enumerate(entries, 1):
        source = ctx.link(uri, e.source_id, e.source_id)
        if ctx.catalog.kind_of(e.source_id) == "review":
            item = ctx.catalog.get(e.item.split("/", 1)[0])
            where = f"{source}: " + (ctx.link(uri, item.id, e.item) if item is not None else md_text(e.item))
        else:
            where = f"{source} {md_text(e.item)}"
        due = e.due.isoformat() + (" (overdue)" if e.due < today else "") if e.due else "—"
        rows.append([f"{n}. **{e.level}** {e.points}", where,
                     f"{inline_markdown(e.description)} <small>({attr_text(e.basis)})</small>",
                     md_text(e.owner) if e.owner else "—", due,
                     inline_markdown(e.mitigation) if e.mitigation else "—"])
    counts = {lv: sum(1 for e in entries if e.level == lv) for lv in ("high", "medium", "low")}
    intro = (f"{len(entries)} risks: {counts['high']} high, {counts['medium']} medium, {counts['low']} low. "
             "Decision risks (accepted and proposed decisions) score likelihood × impact; review risks (open at each "
             "review's latest milestone) score severity × status (low 1, medium 2, high 3; partly met 2, not met 3). "
             "Ranked by level, then score. For a decision the owner is its decision makers and the date its "
             f"`review_by`; for a review risk, the answer's owner and due date. See also the [reviews]"
             f"({rel(uri, 'reviews/index.md')}).\n\n")
    table = md_table(["Rank, level, score", "Record and item", "Risk", "Owner", "Due", "Mitigation or improvement"],
                   rows) or "No open risks.\n\n"
    # A wide table: the theme's `hide` front matter gives it the width of both sidebars.
    meta = front_matter({"title": page_title("Risk register"), "archkb_index": True, "hide": ["navigation", "toc"]})
    return meta + "# Risk register\n\n" + intro + filter_box("record, level, owner or text") + table
