"""Plan the published site: a checked catalog in, the generated pages, their diagrams and the navigation out.

Both front ends use this one plan: the MkDocs plugin hands the pages to MkDocs in memory,
and `archkb export-site` writes them into a plain MkDocs project, so any MkDocs-compatible
engine builds the same site without the plugin. Nothing here reads MkDocs' objects.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from archkb.core import portal
from archkb.core.errors import ArchkbError
from archkb.core.kinds import KINDS
from archkb.rules import CheckResult
from archkb.site import markdown as md
from archkb.site.dot import legend_dot, pattern_component_dot, record_graph_dot
from archkb.site.history import git_history
from archkb.site.home import home_summary
from archkb.site.navigation import bounded_nav
from archkb.site.pages import PageParts, pages_of
from archkb.site.reflinks import record_links
from archkb.site.sanitize import md_text
from archkb.site.svg import LEGIBLE_SCALE, RenderStats, render_many, svg_size

DIAGRAM_MODES = ("svg", "dot", "off")
KIND_ORDER = {k.name: k.order for k in KINDS.values()}


@dataclass(frozen=True)
class GeneratedPage:
    """One page to publish: its docs-relative path, its Markdown, and the YAML file it comes from."""

    uri: str
    content: str
    source: str | None = None


@dataclass
class SiteOptions:
    """How to plan the site; the defaults suit a repository like this one."""

    use_directory_urls: bool = True
    diagrams: str = "svg"
    cache_dir: str | None = None
    workers: int | None = None
    edit_base: str | None = None
    """`repo_url` joined with `edit_uri`: edit links of record pages open their YAML there."""
    docs_to_root: str = ".."
    """The KB root as seen from the docs folder (edit links are relative to the docs folder)."""
    root_to_docs: str = "docs"
    """The docs folder as seen from the KB root (record text linking to files there links to their published copy)."""
    neighbourhood_depth: int = 1
    """Hops drawn around a record: 1 draws its direct links only (legible); 2 adds their links while small."""
    neighbourhood_max: int = 25
    """With depth 2, two hops are drawn while that stays within this many records, else one."""
    neighbourhood_cap: int = 30
    """Never more records than this in one neighbourhood diagram (hubs are cut, with a note)."""
    diagram_width: int = 860
    """The content column's width in CSS px at a 1,400 px window (the theme widens the grid): a diagram wider
    than this at 3/4 of its natural size (where its smallest label is 9 px) is also laid out top-to-bottom,
    and the narrower drawing is kept."""
    overview_dot_max: int = 60
    """Category overviews with more records than this are drawn with `sfdp` in compact form."""
    overview_max: int = 400
    """Category overviews with more records than this are not drawn: nobody reads a drawing of 1,000 boxes,
    and `sfdp` takes minutes over one (most of a cold 10,000-record build); the category page lists them."""
    today: dt.date | None = None
    """The check date for the home page's "needs attention" (None: the real today)."""
    git_root: str | None = None
    """Read each record's status history and authors from `git log` here (once per build; none when unset or
    when the folder is not a git repository)."""
    year_split: int = 20
    """A nav branch lists its record pages only up to this many; a bigger category lists its years (year pages
    listing the records) or nothing below its index page, so every page's navigation stays small."""


@dataclass
class SitePlan:
    """The generated pages, the navigation of the generated sections, and how the diagrams were drawn."""

    pages: list[GeneratedPage]
    nav: list[Any]
    stats: RenderStats
    context: md.PageContext = field(repr=False)
    assets: list[GeneratedPage] = field(default_factory=list)
    """Static files to publish beside the pages (the diagrams' SVG files)."""
    unpublished_links: list[tuple[str, str]] = field(default_factory=list)
    """(record file, link) for relative links in record text that point at nothing the site publishes."""

    def page(self, uri: str) -> GeneratedPage:
        return next(p for p in self.pages if p.uri == uri)


def local_graph(g: nx.MultiDiGraph, rid: str, depth: int) -> nx.MultiDiGraph:
    """Records within `depth` hops of `rid` and the stated edges among them (cost grows with the result, not the KB)."""
    seen = {rid}
    frontier = [rid]
    for _ in range(depth):
        nxt = []
        for node in frontier:
            for nb in sorted(set(g.successors(node)) | set(g.predecessors(node))):
                if nb not in seen:
                    seen.add(nb)
                    nxt.append(nb)
        frontier = nxt
    return _induced(g, seen)


