"""Review commands: `review checklist|new|score|milestone|sheet|record|answer|report`, `export lens|review-csv`."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Any

from archkb.cli.core import add_root, parse_date, usage_error
from archkb.core import fileio
from archkb.core.errors import InvalidInput, NotFound, RefusedWrite, UsageError

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def register(commands: Any, exports: Any) -> None:
    review = commands.add_parser("review", help="assemble, scaffold and score project reviews")
    sub = review.add_subparsers(dest="review_command", metavar="ACTION")
    sub.required = True

    p = sub.add_parser("checklist", help="a review's assembled checklist (profile + patterns + adopted ADRs)")
    p.add_argument("id", metavar="REVIEW_ID", help="the review's id (reviews/REVIEW_ID.yaml)")
    p.add_argument("--format", choices=("markdown", "csv", "json"), default="markdown",
                   help="a GitHub task list by section, CSV for spreadsheets, or JSON")
    add_root(p)
    p.set_defaults(func=cmd_checklist)

    p = sub.add_parser("new", help="scaffold reviews/PROJECT.yaml with a profile to fill in")
    p.add_argument("project", metavar="PROJECT", help="the new review's id, kebab-case (reviews/PROJECT.yaml)")
    add_root(p)
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("score", help="per-section counts, risks, improvement plan and changes at a milestone")
    p.add_argument("id", metavar="REVIEW_ID", help="the review's id (reviews/REVIEW_ID.yaml)")
    p.add_argument("--milestone", metavar="NAME", help="the milestone to score (default: the latest)")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                   help="plain text, JSON, or Markdown with the scorecard bars")
    add_root(p)
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("milestone", help="add a milestone that carries every answer forward")
    p.add_argument("id", metavar="REVIEW_ID", help="the review's id (reviews/REVIEW_ID.yaml)")
    p.add_argument("name", metavar="NAME", help="the new milestone's name (for example pre-production)")
    p.add_argument("--date", required=True, type=parse_date, metavar="YYYY-MM-DD", help="the meeting's date")
    p.add_argument("--from", dest="source", metavar="PREVIOUS",
                   help="carry answers given up to this milestone (default: the latest)")
    add_root(p)
    p.set_defaults(func=cmd_milestone)

    p = sub.add_parser("sheet", help="write the answer sheet (CSV) with the latest answers, for a meeting")
    p.add_argument("id", metavar="REVIEW_ID", help="the review's id (reviews/REVIEW_ID.yaml)")
    p.add_argument("out", metavar="OUT.csv", help="a new file to write (never overwritten)")
    p.add_argument("--milestone", metavar="NAME", help="answers at this milestone (default: the latest)")
    add_root(p)
    p.set_defaults(func=cmd_sheet)

    p = sub.add_parser("record", help="record a filled-in answer sheet at a milestone (edits the review in place)")
    p.add_argument("id", metavar="REVIEW_ID", help="the review's id (reviews/REVIEW_ID.yaml)")
    p.add_argument("sheet", metavar="SHEET.csv", help="a sheet written by `archkb review sheet`")
    p.add_argument("--milestone", required=True, metavar="NAME",
                   help="the milestone to record at; a new one is created (answers carried forward) with --date")
    p.add_argument("--date", type=parse_date, metavar="YYYY-MM-DD", help="the date of a new milestone")
    add_root(p)
    p.set_defaults(func=cmd_record)

    p = sub.add_parser("answer", help="record one answer (edits the review in place)")
    p.add_argument("id", metavar="REVIEW_ID", help="the review's id (reviews/REVIEW_ID.yaml)")
    p.add_argument("item", metavar="ITEM", help="the qualified item id, for example data-readiness/minimisation")
    p.add_argument("--status", required=True, choices=("met", "partial", "not_met", "not_applicable"))
    p.add_argument("--evidence", action="append", metavar="TEXT", help="evidence seen (repeat for several)")
    p.add_argument("--notes", metavar="TEXT", help="reviewer notes")
    p.add_argument("--owner", metavar="WHO", help="who fixes an unmet item")
    p.add_argument("--due", type=parse_date, metavar="YYYY-MM-DD", help="when an unmet item is due")
    p.add_argument("--reason", metavar="TEXT", help="why the item does not apply (for not_applicable)")
    p.add_argument("--automated", choices=("true", "false"), help="ML Test Score: the test runs automatically")
    p.add_argument("--milestone", metavar="NAME", help="the milestone (default: the latest; new ones need --date)")
    p.add_argument("--date", type=parse_date, metavar="YYYY-MM-DD", help="the date of a new milestone")
    add_root(p)
    p.set_defaults(func=cmd_answer)

    p = sub.add_parser("report", help="the board pack: summary and open risks, scorecard, improvement plan")
    p.add_argument("id", metavar="REVIEW_ID", help="the review's id (reviews/REVIEW_ID.yaml)")
    p.add_argument("out", metavar="OUT", help="a new file to write (never overwritten)")
    p.add_argument("--format", choices=("pdf", "html"), default="pdf",
                   help="PDF (printed by headless Chromium) or a print-ready HTML file")
    p.add_argument("--milestone", metavar="NAME", help="the milestone to report (default: the latest)")
    add_root(p)
    p.set_defaults(func=cmd_report)

    p = exports.add_parser("lens", help="a checklist as an AWS Well-Architected custom lens (JSON)")
    p.add_argument("checklist", metavar="CHECKLIST_ID", help="the checklist's id (checklists/CHECKLIST_ID.yaml)")
    p.add_argument("out", metavar="OUT.json", help="a new file to write (never overwritten)")
    add_root(p)
    p.set_defaults(func=cmd_export_lens)

    p = exports.add_parser("review-csv", help="a review's answers at every milestone as CSV")
    p.add_argument("review", metavar="REVIEW_ID", help="the review's id (reviews/REVIEW_ID.yaml)")
    p.add_argument("out", metavar="OUT.csv", help="a new file to write (never overwritten)")
    add_root(p)
    p.set_defaults(func=cmd_export_review_csv)


# ---------------------------------------------------------------- helpers


def _load(root: str) -> Any | None:
    if not os.path.isdir(root):
        usage_error(f"no such folder: {root}")
        return None
    from archkb.core.catalog import load_catalog

    return load_catalog(root)


def _record(catalog: Any, rid: str, kind: str) -> Any | None:
    rec = catalog.get(rid)
    if rec is None or catalog.kind_of(rid) != kind:
        known = ", ".join(r.id for r in catalog.records(kind)) or "none"
        entry = next((e for e in catalog.entries if e.kind.name == kind and e.record is None
                      and os.path.splitext(os.path.basename(e.path))[0] == rid), None)
        why = f" ({entry.path} is invalid: run `archkb check`)" if entry else f" (known: {known})"
        print(f"archkb: error: no {kind} {rid!r}{why}", file=sys.stderr)
        return None
    return rec


def write_new(path: str, text: str) -> None:
    """Create `path` through the one writer (never overwriting)."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fileio.write_new(folder, os.path.basename(path), text)


