"""Instant preview: `mkdocs serve --dirty` rebuilds only what an edit touches, and shows invalid records' problems."""

from __future__ import annotations

import os

import pytest
from kbsite_project import make_project

from archkb.site.svg import graphviz_available

pytestmark = pytest.mark.skipif(not graphviz_available(), reason="Graphviz `dot` is not installed")


class Serve:
    """Rebuilds as `mkdocs serve --dirty` runs them: a fresh config each time, the same plugin object."""

    def __init__(self, cfg: str, site: str) -> None:
        self.cfg, self.site = cfg, site
        self.started = False

    def build(self) -> None:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        config = load_config(self.cfg, site_dir=self.site)
        if not self.started:
            config.plugins.on_startup(command="serve", dirty=True)
            self.started = True
        build(config, serve_url="http://127.0.0.1:8000/", dirty=True)
        self.plugin = config.plugins["archkb"]

    def html(self, *parts: str) -> str:
        with open(os.path.join(self.site, *parts, "index.html"), encoding="utf-8") as fh:
            return fh.read()

    def mtime(self, *parts: str) -> int:
        return os.stat(os.path.join(self.site, *parts, "index.html")).st_mtime_ns


def _edit(path: str, old: str, new: str) -> None:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert old in text
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace(old, new))


def test_an_edit_rebuilds_the_record_and_its_neighbours_only(tmp_path) -> None:
    cfg = make_project(str(tmp_path), "kb-small")
    root = os.path.dirname(cfg)
    serve = Serve(cfg, str(tmp_path / "site"))
    serve.build()
    assert serve.plugin.state is not None
    untouched = serve.mtime("checklists", "serving-readiness")
    neighbour = serve.mtime("decisions", "ADR-0002")
    _edit(os.path.join(root, "adr", "ADR-0001-use-queue.yaml"), "title: Use a message queue",
          "title: Use a durable message queue")
    serve.build()
    assert "Use a durable message queue" in serve.html("decisions", "ADR-0001")
    assert "Use a durable message queue" in serve.html("decisions", "ADR-0002"), "the neighbour's link text follows"
    assert serve.mtime("decisions", "ADR-0002") != neighbour
    assert serve.mtime("checklists", "serving-readiness") == untouched, "a page the edit cannot change is not rebuilt"


def test_a_record_that_becomes_invalid_shows_its_problems_on_its_page_then_recovers(tmp_path) -> None:
    cfg = make_project(str(tmp_path), "kb-small")
    path = os.path.join(os.path.dirname(cfg), "adr", "ADR-0003-partition-by-customer.yaml")
    serve = Serve(cfg, str(tmp_path / "site"))
    serve.build()
    _edit(path, "status: accepted", "status: acepted")
    serve.build()
    page = serve.html("decisions", "ADR-0003")
    assert "not published" in page and "E003" in page
    _edit(path, "status: acepted", "status: accepted")
    serve.build()
    page = serve.html("decisions", "ADR-0003")
    assert "not published" not in page and "Partition the scoring stream by customer" in page
