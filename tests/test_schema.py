"""The committed JSON Schemas match the models, and describe every field for editor completion."""

from __future__ import annotations

import glob
import json
import os

from archkb.core.kinds import KINDS
from archkb.core.schema import SCHEMA_DIR, schema_comment, write_schemas
from conftest import ROOT


def test_committed_schemas_match_the_models() -> None:
    assert write_schemas(SCHEMA_DIR, check_only=True) == [], "run `archkb schema --write`"


def test_every_property_has_a_description_and_extra_fields_are_forbidden() -> None:
    for kind in KINDS:
        with open(os.path.join(SCHEMA_DIR, f"{kind}.schema.json"), encoding="utf-8") as fh:
            schema = json.load(fh)
        objects = [schema, *schema.get("$defs", {}).values()]
        for obj in objects:
            if obj.get("type") != "object":
                continue
            assert obj.get("additionalProperties") is False, obj.get("title")
            for name, prop in obj["properties"].items():
                assert prop.get("description"), f"{kind}: {obj.get('title')}.{name} has no description"


def test_every_record_in_the_repository_points_at_its_schema() -> None:
    for kind in KINDS.values():
        for path in glob.glob(os.path.join(ROOT, kind.folder, "*.yaml")):
            with open(path, encoding="utf-8") as fh:
                first = fh.readline().rstrip("\n")
            assert first == schema_comment(kind.name, "tooling/archkb/schemas"), path