def _write_export(path: str, text: str) -> int:
    try:
        write_new(path, text)
    except FileExistsError:
        print(f"archkb: error: {path} exists; not overwriting it (choose a new file name)", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"archkb: error: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


def _source_url(catalog: Any) -> Any:
    return published_url(catalog)


def published_url(catalog: Any) -> Any:
    """Links for generated checklists, sheets and reports: published pages when a site URL is known, else YAML paths."""
    from archkb.site.review_md import record_url_for

    return record_url_for(catalog)


# ---------------------------------------------------------------- commands


def cmd_checklist(args: argparse.Namespace) -> int:
    catalog = _load(args.root)
    if catalog is None:
        return 2
    review = _record(catalog, args.id, "review")
    if review is None:
        return 1
    from archkb.reviews.review import assemble

    asm = assemble(review, catalog)
    if args.format == "json":
        data = {"review": review.id, "project": review.project.model_dump(mode="json"),
                "checklists": asm.checklists, "missing": asm.missing,
                "items": [i.to_json() for i in asm.items]}
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        from archkb.export.review_csv import checklist_csv

        sys.stdout.write(checklist_csv(asm, _source_url(catalog)))
    else:
        from archkb.site.review_md import assembled_checklist_markdown

        sys.stdout.write(assembled_checklist_markdown(review, asm, _source_url(catalog)))
    if asm.missing:
        print(f"archkb: warning: the review names records that do not exist: {', '.join(asm.missing)}",
              file=sys.stderr)
    return 0




def cmd_new(args: argparse.Namespace) -> int:
    """`archkb review new ID`: the same scaffold and id checks as `archkb new review`."""
    from archkb.authoring.scaffold import create, new_record
    from archkb.cli.core import _today

    rid = args.project
    if not SLUG_RE.match(rid) or len(rid) > 80:
        raise UsageError(f"{rid!r} is not a kebab-case id (lower-case letters, digits and hyphens)")
    catalog = _load(args.root)
    if catalog is None:
        return 2
    if any(p.is_error for p in catalog.problems if p.position.path == "archkb.yaml"):
        raise InvalidInput("archkb.yaml is invalid", [p for p in catalog.problems if p.position.path == "archkb.yaml"])
    rel, text = new_record(catalog, "review", rid.replace("-", " ").capitalize(), _today())
    create(args.root, rel, text)
    print(f"created {os.path.join(args.root, rel)}: fill in the profile, then `archkb review checklist {rid}`")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    catalog = _load(args.root)
    if catalog is None:
        return 2
    review = _record(catalog, args.id, "review")
    if review is None:
        return 1
    from archkb.reviews.review import score

    try:
        sc = score(review, catalog, args.milestone)
    except KeyError:
        names = ", ".join(m.name for m in review.milestones) or "none recorded"
        print(f"archkb: error: review {review.id!r} has no milestone {args.milestone!r} (milestones: {names})",
              file=sys.stderr)
        return 1
    _score_warnings(catalog, review)
    if args.format == "json":
        sys.stdout.write(json.dumps(sc.to_json(), indent=2, ensure_ascii=False) + "\n")
    elif args.format == "markdown":
        from archkb.site.review_md import score_markdown

        sys.stdout.write(score_markdown(sc, _source_url(catalog)))
    else:
        sys.stdout.write(score_text(sc))
    return 0


def _score_warnings(catalog: Any, review: Any) -> None:
    """W203 and W204 for this review on stderr: answers lost between milestones, high risks nobody owns."""
    from archkb.reviews.review import assemble, carry_and_owner_warnings

    if not review.milestones:
        return
    entry = catalog.entry(review.id)
    for problem in carry_and_owner_warnings(review, entry, assemble(review, catalog).by_qid):
        print(problem.format_text(), file=sys.stderr)


def _finding_line(f: Any) -> str:
    extra = []
    if f.answer is not None and f.answer.owner:
        extra.append(f"owner: {f.answer.owner}")
    if f.answer is not None and f.answer.due:
        extra.append(f"due {f.answer.due.isoformat()}")
    tail = f" ({'; '.join(extra)})" if extra else ""
    return f"  {f.item.qid} [{f.item.severity}, {f.status.replace('_', ' ')}]{tail}: {' '.join(f.item.text.split())}"


def score_text(sc: Any) -> str:
    """The plain-text scorecard `archkb review score` prints."""
    from archkb.reviews.review import COUNT_KEYS

    head = (f"{sc.review_id} at milestone {sc.milestone} ({sc.date.isoformat()})" if sc.milestone
            else f"{sc.review_id}: no milestone recorded (everything unanswered)")
    lines = [head, ""]
    labels = ["met", "partial", "not met", "n/a", "unanswered"]
    width = max([len(s.title) for s in sc.sections] + [7])
    lines.append(f"{'section':<{width}}  " + "  ".join(f"{lab:>10}" for lab in labels))
    for s in sc.sections:
        lines.append(f"{s.title:<{width}}  " + "  ".join(f"{s.counts[k]:>10}" for k in COUNT_KEYS))
    totals = sc.totals
    lines.append(f"{'total':<{width}}  " + "  ".join(f"{totals[k]:>10}" for k in COUNT_KEYS))
    lines += ["", f"high risks: {len(sc.high_risks)}"] + [_finding_line(f) for f in sc.high_risks]
    lines += [f"medium risks: {len(sc.medium_risks)}"] + [_finding_line(f) for f in sc.medium_risks]
    lines += [f"improvement plan: {len(sc.plan)}"]
    for f in sc.plan:
        lines.append(_finding_line(f))
        if f.item.improvement:
            lines.append(f"    -> {' '.join(f.item.improvement.split())}")
    if sc.previous:
        lines.append(f"since {sc.previous}:")
        for name, found in (("improved", sc.improved), ("regressed", sc.regressed)):
            lines.append(f"  {name}: {len(found)}")
            lines += [f"    {f.item.qid}: {(f.before or '').replace('_', ' ')} -> {f.status.replace('_', ' ')}"
                      for f in found]
    if sc.new:
        lines.append(f"new (never answered): {len(sc.new)}")
        lines += [f"  {i.qid}" for i in sc.new]
    if sc.unknown:
        lines.append(f"answers to items not in the checklist (E201): {', '.join(sc.unknown)}")
    for mt in sc.ml_test_scores:
        lines.append(f"ML Test Score ({mt.checklist}): {mt.final:g} (the lowest section: {'; '.join(mt.weakest)})")
        lines += [f"  {s.title}: {s.points:g} of {s.tests} ({s.automated} automated, {s.manual} by hand)"
                  for s in mt.sections]
    return "\n".join(lines) + "\n"


def cmd_export_lens(args: argparse.Namespace) -> int:
    catalog = _load(args.root)
    if catalog is None:
        return 2
    checklist = _record(catalog, args.checklist, "checklist")
    if checklist is None:
        return 1
    from archkb.export.lens import LensError, checklist_lens, lens_json

    try:
        lens = checklist_lens(checklist)
    except LensError as exc:
        print(f"archkb: error: {exc}", file=sys.stderr)
        return 1
    return _write_export(args.out, lens_json(lens))


def cmd_export_review_csv(args: argparse.Namespace) -> int:
    catalog = _load(args.root)
    if catalog is None:
        return 2
    review = _record(catalog, args.review, "review")
    if review is None:
        return 1
    from archkb.export.review_csv import results_csv

    return _write_export(args.out, results_csv(review, catalog))


# ---------------------------------------------------------------- recording answers


def _catalog(root: str) -> Any:
    if not os.path.isdir(root):
        raise NotFound(f"no such folder: {root}")
    from archkb.core.catalog import load_catalog

    return load_catalog(root)


def _review(catalog: Any, rid: str) -> Any:
    rec = catalog.get(rid)
    if rec is None or catalog.kind_of(rid) != "review":
        known = ", ".join(r.id for r in catalog.records("review")) or "none"
        raise NotFound(f"no review {rid!r}", hint=f"known reviews: {known}")
    return rec


def _milestone(review: Any, name: str | None) -> Any | None:
    if name is None:
        return review.milestones[-1] if review.milestones else None
    found = next((m for m in review.milestones if m.name == name), None)
    if found is None:
        names = ", ".join(m.name for m in review.milestones) or "none recorded"
        raise UsageError(f"review {review.id!r} has no milestone {name!r} (milestones: {names})")
    return found


def _write_change(root: str, change: Any) -> int:
    from archkb.reviews.record import write

    if change.created or change.changed:
        write(root, change.path, change.text)
    what = f"milestone {change.milestone}" + (" (new)" if change.created else "")
    parts = []
    if change.carried:
        parts.append(f"{change.carried} answer(s) carried forward")
    if change.changed is not None:
        parts.append(f"{len(change.changed)} answer(s) recorded")
    verb = "wrote" if change.created or change.changed else "unchanged:"
    print(f"{verb} {change.path}: {what}" + (f": {', '.join(parts)}" if parts else ""))
    return 0


def cmd_milestone(args: argparse.Namespace) -> int:
    from archkb.reviews.record import plan_milestone

    catalog = _catalog(args.root)
    _review(catalog, args.id)
    return _write_change(args.root, plan_milestone(catalog, args.id, args.name, args.date, args.source))


def cmd_sheet(args: argparse.Namespace) -> int:
    from archkb.export.review_csv import sheet_csv
    from archkb.reviews.review import assemble

    catalog = _catalog(args.root)
    review = _review(catalog, args.id)
    milestone = _milestone(review, args.milestone)
    return _write_export(args.out, sheet_csv(assemble(review, catalog), milestone, published_url(catalog)))


def cmd_record(args: argparse.Namespace) -> int:
    from archkb.export.review_csv import read_sheet
    from archkb.reviews.record import plan_answers
    from archkb.reviews.review import assemble

    catalog = _catalog(args.root)
    review = _review(catalog, args.id)
    try:
        with open(args.sheet, encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except FileNotFoundError as exc:
        raise NotFound(f"no such file: {args.sheet}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {args.sheet}: {exc}") from exc
    rows, problems = read_sheet(args.sheet, text, set(assemble(review, catalog).by_qid))
    if problems:
        raise InvalidInput(f"{args.sheet}: {len(problems)} problem(s); nothing was written", problems)
    updates = {r.qid: r.answer for r in rows}
    return _write_change(args.root, plan_answers(catalog, args.id, updates, args.milestone, args.date))


def cmd_answer(args: argparse.Namespace) -> int:
    from archkb.reviews.record import plan_answers
    from archkb.reviews.review import assemble

    catalog = _catalog(args.root)
    review = _review(catalog, args.id)
    if args.item not in assemble(review, catalog).by_qid:
        raise UsageError(f"{args.item!r} is not an item of review {args.id!r}",
                         hint=f"list them with `archkb review checklist {args.id}`")
    update: dict[str, Any] = {"status": args.status}
    for name in ("notes", "owner", "due", "reason"):
        if getattr(args, name) is not None:
            update[name] = getattr(args, name)
    if args.evidence is not None:
        update["evidence"] = [" ".join(e.split()) for e in args.evidence if e.strip()]
    if args.automated is not None:
        update["automated"] = args.automated == "true"
    change = plan_answers(catalog, args.id, {args.item: update}, args.milestone, args.date, merge=True)
    return _write_change(args.root, change)


def cmd_report(args: argparse.Namespace) -> int:
    from archkb.export.review_report import report_html, write_pdf

    catalog = _catalog(args.root)
    review = _review(catalog, args.id)
    _milestone(review, args.milestone)
    html = report_html(review, catalog, args.milestone, published_url(catalog))
    if os.path.lexists(args.out):
        raise RefusedWrite(f"{args.out} exists; not overwriting it (choose a new file name)")
    if args.format == "html":
        return _write_export(args.out, html)
    pages = write_pdf(html, args.out)
    print(f"wrote {args.out} ({pages} page(s))")
    return 0
