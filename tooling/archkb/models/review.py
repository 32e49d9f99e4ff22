"""The Review record: one project's profile and its recorded answers, milestone by milestone."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated

from pydantic import Field, StringConstraints

from archkb.models.common import QUALIFIED_ID_RE, AdrId, Line, SlugId, Strict, Tag, Text


class SystemType(str, Enum):
    """The kind of AI system."""

    predictive = "predictive"
    genai = "genai"
    agentic = "agentic"


class RiskTier(str, Enum):
    """Risk tier, after the EU AI Act's categories."""

    minimal = "minimal"
    limited = "limited"
    high = "high"
    unacceptable = "unacceptable"


class LegalClassification(str, Enum):
    """The system's classification under the EU AI Act, as counsel assessed it (separate from the internal tier)."""

    prohibited = "prohibited"
    high_risk_annex_i = "high_risk_annex_i"
    high_risk_annex_iii = "high_risk_annex_iii"
    transparency = "transparency"
    minimal = "minimal"
    not_assessed = "not_assessed"


class DataClassification(str, Enum):
    """The most sensitive class of data the system touches."""

    public = "public"
    internal = "internal"
    confidential = "confidential"
    restricted = "restricted"


class Deployment(str, Enum):
    """Where the system runs."""

    cloud = "cloud"
    on_prem = "on_prem"
    edge = "edge"
    hybrid = "hybrid"


class Project(Strict):
    """The project under review and the profile that selects its checklist questions."""

    name: Line
    """The project's name."""
    owner: Line
    """The accountable team or person."""
    description: Text
    """What the system does and for whom."""
    system_type: SystemType
    """predictive, genai or agentic."""
    risk_tier: RiskTier
    """minimal, limited, high or unacceptable: the organisation's internal tier."""
    legal_classification: LegalClassification = LegalClassification.not_assessed
    """The EU AI Act classification as assessed by counsel: prohibited, high_risk_annex_i, high_risk_annex_iii,
    transparency, minimal or not_assessed (the default). Kept apart from `risk_tier`: an internally high tier
    can be legally minimal, and the review page shows such a mismatch."""
    data_classification: DataClassification
    """public, internal, confidential or restricted."""
    personal_data: bool
    """Whether the system processes personal data."""
    deployment: Deployment
    """cloud, on_prem, edge or hybrid."""


class AnswerStatus(str, Enum):
    """The state of one checklist item in a milestone."""

    met = "met"
    partial = "partial"
    not_met = "not_met"
    not_applicable = "not_applicable"


class Answer(Strict):
    """A recorded answer to one item of the assembled checklist."""

    status: AnswerStatus
    """met, partial, not_met or not_applicable."""
    reason: Line | None = None
    """Why the item does not apply (required for not_applicable)."""
    evidence: list[Line] = Field(default_factory=list)
    """Links or references to the evidence seen."""
    notes: Text | None = None
    """Reviewer notes."""
    owner: Line | None = None
    """Who fixes an unmet item."""
    due: dt.date | None = None
    """When an unmet item is due to be fixed."""
    automated: bool | None = None
    """For ML Test Score checklists: whether the test runs automatically (one point) or by hand (half a point)."""
    carried_from: Line | None = None
    """The milestone this answer was carried forward from unchanged (set by `archkb review milestone`);
    absent when the answer was given at this milestone."""


QualifiedId = Annotated[str, StringConstraints(pattern=QUALIFIED_ID_RE.pattern, max_length=170)]
"""`CHECKLIST/QUESTION`, `PATTERN/QUESTION` or `ADR-0007/confirmation`."""


class Milestone(Strict):
    """One review meeting and the answers recorded at it."""

    name: Line
    """The milestone's name (for example `design`, `pre-production`)."""
    date: dt.date
    """When the review took place."""
    reviewers: list[Line] = Field(default_factory=list)
    """Who reviewed."""
    summary: Text | None = None
    """The board's summary."""
    answers: dict[QualifiedId, Answer] = Field(default_factory=dict)
    """Answers keyed by qualified item id."""


class Review(Strict):
    """A project under review."""

    id: SlugId
    """Kebab-case id; the file is `reviews/ID.yaml`."""
    title: Line | None = None
    """A title for the review page (defaults to the project name)."""
    tags: list[Tag] = Field(default_factory=list)
    """Free tags, lower-case kebab-case."""
    project: Project
    """The project and its profile."""
    patterns: list[SlugId] = Field(default_factory=list)
    """Patterns the project uses: their review questions join the checklist."""
    decisions: list[AdrId] = Field(default_factory=list)
    """Decisions the project adopts: their confirmation criteria join the checklist."""
    checklists: list[SlugId] = Field(default_factory=list)
    """Checklists to use; when empty, every checklist with an applicable question is used."""
    milestones: list[Milestone] = Field(default_factory=list)
    """Review meetings, oldest first."""
    serves: list[SlugId] = Field(default_factory=list)
    """The architecture responsibilities (ids from `responsibilities` in `archkb.yaml`) this review is a worked example of."""
