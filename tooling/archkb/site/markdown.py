"""The Markdown text of every generated page: record pages, index pages and the home summary.

Pure text building: diagrams arrive already drawn (as inline SVG blocks) and nothing is
read or written here. Every string from a record goes through `render/sanitize.py` on its
way into the page: plain strings as inert Markdown text, Markdown fields as allowlisted
HTML blocks, so no record can add markup to the site.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin

import markdown
import networkx as nx
import yaml

from archkb.core import portal
from archkb.core.catalog import Catalog
from archkb.core.kinds import KINDS
from archkb.core.problems import escape_controls
from archkb.site.sanitize import attr_text, block_markdown, code_text, inline_markdown, link_target, md_table, md_text

KIND_FOLDER = {k.name: k.site_folder for k in KINDS.values()}
KIND_TITLE = {k.name: k.title for k in KINDS.values()}
KIND_TITLE_ONE = {"decision": "Decision", "pattern": "Pattern", "principle": "Principle", "checklist": "Checklist",
                  "review": "Review"}
DECISION_STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded")
PATTERN_STATUSES = ("approved", "draft", "deprecated")
# How a stated link reads from the record that is linked to ("referenced by").
BACKLINK_VERB = {
    "supersedes": "supersedes this", "amends": "amends this", "depends_on": "depends on this",
    "relates_to": "relates to this", "applies": "applies this pattern", "requires": "requires this",
    "complements": "complements this", "alternative_to": "is an alternative to this",
    "specializes": "specializes this", "uses": "uses this pattern", "adopts": "adopts this decision",
    "covers": "is reviewed against this", "mitigated_by": "names this as a mitigation",
}
HOME_MARKER = "<!-- archkb:home -->"


@dataclass
class PageContext:
    """What page text needs besides the record: the catalog, the graph and where every page lives."""

    catalog: Catalog
    graph: nx.MultiDiGraph
    use_directory_urls: bool = True
    edit_base: str | None = None
    docs_to_root: str = ".."
    today: dt.date | None = None
    """The check date (the home page's "needs attention"); None means the real today."""
    history: dict[str, Any] = field(default_factory=dict)
    """Per record file (KB-relative path): its status history and authors from git (site/history.py); may be empty."""
    uris: dict[str, str] = field(default_factory=dict)
    _hrefs: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def uri(self, rid: str) -> str:
        """The docs-relative Markdown path of a record's page."""
        found = self.uris.get(rid)
        if found is None:
            kind = self.catalog.kind_of(rid) or "decision"
            found = self.uris[rid] = f"{KIND_FOLDER[kind]}/{portal.id_path(rid)}.md"
        return found

    def link(self, from_uri: str, rid: str, text: str | None = None) -> str:
        """A Markdown link from one page to a record's page, titled with its id and title."""
        if rid not in self.graph:
            return md_text(rid)
        label = text if text is not None else f"{rid}: {self.graph.nodes[rid]['title']}"
        return f"[{md_text(label)}]({rel(from_uri, self.uri(rid))})"

    def url(self, uri: str) -> str:
        """The site-relative URL a page's Markdown path is published at."""
        return page_url(uri, self.use_directory_urls)

    def published(self, uri: str) -> str:
        """Where a page (`.md`) or a static file (anything else) is published, relative to the site root."""
        return self.url(uri) if uri.endswith(".md") else uri

    def href(self, from_uri: str, to_uri: str) -> str:
        """A URL from one published page or file to another (for raw HTML and SVG, which MkDocs does not rewrite)."""
        base = self.published(from_uri)
        base_dir = base.rstrip("/") if base.endswith("/") or not base else posixpath.dirname(base)
        target = self.published(to_uri)
        key = (base_dir, target)
        out = self._hrefs.get(key)
        if out is None:
            out = posixpath.relpath(target or ".", base_dir or ".")
            if (target.endswith("/") or not target) and not out.endswith("/"):
                out += "/"
            self._hrefs[key] = out
        return out

    def edit_url(self, source: str) -> str | None:
        """Where the "edit" button of a record page points: its YAML file in the repository."""
        if self.catalog.sources:
            # A portal: a source's record is edited in its own repository.
            found = portal.edit_url(self.catalog, source)
            if found is not None or any(source.startswith(s.prefix + "/") for s in self.catalog.sources.values()):
                return found
        if not self.edit_base:
            return None
        path = posixpath.normpath(posixpath.join(self.docs_to_root, source))
        return urljoin(self.edit_base, quote(path.encode("utf-8", "surrogateescape"), safe="/-._~"))

    def category_title(self, cid: str | None) -> str:
        return self.catalog.config.category_title(cid) if cid else "Uncategorised"


def rel(from_uri: str, to_uri: str) -> str:
    """A relative Markdown link between two docs-relative paths."""
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


def page_url(uri: str, use_directory_urls: bool = True) -> str:
    """MkDocs' published URL of a Markdown page (`decisions/ADR-0001.md` -> `decisions/ADR-0001/`)."""
    stem = uri[:-3]
    if posixpath.basename(stem) in ("index", "README"):
        parent = posixpath.dirname(stem)
        return f"{parent}/" if parent else ""
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


def front_matter(meta: dict[str, Any]) -> str:
    """YAML front matter, sorted, so the same record always gives the same bytes."""
    # libyaml's emitter: the pure-Python one cost seconds over a thousand pages.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return "---\n" + yaml.dump(meta, Dumper=dumper, sort_keys=True, allow_unicode=True, width=1000) + "---\n\n"


def page_title(text: str) -> str:
    """A title for front matter: themes print it unescaped into `<title>` and the nav, so it is escaped here."""
    return " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
        .replace('"', "&quot;").replace("'", "&#39;")


def _bullets(items: Iterable[str]) -> str:
    lines = [f"- {inline_markdown(i)}" for i in items]
    return "\n".join(lines) + "\n\n" if lines else ""


def _section(title: str, body: str, level: int = 2) -> str:
    return f"{'#' * level} {title}\n\n{body}" if body.strip() else ""


_MD_HREF = re.compile(r'href="([^":#?]+\.md)(#[^"]*)?"')


def _props(ctx: PageContext, uri: str, rows: list[list[str]], headers: tuple[str, str] = ("Property", "Value")) -> str:
    """A record's property table as an HTML block marked `data-search-exclude`.

    Search previews then show the page's lead, not "Property Value Status accepted ...". The
    cells are the same Markdown as elsewhere (built from sanitised pieces), rendered here, with
    links to pages rewritten to their published URLs (MkDocs does not rewrite raw HTML).
    """
    def cell(text: str) -> str:
        rendered = _cell_markdown().reset().convert(text).strip()
        if rendered.startswith("<p>") and rendered.endswith("</p>"):
            rendered = rendered[3:-4]
        return _MD_HREF.sub(lambda m: f'href="{ctx.href(uri, posixpath.normpath(posixpath.join(posixpath.dirname(uri), m.group(1))))}'
                            f'{m.group(2) or ""}"', rendered).replace("\n", " ")

    body = "".join(f"<tr><td>{cell(k)}</td><td>{cell(v)}</td></tr>" for k, v in rows)
    return (f'<table data-search-exclude><thead><tr><th>{headers[0]}</th><th>{headers[1]}</th></tr></thead>'
            f"<tbody>{body}</tbody></table>\n\n")


@functools.lru_cache(maxsize=1)
def _cell_markdown() -> markdown.Markdown:
    return markdown.Markdown()


def _tags(tags: Iterable[str], from_uri: str | None = None) -> str:
    """Tags as links to their section of the tags page (as code when the page is not known)."""
    if from_uri is None:
        return ", ".join(f"`{t}`" for t in sorted(tags))
    target = rel(from_uri, "tags.md")
    return ", ".join(f"[{md_text(t)}]({target}#tag:{tag_anchor(t)})" for t in sorted(tags))


def tag_anchor(tag: str) -> str:
    """The id of a tag's section on the tags page (the tags plugin slugifies like the table of contents)."""
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", tag.strip().lower()))


CHIP_STATUSES = frozenset({*DECISION_STATUSES, *PATTERN_STATUSES, "active", "retired", "high", "medium", "low",
                           "met", "partial", "not_met", "not_applicable", "unanswered"})


def status_chip(status: str) -> str:
    """A status as a chip: colour and text (the theme gives each known status a colour of accessible contrast)."""
    cls = status if status in CHIP_STATUSES else "other"
    return f'<span class="archkb-chip archkb-chip-{cls}">{md_text(status.replace("_", " "))}</span>'


def diagram_block(body: str, caption: str, css_class: str = "archkb-diagram") -> str:
    """A drawn diagram (an `<object>` showing its SVG file, or DOT text) as a raw HTML block with a caption."""
    return f'<figure class="{css_class}" markdown="0" data-search-exclude>\n{body.strip()}\n<figcaption>{md_text(caption)}</figcaption>\n</figure>\n\n'


def svg_object(href: str, label: str, width: float = 0, height: float = 0) -> str:
    """HTML embedding an SVG file with `<object>`, so its links work (they target the top window),
    and a visible "Open full size" link to the same file.

    A separate file keeps the page small: MkDocs' Markdown and search passes over an inline
    SVG cost several times the rest of a record page. The natural size (CSS px) is written
    as the object's width and aspect ratio: the diagram is never drawn larger than that, and
    shrinks only to fit the column. The link opens the theme's pan-and-zoom viewer, or,
    without JavaScript, the SVG file itself at full size.
    """
    text = md_text(label)
    size = (f' style="width:{width:g}px;aspect-ratio:{width:g}/{height:g}"' if width > 0 and height > 0 else "")
    return (f'<object data="{href}" type="image/svg+xml" class="archkb-svg" aria-label="{text}"{size}>'
            f'<a href="{href}">{text}</a></object>\n'
            f'<a class="archkb-open" href="{href}" data-archkb-viewer="{text}">Open full size (pan and zoom)</a>')


# Spans where an id must stay as it is: front matter, headings, code, links, raw tags, diagrams, comments.
_PROTECTED = re.compile(r"\A---\n.*?\n---\n|^#{1,6} [^\n]*$|`[^`\n]*`|\[[^\]\n]*\]\([^)\n]*\)|<a\b.*?</a>|"
                        r"<code\b.*?</code>|<pre\b.*?</pre>|<figure\b.*?</figure>|<!--.*?-->|<[^>\n]*>", re.S | re.M)
_PROSE_ID = re.compile(r"(?<![\w/.#-])(ADR-[0-9]{4,})(?![\w-])")


def link_ids(ctx: PageContext, uri: str, text: str, own: str | None = None) -> str:
    """Decision ids written in prose ("see ADR-0011") become links to their pages; ids that are not records,
    the page's own id, and ids inside code, links, headings or tags stay as they are.

    The links are inline HTML with published URLs, so they work in Markdown text and in the
    raw HTML blocks of rendered fields alike.
    """
    def swap(m: re.Match[str]) -> str:
        rid = m.group(1)
        if rid == own or rid not in ctx.graph:
            return rid
        title = attr_text(f"{rid}: {ctx.graph.nodes[rid]['title']}")
        return f'<a href="{ctx.href(uri, ctx.uri(rid))}" title="{title}">{rid}</a>'

    out, pos = [], 0
    for m in _PROTECTED.finditer(text):
        out.append(_PROSE_ID.sub(swap, text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_PROSE_ID.sub(swap, text[pos:]))
    return "".join(out)


# ---------------------------------------------------------------- record pages

def _record_meta(ctx: PageContext, rid: str, kind: str, source: str, heading: str, *,
                 status: str | None, tags: list[str], extra: dict[str, Any]) -> dict[str, Any]:
    """The front matter the theme's record header reads (raw values: the templates escape them)."""
    successors = [{"id": s, "title": ctx.graph.nodes[s]["title"], "url": ctx.url(ctx.uri(s))}
                  for s in sorted({v for _, v, d in ctx.graph.out_edges(rid, data=True)
                                   if d["type"] == "superseded_by"})] if rid in ctx.graph else []
    # The records this one supersedes: its header says so (not only the Links table).
    replaces = [{"id": s, "title": ctx.graph.nodes[s]["title"], "url": ctx.url(ctx.uri(s))}
                for s in sorted({v for _, v, d in ctx.graph.out_edges(rid, data=True)
                                 if d["type"] == "supersedes"})] if rid in ctx.graph else []
    info: dict[str, Any] = {"kind": kind, "id": rid, "source": escape_controls(source), "successors": successors}
    if replaces:
        info["supersedes"] = replaces
    if status:
        info["status"] = status
    edit = ctx.edit_url(source)
    if edit:
        info["edit_url"] = edit
    info.update({k: v for k, v in extra.items() if v is not None})
    meta: dict[str, Any] = {"title": page_title(heading), "archkb": info}
    if tags:
        meta["tags"] = sorted(tags)
    return meta


def lead(kind: str, rid: str, status: str | None, text: str) -> str:
    """The page's first paragraph: a summary, preceded by kind, id and status for search results.

    Search previews show the blocks of a page that match the query: the property table after
    the lead is left out of the index (the plugin marks it `data-search-exclude`), so a result
    reads "Decision ADR-0011 · accepted — chosen option ...". The kind, id and status are hidden
    on screen and from screen readers: the record header above already shows them.
    """
    head = " · ".join(x for x in (f"{KIND_TITLE_ONE.get(kind, kind.capitalize())} {rid}", status) if x)
    dash = " — " if text.strip() else ""
    return f'<span class="archkb-lead-kind" aria-hidden="true">{md_text(head)}{dash}</span>{text}\n\n'


def _first_paragraph(text: str | None) -> str:
    return inline_markdown(text.strip().split("\n\n")[0]) if text and text.strip() else ""


def _rest(text: str | None, css_class: str = "archkb-text") -> str:
    """The paragraphs after the first, as a block (the first is in the page's lead)."""
    rest = text.strip().split("\n\n", 1)[1] if text and "\n\n" in text.strip() else ""
    return block_markdown(rest, css_class) + "\n\n" if rest.strip() else ""


def _links_and_backlinks(ctx: PageContext, rid: str, uri: str) -> str:
    if rid not in ctx.graph:
        return ""
    g = ctx.graph
    out_rows = []
    for _, v, d in sorted(g.out_edges(rid, data=True), key=lambda e: (e[2]["type"], e[1])):
        if d["derived"]:
            continue
        note = inline_markdown(d["note"]) if d.get("note") else ""
        out_rows.append([d["type"].replace("_", " "), ctx.link(uri, v), note])
    back = defaultdict(list)
    for u, _, d in g.in_edges(rid, data=True):
        if not d["derived"] and u != rid:
            back[d["type"]].append(u)
    text = _section("Links", md_table(["Link", "Record", "Note"], out_rows))
    lines = []
    for etype in sorted(back):
        for u in sorted(set(back[etype])):
            lines.append(f"- {ctx.link(uri, u)} — {BACKLINK_VERB.get(etype, etype)}")
    text += _section("Referenced by", "\n".join(lines) + "\n\n" if lines else "Nothing links to this record yet.\n\n")
    entry = ctx.catalog.entry(rid)
    hist = ctx.history.get(entry.path) if entry is not None else None
    if hist is not None and hist.commits:
        rows = [[c.day.isoformat(), status_chip(c.status), md_text(c.author)] for c in hist.changes]
        body = (f"From git: {hist.commits} commit{'s' if hist.commits != 1 else ''} by "
                f"{', '.join(md_text(a) for a in hist.authors)}.\n\n")
        body += md_table(["Committed", "Status set to", "By"], rows) if rows else ""
        text += _section("History", body)
    return text


def sources_section(sources: Iterable[Any]) -> str:
    """A "Sources" section: titles linked to their URLs (a URL the sanitiser refuses shows the title only)."""
    lines = []
    for src in sources:
        url = link_target(src.url)
        lines.append(f"- [{md_text(src.title)}](<{url}>)" if url else f"- {md_text(src.title)}")
    return _section("Sources", "\n".join(lines) + "\n\n") if lines else ""


def _diagram_section(title: str, svg: str | None, caption: str) -> str:
    return _section(title, diagram_block(svg, caption)) if svg else ""


def decision_page(ctx: PageContext, rec: Any, source: str, diagram: str | None = None) -> str:
    """The page of one decision: header data, MADR sections, risks, links, backlinks, neighbourhood."""
    uri = ctx.uri(rec.id)
    heading = f"{rec.id}: {rec.title}"
    meta = _record_meta(ctx, rec.id, "decision", source, heading, status=rec.status.value, tags=rec.tags,
                        extra={"date": date_text(rec.date), "category": ctx.category_title(rec.category),
                               "decided": rec.decided.isoformat() if rec.decided else None})
    rows = [
        ["Status", status_chip(rec.status.value)],
        *([["Decided", rec.decided.isoformat()]] if rec.decided else []),
        ["Status changed", date_text(rec.date)],
        ["Category", f"[{md_text(ctx.category_title(rec.category))}]({rel(uri, category_uri('decision', rec.category))})"],
    ]
    if rec.tags:
        rows.append(["Tags", _tags(rec.tags, uri)])
    for name, values in (("Decision makers", rec.decision_makers), ("Consulted", rec.consulted),
                         ("Informed", rec.informed)):
        if values:
            rows.append([name, ", ".join(inline_markdown(v) for v in values)])
    if rec.review_by:
        rows.append(["Review by", rec.review_by.isoformat()])
    rows.append(["Source", code_text(source)])
    summary = (f"Chosen option: **{md_text(rec.outcome.chosen)}**" if rec.outcome and rec.outcome.chosen
               else _first_paragraph(rec.outcome.rationale if rec.outcome else rec.context))
    parts = [front_matter(meta), f"# {md_text(heading)}\n\n", lead("decision", rec.id, rec.status.value, summary),
             _props(ctx, uri, rows)]
    parts.append(_section("Context", block_markdown(rec.context) + "\n\n"))
    parts.append(_section("Decision drivers", _bullets(rec.drivers)))
    chosen = rec.outcome.chosen if rec.outcome else None
    opts = []
    for opt in rec.options:
        mark = " (chosen)" if opt.title == chosen else ""
        body = block_markdown(opt.summary) + "\n\n" if opt.summary else ""
        for name, values in (("Pros", opt.pros), ("Cons", opt.cons), ("Neutral", opt.neutral)):
            if values:
                body += f"**{name}**\n\n" + _bullets(values)
        opts.append(f"### {md_text(opt.title)}{mark}\n\n{body}")
    # Verbatim sections that carry a standard part's text (an import's prose consequences, the prose before
    # its options) are shown in that part, in the source's order, not after everything else.
    inline = {"considered options": "", "consequences": ""}
    extras = []
    for extra in rec.sections:
        key = extra.title.strip().lower()
        if key in inline:
            inline[key] += block_markdown(extra.body) + "\n\n"
        else:
            extras.append(extra)
    parts.append(_section("Considered options", inline["considered options"] + "".join(opts)))
    if rec.outcome and rec.outcome.chosen:
        parts.append(_section("Decision outcome", f"Chosen option: **{md_text(rec.outcome.chosen)}**\n\n"
                              + block_markdown(rec.outcome.rationale) + "\n\n"))
    elif rec.outcome:
        parts.append(_section("Decision", block_markdown(rec.outcome.rationale) + "\n\n"))
    cons = ""
    for name, values in (("Positive", rec.consequences.positive), ("Negative", rec.consequences.negative),
                         ("Neutral", rec.consequences.neutral)):
        if values:
            cons += f"**{name}**\n\n" + _bullets(values)
    parts.append(_section("Consequences", cons + inline["consequences"]))
    if rec.confirmation:
        parts.append(_section("Confirmation", block_markdown(rec.confirmation) + "\n\n"))
    parts.append(_section("Risks", md_table(
        ["Risk", "Likelihood", "Impact", "Mitigation"],
        [[inline_markdown(r.description), r.likelihood.value, r.impact.value,
          inline_markdown(r.mitigation) if r.mitigation else ""] for r in rec.risks])))
    for extra in extras:
        parts.append(_section(md_text(extra.title), block_markdown(extra.body) + "\n\n"))
    parts.append(sources_section(rec.sources))
    parts.append(_links_and_backlinks(ctx, rec.id, uri))
    parts.append(_diagram_section("Neighbourhood", diagram, f"Records linked to {rec.id} (click a box to open it)"))
    if rec.provenance:
        p = rec.provenance
        rows = [["Imported from", code_text(p.source_path)], ["Format", md_text(p.format)]]
        rows += [[n, md_text(v)] for n, v in (("Original status", p.original_status),
                                              ("Original date", p.original_date),
                                              ("Original title", p.original_title)) if v]
        parts.append(_section("Provenance", md_table(["Property", "Value"], rows)))
    return "".join(parts)


def pattern_page(ctx: PageContext, rec: Any, source: str, components: str | None = None,
                 diagram: str | None = None) -> str:
    """The page of one pattern: problem, solution, component diagram, trade-offs, review questions, links."""
    uri = ctx.uri(rec.id)
    meta = _record_meta(ctx, rec.id, "pattern", source, rec.name, status=rec.status.value, tags=rec.tags,
                        extra={"category": ctx.category_title(rec.category),
                               "last_reviewed": rec.last_reviewed.isoformat() if rec.last_reviewed else None})
    rows = [
        ["Status", status_chip(rec.status.value)],
        ["Category", f"[{md_text(ctx.category_title(rec.category))}]({rel(uri, category_uri('pattern', rec.category))})"],
    ]
    if rec.aka:
        rows.append(["Also known as", ", ".join(md_text(a) for a in rec.aka)])
    if rec.tags:
        rows.append(["Tags", _tags(rec.tags, uri)])
    if rec.owner:
        rows.append(["Owner", md_text(rec.owner)])
    if rec.last_reviewed:
        rows.append(["Last reviewed", rec.last_reviewed.isoformat()])
    rows.append(["Source", code_text(source)])
    parts = [front_matter(meta), f"# {md_text(rec.name)}\n\n", lead("pattern", rec.id, rec.status.value, _first_paragraph(rec.summary)),
             _rest(rec.summary, "archkb-summary"), _props(ctx, uri, rows)]
    parts.append(_section("Problem", block_markdown(rec.problem) + "\n\n"))
    parts.append(_section("Context", block_markdown(rec.context) + "\n\n"))
    parts.append(_section("Forces", _bullets(rec.forces)))
    parts.append(_section("Solution", block_markdown(rec.solution) + "\n\n"))
    if rec.components:
        body = diagram_block(components, f"Components and flows of {rec.name}") if components else ""
        body += md_table(["Component", "Kind", "Role"],
                       [[md_text(c.name), c.kind.value, inline_markdown(c.description) if c.description else ""]
                        for c in rec.components])
        names = {c.id: c.name for c in rec.components}
        body += md_table(["From", "To", "What", "Mode"],
                       [[md_text(names.get(f.from_, f.from_)), md_text(names.get(f.to, f.to)),
                         inline_markdown(f.label) if f.label else "", f.mode.value.rstrip("_")] for f in rec.flows])
        parts.append(_section("Components", body))
    cons = ""
    for name, values in (("Benefits", rec.consequences.benefits), ("Liabilities", rec.consequences.liabilities)):
        if values:
            cons += f"**{name}**\n\n" + _bullets(values)
    parts.append(_section("Consequences", cons))
    parts.append(_section("When to use", _bullets(rec.when_to_use)))
    parts.append(_section("When not to use", _bullets(rec.when_not_to_use)))
    parts.append(_section("Trade-offs", _bullets(rec.tradeoffs)))
    qa = rec.quality_attributes
    parts.append(_section("Quality attributes", md_table(
        ["Attribute", "Effect", "Why"],
        [[name.capitalize(), note.effect.value, inline_markdown(note.note)]
         for name in ("reliability", "security", "cost", "operability", "performance")
         if (note := getattr(qa, name)) is not None])))
    parts.append(_section("Review questions", md_table(
        ["Question", "Why"],
        [[f'{inline_markdown(q.text)}<span class="archkb-q-meta">`{rec.id}/{q.id}` · {status_chip(q.severity.value)}</span>',
          inline_markdown(q.rationale) if q.rationale else ""] for q in rec.review_questions])))
    parts.append(_section("Known uses", _bullets(rec.known_uses)))
    parts.append(sources_section(rec.sources))
    parts.append(_links_and_backlinks(ctx, rec.id, uri))
    parts.append(_diagram_section("Neighbourhood", diagram, f"Records linked to {rec.id} (click a box to open it)"))
    return "".join(parts)


def _applies_when(q: Any) -> str:
    aw = q.applies_when
    if aw is None:
        return "all projects"
    parts = []
    for name in ("system_type", "risk_tier", "data_classification", "personal_data", "deployment"):
        value = getattr(aw, name)
        if value is None:
            continue
        shown = ", ".join(v.value for v in value) if isinstance(value, list) else str(value).lower()
        parts.append(f"{name.replace('_', ' ')}: {shown}")
    return "; ".join(parts) or "all projects"


def checklist_page(ctx: PageContext, rec: Any, source: str, diagram: str | None = None,
                   usage: str | None = None) -> str:
    """The page of one checklist: its sections and questions (severity, applicability, mitigations)."""
    uri = ctx.uri(rec.id)
    meta = _record_meta(ctx, rec.id, "checklist", source, rec.title, status=None, tags=rec.tags,
                        extra={"version": rec.version, "family": rec.family})
    count = sum(len(s.questions) for s in rec.sections)
    rows = [["Family", f"`{rec.family}`"], ["Version", md_text(rec.version)], ["Questions", str(count)]]
    if rec.tags:
        rows.append(["Tags", _tags(rec.tags, uri)])
    rows.append(["Source", code_text(source)])
    parts = [front_matter(meta), f"# {md_text(rec.title)}\n\n", lead("checklist", rec.id, None, _first_paragraph(rec.description)),
             _rest(rec.description), _props(ctx, uri, rows)]
    for section in rec.sections:
        body = block_markdown(section.description) + "\n\n" if section.description else ""
        rows = []
        for q in section.questions:
            # Three columns, not seven: the question with its id, severity and applicability; why; what helps.
            # (Seven columns made every checklist page scroll sideways at 1,400 px.)
            mitig = ", ".join(ctx.link(uri, p, p) for p in q.mitigated_by)
            maps = "; ".join(f"{md_text(k)}: {', '.join(md_text(v) for v in vals)}"
                             for k, vals in sorted(q.maps_to.items()))
            helps = " ".join(part for part in (f"Mitigated by {mitig}." if mitig else "",
                                              f'<span class="archkb-q-meta">Maps to {maps}</span>' if maps else "")
                             if part)
            rows.append([f"{inline_markdown(q.text)}"
                         f'<span class="archkb-q-meta">`{rec.id}/{q.id}` · {status_chip(q.severity.value)} · '
                         f"{md_text(_applies_when(q))}</span>",
                         inline_markdown(q.rationale), helps])
        body += md_table(["Question", "Why", "Mitigations and crosswalks"], rows)
        parts.append(_section(md_text(section.title), body))
    if usage:
        parts.append(usage.rstrip() + "\n\n")
    parts.append(_links_and_backlinks(ctx, rec.id, uri))
    parts.append(_diagram_section("Neighbourhood", diagram, f"Records linked to {rec.id} (click a box to open it)"))
    return "".join(parts)


def review_page(ctx: PageContext, rec: Any, source: str, diagram: str | None = None,
                details: Any = None) -> str:
    """The page of one review, for a board meeting: the summary first (verdict, open risks, change since the
    previous milestone), the scorecard chart, every item with its evidence and notes, the folded plan and
    history, then the profile and scope, and the diagram last. `details` is a `review_md.Board`."""
    uri = ctx.uri(rec.id)
    title = rec.title or rec.project.name
    last = rec.milestones[-1] if rec.milestones else None
    meta = _record_meta(ctx, rec.id, "review", source, title, status=None, tags=rec.tags,
                        extra={"milestone": last.name if last else None,
                               "date": last.date.isoformat() if last else None})
    p = rec.project
    parts = [front_matter(meta), f"# {md_text(title)}\n\n",
             lead("review", rec.id, f"{p.risk_tier.value} risk tier", md_text(p.name))]
    if details is not None:
        parts += [f"## Summary\n\n{details.summary}", f"## Scorecard\n\n{details.scorecard}",
                  f"## Items\n\n{details.items}", f"## Improvement plan\n\n{details.plan}"]
    legal = getattr(p, "legal_classification", None)
    rows = [["Project", md_text(p.name)], ["Owner", md_text(p.owner)], ["System type", p.system_type.value],
            ["Risk tier (internal)", p.risk_tier.value],
            ["Legal classification (EU AI Act)", legal.value.replace("_", " ") if legal else "not assessed"],
            ["Data classification", p.data_classification.value],
            ["Personal data", "yes" if p.personal_data else "no"], ["Deployment", p.deployment.value.replace("_", "-")]]
    if rec.tags:
        rows.append(["Tags", _tags(rec.tags, uri)])
    rows.append(["Source", code_text(source)])
    parts += ["## Profile\n\n", _props(ctx, uri, rows, ("Profile", "Value")), block_markdown(p.description) + "\n\n"]
    for name, ids in (("Patterns used", rec.patterns), ("Decisions adopted", rec.decisions),
                      ("Checklists", rec.checklists)):
        if ids:
            parts.append(f"**{name}** ({len(ids)}): " + ", ".join(ctx.link(uri, i, i) for i in ids) + "\n\n")
    ms_rows = [[md_text(m.name), m.date.isoformat(), ", ".join(md_text(r) for r in m.reviewers), str(len(m.answers))]
               for m in rec.milestones]
    parts.append(_section("Milestones", md_table(["Milestone", "Date", "Reviewers", "Answers"], ms_rows)))
    for m in rec.milestones:
        if m.summary:
            parts.append(_section(f"{md_text(m.name)} ({m.date.isoformat()})", block_markdown(m.summary) + "\n\n", 3))
    if details is not None and details.history:
        parts.append(f"### History\n\n{details.history}")
    from archkb.site.review_md import links_section

    parts.append(links_section(ctx, rec.id, uri))
    parts.append(_diagram_section("Neighbourhood", diagram, f"Records linked to {rec.id} (click a box to open it)"))
    return "".join(parts)


# ---------------------------------------------------------------- index pages

def category_uri(kind: str, cid: str | None) -> str:
    """The index page of one category of decisions or patterns."""
    return f"{KIND_FOLDER[kind]}/category/{cid or 'uncategorised'}/index.md"


def _index_meta(title: str) -> str:
    # archkb_index: the theme shows no "edit" button (there is no source file to edit).
    # search.exclude: lists and the tags page matched almost every query; the records themselves answer.
    return front_matter({"title": page_title(title), "archkb_index": True, "search": {"exclude": True}})


def _decision_rows(ctx: PageContext, uri: str, recs: Iterable[Any]) -> list[list[str]]:
    return [[ctx.link(uri, r.id, r.id), ctx.link(uri, r.id, r.title), status_chip(r.status.value),
             date_text(r.date), _tags(r.tags, uri)] for r in recs]


DECISION_HEADERS = ["Id", "Title", "Status", "Status changed", "Tags"]
# A search box over the table that follows it (the theme's override script does the filtering).
def filter_box(what: str = "id, title, status, date or tag") -> str:
    """A filter box over the tables after it; the theme keeps its text in the URL (`?q=`) and sorts the columns."""
    return (f'<input type="search" class="archkb-filter" placeholder="Filter by {what}" '
            'aria-label="Filter the list">\n\n')


def date_text(date: Any) -> str:
    """An ISO date, or "undated" for an imported decision whose source gave none (never a guessed date)."""
    return date.isoformat() if date is not None else "undated"


def newest_first(recs: Iterable[Any]) -> list[Any]:
    """Newest first; undated decisions last."""
    return sorted(recs, key=lambda r: (r.date is not None, r.date or dt.date.min, r.id), reverse=True)


def decision_log(ctx: PageContext) -> str:
    uri = "decisions/index.md"
    recs = newest_first(ctx.catalog.records("decision"))
    counts: dict[str, int] = defaultdict(int)
    for r in recs:
        counts[r.status.value] += 1
    summary = ", ".join(f"{counts[s]} {s}" for s in DECISION_STATUSES if counts[s])
    return (_index_meta("Decision log") + "# Decision log\n\n"
            + f"{len(recs)} decisions ({summary}), newest first. "
            + "See them [by status](status.md), on a [timeline](timeline.md) or by category below.\n\n"
            + filter_box() + md_table(DECISION_HEADERS, _decision_rows(ctx, uri, recs)))


def decisions_by_status(ctx: PageContext) -> str:
    uri = "decisions/status.md"
    recs = newest_first(ctx.catalog.records("decision"))
    parts = [_index_meta("Decisions by status"), "# Decisions by status\n\n", filter_box()]
    for status in DECISION_STATUSES:
        group = [r for r in recs if r.status.value == status]
        if group:
            parts.append(f"## {status.capitalize()} ({len(group)})\n\n")
            parts.append(md_table(["Id", "Title", "Status", "Status changed", "Tags"],
                                _decision_rows(ctx, uri, group)))
    return "".join(parts)


def decisions_timeline(ctx: PageContext) -> str:
    uri = "decisions/timeline.md"
    recs = newest_first(ctx.catalog.records("decision"))
    parts = [_index_meta("Decision timeline"), "# Decision timeline\n\n"]
    by_year: dict[int, list[Any]] = defaultdict(list)
    for r in recs:
        by_year[r.date.year if r.date else 0].append(r)
    for year in sorted(by_year, reverse=True):
        parts.append(f"## {year or 'Undated'}\n\n")
        parts.extend(f"- {date_text(r.date)} — {ctx.link(uri, r.id)} {status_chip(r.status.value)}\n"
                     for r in by_year[year])
        parts.append("\n")
    return "".join(parts)


def category_page(ctx: PageContext, kind: str, cid: str | None, recs: list[Any], diagram: str | None) -> str:
    """The index page of one category of a kind grouped by category (decisions, patterns)."""
    uri = category_uri(kind, cid)
    title = ctx.category_title(cid)
    desc = next((c.description for c in ctx.catalog.config.categories if c.id == cid), None)
    parts = [_index_meta(f"{KIND_TITLE[kind]}: {title}"), f"# {md_text(title)}\n\n"]
    if desc:
        parts.append(block_markdown(desc) + "\n\n")
    if kind == "decision":
        parts.append(f"{len(recs)} decisions in this category, newest first.\n\n")
        parts.append(filter_box())
        parts.append(md_table(DECISION_HEADERS, _decision_rows(ctx, uri, newest_first(recs))))
    else:
        parts.append(filter_box("name, status, summary or tag"))
        parts.append(md_table(["Pattern", "Status", "Summary", "Tags"], _pattern_rows(ctx, uri, recs)))
    parts.append(_diagram_section("Overview", diagram, f"{KIND_TITLE[kind]} in {title} and their links"))
    return "".join(parts)


def pattern_catalog(ctx: PageContext, legend: str | None = None) -> str:
    uri = "patterns/index.md"
    recs = ctx.catalog.records("pattern")
    parts = [_index_meta("Pattern catalog"), "# Pattern catalog\n\n",
             f"{len(recs)} patterns by category.\n\n", filter_box("name, status, summary or tag")]
    for cid, group in grouped_by_category(ctx, recs):
        parts.append(f"## [{md_text(ctx.category_title(cid))}]({rel(uri, category_uri('pattern', cid))})\n\n")
        parts.append(md_table(["Pattern", "Status", "Summary", "Tags"], _pattern_rows(ctx, uri, group)))
    if legend:
        parts.append(_section("Diagram legend", diagram_block(legend, "Component kinds and flow modes")))
    return "".join(parts)


def _pattern_rows(ctx: PageContext, uri: str, recs: Iterable[Any]) -> list[list[str]]:
    return [[ctx.link(uri, r.id, r.name), status_chip(r.status.value), inline_markdown(r.summary), _tags(r.tags, uri)]
            for r in recs]


def grouped_by_category(ctx: PageContext, recs: list[Any]) -> list[tuple[Any, list[Any]]]:
    """Records grouped by category, in the order the configuration lists the categories."""
    order = {c: i for i, c in enumerate(ctx.catalog.config.category_ids)}
    groups: dict[Any, list[Any]] = defaultdict(list)
    for r in recs:
        groups[r.category].append(r)
    return sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0] or ""))


