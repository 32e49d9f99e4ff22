"""Test helper: turn a fixture knowledge base into a buildable MkDocs project in a temporary folder."""

from __future__ import annotations

import os
import shutil

from conftest import FIXTURES

MKDOCS_YML = """\
site_name: Test knowledge base
repo_url: https://example.invalid/kb
edit_uri: edit/main/docs/
theme:
  name: material
  features: [navigation.indexes, navigation.prune, content.action.edit, search.suggest]
plugins:
  - search
  - archkb:
      diagrams: {diagrams}
  - tags
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true
"""


def make_project(tmp: str, fixture: str, *, diagrams: str = "svg", home: bool = True) -> str:
    """Copy FIXTURE (a folder under tests/fixtures) to TMP/kb with a mkdocs.yml; return the mkdocs.yml path."""
    root = os.path.join(tmp, "kb")
    shutil.copytree(os.path.join(FIXTURES, fixture), root, ignore=shutil.ignore_patterns("expect.txt"))
    os.makedirs(os.path.join(root, "docs"), exist_ok=True)
    index = os.path.join(root, "docs", "index.md")
    if home and not os.path.exists(index):
        with open(index, "w", encoding="utf-8") as fh:
            fh.write("# Test knowledge base\n\n<!-- archkb:home -->\n")
    path = os.path.join(root, "mkdocs.yml")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(MKDOCS_YML.format(diagrams=diagrams))
    return path


def build_project(config_file: str, **overrides: object) -> str:
    """Run `mkdocs build` on the project in-process; return the site folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file, **overrides)
    build(config)
    return str(config.site_dir)


def tree(folder: str) -> dict[str, bytes]:
    """Every file under FOLDER by relative path, with its bytes."""
    out = {}
    for base, _, names in os.walk(folder):
        for name in names:
            full = os.path.join(base, name)
            with open(full, "rb") as fh:
                out[os.path.relpath(full, folder)] = fh.read()
    return out
