"""archkb: an architecture decision and review knowledge base for AI/ML systems, kept as code.

The public API: `archkb.load(root)` returns a `KnowledgeBase` (records, graph, check, impact,
review assembly and scoring); every failure is an `ArchkbError`. Anything not listed in
`__all__` is internal and may change.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

try:
    __version__ = version("archkb")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

if TYPE_CHECKING:
    from archkb.api import KnowledgeBase, load
    from archkb.core.errors import (
        ArchkbError,
        Conflict,
        GitError,
        InvalidInput,
        NotFound,
        RefusedWrite,
        ToolMissing,
        UsageError,
    )
    from archkb.core.kinds import KINDS, Kind
    from archkb.core.problems import Position, Problem, Severity
    from archkb.models import Checklist, Decision, Pattern, Principle, Record, Review
    from archkb.reviews.review import Assembly, Item, Score
    from archkb.rules import CheckResult

# Loaded on first use (PEP 562): `import archkb` stays cheap, so `archkb check` on an unchanged
# KB answers from its cache without importing pydantic or networkx. A broken module still
# fails loudly, the moment its name is used.
_LAZY = {
    "KnowledgeBase": "archkb.api", "load": "archkb.api",
    "ArchkbError": "archkb.core.errors", "Conflict": "archkb.core.errors", "GitError": "archkb.core.errors",
    "InvalidInput": "archkb.core.errors", "NotFound": "archkb.core.errors", "RefusedWrite": "archkb.core.errors",
    "ToolMissing": "archkb.core.errors", "UsageError": "archkb.core.errors",
    "KINDS": "archkb.core.kinds", "Kind": "archkb.core.kinds",
    "Position": "archkb.core.problems", "Problem": "archkb.core.problems", "Severity": "archkb.core.problems",
    "Checklist": "archkb.models", "Decision": "archkb.models", "Pattern": "archkb.models",
    "Principle": "archkb.models", "Record": "archkb.models", "Review": "archkb.models",
    "Assembly": "archkb.reviews.review", "Item": "archkb.reviews.review", "Score": "archkb.reviews.review",
    "CheckResult": "archkb.rules",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'archkb' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "KINDS",
    "ArchkbError",
    "Assembly",
    "CheckResult",
    "Checklist",
    "Conflict",
    "Decision",
    "GitError",
    "InvalidInput",
    "Item",
    "Kind",
    "KnowledgeBase",
    "NotFound",
    "Pattern",
    "Position",
    "Principle",
    "Problem",
    "Record",
    "RefusedWrite",
    "Review",
    "Score",
    "Severity",
    "ToolMissing",
    "UsageError",
    "__version__",
    "load",
]
