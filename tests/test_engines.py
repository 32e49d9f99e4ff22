"""Other engines build the knowledge base: Zensical builds `archkb export-site` output; TechDocs runs the plugin.

Material for MkDocs reaches end of life in 2027 and Zensical, its successor, runs no
third-party plugins: the export is how a knowledge base moves there, so a test builds it.
Backstage TechDocs builds with its `techdocs-core` plugin, which pins its own Material and
Markdown versions: that test installs archkb and techdocs-core into a fresh virtualenv.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from kbsite_project import make_project

from archkb.site.svg import graphviz_available
from conftest import ROOT

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not graphviz_available(), reason="Graphviz `dot` is not installed")]

BIN = os.path.dirname(sys.executable)
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "ARCHKB_TODAY": "2026-11-25"}
RECORDS = [("decisions", "ADR-0001"), ("decisions", "ADR-0002"), ("patterns", "streaming-inference"),
           ("checklists", "serving-readiness"), ("reviews", "claims-scoring")]


def _read(*parts: str) -> str:
    with open(os.path.join(*parts), encoding="utf-8") as fh:
        return fh.read()


def _diagrams_resolve(site: str, folder: str, rid: str) -> list[str]:
    """The diagram files a built record page shows, each checked to exist beside the page."""
    page_dir = os.path.join(site, folder, rid)
    found = re.findall(r'<object data="([^"]+\.svg)"', _read(page_dir, "index.html"))
    for href in found:
        assert os.path.exists(os.path.normpath(os.path.join(page_dir, href))), (rid, href)
    return found


def test_zensical_builds_the_exported_site_with_record_pages_and_diagrams(tmp_path) -> None:
    zensical = shutil.which("zensical", path=BIN) or shutil.which("zensical")
    if zensical is None:
        pytest.skip("zensical is not installed (it is a dev dependency: pip install -e '.[dev]')")
    cfg = make_project(str(tmp_path), "kb-small")
    export = os.path.join(tmp_path, "export")
    subprocess.run([os.path.join(BIN, "archkb"), "export-site", export, "-f", cfg], check=True, env=ENV,
                   capture_output=True)
    proc = subprocess.run([zensical, "build", "--clean"], cwd=export, env=ENV, capture_output=True, text=True,
                          timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = os.path.join(export, "site")
    for folder, rid in RECORDS:
        page = _read(site, folder, rid, "index.html")
        assert rid in page and "archkb-header" in page, rid
    assert _diagrams_resolve(site, "decisions", "ADR-0002") == ["../../diagrams/decisions/ADR-0002.svg"]
    assert len(_diagrams_resolve(site, "patterns", "streaming-inference")) == 2
    assert "superseded by" in _read(site, "decisions", "ADR-0001", "index.html")


TECHDOCS_YML = """\
site_name: Test knowledge base
repo_url: https://example.invalid/kb
edit_uri: edit/main/docs/
plugins:
  - techdocs-core
  - archkb
"""


def test_the_kb_builds_under_backstage_techdocs_core(tmp_path) -> None:
    venv = os.path.join(tmp_path, "venv")
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    pip = subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", ROOT, "mkdocs-techdocs-core"],
                         capture_output=True, text=True, timeout=1500, check=False)
    if pip.returncode != 0:
        pytest.skip(f"cannot install mkdocs-techdocs-core here: {pip.stderr[-500:]}")
    cfg = make_project(str(tmp_path), "kb-small")
    with open(cfg, "w", encoding="utf-8") as fh:
        fh.write(TECHDOCS_YML)
    site = os.path.join(tmp_path, "site")
    proc = subprocess.run([os.path.join(venv, "bin", "mkdocs"), "build", "-f", cfg, "-d", site], env=ENV,
                          capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    for folder, rid in RECORDS:
        assert rid in _read(site, folder, rid, "index.html"), rid
    assert _diagrams_resolve(site, "decisions", "ADR-0002")
    assert "techdocs_metadata.json" in os.listdir(site), "techdocs-core ran"
