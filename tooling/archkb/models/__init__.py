"""The record models and the table that ties each kind to its folder and model."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from archkb.models.checklist import Checklist
from archkb.models.decision import Decision
from archkb.models.pattern import Pattern
from archkb.models.review import Review
from archkb.snapshot import RECORD_FOLDERS


@dataclass(frozen=True)
class Kind:
    """One record kind: its name, folder, model and id form."""

    name: str
    folder: str
    model: type[BaseModel]
    id_example: str


KINDS: dict[str, Kind] = {
    "decision": Kind("decision", "adr", Decision, "ADR-0001"),
    "pattern": Kind("pattern", "patterns", Pattern, "feature-store"),
    "checklist": Kind("checklist", "checklists", Checklist, "data-readiness"),
    "review": Kind("review", "reviews", Review, "claims-triage"),
}
KIND_BY_FOLDER: dict[str, Kind] = {k.folder: k for k in KINDS.values()}
assert {f: k.name for f, k in KIND_BY_FOLDER.items()} == RECORD_FOLDERS

Record = Decision | Pattern | Checklist | Review

__all__ = ["KINDS", "KIND_BY_FOLDER", "Checklist", "Decision", "Kind", "Pattern", "Record", "Review"]
