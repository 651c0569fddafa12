"""A site's build, run by `check` up to its Markdown: no HTML is made.

The build's own findings come from the same code the build runs: the site's `recipes` and
`macros` plugins are set up from its mkdocs.yml and each page goes through their Markdown
step, as `mkdocs build` does up to the point where it would convert Markdown to HTML and
render the theme. Running the site's plugins, ours included, is a front end's work, as
the plugin's own is: this module is one, beside `plugin` and `pluglet`. What it gathers
goes to `site/`: the checks that look at the site as a whole (`site.whole_site`) and the
check cache (`site.check_cache`).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .base.quiet import captured_output, quieted
from .pages.page_findings import front_matter_lines
from .pluglet import pluglet_aside, recipes_options
from .recipe.frontmatter import mkdocs_data
from .report.findings import Finding
from .site import check_cache
from .site.checked import CheckedPage, Progress, SiteCheckError, SiteReport, shown
from .site.project import OFFLINE_ENV

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page
    from mkdocs_macros.plugin import MacrosPlugin

    from .base.inputs import Recorded
    from .plugin import RecipesPlugin
    from .site.macros_tags import TagRenderer

__all__ = ["CheckedPage", "LoadedSite", "SiteCheckError", "SiteReport", "check_site", "load_site"]


def check_site(
    config_file: Path,
    *,
    offline: bool = False,
    progress: Progress | None = None,
    ready: Callable[[], None] | None = None,
    whole_site: bool = True,
    baseline: bool = True,
    cache: bool = False,
) -> SiteReport:
    """Every finding of the site of `config_file`. `ready` is called once the site's
    configuration and plugins are loaded, before the pages are read. `whole_site`: also
    the checks across pages (links, recipes against each other); off, each page's own
    findings only (what `export` and `outdated` need). `baseline`: read the site's
    baseline (off: every finding at its level, as `--no-baseline` and
    `--write-baseline` want). `cache`: reuse and keep results in the site's check cache
    (site/check_cache.py; only with `whole_site`)."""
    if not (cache and whole_site):
        return _check_site(config_file, offline, progress, ready, whole_site, baseline, None)
    from .base.inputs import recording
    from .site.check_cache import KeptReport

    with recording() as recorded:
        report = _check_site(config_file, offline, progress, ready, True, baseline, recorded)
    results = report.cache
    if results is not None and report.engine is not None:
        engine = report.engine
        resolver = engine.resolver
        online = resolver is not None and not resolver.settings.offline and report.recipes
        results.finish(
            recorded,
            KeptReport(len(report.pages), report.recipes, report.findings, report.baseline_used),
            check_cache.expires(resolver, engine.options.index_ttl)
            if resolver is not None and online
            else None,
        )
    return report


@dataclass
class LoadedSite:
    """A site set up as its build sets it up, up to its pages: the configuration after
    every plugin's `config` event, our plugin (run as the pluglet's options on a site
    without it), mkdocs-macros, the other plugins, and the files the build publishes."""

    config: MkDocsConfig
    recipes: RecipesPlugin
    macros: MacrosPlugin
    plugins: _SitePlugins
    pluglet_site: bool
    files: Files

    def read_text(
        self, src_path: str, text: str, *, charts: bool = True
    ) -> tuple[CheckedPage | None, list[Finding]] | None:
        """The page `src_path` read from `text` instead of its file (an editor's buffer),
        as `check` reads each page: through mkdocs-macros and our analysis, with the
        findings of that page alone at the site's levels and baseline (the baseline
        fingerprints `text`'s lines). `charts`: off, nothing waits for a chart (what
        needs one is left out). None when the build publishes no such page. Each call
        reads the page afresh; the rest of the site is not read again."""
        import copy

        from mkdocs.structure.pages import Page

        from .site.macros_tags import TagRenderer

        file = self.files.get_file_from_path(src_path)
        if file is None or not file.is_documentation_page():
            return None
        buffer = copy.copy(file)
        buffer.content_string = text  # (the setter forgets the file on disk; put it back)
        buffer.abs_src_path = file.abs_src_path
        engine = self.recipes.engine
        engine.forget(src_path, file.abs_src_path, text.split("\n"))
        found: list[Finding] = []
        engine.sink = self.recipes.sink = found.append
        report = SiteReport()
        page = Page(None, buffer, self.config)
        with _quiet_mkdocs():
            _read_page(
                self, buffer, TagRenderer(self.macros), _FrontMatterReadOnce(), report, page, charts
            )
        return (report.pages[0] if report.pages else None), found


def _check_site(
    config_file: Path,
    offline: bool,
    progress: Progress | None,
    ready: Callable[[], None] | None,
    whole_site: bool,
    baseline: bool,
    recorded: Recorded | None,
) -> SiteReport:
    """`recorded`: what the check reads so far, when it uses the cache."""
    report = SiteReport()
    with _offline(offline), _quiet_mkdocs():
        site = _load(config_file, report, baseline, progress)
        engine = site.recipes.engine
        results = report.cache = check_cache.for_site(
            recorded, engine, config_file, offline, baseline
        )
        if results is not None and recorded is not None:
            results.start_pages(
                recorded.copy(),
                Path(site.config.docs_dir),
                site.macros.config.get("include_dir"),
                check_cache.chart_sources(engine),
            )
        if ready is not None:
            ready()
        _read_pages(site, report, progress)
        if whole_site:
            _across_pages(site, report)
    return report


def _load(
    config_file: Path,
    report: SiteReport,
    baseline: bool,
    progress: Progress | None,
    prefetch: bool = True,
) -> LoadedSite:
    """The site of `config_file` loaded and its plugins set up; SiteCheckError when that
    cannot be done (what its own build would stop on). `prefetch`: our plugin fetches
    every recipe's chart at once when the files are known, as in a build."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError, PluginError
    from mkdocs.structure.files import get_files

    from .plugin import _macros_plugin
    from .site.engines import running

    try:
        config = load_config(config_file=str(config_file))
    except (ConfigurationError, SystemExit, OSError) as error:
        raise SiteCheckError(f"{config_file}: {running()} cannot load it ({error})") from None
    recipes, pluglet_site = _recipes_plugin(config, config_file)
    report.baseline_option = recipes.config.baseline
    if not baseline:
        recipes.config["baseline"] = ""
    try:
        macros = _macros_plugin(config)
        recipes.sink = report.findings.append
        recipes.emit_yaml = False  # links and headings are read, not the manifests
        recipes.progress = progress
        plugins = _SitePlugins(macros, recipes)
        config = plugins.configure(config, pluglet_site)
    except PluginError as error:
        raise SiteCheckError(str(error)) from None
    except Exception as error:  # a plugin that cannot start (mkdocs-macros' include_dir)
        raise SiteCheckError(f"{config_file}: {error}") from None
    report.engine = recipes.engine
    report.root = Path(config_file).resolve().parent
    report.docs_dir = Path(config.docs_dir)
    # The files the build publishes: plugins add, hide and rename them (exclude, blog,
    # awesome-pages); `exclude_docs` and `draft_docs` pages are left out below.
    files = plugins.files(get_files(config), config, prefetch)
    if pluglet_site and prefetch:
        recipes.on_files(files, config=config)
    # The blog plugin hides its posts until its nav event puts them back.
    nav = plugins.nav(files, config)
    macros.on_nav(nav, config, files)
    return LoadedSite(config, recipes, macros, plugins, pluglet_site, files)


