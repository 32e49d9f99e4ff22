"""`archkb new adr` skips numbers that any remote branch (an open pull request) already uses, and says where."""

from __future__ import annotations

import os
import subprocess

from archkb.cli import main
from archkb.pr.gitdiff import remote_adr_numbers


def _git(cwd: str, *args: str) -> None:
    subprocess.run(["git", "-C", cwd, "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
                   check=True, capture_output=True)


def test_new_adr_avoids_numbers_on_every_remote_branch(tmp_path, capsys):
    remote, work, other = str(tmp_path / "remote.git"), str(tmp_path / "work"), str(tmp_path / "other")
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", remote], check=True)
    subprocess.run(["git", "clone", "-q", remote, other], check=True, capture_output=True)
    assert main(["init", other, "--title", "T"]) == 0
    _git(other, "add", "-A")
    _git(other, "commit", "-q", "-m", "init")
    _git(other, "push", "-q", "origin", "main")
    # Two open pull requests, each with its own new record.
    for branch, rid in (("feature/cache", "ADR-0002"), ("feature/queue", "ADR-0003")):
        _git(other, "checkout", "-q", "-b", branch, "main")
        with open(os.path.join(other, "adr", f"{rid}-x.yaml"), "w", encoding="utf-8") as fh:
            fh.write("placeholder\n")
        _git(other, "add", "-A")
        _git(other, "commit", "-q", "-m", rid)
        _git(other, "push", "-q", "origin", branch)
    subprocess.run(["git", "clone", "-q", remote, work], check=True, capture_output=True)
    assert remote_adr_numbers(work) == {1: ["origin/feature/cache", "origin/feature/queue", "origin/main"],
                                        2: ["origin/feature/cache"], 3: ["origin/feature/queue"]}
    capsys.readouterr()
    assert main(["new", "adr", "Use a queue", "-C", work]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "adr/ADR-0004-use-a-queue.yaml"
    assert "skipped ADR-0002: used on origin/feature/cache" in err
    assert "skipped ADR-0003: used on origin/feature/queue" in err


def test_outside_a_repository_there_are_no_remote_numbers(tmp_path):
    assert remote_adr_numbers(str(tmp_path)) == {}
