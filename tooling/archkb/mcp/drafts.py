"""Drafts from an assistant: a new proposed ADR checked against schema and graph before it is written, and supersessions as diffs.

`draft_adr` renders the draft, validates it as a decision, then runs every catalog rule on
the knowledge base plus the draft (in memory, nothing written) and keeps the problems the
draft brings; with any, it writes nothing and returns them. Otherwise it writes exactly one
new file with the next free ADR number (the numbering of `archkb new adr`: the working tree
and the base branch), choosing the number and creating the file under the root lock, so two
drafts at once cannot take the same number. `propose_supersede` returns the planned edits of
`archkb supersede` as a unified diff and applies them only when asked. Nothing here edits
an existing record except through that plan, and nothing commits or pushes.
"""

from __future__ import annotations

import difflib
import os
from typing import Any

import yaml

from archkb.api import KnowledgeBase, load
from archkb.authoring.edit import apply as apply_plan
from archkb.authoring.edit import plan_supersede
from archkb.authoring.scaffold import new_adr_path
from archkb.core.catalog import Catalog, Entry
from archkb.core.errors import ArchkbError, Conflict, GitError, NotFound, UsageError
from archkb.core.fileio import confine, root_lock, write_new
from archkb.core.graph import successors_of_type
from archkb.core.kinds import KINDS
from archkb.core.problems import Problem
from archkb.core.schema import schema_comment
from archkb.core.validate import validate
from archkb.core.yaml_source import load_bytes
from archkb.mcp.queries import checked_id, today
from archkb.models.common import ADR_ID_RE
from archkb.pr.gitdiff import load_at, next_adr_id, resolve
from archkb.rules import check_catalog

BASE_REFS = ("origin/main", "main")
"""Revisions whose ADR numbers also count, as for `archkb new adr` without --base."""


class _BlockDumper(yaml.SafeDumper):
    """Safe YAML with multi-line text as `|` blocks, as people write records."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value.strip("\n"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value.rstrip() + "\n", style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_BlockDumper.add_representer(str, _str)


def _options(options: list[Any] | None) -> list[Any]:
    """Options as mappings; a bare string is an option's title."""
    return [{"title": o} if isinstance(o, str) else o for o in options or []]


def render_adr(catalog: Catalog, rid: str, fields: dict[str, Any]) -> str:
    """The YAML text of a proposed decision `rid` with the client's fields (schema comment first)."""
    data: dict[str, Any] = {"id": rid, "title": fields["title"], "status": "proposed", "date": today(),
                            "decision_makers": []}
    if fields.get("category") is not None:
        data["category"] = fields["category"]
    data["tags"] = list(fields.get("tags") or [])
    data["context"] = fields["context"]
    data["drivers"] = list(fields.get("drivers") or [])
    data["options"] = _options(fields.get("options"))
    if fields.get("outcome") is not None:
        data["outcome"] = fields["outcome"]
    data["consequences"] = fields.get("consequences") or {"positive": [], "negative": []}
    if fields.get("links"):
        data["links"] = list(fields["links"])
    body = yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)
    return f"{schema_comment('decision', catalog.config.schema_dir)}\n{body}"


def base_catalogs(root: str) -> list[Catalog]:
    """The base branch's catalog when the KB is in git and has one (its numbers are taken too)."""
    for ref in BASE_REFS:
        try:
            resolve(root, ref)
        except GitError:  # not a git repository, or no such branch: nothing more to count
            continue
        return [load_at(root, ref)]
    return []


def _key(p: Problem) -> tuple[str, str, str, int, int, str]:
    return (p.severity.value, p.code, p.position.path, p.position.line, p.position.col, p.message)