def load_site(config_file: Path, *, offline: bool = False) -> LoadedSite:
    """The site of `config_file` set up once, for a process that reads its pages again
    and again (the editor's language server: `LoadedSite.read_text`). SiteCheckError
    when its own build would stop."""
    report = SiteReport()
    with _offline(offline), _quiet_mkdocs():
        # No chart is fetched up front: the caller asks for each when a page needs it.
        return _load(config_file, report, True, None, prefetch=False)


def _recipes_plugin(config: MkDocsConfig, config_file: Path) -> tuple[RecipesPlugin, bool]:
    """The site's `recipes` plugin, and whether the site runs the pluglet instead
    (`macros: modules: [mkdocs_recipes]`, a Zensical site): then the same plugin, set up
    from `extra.recipes`, the options the pluglet reads."""
    from .plugin import RecipesPlugin

    existing = config.plugins.get("recipes")
    if isinstance(existing, RecipesPlugin):
        recipes, pluglet_site = existing, False
    else:
        options, problems = recipes_options(config)
        if problems:
            raise SiteCheckError(f"{config_file}: invalid option: {'; '.join(problems)}")
        recipes, pluglet_site = RecipesPlugin(), True
        recipes.config = options
    if not recipes.config.enabled:
        raise SiteCheckError(f"{config_file}: the recipes plugin is disabled (enabled: false)")
    return recipes, pluglet_site


