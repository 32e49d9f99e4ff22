"""The MkDocs adapter: check the records, add the planned pages to the build in memory, watch the record folders.

The only module that imports MkDocs. Pages are `File.generated` objects and nothing is
ever written into `docs/` (a write there would trigger `mkdocs serve` again, forever).
Invalid records stop `mkdocs build` with the same `file:line:col` lines as `archkb check`;
under `mkdocs serve` they are logged as warnings, so the preview keeps working while
someone is halfway through an edit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import posixpath
import re
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from archkb.core.cache import cache_dir
from archkb.core.catalog import Catalog, load_catalog
from archkb.core.errors import ArchkbError, RefusedWrite
from archkb.core.kinds import KINDS
from archkb.core.mkdocs_yml import python_tags, symlinks_under
from archkb.core.portal import source_roots
from archkb.core.problems import Problem
from archkb.core.snapshot import Snapshot, snapshot
from archkb.core.trusted import Untrusted, read_regular
from archkb.core.validate import id_is_valid
from archkb.rules import CheckResult, check_catalog
from archkb.site import pagefind, preview, staging
from archkb.site.home import expand_markers
from archkb.site.markdown import KIND_FOLDER
from archkb.site.plan import DIAGRAM_MODES, GeneratedPage, SiteOptions, SitePlan, full_nav, home_page, plan_site
from archkb.site.sanitize import code_text, md_text

log = get_plugin_logger(__name__)

THEME_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "theme")
"""The page templates (record header, status badge, banners, edit line) and assets the site relies on."""
THEME_CSS = "assets/archkb/archkb.css"
THEME_JS = "assets/archkb/archkb.js"


class KbPluginConfig(base.Config):
    """Settings of the `archkb` plugin in `mkdocs.yml`."""

    enabled = c.Type(bool, default=True)
    """Switch the plugin off without removing it."""
    root = c.Optional(c.Dir(exists=True))
    """The knowledge base root (holding adr/, patterns/, ...); default: the folder of mkdocs.yml."""
    diagrams = c.Choice((*DIAGRAM_MODES, False), default="svg")
    """svg: draw with Graphviz; dot: show DOT text (no Graphviz needed); off: no diagrams (YAML reads a bare
    `off` as false, which means the same)."""
    fail_on_invalid = c.Optional(c.Type(bool))
    """Stop the build on invalid records; default: yes for `mkdocs build`, no (warn) for `mkdocs serve`."""
    cache = c.Type(bool, default=True)
    """Keep drawn diagrams in the private cache folder (outside the tree), keyed by the hash of their DOT text."""
    workers = c.Type(int, default=0)
    """Graphviz processes run at once; 0 means one per CPU."""
    auto_nav = c.Type(bool, default=True)
    """Lay out the navigation (home, records by kind and category, hand-written pages) when mkdocs.yml has no nav."""
    search = c.Choice(pagefind.SEARCH_MODES, default="auto")
    """pagefind: index the built site with Pagefind (chunked, scales to many thousand records); material: keep
    Material's own search; auto: Pagefind from 500 record files on."""
    search_timeout = c.Type(int, default=600)
    """Seconds the Pagefind indexer may take before the build fails."""
    about = c.ListOfItems(c.Type(str), default=[])
    """Hand-written pages about the tool itself (paths under docs/; `folder/` for a whole folder): the automatic
    navigation puts them in their own section, apart from the knowledge base's guides."""
    about_title = c.Type(str, default="About archkb")
    """The title of that section."""


def today() -> dt.date:
    """The check date: ARCHKB_TODAY when set (reproducible builds and tests), else today."""
    override = os.environ.get("ARCHKB_TODAY")
    return dt.date.fromisoformat(override) if override else dt.date.today()


