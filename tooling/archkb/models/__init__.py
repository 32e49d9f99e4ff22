"""The record models: pure pydantic data, one module per kind (the kinds themselves are in `archkb.core.kinds`)."""

from __future__ import annotations

from archkb.models.checklist import Checklist
from archkb.models.decision import Decision
from archkb.models.pattern import Pattern
from archkb.models.principle import Principle
from archkb.models.review import Review

Record = Decision | Pattern | Principle | Checklist | Review
"""Any validated record."""

__all__ = ["Checklist", "Decision", "Pattern", "Principle", "Record", "Review"]
