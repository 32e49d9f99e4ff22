"""The static registry of every check rule and the one function that runs them over a catalog.

Core rules live in `rules.core`; the review and crosswalk rules live beside the engines they
check (`reviews.review`, `reviews.frameworks`) and are imported here statically, so a broken
rule module makes `archkb check` fail instead of silently checking less.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import networkx as nx

from archkb.core.catalog import Catalog
from archkb.core.graph import build_graph, stated_links
from archkb.core.problems import Problem, sort_problems
from archkb.reviews.frameworks import crosswalk_rules
from archkb.reviews.review import review_rules
from archkb.rules.core import RULES, Rule, RuleContext
from archkb.rules.coverage import coverage_rules


def rule_sets() -> list[Rule]:
    """Every rule `archkb check` runs, in order: core, reviews, crosswalks, duty coverage."""
    return [*RULES, *review_rules, *crosswalk_rules, *coverage_rules]


@dataclass
class CheckResult:
    """The outcome of checking a knowledge base."""

    catalog: Catalog
    graph: nx.MultiDiGraph
    problems: list[Problem]

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.is_error)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if not p.is_error)


def check_catalog(catalog: Catalog, today: dt.date | None = None) -> CheckResult:
    """Every problem of the catalog: loading, schema and cross-record rules, sorted."""
    links = stated_links(catalog)
    graph = build_graph(catalog, links)
    ctx = RuleContext(catalog, graph, links, today or dt.date.today())
    problems = catalog.all_problems()
    for rule in rule_sets():
        problems.extend(rule(ctx))
    return CheckResult(catalog, graph, sort_problems(problems))




__all__ = ["CheckResult", "Rule", "RuleContext", "check_catalog", "rule_sets"]
