"""The link graph: derived inverses, impact, neighbourhood, supersession chains, stable JSON and DOT."""

from __future__ import annotations

import json
import os

from archkb.core.catalog import load_catalog
from archkb.core.graph import build_graph, graph_to_json, impact, neighbourhood, supersession_chain
from archkb.site.dot import record_graph_dot
from conftest import FIXTURES, assert_golden

KB = os.path.join(FIXTURES, "kb-small")


def graph():  # type: ignore[no-untyped-def]
    return build_graph(load_catalog(KB, use_cache=False))


def test_every_stated_link_has_a_derived_inverse() -> None:
    g = graph()
    assert g.has_edge("ADR-0002", "ADR-0001", key="supersedes")
    assert g.has_edge("ADR-0001", "ADR-0002", key="superseded_by")
    assert g["ADR-0001"]["ADR-0002"]["superseded_by"]["derived"] is True
    assert g.has_edge("streaming-inference", "serving-readiness", key="mitigates")
    assert g.has_edge("ADR-0002", "claims-scoring", key="adopted_by")
    stated = [d for _, _, d in g.edges(data=True) if not d["derived"]]
    derived = [d for _, _, d in g.edges(data=True) if d["derived"]]
    assert len(stated) == len(derived) == 7


def test_impact_is_transitive_with_distances() -> None:
    g = graph()
    assert impact(g, "streaming-inference") == {
        "ADR-0002": 1, "claims-scoring": 1, "serving-readiness": 1, "ADR-0003": 2,
    }
    assert impact(g, "streaming-inference", max_depth=1) == {"ADR-0002": 1, "claims-scoring": 1, "serving-readiness": 1}
    assert impact(g, "ADR-0003") == {}


def test_neighbourhood_and_chain() -> None:
    g = graph()
    assert sorted(neighbourhood(g, "ADR-0001", 1).nodes) == ["ADR-0001", "ADR-0002"]
    assert sorted(neighbourhood(g, "ADR-0001", 2).nodes) == [
        "ADR-0001", "ADR-0002", "ADR-0003", "claims-scoring", "streaming-inference"]
    assert supersession_chain(g, "ADR-0001") == ["ADR-0001", "ADR-0002"]
    assert supersession_chain(g, "ADR-0002") == ["ADR-0001", "ADR-0002"]


def test_json_is_sorted_and_stable() -> None:
    a, b = graph_to_json(graph()), graph_to_json(graph())
    assert json.dumps(a) == json.dumps(b)
    assert [n["id"] for n in a["nodes"]] == sorted(n["id"] for n in a["nodes"])


def test_dot_matches_golden() -> None:
    dot = record_graph_dot(graph(), focus="ADR-0002", url_for=lambda rid: f"../{rid}/")
    assert_golden("core/kb-small.dot", dot)


def test_dot_labels_cannot_inject_html_or_attributes() -> None:
    import networkx as nx

    g = nx.MultiDiGraph()
    g.add_node("x", kind="decision", title='<b onmouseover="alert(1)">x</b>" URL="javascript:alert(1)', status="accepted")
    dot = record_graph_dot(g)
    assert 'URL="javascript' not in dot
    assert "label=<" not in dot
