"""Record text cannot add markup, attributes or unsafe URLs to a page."""

from __future__ import annotations

import markdown
import pytest

from archkb.site.sanitize import block_markdown, inline_markdown, markdown_html, md_text, safe_url, sanitize_html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
                                 " javascript:alert(1)", "data:text/html,x", "vbscript:msgbox", "file:///etc/passwd",
                                 "\x01javascript:alert(1)"])
def test_unsafe_urls_are_dropped(url):
    assert safe_url(url) is None


@pytest.mark.parametrize("url", ["https://example.org/a?b#c", "http://x", "mailto:a@b.c", "../ADR-0001/", "#top"])
def test_safe_urls_are_kept(url):
    assert safe_url(url) == url


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "[x](jav&#x61;script:alert(1))", "![i](data:text/html,x)", "<svg onload=alert(1)>", "<iframe src=x>",
    "[r][1]\n\n[1]: vbscript:msgbox", '<a href="javascript:alert(1)">a</a>', "<details ontoggle=alert(1)>",
    '<p style="background:url(javascript:alert(1))">x</p>', "<form action=javascript:alert(1)><button>b</button></form>",
])
def test_markdown_fields_lose_active_content(text):
    out = markdown_html(text)
    for bad in ("<script", "onerror", "onload", "ontoggle", "javascript:", "data:", "vbscript:", "<iframe",
                "<svg", "style=", "<form"):
        assert bad not in out.lower()


def test_ordinary_markdown_survives():
    out = markdown_html("Some *emphasis*, `code <b>`, a [link](https://example.org).\n\n- one\n- two")
    assert "<em>emphasis</em>" in out and "<code>code &lt;b&gt;</code>" in out
    assert '<a href="https://example.org" rel="nofollow noopener">link</a>' in out
    assert "<li>one</li>" in out


def test_attr_list_cannot_add_attributes_through_inline_text():
    page = markdown.markdown("- " + inline_markdown('*a* {: onclick="alert(1)" }'), extensions=["attr_list"])
    assert "<li><em>a</em>" in page and "&#123;" in page  # the braces stay text, no attribute is set
    page = markdown.markdown("# " + md_text('T {: onclick="alert(1)" }'), extensions=["attr_list"])
    assert page.startswith("<h1>T {: onclick=")  # text in a bare <h1>, not an attribute


def test_md_text_is_inert_in_tables_and_lists():
    html = markdown.markdown(f"| a |\n|---|\n| {md_text('x | <b>y</b> [l](u) - 1. *z*')} |", extensions=["tables"])
    assert html.count("<td>") == 1 and "<b>" not in html and "<a" not in html and "<em>" not in html
    assert markdown.markdown("- " + md_text("- nested")).count("<ul>") == 1


def test_block_markdown_is_a_raw_block_with_blank_lines_kept():
    text = "para\n\n```\na\n\nb\n```"
    block = block_markdown(text)
    page = markdown.markdown("# T\n\n" + block + "\n\nafter *x*", extensions=["fenced_code"])
    assert "<pre><code>a\n\nb\n</code></pre>" in page and "<em>x</em>" in page


def test_sanitizer_output_is_well_nested():
    assert sanitize_html("<p><em>a<strong>b</p>") == "<p><em>a<strong>b</strong></em></p>"


@pytest.mark.parametrize("text", [
    "Plain prose.\nSecond line (with brackets) - and a dash.\n\nSecond paragraph: 50% \"quoted\".",
    "Use option 1. It costs $5 + tax = fine; see a/b @team.", "One line"])
def test_prose_fast_path_gives_what_markdown_gives(text):
    from archkb.site import sanitize

    full = sanitize_html(markdown.markdown(text, extensions=["tables", "fenced_code", "sane_lists"]))
    assert sanitize._prose_html(text) == full
