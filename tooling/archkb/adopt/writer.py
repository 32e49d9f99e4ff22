"""Write imported Decision records as YAML files: validated first, atomically, never over an existing file."""

from __future__ import annotations

import os
from typing import Any

import yaml

from archkb.authoring.scaffold import slugify
from archkb.core.fileio import Transaction
from archkb.core.schema import schema_comment
from archkb.models.decision import Decision


class _Dumper(yaml.SafeDumper):
    """Block scalars for multi-line text, so records stay readable and diff well."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        text = "\n".join(line.rstrip() for line in value.splitlines())
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def slug(title: str) -> str:
    """A short kebab-case slug of a title for the file name (the one `archkb new` uses)."""
    return slugify(title) or "decision"


def record_yaml(data: dict[str, Any], schema_dir: str) -> str:
    """The YAML text of one record: schema comment, then fields in model order."""
    record = Decision.model_validate(data)
    plain = record.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
    plain = {k: plain[k] for k in Decision.model_fields if k in plain}
    if record.date is not None:
        plain["date"] = record.date  # a YAML date, not a quoted string
    if record.review_by is not None:
        plain["review_by"] = record.review_by
    ordered = {k: plain[k] for k in Decision.model_fields if k in plain}
    body = yaml.dump(ordered, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return schema_comment("decision", schema_dir) + "\n" + body


def write_records(out_dir: str, files: dict[str, str]) -> list[str]:
    """Write {file name: text} into `out_dir` all or nothing (the one writer); refuses when any target exists."""
    txn = Transaction(out_dir)
    for name, text in sorted(files.items()):
        txn.create(name, text)
    os.makedirs(out_dir, exist_ok=True)
    return [os.path.join(out_dir, rel) for rel in txn.commit()]
