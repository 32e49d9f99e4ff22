"""The public API: the names `archkb` exports, and `load()` doing what its docstrings say."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

import archkb
from conftest import FIXTURES, ROOT

EXPECTED = {
    "KINDS", "ArchkbError", "Assembly", "CheckResult", "Checklist", "Conflict", "Decision", "GitError",
    "InvalidInput", "Item", "Kind", "KnowledgeBase", "NotFound", "Pattern", "Position", "Principle", "Problem",
    "Record", "RefusedWrite", "Review", "Score", "Severity", "ToolMissing", "UsageError", "__version__", "load",
}


def test_exported_names_are_exactly_the_documented_ones() -> None:
    assert set(archkb.__all__) == EXPECTED
    for name in archkb.__all__:
        assert getattr(archkb, name) is not None, name
    with pytest.raises(AttributeError):
        archkb.not_a_public_name  # noqa: B018


def test_import_is_cheap_and_names_load_on_use() -> None:
    code = ("import sys, archkb; assert 'pydantic' not in sys.modules and 'networkx' not in sys.modules; "
            "archkb.load; assert 'pydantic' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": os.path.join(ROOT, "tooling")})


def test_py_typed_ships_with_the_package() -> None:
    assert os.path.exists(os.path.join(os.path.dirname(archkb.__file__), "py.typed"))


def test_load_records_get_graph_check_impact() -> None:
    kb = archkb.load(os.path.join(FIXTURES, "kb-small"), use_cache=False)
    records = kb.records()
    assert records and [r.id for r in records] == sorted(r.id for r in records)
    decisions = kb.records("decision")
    assert decisions and all(isinstance(d, archkb.Decision) for d in decisions)
    first = decisions[0]
    assert kb.get(first.id) is first and kb.get("no-such-record") is None
    assert set(kb.graph.nodes) >= {r.id for r in records}
    result = kb.check()
    assert isinstance(result, archkb.CheckResult) and isinstance(result.problems, list)
    assert all(isinstance(p, archkb.Problem) for p in result.problems)
    assert isinstance(kb.impact(first.id), dict)
    assert kb.supersession_chain(first.id)[-1:] != []
    with pytest.raises(archkb.UsageError):
        kb.records("spaceship")
    with pytest.raises(archkb.NotFound):
        kb.impact("no-such-record")


def test_load_refuses_a_missing_folder(tmp_path) -> None:
    with pytest.raises(archkb.NotFound):
        archkb.load(str(tmp_path / "nowhere"))


def test_review_assembly_and_scoring() -> None:
    kb = archkb.load(os.path.join(FIXTURES, "reviews"), use_cache=False)
    review = kb.records("review")[0]
    assembly = kb.review_checklist(review.id)
    assert isinstance(assembly, archkb.Assembly) and assembly.items
    score = kb.review_score(review.id)
    assert isinstance(score, archkb.Score)
    with pytest.raises(archkb.NotFound):
        kb.review_score(review.id, "no such milestone")
    with pytest.raises(archkb.UsageError):
        kb.review_checklist(kb.records("checklist")[0].id)


def test_bad_records_are_problems_not_exceptions(tmp_path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(os.path.join(FIXTURES, "kb-small"), root)
    (root / "adr" / "ADR-0999-broken.yaml").write_text("id: ADR-0999\ntitle: [unclosed\n")
    kb = archkb.load(str(root), use_cache=False)
    assert any(p.position.path.endswith("ADR-0999-broken.yaml") for p in kb.check().problems)


def test_the_cache_salt_covers_every_sub_package() -> None:
    """A rule edited in rules/ (not only in core/) must invalidate cached check results."""
    from archkb.core import snapshot

    here = os.path.dirname(archkb.__file__)
    rule = os.path.join(here, "rules", "core.py")
    snapshot.salt.cache_clear()
    before = snapshot.salt()
    st = os.stat(rule)
    try:
        os.utime(rule, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
        snapshot.salt.cache_clear()
        assert snapshot.salt() != before
    finally:
        os.utime(rule, ns=(st.st_atime_ns, st.st_mtime_ns))
        snapshot.salt.cache_clear()


def test_a_cached_check_imports_neither_pydantic_nor_networkx(tmp_path) -> None:
    """The hot path: `archkb check` on an unchanged KB answers from its cache without the heavy libraries."""
    root = tmp_path / "kb"
    shutil.copytree(os.path.join(FIXTURES, "kb-small"), root)
    env = {**os.environ, "PYTHONPATH": os.path.join(ROOT, "tooling"), "ARCHKB_CACHE_DIR": str(tmp_path / "cache"),
           "ARCHKB_STATE_DIR": str(tmp_path / "state")}
    code = ("import sys; from archkb.cli import main; rc = main(['check', sys.argv[1]]); "
            "heavy = sorted(m for m in ('pydantic', 'networkx') if m in sys.modules); print(rc, heavy)")
    first = subprocess.run([sys.executable, "-c", code, str(root)], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", code, str(root)], env=env, capture_output=True, text=True,
                            check=True)
    assert "['networkx', 'pydantic']" in first.stdout.splitlines()[-1]
    assert second.stdout.splitlines()[-1].endswith(" []")
