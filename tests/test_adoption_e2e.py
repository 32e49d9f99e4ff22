"""Adoption from the wheel, as a new team does it: wheel -> fresh venv -> git repo -> init -> import -> check -> site.

Nothing of this repository is used but the wheel built from it: the venv has only what
`pip install archkb-*.whl` brings, the repository only the Markdown log written for this
test (adr-tools and MADR mixed, a supersession, cross-references, an image, bad dates).
The site is then opened in headless Chromium: the superseded record's banner links its
successor, the old log is not published, and no internal link or image is broken.
"""

from __future__ import annotations

import html.parser
import os
import posixpath
import shutil
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
from search_probe import CHROMIUM, launch_browser, serve

from conftest import FIXTURES, ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package `chromium`)"),
    pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed"),
]


def _run(cmd: list[str], cwd: str, env: dict[str, str], timings: dict[str, float], name: str) -> str:
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)
    timings[name] = time.monotonic() - start
    assert proc.returncode == 0, f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout + proc.stderr


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and ((name == "href" and tag in ("a", "link")) or (name == "src" and tag in ("img", "script"))):
                self.urls.append(value)


def broken_internal_links(site: str) -> list[str]:
    """Every relative href/src of every built page whose target file does not exist in the site."""
    broken = []
    for base, _, names in os.walk(site):
        for name in names:
            if not name.endswith(".html"):
                continue
            page = os.path.join(base, name)
            parser = _Links()
            with open(page, encoding="utf-8") as fh:
                parser.feed(fh.read())
            rel_dir = os.path.relpath(base, site).replace(os.sep, "/")
            for url in parser.urls:
                parts = urlsplit(url)
                if parts.scheme or parts.netloc or not parts.path or url.startswith(("#", "mailto:")):
                    continue
                target = posixpath.normpath(posixpath.join(rel_dir, parts.path))
                full = os.path.join(site, *target.split("/"))
                if parts.path.endswith("/") or os.path.isdir(full):
                    full = os.path.join(full, "index.html")
                if not os.path.exists(full):
                    broken.append(f"{os.path.relpath(page, site)} -> {url}")
    return sorted(broken)


def test_a_team_adopts_archkb_from_the_wheel(tmp_path):
    timings: dict[str, float] = {}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(NO_MKDOCS_2_WARNING="1", ARCHKB_STATE_DIR=str(tmp_path / "state"), GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")
    dist = str(tmp_path / "dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT], str(tmp_path), env, timings,
         "build wheel")
    (wheel,) = [os.path.join(dist, n) for n in os.listdir(dist) if n.endswith(".whl")]
    venv = str(tmp_path / "venv")
    _run([sys.executable, "-m", "venv", venv], str(tmp_path), env, timings, "venv")
    bin_dir = os.path.join(venv, "bin")
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    _run([os.path.join(bin_dir, "pip"), "install", "-q", wheel], str(tmp_path), env, timings, "pip install wheel")

    repo = str(tmp_path / "shop")
    os.makedirs(os.path.join(repo, "docs", "architecture"))
    shutil.copytree(os.path.join(FIXTURES, "adoption-log"), os.path.join(repo, "docs", "architecture", "decisions"))
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
    subprocess.run(["git", "-C", repo, "remote", "add", "origin", "git@github.com:acme/shop.git"], check=True)

    empty = _run(["archkb", "check"], repo, env, timings, "check before init")
    assert "archkb init" in empty
    out = _run(["archkb", "init"], repo, env, timings, "init")
    command = next(line.strip() for line in out.splitlines() if line.strip().startswith("archkb import "))
    assert command == ("archkb import docs/architecture/decisions --source-url "
                       "https://github.com/acme/shop/blob/main/docs/architecture/decisions/")
    imported = _run(command.split(), repo, env, timings, "import")
    assert "5 record(s) read" in imported and "1 image(s) copied" in imported
    checked = _run(["archkb", "check"], repo, env, timings, "check")
    assert "0 error(s)" in checked
    # Editor schemas live in the repository, current, and every record's modeline resolves to one.
    _run(["archkb", "schema", "--check"], repo, env, timings, "schema --check")
    for name in os.listdir(os.path.join(repo, "adr")):
        with open(os.path.join(repo, "adr", name), encoding="utf-8") as fh:
            target = fh.readline().strip().split("$schema=", 1)[1]
        assert os.path.isfile(os.path.normpath(os.path.join(repo, "adr", target))), name
    _run(["mkdocs", "build", "--strict"], repo, env, timings, "mkdocs build --strict")
    site = os.path.join(repo, "site")
    print("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))

    assert not os.path.exists(os.path.join(site, "architecture")), "the old Markdown log is published again"
    assert broken_internal_links(site) == []

    with serve(site) as base, launch_browser() as browser:
        page = browser.new_page()
        failed: list[str] = []
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and r.url.startswith(base) else None)
        page.goto(base + "decisions/ADR-0002/")
        banner = page.locator(".archkb-banner")
        assert "superseded" in banner.inner_text()
        assert page.locator(".archkb-badge").inner_text().strip().lower() == "superseded"
        successor = banner.locator("a")
        assert successor.inner_text().startswith("ADR-0004")
        assert page.locator("img[alt='How an order is written']").evaluate("img => img.naturalWidth") > 0
        successor.click()
        page.wait_for_url(base + "decisions/ADR-0004/")
        assert "ADR-0004" in page.locator("h1").inner_text()
        response = page.goto(base + "architecture/decisions/0002-store-orders-in-postgresql/")
        assert response is not None and response.status == 404
        failed.remove(base + "architecture/decisions/0002-store-orders-in-postgresql/")
        page.goto(base + "decisions/ADR-0003/")
        page.locator("a", has_text="ADR 2").first.click()
        page.wait_for_url(base + "decisions/ADR-0002/")
        assert failed == []
