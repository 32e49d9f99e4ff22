"""The MkDocs adapter: check the records, add the planned pages to the build in memory, watch the record folders.

The only module that imports MkDocs. Pages are `File.generated` objects and nothing is
ever written into `docs/` (a write there would trigger `mkdocs serve` again, forever).
Invalid records stop `mkdocs build` with the same `file:line:col` lines as `archkb check`;
under `mkdocs serve` they are logged as warnings, so the preview keeps working while
someone is halfway through an edit.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from archkb.catalog import load_catalog
from archkb.models import KINDS
from archkb.problems import KbError
from archkb.render.markdown import expand_markers
from archkb.rules import CheckResult, check_catalog
from archkb.site import DIAGRAM_MODES, SiteOptions, SitePlan, full_nav, home_page, plan_site
from archkb.snapshot import CACHE_DIR

log = get_plugin_logger(__name__)


class KbPluginConfig(base.Config):
    """Settings of the `archkb` plugin in `mkdocs.yml`."""

    enabled = c.Type(bool, default=True)
    """Switch the plugin off without removing it."""
    root = c.Optional(c.Dir(exists=True))
    """The knowledge base root (holding adr/, patterns/, ...); default: the folder of mkdocs.yml."""
    diagrams = c.Choice(DIAGRAM_MODES, default="svg")
    """svg: draw with Graphviz; dot: show DOT text (no Graphviz needed); off: no diagrams."""
    fail_on_invalid = c.Optional(c.Type(bool))
    """Stop the build on invalid records; default: yes for `mkdocs build`, no (warn) for `mkdocs serve`."""
    cache = c.Type(bool, default=True)
    """Keep drawn diagrams in .archkb_cache/svg/ under the root, keyed by the hash of their DOT text."""
    workers = c.Type(int, default=0)
    """Graphviz processes run at once; 0 means one per CPU."""
    auto_nav = c.Type(bool, default=True)
    """Lay out the navigation (home, records by kind and category, hand-written pages) when mkdocs.yml has no nav."""


def today() -> dt.date:
    """The check date: ARCHKB_TODAY when set (reproducible builds and tests), else today."""
    override = os.environ.get("ARCHKB_TODAY")
    return dt.date.fromisoformat(override) if override else dt.date.today()


class KnowledgeBasePlugin(BasePlugin[KbPluginConfig]):
    """Publishes an archkb knowledge base: one page per record, index pages, diagrams, navigation."""

    def __init__(self) -> None:
        self.is_serve = False
        self.plan: SitePlan | None = None
        self.result: CheckResult | None = None
        self.root = ""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this object across serve rebuilds; per-build state is reset in on_config.
        self.is_serve = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.plan = None
        self.result = None
        self.root = self.config.root or os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
        return config

    def _fail(self) -> bool:
        if self.config.fail_on_invalid is not None:
            return bool(self.config.fail_on_invalid)
        return not self.is_serve

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        result = check_catalog(load_catalog(self.root), today=today())
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
            self.plan = plan_site(result, self.site_options(config))
        except KbError as exc:
            raise PluginError(f"archkb: {exc}") from exc
        handwritten = sorted(f.src_uri for f in files.documentation_pages())
        pages = list(self.plan.pages)
        if "index.md" not in handwritten:
            pages.append(home_page(self.plan, result.catalog.config.title))
        for page in pages:
            existing = files.get_file_from_path(page.uri)
            if existing is not None and existing.generated_by is None:
                raise PluginError(f"archkb: docs/{page.uri} is hand-written but archkb generates that page; "
                                  "rename or remove the file")
            file = File.generated(config, page.uri, content=page.content)
            if page.source:
                file.edit_uri = posixpath.relpath(os.path.join(self.root, page.source), config.docs_dir) \
                    .replace(os.sep, "/")
            files.append(file)
        if self.config.auto_nav and config.nav is None:
            config.nav = full_nav(self.plan, handwritten)
        s = self.plan.stats
        log.info(f"{len(pages)} pages generated; diagrams: {s.rendered} drawn, {s.cached} from cache")
        return files

    def site_options(self, config: MkDocsConfig) -> SiteOptions:
        """The plan's options from mkdocs.yml: URL style, edit links, diagram cache."""
        edit_base = None
        if config.repo_url and config.edit_uri:
            edit_base = config.repo_url.rstrip("/") + "/" + config.edit_uri.lstrip("/")
            if not edit_base.endswith("/"):
                edit_base += "/"
        return SiteOptions(
            use_directory_urls=config.use_directory_urls,
            diagrams=self.config.diagrams,
            cache_dir=os.path.join(self.root, CACHE_DIR, "svg") if self.config.cache else None,
            workers=self.config.workers or None,
            edit_base=edit_base,
            docs_to_root=os.path.relpath(self.root, config.docs_dir).replace(os.sep, "/"),
        )

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.plan is None or page.file.generated_by is not None:
            return markdown
        return expand_markers(markdown, self.plan.context, page.file.src_uri)

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        for kind in sorted(KINDS.values(), key=lambda k: k.folder):
            folder = os.path.join(self.root, kind.folder)
            if os.path.isdir(folder):
                server.watch(folder)
        settings = os.path.join(self.root, "archkb.yaml")
        if os.path.exists(settings):
            server.watch(settings)
        return server
