"""Bounded navigation: kind → category → year, with index pages listing the records instead of nav leaves.

Every built page carries the open branch of the navigation, so a nav that lists every record
of a big category costs each of that category's pages as much as the category is large (at
10,000 decisions: ~120 KB of a 128 KB page). Here a branch lists record pages only while it
holds at most `leaf_max` of them; a bigger dated category lists its years instead, each a
generated page with a table of that year's records, and a bigger undated group lists nothing
below its index page (which already lists every record). A page's nav is then bounded by
kinds × categories × years, whatever the number of records.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from archkb.core.catalog import Catalog
from archkb.core.kinds import KINDS
from archkb.site import markdown as md
from archkb.site.pages import pages_of
from archkb.site.sanitize import md_table


def year_uri(kind: str, cid: str | None, year: int) -> str:
    """The generated page listing one year of one category's records."""
    return md.category_uri(kind, cid).removesuffix("index.md") + f"{year}.md"


def year_page(ctx: md.PageContext, kind: str, cid: str | None, year: int, recs: list[Any]) -> str:
    """One year of one category, newest first: the page the navigation points at instead of its records.

    Rendered like the category page (same table, same filter box), so the two read alike.
    """
    uri = year_uri(kind, cid, year)
    title = f"{ctx.category_title(cid)} — {year}"
    head = md.front_matter({"title": md.page_title(f"{md.KIND_TITLE[kind]}: {title}"), "archkb_index": True})
    return (head + f"# {md.md_text(title)}\n\n"
            + f"{len(recs)} {md.KIND_TITLE[kind].lower()} of [{md.md_text(ctx.category_title(cid))}]"
            + f"({md.rel(uri, md.category_uri(kind, cid))}) dated {year}, newest first.\n\n"
            + md.filter_box() + md_table(md.DECISION_HEADERS, md._decision_rows(ctx, uri, md.newest_first(recs))))


def bounded_nav(ctx: md.PageContext, catalog: Catalog, groups: dict[str, dict[Any, list[Any]]],
                leaf_max: int) -> tuple[list[Any], list[tuple[str, str]]]:
    """The generated sections' navigation, and the year pages it points at as (uri, Markdown).

    One tab per kind, in kind order; by category where the kind says so; a record page is a
    nav leaf only in a branch of at most `leaf_max` records.
    """
    order = {c: i for i, c in enumerate(catalog.config.category_ids)}

    def cat_key(cid: Any) -> tuple[int, str]:
        return (order.get(cid, len(order)), cid or "")

    nav: list[Any] = []
    pages: list[tuple[str, str]] = []
    for k in KINDS.values():
        recs_all = catalog.records(k.name)
        if not recs_all and not k.by_category:
            continue
        section: list[Any] = [f"{k.site_folder}/index.md", *({title: uri} for uri, title, _ in pages_of(k.name).extra)]
        if k.name not in groups and len(recs_all) <= leaf_max:
            section.extend(ctx.uri(r.id) for r in recs_all)
        for cid in sorted(groups.get(k.name, {}), key=cat_key):
            recs = sorted(groups[k.name][cid], key=lambda r: r.id)
            children: list[Any] = [md.category_uri(k.name, cid)]
            if len(recs) <= leaf_max:
                children.extend(ctx.uri(r.id) for r in recs)
            elif all(getattr(r, "date", None) is not None for r in recs):
                years: dict[int, list[Any]] = defaultdict(list)
                for r in recs:
                    years[r.date.year].append(r)
                for y in sorted(years, reverse=True):
                    uri = year_uri(k.name, cid, y)
                    children.append({str(y): uri})
                    pages.append((uri, year_page(ctx, k.name, cid, y, years[y])))
            section.append({md.page_title(ctx.category_title(cid)): children})
        nav.append({k.title: section})
    nav.append({"Tags": "tags.md"})
    if catalog.config.responsibilities:
        nav.append({"Coverage": "coverage.md"})
    return nav, pages
