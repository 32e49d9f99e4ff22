"""The review parts of site pages: a review's board view (summary, chart, items, plan, history), the risk register,
a checklist's usage, and the Markdown of `review checklist` and `review score`.

Everything taken from a record is escaped (`md_text`, `attr_text`) or sanitised (`inline_markdown`,
`markdown_html`); the bars and the chart are SVG built only from computed counts and escaped titles.
Links to other records' pages come from a `url_for(record_id) -> url` callable (Markdown) or an
`href_for` (raw HTML, which MkDocs does not rewrite); with none, ids are shown without links.
The site URL for links in generated files is found here too (`record_url_for`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archkb.reviews.review import (
    COUNT_KEYS,
    STATUS_WORDS,
    Finding,
    Score,
    assemble,
    history,
    legal_mismatch,
    overdue,
    risk_of,
    risk_reason,
    score,
    verdict,
)
from archkb.site.sanitize import attr_text, inline_markdown, markdown_html, md_table, md_text

UrlFor = Callable[[str], str] | None

LABELS = {"met": "met", "partial": "partial", "not_met": "not met", "not_applicable": "n/a",
          "unanswered": "unanswered"}
COLOURS = {"met": "#2e7d32", "partial": "#f9a825", "not_met": "#c62828", "not_applicable": "#9e9e9e",
           "unanswered": "#e0e0e0"}
BAR_WIDTH = 120


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
    return summary + md_table(["Section", "", "Met", "Partial", "Not met", "N/A", "Unanswered"], rows)


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
    return md_table(["Item", "Severity", "Status", "Owner", "Due", "Improvement"], rows) or "Nothing to improve.\n\n"


def _history(scores: list[Score], url_for: UrlFor) -> str:
    rows = []
    for s in scores:
        # Five columns (answers in one cell): ten made every review page scroll sideways at 1,400 px.
        answers = ", ".join(f"{n} {LABELS[k]}" for k, n in zip(COUNT_KEYS, _counts_row(s.totals), strict=True))
        rows.append([f"{md_text(s.milestone or '')} ({s.date.isoformat()})" if s.date else md_text(s.milestone or ""),
                     bar(s.totals), answers, str(len(s.high_risks)), str(len(s.medium_risks))])
    out = md_table(["Milestone", "", "Answers", "High risks", "Medium risks"], rows)
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
    return "## Used by reviews\n\n" + md_table(["Question", "Text", "Reviews (latest answer)"], rows)


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
    out = [scorecard(sc), ml_testmd_table(sc), f"## High risks\n\n{_risk_list(sc.high_risks, url_for)}",
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


# ---------------------------------------------------------------- the board view (review page and board pack)
#
# Raw HTML blocks (no blank lines inside, so Markdown passes them through whole): folded
# `<details>` need HTML inside, and the board pack prints the same blocks. Text from records
# is escaped (`_h`) or rendered and sanitised (`_rich`); links use `href_for(record_id)`, a
# real URL (raw HTML is not rewritten by MkDocs), or no link when it is None.

HrefFor = Callable[[str], "str | None"] | None
CHART_LABEL = 300
CHART_BAR = 320
CHART_ROW = 18
PRINT_OWNERS = 7
"""Owners listed one per row in a printed summary; the rest share a row, so the summary stays one page."""


def today_for_pages() -> dt.date:
    """The date pages measure "overdue" against: ARCHKB_TODAY when set (reproducible builds), else today."""
    override = os.environ.get("ARCHKB_TODAY")
    return dt.date.fromisoformat(override) if override else dt.date.today()


def _h(text: str | None) -> str:
    return attr_text(text or "")


def _rich(text: str | None) -> str:
    """A Markdown field as sanitised inline HTML on one line (paragraph tags dropped)."""
    if not text:
        return ""
    html_text = markdown_html(" ".join(text.split()) if "\n\n" not in text else text, inert=True).strip()
    if html_text.startswith("<p>") and html_text.endswith("</p>") and html_text.count("<p>") == 1:
        html_text = html_text[3:-4]
    return html_text.replace("\n", " ")


def _a(rid: str, text: str, href_for: HrefFor) -> str:
    url = href_for(rid) if href_for else None
    return f'<a href="{attr_text(url)}">{_h(text)}</a>' if url else _h(text)


def _htmlmd_table(headers: list[str], rows: list[list[str]]) -> str:
    # No class attribute: the theme styles `table:not([class])`, so these look like the Markdown tables.
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _fold(summary: str, body: str, fold: bool, *, open_: bool = False) -> str:
    if not fold:
        return body + "\n\n"
    return (f'<details class="archkb-fold"{" open" if open_ else ""}><summary>{summary}</summary>'
            f"{body}</details>\n\n")


def _who_when(f: Finding, today: dt.date) -> tuple[str, str]:
    a = f.answer
    owner = _h(a.owner) if a is not None and a.owner else "<em>no owner</em>"
    if a is None or not a.due:
        return owner, "<em>no date</em>"
    late = " <strong>(overdue)</strong>" if a.due < today else ""
    return owner, f'<span class="archkb-date">{a.due.isoformat()}</span>{late}'


def _status_cell(f: Finding) -> str:
    text = LABELS[f.status]
    a = f.answer
    if a is not None and getattr(a, "carried_from", None):
        text += f" <small>(carried from {_h(a.carried_from)})</small>"
    if a is not None and getattr(a, "automated", None) is not None:
        text += " <small>(automated)</small>" if a.automated else " <small>(by hand)</small>"
    return text


def risksmd_table(findings: list[Finding], href_for: HrefFor, today: dt.date) -> str:
    """Open risks with the rule in words, the owner and the due date."""
    rows = []
    for f in findings:
        owner, due = _who_when(f, today)
        risk = risk_of(f.item.severity, f.status) or ""
        rows.append([f'<span class="archkb-risk-{risk}">{risk}</span>',
                     f"{_a(f.item.record_id, f.item.qid, href_for)}<br>{_rich(f.item.text)}",
                     _h(risk_reason(f.item.severity, f.status)), owner, due])
    return _htmlmd_table(["Risk", "Item", "Why", "Owner", "Due"], rows) if rows else ""


def risks_by_owner(findings: list[Finding], href_for: HrefFor, today: dt.date, limit: int | None = None) -> str:
    """Risks grouped by owner (most risks first): how many, the earliest due date, and which items (severity,
    status). With `limit`, owners past it share one last row (a printed first page has room for so many)."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        owner = f.answer.owner if f.answer is not None and f.answer.owner else ""
        groups.setdefault(owner, []).append(f)

    def earliest(fs: list[Finding]) -> dt.date:
        return min((f.answer.due for f in fs if f.answer is not None and f.answer.due), default=dt.date.max)
    rows = []
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), earliest(kv[1]), kv[0]))
    rest = ordered[limit:] if limit is not None and len(ordered) > limit + 1 else []
    for owner, fs in ordered[: len(ordered) - len(rest)]:
        first = earliest(fs)
        due = "<em>no date</em>" if first == dt.date.max else (
            f'<span class="archkb-date">{first.isoformat()}</span>' + (" <strong>(overdue)</strong>"
                                                                       if first < today else ""))
        undated = sum(1 for f in fs if f.answer is None or not f.answer.due)
        if undated and first != dt.date.max:
            due += f" <small>({undated} without a date)</small>"
        items = "; ".join(f"{_a(f.item.record_id, f.item.qid, href_for)} <small>({f.item.severity}, "
                          f"{STATUS_WORDS[f.status]})</small>" for f in fs)
        rows.append([_h(owner) if owner else "<em>no owner</em>", str(len(fs)), due, items])
    if rest:
        fs_rest = [f for _, fs in rest for f in fs]
        first = earliest(fs_rest)
        rows.append([f"<em>{len(rest)} other owners</em>", str(len(fs_rest)),
                     "" if first == dt.date.max else f'<span class="archkb-date">{first.isoformat()}</span>',
                     "; ".join(_h(o or "no owner") for o, _ in rest) + " <small>(every item is in the improvement "
                     "plan)</small>"])
    return _htmlmd_table(["Owner", "Risks", "Earliest due", "Items (severity, status)"], rows) + "\n\n" if rows \
        else ""


