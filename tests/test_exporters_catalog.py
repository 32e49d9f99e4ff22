"""Catalog JSON (archkb-catalog v1) and decisions CSV exports of an imported fixture KB."""

from __future__ import annotations

import datetime as dt
import os

from archkb.cli import main
from conftest import FIXTURES

NYGARD = os.path.join(FIXTURES, "import", "nygard")
MADR = os.path.join(FIXTURES, "import", "madr")
TODAY = dt.date(2026, 11, 25)


def test_catalog_and_csv_exports(tmp_path: str) -> None:
    import csv
    import json

    kb = os.path.join(str(tmp_path), "kb")
    assert main(["import", NYGARD, "-C", kb]) == 0
    out = os.path.join(str(tmp_path), "catalog.json")
    assert main(["export", "catalog", out, "-C", kb]) == 0
    with open(out, encoding="utf-8") as fh:
        doc = json.load(fh)
    assert (doc["format"], doc["version"]) == ("archkb-catalog", 1)
    assert [r["id"] for r in doc["records"]] == ["ADR-0001", "ADR-0002", "ADR-0003", "ADR-0004", "ADR-0005"]
    assert {"source": "ADR-0002", "target": "ADR-0003", "type": "superseded_by", "derived": True} in doc["edges"]
    assert main(["export", "catalog", out, "-C", kb]) == 1  # never overwritten
    rows = os.path.join(str(tmp_path), "d.csv")
    assert main(["export", "csv", rows, "-C", kb]) == 0
    with open(rows, encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert table[2]["id"] == "ADR-0003" and table[2]["supersedes"] == "ADR-0002"
