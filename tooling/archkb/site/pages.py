"""Which page renderers draw each record kind: one entry per kind, checked complete at import.

`plan.py` asks this table for a kind's record page, its section index and any extra index
pages; a kind without an entry stops the import with an error rather than being drawn as
some other kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archkb.core.catalog import Catalog
from archkb.core.kinds import KINDS
from archkb.site import markdown as md
from archkb.site import review_md, risk_register

LinkFor = Callable[[str], str]


@dataclass(frozen=True)
class PageParts:
    """What the planner has drawn or computed for one record page."""

    neighbourhood: str | None = None
    components: str | None = None
    catalog: Catalog | None = None
    link_for: LinkFor | None = None
    """Markdown link targets from this page to record pages ("" for ids that are not records)."""


RecordPage = Callable[[md.PageContext, Any, str, PageParts], str]


@dataclass(frozen=True)
class KindPages:
    """The renderers of one kind: its record page, its section index, and extra index pages (uri, nav title, renderer)."""

    record: RecordPage
    index: Callable[[md.PageContext, str | None], str]
    extra: tuple[tuple[str, str, Callable[[md.PageContext], str]], ...] = field(default_factory=tuple)


def _checklist(ctx: md.PageContext, rec: Any, source: str, parts: PageParts) -> str:
    usage = review_md.checklist_usage(rec.id, parts.catalog, parts.link_for) if parts.catalog and parts.link_for \
        else None
    return md.checklist_page(ctx, rec, source, parts.neighbourhood, usage)


def _review(ctx: md.PageContext, rec: Any, source: str, parts: PageParts) -> str:
    page = ctx.uri(rec.id)

    def href_for(rid: str) -> str | None:  # raw HTML is not rewritten by MkDocs: give published URLs
        return ctx.href(page, ctx.uri(rid)) if rid in ctx.graph else None
    details = review_md.board(rec, parts.catalog, href_for) if parts.catalog else None
    return md.review_page(ctx, rec, source, parts.neighbourhood, details)


PAGES: dict[str, KindPages] = {
    "decision": KindPages(
        lambda ctx, rec, source, parts: md.decision_page(ctx, rec, source, parts.neighbourhood),
        lambda ctx, legend: md.decision_log(ctx),
        (("decisions/status.md", "By status", md.decisions_by_status),
         ("decisions/timeline.md", "Timeline", md.decisions_timeline)),
    ),
    "pattern": KindPages(
        lambda ctx, rec, source, parts: md.pattern_page(ctx, rec, source, parts.components, parts.neighbourhood),
        md.pattern_catalog,
    ),
    "principle": KindPages(
        lambda ctx, rec, source, parts: md.principle_page(ctx, rec, source, parts.neighbourhood),
        lambda ctx, legend: md.principle_index(ctx),
    ),
    "checklist": KindPages(_checklist, lambda ctx, legend: md.checklist_index(ctx)),
    "review": KindPages(_review, lambda ctx, legend: md.review_index(ctx),
                        (("reviews/risks.md", "Risk register", risk_register.risk_register),)),
}

if set(PAGES) != set(KINDS):
    raise RuntimeError(f"site pages and record kinds disagree: pages for {sorted(PAGES)}, kinds {sorted(KINDS)}")


def pages_of(kind: str) -> KindPages:
    """The renderers of `kind` (every declared kind has them; see the import-time check above)."""
    return PAGES[kind]


__all__ = ["PAGES", "KindPages", "PageParts", "pages_of"]