def summary_section(review: Any, sc: Score, href_for: HrefFor, today: dt.date, *, fold: bool = True) -> str:
    """The board's first screen: verdict, legal mismatch, ML Test Score, open risks, change since last time.

    High risks are listed in full; medium risks by owner (every one is in the improvement plan too, and on
    the page in full behind a fold), so the summary stays one printed page."""
    if sc.milestone and sc.date:
        head = (f'<p class="archkb-verdict"><strong>Verdict at {_h(sc.milestone)} ({sc.date.isoformat()}):'
                f"</strong> {_h(verdict(sc, today))}.</p>")
    else:
        head = '<p class="archkb-verdict"><strong>Not yet reviewed:</strong> every item is unanswered.</p>'
    parts = [head + "\n\n"]
    mismatch = legal_mismatch(review.project)
    if mismatch:
        parts.append(f'<p class="archkb-mismatch"><strong>Risk tier and legal classification differ.</strong> '
                     f"{_rich(mismatch)}</p>\n\n")
    for mt in sc.ml_test_scores:
        parts.append(f"<p><strong>ML Test Score ({_h(mt.checklist)}): {mt.final:g}</strong> — the lowest of its "
                     "sections (" + ", ".join(f"{_h(s.title.split(': ', 1)[-1])} {s.points:g}/{s.tests}"
                                              for s in mt.sections)
                     + "; half a point per test run by hand, one per automated test).</p>\n\n")
    parts.append("<p>The rule: a high-severity question not met is a high risk, partly met a medium risk; a "
                 "medium-severity question not met or partly met is a medium risk.</p>\n\n")
    n_high, n_med = len(sc.high_risks), len(sc.medium_risks)
    parts.append(f"<p><strong>High risks ({n_high})</strong>" + (":</p>\n\n" if n_high else ": none.</p>\n\n"))
    if n_high:
        parts.append(risksmd_table(sc.high_risks, href_for, today) + "\n\n")
    parts.append(f"<p><strong>Medium risks ({n_med})</strong>" + (", by owner:</p>\n\n" if n_med else
                                                                   ": none.</p>\n\n"))
    parts.append(risks_by_owner(sc.medium_risks, href_for, today, None if fold else PRINT_OWNERS))
    if n_med and fold:
        parts.append(_fold(f"All {n_med} medium risks, with the rule in words",
                           risksmd_table(sc.medium_risks, href_for, today), True))
    parts.append(change_summary(sc, href_for, fold=fold))
    return "".join(parts)


