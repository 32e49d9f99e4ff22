"""The loader: positions, duplicate keys, the fast constructor's equivalence, and no exception for any input."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archkb.core.yaml_source import _parse, load_bytes, load_text

DOC = """# comment
id: ADR-0001
title: Use a queue
options:
  - title: Kafka
    pros: [fast, "durable"]
  - title: RabbitMQ
links:
  - {type: depends_on, target: ADR-0002}
"""


def test_positions_point_at_values_and_keys() -> None:
    doc = load_text("a.yaml", DOC)
    assert doc.ok
    assert str(doc.position(("title",))) == "a.yaml:3:8"
    assert str(doc.position(("title",), key=True)) == "a.yaml:3:1"
    assert str(doc.position(("options", 1, "title"))) == "a.yaml:7:12"
    assert str(doc.position(("options", 0, "pros", 1))) == "a.yaml:6:18"
    assert str(doc.position(("links", 0, "target"))) == "a.yaml:9:32"


def test_missing_path_falls_back_to_deepest_existing_node() -> None:
    doc = load_text("a.yaml", DOC)
    assert str(doc.position(("options", 1, "cons"))) == "a.yaml:7:5"
    assert str(doc.position(("nope", 3))) == "a.yaml:2:1"


def test_duplicate_keys_anywhere_are_errors() -> None:
    doc = load_text("a.yaml", "a:\n  b: 1\n  c: 2\n  b: 3\n")
    assert [(p.code, p.position.line, p.position.col) for p in doc.problems] == [("E002", 4, 3)]
    assert "first at line 2" in doc.problems[0].message


def test_merge_keys_may_override_without_being_duplicates() -> None:
    doc = load_text("a.yaml", "base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n")
    assert doc.ok and doc.data["derived"] == {"x": 1, "y": 3}


SAMPLES = [
    DOC,
    "a: 1\nb: 1.5\nc: true\nd: null\ne: 2024-02-29\nf: 2024-02-29T10:00:00Z\ng: '007'\nh: 0x1F\ni: .inf\n",
    "list: [1, two, {three: 3}]\nnested:\n  - - a\n    - b\n  - c\n",
    "text: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
    "anchors: &a {x: [1, 2]}\nagain: *a\n",
    "set: !!set {a, b}\n",
    "empty:\nquoted: \"a: b\"\n",
    "yes: no\nmaybe: off\n",
]


def test_fast_constructor_matches_pyyaml() -> None:
    for text in SAMPLES:
        assert _parse(text) == yaml.load(text, Loader=yaml.CSafeLoader), text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_any_bytes_give_problems_never_exceptions(raw: bytes) -> None:
    doc = load_bytes("fuzz.yaml", raw)
    assert doc.ok or doc.problems or doc.data is not None
    for p in doc.problems:
        assert p.code.startswith("E") and p.position.line >= 1 and p.position.col >= 1


YAMLISH = st.text(alphabet=st.sampled_from([*list("ab:- \n\t[]{}&*!|>'\"#%@`,?0123456789.\\"), "\x00", "é", "\ufeff"]),
                  max_size=300)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(YAMLISH)
def test_yaml_like_text_gives_problems_never_exceptions(text: str) -> None:
    doc = load_bytes("fuzz.yaml", text.encode("utf-8"))
    for p in doc.problems:
        assert p.position.line >= 1
        doc.position(("a", 0))  # positions never raise either
