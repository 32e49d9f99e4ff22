"""The typed cross-link graph of a catalog, and the queries built on it.

Nodes are record ids (with kind, status and title); edges are typed. A link is written
once, on the record that states it; this module adds the derived inverse edge (marked
`derived=True`) so that every query can walk either way.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from archkb.core.catalog import Catalog
from archkb.core.kinds import allowed_links
from archkb.models.common import INVERSE

DERIVED = {v: k for k, v in INVERSE.items()}

# Which stated link types may go from which kind to which kind (declared by each kind).
ALLOWED: dict[str, set[tuple[str, str]]] = allowed_links()

# Edge types along which "B depends on A" holds: a change to A may affect B.
# Keyed by the stated type; impact walks them backwards (from target to source).
DEPENDENCY_TYPES = frozenset({"supersedes", "amends", "depends_on", "applies", "requires", "specializes",
                              "uses", "adopts", "covers", "mitigated_by"})


@dataclass(frozen=True)
class StatedLink:
    """One stated edge with the place it was stated, for problems and rendering."""

    source: str
    target: str
    type: str
    note: str | None
    loc: tuple[Any, ...]


def stated_links(catalog: Catalog) -> list[StatedLink]:
    """Every link the records state, including the implicit ones of reviews and checklists."""
    out: list[StatedLink] = []
    for entry in catalog.entries:
        rec = entry.record
        if rec is None or (entry.problems and any(p.code == "E005" for p in entry.problems)):
            continue
        kind = entry.kind.name
        for i, link in enumerate(getattr(rec, "links", []) or []):
            out.append(StatedLink(rec.id, link.target, link.type.value, link.note, ("links", i, "target")))
        if kind == "review":
            for i, pid in enumerate(rec.patterns):
                out.append(StatedLink(rec.id, pid, "uses", None, ("patterns", i)))
            for i, aid in enumerate(rec.decisions):
                out.append(StatedLink(rec.id, aid, "adopts", None, ("decisions", i)))
            for i, cid in enumerate(rec.checklists):
                out.append(StatedLink(rec.id, cid, "covers", None, ("checklists", i)))
        elif kind == "checklist":
            seen: set[str] = set()
            for si, section in enumerate(rec.sections):
                for qi, q in enumerate(section.questions):
                    for pi, pid in enumerate(q.mitigated_by):
                        if pid not in seen:
                            seen.add(pid)
                            out.append(StatedLink(rec.id, pid, "mitigated_by", None,
                                                  ("sections", si, "questions", qi, "mitigated_by", pi)))
    return out


def build_graph(catalog: Catalog, links: Iterable[StatedLink] | None = None) -> nx.MultiDiGraph:
    """All valid records as nodes, stated links plus derived inverses as typed edges.

    Links to unknown records and links of a type not allowed between the two kinds are
    left out (rules report them), so every edge in the graph is meaningful.
    """
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    for entry in sorted(catalog.by_id.values(), key=lambda e: e.record.id):
        rec = entry.record
        g.add_node(rec.id, kind=entry.kind.name, title=title_of(rec),
                   status=_status(rec), path=entry.path)
    for link in links if links is not None else stated_links(catalog):
        if link.target not in g or link.source not in g or link.source == link.target:
            continue
        kinds = (g.nodes[link.source]["kind"], g.nodes[link.target]["kind"])
        if kinds not in ALLOWED.get(link.type, set()):
            continue
        g.add_edge(link.source, link.target, key=link.type, type=link.type, derived=False, note=link.note)
        inv = INVERSE[link.type]
        g.add_edge(link.target, link.source, key=inv, type=inv, derived=True, note=link.note)
    return g


def title_of(rec: Any) -> str:
    """A record's display title: `title`, else `name`, else its project's name."""
    for attr in ("title", "name"):
        value = getattr(rec, attr, None)
        if value:
            return str(value)
    project = getattr(rec, "project", None)
    return project.name if project is not None else rec.id


def _status(rec: Any) -> str | None:
    status = getattr(rec, "status", None)
    return status.value if status is not None else None


def stated_edges(g: nx.MultiDiGraph, types: Iterable[str] | None = None) -> list[tuple[str, str, str]]:
    """(source, target, type) of the stated (not derived) edges, optionally of some types, sorted."""
    wanted = set(types) if types is not None else None
    return sorted((u, v, d["type"]) for u, v, d in g.edges(data=True)
                  if not d["derived"] and (wanted is None or d["type"] in wanted))


def neighbourhood(g: nx.MultiDiGraph, rid: str, depth: int = 1) -> nx.MultiDiGraph:
    """The subgraph of records within `depth` hops of `rid`, either direction, stated edges only."""
    if rid not in g:
        return nx.MultiDiGraph()
    seen = {rid}
    frontier = deque([(rid, 0)])
    while frontier:
        node, d = frontier.popleft()
        if d >= depth:
            continue
        for nb in sorted(set(g.successors(node)) | set(g.predecessors(node))):
            if nb not in seen:
                seen.add(nb)
                frontier.append((nb, d + 1))
    sub: nx.MultiDiGraph = nx.MultiDiGraph()
    for n in sorted(seen):
        sub.add_node(n, **g.nodes[n])
    for u, v, k, data in g.edges(keys=True, data=True):
        if u in seen and v in seen and not data["derived"]:
            sub.add_edge(u, v, key=k, **data)
    return sub


def impact(g: nx.MultiDiGraph, rid: str, max_depth: int | None = None) -> dict[str, int]:
    """Records that (transitively) depend on `rid`, with their distance: what a change to it may affect.

    Walks stated dependency edges backwards: a decision that supersedes, amends, depends on
    or applies `rid`, a review that adopts or uses it, and so on.
    """
    if rid not in g:
        return {}
    dist = {rid: 0}
    frontier = deque([rid])
    while frontier:
        node = frontier.popleft()
        if max_depth is not None and dist[node] >= max_depth:
            continue
        for src, _, data in g.in_edges(node, data=True):
            if data["derived"] or data["type"] not in DEPENDENCY_TYPES or data["type"] == "supersedes":
                continue
            if src not in dist:
                dist[src] = dist[node] + 1
                frontier.append(src)
        # A record that supersedes `node` replaces it: it is affected too.
        for src, _, data in g.in_edges(node, data=True):
            if not data["derived"] and data["type"] == "supersedes" and src not in dist:
                dist[src] = dist[node] + 1
                frontier.append(src)
    dist.pop(rid)
    return dict(sorted(dist.items(), key=lambda kv: (kv[1], kv[0])))


def successors_of_type(g: nx.MultiDiGraph, rid: str, edge_type: str) -> list[str]:
    """Targets of `rid`'s edges of one type (stated or derived), sorted."""
    if rid not in g:
        return []
    return sorted({v for _, v, d in g.out_edges(rid, data=True) if d["type"] == edge_type})


