"""CSV for spreadsheets: a review's assembled checklist, its results by milestone, and the answer sheet (both ways).

Cells that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or
carriage return) are prefixed with an apostrophe, since record text arrives in pull requests;
reading a sheet back removes that apostrophe again. A sheet read back is validated row by
row, and every problem is reported at `SHEET.csv:ROW:COL` with a code (E211-E216) before
anything is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from archkb.core.problems import Position, Problem, error
from archkb.reviews.review import STATUSES, Assembly, assemble, risk_of

CHECKLIST_COLUMNS = ("id", "section", "severity", "question", "rationale", "evidence_expected", "maps_to",
                     "mitigated_by", "improvement", "source_kind", "source_id", "source_question", "source_path",
                     "link")
RESULT_COLUMNS = ("review", "milestone", "date", "id", "section", "severity", "status", "risk", "reason",
                  "owner", "due", "evidence", "notes", "question", "automated", "carried_from")


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


def checklist_csv(asm: Assembly, url_for: Any = None) -> str:
    """One row per item of an assembled checklist, in checklist order; `link` is the source record's
    published page when `url_for` gives one (a site URL is configured), else its YAML path."""
    rows = []
    for i in asm.items:
        rows.append([i.qid, i.section_title, i.severity, _flat(i.text), _flat(i.rationale),
                     "; ".join(_flat(e) for e in i.evidence),
                     "; ".join(f"{k}: {', '.join(v)}" for k, v in i.maps_to), ", ".join(i.mitigated_by),
                     _flat(i.improvement), i.kind, i.record_id, i.question_id, i.source_path,
                     (url_for(i.record_id) if url_for else "") or i.source_path])
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
                         _flat(i.text),
                         "" if a is None or a.automated is None else str(a.automated).lower(),
                         (a.carried_from or "") if a else ""])
    return _csv(RESULT_COLUMNS, rows)


SHEET_COLUMNS = ("id", "section", "question", "severity", "status", "automated", "evidence", "notes", "owner",
                 "due", "reason", "carried_from", "risk", "link")
"""The answer sheet: what `review sheet` writes and `review record` reads. Only id, status, automated,
evidence (one item per line of the cell), notes, owner, due and reason are read back; the others
are there to help whoever fills it in."""
SHEET_REQUIRED = ("id", "status")
SHEET_READ = ("id", "status", "automated", "evidence", "notes", "owner", "due", "reason")
_TRUE = {"true", "yes", "y", "1", "automated"}
_FALSE = {"false", "no", "n", "0", "manual"}
MAX_LINE = 500


def sheet_csv(asm: Assembly, milestone: Any | None, url_for: Any = None) -> str:
    """The answer sheet: one row per item with its answer at `milestone` (blank when unanswered)."""
    rows = []
    for i in asm.items:
        a = milestone.answers.get(i.qid) if milestone is not None else None
        status = a.status.value if a is not None else ""
        automated = "" if a is None or a.automated is None else ("true" if a.automated else "false")
        rows.append([i.qid, i.section_title, _flat(i.text), i.severity, status, automated,
                     "\n".join(_flat(e) for e in a.evidence) if a else "", (a.notes or "").strip() if a else "",
                     _flat(a.owner) if a else "", a.due.isoformat() if a and a.due else "",
                     _flat(a.reason) if a else "", (a.carried_from or "") if a else "",
                     risk_of(i.severity, status) or "" if a else "",
                     url_for(i.record_id) if url_for else i.source_path])
    return _csv(SHEET_COLUMNS, rows)


@dataclass
class SheetRow:
    """One answered row of a sheet: the item, its answer data, and the row's line number."""

    qid: str
    answer: dict[str, Any]
    row: int


def _unsafe(text: str) -> str:
    # Undo safe_cell: an apostrophe written before a formula-like first character.
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text


