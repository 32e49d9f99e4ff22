"""Diagrams: batched Graphviz runs, cache by DOT hash, active content refused."""

from __future__ import annotations

import os

import pytest

from archkb.core.errors import ArchkbError
from archkb.site.dot import pattern_component_dot
from archkb.site.svg import RenderStats, clean_svg, dot_key, render_many

pytestmark = pytest.mark.skipif(not os.path.exists("/usr/bin/dot") and not __import__("shutil").which("dot"),
                                reason="Graphviz `dot` is not installed")


def test_many_graphs_in_batches_come_back_in_order_and_cached(tmp_path):
    graphs = [(f'digraph g{i} {{ a{i} -> b{i} [label="<{i}>"] }}', "dot") for i in range(7)] + [("graph u { x -- y }", "sfdp")]
    stats = RenderStats()
    out = render_many(graphs, cache_dir=str(tmp_path), workers=2, stats=stats)
    assert stats.rendered == 8 and stats.cached == 0
    for i in range(7):
        assert f">a{i}<" in out[i] and out[i].startswith("<svg")
    again = RenderStats()
    assert render_many(graphs, cache_dir=str(tmp_path), stats=again) == out
    assert again.rendered == 0 and again.cached == 8
    assert sorted(os.listdir(tmp_path)) == sorted(f"{dot_key(d, e)}.svg" for d, e in graphs)


def test_active_content_is_refused_but_escaped_text_is_fine():
    assert clean_svg('<svg><text>onerror=alert(1) javascript:x</text></svg>')
    assert clean_svg('<svg><a xlink:title="&lt;img onerror=x&gt;"></a></svg>')
    for bad in ('<svg><script>x</script></svg>', '<svg onload="x"></svg>', '<svg><a xlink:href="javascript:x"></a></svg>'):
        with pytest.raises(ArchkbError):
            clean_svg(bad)


def test_component_diagram_quotes_hostile_names():
    from archkb.models.pattern import Pattern

    p = Pattern.model_validate({
        "id": "p", "name": "P", "category": "data", "status": "draft", "summary": "s", "problem": "q?",
        "context": "c", "solution": "s",
        "components": [{"id": "a", "name": '"]; evil [URL="javascript:x"', "kind": "store"},
                       {"id": "b", "name": "<b>B</b>", "kind": "queue"}],
        "flows": [{"from": "a", "to": "b", "label": "x\\ny", "mode": "async"}]})
    dot = pattern_component_dot(p)
    assert "shape=cylinder" in dot and "shape=cds" in dot and "style=dashed" in dot
    svg = render_many([(dot, "dot")])[0]
    assert "javascript:" not in svg.split("<title>")[0]
    assert "href" not in svg
