"""The page templates ship in the package: `theme: material` + the plugin gives the full look; custom_dir still wins."""

from __future__ import annotations

import os

import pytest
from kbsite_project import build_project, make_project

from archkb.cli import main
from archkb.site.plugin import THEME_CSS, THEME_DIR, THEME_JS
from archkb.site.svg import graphviz_available

pytestmark = pytest.mark.skipif(not graphviz_available(), reason="Graphviz `dot` is not installed")


def _read(*parts: str) -> str:
    with open(os.path.join(*parts), encoding="utf-8") as fh:
        return fh.read()


def test_templates_and_assets_come_from_the_package_without_custom_dir(tmp_path):
    cfg = make_project(str(tmp_path), "kb-small")
    assert "custom_dir" not in _read(cfg)
    site = build_project(cfg)
    page = _read(site, "decisions", "ADR-0001", "index.html")
    assert 'class="archkb-header"' in page and "archkb-badge archkb-status-superseded" in page
    assert "archkb-banner" in page and 'rel="edit"' in page
    assert f'href="../../{THEME_CSS}"' in page and f'src="../../{THEME_JS}"' in page
    assert _read(site, THEME_CSS) == _read(THEME_DIR, THEME_CSS)
    assert _read(site, THEME_JS) == _read(THEME_DIR, THEME_JS)


def test_a_projects_own_custom_dir_overrides_the_package_templates(tmp_path):
    cfg = make_project(str(tmp_path), "kb-small")
    own = tmp_path / "kb" / "overrides" / "partials"
    own.mkdir(parents=True)
    (own / "archkb-record.html").write_text('<p class="team-header">{{ page.meta.archkb.kind }}</p>\n')
    text = _read(cfg).replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    with open(cfg, "w", encoding="utf-8") as fh:
        fh.write(text)
    page = _read(build_project(cfg), "decisions", "ADR-0001", "index.html")
    assert '<p class="team-header">decision</p>' in page
    assert 'class="archkb-header"' not in page, "the project's partial replaces the package's"


def test_export_site_ships_the_templates_and_assets(tmp_path):
    cfg = make_project(str(tmp_path), "kb-small")
    out = tmp_path / "export"
    assert main(["export-site", str(out), "-f", cfg]) == 0
    exported = _read(str(out), "mkdocs.yml")
    assert "custom_dir: overrides" in exported and THEME_CSS in exported and THEME_JS in exported
    assert (out / "overrides" / "partials" / "archkb-record.html").is_file()
    assert (out / "overrides" / THEME_CSS).is_file()


def test_another_theme_gets_a_warning_that_the_record_templates_need_material(tmp_path, caplog):
    import logging

    from mkdocs.config import load_config

    cfg = make_project(str(tmp_path), "kb-small")
    with open(cfg, encoding="utf-8") as fh:
        text = fh.read().replace("  name: material\n", "  name: mkdocs\n").replace("  - tags\n", "")
    with open(cfg, "w", encoding="utf-8") as fh:
        fh.write(text)
    config = load_config(cfg)
    with caplog.at_level(logging.WARNING):
        config.plugins.on_config(config)
    assert any("templates for theme: material" in r.message for r in caplog.records)
