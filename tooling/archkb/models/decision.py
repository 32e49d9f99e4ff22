"""The Decision (ADR) record: MADR 4 fields plus what an AI architecture board needs."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import Field

from archkb.models.common import (
    AdrId,
    Category,
    Level,
    Line,
    Link,
    Section,
    SlugId,
    Source,
    Strict,
    Tag,
    Text,
)


class DecisionStatus(str, Enum):
    """Where a decision is in its life."""

    proposed = "proposed"
    accepted = "accepted"
    rejected = "rejected"
    deprecated = "deprecated"
    superseded = "superseded"


class Option(Strict):
    """One considered option, with its arguments."""

    title: Line
    """The option's short name; `outcome.chosen` repeats it for the chosen one."""
    summary: Text | None = None
    """What the option is, in a sentence or two."""
    pros: list[Line] = Field(default_factory=list)
    """Good arguments for this option."""
    cons: list[Line] = Field(default_factory=list)
    """Bad arguments against this option."""
    neutral: list[Line] = Field(default_factory=list)
    """Arguments that are neither for nor against (MADR 'neutral')."""


class Outcome(Strict):
    """The decision taken and why."""

    chosen: Line | None = None
    """The title of the chosen option (must match one of `options`); absent when the record states the decision
    as text without options to choose from (an imported adr-tools "Decision" section)."""
    rationale: Text
    """Why this option, weighed against the drivers; or the decision itself, when no option is chosen."""


class Consequences(Strict):
    """What becomes easier or harder because of the decision."""

    positive: list[Line] = Field(default_factory=list)
    """Good consequences."""
    negative: list[Line] = Field(default_factory=list)
    """Bad consequences and costs accepted."""
    neutral: list[Line] = Field(default_factory=list)
    """Consequences that are neither."""


class Risk(Strict):
    """A risk the decision carries and how it is handled."""

    description: Line
    """What could go wrong."""
    likelihood: Level
    """How likely it is."""
    impact: Level
    """How bad it would be."""
    mitigation: Line | None = None
    """What reduces it."""


class Provenance(Strict):
    """Where an imported decision came from, so nothing of the original is lost."""

    source_path: Line
    """The original file, relative to the imported folder."""
    format: Line
    """The format it was read as (adr-tools, madr, log4brains)."""
    original_status: Line | None = None
    """The status as it was written, before mapping to the status enum."""
    original_date: Line | None = None
    """The date as it was written, before normalising to ISO."""
    original_title: Line | None = None
    """The title as it was written, with any number prefix."""


class Decision(Strict):
    """An architecture decision record (ADR)."""

    id: AdrId
    """`ADR-` and four or more digits; the file is named after it (`ADR-0007-slug.yaml`)."""
    title: Line
    """A short statement of the problem solved and the solution chosen."""
    status: DecisionStatus
    """proposed, accepted, rejected, deprecated or superseded (superseded needs a record that supersedes it)."""
    date: dt.date | None = None
    """When the status last changed (ISO `YYYY-MM-DD`); `archkb supersede` sets it. Absent only on an imported
    record whose source gave no date that could be read (warning W011), never guessed."""
    decided: dt.date | None = None
    """When the decision was taken (accepted or rejected); absent while proposed."""
    decision_makers: list[Line] = Field(default_factory=list)
    """Who decided (people or roles)."""
    consulted: list[Line] = Field(default_factory=list)
    """Whose opinion was sought (two-way communication)."""
    informed: list[Line] = Field(default_factory=list)
    """Who is kept up to date (one-way communication)."""
    category: Category | None = None
    """The category from the controlled vocabulary in `archkb.yaml`."""
    tags: list[Tag] = Field(default_factory=list)
    """Free tags, lower-case kebab-case."""
    context: Text
    """The problem and its circumstances: why a decision is needed now."""
    drivers: list[Line] = Field(default_factory=list)
    """The forces and concerns the decision must satisfy."""
    options: list[Option] = Field(default_factory=list)
    """The options considered (at least two for a real choice)."""
    outcome: Outcome | None = None
    """The chosen option and the rationale."""
    consequences: Consequences = Field(default_factory=Consequences)
    """What follows from the decision."""
    confirmation: Text | None = None
    """How compliance with the decision is verified; becomes a review checklist item for projects that adopt it."""
    risks: list[Risk] = Field(default_factory=list)
    """Risks the decision carries."""
    review_by: dt.date | None = None
    """When to revisit the decision; `archkb check` warns once it has passed."""
    links: list[Link] = Field(default_factory=list)
    """Typed links to other records (supersedes, amends, depends_on, relates_to, applies)."""
    sources: list[Source] = Field(default_factory=list)
    """Books, papers, standards or official pages that informed the decision."""
    serves: list[SlugId] = Field(default_factory=list)
    """The architecture responsibilities (ids from `responsibilities` in `archkb.yaml`) this record supports."""
    sections: list[Section] = Field(default_factory=list)
    """Further sections kept verbatim."""
    provenance: Provenance | None = None
    """Where an imported decision came from."""
