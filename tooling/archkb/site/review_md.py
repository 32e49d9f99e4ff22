"""Markdown for the review parts of site pages: a review's scorecard, risks, plan and history; a checklist's usage.

Everything taken from a record is escaped (`md_text`) or sanitised (`inline_markdown`);
the bars are inline SVG built only from computed counts. Links to other records' pages
come from a `url_for(record_id) -> url` callable; with none, ids are shown without links.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archkb.reviews.review import COUNT_KEYS, Finding, Score, assemble, history, score
from archkb.site.sanitize import attr_text, inline_markdown, md_text

UrlFor = Callable[[str], str] | None

LABELS = {"met": "met", "partial": "partial", "not_met": "not met", "not_applicable": "n/a",
          "unanswered": "unanswered"}
COLOURS = {"met": "#2e7d32", "partial": "#f9a825", "not_met": "#c62828", "not_applicable": "#9e9e9e",
           "unanswered": "#e0e0e0"}
BAR_WIDTH = 120


def _table(headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return ""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out.extend("| " + " | ".join(cell or " " for cell in row) + " |" for row in rows)
    return "\n".join(out) + "\n\n"


def _link(rid: str, text: str, url_for: UrlFor) -> str:
    label = md_text(text)
    if url_for is None:
        return label
    url = url_for(rid)
    return f"[{label}]({url})" if url else label


def _item_ref(f: Finding, url_for: UrlFor) -> str:
    return f"{_link(f.item.record_id, f.item.qid, url_for)}: {inline_markdown(f.item.text)}"


def bar(counts: dict[str, int], width: int = BAR_WIDTH) -> str:
    """A stacked bar of the counts as one line of inline SVG (safe: only numbers and fixed colours)."""
    total = sum(counts.values())
    label = attr_text(", ".join(f"{counts[k]} {LABELS[k]}" for k in COUNT_KEYS))
    parts = [f'<svg class="archkb-bar" width="{width}" height="12" viewBox="0 0 {width} 12" role="img" '
             f'aria-label="{label}"><title>{label}</title>']
    x = 0
    if total:
        for key in COUNT_KEYS:
            w = round(width * counts[key] / total)
            if counts[key] and w:
                w = min(w, width - x)
                parts.append(f'<rect x="{x}" y="0" width="{w}" height="12" fill="{COLOURS[key]}"/>')
                x += w
    if x < width:
        parts.append(f'<rect x="{x}" y="0" width="{width - x}" height="12" fill="{COLOURS["unanswered"]}"/>')
    parts.append("</svg>")
    return "".join(parts)


def _counts_row(counts: dict[str, int]) -> list[str]:
    return [str(counts[k]) for k in COUNT_KEYS]


def scorecard(sc: Score) -> str:
    """The per-section table with bars and totals."""
    rows = [[md_text(s.title), bar(s.counts), *_counts_row(s.counts)] for s in sc.sections]
    totals = sc.totals
    rows.append(["**Total**", bar(totals), *[f"**{v}**" for v in _counts_row(totals)]])
    where = (f"At milestone **{md_text(sc.milestone)}** ({sc.date.isoformat()})." if sc.milestone and sc.date
             else "No milestone recorded yet: every item is unanswered.")
    summary = (f"{where} High risks: **{len(sc.high_risks)}**; medium risks: **{len(sc.medium_risks)}**; "
               f"unanswered: **{totals['unanswered']}**.\n\n")
    return summary + _table(["Section", "", "Met", "Partial", "Not met", "N/A", "Unanswered"], rows)


def _risk_list(findings: list[Finding], url_for: UrlFor) -> str:
    lines = []
    for f in findings:
        extra = []
        if f.answer is not None and f.answer.owner:
            extra.append(f"owner {md_text(f.answer.owner)}")
        if f.answer is not None and f.answer.due:
            extra.append(f"due {f.answer.due.isoformat()}")
        tail = f" ({'; '.join(extra)})" if extra else ""
        lines.append(f"- {_item_ref(f, url_for)} — {f.item.severity} severity, {LABELS[f.status]}{tail}")
    return "\n".join(lines) + "\n\n" if lines else "None.\n\n"


def _plan(sc: Score, url_for: UrlFor) -> str:
    rows = []
    for f in sc.plan:
        a = f.answer
        rows.append([_item_ref(f, url_for), f.item.severity, LABELS[f.status],
                     md_text(a.owner) if a is not None and a.owner else "—",
                     a.due.isoformat() if a is not None and a.due else "—",
                     inline_markdown(f.item.improvement) if f.item.improvement else ""])
    return _table(["Item", "Severity", "Status", "Owner", "Due", "Improvement"], rows) or "Nothing to improve.\n\n"


def _history(scores: list[Score], url_for: UrlFor) -> str:
    rows = []
    for s in scores:
        rows.append([md_text(s.milestone or ""), s.date.isoformat() if s.date else "", bar(s.totals),
                     *_counts_row(s.totals), str(len(s.high_risks)), str(len(s.medium_risks))])
    out = _table(["Milestone", "Date", "", "Met", "Partial", "Not met", "N/A", "Unanswered", "High", "Medium"], rows)
    for s in scores[1:]:
        if not (s.improved or s.regressed or s.new):
            continue
        out += f"### {md_text(s.previous or '')} → {md_text(s.milestone or '')}\n\n"
        for name, found in (("Improved", s.improved), ("Regressed", s.regressed)):
            if found:
                out += f"{name}:\n\n" + "\n".join(
                    f"- {_item_ref(f, url_for)}: {LABELS[f.before or '']} → {LABELS[f.status]}" for f in found) + "\n\n"
        if s.new:
            out += "New since the previous milestone (never answered):\n\n" + "\n".join(
                f"- {_link(i.record_id, i.qid, url_for)}" for i in s.new) + "\n\n"
    return out


def review_page_sections(review: Any, catalog: Any, url_for: UrlFor = None) -> str:
    """The scorecard (latest milestone), risks, improvement plan and milestone history of a review page."""
    asm = assemble(review, catalog)
    scores = history(review, catalog, asm)
    latest = scores[-1] if scores else score(review, catalog, None, asm)
    parts = [f"## Scorecard\n\n{scorecard(latest)}",
             f"## Risks\n\n### High risks\n\n{_risk_list(latest.high_risks, url_for)}"
             f"### Medium risks\n\n{_risk_list(latest.medium_risks, url_for)}",
             f"## Improvement plan\n\n{_plan(latest, url_for)}"]
    if scores:
        parts.append(f"## Milestone history\n\n{_history(scores, url_for)}")
    return "".join(parts)


def checklist_usage(checklist_id: str, catalog: Any, url_for: UrlFor = None) -> str:
    """For each question of a checklist, the reviews whose assembled checklist includes it and their latest answer."""
    checklist = catalog.get(checklist_id)
    if checklist is None:
        return ""
    users: dict[str, list[tuple[Any, str]]] = {}
    for review in catalog.records("review"):
        asm = assemble(review, catalog)
        if checklist_id not in asm.checklists:
            continue
        last = review.milestones[-1] if review.milestones else None
        for item in asm.items:
            if item.record_id != checklist_id:
                continue
            answer = last.answers.get(item.qid) if last else None
            status = LABELS[getattr(answer.status, "value", answer.status)] if answer else "unanswered"
            where = f" ({md_text(last.name)})" if last and answer else ""
            users.setdefault(item.question_id, []).append((review, status + where))
    if not users:
        return "## Used by reviews\n\nNo review uses this checklist yet.\n\n"
    rows = []
    for section in checklist.sections:
        for q in section.questions:
            found = users.get(q.id, [])
            cell = "; ".join(f"{_link(r.id, r.title or r.project.name, url_for)}: {s}" for r, s in found)
            rows.append([f"`{checklist_id}/{q.id}`", inline_markdown(q.text), cell or "—"])
    return "## Used by reviews\n\n" + _table(["Question", "Text", "Reviews (latest answer)"], rows)


def assembled_checklist_markdown(review: Any, asm: Any, url_for: UrlFor = None) -> str:
    """A review's assembled checklist as a GitHub task list grouped by section (ticked when met at the
    latest milestone), each item with its severity, rationale, the evidence expected and its source."""
    last = review.milestones[-1] if review.milestones else None
    title = review.title or review.project.name
    out = [f"# Review checklist: {md_text(title)}\n\n",
           f"Review `{review.id}`: {len(asm.items)} items"
           + (f"; answers as of milestone {md_text(last.name)} ({last.date.isoformat()})" if last else "") + ".\n\n"]
    current = None
    for item in asm.items:
        if item.section != current:
            out.append(("\n" if current is not None else "") + f"## {md_text(item.section_title)}\n\n")
            current = item.section
        answer = last.answers.get(item.qid) if last else None
        status = getattr(answer.status, "value", None) if answer else None
        tick = "x" if status == "met" else " "
        state = f" — {LABELS[status]}" if status and status != "met" else ""
        out.append(f"- [{tick}] **{item.severity}** `{item.qid}` {inline_markdown(item.text)}{state}\n")
        if item.rationale:
            out.append(f"  - Why: {inline_markdown(item.rationale)}\n")
        if item.evidence:
            out.append("  - Evidence expected: " + "; ".join(inline_markdown(e) for e in item.evidence) + "\n")
        if item.maps_to:
            out.append("  - Maps to: " + "; ".join(f"{md_text(k)} {', '.join(md_text(v) for v in vals)}"
                                                for k, vals in item.maps_to) + "\n")
        if item.mitigated_by:
            out.append("  - Mitigated by: " + ", ".join(_link(p, p, url_for) for p in item.mitigated_by) + "\n")
        source = f"{item.kind} {_link(item.record_id, item.record_id, url_for)}"
        if item.kind != "decision":
            source += f", question `{item.question_id}`"
        out.append(f"  - Source: {source}\n")
    return "".join(out)


def score_markdown(sc: Score, url_for: UrlFor = None) -> str:
    """A milestone's score as Markdown: scorecard, risks, plan and the changes since the previous milestone."""
    out = [scorecard(sc), f"## High risks\n\n{_risk_list(sc.high_risks, url_for)}",
           f"## Medium risks\n\n{_risk_list(sc.medium_risks, url_for)}",
           f"## Improvement plan\n\n{_plan(sc, url_for)}"]
    if sc.previous:
        out.append(f"## Since {md_text(sc.previous)}\n\n")
        for name, found in (("Improved", sc.improved), ("Regressed", sc.regressed)):
            lines = "\n".join(f"- {_item_ref(f, url_for)}: {LABELS[f.before or '']} → {LABELS[f.status]}"
                              for f in found)
            out.append(f"{name}:\n\n{lines or 'None.'}\n\n")
    if sc.new:
        out.append("## New (never answered)\n\n" + "\n".join(f"- `{i.qid}`" for i in sc.new) + "\n\n")
    return "".join(out)


