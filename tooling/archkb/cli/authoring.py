"""Authoring commands: new, supersede, renumber, diff."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any

from archkb.cli.core import _today, add_root, usage_error
from archkb.core.errors import GitError, NotFound


def register(commands: Any, exports: Any) -> None:
    p = commands.add_parser("new", help="scaffold a new record")
    kinds = p.add_subparsers(dest="new_kind", metavar="KIND")
    kinds.required = True
    a = kinds.add_parser("adr", help="a proposed decision with the next free number")
    a.add_argument("title")
    a.add_argument("--supersedes", action="append", default=[], metavar="ID")
    a.add_argument("--amends", action="append", default=[], metavar="ID")
    a.add_argument("--applies", action="append", default=[], metavar="PATTERN")
    a.add_argument("--base", metavar="REF", help="also count numbers on this revision "
                   "(default: origin/main if it exists, else main)")
    add_root(a)
    a.set_defaults(func=cmd_new_adr)
    for kind in ("pattern", "checklist", "review"):
        k = kinds.add_parser(kind, help=f"a new {kind}")
        k.add_argument("name")
        add_root(k)
        k.set_defaults(func=cmd_new_other, kind=kind)
    p = commands.add_parser("supersede", help="mark OLD superseded by NEW, in both files")
    p.add_argument("old")
    p.add_argument("--by", required=True, metavar="NEW")
    add_root(p)
    p.set_defaults(func=cmd_supersede)
    p = commands.add_parser("renumber", help="give a record a new id everywhere (file name, references)")
    p.add_argument("id")
    p.add_argument("--to", metavar="NEW_ID", help="default: the next free ADR number (counting --base)")
    p.add_argument("--base", metavar="REF")
    add_root(p)
    p.set_defaults(func=cmd_renumber)
    p = commands.add_parser("diff", help="what a pull request changes and affects (PR comment)")
    p.add_argument("base")
    p.add_argument("head", nargs="?")
    p.add_argument("--format", choices=["markdown", "json"], default="markdown")
    add_root(p)
    p.set_defaults(func=cmd_diff)


def _catalog(root: str) -> Any:
    from archkb.core.catalog import load_catalog

    return load_catalog(root, use_cache=False)


def _base_catalogs(root: str, base: str | None) -> list[Any]:
    """The base revision's catalog when there is one (explicit --base must exist)."""
    from archkb.pr.gitdiff import load_at, resolve

    if base:
        return [load_at(root, base)]
    for ref in ("origin/main", "main"):
        try:
            resolve(root, ref)
        except GitError:
            continue
        return [load_at(root, ref)]
    return []


def cmd_new_adr(args: argparse.Namespace) -> int:
    from archkb.authoring.scaffold import adr_text, create, new_adr_path
    from archkb.core.fileio import root_lock
    from archkb.pr.gitdiff import next_free_adr, remote_adr_numbers

    if not os.path.isdir(args.root):
        return usage_error(f"no such folder: {args.root}")
    # One writer at a time from choosing the number to creating the file: parallel runs get distinct numbers.
    with root_lock(args.root):
        catalog = _catalog(args.root)
        rid, skipped = next_free_adr([catalog, *_base_catalogs(args.root, args.base)], remote_adr_numbers(args.root))
        for taken, branches in skipped:
            print(f"skipped {taken}: used on {', '.join(branches)}", file=sys.stderr)
        for target in args.supersedes + args.amends + args.applies:
            if catalog.entry(target) is None:
                raise NotFound(f"no record {target!r}")
        text = adr_text(catalog, rid, args.title, _today(), supersedes=args.supersedes,
                        amends=args.amends, applies=args.applies)
        print(create(args.root, new_adr_path(rid, args.title), text))
    return 0


def cmd_new_other(args: argparse.Namespace) -> int:
    from archkb.authoring.scaffold import create, new_record

    if not os.path.isdir(args.root):
        return usage_error(f"no such folder: {args.root}")
    rel, text = new_record(_catalog(args.root), args.kind, args.name, _today())
    print(create(args.root, rel, text))
    return 0


def cmd_supersede(args: argparse.Namespace) -> int:
    from archkb.authoring.edit import plan_supersede

    if not os.path.isdir(args.root):
        return usage_error(f"no such folder: {args.root}")
    return _edit(lambda: plan_supersede(_catalog(args.root), args.old, args.by))


def cmd_renumber(args: argparse.Namespace) -> int:
    from archkb.authoring.edit import plan_renumber
    from archkb.pr.gitdiff import next_free_adr, remote_adr_numbers

    if not os.path.isdir(args.root):
        return usage_error(f"no such folder: {args.root}")

    def make() -> Any:
        catalog = _catalog(args.root)
        to = args.to
        if not to:
            to, skipped = next_free_adr([catalog, *_base_catalogs(args.root, args.base)],
                                        remote_adr_numbers(args.root))
            for taken, branches in skipped:
                print(f"skipped {taken}: used on {', '.join(branches)}", file=sys.stderr)
        return plan_renumber(catalog, args.id, to)

    return _edit(make)


def _edit(make_plan: Callable[[], Any]) -> int:
    """Plan a multi-file edit and apply it all or nothing; print what changed, or why nothing did."""
    from archkb.authoring.edit import apply

    plan = make_plan()
    apply(plan)
    print("\n".join(plan.summary()))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from archkb.pr.gitdiff import diff
    from archkb.pr.summary import to_json, to_markdown

    if not os.path.isdir(args.root):
        return usage_error(f"no such folder: {args.root}")
    d = diff(args.root, args.base, args.head)
    print(to_json(d) if args.format == "json" else to_markdown(d), end="" if args.format == "markdown" else "\n")
    return 0
