"""Links in record text: W010 for targets that do not exist; on the site, links to records and files are re-pointed,
and `mkdocs build --strict` fails on a link it cannot publish."""

from __future__ import annotations

import os

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from archkb.cli import main
from archkb.core.textlinks import resolve, targets_in
from archkb.site.svg import graphviz_available

ADR = """# yaml-language-server: $schema=../.archkb/schemas/decision.schema.json
id: {id}
title: {title}
status: accepted
date: 2025-01-0{n}
context: |
{context}
"""


def _kb(tmp_path, context: str) -> str:
    root = str(tmp_path / "kb")
    assert main(["init", root, "--title", "Links"]) == 0
    os.remove(os.path.join(root, "adr", "ADR-0001-record-architecture-decisions.yaml"))
    os.makedirs(os.path.join(root, "docs", "assets"))
    with open(os.path.join(root, "docs", "assets", "flow.png"), "wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n")
    for n, (rid, title, text) in enumerate([("ADR-0001", "First", context), ("ADR-0002", "Second", "  Plain.")], 1):
        with open(os.path.join(root, "adr", f"{rid}-{title.lower()}.yaml"), "w", encoding="utf-8") as fh:
            fh.write(ADR.format(id=rid, title=title, n=n, context=text))
    return root


GOOD = ("  See [the second](ADR-0002), [its file](ADR-0002-second.yaml#context) and\n"
        "  ![the flow](../docs/assets/flow.png); [the web](https://example.org/x) and `[code](nowhere.md)`.")


def test_targets_and_resolution():
    assert targets_in("[a](x.md) ![b](img/c.png \"t\") `[no](y.md)`\n\n[ref]: z.md\n<a href=\"w.md\">w</a>") == \
        ["x.md", "img/c.png", "z.md", "w.md"]
    ids, files = {"ADR-0002"}, {"adr/ADR-0002-second.yaml": "ADR-0002"}
    assert resolve("ADR-0002", "adr/ADR-0001-a.yaml", "/nonexistent", ids, files).kind == "record"
    assert resolve("ADR-0002-second.yaml#x", "adr/ADR-0001-a.yaml", "/nonexistent", ids, files).value == "ADR-0002"
    assert resolve("../../etc/passwd", "adr/ADR-0001-a.yaml", "/", ids, files).kind == "missing"
    assert resolve("https://example.org", "adr/a.yaml", "/", ids, files) is None
    assert resolve("#top", "adr/a.yaml", "/", ids, files) is None


def test_check_warns_w010_for_a_missing_target_and_the_cache_notices_a_deleted_file(tmp_path, capsys):
    root = _kb(tmp_path, GOOD)
    assert main(["check", "--strict", root]) == 0
    capsys.readouterr()
    os.remove(os.path.join(root, "docs", "assets", "flow.png"))
    assert main(["check", "--strict", root]) == 1, "the cached result must not hide the now-broken link"
    out = capsys.readouterr().out
    assert "W010 context: link to '../docs/assets/flow.png': no record or file 'docs/assets/flow.png'" in out
    assert out.count("W010") == 1
    assert ":6:" in out.split("W010")[0].splitlines()[-1], "positioned at the context field"


@pytest.mark.skipif(not graphviz_available(), reason="Graphviz `dot` is not installed")
def test_site_repoints_links_and_strict_build_fails_on_an_unpublishable_one(tmp_path):
    root = _kb(tmp_path, GOOD)
    config = load_config(os.path.join(root, "mkdocs.yml"), strict=True)
    build(config)
    with open(os.path.join(root, "site", "decisions", "ADR-0001", "index.html"), encoding="utf-8") as fh:
        page = fh.read()
    assert 'href="../ADR-0002/"' in page and 'href="../ADR-0002/#context"' in page
    assert 'src="../../assets/flow.png"' in page
    assert 'href="https://example.org/x"' in page
    broken = _kb(tmp_path / "b", "  See [the old one](0007-old.md).")
    assert main(["check", broken]) == 0 and main(["check", "--strict", broken]) == 1
    with pytest.raises(Abort):
        build(load_config(os.path.join(broken, "mkdocs.yml"), strict=True))