def register_theme(config: MkDocsConfig) -> None:
    """Put the package's templates after the project's own `custom_dir` (which still overrides them) and before
    the theme's, and add the stylesheet and script, so `theme: material` alone gives the full look."""
    if config.theme.name != "material":
        log.warning(f"theme {config.theme.name!r}: the record header, status badge and superseded banner are "
                    "templates for theme: material; record pages will show the record without them")
    dirs = config.theme.dirs
    if THEME_DIR not in dirs:
        custom = config.theme.custom_dir
        at = dirs.index(custom) + 1 if custom in dirs else 0
        dirs.insert(at, THEME_DIR)
    if THEME_CSS not in config.extra_css:
        config.extra_css.append(THEME_CSS)
    if all(str(script) != THEME_JS for script in config.extra_javascript):
        config.extra_javascript.append(THEME_JS)


class KnowledgeBasePlugin(BasePlugin[KbPluginConfig]):
    """Publishes an archkb knowledge base: one page per record, index pages, diagrams, navigation."""

    def __init__(self) -> None:
        self.is_serve = False
        self.plan: SitePlan | None = None
        self.result: CheckResult | None = None
        self.root = ""
        self.search = "material"
        self.indexer = pagefind.BackgroundIndexer()
        self.dirty = False
        self.state: preview.BuildState | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this object across serve rebuilds; per-build state is reset in on_config.
        self.is_serve = command == "serve"
        # `mkdocs serve --dirty`: rebuild only what an edit touches (site/preview.py).
        self.dirty = dirty and self.is_serve
        self.state = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.plan = None
        self.result = None
        self.root = self.config.root or os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
        if self.config.enabled:
            register_theme(config)
        self.search = "material"
        if self.config.enabled:
            self.search = pagefind.choose(self.config.search, pagefind.count_record_files(self.root))
        if self.search == "pagefind":
            # Material's own index would still be built (and shipped whole to every reader): switch it off.
            material = config.plugins.get("material/search") or config.plugins.get("search")
            if material is not None and hasattr(material.config, "enabled"):
                material.config.enabled = False
            config.extra_css.extend([f"{pagefind.BUNDLE}/pagefind-ui.css", pagefind.GLUE_CSS])
            config.extra_javascript.extend([f"{pagefind.BUNDLE}/pagefind-ui.js", pagefind.GLUE_JS])
        return config

    def _fail(self) -> bool:
        if self.config.fail_on_invalid is not None:
            return bool(self.config.fail_on_invalid)
        return not self.is_serve

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        try:
            return self._add_pages(files, config)
        except PluginError:
            raise
        except Exception as exc:
            # Under `mkdocs serve` an input that crashes archkb must not stop the preview of everything else.
            if self._fail():
                raise PluginError(f"archkb: cannot build the knowledge base pages: {type(exc).__name__}: {exc}") from exc
            log.error(f"the knowledge base pages were not generated ({type(exc).__name__}: {exc}); "
                      "the rest of the site is served")
            self.plan = None
            files.append(File.generated(config, "archkb-error.md", content=_error_page(exc)))
            return files

    def _add_pages(self, files: Files, config: MkDocsConfig) -> Files:
        snap = snapshot(self.root)
        catalog, changed = self._load(snap)
        result = check_catalog(catalog, today=today())
        errors = [p for p in result.problems if p.is_error]
        for problem in result.problems:
            text = problem.format_text()
            if problem.is_error:
                (log.error if self._fail() else log.warning)(text)
            else:
                # Check warnings (a review date passed, ...) change with the calendar: never fail a build.
                log.info(text)
        if errors and self._fail():
            raise PluginError(f"archkb: {len(errors)} invalid record(s); run `archkb check` for details")
        self.result = result
        try:
            reuse = None
            if changed is not None and self.state is not None:
                reuse = preview.reuse_for(self.state, preview.affected(self.state, catalog, result.graph, changed))
            self.plan = plan_site(result, self.site_options(config), reuse=reuse)
        except ArchkbError as exc:
            raise PluginError(f"archkb: {exc}") from exc
        for source, url in self.plan.unpublished_links:
            # A warning, so `mkdocs build --strict` fails on it like on any other broken link (archkb check: W010).
            log.warning(f"{source}: the link {url!r} in the record's text points at nothing the site publishes")
        handwritten = sorted(f.src_uri for f in files.documentation_pages())
        pages = list(self.plan.pages)
        if errors:  # not failing (serve, or fail_on_invalid: false): invalid records get a page with their problems
            pages.extend(invalid_record_pages(result, self.plan, {p.uri for p in pages} | set(handwritten)))
        if "index.md" not in handwritten:
            pages.append(home_page(self.plan, result.catalog.config.title))
        staged: dict[str, str] = {}
        if not self.is_serve and self.config.cache and self.plan.assets:
            # The SVG files wait on disk, not in memory, until MkDocs copies them (site/staging.py).
            staged = staging.stage(cache_dir(self.root, "site"),
                                   ((a.uri, a.content) for a in self.plan.assets))
        for page in [*pages, *self.plan.assets]:
            existing = files.get_file_from_path(page.uri)
            if existing is not None and existing.generated_by is None:
                raise PluginError(f"archkb: docs/{page.uri} is hand-written but archkb generates that page; "
                                  "rename or remove the file")
            if page.uri in staged:
                file = File.generated(config, page.uri, abs_src_path=staged[page.uri])
            else:
                file = File.generated(config, page.uri, content=page.content)
            if self.dirty and preview.unchanged(self.state, page.uri, page.content):
                file.is_modified = _not_modified  # type: ignore[method-assign]
            if page.source:
                file.edit_uri = posixpath.relpath(os.path.join(self.root, page.source), config.docs_dir) \
                    .replace(os.sep, "/")
            files.append(file)
        if self.search == "pagefind":
            files.append(File.generated(config, pagefind.GLUE_JS, content=pagefind.glue_js()))
            files.append(File.generated(config, pagefind.GLUE_CSS, content=pagefind.glue_css()))
        if self.config.auto_nav and config.nav is None:
            config.nav = full_nav(self.plan, handwritten, about=tuple(self.config.about),
                                  about_title=self.config.about_title)
            # Big branches list year pages, not every record: MkDocs would log every record page as "not in nav".
            config.validation.nav.omitted_files = logging.DEBUG
        if self.is_serve:
            self.state = preview.remember(snap, catalog, result.graph, self.plan, [*pages, *self.plan.assets])
        s = self.plan.stats
        assets = len(self.plan.assets)
        if staged:
            self.plan.assets = []  # MkDocs copies them from disk now
        log.info(f"{len(pages)} pages and {assets} diagrams generated; "
                 f"diagrams: {s.rendered} drawn, {s.cached} from cache")
        return files

    def _load(self, snap: Snapshot) -> tuple[Catalog, set[str] | None]:
        """The catalog, and the changed record files when only those were validated again (dirty preview)."""
        if self.dirty and self.state is not None:
            changed = preview.changed_paths(self.state, snap)
            if changed is not None:
                catalog = preview.reload_catalog(self.state, snap, changed)
                if catalog is not None:
                    return catalog, changed
        return load_catalog(self.root, snap=snap), None

    def site_options(self, config: MkDocsConfig) -> SiteOptions:
        """The plan's options from mkdocs.yml: URL style, edit links, diagram cache."""
        edit_base = None
        if config.repo_url and config.edit_uri:
            edit_base = config.repo_url.rstrip("/") + "/" + config.edit_uri.lstrip("/")
            if not edit_base.endswith("/"):
                edit_base += "/"
        return SiteOptions(
            use_directory_urls=config.use_directory_urls,
            diagrams=str(self.config.diagrams or "off"),
            cache_dir=cache_dir(self.root, "svg") if self.config.cache else None,
            workers=self.config.workers or None,
            edit_base=edit_base,
            docs_to_root=os.path.relpath(self.root, config.docs_dir).replace(os.sep, "/"),
            root_to_docs=os.path.relpath(config.docs_dir, self.root).replace(os.sep, "/"),
            today=today(),
            git_root=self.root,
        )

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.plan is None or page.file.generated_by is not None:
            return markdown
        return expand_markers(markdown, self.plan.context, page.file.src_uri)

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        if self.search != "pagefind":
            return output
        info = page.meta.get("archkb")
        rid = info.get("id") if isinstance(info, dict) else None
        return pagefind.mark_page(output, record_id=rid if isinstance(rid, str) else None,
                                  indexed=not page.meta.get("archkb_index"))

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.search != "pagefind":
            return
        if self.is_serve:
            # The preview shows the page at once; its search index follows a few seconds later. A dirty
            # preview keeps the site folder, so the first index stays (stale, but an edit is not slowed down).
            if not (self.dirty and self.indexer.last is not None):
                self.indexer.start(config.site_dir, self.config.search_timeout)
            return
        try:
            run = pagefind.index_site(config.site_dir, timeout=self.config.search_timeout)
        except pagefind.PagefindError as exc:
            raise PluginError(f"archkb: {exc}") from exc
        log.info(f"search: Pagefind indexed {run.pages} pages in {run.seconds:.1f} s")

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        for kind in sorted(KINDS.values(), key=lambda k: k.folder):
            folder = os.path.join(self.root, kind.folder)
            if os.path.isdir(folder):
                server.watch(folder)
        for source in source_roots(self.root):
            # A portal previews its sources' edits too.
            for kind in sorted(KINDS.values(), key=lambda k: k.folder):
                if os.path.isdir(os.path.join(source, kind.folder)):
                    server.watch(os.path.join(source, kind.folder))
        settings = os.path.join(self.root, "archkb.yaml")
        if os.path.exists(settings):
            server.watch(settings)
        return server


