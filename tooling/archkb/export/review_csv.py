"""CSV for spreadsheets: a review's assembled checklist, and its recorded results milestone by milestone.

Cells that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or
carriage return) are prefixed with an apostrophe, since record text arrives in pull requests.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from archkb.reviews.review import Assembly, assemble, risk_of

CHECKLIST_COLUMNS = ("id", "section", "severity", "question", "rationale", "evidence_expected", "maps_to",
                     "mitigated_by", "improvement", "source_kind", "source_id", "source_question", "source_path")
RESULT_COLUMNS = ("review", "milestone", "date", "id", "section", "severity", "status", "risk", "reason",
                  "owner", "due", "evidence", "notes", "question")


def safe_cell(value: Any) -> str:
    """A cell value that a spreadsheet shows as text, never evaluates."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(header: tuple[str, ...], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue()


def _flat(text: str | None) -> str:
    return " ".join((text or "").split())


def checklist_csv(asm: Assembly) -> str:
    """One row per item of an assembled checklist, in checklist order."""
    rows = []
    for i in asm.items:
        rows.append([i.qid, i.section_title, i.severity, _flat(i.text), _flat(i.rationale),
                     "; ".join(_flat(e) for e in i.evidence),
                     "; ".join(f"{k}: {', '.join(v)}" for k, v in i.maps_to), ", ".join(i.mitigated_by),
                     _flat(i.improvement), i.kind, i.record_id, i.question_id, i.source_path])
    return _csv(CHECKLIST_COLUMNS, rows)


def results_csv(review: Any, catalog: Any) -> str:
    """One row per milestone and item (unanswered items included), oldest milestone first."""
    asm = assemble(review, catalog)
    rows = []
    for m in review.milestones:
        for i in asm.items:
            a = m.answers.get(i.qid)
            status = a.status.value if a is not None else "unanswered"
            rows.append([review.id, m.name, m.date.isoformat(), i.qid, i.section_title, i.severity, status,
                         risk_of(i.severity, status) or "", _flat(a.reason) if a else "",
                         _flat(a.owner) if a else "", a.due.isoformat() if a and a.due else "",
                         "; ".join(_flat(e) for e in a.evidence) if a else "", _flat(a.notes) if a else "",
                         _flat(i.text)])
    return _csv(RESULT_COLUMNS, rows)
