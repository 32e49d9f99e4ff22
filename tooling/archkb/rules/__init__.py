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
from archkb.core.problems import Position, Problem, error, sort_problems
from archkb.reviews.frameworks import crosswalk_rules
from archkb.reviews.review import review_rules
from archkb.rules.core import RULES, Rule, RuleContext
from archkb.rules.coverage import coverage_rules
from archkb.rules.textlinks import text_link_rules


def rule_sets() -> list[Rule]:
    """Every rule `archkb check` runs, in order: core, links in record text, reviews, crosswalks, duty coverage."""
    return [*RULES, *text_link_rules, *review_rules, *crosswalk_rules, *coverage_rules]


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
        try:
            problems.extend(rule(ctx))
        except Exception as exc:  # a rule that crashes on some input must not stop the others
            problems.append(_crashed(rule, exc, catalog))
    return CheckResult(catalog, graph, sort_problems(problems))


def _crashed(rule: Rule, exc: Exception, catalog: Catalog) -> Problem:
    """E025 at the record the rule was looking at when it crashed (found in the traceback), else at archkb.yaml.

    A hostile or unusual record must never turn `archkb check` or `mkdocs serve` into a
    traceback; the other rules still run, and the check still fails (it is an error).
    """
    where = Position("archkb.yaml", 1, 1)
    tb = exc.__traceback__
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        found = _record_path(frame.f_locals, catalog)
        if found:
            where = Position(found, 1, 1)
            break
    name = getattr(rule, "__name__", type(rule).__name__)
    return error("E025", f"check {name} crashed on this input ({type(exc).__name__}: {str(exc)[:200]}); "
                 "the other checks ran", where, hint="this is a bug in archkb: please report it with the file")


def _record_path(local_vars: dict[str, object], catalog: Catalog) -> str | None:
    for value in local_vars.values():
        path = getattr(value, "path", None)
        if isinstance(path, str) and getattr(value, "kind", None) is not None and getattr(value, "abspath", None):
            return path  # an Entry
        rid = getattr(value, "id", None)
        if isinstance(rid, str) and hasattr(value, "model_fields"):
            entry = catalog.entry(rid)
            if entry is not None:
                return entry.path
    return None




__all__ = ["CheckResult", "Rule", "RuleContext", "check_catalog", "rule_sets"]
