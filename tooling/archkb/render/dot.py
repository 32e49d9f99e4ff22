"""DOT text for record graphs, built with the `graphviz` package so every label is quoted.

Pure: no `dot` binary is run here (see `render/svg.py`), so the output is golden-tested.
Labels go through `graphviz.escape`, which also stops a title like `<b>x</b>` from being
read as an HTML-like label.
"""

from __future__ import annotations

from collections.abc import Callable

import graphviz
import networkx as nx

NODE_STYLE: dict[str, dict[str, str]] = {
    "decision": {"shape": "box", "style": "rounded,filled", "fillcolor": "#e3f2fd", "color": "#1565c0"},
    "pattern": {"shape": "component", "style": "filled", "fillcolor": "#f1f8e9", "color": "#558b2f"},
    "checklist": {"shape": "note", "style": "filled", "fillcolor": "#fff8e1", "color": "#f9a825"},
    "review": {"shape": "folder", "style": "filled", "fillcolor": "#fce4ec", "color": "#ad1457"},
}
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


def label(text: str) -> str:
    """A safe DOT label: backslashes escaped, never read as HTML; newlines become centred line breaks."""
    return graphviz.nohtml("\\n".join(graphviz.escape(line) for line in text.split("\n")))


def record_graph_dot(g: nx.MultiDiGraph, *, name: str = "kb", focus: str | None = None,
                     url_for: UrlFor | None = None, rankdir: str = "LR") -> str:
    """DOT for a graph of records: kind-styled nodes (linked to their pages), type-styled stated edges."""
    dot = graphviz.Digraph(name=name)
    dot.attr(rankdir=rankdir, bgcolor="transparent", fontname="Helvetica", fontsize="11")
    dot.attr("node", fontname="Helvetica", fontsize="10")
    dot.attr("edge", fontname="Helvetica", fontsize="9")
    for node in sorted(g.nodes):
        data = g.nodes[node]
        attrs = dict(NODE_STYLE.get(data.get("kind", ""), {}))
        if data.get("status") in STATUS_FILL:
            attrs["fillcolor"] = STATUS_FILL[data["status"]]
            attrs["fontcolor"] = "#616161"
        if node == focus:
            attrs["penwidth"] = "2.5"
        status = f" ({data['status']})" if data.get("status") else ""
        attrs["label"] = label(f"{node}{status}\n{_wrap(data.get('title', ''))}")
        attrs["tooltip"] = label(f"{node}: {data.get('title', '')}")
        url = url_for(node) if url_for else None
        if url:
            attrs["URL"] = label(url)
            attrs["target"] = "_top"
        dot.node(node, **attrs)
    edges = sorted((u, v, d["type"]) for u, v, d in g.edges(data=True) if not d.get("derived"))
    for u, v, etype in edges:
        attrs = dict(EDGE_STYLE.get(etype, {}))
        attrs["label"] = label(etype.replace("_", " "))
        dot.edge(u, v, **attrs)
    return dot.source
