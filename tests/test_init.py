"""`archkb init`: a working knowledge base in any repository, create-only, with advice for an existing log."""

from __future__ import annotations

import os
import subprocess

import pytest
import yaml

from archkb.adopt.init import HOOK, find_legacy_logs, web_url
from archkb.cli import main
from conftest import ROOT


def _git_repo(path: str, remote: str | None = "git@github.com:acme/shop.git") -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", path], check=True)
    if remote:
        subprocess.run(["git", "-C", path, "remote", "add", "origin", remote], check=True)


def _tree(root: str) -> dict[str, bytes]:
    out = {}
    for base, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            path = os.path.join(base, name)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, root)] = fh.read()
    return out


def test_init_writes_a_kb_that_checks_and_builds_and_a_second_run_changes_nothing(tmp_path, capsys):
    repo = str(tmp_path / "shop")
    _git_repo(repo)
    assert main(["init", repo, "--dry-run"]) == 0
    assert "would create  mkdocs.yml" in capsys.readouterr().out
    assert not os.path.exists(os.path.join(repo, "mkdocs.yml")), "--dry-run writes nothing"
    assert main(["init", repo, "--title", "Shop decisions"]) == 0
    out = capsys.readouterr().out
    assert "wrote 13 file(s)" in out
    files = _tree(repo)
    for rel in ("mkdocs.yml", "archkb.yaml", "docs/index.md", ".gitignore", ".pre-commit-config.yaml",
                ".github/workflows/archkb.yml", ".github/pull_request_template.md",
                "adr/ADR-0001-record-architecture-decisions.yaml", ".archkb/schemas/decision.schema.json"):
        assert rel in files, rel
    mk = yaml.safe_load(files["mkdocs.yml"])
    assert mk["repo_url"] == "https://github.com/acme/shop" and mk["edit_uri"] == "edit/main/docs/"
    assert mk["plugins"] == ["search", "archkb"] and "custom_dir" not in mk["theme"]
    assert mk["theme"]["font"] is False  # no web fonts: no requests to other hosts
    # The record's modeline resolves inside the repository.
    adr = files["adr/ADR-0001-record-architecture-decisions.yaml"].decode()
    modeline = adr.splitlines()[0].split("$schema=")[1]
    assert os.path.isfile(os.path.normpath(os.path.join(repo, "adr", modeline)))
    workflow = yaml.safe_load(files[".github/workflows/archkb.yml"])
    runs = [s.get("run", "") for job in workflow["jobs"].values() for s in job["steps"]]
    assert 'pip install "$ARCHKB_INSTALL"' in runs and "archkb check --format github ." in runs
    assert any(r.startswith("archkb diff") for r in runs) and "mkdocs build --strict" in runs
    assert main(["check", "--strict", "--no-cache", repo]) == 0
    capsys.readouterr()
    # A second run writes nothing and says what it skipped.
    assert main(["init", repo]) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert _tree(repo) == files

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(os.path.join(repo, "mkdocs.yml"), strict=True)
    build(config)
    with open(os.path.join(repo, "site", "decisions", "ADR-0001", "index.html"), encoding="utf-8") as fh:
        page = fh.read()
    assert "archkb-badge archkb-status-accepted" in page
    assert "https://github.com/acme/shop/edit/main/adr/ADR-0001-record-architecture-decisions.yaml" in page \
        or "https://github.com/acme/shop/edit/main/docs/../adr/ADR-0001-record-architecture-decisions.yaml" in page


