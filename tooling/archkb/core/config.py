"""The knowledge base's own configuration (`archkb.yaml` at the KB root): vocabulary and thresholds."""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError, field_validator

from archkb.core.problems import Problem, error
from archkb.core.snapshot import CONFIG_FILE
from archkb.core.yaml_source import SourceDoc, load_file
from archkb.models.common import Category, Line, Strict, Text, Url


class CategoryDef(Strict):
    """One category of the controlled vocabulary shared by decisions and patterns."""

    id: Category
    """Kebab-case id used in records."""
    title: Line
    """The heading shown in navigation and catalogs."""
    description: Text | None = None
    """What belongs in it."""


class Responsibility(Strict):
    """One duty of the architecture practice; records say which they `serve` and the coverage page counts them."""

    id: Category
    """Kebab-case id used in records' `serves`."""
    title: Line
    """The duty, as a heading."""
    description: Text | None = None
    """What the duty involves."""


DEFAULT_CATEGORIES = [
    CategoryDef(id="data", title="Data and features"),
    CategoryDef(id="mlops", title="MLOps and training"),
    CategoryDef(id="serving", title="Serving and integration"),
    CategoryDef(id="release", title="Release and experimentation"),
    CategoryDef(id="composition", title="Model composition"),
    CategoryDef(id="responsible-ai", title="Responsible AI"),
    CategoryDef(id="genai", title="Generative AI and agents"),
    CategoryDef(id="governance", title="Governance and documentation"),
    CategoryDef(id="monitoring", title="Monitoring and operations"),
    CategoryDef(id="security", title="Security and privacy"),
    CategoryDef(id="infrastructure", title="Infrastructure and platform"),
    CategoryDef(id="process", title="Process and ways of working"),
]


class SourceDef(Strict):
    """One knowledge base a portal publishes: its namespace and where its checkout is."""

    name: Category
    """The namespace of its records in the portal (`payments` gives `payments:ADR-0001`)."""
    path: Line | None = None
    """Its checkout, relative to this KB's root (`../payments-kb`)."""
    git: Url | None = None
    """Its repository, for the record (archkb reads checkouts: clone it and give `path`)."""
    ref: Line | None = None
    """The branch or tag the checkout is expected at, for the record."""
    edit_uri: Url | None = None
    """Where its files are edited, joined with each record's path in it
    (`https://github.com/example/payments-kb/edit/main/`); no edit links when absent."""


class KbConfig(Strict):
    """Settings of one knowledge base."""

    title: Line = "Architecture knowledge base"
    """The knowledge base's name."""
    categories: list[CategoryDef] = Field(default_factory=lambda: list(DEFAULT_CATEGORIES))
    """The controlled vocabulary of categories for decisions and patterns."""
    responsibilities: list[Responsibility] = Field(default_factory=list)
    """The duties the knowledge base is meant to support; empty means no coverage page and no coverage check."""
    proposed_max_days: int = Field(default=90, ge=1)
    """A proposed decision open longer than this many days gets warning W003."""
    sources: list[SourceDef] = Field(default_factory=list)
    """Other knowledge bases published with this one as a portal, each under its namespace (core/portal.py)."""
    site_url: Url | None = None
    """Where the site is published (`https://kb.example.com/`): generated checklists, sheets and reports link
    to the published pages there. When absent, `site_url` in `mkdocs.yml` is used; with neither, links point at
    the YAML files in the repository."""
    schema_dir: Line = ".archkb/schemas"
    """Where the JSON Schemas live, relative to the KB root: record modelines point there and `archkb schema
    --write` writes there, so editors resolve them in any repository (`archkb init` creates the folder)."""

    @field_validator("categories", "responsibilities")
    @classmethod
    def _unique_ids(cls, items: list[Any]) -> list[Any]:
        """An id listed twice would make two navigation sections and pages at one URL."""
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                raise ValueError(f"id {item.id!r} is listed twice")
            seen.add(item.id)
        return items

    @property
    def category_ids(self) -> list[str]:
        return [c.id for c in self.categories]

    def category_title(self, cid: str) -> str:
        return next((c.title for c in self.categories if c.id == cid), cid)


def load_config(root: str) -> tuple[KbConfig, list[Problem]]:
    """Read `archkb.yaml` from the KB root; defaults when absent; problems (E022) when invalid."""
    import os

    path = os.path.join(root, CONFIG_FILE)
    if not os.path.lexists(path):
        return KbConfig(), []
    doc: SourceDoc = load_file(path, CONFIG_FILE)
    if doc.problems:
        return KbConfig(), doc.problems
    try:
        return KbConfig.model_validate(doc.data), []
    except ValidationError as exc:
        problems = [
            error("E022", f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}", doc.position(tuple(e["loc"])))
            for e in exc.errors()
        ]
        return KbConfig(), problems
