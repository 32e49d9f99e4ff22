"""Run the whole check of a knowledge base, reusing the last outcome when no input changed.

The key covers every record file's path and content, the configuration, the tool's own
code and today's date (date-dependent warnings), and the files record text links to are
re-tested on a hit (W010), so a hit is exactly what a fresh run would report; per-file validation results are cached separately by `catalog`.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archkb.core.cache import problems_from_rows, problems_to_rows, read_cached, write_cached
from archkb.core.portal import source_roots
from archkb.core.problems import Problem
from archkb.core.snapshot import snapshot

if TYPE_CHECKING:
    from archkb.rules import CheckResult

_RESULT_FILE = "check"


@dataclass
class CheckOutcome:
    """Problems of a KB, how many record files were read, and the full result when it was computed."""

    problems: list[Problem]
    files: int
    from_cache: bool
    result: CheckResult | None = None


def _probes_hold(root: str, probes: dict[str, bool]) -> bool:
    """Whether every file linked from record text still exists (or is still missing) as when the result was cached."""
    return all(os.path.exists(os.path.join(root, *rel.split("/"))) == existed for rel, existed in probes.items())


def check_kb(root: str, *, today: dt.date, use_cache: bool = True, need_result: bool = False) -> CheckOutcome:
    """Check the KB at `root` as of `today`; `need_result` forces the catalog and graph to be built."""
    snap = snapshot(root)
    # A portal's outcome depends on its sources' files too.
    key = snap.key(today.isoformat(), *(snapshot(src).key().hex() for src in source_roots(snap.root)))
    if use_cache and not need_result:
        cached = read_cached(snap.root, _RESULT_FILE, key)
        if isinstance(cached, list) and len(cached) == 2 and isinstance(cached[1], dict):
            problems = problems_from_rows(cached[0])
            if problems is not None and _probes_hold(snap.root, cached[1]):
                return CheckOutcome(problems, len(snap.files), True)
    # Imported here: a cache hit needs neither pydantic nor networkx.
    from archkb.core.catalog import load_catalog
    from archkb.rules import check_catalog

    result = check_catalog(load_catalog(root, use_cache=use_cache, snap=snap, parallel=True), today=today)
    if use_cache:
        from archkb.rules.textlinks import link_probes

        write_cached(snap.root, _RESULT_FILE, key, [problems_to_rows(result.problems), link_probes(result.catalog)])
    return CheckOutcome(result.problems, len(snap.files), False, result)