def _induced(g: nx.MultiDiGraph, nodes: set[str]) -> nx.MultiDiGraph:
    sub: nx.MultiDiGraph = nx.MultiDiGraph()
    for n in sorted(nodes):
        sub.add_node(n, **g.nodes[n])
    for n in sorted(nodes):
        for u, v, k, d in g.out_edges(n, keys=True, data=True):
            if v in nodes and not d["derived"]:
                sub.add_edge(u, v, key=k, **d)
    return sub


def _star(g: nx.MultiDiGraph, rid: str, nodes: set[str]) -> nx.MultiDiGraph:
    """`rid`, the records in `nodes`, and only the stated edges that touch `rid` (no edges among the others)."""
    sub: nx.MultiDiGraph = nx.MultiDiGraph()
    for n in sorted(nodes | {rid}):
        sub.add_node(n, **g.nodes[n])
    for u, v, k, d in sorted(list(g.out_edges(rid, keys=True, data=True)) + list(g.in_edges(rid, keys=True, data=True)),
                             key=lambda e: (e[0], e[1], str(e[2]))):
        if u in sub and v in sub and not d["derived"] and u != v:
            sub.add_edge(u, v, key=k, **d)
    return sub


def neighbourhood_graph(g: nx.MultiDiGraph, rid: str, options: SiteOptions) -> tuple[nx.MultiDiGraph, int]:
    """The diagram's records around `rid` (direct links only by default), capped; and how many were left out."""
    direct = options.neighbourhood_depth <= 1
    sub = local_graph(g, rid, 1 if direct else 2)
    if not direct and sub.number_of_nodes() > options.neighbourhood_max:
        sub = local_graph(g, rid, 1)
    hidden = 0
    keep = set(sub.nodes)
    if sub.number_of_nodes() > options.neighbourhood_cap:
        others = sorted((n for n in sub.nodes if n != rid), key=lambda n: (KIND_ORDER.get(g.nodes[n]["kind"], 9), n))
        keep = {rid, *others[:options.neighbourhood_cap - 1]}
        hidden = sub.number_of_nodes() - len(keep)
        sub = _induced(g, keep)
    if direct:
        sub = _star(g, rid, keep)
    return sub, hidden


class _Diagrams:
    """Collects every diagram of the site first, so they can be drawn in one parallel, cached pass.

    Each diagram is a static SVG file (`diagrams/...svg`) shown by one page; its node links
    are relative to the file, not to the page. A diagram may come with a second layout (top to
    bottom instead of left to right): it is drawn only when the first is too wide for the
    content column, and the narrower of the two is kept, so labels stay legible at default size.
    """

    def __init__(self, options: SiteOptions, ctx: md.PageContext) -> None:
        self.options = options
        self.ctx = ctx
        self.jobs: list[tuple[str, str]] = []
        self.alternates: dict[int, tuple[str, str]] = {}
        self.slots: dict[str, tuple[int, str, str, str]] = {}
        self.drawn: list[str] = []

    def url_for(self, asset: str) -> Callable[[str], str]:
        return lambda rid: self.ctx.href(asset, self.ctx.uri(rid))

    def add(self, key: str, dot: str, *, asset: str, page: str, label: str, engine: str = "dot",
            alternate: str | None = None) -> None:
        if self.options.diagrams != "off":
            self.slots[key] = (len(self.jobs), asset, page, label)
            if alternate is not None:
                self.alternates[len(self.jobs)] = (alternate, engine)
            self.jobs.append((dot, engine))

    def draw(self, stats: RenderStats) -> None:
        if self.options.diagrams == "svg":
            self.drawn = render_many(self.jobs, cache_dir=self.options.cache_dir, workers=self.options.workers,
                                     stats=stats)
            self._relayout_wide(stats)
        elif self.options.diagrams == "dot":
            # Without Graphviz the DOT text is shown as code, so the page still says what it links.
            self.drawn = [f"<pre><code>{html.escape(dot, quote=False)}</code></pre>" for dot, _ in self.jobs]

    def _relayout_wide(self, stats: RenderStats) -> None:
        """Draw the second layout of every diagram too wide for the column; keep whichever is narrower."""
        budget = self.options.diagram_width / LEGIBLE_SCALE
        wide = sorted(i for i in self.alternates if svg_size(self.drawn[i])[0] > budget)
        if not wide:
            return
        redrawn = render_many([self.alternates[i] for i in wide], cache_dir=self.options.cache_dir,
                              workers=self.options.workers, stats=stats)
        for i, svg in zip(wide, redrawn, strict=True):
            if svg and svg_size(svg)[0] < svg_size(self.drawn[i])[0]:
                self.drawn[i] = svg

    def get(self, key: str) -> str | None:
        """The HTML that shows diagram `key` on its page (None when there is none)."""
        slot = self.slots.get(key)
        if slot is None or not self.drawn:
            return None
        index, asset, page, label = slot
        if self.options.diagrams == "dot":
            return self.drawn[index]
        width, height = svg_size(self.drawn[index])
        return md.svg_object(self.ctx.href(page, asset), label, width, height)

    def assets(self) -> list[GeneratedPage]:
        if self.options.diagrams != "svg":
            return []
        return sorted((GeneratedPage(asset, self.drawn[index]) for index, asset, _, _ in self.slots.values()),
                      key=lambda a: a.uri)


