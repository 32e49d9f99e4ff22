"""DOT text for record graphs, built with the `graphviz` package so every label is quoted.

Pure: no `dot` binary is run here (see `render/svg.py`), so the output is golden-tested.
Labels go through `graphviz.escape`, which also stops a title like `<b>x</b>` from being
read as an HTML-like label.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import graphviz
import networkx as nx

from archkb.core.kinds import KINDS

NODE_STYLE: dict[str, dict[str, str]] = {k.name: dict(k.node_style) for k in KINDS.values()}
STATUS_FILL = {"superseded": "#eeeeee", "deprecated": "#eeeeee", "rejected": "#ffebee", "proposed": "#fffde7",
               "draft": "#fffde7"}
EDGE_STYLE: dict[str, dict[str, str]] = {
    "supersedes": {"color": "#c62828", "style": "bold"},
    "amends": {"color": "#ef6c00", "style": "solid"},
    "depends_on": {"color": "#1565c0", "style": "solid"},
    "relates_to": {"color": "#757575", "style": "dashed", "arrowhead": "none"},
    "applies": {"color": "#2e7d32", "style": "solid"},
    "requires": {"color": "#1565c0", "style": "solid"},
    "complements": {"color": "#757575", "style": "dashed"},
    "alternative_to": {"color": "#6a1b9a", "style": "dotted"},
    "specializes": {"color": "#2e7d32", "style": "dashed", "arrowhead": "empty"},
    "uses": {"color": "#ad1457", "style": "solid"},
    "adopts": {"color": "#ad1457", "style": "solid"},
    "covers": {"color": "#f9a825", "style": "solid"},
    "mitigated_by": {"color": "#f9a825", "style": "dashed"},
    "realised_by": {"color": "#4527a0", "style": "dashed"},
}
UrlFor = Callable[[str], "str | None"]


def _wrap(text: str, width: int = 28) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return "\n".join(lines[:4]) + ("…" if len(lines) > 4 else "")


def _wrap_id(rid: str, width: int = 26) -> list[str]:
    """A long slug id broken after hyphens into lines of at most `width` characters (short ids stay whole)."""
    lines, line = [], ""
    for part in re.findall(r"[^-]+-?", rid) or [rid]:
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = part
        else:
            line += part
    return [*lines, line] if line else lines


def _node_text(rid: str, status: str | None, title: str) -> str:
    """A record box's text: id (broken at hyphens when long), status, and the title wrapped to a few lines.

    Narrow boxes keep neighbourhood diagrams inside the content column at a legible size
    (one long unbroken id line made the whole column of boxes wide).
    """
    lines = _wrap_id(rid)
    if status:
        shown = f"({status})"
        if len(lines[-1]) + 1 + len(shown) <= 26:
            lines[-1] = f"{lines[-1]} {shown}"
        else:
            lines.append(shown)
    return "\n".join(lines) + "\n" + _wrap(title, 26)


def label(text: str) -> str:
    """A safe DOT label: backslashes escaped, never read as HTML; newlines become centred line breaks."""
    return graphviz.nohtml("\\n".join(graphviz.escape(line) for line in text.split("\n")))


def record_graph_dot(g: nx.MultiDiGraph, *, name: str = "kb", focus: str | None = None,
                     url_for: UrlFor | None = None, rankdir: str = "LR", compact: bool = False,
                     graph_attrs: dict[str, str] | None = None) -> str:
    """DOT for a graph of records: kind-styled nodes (linked to their pages), type-styled stated edges.

    `compact` labels nodes with their id only (the title stays in the tooltip), for
    overview diagrams with many nodes; `graph_attrs` adds layout settings (for `sfdp`).
    """
    dot = graphviz.Digraph(name=name)
    dot.attr(rankdir=rankdir, bgcolor="transparent", fontname="Helvetica", fontsize="11")
    if graph_attrs:
        dot.attr(**dict(sorted(graph_attrs.items())))
    dot.attr("node", fontname="Helvetica", fontsize="10")
    dot.attr("edge", fontname="Helvetica", fontsize="9")
    for node in sorted(g.nodes):
        data = g.nodes[node]
        url = url_for(node) if url_for else None
        dot.body.append(_record_node(node, data.get("kind", ""), data.get("status"), data.get("title", ""),
                                     node == focus, compact, url))
    edges = sorted((u, v, d["type"]) for u, v, d in g.edges(data=True) if not d.get("derived"))
    for u, v, etype in edges:
        dot.body.append(_record_edge(u, v, etype, compact))
    return dot.source


@functools.lru_cache(maxsize=65536)
def _record_node(node: str, kind: str, status: str | None, title: str, focus: bool, compact: bool,
                 url: str | None) -> str:
    """The DOT statement of one record node (memoised: a record is drawn in every neighbour's diagram)."""
    attrs = dict(NODE_STYLE[kind])
    if status in STATUS_FILL:
        attrs["fillcolor"] = STATUS_FILL[status]
        attrs["fontcolor"] = "#616161"
    if focus:
        attrs["penwidth"] = "2.5"
    attrs["label"] = label(node if compact else _node_text(node, status, title))
    attrs["tooltip"] = label(f"{node}: {title}")
    if url:
        attrs["URL"] = label(url)
        attrs["target"] = "_top"
    return _line("node", node, None, _key(attrs))


@functools.lru_cache(maxsize=65536)
def _record_edge(u: str, v: str, etype: str, compact: bool) -> str:
    attrs = dict(EDGE_STYLE.get(etype, {}))
    if compact:
        attrs["tooltip"] = label(f"{u} {etype.replace('_', ' ')} {v}")
    else:
        attrs["label"] = label(etype.replace("_", " "))
    return _line("edge", u, v, _key(attrs))


AttrKey = tuple[tuple[str, str, bool], ...]


def _key(attrs: dict[str, str]) -> AttrKey:
    # The flag keeps a nohtml label apart from a plain string with the same text (they quote differently).
    return tuple((k, v, isinstance(v, graphviz.quoting.NoHtml)) for k, v in attrs.items())


@functools.lru_cache(maxsize=65536)
def _line(what: str, a: str, b: str | None, attrs: AttrKey) -> str:
    """One node or edge statement, quoted by the graphviz package; memoised, because a record
    appears in the neighbourhood diagrams of all its neighbours and quoting is the slow part."""
    tmp = graphviz.Digraph()
    values = {k: graphviz.nohtml(v) if html_safe else v for k, v, html_safe in attrs}
    if what == "node":
        tmp.node(a, **values)
    else:
        tmp.edge(a, str(b), **values)
    return tmp.body[0]


# Component kind -> node attributes: the shape says what the box is at a glance.
COMPONENT_STYLE: dict[str, dict[str, str]] = {
    "actor": {"shape": "ellipse", "fillcolor": "#fff3e0"},
    "client": {"shape": "tab", "fillcolor": "#fff3e0"},
    "service": {"shape": "box", "style": "rounded,filled", "fillcolor": "#e3f2fd"},
    "model": {"shape": "hexagon", "fillcolor": "#ede7f6"},
    "store": {"shape": "cylinder", "fillcolor": "#e8f5e9"},
    "queue": {"shape": "cds", "fillcolor": "#fce4ec"},
    "stream": {"shape": "rarrow", "fillcolor": "#fce4ec"},
    "pipeline": {"shape": "parallelogram", "fillcolor": "#f1f8e9"},
    "job": {"shape": "box3d", "fillcolor": "#f1f8e9"},
    "gateway": {"shape": "house", "fillcolor": "#e0f7fa"},
    "cache": {"shape": "cylinder", "style": "filled,dashed", "fillcolor": "#e8f5e9"},
    "registry": {"shape": "folder", "fillcolor": "#fffde7"},
    "monitor": {"shape": "octagon", "fillcolor": "#fff8e1"},
    "external": {"shape": "box", "style": "filled,dashed", "fillcolor": "#fafafa"},
    "policy": {"shape": "note", "fillcolor": "#fbe9e7"},
}
# Flow mode -> edge attributes: solid request/response, dashed async, bold bulk, and so on.
FLOW_STYLE: dict[str, dict[str, str]] = {
    "sync": {"style": "solid", "color": "#37474f"},
    "async": {"style": "dashed", "color": "#1565c0"},
    "batch": {"style": "bold", "color": "#2e7d32"},
    "stream": {"style": "bold", "color": "#ad1457", "arrowhead": "veevee"},
    "event": {"style": "dotted", "color": "#6a1b9a"},
    "control": {"style": "dashed", "color": "#ef6c00", "arrowhead": "odot"},
}


def pattern_component_dot(pattern: object, *, name: str = "components", rankdir: str = "LR") -> str:
    """DOT for a pattern's component diagram: kind-shaped components, mode-styled flows."""
    dot = graphviz.Digraph(name=name)
    dot.attr(rankdir=rankdir, bgcolor="transparent", fontname="Helvetica", fontsize="11")
    dot.attr("node", fontname="Helvetica", fontsize="10", style="filled", color="#455a64")
    dot.attr("edge", fontname="Helvetica", fontsize="9")
    for comp in sorted(getattr(pattern, "components", []), key=lambda c: c.id):
        attrs = dict(COMPONENT_STYLE.get(comp.kind.value, {}))
        attrs["label"] = label(f"{_wrap(comp.name, 20)}\n«{comp.kind.value}»")
        attrs["tooltip"] = label(comp.description or comp.name)
        dot.node(f"c_{comp.id}", **attrs)
    known = {c.id for c in getattr(pattern, "components", [])}
    for flow in getattr(pattern, "flows", []):
        if flow.from_ not in known or flow.to not in known:
            continue
        mode = flow.mode.value.rstrip("_")
        attrs = dict(FLOW_STYLE.get(mode, {}))
        text = f"{flow.label} ({mode})" if flow.label else mode
        attrs["label"] = label(_wrap(text, 24))
        dot.edge(f"c_{flow.from_}", f"c_{flow.to}", **attrs)
    return dot.source


def legend_dot() -> str:
    """DOT for the legend of component kinds and flow modes (drawn once, on the pattern catalog page)."""
    dot = graphviz.Digraph(name="legend")
    dot.attr(rankdir="LR", bgcolor="transparent", fontname="Helvetica", fontsize="10", nodesep="0.15")
    dot.attr("node", fontname="Helvetica", fontsize="9", style="filled", color="#455a64")
    dot.attr("edge", fontname="Helvetica", fontsize="9")
    for kind, attrs in COMPONENT_STYLE.items():
        dot.node(f"k_{kind}", label=label(kind), **attrs)
    for mode, attrs in FLOW_STYLE.items():
        dot.node(f"a_{mode}", label="", shape="point", width="0.05")
        dot.node(f"b_{mode}", label="", shape="point", width="0.05")
        dot.edge(f"a_{mode}", f"b_{mode}", label=label(mode), **attrs)
    return dot.source