def _not_modified() -> bool:
    """Stands in for `File.is_modified` on a generated file identical to the last build's."""
    return False


def invalid_record_pages(result: CheckResult, plan: SitePlan, taken: set[str]) -> list[GeneratedPage]:
    """A page for each record that failed to load, at the URL its id would have, listing its problems.

    The id comes from the file when it is readable and of its kind's form (it becomes a path),
    else from the file name; a record whose page already exists (a duplicate id) is skipped.
    """
    by_path: dict[str, list[Problem]] = {}
    for problem in result.problems:
        by_path.setdefault(problem.position.path, []).append(problem)
    out: list[GeneratedPage] = []
    for entry in result.catalog.entries:
        if entry.record is not None:
            continue
        stem = os.path.basename(entry.path)[: -len(".yaml")]
        data = entry.doc().data if entry.doc().data is not None else {}
        guess = data.get("id") if isinstance(data, dict) else None
        if not id_is_valid(entry.kind, guess):
            numbered = re.match(r"^[A-Z]+-\d+", stem) if entry.kind.numbered else None
            guess = numbered.group() if numbered else stem
        if not id_is_valid(entry.kind, guess):
            continue
        guess = str(guess)
        uri = f"{KIND_FOLDER[entry.kind.name]}/{guess}.md"
        if uri in taken:
            continue
        taken.add(uri)
        lines = [f"# {md_text(guess)}: not published", "",
                 f"The record in {code_text(entry.path)} is invalid, so only its problems are shown. "
                 "Run `archkb check` for the same list.", ""]
        lines += [f"- {code_text(p.format_text().splitlines()[0])}" for p in by_path.get(entry.path, [])]
        out.append(GeneratedPage(uri, "\n".join(lines) + "\n", entry.path))
    return out


