"""Caches are never trusted: nothing from the tree is unpickled, entries live outside it and are verified."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import shutil

import pytest

from archkb.cli import main
from archkb.core import cache
from archkb.site import svg
from conftest import FIXTURES

KB = os.path.join(FIXTURES, "kb-small")


class _Payload:
    """Unpickling this creates a marker file: proof that code ran."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def _copy(tmp_path: object) -> str:
    dst = os.path.join(str(tmp_path), "kb")
    shutil.copytree(KB, dst)
    return dst


def test_committed_pickles_never_run(tmp_path: object) -> None:
    kb = _copy(tmp_path)
    marker = os.path.join(str(tmp_path), "PWNED")
    os.makedirs(os.path.join(kb, ".archkb_cache"))
    for name in ("check.pickle", "catalog.pickle"):
        with open(os.path.join(kb, ".archkb_cache", name), "wb") as fh:
            pickle.dump(_Payload(marker), fh)
    assert main(["check", kb]) == 0
    assert main(["check", kb]) == 0  # a warm run too
    assert not os.path.exists(marker)


def test_cache_lives_outside_the_tree(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = _copy(tmp_path)
    monkeypatch.setenv("ARCHKB_CACHE_DIR", os.path.join(str(tmp_path), "cache"))
    assert main(["check", kb]) == 0
    assert not os.path.exists(os.path.join(kb, ".archkb_cache"))
    folder = cache.cache_dir(kb)
    assert folder.startswith(os.path.join(str(tmp_path), "cache"))
    assert sorted(os.listdir(folder)) == ["catalog.json", "check.json"]
    with open(os.path.join(folder, "check.json"), encoding="utf-8") as fh:
        entry = json.load(fh)
    assert entry["format"] == "archkb-cache" and entry["name"] == "check"


def test_xdg_cache_home_is_the_default(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARCHKB_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_root() == os.path.join(str(tmp_path), "archkb")
    assert cache.cache_dir("/x").startswith(os.path.join(str(tmp_path), "archkb") + os.sep)
    assert cache.cache_dir("/x") != cache.cache_dir("/y")


def test_tampered_or_mismatched_entries_are_recomputed(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    kb = _copy(tmp_path)
    assert main(["check", kb]) == 0
    path = cache.cache_dir(kb, "check.json")
    with open(path, encoding="utf-8") as fh:
        entry = json.load(fh)
    fake = [["error", "E999", "planted", "adr/x.yaml", 1, 1, None]]
    for change in ({"value": fake}, {"version": 99, "value": fake}, {"name": "other", "value": fake},
                   {"key": "00", "value": fake}, {"value": [["error", "E999"]]}):
        planted = {**entry, **change}
        if change.keys() == {"value"} and change["value"] == fake:
            planted["key"] = "ff" * 16  # a stale key with a planted answer
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(planted, fh)
        capsys.readouterr()
        assert main(["check", kb]) == 0
        assert "E999" not in capsys.readouterr().out
    os.unlink(path)
    os.symlink("/etc/passwd", path)
    assert main(["check", kb]) == 0


def test_values_round_trip_with_tags() -> None:
    value = {"a": [1, 2.5, None, True, "x"], "d": dt.date(2025, 1, 2),
             "t": dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), "b": b"\x00\xff",
             "k": {1: "int key", None: "null key", dt.date(2020, 1, 1): "date key"},
             cache._TAG: "looks like a tag", "nested": {cache._TAG: "map", "v": []}}
    assert cache.decode(cache.encode(value)) == value


def test_cache_write_failure_is_silent(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = os.path.join(str(tmp_path), "file")
    with open(blocker, "w", encoding="utf-8") as fh:
        fh.write("x")
    monkeypatch.setenv("ARCHKB_CACHE_DIR", os.path.join(blocker, "below"))
    kb = _copy(tmp_path)
    assert main(["check", kb]) == 0


def test_planted_svg_in_the_cache_is_refused_and_redrawn(tmp_path: object) -> None:
    if not svg.graphviz_available():
        pytest.skip("Graphviz not installed")
    folder = os.path.join(str(tmp_path), "svg")
    dot = "digraph { a -> b }"
    clean = svg.render_many([(dot, "dot")], cache_dir=folder)[0]
    key = svg.dot_key(dot, "dot")
    with open(os.path.join(folder, f"{key}.svg"), "w", encoding="utf-8") as fh:
        fh.write('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    stats = svg.RenderStats()
    again = svg.render_many([(dot, "dot")], cache_dir=folder, stats=stats)[0]
    assert "<script" not in again and again == clean
    assert stats.rendered == 1 and stats.cached == 0
    stats = svg.RenderStats()
    svg.render_many([(dot, "dot")], cache_dir=folder, stats=stats)
    assert stats.cached == 1


def test_svg_cache_folder_of_the_plugin_is_outside_the_tree(tmp_path: object) -> None:
    from mkdocs.config.defaults import MkDocsConfig

    from archkb.site.plugin import KnowledgeBasePlugin

    plugin = KnowledgeBasePlugin()
    plugin.load_config({})
    plugin.root = str(tmp_path)
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": str(tmp_path)})
    config.validate()
    folder = plugin.site_options(config).cache_dir
    assert folder == cache.cache_dir(str(tmp_path), "svg")
    assert not os.path.realpath(str(folder)).startswith(os.path.realpath(str(tmp_path)) + os.sep)
