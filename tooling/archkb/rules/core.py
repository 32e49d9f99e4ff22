"""Cross-record checks over the catalog and its graph, each giving positioned problems.

Rules are plain functions `(RuleContext) -> Iterable[Problem]` listed in `RULES`; the
registry in `archkb.rules` adds the review and crosswalk rules statically.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from archkb.core import portal
from archkb.core.catalog import Catalog, Entry
from archkb.core.graph import ALLOWED, StatedLink
from archkb.core.problems import Problem, error, warning
from archkb.core.validate import loc_str


@dataclass
class RuleContext:
    """What every rule sees: the catalog, the graph, the stated links and today's date."""

    catalog: Catalog
    graph: nx.MultiDiGraph
    links: list[StatedLink]
    today: dt.date

    def entry(self, rid: str) -> Entry:
        return self.catalog.by_id[rid]


Rule = Callable[[RuleContext], Iterable[Problem]]


SUGGEST_BUDGET = 200


def check_links(ctx: RuleContext) -> Iterable[Problem]:
    """E006 dangling references, E007 link types not allowed between kinds, E019 self links.

    "Did you mean" hints compare a dangling target with every id, so they are given for the
    first SUGGEST_BUDGET dangling links only (a KB with thousands of them stays linear).
    """
    ids = sorted(ctx.catalog.by_id)
    suggested: dict[str, str | None] = {}
    for link in ctx.links:
        src = ctx.entry(link.source)
        where = loc_str(link.loc)
        if link.source == link.target:
            yield error("E019", f"{where}: {link.source} links to itself", src.position(link.loc))
            continue
        target = ctx.catalog.by_id.get(link.target)
        if target is None and portal.split(link.target)[0] is not None:
            # `other:ID`: external to a team's own KB; in a portal that lists `other`, it should resolve.
            if not portal.is_external(ctx.catalog, link.target):
                yield warning("W012", f"{where}: source {portal.split(link.target)[0]!r} has no record "
                              f"{portal.split(link.target)[1]!r}", src.position(link.loc))
            continue
        if target is None:
            if link.target not in suggested and len(suggested) < SUGGEST_BUDGET:
                suggested[link.target] = _suggest(link.target, dict.fromkeys(ids))
            hint = suggested.get(link.target)
            yield error("E006", f"{where}: no record {link.target!r}", src.position(link.loc),
                        hint=hint if hint != f"did you mean {link.source!r}?" else None)
            continue
        kinds = (src.kind.name, target.kind.name)
        if kinds not in ALLOWED[link.type]:
            allowed = ", ".join(sorted(f"{a} -> {b}" for a, b in ALLOWED[link.type]))
            yield error("E007", f"{where}: '{link.type}' cannot go from {kinds[0]} to {kinds[1]} "
                        f"{link.target!r} (allowed: {allowed})", src.position(link.loc[:-1] if link.loc[0] == "links" else link.loc))


def check_cycles(ctx: RuleContext) -> Iterable[Problem]:
    """E008: supersession, amendment and dependency links must not form cycles."""
    groups = {"supersedes": "supersedes", "amends": "amends", "depends_on": "dependency", "requires": "dependency"}
    graphs: dict[str, nx.DiGraph] = {label: nx.DiGraph() for label in ("supersedes", "amends", "dependency")}
    first_link: dict[tuple[str, str, str], StatedLink] = {}
    for link in ctx.links:
        label = groups.get(link.type)
        if label is None or link.source == link.target or link.target not in ctx.graph or link.source not in ctx.graph:
            continue
        graphs[label].add_edge(link.source, link.target)
        first_link.setdefault((label, link.source, link.target), link)
    for label, sub in graphs.items():
        for component in nx.strongly_connected_components(sub):
            if len(component) < 2:
                continue
            start = min(component)
            cycle = nx.find_cycle(sub.subgraph(component), source=start)
            path = " -> ".join([cycle[0][0]] + [v for _, v in cycle])
            link = first_link[(label, start, cycle[0][1])]
            yield error("E008", f"{label} cycle: {path}", ctx.entry(start).position(link.loc))


def check_supersession(ctx: RuleContext) -> Iterable[Problem]:
    """E009 superseded with no successor; E010 superseded by an accepted decision but not marked."""
    g = ctx.graph
    for rec in ctx.catalog.records("decision") + ctx.catalog.records("pattern"):
        status = rec.status.value
        successors = sorted({u for u, _, d in g.in_edges(rec.id, data=True)
                             if not d["derived"] and d["type"] == "supersedes"})
        if status == "superseded" and not successors:
            yield error("E009", f"{rec.id} is 'superseded' but no record supersedes it",
                        ctx.entry(rec.id).position(("status",)),
                        hint="add a `supersedes` link on the newer record, or change the status")
        accepted = [s for s in successors if g.nodes[s].get("status") in ("accepted", "approved")]
        if accepted and status not in ("superseded", "deprecated", "rejected"):
            yield error("E010", f"{rec.id} is superseded by {accepted[0]} ({g.nodes[accepted[0]]['status']}) "
                        f"but its status is {status!r}", ctx.entry(rec.id).position(("status",)),
                        hint=f"archkb supersede {rec.id} --by {accepted[0]}")