def _error_page(exc: Exception) -> str:
    return ("# Knowledge base pages not generated\n\n"
            f"archkb stopped with {code_text(f'{type(exc).__name__}: {exc}')}; "
            "the terminal running `mkdocs serve` shows the details. Fix the input and save to rebuild.\n")


EXPORT_MARKER = ".archkb-export"


def _manifest(folder: str) -> dict[str, str]:
    """SHA-256 of every file under `folder` by relative path (the marker itself excluded)."""
    out: dict[str, str] = {}
    for here, _, names in os.walk(folder):
        for name in names:
            full = os.path.join(here, name)
            rel = os.path.relpath(full, folder).replace(os.sep, "/")
            if rel == EXPORT_MARKER:
                continue
            if os.path.islink(full) or not os.path.isfile(full):
                out[rel] = "not a regular file"
                continue
            with open(full, "rb") as fh:
                out[rel] = hashlib.sha256(fh.read()).hexdigest()
    return out


def _check_previous_export(out: str) -> None:
    """Refuse to replace `out` unless it is empty or exactly what the last export wrote (user files are kept).

    The marker lists the SHA-256 of every file the export wrote; a file not listed, or changed,
    is the user's, so nothing is replaced. The exported project's build output (`site/`) is not
    the user's work and is replaced with the rest.
    """
    if not os.path.lexists(out):
        return
    if os.path.islink(out) or not os.path.isdir(out):
        raise RefusedWrite(f"{out} exists and is not a folder written by `archkb export-site`; choose a new folder")
    if not os.listdir(out):
        return
    marker = os.path.join(out, EXPORT_MARKER)
    try:
        recorded = json.loads(read_regular(marker, 64 * 1024 * 1024)).get("files")
    except (Untrusted, OSError, ValueError, AttributeError):
        recorded = None
    if not isinstance(recorded, dict):
        raise RefusedWrite(f"{out} exists and was not written by this version of `archkb export-site`; "
                           "choose a new folder", hint="move your own files out of it, then remove it")
    now = _manifest(out)
    # `site/` is where `mkdocs build` of the exported project writes (it cleans that folder itself).
    changed = sorted(rel for rel, digest in now.items() if recorded.get(rel) != digest and not rel.startswith("site/"))
    if changed:
        listed = ", ".join(changed[:10]) + (" ..." if len(changed) > 10 else "")
        raise RefusedWrite(f"{out} holds files the last export did not write, or changed since: {listed}; "
                           "nothing was replaced", hint="move those files elsewhere, or export to a new folder")


