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
    kb = os.path.join(str(tmp_path), "kb")
    assert main(["import", fixture, "-C", kb]) == 0
    first = import_folder(fixture, today=TODAY).records
    out = os.path.join(str(tmp_path), "madr")
    assert main(["export", "madr", out, "-C", kb]) == 0
    again = import_folder(out, today=TODAY).records
    from archkb.models.decision import Decision

    def norm(recs: dict) -> dict:  # type: ignore[type-arg]
        return {k: Decision.model_validate(v).model_dump(mode="json") for k, v in recs.items()}

    assert norm(again) == norm(first)