def check_vocabulary(ctx: RuleContext) -> Iterable[Problem]:
    """E017: categories come from the controlled vocabulary in archkb.yaml."""
    allowed = ctx.catalog.config.category_ids
    for entry in ctx.catalog.by_id.values():
        category = getattr(entry.record, "category", None)
        if category is not None and category not in allowed:
            yield error("E017", f"category {category!r} is not one of: {', '.join(allowed)}",
                        entry.position(("category",)), hint=_suggest(category, dict.fromkeys(allowed)))


def check_record_internals(ctx: RuleContext) -> Iterable[Problem]:
    """E018 outcome names no option; E020 inner ids used twice; E021 flows to unknown components."""
    for entry in ctx.catalog.by_id.values():
        rec, kind = entry.record, entry.kind.name
        if kind == "decision" and rec.outcome is not None and rec.outcome.chosen is not None and rec.options:
            titles = [o.title for o in rec.options]
            if rec.outcome.chosen not in titles:
                yield error("E018", f"outcome.chosen {rec.outcome.chosen!r} is not the title of an option",
                            entry.position(("outcome", "chosen")), hint="options are: " + "; ".join(titles))
        elif kind == "pattern":
            yield from _dupes(entry, "component", [(("components", i, "id"), c.id) for i, c in enumerate(rec.components)])
            yield from _dupes(entry, "review question",
                              [(("review_questions", i, "id"), q.id) for i, q in enumerate(rec.review_questions)])
            known = {c.id for c in rec.components}
            for i, flow in enumerate(rec.flows):
                for end, value in (("from", flow.from_), ("to", flow.to)):
                    if value not in known:
                        yield error("E021", f"flows[{i}].{end}: no component {value!r}",
                                    entry.position(("flows", i, end)))
        elif kind == "checklist":
            yield from _dupes(entry, "section", [(("sections", i, "id"), s.id) for i, s in enumerate(rec.sections)])
            yield from _dupes(entry, "question", [(("sections", i, "questions", j, "id"), q.id)
                                                  for i, s in enumerate(rec.sections)
                                                  for j, q in enumerate(s.questions)])


def _dupes(entry: Entry, what: str, items: list[tuple[tuple[Any, ...], str]]) -> Iterable[Problem]:
    seen: set[str] = set()
    for loc, value in items:
        if value in seen:
            yield error("E020", f"{what} id {value!r} is used twice in this record", entry.position(loc))
        seen.add(value)


def check_freshness(ctx: RuleContext) -> Iterable[Problem]:
    """W002 review_by passed; W003 proposed longer than the threshold; W011 no date at all."""
    limit = ctx.catalog.config.proposed_max_days
    for rec in ctx.catalog.records("decision"):
        entry = ctx.entry(rec.id)
        status = rec.status.value
        if rec.review_by is not None and rec.review_by < ctx.today and status in ("accepted", "proposed"):
            yield warning("W002", f"review_by {rec.review_by.isoformat()} has passed", entry.position(("review_by",)),
                          hint="revisit the decision: confirm it with a new review_by date, or supersede it")
        if rec.date is None:
            yield warning("W011", f"{rec.id} has no date: add when its status last changed", entry.position(("status",)),
                          hint="provenance.original_date shows what the imported source said, if anything")
        elif status == "proposed":
            days = (ctx.today - rec.date).days
            if days > limit:
                yield warning("W003", f"proposed since {rec.date.isoformat()} ({days} days; threshold {limit})",
                              entry.position(("status",)), hint="accept, reject or withdraw the proposal")


def check_dependencies(ctx: RuleContext) -> Iterable[Problem]:
    """W001: an accepted decision depends on (or applies) a deprecated or superseded record."""
    for link in ctx.links:
        if link.type not in ("depends_on", "applies") or link.target not in ctx.graph or link.source not in ctx.graph:
            continue
        src, dst = ctx.graph.nodes[link.source], ctx.graph.nodes[link.target]
        if src["kind"] == "decision" and src["status"] == "accepted" and dst["status"] in ("deprecated", "superseded"):
            yield warning("W001", f"accepted {link.source} {link.type.replace('_', ' ')} {dst['status']} {link.target}",
                          ctx.entry(link.source).position(link.loc))


