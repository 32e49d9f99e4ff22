"""The MkDocs plugin end to end: pages in memory, edit links, invalid records, serve, export, reproducibility."""

from __future__ import annotations

import logging
import os
import shutil

import pytest
from kbsite_project import build_project, make_project, tree
from mkdocs.exceptions import Abort, PluginError

from archkb.cli import main
from archkb.core.catalog import load_catalog
from archkb.rules import check_catalog
from archkb.site.svg import graphviz_available
from conftest import FIXTURES

pytestmark = pytest.mark.skipif(not graphviz_available(), reason="Graphviz `dot` is not installed")


def _html(site: str, *parts: str) -> str:
    with open(os.path.join(site, *parts, "index.html"), encoding="utf-8") as fh:
        return fh.read()


def test_build_has_a_page_per_record_with_edit_link_banner_and_diagram(tmp_path):
    cfg = make_project(str(tmp_path), "kb-small")
    docs_before = tree(os.path.join(tmp_path, "kb", "docs"))
    site = build_project(cfg)
    assert tree(os.path.join(tmp_path, "kb", "docs")) == docs_before, "nothing may be written into docs/"
    for rid, folder in (("ADR-0001", "decisions"), ("ADR-0002", "decisions"), ("ADR-0003", "decisions"),
                        ("streaming-inference", "patterns"), ("serving-readiness", "checklists"),
                        ("claims-scoring", "reviews")):
        page = _html(site, folder, rid)
        assert 'class="archkb-diagram"' in page, rid
        assert "https://example.invalid/kb/edit/main/" + folder.replace("decisions", "adr") in page, rid
    old = _html(site, "decisions", "ADR-0001")
    assert "archkb-banner" in old and "superseded by" in old
    assert 'href="../ADR-0002/"' in old
    assert "edit/main/adr/ADR-0001-use-queue.yaml" in old
    new = _html(site, "decisions", "ADR-0002")
    assert "archkb-banner" not in new
    # The successor says in its header which record it supersedes.
    assert "archkb-supersedes" in new and "This decision supersedes" in new
    pattern = _html(site, "patterns", "streaming-inference")
    assert pattern.count('class="archkb-diagram"') == 2, "component diagram and neighbourhood"
    for index in (("decisions",), ("decisions", "status"), ("decisions", "timeline"), ("patterns",),
                  ("checklists",), ("reviews",), ("tags",)):
        assert _html(site, *index)
    home = _html(site)
    assert "Latest decisions" in home and "ADR-0003" in home


@pytest.mark.slow
def test_navigation_is_nested_and_pruned(tmp_path):
    from mkdocs.config import load_config

    cfg = make_project(str(tmp_path), "kb-small")
    site = build_project(cfg)
    config = load_config(cfg)
    assert "navigation.prune" in config.theme["features"]
    nav_html = _html(site, "decisions", "ADR-0001")
    # Record pages sit under their kind and category, never as one flat top-level list.
    assert nav_html.count('href="../ADR-0003/"') >= 1
    from archkb.site.plan import SiteOptions, full_nav, plan_site

    plan = plan_site(check_catalog(load_catalog(os.path.join(tmp_path, "kb"))), SiteOptions(diagrams="off"))
    nav = full_nav(plan, ["index.md"])
    top = [next(iter(item)) for item in nav]
    assert top == ["Home", "Decisions", "Patterns", "Checklists", "Reviews", "Tags"]
    assert all(not (isinstance(item, str) and item.startswith("decisions/ADR-")) for item in nav[1]["Decisions"])


def _break_record(root: str) -> str:
    path = os.path.join(root, "adr", "ADR-0003-partition-by-customer.yaml")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("colour: blue\n")
    return path


def test_invalid_record_fails_build_with_check_messages(tmp_path, caplog):
    cfg = make_project(str(tmp_path), "kb-small")
    root = os.path.join(tmp_path, "kb")
    _break_record(root)
    expected = [p.format_text() for p in check_catalog(load_catalog(root, use_cache=False)).problems if p.is_error]
    assert expected and expected[0].startswith("adr/ADR-0003-partition-by-customer.yaml:")
    with caplog.at_level(logging.INFO), pytest.raises((PluginError, Abort)):
        build_project(cfg)
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("invalid record" in msg for msg in logged)
    for line in expected:
        assert any(line in msg for msg in logged), line


@pytest.mark.slow
def test_invalid_record_only_warns_under_serve(tmp_path, caplog):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    cfg = make_project(str(tmp_path), "kb-small")
    _break_record(os.path.join(tmp_path, "kb"))
    config = load_config(cfg)
    config.plugins["archkb"].on_startup(command="serve", dirty=False)
    with caplog.at_level(logging.WARNING):
        build(config)
    assert any("ADR-0003-partition-by-customer.yaml:" in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)
    # The other records are still published.
    assert os.path.exists(os.path.join(config.site_dir, "decisions", "ADR-0001", "index.html"))


def test_on_serve_watches_record_folders(tmp_path):
    from mkdocs.config import load_config

    cfg = make_project(str(tmp_path), "kb-small")
    config = load_config(cfg)
    plugin = config.plugins["archkb"]
    plugin.on_config(config)

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = Server()
    assert plugin.on_serve(server, config=config, builder=None) is server
    root = os.path.join(tmp_path, "kb")
    assert sorted(server.watched) == sorted(os.path.join(root, f) for f in ("adr", "checklists", "patterns", "reviews"))


