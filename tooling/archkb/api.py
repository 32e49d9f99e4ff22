"""The typed public API: `archkb.load(root)` gives a `KnowledgeBase` to query, check and review from Python.

Everything here is a thin, stable face over the library (catalog, graph, rules, reviews);
the CLI, the MCP server and other tools can be written against it alone.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass

import networkx as nx

from archkb.core.catalog import Catalog, Entry, load_catalog
from archkb.core.config import KbConfig
from archkb.core.errors import NotFound, UsageError
from archkb.core.graph import build_graph, impact, supersession_chain
from archkb.core.kinds import KINDS
from archkb.core.problems import Problem
from archkb.models import Record, Review
from archkb.reviews.review import Assembly, Score, assemble, score
from archkb.rules import CheckResult, check_catalog


@dataclass
class KnowledgeBase:
    """One loaded knowledge base: its records, their graph, and the operations on them."""

    root: str
    catalog: Catalog

    @property
    def config(self) -> KbConfig:
        """The KB's `archkb.yaml` settings (defaults when absent)."""
        return self.catalog.config

    @property
    def load_problems(self) -> list[Problem]:
        """Problems met while reading and validating files (the records that failed are not in `records()`)."""
        return self.catalog.all_problems()

    def records(self, kind: str | None = None) -> list[Record]:
        """Valid records, sorted by id; only those of `kind` when given (an unknown kind is a `UsageError`)."""
        if kind is not None and kind not in KINDS:
            raise UsageError(f"unknown record kind {kind!r} (known: {', '.join(KINDS)})")
        return list(self.catalog.records(kind))

    def get(self, rid: str) -> Record | None:
        """The record with id `rid`, or None."""
        found: Record | None = self.catalog.get(rid)
        return found

    def entry(self, rid: str) -> Entry:
        """The file entry of `rid` (kind, path, record); `NotFound` when there is none."""
        entry = self.catalog.entry(rid)
        if entry is None:
            raise NotFound(f"no record {rid!r}")
        return entry

    @functools.cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The typed link graph: nodes are record ids (kind, status, title), edges typed, inverses derived."""
        return build_graph(self.catalog)

    def check(self, today: dt.date | None = None) -> CheckResult:
        """Every problem of the KB (loading, schema and cross-record rules) as of `today`, in `.problems`."""
        return check_catalog(self.catalog, today=today)

    def impact(self, rid: str, max_depth: int | None = None) -> dict[str, int]:
        """Records a change to `rid` may affect, with their distance, nearest first."""
        self.entry(rid)
        return impact(self.graph, rid, max_depth)

    def supersession_chain(self, rid: str) -> list[str]:
        """`rid`'s supersession history, oldest first, ending with the record now in force."""
        self.entry(rid)
        return supersession_chain(self.graph, rid)

    def review_checklist(self, review_id: str) -> Assembly:
        """The checklist assembled for a review from its profile, patterns and decisions."""
        return assemble(self._review(review_id), self.catalog)

    def review_score(self, review_id: str, milestone: str | None = None) -> Score:
        """The score of a review at a milestone (default: the latest): counts, risks, improvement plan."""
        review = self._review(review_id)
        names = [m.name for m in review.milestones]
        if milestone is not None and milestone not in names:
            raise NotFound(f"review {review_id} has no milestone {milestone!r} (it has: {', '.join(names) or 'none'})")
        return score(review, self.catalog, milestone)

    def _review(self, review_id: str) -> Review:
        entry = self.entry(review_id)
        if not isinstance(entry.record, Review):
            raise UsageError(f"{review_id} is a {entry.kind.name}, not a review")
        return entry.record


def load(root: str = ".", *, use_cache: bool = True) -> KnowledgeBase:
    """Load the knowledge base at `root`; bad records become problems, never exceptions (`NotFound` for no folder)."""
    if not os.path.isdir(root):
        raise NotFound(f"no such folder: {root}")
    return KnowledgeBase(os.path.abspath(root), load_catalog(root, use_cache=use_cache))


__all__ = ["KnowledgeBase", "load"]
