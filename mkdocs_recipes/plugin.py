"""The MkDocs plugin `recipes`: MkDocs events -> core calls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.pages import Page
from mkdocs_macros.plugin import MacrosPlugin

from . import flux
from .analysis import PageState
from .config import RecipesConfig
from .engine import (
    INCLUDES_DIR,
    RecipeEngine,
    SetupError,
    jinja_renderer,
    macros_render,
)
from .findings import Finding
from .macros import RecipeMacros

__all__ = ["RecipesPlugin"]


class RecipesPlugin(BasePlugin[RecipesConfig]):
    """Reads recipe front-matter, provides the Flux includes and macros, reports findings."""

    def __init__(self) -> None:
        #: Where findings go instead of the log (`mkdocs-recipes check` collects them).
        self.sink: Callable[[Finding], None] | None = None
        #: Told `("charts", done, total)` while charts are fetched (a progress bar).
        self.progress: Callable[[str, int, int], None] | None = None
        self._engine: RecipeEngine | None = None
        self._macros: MacrosPlugin | None = None

    @property
    def engine(self) -> RecipeEngine:
        """This build's state; set up in `on_config` (an error before that)."""
        if self._engine is None:
            raise RuntimeError("the recipes plugin is used before its on_config ran")
        return self._engine

    # Runs after every default-priority on_config, so mkdocs-macros has already built
    # its Jinja environment, whichever order the two plugins have in `plugins:`.
    @event_priority(-50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        root = Path(config.config_file_path or ".").resolve().parent
        try:
            engine = self._engine = RecipeEngine(self.config, root)
        except SetupError as error:
            raise PluginError(f"recipes: invalid option in mkdocs.yml: {error}") from None
        engine.sink, engine.progress = self.sink, self.progress
        macros = self._macros = _macros_plugin(config)
        engine.check_include_dir(macros.config.get("include_dir"), Path(config.docs_dir))
        functions = RecipeMacros(self._page_recipe, engine.report).functions()
        macros.register_macros(functions)
        # The site's own include_dir stays first: a same-named file there wins.
        env = macros.env
        loaders = [loader for loader in (env.loader,) if loader is not None]
        env.loader = ChoiceLoader([*loaders, FileSystemLoader(str(INCLUDES_DIR))])
        return None

    def on_files(self, files: Any, /, *, config: MkDocsConfig) -> Any:
        if self.config.enabled:
            self.engine.prefetch(
                (file.src_path, _reader(file)) for file in files.documentation_pages()
            )
        return files

    # Before mkdocs-macros renders the page, so the macros find its recipe ready.
    @event_priority(50)
    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Any
    ) -> str | None:
        if self.config.enabled:
            self._page_recipe(page)
        return None

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        # A new lockfile (`mkdocs-recipes lock`) changes what the pages are checked against.
        if self.config.enabled and self._engine is not None:
            lockfile = self._engine.root / self.config.lockfile
            if lockfile.is_file():
                server.watch(str(lockfile))
        return server

    def report(self, finding: Finding) -> None:
        """Log a finding once, as `path:line: [code] message`, at its site-wide level."""
        self.engine.report(finding)

    @property
    def pages(self) -> dict[str, PageState]:
        """Every page analysed in this build, by its path in docs_dir."""
        return self.engine.pages

    @property
    def flux_settings(self) -> flux.FluxSettings:
        return self.engine.flux

    def _page_recipe(self, page: Any) -> PageState | None:
        file = getattr(page, "file", None)
        if file is None or self._engine is None:
            return None
        return self._engine.page(
            file.src_path, file.abs_src_path, _reader(file), self._renderer(page)
        )

    def _renderer(self, page: Any):
        macros = self._macros
        meta = getattr(page, "meta", None) or {}
        if macros is None or not macros_render(macros.config.get("render_by_default", True), meta):
            return None  # its Jinja stays as written: such blocks are not checked
        return jinja_renderer(macros.env, macros.variables, page)


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
