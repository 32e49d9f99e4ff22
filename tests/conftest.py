"""Shared pytest set-up: a fixed "today" so date-dependent checks are reproducible."""

from __future__ import annotations

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
GOLDEN = os.path.join(ROOT, "tests", "golden")
sys.path.insert(0, os.path.join(ROOT, "tooling"))


UPDATE_GOLDEN = os.environ.get("ARCHKB_UPDATE_GOLDEN") == "1"
"""The one switch that rewrites golden files: `ARCHKB_UPDATE_GOLDEN=1 pytest`."""


def assert_golden(rel: str, text: str) -> None:
    """Compare `text` with `tests/golden/REL` (rewritten instead when ARCHKB_UPDATE_GOLDEN=1)."""
    path = os.path.join(GOLDEN, rel)
    if UPDATE_GOLDEN:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    with open(path, encoding="utf-8", newline="") as fh:
        assert text == fh.read(), f"{rel} differs from its golden file (ARCHKB_UPDATE_GOLDEN=1 to accept)"


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHKB_TODAY", "2026-11-25")


@pytest.fixture(autouse=True)
def _private_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Caches and journals of a test run go to a temp folder, never to the user's home."""
    if "ARCHKB_CACHE_DIR" not in os.environ:
        monkeypatch.setenv("ARCHKB_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "archkb-cache"))
    if "ARCHKB_STATE_DIR" not in os.environ:
        monkeypatch.setenv("ARCHKB_STATE_DIR", str(tmp_path_factory.getbasetemp() / "archkb-state"))