def change_summary(sc: Score, href_for: HrefFor, *, fold: bool = True) -> str:
    """What changed since the previous milestone: counts, the regressions listed, the improvements folded
    (left out when not folding: a printed summary keeps to one page; the history has them)."""
    if not sc.previous:
        return ""
    head = (f"<p><strong>Since {_h(sc.previous)}:</strong> {len(sc.improved)} improved, "
            f"{len(sc.regressed)} regressed, {len(sc.new)} new (never answered).</p>")
    out = head + "\n\n"

    def items(found: list[Finding]) -> str:
        return "<ul>" + "".join(f"<li>{_a(f.item.record_id, f.item.qid, href_for)}: {LABELS[f.before or '']} → "
                                f"{LABELS[f.status]}</li>" for f in found) + "</ul>"
    if sc.regressed:
        out += f"<p>Regressed:</p>{items(sc.regressed)}\n\n"
    if sc.improved and fold:
        out += _fold(f"Improved ({len(sc.improved)})", items(sc.improved), fold)
    return out


def _chart_rows(sc: Score) -> list[tuple[str, Any]]:
    """("group", title) rows before each run of sections from one source, then ("section", score) rows."""
    rows: list[tuple[str, Any]] = []
    group = None
    for s in sc.sections:
        head, sep, _ = s.title.partition(": ")
        head = head if sep else ""
        if head != group:
            group = head
            if head:
                rows.append(("group", head))
        rows.append(("section", s))
    return rows


