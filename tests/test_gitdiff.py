"""The pull-request rules and the diff model, on real git repositories made in tmp_path."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from archkb.cli import main
from archkb.core.catalog import load_catalog
from archkb.core.kinds import KINDS
from archkb.pr.gitdiff import diff, load_at, next_adr_id, pr_problems
from archkb.rules import check_catalog

TRANSITIONS = {k.name: k.transitions for k in KINDS.values() if k.transitions}

FIXTURE = Path(__file__).parent / "fixtures" / "pr" / "kb"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false",
                           *args], cwd=root, check=True, capture_output=True, text=True).stdout


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "init")
    monkeypatch.setenv("ARCHKB_TODAY", "2026-01-10")
    monkeypatch.chdir(root)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def problems(root: Path, base: str = "main") -> list[str]:
    result = check_catalog(load_catalog(str(root), use_cache=False))
    return [f"{p.code} {p.position} {p.message}" for p in pr_problems(str(root), base, result)]


def test_load_at_reads_a_revision_without_touching_the_working_tree(repo: Path) -> None:
    (repo / "adr/ADR-0003-use-aurora.yaml").unlink()
    cat = load_at(str(repo), "main")
    assert sorted(cat.by_id) == ["ADR-0001", "ADR-0002", "ADR-0003"]
    assert not (repo / "adr/ADR-0003-use-aurora.yaml").exists()
    assert next_adr_id(cat) == "ADR-0004"


def test_parallel_branches_taking_the_same_number_are_caught_and_fixed(repo: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "checkout", "-q", "-b", "a")
    assert run(capsys, "new", "adr", "Serve models with KServe", "--base", "main")[1].strip() == \
        "adr/ADR-0004-serve-models-with-kserve.yaml"
    commit_all(repo, "a")
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-q", "-b", "b")
    assert run(capsys, "new", "adr", "Track experiments in MLflow")[1].strip() == \
        "adr/ADR-0004-track-experiments-in-mlflow.yaml"
    commit_all(repo, "b")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "a")
    git(repo, "checkout", "-q", "b")
    # git itself sees no conflict: the two files have different names.
    git(repo, "merge-tree", "--write-tree", "main", "b")
    code, out = run(capsys, "check", ".", "--base", "main", "--no-cache")
    assert code == 1
    assert "E101" in out
    assert "adr/ADR-0004-track-experiments-in-mlflow.yaml" in out and "adr/ADR-0004-serve-models-with-kserve.yaml" in out
    fix = next(line.split("run: ", 1)[1] for line in out.splitlines() if "run: archkb renumber" in line)
    assert fix == "archkb renumber ADR-0004 --to ADR-0005"
    code, out = run(capsys, *fix.split()[1:])
    assert code == 0, out
    assert (repo / "adr/ADR-0005-track-experiments-in-mlflow.yaml").exists()
    code, out = run(capsys, "check", ".", "--base", "main", "--no-cache")
    assert code == 0, out
    commit_all(repo, "renumber")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "b")
    code, out = run(capsys, "check", ".", "--no-cache")
    assert code == 0, out


def test_an_edit_to_an_accepted_decision_is_caught(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "edit")
    path = repo / "adr/ADR-0001-use-postgres.yaml"
    path.write_text(path.read_text().replace("rationale: The team runs it already.", "rationale: It is cheaper."))
    found = problems(repo)
    assert len(found) == 1 and found[0].startswith("E102 adr/ADR-0001-use-postgres.yaml:16:14 ADR-0001 is accepted; its outcome")


def test_allowed_changes_to_an_accepted_decision_pass(repo: Path) -> None:
    path = repo / "adr/ADR-0001-use-postgres.yaml"
    text = path.read_text().replace("date: 2026-01-05", "date: 2026-01-09\nreview_by: 2027-01-01")
    path.write_text(text.replace("tags: [storage]", "tags: [storage, metadata]"))
    assert problems(repo) == []


def test_illegal_status_transitions(repo: Path) -> None:
    path = repo / "adr/ADR-0001-use-postgres.yaml"
    path.write_text(path.read_text().replace("status: accepted", "status: proposed"))
    found = problems(repo)
    assert found == ["E103 adr/ADR-0001-use-postgres.yaml:4:9 ADR-0001: status accepted -> proposed is not allowed "
                     "(accepted may become: deprecated, superseded)"]
    assert "accepted" not in TRANSITIONS["decision"]["superseded"]
    assert "accepted" not in TRANSITIONS["decision"]["rejected"]


def test_a_deleted_record_is_an_error(repo: Path) -> None:
    (repo / "adr/ADR-0003-use-aurora.yaml").unlink()
    assert problems(repo) == ["E104 adr/ADR-0003-use-aurora.yaml:1:1 ADR-0003 was deleted; deprecate it "
                              "(status: deprecated) instead so links and history stay"]


def test_records_added_on_the_base_after_branching_are_not_deletions(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    git(repo, "checkout", "-q", "main")
    (repo / "adr/ADR-0004-later.yaml").write_text((repo / "adr/ADR-0003-use-aurora.yaml").read_text()
                                                  .replace("ADR-0003", "ADR-0004"))
    commit_all(repo, "later")
    git(repo, "checkout", "-q", "feature")
    assert problems(repo) == []


def test_bad_base_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "check", ".", "--base", "no-such-branch")
    assert code == 2 and "not a git revision" in out
    code, out = run(capsys, "diff", "--format=json", "--", "-x")
    assert code == 2


def test_diff_of_a_supersession_shows_transition_impact_and_mermaid(repo: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "checkout", "-q", "-b", "sup")
    code, out = run(capsys, "new", "adr", "Use Aurora Postgres v2", "--supersedes", "ADR-0001")
    assert code == 0, out
    code, out = run(capsys, "supersede", "ADR-0001", "--by", "ADR-0004")
    assert code == 0, out
    commit_all(repo, "supersede")
    code, md = run(capsys, "diff", "main", "sup")
    assert code == 0
    assert "- `ADR-0001`: accepted → superseded" in md
    assert "- `ADR-0002` Cache features in Redis (1 hop)" in md
    assert "```mermaid\nflowchart LR" in md and "n_ADR_0004 -->|supersedes| n_ADR_0001" in md
    d = diff(str(repo), "main", "sup")
    assert [(c.id, c.change) for c in d.changes] == [("ADR-0001", "changed"), ("ADR-0004", "added")]
    code, js = run(capsys, "diff", "main", "--format", "json")
    assert code == 0 and '"distance": 1' in js and "E10" not in js


def test_contributing_documents_exactly_the_transition_table() -> None:
    doc = Path(__file__).resolve().parents[1] / "docs" / "contributing.md"
    if not doc.exists():
        pytest.skip("docs/contributing.md is absent")
    rows = {}
    for line in doc.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in TRANSITIONS:
            allowed = cells[2].split("(")[0].replace("—", "").strip()
            rows[(cells[0], cells[1])] = frozenset(a.strip() for a in allowed.split(",") if a.strip())
    want = {(kind, s): t for kind, table in TRANSITIONS.items() for s, t in table.items()}
    assert rows == want
