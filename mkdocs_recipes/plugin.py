"""The MkDocs plugin `recipes`: MkDocs events -> core calls."""

from __future__ import annotations

import logging
import os
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
from .analysis import PageState, analyse_page
from .charts.lockfile import Lockfile, LockfileError
from .charts.resolver import ChartResolver
from .checks.api_versions import check_template_text
from .config import RecipesConfig
from .findings import Finding, Severity
from .macros import RecipeMacros
from .prefetch import prefetch
from .project import SettingsError, resolver_settings
from .recipe import read_recipe
from .severities import apply_levels, read_levels

#: Findings go to the `mkdocs.plugins` logger tree, so that `--strict` counts them.
log = logging.getLogger("mkdocs.plugins.recipes")

INCLUDES_DIR = Path(__file__).parent / "includes"

_LOG_LEVEL = {
    Severity.ERROR: logging.ERROR,
    Severity.WARNING: logging.WARNING,
    Severity.INFO: logging.INFO,
}


class RecipesPlugin(BasePlugin[RecipesConfig]):
    """Reads recipe front-matter, provides the Flux includes and macros, reports findings."""

    def __init__(self) -> None:
        #: Where findings go instead of the log (`mkdocs-recipes check` collects them).
        self.sink: Callable[[Finding], None] | None = None
        #: Told `("charts", done, total)` while charts are fetched (a progress bar).
        self.progress: Callable[[str, int, int], None] | None = None
        self._pages: dict[str, PageState] = {}
        self._reported: set[tuple[str, int, str, str]] = set()
        self._root: Path | None = None
        self._resolver: ChartResolver | None = None
        self._flux = flux.FluxSettings()
        self._levels: dict[str, str] = {}
        self._macros: MacrosPlugin | None = None

    # Runs after every default-priority on_config, so mkdocs-macros has already built
    # its Jinja environment, whichever order the two plugins have in `plugins:`.
    @event_priority(-50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self._pages.clear()
        self._reported.clear()
        self._root = Path(config.config_file_path or ".").resolve().parent
        self._resolver = self._chart_resolver() if self.config.resolve_charts else None
        self._flux, problems = flux.FluxSettings().with_overrides(self.config.flux)
        if problems:
            details = "; ".join(_detail(f"flux.{p.key}", p.message, p.hint) for p in problems)
            raise PluginError(f"recipes: invalid option in mkdocs.yml: {details}")
        self._levels, level_problems = read_levels(self.config.severities)
        if level_problems:
            details = "; ".join(
                _detail(f"severities.{p.code}", p.message, p.hint) for p in level_problems
            )
            raise PluginError(f"recipes: invalid option in mkdocs.yml: {details}")
        macros = self._macros = _macros_plugin(config)
        self._check_site_includes(macros, config)
        functions = RecipeMacros(self._page_recipe, self.report).functions()
        macros.register_macros(functions)
        # The site's own include_dir stays first: a same-named file there wins.
        env = macros.env
        loaders = [loader for loader in (env.loader,) if loader is not None]
        env.loader = ChoiceLoader([*loaders, FileSystemLoader(str(INCLUDES_DIR))])
        return None

    def on_files(self, files: Any, /, *, config: MkDocsConfig) -> Any:
        # Every recipe's chart and values link, fetched up front: distinct hosts at the
        # same time, so a site's network time is that of its slowest host, not the sum.
        resolver = self._resolver
        if not self.config.enabled or resolver is None or resolver.settings.offline:
            return files
        recipes = []
        for file in files.documentation_pages():
            try:
                recipe, _ = read_recipe(file.content_string, file.src_path)
            except (OSError, ValueError):
                continue  # reported by MkDocs, or by the page's own analysis
            if recipe is not None:
                recipes.append(recipe)
        prefetch(resolver, recipes, self.config.check_values_url, self.progress)
        return files

    # Before mkdocs-macros renders the page, so the macros find its recipe ready.
    @event_priority(50)
    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Any
    ) -> str | None:
        if self.config.enabled:
            self._page_recipe(page)
        return None

    def _check_site_includes(self, macros: MacrosPlugin, config: MkDocsConfig) -> None:
        """A site's own include files (often hand-written before this plugin) are checked
        for Flux API versions the target release no longer serves."""
        include_dir = macros.config.get("include_dir")
        if not include_dir or self._root is None:
            return  # includes then live in docs_dir, and every page there is checked
        # mkdocs-macros reads include_dir relative to the working directory; so do we.
        folder = Path(include_dir).resolve()
        if folder == Path(config.docs_dir).resolve() or not folder.is_dir():
            return
        for file in sorted(folder.rglob("*.md")):
            try:
                text = file.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue
            shown = display_path(str(file))
            for finding in check_template_text(text, shown, self._flux.flux_version):
                self.report(finding)

    def _chart_resolver(self) -> ChartResolver:
        assert self._root is not None
        try:
            lockfile = Lockfile.load(self._root / self.config.lockfile)
        except LockfileError as error:
            raise PluginError(f"recipes: {error}") from None
        try:
            settings = resolver_settings(
                base_dir=self._root,
                offline=self.config.offline,
                cache_dir=self.config.cache_dir,
                cache=self.config.cache,
                mirrors=self.config.mirrors,
                index_ttl=self.config.index_ttl,
            )
        except SettingsError as error:
            raise PluginError(f"recipes: invalid option in mkdocs.yml: {error}") from None
        return ChartResolver(settings, lockfile)

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        # A new lockfile (`mkdocs-recipes lock`) changes what the pages are checked against.
        if self.config.enabled and self._root is not None:
            lockfile = self._root / self.config.lockfile
            if lockfile.is_file():
                server.watch(str(lockfile))
        return server

    def report(self, finding: Finding) -> None:
        """Log a finding once, as `path:line: [code] message`, at its site-wide level."""
        leveled = apply_levels([finding], self._levels, ())
        if not leveled:
            return  # turned off in `severities`
        finding = leveled[0]
        key = (finding.path, finding.line, finding.code, finding.message)
        if key in self._reported:
            return
        self._reported.add(key)
        if self.sink is not None:
            self.sink(finding)
        else:
            log.log(_LOG_LEVEL[finding.severity], finding.as_text())

    @property
    def pages(self) -> dict[str, PageState]:
        """Every page analysed in this build, by its path in docs_dir."""
        return self._pages

    @property
    def resolver(self) -> ChartResolver | None:
        return self._resolver

    @property
    def flux_settings(self) -> flux.FluxSettings:
        return self._flux

    def _page_recipe(self, page: Any) -> PageState | None:
        file = getattr(page, "file", None)
        if file is None:
            return None
        state = self._pages.get(file.src_path)
        if state is None:
            state = self._read(file, page)
            self._pages[file.src_path] = state
            for finding in state.findings:
                self.report(finding)
        return state

    def _read(self, file: Any, page: Any) -> PageState:
        path = self._display_path(file)
        try:
            source = file.content_string
        except (OSError, ValueError):
            # MkDocs reports unreadable files itself.
            return PageState(path=path, source="", settings=self._flux)
        try:
            return analyse_page(
                source,
                path,
                self._flux,
                self._resolver,
                self._levels,
                self._renderer(page),
                fetch_values_url=self.config.check_values_url,
            )
        except Exception as error:  # a bug of ours must not hide the rest of the site
            log.debug("recipes: analysing %s failed", path, exc_info=True)
            state = PageState(path=path, source=source, settings=self._flux)
            state.findings.append(
                Finding.of(
                    "internal-error",
                    path,
                    1,
                    f"mkdocs-recipes could not analyse this page ({type(error).__name__}: {error})",
                    "please report it with the page; `mkdocs build -v` shows the details",
                )
            )
            return state

    def _renderer(self, page: Any):
        """Fills in a block's Jinja with the page's variables, as mkdocs-macros will."""
        macros = self._macros
        if macros is None or not _macros_render(macros, getattr(page, "meta", None) or {}):
            return None  # its Jinja stays as written: such blocks are not checked

        def render(text: str) -> str:
            variables = {**macros.variables, **(getattr(page, "meta", None) or {}), "page": page}
            return macros.env.from_string(text).render(**variables)

        return render

    def _display_path(self, file: Any) -> str:
        return display_path(file.abs_src_path) if file.abs_src_path else file.src_path


def display_path(path: str) -> str:
    """A file as ruff and yamllint print it: relative to the working directory (so that
    `mkdocs build -f hack/docs/mkdocs.yml` and CI annotations name the right file)."""
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive, on Windows
        return Path(path).as_posix()


def _detail(option: str, message: str, hint: str | None) -> str:
    return f"{option}: {message}" + (f" ({hint})" if hint else "")


def _macros_render(macros: MacrosPlugin, meta: dict[str, Any]) -> bool:
    """Whether mkdocs-macros renders a page: `render_macros` in its front-matter, else the
    `render_by_default` option."""
    chosen = meta.get("render_macros")
    if chosen is not None:
        return bool(chosen)
    return bool(macros.config.get("render_by_default", True))


def _macros_plugin(config: MkDocsConfig) -> MacrosPlugin:
    for plugin in config.plugins.values():
        if isinstance(plugin, MacrosPlugin):
            return plugin
    raise PluginError(
        "recipes: this plugin needs the `macros` plugin (mkdocs-macros-plugin). "
        "Add `- macros` to `plugins:` in mkdocs.yml, before or after `- recipes`."
    )
