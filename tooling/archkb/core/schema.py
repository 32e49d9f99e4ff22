"""JSON Schemas of the record models, written into a knowledge base's `schema_dir` (and the package) for editors and CI."""

from __future__ import annotations

import json
import os

from archkb.core.fileio import Transaction
from archkb.core.kinds import KINDS

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schemas")
SCHEMA_BASE_URL = "https://json-schema.org/draft/2020-12/schema"


def schema_file(kind: str) -> str:
    """The schema's file name for a kind (`decision.schema.json`)."""
    return f"{kind}.schema.json"


def schema_text(kind: str) -> str:
    """The JSON Schema of one kind as stable, sorted JSON text."""
    schema = KINDS[kind].model.model_json_schema(by_alias=True)
    schema["$schema"] = SCHEMA_BASE_URL
    schema["$id"] = schema_file(kind)
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema_comment(kind: str, schema_dir: str = ".archkb/schemas") -> str:
    """The first line of a record file: a `$schema` pointer, relative to the record's folder, that editors follow."""
    return f"# yaml-language-server: $schema=../{schema_dir.strip('/')}/{schema_file(kind)}"


def write_schemas(directory: str = SCHEMA_DIR, check_only: bool = False) -> list[str]:
    """Write every kind's schema; returns the files that changed (or would change with `check_only`)."""
    changed = []
    if not check_only:
        os.makedirs(directory, exist_ok=True)
    txn = Transaction(directory)
    for kind in sorted(KINDS):
        path = os.path.join(directory, schema_file(kind))
        text = schema_text(kind)
        try:
            with open(path, encoding="utf-8") as fh:
                current = fh.read()
        except FileNotFoundError:
            current = None
        if current == text:
            continue
        changed.append(path)
        if current is None:
            txn.create(os.path.basename(path), text)
        else:
            txn.replace(os.path.basename(path), text)
    if not check_only:
        txn.commit()
    return changed