def _read_pages(site: LoadedSite, report: SiteReport, progress: Progress | None) -> None:
    """Each page the build publishes through our plugin and mkdocs-macros, as the build
    reads it (or taken from the check cache while its entry holds), into `report`."""
    from .site.macros_tags import TagRenderer

    documentation = list(site.files.documentation_pages())
    renderer = TagRenderer(site.macros)
    reading_once = _FrontMatterReadOnce()
    for number, file in enumerate(documentation, start=1):
        if not _reused(site, file, report):
            _read_page(site, file, renderer, reading_once, report)
        if progress:
            progress("pages", number, len(documentation))


def _read_page(
    site: LoadedSite,
    file: File,
    renderer: TagRenderer,
    reading_once: _FrontMatterReadOnce,
    report: SiteReport,
    page: Page | None = None,
    charts: bool = True,
) -> None:
    from mkdocs.structure.pages import Page

    recipes, config = site.recipes, site.config
    # The page object the nav made (a blog plugin makes its posts), as the build reads
    # it; else a new one.
    if page is None:
        page = file.page if isinstance(file.page, Page) else Page(None, file, config)
    try:
        with reading_once:
            page.read_source(config)
    except Exception as error:  # what `mkdocs build` stops on
        recipes.report(
            Finding.of(
                "page-unreadable",
                shown(file),
                1,
                f"MkDocs cannot read this page ({type(error).__name__}: {str(error)[:120]})",
                "save it as UTF-8 text",
            )
        )
        return
    markdown = page.markdown or ""
    state = recipes.page_state(page, charts=charts)
    # The analysis read the page once; its text serves the link checks too.
    source = state.source if state is not None else file.content_string
    rendered = renderer.renders(page)
    markdown, own = _rendered(site, renderer, page, markdown, source, rendered)
    included: tuple[tuple[int, str], ...] = ()
    if "{%" in markdown:
        # Tags mkdocs-macros left: another plugin fills them in the build
        # (include-markdown's `{% include-markdown "README.md" %}`).
        offset = front_matter_lines(source, markdown) or 0
        markdown, included = site.plugins.page_markdown(markdown, page, config, site.files, offset)
    if report.cache is not None and not included:
        # (A page filled from other files is read again next time: the cache keeps what
        # a page's own source decides.)
        entry = check_cache.page_entry(recipes.engine, state, own, markdown, rendered)
        report.cache.keep_page(file.src_path, source, entry)
    report.pages.append(CheckedPage.of(file, source, markdown, rendered, state, included))


def _rendered(
    site: LoadedSite,
    renderer: TagRenderer,
    page: Page,
    markdown: str,
    source: str,
    rendered: bool,
) -> tuple[str, list[Finding]]:
    """The page's Markdown once mkdocs-macros rendered it (tag by tag when it can), and
    the finding of a page it cannot render (the page is then read as written)."""
    fast = renderer.render(markdown, page, rendered)
    if fast is not None:
        return fast, []
    result, problem = _macros_render(site.macros, markdown, page, site.config)
    if problem is None:
        return result, []
    # The error is a finding (what mkdocs-macros would print quotes the page, on stderr).
    offset = front_matter_lines(source, markdown) or 0
    line, message = problem
    finding = Finding.of(
        "page-macros-error",
        shown(page.file),
        offset + line,
        f"mkdocs-macros cannot render this page: {message}",
        "fix the Jinja at that line, or set `render_macros: false` in the page's "
        "front-matter if it only shows such syntax",
    )
    site.recipes.report(finding)
    return markdown, [finding]


