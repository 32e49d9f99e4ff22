"""Adoption commands: `archkb init` in a new repository, `archkb import` of existing Markdown ADRs, exports."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from typing import Any


def register(commands: Any, exports: Any) -> None:
    p = commands.add_parser("init", help="start a knowledge base in a repository (never overwrites a file)")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the repository (default: the current folder)")
    p.add_argument("--title", help="the knowledge base's title (default: from the folder name)")
    p.add_argument("--install", metavar="SPEC",
                   help="what the CI workflow pip-installs (default: archkb==VERSION; a wheel URL or git+https://...)")
    p.add_argument("--category", action="append", metavar="ID=TITLE", default=[],
                   help="a category of the vocabulary (repeatable; default: six general ones)")
    p.add_argument("--dry-run", action="store_true", help="say what would be written; write nothing")
    p.set_defaults(func=cmd_init)

    p = commands.add_parser("import", help="import a folder of Markdown ADRs (adr-tools, MADR, log4brains)")
    p.add_argument("src", metavar="SRC_DIR", help="the folder of Markdown ADRs (for example doc/adr)")
    p.add_argument("--format", choices=("auto", "adr-tools", "madr", "log4brains"), default="auto",
                   help="the source dialect, recorded in provenance (auto: detected by majority)")
    p.add_argument("--out", default="adr", help="where to write the records, relative to the KB root")
    p.add_argument("-C", "--root", default=".", help="knowledge base root (default: the current folder)")
    p.add_argument("--offset", type=int, default=0, help="add this to every source number (to avoid id clashes)")
    p.add_argument("--dry-run", action="store_true", help="report what would be written; write nothing")
    p.add_argument("--report", metavar="FILE", help="also write the per-file report as JSON")
    p.add_argument("--source-url", metavar="BASE",
                   help="the imported folder's URL in the original repository: relative links to files that are "
                        "not imported point there (otherwise they become plain text, reported)")
    p.set_defaults(func=cmd_import)

    for name, what, metavar in (("catalog", "every record and edge as versioned JSON (archkb-catalog v1)", "OUT.json"),
                                ("madr", "decisions as MADR 4 Markdown files (re-importable)", "OUTDIR"),
                                ("csv", "decisions as CSV, one row each", "OUT.csv")):
        e = exports.add_parser(name, help=what)
        e.add_argument("out", metavar=metavar, help="where to write (never overwritten)")
        e.add_argument("-C", "--root", default=".", help="knowledge base root (default: the current folder)")
        e.set_defaults(func=cmd_export, export_kind=name)


def cmd_init(args: argparse.Namespace) -> int:
    from archkb.adopt.init import apply_init, plan_init
    from archkb.core.errors import UsageError

    categories = []
    for item in args.category:
        cid, sep, title = item.partition("=")
        if not sep or not cid.strip() or not title.strip():
            raise UsageError(f"--category {item!r}: write ID=Title, for example data='Data and storage'")
        categories.append((cid.strip(), title.strip()))
    if os.path.exists(args.dir) and not os.path.isdir(args.dir):
        raise UsageError(f"{args.dir} is not a folder")
    from archkb.cli.core import _today

    plan = plan_init(args.dir, title=args.title, install=args.install, categories=categories or None,
                     today=_today())
    verb = "would create" if args.dry_run else "create"
    for rel in sorted(plan.create):
        print(f"{verb:<13} {rel}")
    for rel in sorted(plan.append):
        print(f"{'would append' if args.dry_run else 'append':<13} {rel} (archkb entries)")
    for rel, why in sorted(plan.skipped.items()):
        print(f"{'skip':<13} {rel}: {why}")
    if not plan.repo_url:
        print("note: no git remote 'origin': mkdocs.yml has no repo_url/edit_uri (add them to get edit links)")
    if plan.exclude and "mkdocs.yml" in plan.skipped:
        print("note: add to mkdocs.yml so the Markdown log is not published twice:\n  exclude_docs: |\n"
              + "".join(f"    /{e}/\n" for e in plan.exclude), end="")
    written = [] if args.dry_run else apply_init(plan)
    if args.dry_run:
        print("dry run: nothing written")
    else:
        print(f"wrote {len(written)} file(s) in {plan.root}" if written else "nothing to do: everything is in place")
    for command in plan.import_commands:
        print(f"Markdown ADRs found; import them with:\n  {command}")
    if not args.dry_run and written:
        print("next: archkb check && mkdocs serve")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from archkb.adopt.convert import import_folder
    from archkb.adopt.publish import plan_import
    from archkb.cli.output import safe_text
    from archkb.core.catalog import load_catalog
    from archkb.core.config import load_config
    from archkb.core.fileio import recover, write_new

    if os.path.isdir(args.root):
        recover(args.root)  # a killed earlier import is rolled back before ids are compared
    if not os.path.isdir(args.src):
        print(f"archkb: error: no such folder: {args.src}", file=sys.stderr)
        return 2
    today = dt.date.fromisoformat(os.environ["ARCHKB_TODAY"]) if os.environ.get("ARCHKB_TODAY") else dt.date.today()
    result = import_folder(args.src, fmt=args.format, today=today, offset=args.offset)
    config, _ = load_config(args.root)
    existing = set(load_catalog(args.root, use_cache=False).by_id) if os.path.isdir(args.root) else set()
    clash = sorted(set(result.records) & existing)
    if clash:
        top = max((int(i[4:]) for i in existing if i.startswith("ADR-")), default=0)
        print(f"archkb: error: ids already in the knowledge base: {', '.join(clash[:10])}"
              f"{' ...' if len(clash) > 10 else ''}; re-run with --offset {top}", file=sys.stderr)
        return 1
    plan = plan_import(result, args.src, root=args.root, out=args.out, schema_dir=config.schema_dir,
                       source_url=args.source_url)
    for report in result.reports:
        if report.skipped:
            print(f"skipped  {report.path}: {report.skipped}")
            continue
        line = f"{report.id:<9} {report.path}"
        if report.kept:
            line += f"  (kept verbatim: {', '.join(report.kept)})"
        print(line)
        for warning in report.warnings:
            print(f"    warning: {warning}")
    print(f"{len(result.records)} record(s) read as {result.format}; "
          f"{sum(1 for r in result.reports if r.skipped)} file(s) skipped")
    refs = plan.references
    print(f"references: {refs.record_links} link(s) and {refs.prose_refs} mention(s) of other records now link them; "
          f"{len(refs.images)} image(s) copied, {refs.missing_images} missing; other relative links: "
          f"{refs.to_source} to --source-url, {refs.kept_in_repo} to files in this repository, {refs.unlinked} "
          "made plain text")
    if "mkdocs.yml" in plan.replace:
        print("mkdocs.yml: exclude_docs gets the imported folder, so the old log is not published twice")
    for advice in plan.advice:
        print(f"note: {advice}")
    if args.report:
        # A new file only, through the one writer: never over an existing file or through a symlink.
        data = [{"path": r.path, "id": r.id, "skipped": r.skipped, "mapped": r.mapped, "kept": r.kept,
                 "warnings": r.warnings} for r in result.reports]
        folder, name = os.path.split(os.path.abspath(args.report))
        write_new(folder, name, json.dumps({"format": result.format, "files": data}, indent=2,
                                           ensure_ascii=False) + "\n")
        print(f"wrote the report to {safe_text(args.report)}")
    if args.dry_run:
        print("dry run: no records written")
        return 0
    from archkb.core.fileio import Transaction

    txn = Transaction(args.root)
    for rel, content in sorted(plan.create.items()):
        txn.create(rel, content)
    for rel, text in sorted(plan.replace.items()):
        txn.replace(rel, text)
    written = txn.commit()  # a Conflict (an existing file) leaves everything as it was
    records = sum(1 for rel in written if rel.endswith(".yaml"))
    print(f"wrote {records} record(s) to {os.path.join(args.root, args.out)} and {len(written) - records} other "
          "file(s); run `archkb check` next")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from archkb.adopt.writer import write_records
    from archkb.core.catalog import load_catalog
    from archkb.rules import check_catalog

    if not os.path.isdir(args.root):
        print(f"archkb: error: no such folder: {args.root}", file=sys.stderr)
        return 2
    result = check_catalog(load_catalog(args.root, use_cache=False))
    if result.errors:
        print(f"archkb: error: the knowledge base has {result.errors} error(s); run `archkb check`", file=sys.stderr)
        return 1
    if args.export_kind == "madr":
        from archkb.export.madr import madr_file_name, madr_markdown

        files = {madr_file_name(rec): madr_markdown(rec) for rec in result.catalog.records("decision")}
        try:
            written = write_records(args.out, files)
        except FileExistsError as exc:
            print(f"archkb: error: would overwrite existing file(s): {exc}; nothing written", file=sys.stderr)
            return 1
        print(f"wrote {len(written)} file(s) to {args.out}")
        return 0
    if args.export_kind == "catalog":
        from archkb.export.catalog_json import catalog_json

        text = catalog_json(result.catalog, result.graph)
    else:
        from archkb.export.decisions_csv import decisions_csv

        text = decisions_csv(result.catalog, result.graph)
    folder, name = os.path.split(os.path.abspath(args.out))
    try:
        write_records(folder, {name: text})
    except FileExistsError:
        print(f"archkb: error: {args.out} exists; nothing written", file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    return 0
