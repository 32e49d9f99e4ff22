"""Turn one parsed source document into a record model, or into positioned problems.

Pydantic's error locations (`loc`) are mapped back to `file:line:col` through the source
document, and the id is checked against its kind's form before anything uses it as a path.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel, ValidationError

from archkb.core.kinds import Kind
from archkb.core.problems import Problem, error
from archkb.core.yaml_source import SourceDoc
from archkb.models.common import ADR_ID_RE, SLUG_ID_RE

MAX_SCHEMA_PROBLEMS = 50
"""Schema problems reported per file; the rest are counted in one last problem."""


RESERVED_IDS = frozenset({"index", "category"})
"""Names of generated pages and folders beside record pages (`reviews/index.md`, `patterns/category/`):
a record with such an id would be published at the same URL as that page."""


def id_is_valid(kind: Kind, value: object) -> bool:
    """True when `value` has the id form of `kind` (ADR-0001 for decisions, kebab-case otherwise) and is not reserved."""
    if not isinstance(value, str) or len(value) > 80 or value in RESERVED_IDS:
        return False
    pattern = ADR_ID_RE if kind.name == "decision" else SLUG_ID_RE
    return bool(pattern.match(value))


def id_matches_file(kind: Kind, rid: str, path: str) -> bool:
    """ADR files are `ID.yaml` or `ID-slug.yaml`; every other kind is exactly `ID.yaml`."""
    stem = os.path.basename(path)[: -len(".yaml")] if path.endswith(".yaml") else os.path.basename(path)
    if kind.name == "decision":
        return stem == rid or stem.startswith(rid + "-")
    return stem == rid


def validate(doc: SourceDoc, kind: Kind) -> tuple[BaseModel | None, list[Problem]]:
    """Validate `doc` as a record of `kind`; problems carry stable codes and positions."""
    if not doc.ok:
        return None, list(doc.problems)
    data: dict[str, Any] = doc.data
    problems: list[Problem] = []
    rid = data.get("id")
    if rid is not None and not id_is_valid(kind, rid):
        why = ("is reserved for a generated page" if rid in RESERVED_IDS
               else f"is not a valid {kind.name} id ({kind.id_example} form)")
        problems.append(error("E016", f"id {str(rid)[:80]!r} {why}", doc.position(("id",))))
        return None, problems
    try:
        record = kind.model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = [_schema_problem(doc, e) for e in errors[:MAX_SCHEMA_PROBLEMS]]
        if len(errors) > MAX_SCHEMA_PROBLEMS:
            # Bounded work and output for a hostile file (60,000 unknown fields): the first ones say enough.
            problems.append(error("E003", f"{len(errors) - MAX_SCHEMA_PROBLEMS:,} more schema problems not shown",
                                  problems[-1].position))
        return None, problems
    if not id_matches_file(kind, record.id, doc.path):  # type: ignore[attr-defined]
        expected = f"{record.id}-<slug>.yaml" if kind.name == "decision" else f"{record.id}.yaml"  # type: ignore[attr-defined]
        problems.append(error(
            "E004",
            f"id {record.id!r} does not match file name {os.path.basename(doc.path)!r}",  # type: ignore[attr-defined]
            doc.position(("id",)),
            hint=f"rename the file to {expected} or fix the id",
        ))
    return record, problems


def _schema_problem(doc: SourceDoc, err: Any) -> Problem:
    loc = tuple(err["loc"])
    # Pydantic appends the enum member or union branch to loc in some errors; keep the data path.
    field = loc_str(loc)
    msg = err["msg"]
    etype = err["type"]
    if etype == "missing":
        position = doc.position(loc[:-1])
        msg = f"required field '{loc[-1]}' is missing"
        field = loc_str(loc[:-1])
    elif etype == "extra_forbidden":
        position = doc.position(loc, key=True)
        msg = "unknown field (not in the schema)"
    else:
        position = doc.position(loc)
        got = err.get("input")
        if isinstance(got, (str, int, float, bool)) and etype not in {"string_too_long"}:
            shown = repr(got) if not isinstance(got, str) or len(got) <= 60 else repr(got[:57] + "...")
            msg = f"{msg} (got {shown})"
    return error("E003", f"{field}: {msg}", position)


def loc_str(loc: tuple[Any, ...]) -> str:
    """`("links", 0, "target")` -> `links[0].target`; the empty path is `(record)`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (("." if out else "") + str(part))
    return out or "(record)"