def read_sheet(path: str, text: str, known: set[str]) -> tuple[list[SheetRow], list[Problem]]:
    """Every answered row of a sheet (rows with a blank status are skipped), and the problems found.

    Problems are placed at the spreadsheet's row number (header = row 1; a cell holding several
    lines is still one row) and the column's number, as a spreadsheet shows them."""
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return [], [error("E211", "the sheet is empty or not CSV", Position(path, 1, 1))]
    cols = {name.strip().lower(): n for n, name in enumerate(header)}
    for name in SHEET_REQUIRED:
        if name not in cols:
            problems.append(error("E211", f"the sheet has no {name!r} column", Position(path, 1, 1),
                                  hint=f"columns: {', '.join(SHEET_COLUMNS)} (write one with `archkb review sheet`)"))
    for name, n in cols.items():
        if name and name not in SHEET_COLUMNS:
            problems.append(error("E211", f"unknown column {name!r}", Position(path, 1, n + 1),
                                  hint=f"columns: {', '.join(SHEET_COLUMNS)}"))
    if problems:
        return [], problems
    out: list[SheetRow] = []
    seen: dict[str, int] = {}
    line = 1  # the spreadsheet's row number (the header is row 1), not the file's line number
    while True:
        line += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(error("E211", f"not valid CSV: {exc}", Position(path, line, 1)))
            break
        if not any(c.strip() for c in cells):
            continue
        row, bad = _read_row(path, line, cells, cols, known, seen)
        problems.extend(bad)
        if row is not None:
            out.append(row)
    return out, problems


def _read_row(path: str, line: int, cells: list[str], cols: dict[str, int], known: set[str],
              seen: dict[str, int]) -> tuple[SheetRow | None, list[Problem]]:
    def cell(name: str) -> str:
        n = cols.get(name)
        return _unsafe(cells[n].strip()) if n is not None and n < len(cells) else ""

    def pos(name: str) -> Position:
        return Position(path, line, cols.get(name, 0) + 1)

    problems: list[Problem] = []
    qid, status = cell("id"), cell("status").lower().replace(" ", "_")
    if qid not in known:
        problems.append(error("E212", f"{qid!r} is not an item of this review's assembled checklist", pos("id"),
                              hint="keep the id column as `archkb review sheet` wrote it"))
        return None, problems
    if status in ("", "unanswered"):
        return None, []
    if qid in seen:
        problems.append(error("E216", f"{qid!r} is also answered at row {seen[qid]}", pos("id")))
    seen.setdefault(qid, line)
    if status not in STATUSES:
        problems.append(error("E213", f"status {cell('status')!r} is not one of: {', '.join(STATUSES)}",
                              pos("status")))
    answer: dict[str, Any] = {"status": status}
    auto = cell("automated").lower()
    if auto in _TRUE:
        answer["automated"] = True
    elif auto in _FALSE:
        answer["automated"] = False
    elif auto:
        problems.append(error("E215", f"automated {cell('automated')!r} is not true or false", pos("automated")))
    due = cell("due")
    if due:
        try:
            answer["due"] = dt.date.fromisoformat(due)
            if len(due) != 10:
                raise ValueError(due)
        except ValueError:
            problems.append(error("E214", f"due {due!r} is not a date (YYYY-MM-DD)", pos("due")))
    evidence = [" ".join(e.split()) for e in cell("evidence").splitlines() if e.strip()]
    if evidence:
        answer["evidence"] = evidence
    for name in ("reason", "owner"):
        value = " ".join(cell(name).split())
        if value:
            answer[name] = value
    notes = cell("notes")
    if notes:
        answer["notes"] = notes
    for name in ("reason", "owner", "evidence"):
        values = answer.get(name)
        for v in values if isinstance(values, list) else [values] if values else []:
            if len(v) > MAX_LINE:
                problems.append(error("E215", f"{name} is longer than {MAX_LINE} characters", pos(name)))
    if status == "not_applicable" and "reason" not in answer:
        problems.append(error("E215", "not_applicable needs a reason", pos("reason"),
                              hint="say in the reason column why the item does not apply"))
    return SheetRow(qid, answer, line), problems
