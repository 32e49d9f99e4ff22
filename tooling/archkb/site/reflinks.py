"""Relative links in a record's text, published: record ids and record files become page links, repository files
their published or repository URL; what cannot be published is collected so the build can fail on it.

Record text links as Markdown does in the repository (paths relative to the record's file,
`core.textlinks`); the site publishes that text at another place, so every relative link is
re-pointed while the record's page is rendered (`sanitize.URL_RESOLVER`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from archkb.core.textlinks import resolve
from archkb.site.markdown import PageContext
from archkb.site.sanitize import URL_RESOLVER


@contextlib.contextmanager
def record_links(ctx: PageContext, page_uri: str, record_path: str, root_to_docs: str,
                 files: dict[str, str]) -> Iterator[list[str]]:
    """While rendering the page at `page_uri` of the record in `record_path`: re-point its text's relative links.

    Yields the list that collects the links that cannot be published (no such record or file,
    or a file outside the docs folder with no repository URL to send readers to).
    """
    broken: list[str] = []
    ids = set(ctx.catalog.by_id)
    docs = root_to_docs.strip("/")
    path = record_path.replace("\\", "/")

    def resolver(url: str) -> str:
        target = resolve(url, path, ctx.catalog.root, ids, files)
        if target is None:
            return url
        anchor = f"#{target.fragment}" if target.fragment else ""
        if target.kind == "record":
            return ctx.href(page_uri, ctx.uri(target.value)) + anchor
        if target.kind == "file":
            if docs in ("", ".") or target.value.startswith(docs + "/"):
                in_docs = target.value if docs in ("", ".") else target.value[len(docs) + 1:]
                return ctx.href(page_uri, in_docs) + anchor
            edit = ctx.edit_url(target.value)
            if edit and "/edit/" in edit:
                return edit.replace("/edit/", "/blob/", 1) + anchor
        broken.append(url)
        return url

    token = URL_RESOLVER.set(resolver)
    try:
        yield broken
    finally:
        URL_RESOLVER.reset(token)