def test_init_never_overwrites_and_appends_only_missing_gitignore_lines(tmp_path, capsys):
    repo = tmp_path / "r"
    _git_repo(str(repo), remote=None)
    (repo / "mkdocs.yml").write_text("site_name: mine\n")
    (repo / ".gitignore").write_text("node_modules/\n/site/\n")
    assert main(["init", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "skip          mkdocs.yml: exists; left as it is" in out
    assert "no git remote 'origin'" in out
    assert (repo / "mkdocs.yml").read_text() == "site_name: mine\n"
    assert (repo / ".gitignore").read_text().splitlines()[:2] == ["node_modules/", "/site/"]
    assert (repo / ".gitignore").read_text().count("/site/") == 1 and ".archkb_cache/" in (repo / ".gitignore").read_text()


def test_init_in_a_repo_with_a_markdown_log_prints_the_import_command_and_excludes_it(tmp_path, capsys):
    repo = tmp_path / "r"
    _git_repo(str(repo), remote="https://github.com/acme/shop.git")
    log = repo / "docs" / "architecture" / "decisions"
    log.mkdir(parents=True)
    (log / "0001-record-architecture-decisions.md").write_text("# 1. Record architecture decisions\n")
    (log / "0002-use-postgres.md").write_text("# 2. Use Postgres\n")
    assert find_legacy_logs(str(repo)) == ["docs/architecture/decisions"]
    assert main(["init", str(repo)]) == 0
    out = capsys.readouterr().out
    assert ("archkb import docs/architecture/decisions --source-url "
            "https://github.com/acme/shop/blob/main/docs/architecture/decisions/") in out
    assert "adr/ADR-0001-record-architecture-decisions.yaml: a Markdown log is here" in out
    mk = yaml.safe_load((repo / "mkdocs.yml").read_text())
    assert mk["exclude_docs"].split() == ["/architecture/decisions/"]


def test_schema_write_goes_into_the_kbs_schema_dir(tmp_path, capsys):
    repo = tmp_path / "r"
    repo.mkdir()
    (repo / "archkb.yaml").write_text("schema_dir: .archkb/schemas\n")
    assert main(["schema", "--write", "-C", str(repo)]) == 0
    assert (repo / ".archkb" / "schemas" / "decision.schema.json").is_file()
    assert main(["schema", "--check", "-C", str(repo)]) == 0


def test_check_in_an_empty_folder_hints_at_init(tmp_path, capsys):
    assert main(["check", str(tmp_path)]) == 0
    assert "archkb init" in capsys.readouterr().err


def test_the_init_hook_is_this_projects_hook():
    with open(os.path.join(ROOT, ".pre-commit-hooks.yaml"), encoding="utf-8") as fh:
        (hook,) = yaml.safe_load(fh)
    for key in ("id", "name", "entry", "files", "pass_filenames"):
        assert HOOK[key] == hook[key], key


@pytest.mark.parametrize(("remote", "url"), [
    ("git@github.com:acme/shop.git", "https://github.com/acme/shop"),
    ("ssh://git@gitlab.example.com/team/kb.git", "https://gitlab.example.com/team/kb"),
    ("https://token@github.com/acme/shop.git", "https://github.com/acme/shop"),
    ("https://github.com/acme/shop", "https://github.com/acme/shop"),
    ("/srv/git/shop.git", None),
])
def test_web_url_of_a_remote(remote, url):
    assert web_url(remote) == url


def test_the_generated_pre_commit_config_runs_the_hook(tmp_path):
    import shutil
    import sys

    pre_commit = shutil.which("pre-commit", path=os.path.dirname(sys.executable))
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (dev extra)")
    repo = str(tmp_path / "r")
    _git_repo(repo, remote=None)
    assert main(["init", repo]) == 0
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
           "PRE_COMMIT_HOME": str(tmp_path / "pc")}
    subprocess.run(["git", "-C", repo, "add", "-A"], check=True)
    run = subprocess.run([pre_commit, "run", "--all-files"], cwd=repo, env=env, capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "archkb check" in run.stdout and "Passed" in run.stdout
    with open(os.path.join(repo, "adr", "ADR-0001-record-architecture-decisions.yaml"), "a", encoding="utf-8") as fh:
        fh.write("status: maybe\n")
    run = subprocess.run([pre_commit, "run", "--all-files"], cwd=repo, env=env, capture_output=True, text=True,
                         check=False)
    assert run.returncode == 1 and "E002" in run.stdout, run.stdout