def scorecard_chart(sc: Score) -> str:
    """A static SVG chart: one stacked bar per section (met, partial, not met, n/a, unanswered) with its counts,
    the sections grouped under their checklist (or "Pattern") so the labels stay short."""
    rows = _chart_rows(sc)
    height = CHART_ROW * (len(rows) + 2) + 8
    width = CHART_LABEL + CHART_BAR + 90
    label = attr_text(f"Scorecard at {sc.milestone or 'no milestone'}: " + "; ".join(
        f"{s.title}: {s.counts['met']} of {s.total} met" for s in sc.sections))
    out = [f'<svg class="archkb-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" aria-label="{label}" font-family="sans-serif" '
           'font-size="12">']
    x = CHART_LABEL
    for key in COUNT_KEYS:  # legend
        out.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{COLOURS[key]}"/>'
                   f'<text x="{x + 14}" y="13">{LABELS[key]}</text>')
        x += 14 + 8 * len(LABELS[key]) + 12
    for n, (kind, row) in enumerate(rows):
        y = CHART_ROW * (n + 1) + 4
        if kind == "group":
            out.append(f'<text x="4" y="{y + 12}" font-weight="bold">{attr_text(row)}</text>')
            continue
        s = row
        short = s.title.partition(": ")[2] or s.title
        short = short if len(short) <= 44 else short[:43] + "…"
        counts = ", ".join(f"{s.counts[k]} {LABELS[k]}" for k in COUNT_KEYS)
        out.append(f'<g><title>{attr_text(s.title)}: {attr_text(counts)}</title>'
                   f'<text x="{CHART_LABEL - 6}" y="{y + 12}" text-anchor="end">{attr_text(short)}</text>')
        bx = float(CHART_LABEL)
        total = s.total or 1
        for key in COUNT_KEYS:
            w = round(CHART_BAR * s.counts[key] / total, 1)
            if s.counts[key]:
                out.append(f'<rect x="{bx:g}" y="{y}" width="{w:g}" height="14" fill="{COLOURS[key]}"/>')
                bx += w
        out.append(f'<text x="{CHART_LABEL + CHART_BAR + 6}" y="{y + 12}">{s.counts["met"]}/{s.total} met</text></g>')
    t = sc.totals
    y = CHART_ROW * (len(rows) + 1) + 4
    out.append(f'<text x="{CHART_LABEL - 6}" y="{y + 12}" text-anchor="end" font-weight="bold">Total</text>'
               f'<text x="{CHART_LABEL}" y="{y + 12}" font-weight="bold">'
               + attr_text(", ".join(f"{t[k]} {LABELS[k]}" for k in COUNT_KEYS)) + "</text>")
    out.append("</svg>")
    return "".join(out)


def ml_testmd_table(sc: Score) -> str:
    """Each ML Test Score checklist's points per section (tests met by hand and automated)."""
    out = ""
    for mt in sc.ml_test_scores:
        rows = [[_h(s.title.split(": ", 1)[-1]), str(s.tests), str(s.manual), str(s.automated), f"{s.points:g}"]
                for s in mt.sections]
        rows.append(["<strong>ML Test Score (the lowest section)</strong>", "", "", "", f"<strong>{mt.final:g}</strong>"])
        out += (f"<p>ML Test Score of {_h(mt.checklist)}: half a point per test met and run by hand, one per "
                "automated test met; an answer that does not say counts as by hand.</p>"
                + _htmlmd_table(["Section", "Tests", "By hand", "Automated", "Points"], rows) + "\n\n")
    return out


def scorecard_section(sc: Score, *, fold: bool = True) -> str:
    """The chart, the ML Test Score where a checklist declares it, then the counts table (folded on the page;
    left out in print, where the chart's counts suffice)."""
    rows = [[_h(s.title), *_counts_row(s.counts)] for s in sc.sections]
    rows.append(["<strong>Total</strong>", *[f"<strong>{v}</strong>" for v in _counts_row(sc.totals)]])
    table = _htmlmd_table(["Section", "Met", "Partial", "Not met", "N/A", "Unanswered"], rows)
    chart = f'<figure class="archkb-diagram">{scorecard_chart(sc)}</figure>\n\n' + ml_testmd_table(sc)
    return chart + _fold("Counts by section", table, True) if fold else chart


