"""Everything one `archkb import` writes, planned before anything is written: records, copied images, and the
`exclude_docs` entry that keeps the old Markdown log from being published a second time.

The importer (`convert`) reads; `references` re-points links; this module turns the result
into file operations on the knowledge base root, which the command applies in one
`Transaction` (all or nothing, never over an existing file).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from typing import Any

from archkb.adopt.convert import ImportResult
from archkb.adopt.references import ReferenceResult, resolve_references
from archkb.adopt.writer import record_yaml, slug
from archkb.core.errors import InvalidInput
from archkb.core.mkdocs_yml import load_inert
from archkb.core.trusted import Untrusted, read_inside, read_regular


@dataclass
class ImportPlan:
    """Files to create (relative to the root), an edit of mkdocs.yml, what the references did, advice to print."""

    create: dict[str, str | bytes] = field(default_factory=dict)
    replace: dict[str, str] = field(default_factory=dict)
    references: ReferenceResult = field(default_factory=ReferenceResult)
    advice: list[str] = field(default_factory=list)


def _mkdocs(root: str) -> tuple[str | None, dict[str, Any]]:
    """The text of mkdocs.yml at the root and its settings, read without executing anything.

    MkDocs' own loader runs `!!python/...` tags; here they (and `!ENV`) are inert (None), which is
    enough to read `docs_dir` and `exclude_docs`.
    """
    path = os.path.join(root, "mkdocs.yml")
    try:
        text = read_regular(path, 1024 * 1024).decode("utf-8", "replace")
    except (Untrusted, OSError):
        return None, {}
    return text, load_inert(text)


def exclude_entry(root: str, src: str) -> tuple[str | None, str | None]:
    """(new mkdocs.yml text, advice) so that MkDocs does not publish the Markdown log at `src` again.

    Nothing to do (None, None) when `src` is outside the docs folder or already excluded. When
    mkdocs.yml has no `exclude_docs`, the entry is appended; otherwise the advice says exactly
    which line to add, because the existing value may be written in any YAML style.
    """
    text, data = _mkdocs(root)
    if text is None:
        return None, None
    docs = os.path.abspath(os.path.join(root, str(data.get("docs_dir") or "docs")))
    folder = os.path.abspath(src)
    if os.path.commonpath([docs, folder]) != docs or folder == docs:
        return None, None
    rel = os.path.relpath(folder, docs).replace(os.sep, "/")
    pattern = f"/{rel}/"
    current = data.get("exclude_docs")
    if isinstance(current, str):
        from pathspec.gitignore import GitIgnoreSpec

        if GitIgnoreSpec.from_lines(current.splitlines()).match_file(f"{rel}/0001-x.md"):
            return None, None
        return None, f"add the line `{pattern}` to `exclude_docs` in mkdocs.yml, so the old log is not published twice"
    if "exclude_docs" in data:
        return None, f"set `exclude_docs` in mkdocs.yml to a block that includes `{pattern}`"
    sep = "" if text.endswith("\n") else "\n"
    return (text + sep + "# The Markdown decision log, now imported by `archkb import`: published once, as records.\n"
            f"exclude_docs: |\n  {pattern}\n"), None


def _read_image(src: str, source: str) -> bytes:
    """An image's bytes: inside the source folder every folder on the way is checked too (no symlinked folder)."""
    limit = 64 * 1024 * 1024
    base, full = os.path.realpath(src), os.path.abspath(source)
    rel = os.path.relpath(full, os.path.abspath(src))
    if not rel.startswith(".."):
        return read_inside(base, rel.replace(os.sep, "/"), limit)
    return read_regular(full, limit)


def plan_import(result: ImportResult, src: str, *, root: str, out: str, schema_dir: str,
                source_url: str | None = None) -> ImportPlan:
    """The files one import writes under `root`: records in `out`, images under the docs folder's `assets/`."""
    _, data = _mkdocs(root)
    docs_rel = posixpath.normpath(str(data.get("docs_dir") or "docs"))
    out_rel = posixpath.normpath(out.replace(os.sep, "/"))
    warnings = {r.path: r.warnings for r in result.reports}
    plan = ImportPlan()
    plan.references = resolve_references(result.records, result.sources, src, root=root, out_rel=out_rel,
                                         assets_rel=posixpath.join(docs_rel, "assets", out_rel),
                                         source_url=source_url, warnings=warnings)
    for rid, rec in sorted(result.records.items()):
        plan.create[posixpath.join(out_rel, f"{rid}-{slug(rec['title'])}.yaml")] = record_yaml(rec, schema_dir)
    for source, dest in sorted(plan.references.images.items()):
        try:  # the reading policy: a symlinked "image" would publish the file it points at
            plan.create[dest] = _read_image(src, source)
        except Untrusted as exc:
            raise InvalidInput(f"not importing the image {source}: it {exc.reason}") from exc
        except OSError as exc:
            raise InvalidInput(f"cannot read the image {source}: {exc.strerror}") from exc
    new_text, advice = exclude_entry(root, src)
    if new_text is not None:
        plan.replace["mkdocs.yml"] = new_text
    if advice:
        plan.advice.append(advice)
    return plan
