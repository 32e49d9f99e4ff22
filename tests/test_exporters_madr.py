"""MADR 4 export: importing the export gives back the same records (fixtures written for the tests)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from archkb.adopt.convert import import_folder
from archkb.cli import main
from conftest import FIXTURES

NYGARD = os.path.join(FIXTURES, "import", "nygard")
MADR = os.path.join(FIXTURES, "import", "madr")
LOG4BRAINS = os.path.join(FIXTURES, "import", "log4brains")
TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize("fixture", [NYGARD, MADR, LOG4BRAINS])
def test_import_export_import_gives_identical_records(tmp_path: str, fixture: str) -> None:
    # What the import writes (references re-pointed included) survives export and re-import unchanged.
    from archkb.core.catalog import load_catalog

    kb = os.path.join(str(tmp_path), "kb")
    assert main(["import", fixture, "-C", kb]) == 0
    out = os.path.join(str(tmp_path), "madr")
    assert main(["export", "madr", out, "-C", kb]) == 0
    kb2 = os.path.join(str(tmp_path), "kb2")
    assert main(["import", out, "-C", kb2]) == 0

    def records(root: str) -> dict:  # type: ignore[type-arg]
        return {r.id: r.model_dump(mode="json") for r in load_catalog(root, use_cache=False).records("decision")}

    first = records(kb)
    assert first and records(kb2) == first
    assert import_folder(out, today=TODAY).records.keys() == first.keys()
