"""Duty coverage: which records serve each responsibility declared in `archkb.yaml`, and which of them count as support.

The duties are data (`responsibilities:` in `archkb.yaml`); each record names the duties it
serves (`serves:`). Only records a reader can rely on count as support: accepted decisions,
approved patterns and checklists. Proposed, superseded, deprecated or rejected records are
listed with their status so a reader sees them, but they do not count; reviews are worked
examples, shown but never counted. The coverage page and the coverage rules (W321, E322) are
both computed here, so the page and `archkb check` cannot disagree.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from archkb.core.problems import Problem, error, warning
from archkb.core.snapshot import CONFIG_FILE
from archkb.core.yaml_source import SourceDoc, load_file

if TYPE_CHECKING:
    from archkb.core.catalog import Catalog
    from archkb.rules.core import RuleContext

SUPPORTING = {"decision": ("accepted",), "pattern": ("approved",), "principle": ("approved",), "checklist": None}
"""Kind -> the statuses that count as support (None: every record of the kind; checklists have no status)."""
KINDS = ("decision", "principle", "pattern", "checklist", "review")
"""The kinds listed on the coverage page, in this order."""
THIN_BELOW = 3
"""A duty with fewer supporting records than this, or with no accepted decision and no approved
pattern (only checklist questions), is flagged thin: it is asked about more than it is answered."""


@dataclass(frozen=True)
class Served:
    """One record that names a duty in its `serves`."""

    kind: str
    id: str
    title: str
    status: str | None
    """The record's lifecycle status (None for checklists and reviews, which have none)."""
    supports: bool
    """Whether it counts as support (see `SUPPORTING`)."""


@dataclass
class DutyCoverage:
    """One duty and the records that serve it, by kind."""

    id: str
    title: str
    description: str | None
    records: dict[str, list[Served]] = field(default_factory=dict)

    @property
    def support(self) -> list[Served]:
        return [r for kind in KINDS for r in self.records.get(kind, []) if r.supports]

    @property
    def unsupported(self) -> bool:
        """No accepted decision, approved principle or pattern, or checklist serves it (W321)."""
        return not self.support

    @property
    def thin(self) -> bool:
        solutions = [r for r in self.support if r.kind in ("decision", "principle", "pattern")]
        return len(self.support) < THIN_BELOW or not solutions


def _status(rec: Any) -> str | None:
    status = getattr(rec, "status", None)
    return getattr(status, "value", status)


def _title(kind: str, rec: Any) -> str:
    if kind in ("pattern", "principle"):
        return str(rec.name)
    if kind == "review":
        return str(rec.title or rec.project.name)
    return str(rec.title)


def supports(kind: str, status: str | None) -> bool:
    """Whether a record of this kind and status counts as support for the duties it serves."""
    if kind not in SUPPORTING:
        return False
    allowed = SUPPORTING[kind]
    return allowed is None or status in allowed


def coverage(catalog: Catalog) -> list[DutyCoverage]:
    """Every declared duty, in `archkb.yaml` order, with the records serving it sorted by id within each kind."""
    duties = {d.id: DutyCoverage(d.id, d.title, d.description) for d in catalog.config.responsibilities}
    for kind in KINDS:
        for rec in catalog.records(kind):
            for duty in dict.fromkeys(getattr(rec, "serves", []) or []):
                if duty in duties:
                    status = _status(rec)
                    duties[duty].records.setdefault(kind, []).append(
                        Served(kind, rec.id, _title(kind, rec), status, supports(kind, status)))
    return list(duties.values())


def check_coverage(ctx: RuleContext) -> Iterable[Problem]:
    """E322 `serves` names a duty `archkb.yaml` does not declare; W321 a declared duty has no support."""
    catalog = ctx.catalog
    known = {d.id for d in catalog.config.responsibilities}
    for kind in KINDS:
        for rec in catalog.records(kind):
            for i, duty in enumerate(getattr(rec, "serves", []) or []):
                if duty not in known:
                    listed = ", ".join(sorted(known)) if known else "none are declared"
                    close = difflib.get_close_matches(duty, sorted(known), n=1, cutoff=0.75)
                    yield error("E322", f"serves[{i}]: {duty!r} is not a responsibility in archkb.yaml ({listed})",
                                ctx.entry(rec.id).position(("serves", i)),
                                hint=f"did you mean {close[0]!r}?" if close else
                                "use an id from `responsibilities:` in archkb.yaml, or declare the duty there")
    if not known:
        return
    doc: SourceDoc | None = None
    for i, duty in enumerate(coverage(catalog)):
        if duty.unsupported:
            served = sum(len(v) for v in duty.records.values())
            yield warning("W321", f"responsibilities[{i}] {duty.id!r}: no accepted decision, approved principle "
                          f"or pattern, or checklist serves it ({served} other record(s) do)",
                          (doc := doc or _config_doc(catalog)).position(("responsibilities", i, "id")),
                          hint=f"add `serves: [{duty.id}]` to a record that supports it, or write one")


def _config_doc(catalog: Catalog) -> SourceDoc:
    return load_file(os.path.join(catalog.root, CONFIG_FILE), CONFIG_FILE)


coverage_rules = [check_coverage]
"""Registered statically in `archkb.rules.rule_sets()`."""
