"""Scaffold new records: the next free ADR number, a slug file name, and a valid starting text.

The new file starts with the schema comment (editor completion), `status: proposed` (or
`draft`) and today's date, and validates as it is, so `archkb check` passes before the
author has written a word. Numbers count the working tree AND the base branch, so two
parallel branches are less likely to take the same one (`archkb check --base` catches the rest).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata

from archkb.catalog import Catalog
from archkb.problems import KbError
from archkb.schema import schema_comment
from archkb.snapshot import RECORD_FOLDERS

FOLDERS = {kind: folder for folder, kind in RECORD_FOLDERS.items()}
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


def _pattern_text(catalog: Catalog, rid: str, name: str, today: dt.date) -> str:
    category = catalog.config.category_ids[0] if catalog.config.category_ids else "other"
    return "\n".join([
        schema_comment("pattern", catalog.config.schema_dir),
        f"id: {rid}", f"name: {_q(name)}", f"category: {category}", "status: draft",
        "summary: One line on what the pattern does.",
        "problem: Which question does this pattern answer?",
        "context: |", "  Where does the problem arise?",
        "solution: |", "  How does the pattern solve it?",
        f"last_reviewed: {today.isoformat()}",
    ]) + "\n"


def _checklist_text(catalog: Catalog, rid: str, name: str, today: dt.date) -> str:
    return "\n".join([
        schema_comment("checklist", catalog.config.schema_dir),
        f"id: {rid}", f"title: {_q(name)}", f"family: {rid}", f"version: {_q(today.isoformat())}",
        "description: |", "  What this checklist reviews, and for which projects.",
        "sections:",
        "  - id: general", "    title: General", "    questions:",
        "      - id: first-question", "        text: Replace with the first question.",
        "        rationale: Why the question matters.", "        severity: medium",
    ]) + "\n"


def _review_text(catalog: Catalog, rid: str, name: str, today: dt.date) -> str:
    return "\n".join([
        schema_comment("review", catalog.config.schema_dir),
        f"id: {rid}", f"title: {_q(name)}",
        "project:", f"  name: {_q(name)}", "  owner: Project owner",
        "  description: |", "    What the system does and for whom.",
        "  system_type: predictive", "  risk_tier: limited", "  data_classification: internal",
        "  personal_data: false", "  deployment: cloud",
        "patterns: []", "decisions: []",
    ]) + "\n"


TEMPLATES = {"pattern": _pattern_text, "checklist": _checklist_text, "review": _review_text}


def new_adr_path(rid: str, title: str) -> str:
    slug = slugify(title)
    return f"adr/{rid}-{slug}.yaml" if slug else f"adr/{rid}.yaml"


def new_record(catalog: Catalog, kind: str, name: str, today: dt.date) -> tuple[str, str]:
    """(relative path, text) of a new pattern, checklist or review named `name`."""
    rid = slugify(name)
    if not rid or not re.match(r"^[a-z][a-z0-9-]*$", rid):
        raise KbError(f"cannot make an id from {name!r}: use letters and digits")
    if catalog.entry(rid) is not None:
        raise KbError(f"{rid} already exists ({catalog.entry(rid).path})")  # type: ignore[union-attr]
    return f"{FOLDERS[kind]}/{rid}.yaml", TEMPLATES[kind](catalog, rid, name, today)


def create(root: str, rel: str, text: str) -> str:
    """Write a new file; never overwrites (O_EXCL), writes whole or not at all. Returns the path."""
    full = os.path.join(root, rel)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    tmp = full + ".archkb-tmp"
    with open(tmp, "x", encoding="utf-8", newline="") as fh:
        fh.write(text)
    try:
        os.link(tmp, full)  # fails if `full` exists: no overwrite race
    except FileExistsError:
        raise KbError(f"refusing to overwrite {rel}") from None
    finally:
        os.remove(tmp)
    return rel
