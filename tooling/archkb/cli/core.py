"""Core commands: check, show, list, impact, graph, schema."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from archkb.check import check_kb
from archkb.core.kinds import KINDS
from archkb.core.problems import problems_to_json, sort_problems

if TYPE_CHECKING:
    from archkb.rules import CheckResult

# Library imports that pull in pydantic or networkx happen inside the commands, so that
# `archkb check` answered from its cache starts in a few milliseconds.


def add_root(p: argparse.ArgumentParser) -> None:
    """The shared `-C/--root` option: the knowledge base's folder."""
    p.add_argument("-C", "--root", default=".", help="knowledge base root (default: the current folder)")


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from None


def usage_error(message: str) -> int:
    print(f"archkb: error: {message}", file=sys.stderr)
    return 2


def checked(root: str, *, use_cache: bool = True, today: dt.date | None = None) -> CheckResult | None:
    """Load and check a KB for the read-only commands; None (after a message) when ROOT is no folder."""
    if not os.path.isdir(root):
        usage_error(f"no such folder: {root}")
        return None
    from archkb.core.catalog import load_catalog
    from archkb.rules import check_catalog

    return check_catalog(load_catalog(root, use_cache=use_cache), today=today or _today())


def _today() -> dt.date:
    # ARCHKB_TODAY pins "today" for reproducible checks (tests, golden files).
    override = os.environ.get("ARCHKB_TODAY")
    return dt.date.fromisoformat(override) if override else dt.date.today()


def register(commands: Any, exports: Any) -> None:
    p = commands.add_parser("check", help="validate every record and cross-record rule")
    p.add_argument("root", nargs="?", default=".", help="knowledge base root (default: the current folder)")
    p.add_argument("--format", choices=("text", "github", "json"), default="text",
                   help="text lines, GitHub Actions annotations, or JSON")
    p.add_argument("--strict", action="store_true", help="warnings fail the check too")
    p.add_argument("--no-cache", action="store_true", help="ignore and do not write the check cache (kept outside the tree)")
    p.add_argument("--today", type=parse_date, help="check as of this date (default: today)")
    p.add_argument("--base", metavar="REF", help="also apply the pull-request rules against this git revision")
    p.set_defaults(func=cmd_check)

    p = commands.add_parser("show", help="one record with its links in and out")
    p.add_argument("id", help="the record's id")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    add_root(p)
    p.set_defaults(func=cmd_show)

    p = commands.add_parser("list", help="records, filtered by kind, status or tag")
    p.add_argument("--kind", choices=tuple(KINDS), help="only this kind")
    p.add_argument("--status", help="only records with this status")
    p.add_argument("--tag", help="only records with this tag")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    add_root(p)
    p.set_defaults(func=cmd_list)

    p = commands.add_parser("impact", help="records that depend on ID, transitively")
    p.add_argument("id", help="the record's id")
    p.add_argument("--depth", type=int, default=None, help="stop after this many hops")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    add_root(p)
    p.set_defaults(func=cmd_impact)

    p = commands.add_parser("graph", help="the link graph as DOT or JSON")
    p.add_argument("--focus", metavar="ID", help="only the neighbourhood of this record")
    p.add_argument("--depth", type=int, default=1, help="hops around --focus (default 1)")
    p.add_argument("--format", choices=("dot", "json"), default="dot", help="Graphviz DOT or JSON nodes and edges")
    add_root(p)
    p.set_defaults(func=cmd_graph)

    p = commands.add_parser("schema", help="write the records' JSON Schemas")
    p.add_argument("--write", action="store_true", help="write the schema files")
    p.add_argument("--check", action="store_true", help="exit 1 if the files differ from the models")
    p.add_argument("--dir", default=None,
                   help="target folder (default: the knowledge base's schema_dir from archkb.yaml, .archkb/schemas)")
    add_root(p)
    p.set_defaults(func=cmd_schema)