def site_url_of(root: str, config_url: str | None) -> str | None:
    """The published site's base URL: `site_url` in archkb.yaml, else the top-level `site_url:` of mkdocs.yml.

    mkdocs.yml may use Python tags a safe loader refuses, so only its `site_url:` line is read.
    """
    import os
    import re

    if config_url:
        return config_url if config_url.endswith("/") else config_url + "/"
    path = os.path.join(root, "mkdocs.yml")
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        return None
    m = re.search(r"(?m)^site_url:[ \t]*['\"]?(https?://[^\s'\"#]+)", text)
    if not m:
        return None
    url = m.group(1)
    return url if url.endswith("/") else url + "/"


def record_url_for(catalog: Any) -> Callable[[str], str]:
    """Where a record is linked from generated files: its published page under the site URL when one is
    configured (see `site_url_of`), else its YAML file relative to the knowledge-base root."""
    from archkb.site.markdown import KIND_FOLDER, page_url

    base = site_url_of(catalog.root, getattr(catalog.config, "site_url", None))

    def url_for(rid: str) -> str:
        entry = catalog.entry(rid)
        if entry is None:
            return ""
        if base is None:
            return str(entry.path)
        return base + page_url(f"{KIND_FOLDER[entry.kind.name]}/{rid}.md")
    return url_for
