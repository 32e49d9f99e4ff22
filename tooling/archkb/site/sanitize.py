"""Make record text safe to publish: Markdown fields become allowlisted HTML, plain strings become inert text.

Records arrive in pull requests from anyone, and the site is read by everyone, so nothing
in a record may add markup, attributes or URLs that run in a reader's browser. Markdown
fields are rendered here (Python-Markdown, with raw HTML let through on purpose) and the
resulting HTML is rebuilt token by token from an allowlist: unknown tags are dropped
(with their content for `script`, `style` and the like), every attribute not on the list
is dropped, and URLs keep only the http, https and mailto schemes or stay relative.
Checking the HTML (not the Markdown) also catches entity tricks such as `jav&#x61;script:`,
because the parser decodes attribute values before the scheme is checked.

Plain strings (titles, names, ids) are escaped for the place they go: Markdown text,
table cells or YAML front matter, so the page's own Markdown extensions (`attr_list`,
tables) cannot be steered by them either.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from contextvars import ContextVar
from html.parser import HTMLParser
from urllib.parse import quote

import markdown

from archkb.core.problems import escape_controls

# tag -> allowed attributes
ALLOWED_TAGS: dict[str, frozenset[str]] = {
    **{t: frozenset() for t in (
        "p", "br", "hr", "em", "strong", "b", "i", "code", "pre", "blockquote", "ul", "li", "dl", "dt", "dd",
        "table", "thead", "tbody", "tr", "del", "sup", "sub", "kbd", "h4", "h5", "h6")},
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "ol": frozenset({"start"}),
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
}
# Headings inside a field must not compete with the page's own outline.
TAG_MAP = {"h1": "h4", "h2": "h4", "h3": "h4"}
VOID_TAGS = frozenset({"br", "hr", "img"})
# Elements whose content is code or layout, never text to keep.
DROP_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea",
                          "title", "xmp", "svg", "math", "frame", "frameset", "noembed", "select", "applet"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_INVISIBLE_RE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]+")
_ALIGN = frozenset({"left", "right", "center"})


def safe_url(url: str) -> str | None:
    """The URL if it is relative or uses a safe scheme (http, https, mailto); None otherwise.

    Browsers ignore whitespace and control characters inside a scheme (`java\\tscript:`),
    so they are removed before the scheme is read.
    """
    compact = _INVISIBLE_RE.sub("", url)
    match = _SCHEME_RE.match(compact)
    if match is None:
        # A colon before any '/', '?' or '#' would be read as a scheme by some parsers.
        head = re.split(r"[/?#]", compact, maxsplit=1)[0]
        return None if ":" in head else url.strip()
    return url.strip() if match.group(1).lower() in SAFE_SCHEMES else None


# Kept as they are in a link target; everything else (`<`, `>`, quotes, spaces, parentheses,
# backslashes, backticks, controls, non-ASCII) is percent-encoded.
_URL_SAFE = "/:?#[]@!$&*+,;=%~-._"


def link_target(url: str) -> str | None:
    """`safe_url(url)` percent-encoded so it cannot end a Markdown link target (`<...>` or `(...)`) or an attribute."""
    checked = safe_url(url)
    if checked is None:
        return None
    return quote(checked.encode("utf-8", "surrogateescape"), safe=_URL_SAFE)


def code_text(text: str) -> str:
    """A file name or other untrusted string as inline code: HTML the page's Markdown passes through.

    A Markdown code span would end at a backtick in the text and let what follows through as
    markup; this is escaped HTML instead, one line, with controls and `|` (table cells) escaped.
    """
    return "<code>" + html.escape(escape_controls(text), quote=True).replace("|", "&#124;") + "</code>"


URL_RESOLVER: ContextVar[Callable[[str], str] | None] = ContextVar("archkb_url_resolver", default=None)
"""While a record page is rendered: turns relative links in its text into published URLs (`site.reflinks`)."""


class _Sanitizer(HTMLParser):
    """Rebuilds HTML from allowed tags and attributes only; all text is re-escaped."""

    def __init__(self, inert: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.escape = _inert if inert else _escape_text
        self.out: list[str] = []
        self.open: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP_CONTENT:
            if tag not in VOID_TAGS:
                self.skip += 1
            return
        if self.skip:
            return
        tag = TAG_MAP.get(tag, tag)
        allowed = ALLOWED_TAGS.get(tag)
        if allowed is None:
            return
        kept: list[str] = []
        for name, value in sorted(attrs, key=lambda a: a[0]):
            if name not in allowed or value is None:
                continue
            if name in ("href", "src"):
                url = safe_url(value)
                if url is None:
                    continue
                resolver = URL_RESOLVER.get()
                value = resolver(url) if resolver is not None else url
            elif name == "start" and not value.isdigit():
                continue
            elif name == "align" and value not in _ALIGN:
                continue
            kept.append(f' {name}="{self.escape(html.escape(value, quote=True))}"')
        if tag == "a":
            kept.append(' rel="nofollow noopener"')
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        tag = TAG_MAP.get(tag, tag)
        if tag not in VOID_TAGS and tag in ALLOWED_TAGS and not self.skip and self.open and self.open[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP_CONTENT:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        tag = TAG_MAP.get(tag, tag)
        if tag not in self.open:
            return
        # Close anything left open inside it, so the output is always well nested.
        while self.open:
            top = self.open.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(self.escape(html.escape(data, quote=False)))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{t}>" for t in reversed(self.open))


def _escape_text(text: str) -> str:
    return text


_INERT = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]|~^#!:"}


def _inert(text: str) -> str:
    """Already-escaped text with every Markdown-active character as an entity.

    Inline HTML is not a raw block: the page's Markdown still reads the text between its
    tags, and `attr_list` would turn a trailing `{: onclick=...}` into an attribute.
    """
    return text.translate(_INERT)


def sanitize_html(fragment: str, *, inert: bool = False) -> str:
    """An HTML fragment rebuilt from the allowlist: safe to place anywhere in a page's body.

    `inert` also turns Markdown-active characters into entities, for HTML placed inline
    inside Markdown text.
    """
    parser = _Sanitizer(inert)
    parser.feed(fragment)
    return parser.result()


_local = threading.local()


def _md() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        # No attr_list, no raw-HTML-in-Markdown extensions: the fewer ways to add attributes the better.
        md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
        _local.md = md
    return md


# Prose with no Markdown syntax at all: paragraphs of words and ordinary punctuation.
_PROSE_RE = re.compile(r"[^\W_]|[ \t\n,.;:?'\"()/%=@$€£+\-–—’‘“”…]")
_BLOCK_START = re.compile(r"^(?: {4}|\t|\s*(?:[-+*>#=]|\d+[.)]))", re.M)


def _prose_html(text: str) -> str | None:
    """The HTML Markdown would give for plain prose (paragraphs only), or None when the text has any syntax."""
    if "  \n" in text or _BLOCK_START.search(text) or _PROSE_RE.sub("", text):
        return None
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


def markdown_html(text: str, *, inert: bool = False) -> str:
    """A Markdown field rendered to sanitised HTML (plain prose skips the Markdown pass: same result, faster)."""
    prose = _prose_html(text)
    if prose is not None:
        return _inert(prose) if inert else prose
    md = _md()
    md.reset()
    return sanitize_html(md.convert(text), inert=inert)


# Characters that can never start markup in a run of text; anything else takes the full path.
_PLAIN_RE = re.compile(r"[\w \t,.;:?'\"()/%=@$€£+\-–—’‘“”…]*")
_MD_LEADING = re.compile(r"^(\s*)(?=[-+*>#]|\d+[.)])")


def md_text(text: str) -> str:
    """A plain string as inert Markdown inline text (a title in a heading, a name in a table cell).

    Characters Markdown or its extensions (`attr_list`, tables) could read as syntax are
    backslash-escaped or turned into entities, a leading list or heading marker too;
    newlines become spaces so the text stays on its line.
    """
    text = " ".join(text.split())
    out = text.translate(_MD_ESCAPES)
    return _escape_leading(out)


def _escape_leading(text: str) -> str:
    """Escape a list, quote or heading marker at the start of the text (it would start a block)."""
    lead = _MD_LEADING.match(text)
    if lead is None:
        return text
    start = lead.end(1)
    digits = re.match(r"\d+", text[start:])
    if digits:
        start += digits.end()
    return text[:start] + "\\" + text[start:]


_MD_ESCAPES = str.maketrans({"<": "&lt;", ">": "&gt;", "&": "&amp;", **{c: "\\" + c for c in "\\`*_{}[]|#"}})


def inline_markdown(text: str) -> str:
    """A one-line Markdown field (a list item, a pro or con) as safe inline content for a Markdown page.

    Text made only of letters, digits and ordinary punctuation stays readable Markdown;
    anything else is rendered and sanitised to inline HTML, which Markdown passes through.
    """
    flat = " ".join(text.split())
    if _PLAIN_RE.fullmatch(flat):
        return _escape_leading(flat)
    rendered = markdown_html(flat, inert=True).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    # Inline HTML inside Markdown: newlines would split list items or table rows.
    return rendered.replace("\n", " ").replace("|", "&#124;") or md_text(flat)


def block_markdown(text: str, css_class: str = "archkb-text") -> str:
    """A multi-line Markdown field as a raw HTML block that the page's Markdown passes through unchanged."""
    return f'<div class="{css_class}" markdown="0">\n{markdown_html(text)}\n</div>'


def attr_text(text: str) -> str:
    """A plain string escaped for an HTML attribute or element text (quotes included)."""
    return html.escape(" ".join(text.split()), quote=True)


def md_table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table of already-safe cells ("" when there are no rows, so empty sections vanish)."""
    if not rows:
        return ""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out.extend("| " + " | ".join(cell or " " for cell in row) + " |" for row in rows)
    return "\n".join(out) + "\n\n"