def _planned_files(config_file: str) -> tuple[dict[str, Any], Any, Any, KnowledgeBasePlugin, Any]:
    """mkdocs.yml as written (never executing tags), the loaded config, its own nav, the plugin and the files."""
    from mkdocs.config import load_config as load_mkdocs_config
    from mkdocs.structure.files import get_files
    from mkdocs.utils.yaml import yaml_load

    tags = python_tags(config_file)
    if tags:
        where, line, col, tag = tags[0]
        raise RefusedWrite(f"{where}:{line}:{col}: {tag} tag: export-site never executes code from mkdocs.yml",
                           hint="remove the !!python/ tags (MkDocs itself would run them when building)")
    try:
        with open(config_file, encoding="utf-8") as fh:
            raw = yaml_load(fh) or {}
        config = load_mkdocs_config(config_file)
    except Exception as exc:  # mkdocs raises several types for a bad mkdocs.yml
        raise ArchkbError(f"cannot load {config_file}: {exc}") from exc
    plugin = config.plugins.get("archkb")
    if not isinstance(plugin, KnowledgeBasePlugin):
        raise ArchkbError(f"{config_file} does not enable the archkb plugin")
    user_nav = config.nav
    # The export is a plain MkDocs project: it keeps the engine's own search (Pagefind runs after a build).
    plugin.config.search = "material"
    plugin.on_startup(command="build", dirty=False)
    plugin.on_config(config)
    # MkDocs records which plugin generated a file from this attribute, set while it runs events.
    config.plugins._current_plugin = "archkb"
    try:
        files = plugin.on_files(get_files(config), config=config)
    except PluginError as exc:
        raise ArchkbError(str(exc)) from exc
    assert plugin.plan is not None
    linked = sorted(f.src_uri for f in files if f.generated_by is None and f.abs_src_path
                    and os.path.islink(f.abs_src_path))
    if linked:
        raise RefusedWrite(f"refusing to export symlinked file(s): {', '.join(linked[:10])}; "
                           "export-site copies files, never what a link points at")
    return raw, config, user_nav, plugin, files