def checklist_index(ctx: PageContext) -> str:
    uri = "checklists/index.md"
    rows = [[ctx.link(uri, r.id, r.title), f"`{r.family}`", md_text(r.version),
             str(sum(len(s.questions) for s in r.sections)), inline_markdown(r.description.split("\n\n")[0]),
             _tags(r.tags, uri)]
            for r in ctx.catalog.records("checklist")]
    return (_index_meta("Checklists") + "# Checklists\n\n"
            + "Review question sets. A review assembles its checklist from these, the patterns a project "
            + "uses and the decisions it adopts.\n\n"
            + filter_box("title, family or tag")
            + md_table(["Checklist", "Family", "Version", "Questions", "About", "Tags"], rows))


def review_index(ctx: PageContext) -> str:
    """Every review with its risk counts at the latest milestone (high, medium, overdue actions)."""
    from archkb.reviews.review import risk_summary
    from archkb.site.review_md import today_for_pages

    uri = "reviews/index.md"
    today = today_for_pages()
    rows = []
    for r in ctx.catalog.records("review"):
        last = r.milestones[-1] if r.milestones else None
        risks = risk_summary(r, ctx.catalog, today)
        rows.append([ctx.link(uri, r.id, r.title or r.project.name), md_text(r.project.owner),
                     r.project.system_type.value, r.project.risk_tier.value,
                     f"{md_text(last.name)} ({last.date.isoformat()})" if last else "not yet reviewed",
                     str(risks["high"]), str(risks["medium"]), str(risks["overdue"])])
    return (_index_meta("Reviews") + "# Reviews\n\n"
            + filter_box("project, owner, system or risk tier")
            + "Risk counts at each review's latest milestone. Every open risk, with the decisions' own risks, is in "
            + f"the [risk register]({rel(uri, 'reviews/risks.md')}).\n\n"
            + md_table(["Review", "Owner", "System", "Risk tier", "Latest milestone", "High risks", "Medium risks",
                      "Overdue actions"], rows))


