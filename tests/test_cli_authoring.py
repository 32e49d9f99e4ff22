"""The authoring commands, the workflow templates and the pre-commit hook manifest."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from archkb.cli import build_parser, main
from archkb.core.catalog import load_catalog

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "pr" / "kb"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps no public accessor for sub-parsers
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _archkb_invocations(text: str) -> list[list[str]]:
    out = []
    for line in text.splitlines():
        words = line.replace('"', " ").replace("'", " ").split()
        for i, w in enumerate(words):
            if w == "archkb" and (i == 0 or words[i - 1] in ("run:", "entry:", "|", "&&", "-")):
                out.append(words[i + 1:])
    return out


@pytest.mark.parametrize("name", ["check.yml", "pr-summary.yml", "pages.yml"])
def test_workflows_are_yaml_and_call_only_existing_commands(name: str) -> None:
    path = REPO / ".github" / "workflows" / name
    data = yaml.safe_load(path.read_text())
    assert data["jobs"] and (data.get("on") or data.get(True))
    commands = _subcommands(build_parser())
    calls = _archkb_invocations(path.read_text())
    if name != "pages.yml":
        assert calls, "expected archkb commands"
    for words in calls:
        assert words[0] in commands, f"{name}: archkb {words[0]} does not exist"
        if words[0] in ("check", "diff"):
            opts = {o for a in commands[words[0]]._actions for o in a.option_strings}
            for w in words[1:]:
                if w.startswith("--"):
                    assert w.split("=")[0] in opts, f"{name}: archkb {words[0]} has no {w}"


def test_check_workflow_runs_both_checks() -> None:
    text = (REPO / ".github/workflows/check.yml").read_text()
    assert "archkb check --format github" in text
    assert "--base \"origin/${{ github.base_ref }}\"" in text
    assert "fetch-depth: 0" in text


def test_hook_manifest_is_valid() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "archkb-check" and hook["language"] == "python"
    assert hook["entry"].split()[1] in _subcommands(build_parser())
    try:
        from pre_commit.clientlib import load_manifest
    except ImportError:
        return
    assert load_manifest(str(REPO / ".pre-commit-hooks.yaml"))[0]["id"] == "archkb-check"


@pytest.mark.skipif(shutil.which("pre-commit") is None and not (REPO / ".venv/bin/pre-commit").exists(),
                    reason="pre-commit is not installed")
@pytest.mark.skipif(not (REPO / ".git").exists(), reason="needs this repository as a git checkout")
@pytest.mark.slow
def test_pre_commit_try_repo_on_a_sample_kb(tmp_path: Path) -> None:
    """Builds the hook's own venv from this repository (offline: pip uses the configured index)."""
    exe = shutil.which("pre-commit") or str(REPO / ".venv/bin/pre-commit")
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE, kb)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home"), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}

    def sh(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=kb, env=env, capture_output=True, text=True, timeout=600, check=False)

    sh("git", "init", "-q", "-b", "main")
    sh("git", "add", "-A")
    sh("git", "commit", "-q", "-m", "kb")
    ok = sh(exe, "try-repo", str(REPO), "archkb-check", "--all-files")
    if "Could not find a version" in ok.stdout + ok.stderr or "No matching distribution" in ok.stdout + ok.stderr:
        pytest.skip("pip cannot install archkb's dependencies here")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Passed" in ok.stdout
    (kb / "adr/ADR-0003-use-aurora.yaml").write_text("id: ADR-0003\nstatus: maybe\n")
    bad = sh(exe, "try-repo", str(REPO), "archkb-check", "--all-files")
    assert bad.returncode == 1 and "Failed" in bad.stdout and "E003" in bad.stdout


def _kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(FIXTURE, root)
    monkeypatch.chdir(root)
    monkeypatch.setenv("ARCHKB_TODAY", "2026-02-03")
    return root


def test_new_adr_without_git_numbers_from_the_working_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = _kb(tmp_path, monkeypatch)
    assert main(["new", "adr", "Route prompts through a gateway", "--amends", "ADR-0002",
                 "--applies", "ADR-0001"]) == 0
    rel = capsys.readouterr().out.strip()
    assert rel == "adr/ADR-0004-route-prompts-through-a-gateway.yaml"
    text = (root / rel).read_text()
    assert text.startswith("# yaml-language-server: $schema=../.archkb/schemas/decision.schema.json\n")
    assert "status: proposed\ndate: 2026-02-03\n" in text
    assert "  - {type: amends, target: ADR-0002}\n" in text


def test_new_adr_refuses_unknown_targets_and_kinds_need_a_subcommand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = _kb(tmp_path, monkeypatch)
    assert main(["new", "adr", "X", "--supersedes", "ADR-0999"]) == 2
    assert main(["new"]) == 2
    assert main(["new", "adr", "X", "--base", "nope"]) == 2
    assert sorted(p.name for p in (root / "adr").iterdir())[-1] == "ADR-0003-use-aurora.yaml"


@pytest.mark.parametrize("kind", ["pattern", "checklist", "review"])
def test_new_other_kinds_validate_and_never_overwrite(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = _kb(tmp_path, monkeypatch)
    assert main(["new", kind, "Prompt Gateway"]) == 0
    rel = capsys.readouterr().out.strip()
    assert rel.endswith("/prompt-gateway.yaml")
    entry = load_catalog(str(root), use_cache=False).entry("prompt-gateway")
    assert entry is not None and entry.problems == []
    before = (root / rel).read_bytes()
    assert main(["new", kind, "Prompt Gateway"]) == 1
    assert (root / rel).read_bytes() == before


def test_supersede_and_renumber_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    root = _kb(tmp_path, monkeypatch)
    assert main(["supersede", "ADR-0001", "--by", "ADR-0003"]) == 0
    assert "wrote adr/ADR-0001-use-postgres.yaml" in capsys.readouterr().out
    assert main(["supersede", "ADR-0001", "--by", "ADR-0404"]) == 1
    assert main(["renumber", "ADR-0003"]) == 0  # no git: next free number in the working tree
    assert (root / "adr/ADR-0004-use-aurora.yaml").exists()
    assert main(["renumber", "ADR-0004", "--to", "ADR-0002"]) == 1
    assert main(["diff", "main"]) == 2  # not a git repository
