"""The Checklist record: a family of review questions in sections, after AWS Well-Architected lenses."""

from __future__ import annotations

from enum import Enum

from pydantic import Field

from archkb.models.common import Line, Severity, SlugId, Source, Strict, Tag, Text
from archkb.models.review import DataClassification, Deployment, LegalClassification, RiskTier, SystemType


class AppliesWhen(Strict):
    """Which projects a question applies to: AND across fields, OR within a field's list.

    Plain data matched against the review's project profile; never evaluated as code.
    An absent field matches every project.
    """

    system_type: list[SystemType] | None = None
    """Applies to these system types."""
    risk_tier: list[RiskTier] | None = None
    """Applies to these internal risk tiers."""
    legal_classification: list[LegalClassification] | None = None
    """Applies at these EU AI Act classifications (the profile's `legal_classification`)."""
    data_classification: list[DataClassification] | None = None
    """Applies at these data classifications."""
    personal_data: bool | None = None
    """Applies only when the project does (true) or does not (false) process personal data."""
    deployment: list[Deployment] | None = None
    """Applies to these deployments."""


class Question(Strict):
    """One review question."""

    id: SlugId
    """Kebab-case, unique within the checklist; answers use `CHECKLIST/QUESTION`."""
    text: Line
    """The question, answerable with met / partial / not met."""
    rationale: Text
    """Why it matters."""
    severity: Severity
    """high, medium or low: an unmet high question is a high risk."""
    applies_when: AppliesWhen | None = None
    """Profile conditions; absent means every project."""
    evidence: list[Line] = Field(default_factory=list)
    """What a reviewer expects to see."""
    maps_to: dict[SlugId, list[Line]] = Field(default_factory=dict)
    """Crosswalk to framework identifiers, by framework key (see `archkb.reviews.frameworks`)."""
    mitigated_by: list[SlugId] = Field(default_factory=list)
    """Patterns that help meet the question."""
    improvement: Line | None = None
    """What to do when the question is not met (becomes the improvement plan)."""


class ChecklistSection(Strict):
    """A group of questions (a pillar, in Well-Architected terms)."""

    id: SlugId
    """Kebab-case, unique within the checklist."""
    title: Line
    """The section title."""
    description: Text | None = None
    """What the section covers."""
    questions: list[Question] = Field(min_length=1)
    """The section's questions."""


class ScoringMethod(str, Enum):
    """How a checklist's answers are scored (severity × status always applies; a family may add its own)."""

    severity = "severity"
    ml_test_score = "ml-test-score"


class Checklist(Strict):
    """A family of review questions."""

    id: SlugId
    """Kebab-case id; the file is `checklists/ID.yaml`."""
    title: Line
    """The checklist's title."""
    family: SlugId
    """The checklist family (for example `data-readiness`)."""
    version: Line
    """The checklist's version; reviews record which one they used."""
    description: Text
    """What it covers and when to use it."""
    tags: list[Tag] = Field(default_factory=list)
    """Free tags, lower-case kebab-case."""
    scoring: ScoringMethod = ScoringMethod.severity
    """`severity` (risks from severity × status) or `ml-test-score` (also: half a point per test run by hand,
    one per automated test, per section; the score is the lowest section's points)."""
    sections: list[ChecklistSection] = Field(min_length=1)
    """The sections, in order."""
    sources: list[Source] = Field(default_factory=list)
    """The frameworks, standards and papers the questions are drawn from."""
    serves: list[SlugId] = Field(default_factory=list)
    """The architecture responsibilities (ids from `responsibilities` in `archkb.yaml`) this record supports."""
