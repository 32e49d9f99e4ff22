"""W010: a relative link in a record's text points at no record and no file of the repository.

Imported logs are full of such links (to ADRs that were not imported, to images left
behind); on the site they would be dead links that `mkdocs build --strict` never sees,
because record text is published as HTML. The check names each one with its position.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from archkb.core.catalog import Catalog
from archkb.core.problems import Problem, warning
from archkb.core.textlinks import Target, resolve, targets_in, text_fields
from archkb.core.validate import loc_str
from archkb.rules.core import RuleContext


def record_files(catalog: Catalog) -> dict[str, str]:
    """Root-relative record file path -> record id (links to a record's YAML file mean the record)."""
    return {e.path.replace("\\", "/"): e.record.id for e in catalog.by_id.values()}


def _relative_links(catalog: Catalog) -> Iterator[tuple[str, tuple[Any, ...], str, Target]]:
    """(record id, location, url, target) of every relative link in record text."""
    ids = set(catalog.by_id)
    files = record_files(catalog)
    for rid in sorted(ids):
        entry = catalog.by_id[rid]
        # Provenance keeps the source's wording verbatim and is published as plain text, never as links.
        data = entry.record.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"provenance"})
        for loc, text in text_fields(data):
            if "](" not in text and "href" not in text and "src" not in text and "]:" not in text:
                continue
            for url in targets_in(text):
                target = resolve(url, entry.path.replace("\\", "/"), catalog.root, ids, files)
                if target is not None:
                    yield rid, loc, url, target


def link_probes(catalog: Catalog) -> dict[str, bool]:
    """Every repository file that record text links to, and whether it exists: the check cache re-tests these,
    because W010 depends on files that are not records."""
    return {t.value: t.kind == "file" for _, _, _, t in _relative_links(catalog) if t.kind != "record"}


def check_text_links(ctx: RuleContext) -> Iterable[Problem]:
    """W010 for every relative link in record text whose target does not exist."""
    for rid, loc, url, target in _relative_links(ctx.catalog):
        entry = ctx.catalog.by_id[rid]
        if target.kind == "missing":
            yield warning("W010", f"{loc_str(loc)}: link to {url!r}: no record or file {target.value!r}",
                          entry.position(loc),
                          hint="link a record by id (`[ADR-0012](ADR-0012)`) or a file by a path relative "
                               "to this record's file")


text_link_rules = [check_text_links]