def _answer_cells(f: Finding) -> tuple[str, str]:
    a = f.answer
    if a is None:
        return "", ""
    evidence = "<br>".join(_rich(e) for e in a.evidence)
    notes = " ".join(x for x in (_rich(a.notes), f"<em>Not applicable:</em> {_rich(a.reason)}" if a.reason else "")
                     if x)
    return evidence, notes


def items_section(review: Any, asm: Any, sc: Score, href_for: HrefFor, *, fold: bool = True) -> str:
    """Every item with its status, evidence and notes: one fold per checklist (and one for the patterns),
    the counts in its summary, a table per section inside."""
    milestone = next((m for m in review.milestones if m.name == sc.milestone), None)
    by_section: dict[str, list[Finding]] = {}
    for item in asm.items:
        answer = milestone.answers.get(item.qid) if milestone else None
        status = getattr(answer.status, "value", "unanswered") if answer is not None else "unanswered"
        by_section.setdefault(item.section, []).append(Finding(item, status, answer))
    groups: dict[str, list[Any]] = {}
    for s in sc.sections:
        head, sep, _ = s.title.partition(": ")
        groups.setdefault(head if sep else s.title, []).append(s)
    out = []
    for group, sections in groups.items():
        body = ""
        totals = dict.fromkeys(COUNT_KEYS, 0)
        for s in sections:
            rows = []
            for f in by_section.get(s.key, []):
                evidence, notes = _answer_cells(f)
                rows.append([f"{_a(f.item.record_id, f.item.qid, href_for)}<br>{_rich(f.item.text)}",
                             f.item.severity, _status_cell(f), evidence, notes])
            for k in COUNT_KEYS:
                totals[k] += s.counts[k]
            name = s.title.partition(": ")[2] or s.title
            body += f"<p><strong>{_h(name)}</strong></p>" + _htmlmd_table(
                ["Item", "Severity", "Status", "Evidence", "Notes"], rows)
        counts = ", ".join(f"{totals[k]} {LABELS[k]}" for k in COUNT_KEYS if totals[k])
        if fold:
            out.append(_fold(f"{_h(group)} <small>({counts})</small>", body, True))
        else:
            out.append(f"<h3>{_h(group)}</h3>\n\n{body}\n\n")
    return "".join(out)


def plan_section(sc: Score, href_for: HrefFor, today: dt.date, *, fold: bool = True) -> str:
    """The improvement plan (riskiest first, then the earliest due date) with owners and dates."""
    rows = []
    for f in sc.plan:
        owner, due = _who_when(f, today)
        rows.append([f"{_a(f.item.record_id, f.item.qid, href_for)}<br>{_rich(f.item.text)}", f.item.severity,
                     LABELS[f.status], owner, due, _rich(f.item.improvement)])
    if not rows:
        return "<p>Nothing to improve.</p>\n\n"
    late = len(overdue(sc, today))
    body = _htmlmd_table(["Item", "Severity", "Status", "Owner", "Due", "Improvement"], rows)
    return _fold(f"{len(rows)} action(s)" + (f", {late} overdue" if late else ""), body, fold)


def history_section(scores: list[Score], href_for: HrefFor, *, fold: bool = True) -> str:
    """Counts and risks at every milestone, then each milestone's changes (folded)."""
    # Five columns (the answers in one cell): ten made every review page scroll sideways at 1,400 px.
    rows = [[f"{_h(s.milestone)} ({s.date.isoformat()})" if s.date else _h(s.milestone), bar(s.totals),
             ", ".join(f"{n} {LABELS[k]}" for k, n in zip(COUNT_KEYS, _counts_row(s.totals), strict=True)),
             str(len(s.high_risks)), str(len(s.medium_risks))] for s in scores]
    out = _htmlmd_table(["Milestone", "", "Answers", "High risks", "Medium risks"], rows) + "\n\n"
    for s in scores[1:]:
        if not (s.improved or s.regressed or s.new):
            continue
        body = ""
        for name, found in (("Improved", s.improved), ("Regressed", s.regressed)):
            if found:
                body += f"<p>{name}:</p><ul>" + "".join(
                    f"<li>{_a(f.item.record_id, f.item.qid, href_for)}: {LABELS[f.before or '']} → "
                    f"{LABELS[f.status]}</li>" for f in found) + "</ul>"
        if s.new:
            body += "<p>New (never answered):</p><ul>" + "".join(
                f"<li>{_a(i.record_id, i.qid, href_for)}</li>" for i in s.new) + "</ul>"
        title = (f"{_h(s.previous)} → {_h(s.milestone)}: {len(s.improved)} improved, {len(s.regressed)} regressed, "
                 f"{len(s.new)} new")
        out += _fold(title, body, fold)
    return out