@pytest.mark.slow
def test_second_build_draws_no_diagram_and_builds_are_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    cfg = make_project(str(tmp_path), "kb-small")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    first = load_config(cfg, site_dir=str(tmp_path / "one"))
    build(first)
    drawn = first.plugins["archkb"].plan.stats.rendered
    assert drawn > 0
    second = load_config(cfg, site_dir=str(tmp_path / "two"))
    build(second)
    assert second.plugins["archkb"].plan.stats.rendered == 0
    assert second.plugins["archkb"].plan.stats.cached == drawn
    assert tree(str(tmp_path / "one")) == tree(str(tmp_path / "two"))


@pytest.mark.slow
def test_export_site_builds_the_same_pages_without_the_plugin(tmp_path, capsys):
    cfg = make_project(str(tmp_path), "kb-small")
    site = build_project(cfg)
    out = str(tmp_path / "export")
    assert main(["export-site", out, "-f", cfg]) == 0
    with open(os.path.join(out, "mkdocs.yml"), encoding="utf-8") as fh:
        exported = fh.read()
    assert "archkb" not in exported.split("plugins:")[1].split("markdown_extensions")[0]
    assert "nav:" in exported
    plain = build_project(os.path.join(out, "mkdocs.yml"))
    ours, theirs = tree(site), tree(plain)
    assert set(ours) == set(theirs)
    differ = sorted(k for k in ours if ours[k] != theirs[k] and not k.startswith("search/") and "sitemap" not in k)
    assert differ == []
    # A second export replaces the first; a folder it did not write is refused, untouched.
    assert main(["export-site", out, "-f", cfg]) == 0
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    assert main(["export-site", str(foreign), "-f", cfg]) == 1
    assert os.listdir(foreign) == ["keep.txt"]
    assert "not written by" in capsys.readouterr().err


def test_hand_written_page_colliding_with_a_generated_one_is_refused(tmp_path, caplog):
    cfg = make_project(str(tmp_path), "kb-small")
    os.makedirs(os.path.join(tmp_path, "kb", "docs", "decisions"))
    shutil.copyfile(os.path.join(tmp_path, "kb", "docs", "index.md"),
                    os.path.join(tmp_path, "kb", "docs", "decisions", "index.md"))
    with caplog.at_level(logging.ERROR), pytest.raises((PluginError, Abort)):
        build_project(cfg)
    assert any("hand-written" in r.getMessage() for r in caplog.records)


def test_export_site_fails_cleanly_on_invalid_records_and_bad_usage(tmp_path, capsys):
    cfg = make_project(str(tmp_path), "kb-small")
    _break_record(os.path.join(tmp_path, "kb"))
    out = tmp_path / "export"
    assert main(["export-site", str(out), "-f", cfg]) == 1
    assert not out.exists(), "a failed export changes nothing"
    assert "invalid record" in capsys.readouterr().err
    assert main(["export-site", str(out), "-f", str(tmp_path / "missing.yml")]) == 2
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".archkb-export")]


@pytest.mark.parametrize("mode", ["dot", "off"])
def test_diagram_modes_without_graphviz_output(tmp_path, mode):
    cfg = make_project(str(tmp_path), "kb-small", diagrams=mode)
    site = build_project(cfg)
    page = _html(site, "decisions", "ADR-0002")
    assert ("digraph neighbourhood" in page) == (mode == "dot")
    assert not os.path.exists(os.path.join(site, "diagrams"))


def test_a_record_id_that_clashes_with_an_index_page_is_refused(tmp_path):
    from archkb.site.plan import SiteOptions, plan_site

    root = tmp_path / "kb"
    shutil.copytree(os.path.join(FIXTURES, "kb-small"), root)
    src = root / "checklists" / "serving-readiness.yaml"
    text = src.read_text().replace("id: serving-readiness", "id: index")
    src.unlink()
    (root / "checklists" / "index.yaml").write_text(text)
    result = check_catalog(load_catalog(str(root), use_cache=False))
    # `archkb check` refuses the id itself now (E016), so the page clash never reaches the plan.
    assert [p.code for p in result.problems if p.position.path == "checklists/index.yaml"] == ["E016"]
    plan = plan_site(result, SiteOptions(diagrams="off"))
    assert not [p for p in plan.pages if p.source == "checklists/index.yaml"]


@pytest.mark.slow
def test_serve_rebuilds_when_a_record_changes(tmp_path):
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    cfg = make_project(str(tmp_path), "kb-small")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mkdocs = os.path.join(os.path.dirname(sys.executable), "mkdocs")
    proc = subprocess.Popen([mkdocs, "serve", "-f", cfg, "-a", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    url = f"http://127.0.0.1:{port}/decisions/ADR-0002/"

    def fetch() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            return ""

    def wait_for(text: str) -> bool:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if text in fetch():
                return True
            time.sleep(0.5)
        return False

    try:
        assert wait_for("Use an event stream instead of a queue")
        path = os.path.join(tmp_path, "kb", "adr", "ADR-0002-use-event-stream.yaml")
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text.replace("title: Use an event stream instead of a queue", "title: Use a replayable event stream"))
        assert wait_for("Use a replayable event stream"), "the record change was not picked up"
        assert not os.path.exists(os.path.join(tmp_path, "kb", "docs", "decisions")), "nothing written into docs/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