@dataclass
class Reuse:
    """A previous plan's record pages and diagrams to keep for every record not in `fresh` (the preview's
    incremental rebuild: site/preview.py decides what an edit touches)."""

    pages: dict[str, GeneratedPage]
    assets: dict[str, GeneratedPage]
    fresh: set[str]


def _reused(reuse: Reuse | None, entries: list[Any], ctx: md.PageContext) -> tuple[dict[str, GeneratedPage],
                                                                                 list[GeneratedPage]]:
    """Pages and diagrams of records the preview may keep from the previous plan."""
    kept: dict[str, GeneratedPage] = {}
    kept_assets: list[GeneratedPage] = []
    if reuse is None:
        return kept, kept_assets
    for entry in entries:
        rid = entry.record.id
        old = reuse.pages.get(ctx.uri(rid))
        if rid not in reuse.fresh and old is not None and old.source == entry.path:
            kept[rid] = old
            folder = md.KIND_FOLDER[entry.kind.name]
            for suffix in (".svg", ".components.svg"):
                drawn = reuse.assets.get(f"diagrams/{folder}/{portal.id_path(rid)}{suffix}")
                if drawn is not None:
                    kept_assets.append(drawn)
    return kept, kept_assets


def _record_diagrams(diagrams: _Diagrams, g: nx.MultiDiGraph, ctx: md.PageContext, entries: list[Any],
                     kept: dict[str, GeneratedPage], options: SiteOptions) -> dict[str, int]:
    """Queue each record's neighbourhood and component diagrams; returns how many neighbours each leaves out."""
    notes: dict[str, int] = {}
    for entry in entries:
        rid = entry.record.id
        if rid in kept:
            continue
        uri = ctx.uri(rid)
        sub, hidden = neighbourhood_graph(g, rid, options)
        notes[rid] = hidden
        folder = md.KIND_FOLDER[entry.kind.name]
        if sub.number_of_nodes() > 1:
            asset = f"diagrams/{folder}/{portal.id_path(rid)}.svg"
            url_for = diagrams.url_for(asset)
            diagrams.add(f"n:{rid}", record_graph_dot(sub, name="neighbourhood", focus=rid, url_for=url_for),
                         asset=asset, page=uri, label=f"Records linked to {rid}",
                         alternate=record_graph_dot(sub, name="neighbourhood", focus=rid, url_for=url_for,
                                                    rankdir="TB"))
        if entry.kind.name == "pattern" and entry.record.components:
            diagrams.add(f"c:{rid}", pattern_component_dot(entry.record),
                         asset=f"diagrams/{folder}/{portal.id_path(rid)}.components.svg",
                         page=uri, label=f"Components of {rid}",
                         alternate=pattern_component_dot(entry.record, rankdir="TB"))
    return notes


