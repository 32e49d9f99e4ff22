"""`mkdocs serve` keeps serving when a record breaks or crashes a check, and shows an invalid record's problems on its page."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator

import pytest
from kbsite_project import make_project
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

import archkb.rules as rules
from archkb.core.catalog import load_catalog
from archkb.rules import check_catalog


@pytest.fixture(autouse=True)
def _back_to_build(tmp_path: object) -> Iterator[None]:
    """MkDocs keeps plugin objects that define on_startup across loads: leave ours in build mode."""
    yield
    cfg = make_project(os.path.join(str(tmp_path), "reset"), "kb-small", diagrams="dot")
    load_config(cfg).plugins["archkb"].on_startup(command="build", dirty=False)


def _crashing_rule(ctx: rules.RuleContext) -> list[object]:
    for entry in ctx.catalog.entries:
        if entry.path.startswith("adr/ADR-0003"):
            raise KeyError("boom")
    return []


def _break(root: str) -> str:
    path = next(os.path.join(root, "adr", n) for n in sorted(os.listdir(os.path.join(root, "adr")))
                if n.startswith("ADR-0003"))
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("status_typo: accepted\n")
    return path


def test_a_crashing_rule_is_a_coded_error_at_its_record(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = make_project(str(tmp_path), "kb-small", diagrams="dot")
    monkeypatch.setattr(rules, "rule_sets", lambda: [_crashing_rule])
    result = check_catalog(load_catalog(os.path.dirname(cfg), use_cache=False), today=dt.date(2026, 1, 1))
    crashed = [p for p in result.problems if p.code == "E025"]
    assert len(crashed) == 1
    assert crashed[0].position.path.startswith("adr/ADR-0003") and "KeyError" in crashed[0].message


def test_serve_keeps_serving_when_a_check_crashes(tmp_path: object, monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    cfg = make_project(str(tmp_path), "kb-small", diagrams="dot")
    monkeypatch.setattr(rules, "rule_sets", lambda: [_crashing_rule])
    config = load_config(cfg)
    config.plugins["archkb"].on_startup(command="serve", dirty=False)
    with caplog.at_level(logging.WARNING):
        build(config)
    assert any("E025" in r.getMessage() for r in caplog.records)
    assert os.path.exists(os.path.join(config.site_dir, "decisions", "ADR-0001", "index.html"))


def test_serve_keeps_serving_when_planning_crashes(tmp_path: object, monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    import archkb.site.plugin as plugin

    def explode(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    cfg = make_project(str(tmp_path), "kb-small", diagrams="dot")
    monkeypatch.setattr(plugin, "plan_site", explode)
    config = load_config(cfg)
    config.plugins["archkb"].on_startup(command="serve", dirty=False)
    with caplog.at_level(logging.ERROR):
        build(config)
    assert any("RecursionError" in r.getMessage() for r in caplog.records)
    with open(os.path.join(config.site_dir, "archkb-error", "index.html"), encoding="utf-8") as fh:
        assert "RecursionError" in fh.read()
    # `mkdocs build` still fails loudly, without a traceback of ours
    config = load_config(cfg)
    config.plugins["archkb"].on_startup(command="build", dirty=False)
    with pytest.raises(Abort):
        build(config)


def test_invalid_record_page_shows_its_problems_under_serve(tmp_path: object) -> None:
    cfg = make_project(str(tmp_path), "kb-small", diagrams="dot")
    _break(os.path.dirname(cfg))
    config = load_config(cfg)
    config.plugins["archkb"].on_startup(command="serve", dirty=False)
    build(config)
    with open(os.path.join(config.site_dir, "decisions", "ADR-0003", "index.html"), encoding="utf-8") as fh:
        page = fh.read()
    assert "not published" in page
    assert "status_typo" in page and "E003" in page
    assert ":1" in page  # file:line:col