def tags_page(ctx: PageContext | None = None) -> str:
    """Every record by tag (the tags plugin's list), after a line of all tags with how many records carry each."""
    counts: dict[str, int] = defaultdict(int)
    if ctx is not None:
        for entry in ctx.catalog.by_id.values():
            for tag in set(getattr(entry.record, "tags", None) or []):
                counts[tag] += 1
    line = " · ".join(f"[{md_text(t)}](#tag:{tag_anchor(t)}) ({n})" for t, n in sorted(counts.items()))
    head = (f"{len(counts)} tags; the number of records with each in brackets.\n\n{line}\n\n" if counts else "")
    return _index_meta("Tags") + "# Tags\n\n" + head + "Every record by tag.\n\n<!-- material/tags -->\n"


__all__ = ["HOME_MARKER", "PageContext", "category_uri", "checklist_page", "decision_page", "page_url",
           "pattern_page", "rel", "review_page"]


COVERAGE_KIND_TITLES = {"decision": "Decisions", "principle": "Principles", "pattern": "Patterns",
                        "checklist": "Checklists", "review": "Worked examples (reviews)"}


def coverage_page(ctx: PageContext) -> str:
    """The duty coverage page: every responsibility of `archkb.yaml` with the records serving it, by kind.

    Generated from the records' `serves`, so it cannot fall behind them; support counts only
    accepted decisions, approved principles and patterns, and checklists (see `archkb.rules.coverage`).
    """
    from archkb.rules.coverage import KINDS, THIN_BELOW, coverage

    uri = "coverage.md"
    duties = coverage(ctx.catalog)
    summary_rows = []
    for d in duties:
        counts = [str(sum(1 for r in d.records.get(k, []) if r.supports))
                  for k in ("decision", "principle", "pattern", "checklist")]
        flag = "**none**" if d.unsupported else ("thin" if d.thin else "")
        summary_rows.append([f"{md_text(d.title)} (`{d.id}`)", *counts, flag])
    out = [_index_meta("Coverage"), "# Coverage: what supports each responsibility\n\n",
           "Generated from the records: each decision, principle, pattern, checklist and review names "
           "the duties it serves (`serves:`), and the duties are declared once in `archkb.yaml`. Only accepted "
           "decisions, approved principles and patterns, and checklists count as support; records in "
           "other states are listed with their status and do not count, and reviews are worked examples. A duty is "
           f"*thin* when fewer than {THIN_BELOW} records support it or when no accepted decision, "
           "approved principle or approved pattern does (only questions, no answers); `archkb check` "
           "warns (W321) when nothing supports it.\n\n",
           md_table(["Duty", "Accepted decisions", "Approved principles", "Approved patterns", "Checklists", "Flag"],
                  summary_rows)]
    for d in duties:
        out.append(f"## {md_text(d.title)}\n\n`serves: [{d.id}]`\n\n")
        if d.description:
            out.append(inline_markdown(d.description) + "\n\n")
        if d.unsupported:
            out.append("**Not supported:** no accepted decision, approved pattern or checklist serves this duty.\n\n")
        elif d.thin:
            out.append(f"**Thin:** {len(d.support)} supporting record(s).\n\n")
        for kind in KINDS:
            recs = d.records.get(kind, [])
            if not recs:
                continue
            items = []
            for r in recs:
                state = f"({r.status})" if r.status else ""
                note = "" if r.supports or kind == "review" else " (not counted)"
                items.append(f"- {ctx.link(uri, r.id, f'{r.id}: {r.title}')}{' ' + md_text(state) if state else ''}{note}")
            out.append(f"**{COVERAGE_KIND_TITLES[kind]}**\n\n" + "\n".join(items) + "\n\n")
    return "".join(out)


