"""The Principle record: an architecture principle in the TOGAF form (name, statement, rationale, implications)."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import Field

from archkb.models.common import Category, Line, Link, SlugId, Source, Strict, Tag, Text


class PrincipleStatus(str, Enum):
    """Where a principle is in its life."""

    proposed = "proposed"
    approved = "approved"
    retired = "retired"


class Principle(Strict):
    """A lasting rule that guides decisions; decisions and patterns realise it."""

    id: SlugId
    """Kebab-case id; the file is `principles/ID.yaml`."""
    name: Line
    """The principle, short enough to remember."""
    status: PrincipleStatus
    """proposed, approved or retired."""
    owner: Line
    """Who keeps the principle and rules on exceptions."""
    category: Category | None = None
    """The category from the controlled vocabulary in `archkb.yaml`."""
    tags: list[Tag] = Field(default_factory=list)
    """Free tags, lower-case kebab-case."""
    statement: Text
    """The rule itself, in a sentence or two."""
    rationale: Text
    """Why the rule holds: the benefits of following it."""
    implications: list[Line] = Field(min_length=1)
    """What following it requires of teams: cost, effort, what they stop doing."""
    links: list[Link] = Field(default_factory=list)
    """Typed links: `realised_by` decisions and patterns, `relates_to` other principles."""
    sources: list[Source] = Field(default_factory=list)
    """Books, standards and official pages behind the principle."""
    serves: list[SlugId] = Field(default_factory=list)
    """The architecture responsibilities (ids from `responsibilities` in `archkb.yaml`) this record supports."""
    last_reviewed: dt.date | None = None
    """When the owner last confirmed the principle still holds."""