def _overview_diagrams(diagrams: _Diagrams, g: nx.MultiDiGraph, groups: dict[str, dict[Any, list[Any]]],
                       options: SiteOptions) -> None:
    """Queue one overview per category: the category's own records and the links among them."""
    for kind, by_cat in groups.items():
        for cid, recs in by_cat.items():
            # (Adding the patterns they link to in other categories made 20-30-box hairballs with labels of
            # 2-5 px; each record page shows those.)
            nodes = {r.id for r in recs}
            if len(nodes) > options.overview_max:
                continue
            sub = _induced(g, nodes)
            if sub.number_of_edges() == 0 and len(nodes) < 2:
                continue
            asset = f"diagrams/{md.KIND_FOLDER[kind]}/category-{cid or 'uncategorised'}.svg"
            big = sub.number_of_nodes() > options.overview_dot_max
            dot = record_graph_dot(sub, name="overview", url_for=diagrams.url_for(asset),
                                   compact=big,
                                   graph_attrs={"overlap": "prism", "splines": "false", "outputorder": "edgesfirst"}
                                   if big else None)
            diagrams.add(f"o:{kind}:{cid}", dot, asset=asset, page=md.category_uri(kind, cid), label="Overview",
                         engine="sfdp" if big else "dot",
                         alternate=None if big else record_graph_dot(sub, name="overview", rankdir="TB",
                                                                     url_for=diagrams.url_for(asset)))


def _record_pages(ctx: md.PageContext, entries: list[Any], kept: dict[str, GeneratedPage], diagrams: _Diagrams,
                  notes: dict[str, int], options: SiteOptions) -> tuple[list[GeneratedPage], list[tuple[str, str]]]:
    """Every record page (kept ones included) and the relative links that could not be published."""
    catalog = ctx.catalog
    pages: list[GeneratedPage] = list(kept.values())
    unpublished: list[tuple[str, str]] = []
    record_files = {e.path.replace("\\", "/"): e.record.id for e in entries}
    for entry in entries:
        rec, rid, kind = entry.record, entry.record.id, entry.kind.name
        if rid in kept:
            continue
        hood = diagrams.get(f"n:{rid}")
        if hood and notes[rid]:
            hood = hood.rstrip() + f'\n<p class="archkb-note">{notes[rid]} more linked records are not drawn.</p>'
        parts = PageParts(hood, diagrams.get(f"c:{rid}"), catalog, _md_link_for(ctx, ctx.uri(rid)))
        with record_links(ctx, ctx.uri(rid), entry.path, options.root_to_docs, record_files) as broken:
            text = md.link_ids(ctx, ctx.uri(rid), pages_of(kind).record(ctx, rec, entry.path, parts), rid)
            pages.append(GeneratedPage(ctx.uri(rid), text, entry.path))
        unpublished.extend((entry.path, url) for url in broken)
    return pages, unpublished


def _index_pages(ctx: md.PageContext, groups: dict[str, dict[Any, list[Any]]], diagrams: _Diagrams) -> list[GeneratedPage]:
    """Each kind's index and extra pages, category pages, tags and coverage."""
    catalog = ctx.catalog
    pages: list[GeneratedPage] = []
    for k in KINDS.values():
        if not catalog.records(k.name) and not k.by_category:
            continue
        renderers = pages_of(k.name)
        pages.append(GeneratedPage(f"{k.site_folder}/index.md", renderers.index(ctx, diagrams.get("legend"))))
        pages.extend(GeneratedPage(uri, fn(ctx)) for uri, _, fn in renderers.extra)
        for cid, recs in groups.get(k.name, {}).items():
            pages.append(GeneratedPage(md.category_uri(k.name, cid),
                                       md.category_page(ctx, k.name, cid, recs, diagrams.get(f"o:{k.name}:{cid}"))))
    pages.append(GeneratedPage("tags.md", md.tags_page(ctx)))
    if catalog.config.responsibilities:
        pages.append(GeneratedPage("coverage.md", md.coverage_page(ctx)))
    return pages


def plan_site(result: CheckResult, options: SiteOptions | None = None, *, reuse: Reuse | None = None) -> SitePlan:
    """Every generated page of a checked knowledge base, with diagrams drawn and the navigation laid out."""
    options = options or SiteOptions()
    if options.diagrams not in DIAGRAM_MODES:
        raise ArchkbError(f"diagrams must be one of {', '.join(DIAGRAM_MODES)}, not {options.diagrams!r}")
    catalog, g = result.catalog, result.graph
    ctx = md.PageContext(catalog, g, options.use_directory_urls, options.edit_base, options.docs_to_root,
                         today=options.today, history=git_history(options.git_root) if options.git_root else {})
    entries = sorted(catalog.by_id.values(), key=lambda e: (KIND_ORDER[e.kind.name], e.record.id))
    for entry in entries:
        ctx.uri(entry.record.id)
    diagrams = _Diagrams(options, ctx)
    kept, kept_assets = _reused(reuse, entries, ctx)
    notes = _record_diagrams(diagrams, g, ctx, entries, kept, options)
    groups = {k.name: _by_category(catalog.records(k.name)) for k in KINDS.values() if k.by_category}
    _overview_diagrams(diagrams, g, groups, options)
    if catalog.records("pattern"):
        diagrams.add("legend", legend_dot(), asset="diagrams/patterns/legend.svg", page="patterns/index.md",
                     label="Legend")
    stats = RenderStats()
    diagrams.draw(stats)
    pages, unpublished = _record_pages(ctx, entries, kept, diagrams, notes, options)
    pages.extend(_index_pages(ctx, groups, diagrams))
    nav, year_pages = bounded_nav(ctx, catalog, groups, options.year_split)
    pages.extend(GeneratedPage(uri, text) for uri, text in year_pages)
    pages.sort(key=lambda p: p.uri)
    _refuse_collisions(pages, options.use_directory_urls)
    # Record ids are checked against their pattern, so asset paths cannot escape diagrams/.
    assets = sorted([*diagrams.assets(), *kept_assets], key=lambda a: a.uri)
    return SitePlan(pages, nav, stats, ctx, assets, unpublished)


