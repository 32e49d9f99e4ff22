"""Kill-mid-write harness: SIGKILL at random moments leaves the whole old state or the whole new state, never a mix.

Each writing command runs in a child process whose file operations are slowed a little and
is killed with SIGKILL after a random delay: every other run anywhere in the run, the rest
at a random moment inside the write phase (the child says when its first write starts). The next `archkb` command on that root (here `archkb check`, which
recovers first, like every command) must leave exactly the files before the command or
exactly the files after an uninterrupted run: same names, same bytes, no temp files.
Runs per command: ARCHKB_KILL_RUNS (default 30); the whole test is bounded in time.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from conftest import FIXTURES, ROOT

KB = os.path.join(FIXTURES, "kb-small")
NYGARD = os.path.join(FIXTURES, "import", "nygard")
RUNS = int(os.environ.get("ARCHKB_KILL_RUNS", "30"))
BUDGET_SECONDS = 600

# Slows every file operation of the child by a few milliseconds, so the write phase is wide enough to hit,
# and says on stderr when the first one starts, so half of the kills can be aimed inside the write phase.
CHILD = """
import os, sys, time
started = []
for name in ("replace", "link", "unlink", "rename", "fsync", "write"):
    real = getattr(os, name)
    def slow(*a, _real=real, **k):
        if not started:
            started.append(1)
            sys.stderr.write("WRITING\\n")
            sys.stderr.flush()
        time.sleep(0.004)
        return _real(*a, **k)
    setattr(os, name, slow)
from archkb.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.path.join(ROOT, "tooling")}


def _archkb(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "archkb", *args], capture_output=True, text=True, timeout=300,
                          check=False, env=_env())


def _state(root: str) -> dict[str, bytes]:
    out = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for name in names:
            full = os.path.join(folder, name)
            with open(full, "rb") as fh:
                out[os.path.relpath(full, root)] = fh.read()
    return out


def _prepare_supersede(root: str) -> list[str]:
    assert _archkb("new", "adr", "-C", root, "Replace partitioning").returncode == 0
    return ["supersede", "ADR-0003", "--by", "ADR-0004", "-C", root]


def _prepare_renumber(root: str) -> list[str]:
    return ["renumber", "ADR-0002", "--to", "ADR-0010", "-C", root]


def _prepare_import(root: str) -> list[str]:
    return ["import", NYGARD, "-C", root, "--offset", "10"]


@pytest.mark.slow
@pytest.mark.parametrize("prepare", [_prepare_supersede, _prepare_renumber, _prepare_import],
                         ids=["supersede", "renumber", "import"])
def test_sigkill_leaves_old_or_new_state(tmp_path: object, prepare: Callable[[str], list[str]]) -> None:
    template = os.path.join(str(tmp_path), "template")
    shutil.copytree(KB, template)
    command = prepare(template)
    old = _state(template)
    # The new state, and how long an uninterrupted (slowed) run takes.
    done = os.path.join(str(tmp_path), "done")
    shutil.copytree(template, done)
    start = time.perf_counter()
    full = subprocess.Popen([sys.executable, "-c", CHILD, *[done if a == template else a for a in command]],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_env())
    assert full.stderr is not None
    assert full.stderr.readline() == "WRITING\n"
    writing = time.perf_counter()
    err = full.stderr.read()
    assert full.wait(timeout=300) == 0, err
    duration, write_phase = time.perf_counter() - start, time.perf_counter() - writing
    new = _state(done)
    assert new != old
    rng = random.Random(11)
    seen = {"old": 0, "new": 0}
    deadline = time.monotonic() + BUDGET_SECONDS
    for run in range(RUNS):
        if time.monotonic() > deadline:
            break
        root = os.path.join(str(tmp_path), f"run-{run}")
        shutil.copytree(template, root)
        args = [root if a == template else a for a in command]
        child = subprocess.Popen([sys.executable, "-c", CHILD, *args], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True, env=_env())
        if run % 2:  # anywhere in the run
            time.sleep(rng.uniform(0.2, 1.0) * duration)
        else:  # inside the write phase
            assert child.stderr is not None
            child.stderr.readline()
            time.sleep(rng.uniform(0.0, 1.0) * write_phase)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        if child.stderr is not None:
            child.stderr.close()
        after = _archkb("check", "--no-cache", root)  # the next command recovers first
        assert "Traceback" not in after.stderr, after.stderr
        state = _state(root)
        leftovers = sorted(p for p in state if ".archkb-" in p or p.endswith(".tmp"))
        assert leftovers == [], f"run {run}: temp files left: {leftovers}"
        if state == old:
            seen["old"] += 1
        elif state == new:
            seen["new"] += 1
        else:
            changed = sorted(set(state) ^ set(old) | {p for p in state if p in old and state[p] != old[p]})
            pytest.fail(f"run {run}: neither the old nor the new state; differs from old in {changed}")
        shutil.rmtree(root)
    print(f"{command[0]}: {seen} over {sum(seen.values())} kills "
          f"(uninterrupted run {duration:.2f}s, write phase {write_phase:.2f}s)")
    assert sum(seen.values()) >= min(RUNS, 5)