def supersession_chain(g: nx.MultiDiGraph, rid: str) -> list[str]:
    """From the oldest predecessor to the newest successor, through `rid` (stops at forks and cycles)."""
    chain = [rid]
    seen = {rid}
    node = rid
    while True:
        prev = successors_of_type(g, node, "supersedes")
        if len(prev) != 1 or prev[0] in seen:
            break
        node = prev[0]
        seen.add(node)
        chain.insert(0, node)
    node = rid
    while True:
        nxt = successors_of_type(g, node, "superseded_by")
        if len(nxt) != 1 or nxt[0] in seen:
            break
        node = nxt[0]
        seen.add(node)
        chain.append(node)
    return chain


def graph_to_json(g: nx.MultiDiGraph) -> dict[str, Any]:
    """A stable JSON form: sorted nodes with attributes and sorted edges (stated and derived)."""
    nodes = [{"id": n, **{k: v for k, v in sorted(g.nodes[n].items()) if k != "path"}} for n in sorted(g.nodes)]
    edges = sorted(
        ({"source": u, "target": v, "type": d["type"], "derived": d["derived"], **({"note": d["note"]} if d.get("note") else {})}
         for u, v, d in g.edges(data=True)),
        key=lambda e: (e["source"], e["target"], e["type"]),
    )
    return {"nodes": nodes, "edges": edges}