def principle_page(ctx: PageContext, rec: Any, source: str, diagram: str | None = None) -> str:
    """The page of one principle: statement, rationale, implications, what realises it, sources."""
    uri = ctx.uri(rec.id)
    meta = _record_meta(ctx, rec.id, "principle", source, rec.name, status=rec.status.value, tags=rec.tags,
                        extra={"owner": rec.owner})
    rows = [["Status", status_chip(rec.status.value)], ["Owner", md_text(rec.owner)]]
    if rec.category:
        rows.append(["Category", md_text(ctx.category_title(rec.category))])
    if rec.last_reviewed:
        rows.append(["Last reviewed", rec.last_reviewed.isoformat()])
    if rec.tags:
        rows.append(["Tags", _tags(rec.tags, uri)])
    rows.append(["Source", code_text(source)])
    parts = [front_matter(meta), f"# {md_text(rec.name)}\n\n",
             lead("principle", rec.id, rec.status.value, _first_paragraph(rec.statement)), _rest(rec.statement),
             _props(ctx, uri, rows),
             _section("Rationale", block_markdown(rec.rationale) + "\n\n"),
             _section("Implications", _bullets(rec.implications)), sources_section(rec.sources)]
    parts.append(_links_and_backlinks(ctx, rec.id, uri))
    parts.append(_diagram_section("Neighbourhood", diagram, f"Records linked to {rec.id} (click a box to open it)"))
    return "".join(parts)


def principle_index(ctx: PageContext) -> str:
    """Every principle with its statement and what realises it."""
    uri = "principles/index.md"
    rows = []
    for r in ctx.catalog.records("principle"):
        realised = [v for _, v, d in ctx.graph.out_edges(r.id, data=True) if d["type"] == "realised_by"]
        rows.append([ctx.link(uri, r.id, r.name), status_chip(r.status.value), inline_markdown(r.statement.split("\n\n")[0]),
                     ", ".join(ctx.link(uri, v, v) for v in sorted(set(realised)))])
    return (_index_meta("Principles") + "# Architecture principles\n\n"
            + "The lasting rules behind the decisions. Each is realised by the decisions and patterns listed.\n\n"
            + filter_box("name, status or statement") + md_table(["Principle", "Status", "Statement", "Realised by"], rows))
