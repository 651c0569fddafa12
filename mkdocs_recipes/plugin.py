"""The MkDocs plugin `recipes`: MkDocs events -> core calls."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import ChoiceLoader, FileSystemLoader
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs_macros.plugin import MacrosPlugin

from .config import RecipesConfig
from .flux.settings import FluxSettings
from .macros import RecipeMacros
from .report.findings import Finding
from .site.analysis import PageState
from .site.engine import (
    INCLUDES_DIR,
    RecipeEngine,
    Session,
    SetupError,
    folder_state,
    jinja_renderer,
    macros_render,
)
from .site.engines import declare_properdocs_support

if TYPE_CHECKING:
    from .pages.page_findings import MarkedPage

__all__ = ["RecipesPlugin"]

#: mkdocs-macros logs through `mkdocs.plugins.mkdocs_macros.util`.
_MACROS_LOG = logging.getLogger("mkdocs.plugins.mkdocs_macros")

declare_properdocs_support()


class RecipesPlugin(BasePlugin[RecipesConfig]):
    """Reads recipe front-matter, provides the Flux includes and macros, reports findings."""

    def __init__(self) -> None:
        #: Where findings go instead of the log (`mkdocs-recipes check` collects them).
        self.sink: Callable[[Finding], None] | None = None
        #: Told `("charts", done, total)` while charts are fetched (a progress bar).
        self.progress: Callable[[str, int, int], None] | None = None
        self._engine: RecipeEngine | None = None
        self._macros: MacrosPlugin | None = None
        #: Set by `on_startup`: "serve" under `mkdocs serve`, else "build"/"gh-deploy".
        self.command: str | None = None
        #: What outlives a rebuild under `mkdocs serve` (MkDocs keeps this plugin object
        #: for the whole session because it has `on_startup`).
        self.session: Session | None = None
        #: Pages marked for their findings in this build: src_path -> (path shown in
        #: findings, the marked page).
        self._marked: dict[str, tuple[str, MarkedPage]] = {}
        #: False when nobody reads the Flux YAML's text (`mkdocs-recipes check`).
        self.emit_yaml = True
        #: mkdocs-macros' logger level before this plugin quieted it (None: untouched).
        self._macros_log_level: int | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        self.session = Session() if command == "serve" else None

    def on_shutdown(self) -> None:
        # MkDocs keeps this object for the rest of the process: forget the session.
        self.command, self.session = None, None
        if self._macros_log_level is not None:
            _MACROS_LOG.setLevel(self._macros_log_level)
            self._macros_log_level = None

    @property
    def engine(self) -> RecipeEngine:
        """This build's state; set up in `on_config` (an error before that)."""
        if self._engine is None:
            raise RuntimeError("the recipes plugin is used before its on_config ran")
        return self._engine

    # Runs before mkdocs-macros' on_config, which logs what it registers.
    @event_priority(100)
    def _quiet_macros(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """mkdocs-macros' INFO lines (`No default module main found`, its lists of
        variables, macros and filters) on every build say nothing to a site owner: they
        are hidden unless `verbose: true` is set under `macros`. Its warnings still show."""
        if not self.config.enabled:
            return None
        macros = config.plugins.get("macros")
        verbose = getattr(macros, "config", {}).get("verbose") if macros else False
        if not verbose and self._macros_log_level is None:
            self._macros_log_level = _MACROS_LOG.level
            _MACROS_LOG.setLevel(logging.WARNING)
        return None

    # Runs after every default-priority on_config, so mkdocs-macros has already built
    # its Jinja environment, whichever order the two plugins have in `plugins:`.
    @event_priority(-50)
    def _set_up(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        root = Path(config.config_file_path or ".").resolve().parent
        #: Where pages a reader's findings can point at live: the project and docs_dir.
        self._sources = (root, Path(config.docs_dir).resolve())
        macros = self._macros = _macros_plugin(config)
        try:
            engine = self._engine = RecipeEngine(
                self.config, root, self.session, self._generation(config, macros)
            )
        except SetupError as error:
            raise PluginError(f"recipes: invalid option in mkdocs.yml: {error}") from None
        engine.sink, engine.progress = self.sink, self.progress
        self._marked = {}
        if self.showing and "admonition" not in config.markdown_extensions:
            # Findings are shown as admonitions: plain Python-Markdown ones.
            config.markdown_extensions.append("admonition")
        engine.use_markdown_config(config.markdown_extensions, config.mdx_configs or {})
        engine.check_include_dir(macros.config.get("include_dir"), Path(config.docs_dir))
        functions = RecipeMacros(
            self.page_state, engine.report, emit_yaml=self.emit_yaml
        ).functions()
        macros.register_macros(functions)
        # The site's own include_dir stays first: a same-named file there wins.
        env = macros.env
        loaders = [loader for loader in (env.loader,) if loader is not None]
        env.loader = ChoiceLoader([*loaders, FileSystemLoader(str(INCLUDES_DIR))])
        return None

    on_config = CombinedEvent(_quiet_macros, _set_up)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if self.config.enabled:
            self.engine.prefetch(
                (file.src_path, _reader(file)) for file in files.documentation_pages()
            )
        return files

    @property
    def showing(self) -> bool:
        """Whether this build shows findings in the pages (`show_findings`)."""
        chosen = self.config.show_findings
        return chosen == "always" or (chosen == "serve" and self.command == "serve")

    # Before mkdocs-macros renders the page, so the macros find its recipe ready.
    @event_priority(50)
    def _analyse_page(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Any
    ) -> str | None:
        if not self.config.enabled:
            return None
        state = self.page_state(page)
        if state is None or not self.showing:
            return None
        from .pages.page_findings import mark_blocks

        findings = self.engine.by_path.get(state.path, [])
        marked = mark_blocks(markdown, state.source, findings)
        self._marked[page.file.src_path] = (state.path, marked)
        return marked.markdown

    # After mkdocs-macros rendered the page: its macros' findings are known too.
    @event_priority(-50)
    def _show_findings(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Any
    ) -> str | None:
        if self.session is None:
            # A one-off build is done with the page: its analysis (source, front-matter
            # nodes, blocks) need not live until the end of the build. Its findings do.
            self.engine.pages.pop(page.file.src_path, None)
        entry = self._marked.pop(page.file.src_path, None)
        if entry is None:
            return None  # not shown in this build, or not a page the plugin analysed
        from .pages.page_findings import show_findings

        path, marked = entry
        return show_findings(markdown, marked, self.engine.by_path.get(path, []))

    on_page_markdown = CombinedEvent(_analyse_page, _show_findings)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        engine = self._engine
        if engine is not None and engine.baseline is not None:
            stale = engine.baseline.stale_finding()
            if stale is not None:
                self.report(stale)

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if not self.config.enabled or self._engine is None:
            return server
        # A new lockfile (`mkdocs-recipes lock`) changes what the pages are checked
        # against; snippets outside docs_dir change what they show. (mkdocs-macros
        # watches its include_dir itself.)
        from .checks.links.snippets import snippet_folders

        watched = [self._engine.root / self.config.lockfile]
        if "pymdownx.snippets" in config.markdown_extensions:
            watched += snippet_folders(config)
        docs_dir = Path(config.docs_dir).resolve()
        site_dir = Path(config.site_dir).resolve()
        for path in watched:
            path = path.resolve()
            # A folder that holds the built site would rebuild it for ever (the default
            # snippets base_path is the project folder itself).
            if path.exists() and not (
                path.is_relative_to(docs_dir) or site_dir.is_relative_to(path)
            ):
                server.watch(str(path))
        return server

    def _generation(self, config: MkDocsConfig, macros: MacrosPlugin) -> object:
        """What every page's analysis depends on besides its source: a page analysed in
        an earlier rebuild is reused only while this is equal."""
        if self.session is None:
            return None
        include_dir = macros.config.get("include_dir")
        folders = [Path(include_dir).resolve()] if include_dir else []
        return (
            repr(sorted(self.config.items())),
            repr(config.extra),
            repr(sorted((macros.config or {}).items())),
            folder_state(folders),
        )

    def report(self, finding: Finding) -> None:
        """Log a finding once, as `path:line: [code] message`, at its site-wide level."""
        self.engine.report(finding)

    @property
    def pages(self) -> dict[str, PageState]:
        """Every page analysed in this build, by its path in docs_dir."""
        return self.engine.pages

    @property
    def flux_settings(self) -> FluxSettings:
        return self.engine.flux

    def page_state(self, page: Any, *, charts: bool = True) -> PageState | None:
        """The page's analysis (done on first use in this build). `charts`: see
        `RecipeEngine.page`."""
        file = getattr(page, "file", None)
        if file is None or self._engine is None:
            return None
        known = self._engine.pages.get(file.src_path)
        if known is not None:
            return known  # each macro of a page asks again
        if _generated_elsewhere(file, getattr(self, "_sources", ())):
            # A page another plugin made (a blog's second index page, in a temporary
            # folder): no finding can point at a file the author can open. Its source's
            # own page is analysed where it lives.
            return None
        return self._engine.page(
            file.src_path,
            file.abs_src_path,
            _reader(file),
            self._renderer(page),
            _meta(page),
            charts=charts,
        )

    def _renderer(self, page: Any):
        macros = self._macros
        meta = getattr(page, "meta", None) or {}
        if macros is None or not macros_render(macros.config.get("render_by_default", True), meta):
            return None  # its Jinja stays as written: such blocks are not checked
        return jinja_renderer(macros.env, macros.variables, page)


def _generated_elsewhere(file: Any, sources: tuple[Path, ...]) -> bool:
    """Whether a page's file was made by a plugin outside the project (no source an
    author can open: a temporary file, or text held in memory)."""
    path = getattr(file, "abs_src_path", None)
    if not path:
        return bool(getattr(file, "generated_by", None))
    if not sources:
        return False
    resolved = _real_path(path)
    return not any(resolved.is_relative_to(folder) for folder in sources)


def _real_path(path: str) -> Path:
    """`path` with every symbolic link resolved; the pages of one folder share its
    resolution (one `lstat` a page instead of one a path component)."""
    if os.path.islink(path):
        return Path(path).resolve()
    folder, name = os.path.split(path)
    return _real_folder(folder) / name


@functools.lru_cache(maxsize=1024)
def _real_folder(folder: str) -> Path:
    return Path(folder).resolve()


def _meta(page: Any) -> dict[str, Any] | None:
    """The page's front-matter as MkDocs read it, when it did: MkDocs takes a block it
    can read off the page's Markdown, and leaves one it cannot (None then)."""
    meta, markdown = getattr(page, "meta", None), getattr(page, "markdown", None)
    if isinstance(meta, dict) and meta and isinstance(markdown, str):
        return None if markdown.startswith("---") else meta
    return None


def _reader(file: Any) -> Callable[[], str]:
    return lambda: file.content_string


def _macros_plugin(config: MkDocsConfig) -> MacrosPlugin:
    for plugin in config.plugins.values():
        if isinstance(plugin, MacrosPlugin):
            return plugin
    raise PluginError(
        "recipes: this plugin needs the `macros` plugin (mkdocs-macros-plugin). "
        "Add `- macros` to `plugins:` in mkdocs.yml, before or after `- recipes`."
    )