def _write_docs(files: Any, docs: str, plugin: KnowledgeBasePlugin) -> tuple[int, int]:
    """Every page and file into `docs`; (pages written, other files copied)."""
    assert plugin.plan is not None
    pages = copied = 0
    for file in sorted(files, key=lambda f: f.src_uri):
        target = os.path.join(docs, *file.src_uri.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if file.generated_by is not None:
            content = file.content_string if file.is_documentation_page() else file.content_bytes
        elif file.is_documentation_page():
            content = expand_markers(file.content_string, plugin.plan.context, file.src_uri)
        else:
            with open(target, "wb") as fh:  # a symlink was refused before: this is the file itself
                fh.write(read_regular(str(file.abs_src_path), 256 * 1024 * 1024))
            copied += 1
            continue
        if isinstance(content, str):
            with open(target, "w", encoding="utf-8", newline="") as text_out:
                text_out.write(content)
        else:
            with open(target, "wb") as bin_out:
                bin_out.write(content)
        pages += file.is_documentation_page()
        copied += not file.is_documentation_page()
    return pages, copied


def _exported_config(raw: dict[str, Any], nav: Any, user_nav: Any, config_file: str, tmp: str) -> dict[str, Any]:
    """The export's mkdocs.yml: no archkb plugin, the navigation written out, the packaged theme as custom_dir."""
    import shutil

    exported = dict(raw)
    exported["docs_dir"] = "docs"
    exported.pop("site_dir", None)
    exported["plugins"] = [p for p in raw.get("plugins", []) or []
                           if (p if isinstance(p, str) else next(iter(p), "")) != "archkb"]
    if user_nav is None and nav is not None:
        exported["nav"] = nav
    theme = raw.get("theme")
    theme = dict(theme) if isinstance(theme, dict) else {"name": theme or "material"}
    name = "overrides"
    shutil.copytree(THEME_DIR, os.path.join(tmp, name))
    if theme.get("custom_dir"):
        src = os.path.join(os.path.dirname(os.path.abspath(config_file)), theme["custom_dir"])
        name = os.path.basename(os.path.normpath(theme["custom_dir"])) or name
        links = symlinks_under(os.path.dirname(src), os.path.basename(src))
        if links:
            raise RefusedWrite(f"refusing to export symlinks in the theme's custom_dir: {', '.join(links[:10])}")
        if name != "overrides":
            os.replace(os.path.join(tmp, "overrides"), os.path.join(tmp, name))
        shutil.copytree(src, os.path.join(tmp, name), dirs_exist_ok=True)
    exported["theme"] = {**theme, "custom_dir": name}
    css, js = raw.get("extra_css") or [], raw.get("extra_javascript") or []
    exported["extra_css"] = [*css, *([] if THEME_CSS in css else [THEME_CSS])]
    exported["extra_javascript"] = [*js, *([] if THEME_JS in js else [THEME_JS])]
    return exported


def export_project(config_file: str, out: str) -> tuple[int, int]:
    """Write a plain MkDocs project to `out`: generated and hand-written pages, theme overrides, and a
    `mkdocs.yml` without the archkb plugin, so `mkdocs build` there needs nothing of archkb.

    Atomic: everything is written to a temporary folder beside `out` and renamed into place;
    an existing `out` is replaced only when an earlier export created it. Returns
    (pages written, other files copied). Raises ArchkbError (nothing changed) on any problem.
    """
    import shutil
    import tempfile

    import yaml

    out = os.path.abspath(out)
    _check_previous_export(out)
    raw, config, user_nav, plugin, files = _planned_files(config_file)
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".archkb-export-", dir=parent)
    try:
        pages, copied = _write_docs(files, os.path.join(tmp, "docs"), plugin)
        exported = _exported_config(raw, config.nav, user_nav, config_file, tmp)
        with open(os.path.join(tmp, "mkdocs.yml"), "w", encoding="utf-8") as fh:
            fh.write("# Written by `archkb export-site`: the knowledge base's pages as a plain MkDocs project.\n")
            yaml.safe_dump(exported, fh, sort_keys=False, allow_unicode=True, width=1000)
        with open(os.path.join(tmp, EXPORT_MARKER), "w", encoding="utf-8") as fh:
            json.dump({"written_by": "archkb export-site", "files": _manifest(tmp)}, fh, indent=1, sort_keys=True)
        old = None
        if os.path.exists(out):
            old = tempfile.mkdtemp(prefix=".archkb-export-old-", dir=parent)
            os.replace(out, os.path.join(old, "previous"))
        os.replace(tmp, out)
        if old:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return pages, copied