def draft_problems(catalog: Catalog, rel: str, text: str) -> list[Problem]:
    """The problems the draft file `rel` would bring: its schema problems, then the rules on KB plus draft."""
    kind = KINDS["decision"]
    doc = load_bytes(rel, text.encode("utf-8"))
    record, problems = validate(doc, kind)
    if record is None or problems:
        return problems
    entry = Entry(kind, rel, record, [], os.path.join(catalog.root, rel), doc)
    by_id = dict(catalog.by_id)
    if record.id in by_id:  # type: ignore[attr-defined]
        raise Conflict(f"{record.id} is taken ({by_id[record.id].path})")  # type: ignore[attr-defined]
    by_id[record.id] = entry  # type: ignore[attr-defined]
    with_draft = Catalog(catalog.root, catalog.config, [*catalog.entries, entry], list(catalog.problems), by_id)
    before = {_key(p) for p in check_catalog(catalog, today()).problems}
    return [p for p in check_catalog(with_draft, today()).problems if _key(p) not in before]


def _problem_json(p: Problem) -> dict[str, Any]:
    return {"code": p.code, "severity": p.severity.value, "message": p.message, "file": p.position.path,
            "line": p.position.line, "column": p.position.col, **({"hint": p.hint} if p.hint else {})}


def draft_adr(root: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate a proposed ADR and, when it brings no problem, write it as one new file (see the module docstring)."""
    if not isinstance(fields.get("title"), str) or not isinstance(fields.get("context"), str):
        raise UsageError("a draft needs a title and a context (text)")
    with root_lock(root):
        catalog = load(root).catalog  # loaded under the lock: numbers taken a moment ago count
        rid = next_adr_id(catalog, *base_catalogs(root))
        rel = new_adr_path(rid, fields["title"])
        confine(root, rel)
        text = render_adr(catalog, rid, fields)
        problems = draft_problems(catalog, rel, text)
        if problems:
            return {"written": False, "id": rid, "path": rel, "problems": [_problem_json(p) for p in problems],
                    "content": text}
        write_new(root, rel, text)
    return {"written": True, "id": rid, "path": rel, "problems": [], "content": text}


def _adr_id(value: object) -> str:
    rid = checked_id(value, "decision id")
    if not ADR_ID_RE.match(rid):
        raise UsageError(f"refused: {rid!r} is not a decision id (ADR-0007 form)")
    return rid


def _value(v: Any) -> Any:
    return getattr(v, "value", v)


def _may_be_superseded(kb: KnowledgeBase, old: str) -> None:
    """Refuse what a pull request may not do: only an accepted or deprecated decision becomes superseded."""
    record = kb.get(old)
    if record is None:
        raise NotFound(f"no record {old!r}")
    status = _value(getattr(record, "status", None))
    if "superseded" not in KINDS["decision"].transitions.get(status, frozenset()):
        by = successors_of_type(kb.graph, old, "superseded_by")
        later = f" (by {', '.join(by)}; supersede the record in force instead)" if by else ""
        raise UsageError(f"refused: {old} is {status}{later}; only an accepted or deprecated decision can be "
                         "superseded")


def propose_supersede(root: str, old: str, new: str, apply: bool = False) -> dict[str, Any]:
    """The edits of `archkb supersede OLD --by NEW` as a unified diff; written (all or nothing) only with `apply`."""
    old, new = _adr_id(old), _adr_id(new)
    with root_lock(root):
        kb = load(root)
        _may_be_superseded(kb, old)
        try:
            plan = plan_supersede(kb.catalog, old, new)
        except ArchkbError as exc:
            raise UsageError(exc.message, exc.problems) from None
        diff: list[str] = []
        for rel in sorted(plan.writes):
            with open(confine(kb.root, rel), encoding="utf-8") as fh:
                before = fh.read()
            if before == plan.writes[rel]:
                del plan.writes[rel]
                continue
            diff.extend(difflib.unified_diff(before.splitlines(keepends=True), plan.writes[rel].splitlines(keepends=True),
                                             f"a/{rel}", f"b/{rel}"))
        written = apply_plan(plan) if apply and plan.writes else []
    notes = []
    status = _value(getattr(kb.get(new), "status", None))
    if status != "accepted":
        notes.append(f"{new} is {status}; {old} becomes superseded now, before {new} is accepted")
    return {"old": old, "new": new, "applied": bool(apply), "files": sorted(plan.writes), "written": written,
            "diff": "".join(diff), "notes": notes}