def _across_pages(site: LoadedSite, report: SiteReport) -> None:
    """The checks across pages reported, and a baseline whose entries no longer match."""
    from .site.whole_site import across_pages

    recipes = site.recipes
    findings = across_pages(
        site.config,
        site.files,
        report.pages,
        recipes.flux_settings,
        site.macros.config.get("include_dir"),
        site.pluglet_site,
    )
    before = len(report.findings)
    for finding in findings:
        recipes.report(finding)
    accepted = recipes.engine.baseline
    stale = accepted.stale_finding() if accepted is not None else None
    if stale is not None:
        recipes.report(stale)
    report.across = report.findings[before:]


def _reused(site: LoadedSite, file: File, report: SiteReport) -> bool:
    """The page `file` taken from the check cache, when its entry still holds."""
    results = report.cache
    if results is None:
        return False
    try:
        source = file.content_string
    except Exception:
        return False  # analysed as usual: MkDocs' own complaint is the finding
    entry = results.page(file.src_path, source)
    if entry is None:
        return False
    state = site.recipes.engine.reuse(
        file.src_path, file.abs_src_path, source, entry.findings, entry.charts
    )
    if state is None:
        return False
    results.reuse(file.src_path)
    report.pages.append(CheckedPage.of(file, source, entry.markdown, entry.rendered, state))
    return True


class _SitePlugins:
    """The site's plugins, run for the events that decide which files the build publishes
    (`config`, `pre_build`, `files`, `nav`), in the build's order: `macros` and `recipes`
    as `check` needs them, the others as the build runs them. A plugin that fails there
    is left out of the later events; its own build would show why."""

    def __init__(self, macros: MacrosPlugin, recipes: RecipesPlugin) -> None:
        self.macros = macros
        self.recipes = recipes
        self.failed: set[int] = set()

    def _others(self, config: MkDocsConfig, event: str) -> list[Any]:
        return [
            method
            for method in config.plugins.events.get(event, [])
            if getattr(method, "__self__", None) not in (self.macros, self.recipes)
        ]

    def configure(self, config: MkDocsConfig, pluglet_site: bool) -> MkDocsConfig:
        for method in list(config.plugins.events.get("config", [])):
            owner = getattr(method, "__self__", None)
            if _prepares_only_itself(owner):
                continue
            if owner is self.macros:
                with pluglet_aside():
                    method(config)
            elif owner is self.recipes:
                method(config)
            else:
                config = self._run(method, config) or config
        if pluglet_site:
            self.recipes._set_up(config)  # (its logs are quieted here already)
        for method in self._others(config, "pre_build"):
            if not _prepares_only_itself(getattr(method, "__self__", None)):
                self._run(method, config=config)
        return config

    def files(self, files: Files, config: MkDocsConfig, prefetch: bool = True) -> Files:
        from mkdocs.structure.files import set_exclusions

        for method in list(config.plugins.events.get("files", [])):
            owner = getattr(method, "__self__", None)
            if owner is self.recipes:
                if prefetch:
                    files = method(files, config=config) or files  # its prefetch
            elif owner is not self.macros:
                files = self._run(method, files, config=config) or files
        set_exclusions(files, config)
        return files

    def nav(self, files: Files, config: MkDocsConfig) -> Navigation | None:
        from mkdocs.structure.nav import get_navigation

        try:
            # Its warnings (a nav entry without a page) are the build's to print.
            with quieted(logging.ERROR, "mkdocs.structure.nav"):
                nav = get_navigation(files, config)
        except Exception:
            return None
        for method in self._others(config, "nav"):
            nav = self._run(method, nav, config=config, files=files) or nav
        return nav

    def page_markdown(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files, offset: int
    ) -> tuple[str, tuple[tuple[int, str], ...]]:
        """The page's Markdown once the other plugins' `page_markdown` events ran, as the
        build runs them, and the lines they brought in, each at the source line (after
        `offset` lines of front-matter) of what they replaced."""
        import difflib

        before = markdown
        for method in self._others(config, "page_markdown"):
            with quieted(logging.CRITICAL, "", "mkdocs"), captured_output():
                markdown = self._run(method, markdown, page=page, config=config, files=files)
                markdown = markdown if isinstance(markdown, str) else before
        if markdown == before:
            return markdown, ()
        old, new = before.split("\n"), markdown.split("\n")
        included: list[tuple[int, str]] = []
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for tag, start, _, first, last in matcher.get_opcodes():
            if tag in ("insert", "replace"):
                line = offset + min(start, len(old) - 1) + 1
                included += [(line, text) for text in new[first:last]]
        return markdown, tuple(included)

    def _run(self, method: Any, *arguments: Any, **keywords: Any) -> Any:
        owner = id(getattr(method, "__self__", method))
        if owner in self.failed:
            return None
        try:
            return method(*arguments, **keywords)
        except Exception:
            self.failed.add(owner)
            return None