def earlier_answers(review: Any, asm: Any, shown: str | None, href_for: HrefFor, *, fold: bool = True) -> str:
    """The evidence, notes and reasons recorded at the other milestones (folded, one per milestone), so that
    nothing a board recorded is missing from the page or its search."""
    known = asm.by_qid
    out = ""
    for m in review.milestones:
        if m.name == shown:
            continue
        rows = []
        for qid, a in m.answers.items():
            if not (a.evidence or a.notes or a.reason):
                continue
            item = known.get(qid)
            status = getattr(a.status, "value", a.status)
            f = Finding(item, status, a) if item is not None else None
            evidence, notes = _answer_cells(f) if f is not None else ("", "")
            ref = _a(item.record_id, qid, href_for) if item is not None else _h(qid)
            rows.append([ref, _status_cell(f) if f is not None else LABELS.get(status, status), evidence, notes])
        if rows:
            out += _fold(f"Evidence and notes recorded at {_h(m.name)} ({m.date.isoformat()}): {len(rows)} answer(s)",
                         _htmlmd_table(["Item", "Status", "Evidence", "Notes"], rows), fold)
    return out


@dataclass
class Board:
    """The parts of a review's board view at one milestone, each a Markdown-safe HTML block."""

    score: Score
    summary: str
    scorecard: str
    items: str
    plan: str
    history: str


def board(review: Any, catalog: Any, href_for: HrefFor = None, *, milestone: str | None = None,
          today: dt.date | None = None, fold: bool = True) -> Board:
    """The board view of a review (the latest milestone by default)."""
    today = today or today_for_pages()
    asm = assemble(review, catalog)
    scores = history(review, catalog, asm)
    sc = score(review, catalog, milestone, asm)
    shown = [s for s in scores if s.date is None or sc.date is None or s.date <= sc.date]
    past = (history_section(shown, href_for, fold=fold) if shown else "") + earlier_answers(
        review, asm, sc.milestone, href_for, fold=fold)
    return Board(sc, summary_section(review, sc, href_for, today, fold=fold), scorecard_section(sc, fold=fold),
                 items_section(review, asm, sc, href_for, fold=fold), plan_section(sc, href_for, today, fold=fold),
                 past)


def links_section(ctx: Any, rid: str, uri: str) -> str:
    """A review's stated links (its patterns, decisions and checklists: a long list) folded, and what links to
    it, for the review page (the same content as other record pages' Links and Referenced by)."""
    from archkb.site.markdown import BACKLINK_VERB

    g = ctx.graph
    if rid not in g:
        return ""

    def ref(v: str) -> str:
        return f'<a href="{attr_text(ctx.href(uri, ctx.uri(v)))}">{_h(v)}: {_h(g.nodes[v]["title"])}</a>'
    rows = [[_h(d["type"].replace("_", " ")), ref(v), _rich(d.get("note"))]
            for _, v, d in sorted(g.out_edges(rid, data=True), key=lambda e: (e[2]["type"], e[1])) if not d["derived"]]
    out = ""
    if rows:
        out += "## Links\n\n" + _fold(f"{len(rows)} links (patterns used, decisions adopted, checklists)",
                                      _htmlmd_table(["Link", "Record", "Note"], rows), True)
    back = sorted({(d["type"], u) for u, _, d in g.in_edges(rid, data=True) if not d["derived"] and u != rid})
    lines = [f"- {ctx.link(uri, u)} — {BACKLINK_VERB.get(t, t)}" for t, u in back]
    out += "## Referenced by\n\n" + ("\n".join(lines) + "\n\n" if lines else "Nothing links to this record yet.\n\n")
    return out