def _md_link_for(ctx: md.PageContext, page_uri: str) -> Callable[[str], str]:
    """Markdown link targets from one page to record pages ("" for ids that are not records: no link)."""
    return lambda rid: md.rel(page_uri, ctx.uri(rid)) if rid in ctx.graph else ""


def _by_category(recs: list[Any]) -> dict[Any, list[Any]]:
    groups: dict[Any, list[Any]] = defaultdict(list)
    for r in recs:
        groups[r.category].append(r)
    return dict(groups)


def _refuse_collisions(pages: list[GeneratedPage], use_directory_urls: bool) -> None:
    seen: dict[str, str] = {}
    for page in pages:
        url = md.page_url(page.uri, use_directory_urls)
        if url in seen:
            raise ArchkbError(f"two generated pages would be published at '{url}': {seen[url]} and {page.uri} "
                          "(rename the record whose id clashes with an index page)")
        seen[url] = page.uri


def _nav_title(text: str) -> str:
    """Section titles are printed unescaped by themes: escape them like page titles."""
    return md.page_title(text)


def full_nav(plan: SitePlan, handwritten: list[str], *, title: str = "Home",
             about: tuple[str, ...] = (), about_title: str = "About archkb") -> list[Any]:
    """The whole navigation: home, the generated sections, the hand-written pages by folder ("Guide"),
    then the pages matched by `about` (the tool's own documentation) in a section of their own.

    `about` holds docs-relative paths; one ending in `/` takes the whole folder. Readers of the
    knowledge base then meet only its records and guides under "Guide", not how archkb is built.
    """
    nav: list[Any] = [{title: "index.md"}, *plan.nav]
    generated = {p.uri for p in plan.pages}
    trees: dict[str, dict[str, Any]] = {"guide": {}, "about": {}}
    for uri in sorted(handwritten):
        if uri == "index.md" or uri in generated or not uri.endswith(".md"):
            continue
        is_about = any(uri == a or (a.endswith("/") and uri.startswith(a)) for a in about)
        parts = uri.split("/")
        node = trees["about" if is_about else "guide"]
        for folder in parts[:-1]:
            node = node.setdefault(f"{folder}/", {})
        node[parts[-1]] = uri
    for section, name in (("Guide", "guide"), (about_title, "about")):
        entries = _tree_nav(trees[name])
        if entries:
            nav.append({section: entries})
    return nav


def _tree_nav(tree: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    files = sorted(k for k in tree if not k.endswith("/"))
    index = [tree[k] for k in files if k == "index.md"]
    out.extend(index)
    out.extend(tree[k] for k in files if k != "index.md")
    for folder in sorted(k for k in tree if k.endswith("/")):
        title = folder.rstrip("/").replace("-", " ").replace("_", " ").capitalize()
        out.append({title: _tree_nav(tree[folder])})
    return out


def home_page(plan: SitePlan, title: str) -> GeneratedPage:
    """A home page for knowledge bases without a hand-written `docs/index.md`."""
    text = (md.front_matter({"title": md.page_title(title), "archkb_index": True}) + f"# {md_text(title)}\n\n"
            + home_summary(plan.context, "index.md"))
    return GeneratedPage("index.md", text)


__all__ = ["DIAGRAM_MODES", "GeneratedPage", "SiteOptions", "SitePlan", "full_nav", "home_page",
           "neighbourhood_graph", "plan_site"]