#: Plugins whose `config` and `pre_build` events only set up what they later add to the
#: built HTML, and which have no `files` or `nav` event: nothing `check` reads depends on
#: them. Material's search compiles its translations there (about 40 ms, profiled, of
#: every check of a Material site). MkDocs' own search is not one: it adds its templates
#: to the theme's folders, which links may point into.
_SELF_CONTAINED = {("material.plugins.search.plugin", "SearchPlugin")}


def _prepares_only_itself(plugin: Any) -> bool:
    kind = type(plugin)
    return (kind.__module__, kind.__qualname__) in _SELF_CONTAINED


_MACROS_LINE = re.compile(r"_Line (\d+) in Markdown file:_ \*\*(.+?)\*\*")


def _macros_render(
    macros: MacrosPlugin, markdown: str, page: Page, config: MkDocsConfig
) -> tuple[str, tuple[int, str] | None]:
    """mkdocs-macros' rendering of a page, its complaints kept off the terminal: (the
    Markdown, None), or (the page as written, (line in the Markdown, what is wrong))."""
    try:
        with quieted(logging.CRITICAL, "mkdocs.plugins.macros"), captured_output():
            result = macros.on_page_markdown(markdown, page=page, config=config) or markdown
    except (Exception, SystemExit) as error:  # `on_error_fail: true` exits
        return markdown, (1, f"{type(error).__name__}: {str(error)[:200]}")
    if result.startswith(("# _Macro Syntax Error_", "# _Macro Rendering Error_")):
        found = _MACROS_LINE.search(result)
        if found:
            return markdown, (int(found.group(1)), found.group(2)[:200])
        return markdown, (1, result.split("\n", 1)[0].strip("# _"))
    return result, None


@contextmanager
def _offline(offline: bool):
    if not offline:
        yield
        return
    before = os.environ.get(OFFLINE_ENV)
    os.environ[OFFLINE_ENV] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(OFFLINE_ENV, None)
        else:
            os.environ[OFFLINE_ENV] = before


class _FrontMatterReadOnce:
    """While a page's source is read: MkDocs' `meta.get_data`, which `Page.read_source`
    calls, hands its parse of the front-matter to the analysis of the page that follows
    (`frontmatter.mkdocs_data`), rather than both parsing the block. What that does not
    take (no block, a block that is not a mapping), MkDocs' own code reads."""

    def __init__(self) -> None:
        from mkdocs.utils import meta

        self.meta: Any = meta
        original = self.original = getattr(meta, "get_data", None)
        block = getattr(meta, "YAML_RE", None)
        self.shared: Any = None  # another MkDocs: its own reading only
        if callable(original) and isinstance(block, re.Pattern):
            self.shared = lambda doc: mkdocs_data(doc, block) or original(doc)

    def __enter__(self) -> None:
        if self.shared is not None:
            self.meta.get_data = self.shared

    def __exit__(self, *exc_info: object) -> None:
        if self.shared is not None:
            self.meta.get_data = self.original


def _quiet_mkdocs():
    """MkDocs' and mkdocs-macros' own INFO lines are not findings; warnings still show."""
    return quieted(logging.WARNING, "mkdocs", "mkdocs.plugins.macros")
