"""The Pattern record: an AI/ML integration pattern in catalog form, with a component diagram."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import Field

from archkb.models.common import (
    Category,
    Line,
    Link,
    Severity,
    SlugId,
    Source,
    Strict,
    Tag,
    Text,
)


class PatternStatus(str, Enum):
    """Where a pattern is in its life: only approved patterns should be applied without discussion."""

    draft = "draft"
    approved = "approved"
    deprecated = "deprecated"


class ComponentKind(str, Enum):
    """What a component is; decides its shape in the component diagram."""

    actor = "actor"
    client = "client"
    service = "service"
    model = "model"
    store = "store"
    queue = "queue"
    stream = "stream"
    pipeline = "pipeline"
    job = "job"
    gateway = "gateway"
    cache = "cache"
    registry = "registry"
    monitor = "monitor"
    external = "external"
    policy = "policy"


class FlowMode(str, Enum):
    """How data or control moves along a flow; decides the edge style."""

    sync = "sync"
    async_ = "async"
    batch = "batch"
    stream = "stream"
    event = "event"
    control = "control"


class Component(Strict):
    """A box in the pattern's component diagram."""

    id: SlugId
    """Kebab-case id, unique within the pattern; flows refer to it."""
    name: Line
    """The label shown."""
    kind: ComponentKind
    """What sort of component it is."""
    description: Line | None = None
    """Its job in the pattern."""


class Flow(Strict):
    """An arrow in the pattern's component diagram."""

    from_: SlugId = Field(alias="from")
    """The component the flow starts at."""
    to: SlugId
    """The component the flow ends at."""
    label: Line | None = None
    """What moves along it."""
    mode: FlowMode = FlowMode.sync
    """sync, async, batch, stream, event or control."""


class PatternConsequences(Strict):
    """What applying the pattern brings and costs."""

    benefits: list[Line] = Field(default_factory=list)
    """What gets better."""
    liabilities: list[Line] = Field(default_factory=list)
    """What gets worse or must be paid for."""


class Effect(str, Enum):
    """How a pattern moves one quality attribute."""

    improves = "improves"
    degrades = "degrades"
    mixed = "mixed"
    neutral = "neutral"


class QualityNote(Strict):
    """The pattern's effect on one quality attribute, and why."""

    effect: Effect
    """improves, degrades, mixed or neutral."""
    note: Line
    """Why, in a sentence."""


class QualityAttributes(Strict):
    """Effects on the quality attributes an architecture board weighs (after Azure's pattern pages)."""

    reliability: QualityNote | None = None
    """Effect on reliability."""
    security: QualityNote | None = None
    """Effect on security."""
    cost: QualityNote | None = None
    """Effect on cost."""
    operability: QualityNote | None = None
    """Effect on operational excellence."""
    performance: QualityNote | None = None
    """Effect on performance efficiency."""


class ReviewQuestion(Strict):
    """A question a review asks of every project that uses the pattern."""

    id: SlugId
    """Kebab-case, unique within the pattern; answers use `PATTERN/QUESTION`."""
    text: Line
    """The question."""
    severity: Severity
    """high, medium or low: an unmet high question is a high risk."""
    rationale: Line | None = None
    """Why it matters."""


class Pattern(Strict):
    """An AI/ML integration pattern."""

    id: SlugId
    """Kebab-case id; the file is `patterns/ID.yaml`."""
    name: Line
    """The pattern's name."""
    aka: list[Line] = Field(default_factory=list)
    """Other names it goes by."""
    category: Category
    """The category from the controlled vocabulary in `archkb.yaml`."""
    status: PatternStatus
    """draft, approved or deprecated."""
    tags: list[Tag] = Field(default_factory=list)
    """Free tags, lower-case kebab-case."""
    summary: Line
    """One or two sentences: what the pattern does."""
    problem: Line
    """The problem, stated as a question."""
    context: Text
    """When the problem arises."""
    forces: list[Line] = Field(default_factory=list)
    """The competing concerns that make the problem hard."""
    solution: Text
    """How the pattern solves it."""
    components: list[Component] = Field(default_factory=list)
    """The boxes of the component diagram."""
    flows: list[Flow] = Field(default_factory=list)
    """The arrows of the component diagram."""
    consequences: PatternConsequences = Field(default_factory=PatternConsequences)
    """Benefits and liabilities."""
    when_to_use: list[Line] = Field(default_factory=list)
    """Situations it fits."""
    when_not_to_use: list[Line] = Field(default_factory=list)
    """Situations it does not fit."""
    tradeoffs: list[Line] = Field(default_factory=list)
    """What is traded for what."""
    quality_attributes: QualityAttributes = Field(default_factory=QualityAttributes)
    """Effects on reliability, security, cost, operability and performance."""
    review_questions: list[ReviewQuestion] = Field(default_factory=list)
    """Questions asked of projects that use the pattern."""
    known_uses: list[Line] = Field(default_factory=list)
    """Public, checkable uses (products, papers, reference architectures)."""
    sources: list[Source] = Field(default_factory=list)
    """Books, papers, standards and official documentation behind the pattern."""
    serves: list[SlugId] = Field(default_factory=list)
    """The architecture responsibilities (ids from `responsibilities` in `archkb.yaml`) this record supports."""
    links: list[Link] = Field(default_factory=list)
    """Typed links to other patterns (requires, complements, alternative_to, specializes, relates_to)."""
    owner: Line | None = None
    """Who keeps the pattern current."""
    last_reviewed: dt.date | None = None
    """When the pattern was last checked against practice."""
