"""The record kinds: every fact about a kind declared once, and every per-kind table derived from it.

A `Kind` says where its files live, which model validates them, how ids look, how the site
titles, orders and draws it, which links it may state to which kinds, which status changes
a pull request may make, and which scaffold `archkb new` writes. Code elsewhere looks a kind
up here; an unknown kind is an error (`UnknownKind`), never a fallback to another kind's
behaviour. Adding a kind is a model, a template, an entry here and a page renderer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from archkb.core.errors import UsageError

if TYPE_CHECKING:
    from pydantic import BaseModel


# Each kind's model, imported on first use: discovery and a cached `archkb check` need the kinds'
# folders and names, not pydantic (importing it and the models costs ~0.2 s of every command).
def _decision() -> type[BaseModel]:
    from archkb.models.decision import Decision

    return Decision


def _pattern() -> type[BaseModel]:
    from archkb.models.pattern import Pattern

    return Pattern


def _principle() -> type[BaseModel]:
    from archkb.models.principle import Principle

    return Principle


def _checklist() -> type[BaseModel]:
    from archkb.models.checklist import Checklist

    return Checklist


def _review() -> type[BaseModel]:
    from archkb.models.review import Review

    return Review


class UnknownKind(UsageError):
    """A kind name that no `Kind` declares."""


@dataclass(frozen=True)
class Kind:
    """One record kind and everything the tool needs to know about it."""

    name: str
    """The kind's name in records, commands and JSON (`decision`)."""
    folder: str
    """The record folder at the KB root (`adr`)."""
    load_model: Callable[[], type[BaseModel]]
    """Returns the pydantic model that validates a record (see `model`)."""
    id_example: str
    """An example id, for messages and scaffolds."""
    title: str
    """The plural heading of its site section and navigation tab (`Decisions`)."""
    singular: str
    """The singular noun, for page labels (`Decision`)."""
    site_folder: str
    """The folder of its pages on the site (`decisions`)."""
    order: int
    """Its place in navigation, diagrams and listings."""
    node_style: Mapping[str, str]
    """Graphviz node attributes of its records in diagrams."""
    links: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Stated link types its records may write, each with the kinds it may point at."""
    transitions: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Status changes a pull request may make (a status may always stay); empty: no lifecycle rule."""
    numbered: bool = False
    """Ids are numbered (`ADR-0001`) and files named `ID-slug.yaml`, not `ID.yaml`."""
    template: str = ""
    """The scaffold `archkb new` writes, in `archkb/templates/`; empty when the kind has a command of its own."""
    by_category: bool = False
    """Its site section is grouped by category (with per-category index pages and overview diagrams)."""

    @property
    def model(self) -> type[BaseModel]:
        """The pydantic model that validates a record of this kind."""
        return self.load_model()


_ALL_LINKABLE = frozenset({"decision", "pattern", "checklist"})

_KINDS = (
    Kind(
        "decision", "adr", _decision, "ADR-0001", "Decisions", "Decision", "decisions", 0,
        {"shape": "box", "style": "rounded,filled", "fillcolor": "#e3f2fd", "color": "#1565c0"},
        links={
            "supersedes": frozenset({"decision"}),
            "amends": frozenset({"decision"}),
            "depends_on": frozenset({"decision", "pattern"}),
            "relates_to": _ALL_LINKABLE,
            "applies": frozenset({"pattern"}),
            "alternative_to": frozenset({"decision"}),
        },
        transitions={
            "proposed": frozenset({"accepted", "rejected"}),
            "accepted": frozenset({"deprecated", "superseded"}),
            "rejected": frozenset({"proposed"}),
            "deprecated": frozenset({"superseded"}),
            "superseded": frozenset(),
        },
        numbered=True, template="decision.yaml", by_category=True,
    ),
    Kind(
        "pattern", "patterns", _pattern, "feature-store", "Patterns", "Pattern", "patterns", 1,
        {"shape": "component", "style": "filled", "fillcolor": "#f1f8e9", "color": "#558b2f"},
        links={
            "supersedes": frozenset({"pattern"}),
            "relates_to": _ALL_LINKABLE,
            "requires": frozenset({"pattern"}),
            "complements": frozenset({"pattern"}),
            "alternative_to": frozenset({"pattern"}),
            "specializes": frozenset({"pattern"}),
        },
        transitions={
            "draft": frozenset({"approved", "deprecated"}),
            "approved": frozenset({"deprecated"}),
            "deprecated": frozenset(),
        },
        template="pattern.yaml", by_category=True,
    ),
    Kind(
        "principle", "principles", _principle, "single-model-gateway", "Principles", "Principle", "principles", 2,
        {"shape": "hexagon", "style": "filled", "fillcolor": "#ede7f6", "color": "#4527a0"},
        links={
            "realised_by": frozenset({"decision", "pattern"}),
            "relates_to": frozenset({"principle"}),
        },
        transitions={
            "proposed": frozenset({"approved", "retired"}),
            "approved": frozenset({"retired"}),
            "retired": frozenset(),
        },
        template="principle.yaml",
    ),
    Kind(
        "checklist", "checklists", _checklist, "data-readiness", "Checklists", "Checklist", "checklists", 3,
        {"shape": "note", "style": "filled", "fillcolor": "#fff8e1", "color": "#f9a825"},
        links={"relates_to": _ALL_LINKABLE, "mitigated_by": frozenset({"pattern"})},
        template="checklist.yaml",
    ),
    Kind(
        "review", "reviews", _review, "claims-triage", "Reviews", "Review", "reviews", 4,
        {"shape": "folder", "style": "filled", "fillcolor": "#fce4ec", "color": "#ad1457"},
        links={"uses": frozenset({"pattern"}), "adopts": frozenset({"decision"}),
               "covers": frozenset({"checklist"})},
        template="review.yaml",
    ),
)

KINDS: dict[str, Kind] = {k.name: k for k in _KINDS}
"""Every kind by name, in `order`."""
KIND_BY_FOLDER: dict[str, Kind] = {k.folder: k for k in _KINDS}
"""Every kind by its record folder."""
RECORD_FOLDERS: dict[str, str] = {k.folder: k.name for k in sorted(_KINDS, key=lambda k: k.folder)}
"""Record folder -> kind name, sorted by folder (discovery order)."""


def kind(name: str) -> Kind:
    """The kind called `name`; `UnknownKind` for any other name."""
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(f"unknown record kind {name!r} (known: {', '.join(KINDS)})") from None


def allowed_links() -> dict[str, set[tuple[str, str]]]:
    """Link type -> the (source kind, target kind) pairs it may join, derived from every kind's `links`."""
    out: dict[str, set[tuple[str, str]]] = {}
    for k in _KINDS:
        for ltype, targets in k.links.items():
            out.setdefault(ltype, set()).update((k.name, t) for t in targets)
    return out


__all__ = ["KINDS", "KIND_BY_FOLDER", "RECORD_FOLDERS", "Kind", "UnknownKind", "allowed_links", "kind"]