def cmd_check(args: argparse.Namespace) -> int:
    if not os.path.isdir(args.root):
        return usage_error(f"no such folder: {args.root}")
    outcome = check_kb(args.root, today=args.today or _today(), use_cache=not args.no_cache,
                       need_result=bool(args.base))
    problems = outcome.problems
    if args.base:
        result = outcome.result
        from archkb.pr.gitdiff import pr_problems  # git and the catalog: only with --base, not on a cache hit

        problems = problems + pr_problems(args.root, args.base, result)
        problems = sort_problems(problems)
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    if args.format == "json":
        print(problems_to_json(problems))
    else:
        for p in problems:
            print(p.format_github() if args.format == "github" else p.format_text())
        files = outcome.files
        summary = f"{errors} error(s), {warnings} warning(s) in {files} record file(s)"
        print(summary, file=sys.stderr if args.format == "github" else sys.stdout)
        if not files and not os.path.exists(os.path.join(args.root, "archkb.yaml")):
            print("hint: no knowledge base here; start one with `archkb init`"
                  + ("" if args.root == "." else f" {args.root}"), file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


def _find(result: CheckResult, rid: str) -> Any:
    rec = result.catalog.get(rid)
    if rec is None:
        usage_error(f"no record {rid!r}")
    return rec


def cmd_show(args: argparse.Namespace) -> int:
    result = checked(args.root)
    if result is None:
        return 2
    rec = _find(result, args.id)
    if rec is None:
        return 2
    g = result.graph
    out_links = sorted((d["type"], v) for _, v, d in g.out_edges(args.id, data=True))
    entry = result.catalog.by_id[args.id]
    if args.format == "json":
        data = {"kind": entry.kind.name, "path": entry.path,
                "record": rec.model_dump(mode="json", by_alias=True, exclude_none=True),
                "links": [{"type": t, "target": v} for t, v in out_links]}
        print(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
        return 0
    node = g.nodes[args.id]
    print(f"{args.id}  [{entry.kind.name}{', ' + node['status'] if node.get('status') else ''}]  {node['title']}")
    print(f"file: {entry.path}")
    for etype, target in out_links:
        print(f"  {etype:<20} {target}  {g.nodes[target]['title']}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    result = checked(args.root)
    if result is None:
        return 2
    rows = []
    for entry in sorted(result.catalog.by_id.values(), key=lambda e: e.record.id):
        rec = entry.record
        status = getattr(rec, "status", None)
        status = status.value if status is not None else ""
        if args.kind and entry.kind.name != args.kind:
            continue
        if args.status and status != args.status:
            continue
        if args.tag and args.tag not in (getattr(rec, "tags", None) or []):
            continue
        rows.append({"id": rec.id, "kind": entry.kind.name, "status": status,
                     "title": result.graph.nodes[rec.id]["title"], "path": entry.path})
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for r in rows:
            print(f"{r['id']:<16} {r['kind']:<10} {r['status']:<11} {r['title']}")
    return 0


def cmd_impact(args: argparse.Namespace) -> int:
    result = checked(args.root)
    if result is None:
        return 2
    if _find(result, args.id) is None:
        return 2
    from archkb.core.graph import impact

    affected = impact(result.graph, args.id, args.depth)
    if args.format == "json":
        print(json.dumps([{"id": k, "distance": d, "title": result.graph.nodes[k]["title"]}
                          for k, d in affected.items()], indent=2, ensure_ascii=False))
    else:
        if not affected:
            print(f"nothing depends on {args.id}")
        for rid, dist in affected.items():
            print(f"{dist}  {rid:<16} {result.graph.nodes[rid]['title']}")
    return 0


def cmd_graph(args: argparse.Namespace) -> int:
    result = checked(args.root)
    if result is None:
        return 2
    from archkb.core.graph import graph_to_json, neighbourhood
    from archkb.site.dot import record_graph_dot

    g = result.graph
    if args.focus:
        if _find(result, args.focus) is None:
            return 2
        g = neighbourhood(g, args.focus, max(0, args.depth))
    if args.format == "json":
        print(json.dumps(graph_to_json(g), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        print(record_graph_dot(g, focus=args.focus), end="")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    if not (args.write or args.check):
        return usage_error("say --write or --check")
    from archkb.core.config import load_config
    from archkb.core.schema import write_schemas

    if not os.path.isdir(args.root):
        return usage_error(f"no such folder: {args.root}")
    config, _ = load_config(args.root)
    changed = write_schemas(args.dir or os.path.join(args.root, config.schema_dir), check_only=args.check)
    for path in changed:
        print(f"{'differs' if args.check else 'wrote'}: {os.path.relpath(path)}")
    if args.check and changed:
        print("schemas are out of date: run `archkb schema --write`", file=sys.stderr)
        return 1
    return 0