def check_patterns(ctx: RuleContext) -> Iterable[Problem]:
    """W004 pattern used by nothing; W005 approved pattern without sources."""
    used = Counter(link.target for link in ctx.links if link.source != link.target)
    for rec in ctx.catalog.records("pattern"):
        entry = ctx.entry(rec.id)
        if rec.status.value == "approved" and not rec.sources:
            yield warning("W005", f"approved pattern {rec.id!r} has no sources", entry.position(("status",)))
        if not used[rec.id] and rec.status.value != "deprecated":
            yield warning("W004", f"pattern {rec.id!r} is used by nothing (no decision, review, checklist or "
                          "pattern links to it)", entry.position(("id",)))


_PAIRS = {")": "(", "]": "["}


def unbalanced(text: str) -> bool:
    """Whether `text` opens or closes a parenthesis or bracket it does not close or open, in order."""
    stack: list[str] = []
    for ch in text:
        if ch in "([":
            stack.append(ch)
        elif ch in _PAIRS:
            if not stack or stack.pop() != _PAIRS[ch]:
                return True
    return bool(stack)


def _list_items(data: Any, loc: tuple[Any, ...] = ()) -> Iterable[tuple[tuple[Any, ...], str]]:
    """Every string that is an item of a list, with its path, in document order."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _list_items(value, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            if isinstance(value, str):
                yield (*loc, i), value
            else:
                yield from _list_items(value, (*loc, i))


def check_list_items(ctx: RuleContext) -> Iterable[Problem]:
    """W320: a list item with unbalanced parentheses or brackets, the sign of a flow sequence
    (`[a (b, c), d]`) split on a comma that was meant to be text."""
    for rid in sorted(ctx.catalog.by_id):
        entry = ctx.entry(rid)
        data = entry.record.model_dump(mode="json", by_alias=True, exclude_none=True)
        for loc, text in _list_items(data):
            if unbalanced(text):
                yield warning("W320", f"{loc_str(loc)}: list item {text!r} has unbalanced parentheses or brackets",
                              entry.position(loc),
                              hint="quote the item (\"a, b (c, d)\") or write the list as a block sequence")


def _one_edit_apart(a: str, b: str) -> bool:
    """True when one insertion, deletion or substitution turns `a` into `b` (and they differ)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1:] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]


NEAR_TAG_MIN = 6
"""Tags this long or longer one letter apart are near-duplicates (shorter ones, like `ml`/`mt`, may differ on purpose)."""


def check_tags(ctx: RuleContext) -> Iterable[Problem]:
    """W008: near-duplicate tags (`ci-cd` and `cicd`, `guardrail` and `guardrails`), which split one topic in two
    on the tags page; reported once per pair, at the first use of the rarer tag."""
    uses: dict[str, list[tuple[str, int]]] = {}
    for rid in sorted(ctx.catalog.by_id):
        for i, tag in enumerate(getattr(ctx.entry(rid).record, "tags", None) or []):
            uses.setdefault(tag, []).append((rid, i))
    pairs: set[tuple[str, str]] = set()
    squashed: dict[str, list[str]] = {}
    by_length: dict[int, list[str]] = {}
    for tag in sorted(uses):
        squashed.setdefault(tag.replace("-", "").replace("_", ""), []).append(tag)
        by_length.setdefault(len(tag), []).append(tag)
    for group in squashed.values():
        pairs.update((a, b) for a in group for b in group if a < b)
    for tag in sorted(uses):
        if len(tag) < NEAR_TAG_MIN:
            continue
        for n in (len(tag), len(tag) + 1):
            pairs.update((tag, o) for o in by_length.get(n, []) if o > tag and _one_edit_apart(tag, o))
    for a, b in sorted(pairs):
        rare, common = sorted((a, b), key=lambda t: (len(uses[t]), t))
        rid, index = uses[rare][0]
        n_rare, n_common = len(uses[rare]), len(uses[common])
        yield warning("W008", f"tag {rare!r} ({n_rare} record{'s' if n_rare != 1 else ''}) looks like "
                      f"{common!r} ({n_common} record{'s' if n_common != 1 else ''})",
                      ctx.entry(rid).position(("tags", index)), hint=f"use one tag for one topic: {common!r}?")


RULES: list[Rule] = [
    check_links,
    check_cycles,
    check_supersession,
    check_vocabulary,
    check_record_internals,
    check_freshness,
    check_dependencies,
    check_patterns,
    check_list_items,
    check_tags,
]


def _suggest(value: str, known: dict[str, Any]) -> str | None:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.75)
    return f"did you mean {close[0]!r}?" if close else None
