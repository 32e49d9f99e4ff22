"""Scaffold new records: the next free ADR number, a slug file name, and a valid starting text.

The new file starts with the schema comment (editor completion), `status: proposed` (or
`draft`) and today's date, and validates as it is, so `archkb check` passes before the
author has written a word. Numbers count the working tree AND the base branch, so two
parallel branches are less likely to take the same one (`archkb check --base` catches the rest).
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from importlib import resources

from archkb.core import kinds
from archkb.core.catalog import Catalog
from archkb.core.errors import ArchkbError, Conflict, UsageError
from archkb.core.fileio import write_new
from archkb.core.schema import schema_comment

SLUG_MAX = 60


def slugify(text: str) -> str:
    """Lower-case kebab-case ASCII, at most SLUG_MAX characters, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX].rsplit("-", 1)[0]
    return slug


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def adr_text(catalog: Catalog, rid: str, title: str, today: dt.date, *, supersedes: list[str] = (),  # type: ignore[assignment]
             amends: list[str] = (), applies: list[str] = ()) -> str:  # type: ignore[assignment]
    """The starting text of a proposed decision."""
    links = ([("supersedes", t) for t in supersedes] + [("amends", t) for t in amends]
             + [("applies", t) for t in applies])
    lines = [
        schema_comment("decision", catalog.config.schema_dir),
        f"id: {rid}",
        f"title: {_q(title)}",
        "status: proposed",
        f"date: {today.isoformat()}",
        "decision_makers: []",
        "tags: []",
        "context: |",
        "  What is the issue that motivates this decision? Describe the forces at play.",
        "drivers: []",
        "options: []",
        "consequences:",
        "  positive: []",
        "  negative: []",
    ]
    if links:
        lines.append("links:")
        lines.extend(f"  - {{type: {t}, target: {target}}}" for t, target in links)
    return "\n".join(lines) + "\n"


def template_text(catalog: Catalog, kind: str, rid: str, name: str, today: dt.date) -> str:
    """The scaffold of a new record of `kind`, from `archkb/templates/<kind's template>`."""
    k = kinds.kind(kind)
    if not k.template or k.numbered:
        raise UsageError(f"`archkb new {kind}` is not how {kind} records are made")
    text = resources.files("archkb").joinpath("templates").joinpath(k.template).read_text(encoding="utf-8")
    category = catalog.config.category_ids[0] if catalog.config.category_ids else "other"
    return string.Template(text).substitute(
        schema_comment=schema_comment(kind, catalog.config.schema_dir), id=rid, name_q=_q(name),
        today=today.isoformat(), category=category)


def new_adr_path(rid: str, title: str) -> str:
    slug = slugify(title)
    return f"adr/{rid}-{slug}.yaml" if slug else f"adr/{rid}.yaml"


def new_record(catalog: Catalog, kind: str, name: str, today: dt.date) -> tuple[str, str]:
    """(relative path, text) of a new pattern, checklist or review named `name`."""
    rid = slugify(name)
    if not rid or not re.match(r"^[a-z][a-z0-9-]*$", rid):
        raise ArchkbError(f"cannot make an id from {name!r}: use letters and digits")
    taken = catalog.entry(rid) or next((e for e in catalog.entries if e.path == f"{kinds.kind(kind).folder}/{rid}.yaml"), None)
    if taken is not None:  # ids are unique across kinds
        raise Conflict(f"id {rid!r} is already used by {taken.path}")
    return f"{kinds.kind(kind).folder}/{rid}.yaml", template_text(catalog, kind, rid, name, today)


def create(root: str, rel: str, text: str) -> str:
    """Write a new file through the one writer; never overwrites. Returns `rel`."""
    return write_new(root, rel, text)
