"""Review commands: `review checklist|new|score` and the `export lens` and `export review-csv` formats."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Any

from archkb.cli.core import add_root, usage_error
from archkb.core import fileio
from archkb.core.errors import InvalidInput, UsageError

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
    def url_for(rid: str) -> str:
        entry = catalog.entry(rid)
        return entry.path if entry else ""
    return url_for


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

        sys.stdout.write(checklist_csv(asm))
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
    if args.format == "json":
        sys.stdout.write(json.dumps(sc.to_json(), indent=2, ensure_ascii=False) + "\n")
    elif args.format == "markdown":
        from archkb.site.review_md import score_markdown

        sys.stdout.write(score_markdown(sc, _source_url(catalog)))
    else:
        sys.stdout.write(score_text(sc))
    return 0


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
