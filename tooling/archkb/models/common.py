"""Shared building blocks of the record models: id forms, enums, links, sources, sections.

Pure data: nothing here reads files or knows about other records.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

ADR_ID_RE = re.compile(r"^ADR-[0-9]{4,}$")
SLUG_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TAG_RE = SLUG_ID_RE
QUALIFIED_ID_RE = re.compile(r"^(?:ADR-[0-9]{4,}|[a-z0-9]+(?:-[a-z0-9]+)*)/[a-z0-9]+(?:-[a-z0-9]+)*$")

AdrId = Annotated[str, StringConstraints(pattern=ADR_ID_RE.pattern, max_length=16)]
"""A decision id: `ADR-` and four or more digits."""
SlugId = Annotated[str, StringConstraints(pattern=SLUG_ID_RE.pattern, max_length=80)]
"""A kebab-case id of a pattern, checklist, review, question or component."""
RecordId = Annotated[
    str, StringConstraints(pattern=f"(?:{ADR_ID_RE.pattern})|(?:{SLUG_ID_RE.pattern})", max_length=80)
]
"""Any record id: an ADR id or a kebab-case id."""
Tag = Annotated[str, StringConstraints(pattern=TAG_RE.pattern, max_length=48)]
"""A free tag, normalised to lower-case kebab-case (`model-risk`, not `Model Risk`)."""
Category = Annotated[str, StringConstraints(pattern=SLUG_ID_RE.pattern, max_length=48)]
"""A category from the knowledge base's controlled vocabulary (see `archkb.yaml`)."""
Text = Annotated[str, StringConstraints(min_length=1, max_length=100_000)]
"""Markdown text."""
Line = Annotated[str, StringConstraints(min_length=1, max_length=500)]
"""One line of Markdown: a list item, a name, a title."""
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2000)]
"""An absolute http(s) URL."""


class Strict(BaseModel):
    """Base of every model: unknown fields are errors and field docstrings become schema text."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, populate_by_name=True)


class Severity(str, Enum):
    """How much a review question matters: an unmet `high` is a high risk."""

    high = "high"
    medium = "medium"
    low = "low"


class Level(str, Enum):
    """A three-step rating for likelihood and impact."""

    low = "low"
    medium = "medium"
    high = "high"


class LinkType(str, Enum):
    """A typed statement one record makes about another; the graph derives the inverse."""

    supersedes = "supersedes"
    amends = "amends"
    depends_on = "depends_on"
    relates_to = "relates_to"
    applies = "applies"
    requires = "requires"
    complements = "complements"
    alternative_to = "alternative_to"
    specializes = "specializes"
    realised_by = "realised_by"


# stated type -> derived inverse type
INVERSE: dict[str, str] = {
    "supersedes": "superseded_by",
    "amends": "amended_by",
    "depends_on": "required_by",
    "relates_to": "related_from",
    "applies": "applied_by",
    "requires": "required_by_pattern",
    "complements": "complemented_by",
    "alternative_to": "alternative_from",
    "specializes": "generalized_by",
    "uses": "used_by",
    "adopts": "adopted_by",
    "covers": "covered_by",
    "mitigated_by": "mitigates",
    "realised_by": "realises",
}
"""Every stated link type (including those implied by review and checklist fields) and its derived inverse."""


class Link(Strict):
    """A link stated once, on the record that makes the statement (the newer ADR says `supersedes`)."""

    type: LinkType
    """What this record says about the target."""
    target: RecordId
    """The id of the record linked to."""
    note: Line | None = None
    """Why the link exists, in a few words."""


class Source(Strict):
    """A book, paper, standard or official page that backs the record."""

    title: Line
    """The source's own title."""
    url: Url
    """Where to read it."""


class Section(Strict):
    """An extra titled section kept verbatim (for example from an imported Markdown ADR)."""

    title: Line
    """The section heading."""
    body: Text
    """The section's Markdown."""
