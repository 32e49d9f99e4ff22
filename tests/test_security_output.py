"""Untrusted names and URLs are escaped at the output boundary: terminal, GitHub annotations, pages."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from types import SimpleNamespace

import markdown
import pytest

from archkb.core.catalog import load_catalog
from archkb.core.problems import Position, error
from archkb.rules import check_catalog
from archkb.site.markdown import sources_section
from archkb.site.plan import SiteOptions, plan_site
from archkb.site.sanitize import code_text, link_target
from conftest import FIXTURES, ROOT

KB = os.path.join(FIXTURES, "kb-small")
INJECT = "\n::warning file=evil.yaml::injected\x1b[2J"


def _kb_with_copy(tmp_path: object, new_name: bytes | str) -> str:
    kb = os.path.join(str(tmp_path), "kb")
    shutil.copytree(KB, kb)
    first = sorted(n for n in os.listdir(os.path.join(kb, "adr")) if n.endswith(".yaml"))[0]
    folder = os.path.join(kb, "adr").encode() if isinstance(new_name, bytes) else os.path.join(kb, "adr")
    shutil.copy(os.path.join(kb, "adr", first), os.path.join(folder, new_name))  # type: ignore[arg-type]
    return kb


def _run_check(kb: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "archkb", "check", "--no-cache", *args, kb], capture_output=True,
                          timeout=120, check=False,
                          env={**os.environ, "PYTHONPATH": os.path.join(ROOT, "tooling"), "PYTHONIOENCODING": "utf-8"})


def test_problem_text_and_annotations_escape_names() -> None:
    p = error("E005", "duplicate id\x1b[31m", Position(f"adr/ADR-0001-x{INJECT}.yaml", 2, 5), hint="h\x07")
    text = p.format_text()
    assert "\x1b" not in text and "\x07" not in text
    assert len(text.splitlines()) == 2  # the problem and its hint, nothing injected
    gh = p.format_github()
    assert "\n" not in gh and "\r" not in gh and "\x1b" not in gh
    assert gh.startswith("::error file=adr/ADR-0001-x%0A%3A%3Awarning file=evil.yaml%3A%3Ainjected\\x1b[2J.yaml,")


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_check_output_cannot_be_steered_by_a_file_name(tmp_path: object, fmt: str) -> None:
    kb = _kb_with_copy(tmp_path, f"ADR-0001-x{INJECT}.yaml")
    proc = _run_check(kb, "--format", fmt)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout.decode("utf-8")
    assert "\x1b" not in out
    assert not any(line.startswith("::warning file=evil.yaml") for line in out.splitlines())
    assert "E005" in out


def test_non_utf8_file_name_is_no_traceback(tmp_path: object) -> None:
    kb = _kb_with_copy(tmp_path, b"ADR-0001-\xff\xfe.yaml")
    for fmt in ("text", "github", "json"):
        proc = _run_check(kb, "--format", fmt)
        assert proc.returncode == 1 and b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")
        assert b"\\udcff\\udcfe" in proc.stdout


def test_non_utf8_and_markup_file_names_on_pages(tmp_path: object) -> None:
    kb = os.path.join(str(tmp_path), "kb")
    shutil.copytree(KB, kb)
    adr = os.path.join(kb, "adr")
    for name in os.listdir(adr):
        if name.startswith("ADR-0001-"):
            os.rename(os.path.join(adr, name), os.path.join(adr, "ADR-0001-x`<img src=x onerror=alert(1)>\ny.yaml"))
        elif name.startswith("ADR-0002-"):
            os.rename(os.path.join(adr, name).encode(), os.path.join(adr.encode(), b"ADR-0002-\xff.yaml"))
    result = check_catalog(load_catalog(kb, use_cache=False), today=dt.date(2026, 1, 1))
    plan = plan_site(result, SiteOptions(diagrams="off", edit_base="https://example.org/edit/main/"))
    pages = {p.uri.rsplit("/", 1)[-1]: p.content for p in plan.pages}
    one, two = pages["ADR-0001.md"], pages["ADR-0002.md"]
    body = one.split("---\n", 2)[2]  # the front matter is escaped by the theme's templates
    assert "<img" not in body
    html = markdown.markdown(body, extensions=["tables"])
    assert "<img" not in html and "onerror=alert(1)>" not in html
    assert "/adr/ADR-0001-x%60%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%0Ay.yaml\n" in one
    assert "\\x0a" in one and "\n" not in one.split("source: ", 1)[1].split("\n", 1)[0]
    two.encode("utf-8")  # a non-UTF-8 name is shown escaped, so the page can be written
    assert "ADR-0002-\\udcff.yaml" in two


def test_code_text_is_one_escaped_line() -> None:
    assert code_text("a`b<i>|\n\udcff") == "<code>a`b&lt;i&gt;&#124;\\x0a\\udcff</code>"


@pytest.mark.parametrize("url", ["https://example.org/a>b<img src=x onerror=alert(1)>",
                                 "https://example.org/a) [x](javascript:alert(1)",
                                 'https://example.org/"onmouseover="alert(1)', "https://example.org/a b\nc`d"])
def test_source_urls_cannot_end_the_link_target(url: str) -> None:
    target = link_target(url)
    assert target is not None
    assert not set(target) & set("<>()\"` \n")
    text = sources_section([SimpleNamespace(title="Paper", url=url)])
    html = markdown.markdown(text)
    assert "<img" not in html and " onmouseover" not in html and '"onmouseover' not in html
    assert html.count("<a ") == 1 and html.count('href="https://example.org/') == 1


def test_unsafe_schemes_are_still_refused() -> None:
    assert link_target("javascript:alert(1)") is None
    assert link_target("java\tscript:alert(1)") is None
    assert link_target("https://example.org/ok?q=1&r=2#f") == "https://example.org/ok?q=1&r=2#f"
