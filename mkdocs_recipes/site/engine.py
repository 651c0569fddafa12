"""A site's recipe state for one build: options, chart resolver, analysed pages, findings.

Both front ends of a build use it: the MkDocs plugin `recipes`, and the mkdocs-macros
pluglet (`macros: modules: [mkdocs_recipes]`) that MkDocs and Zensical both load. Findings
are logged as `path:line: [code] message` on the `mkdocs.plugins.recipes` logger, once
each, at their site-wide level (or handed to a sink: `mkdocs-recipes check`).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base.inputs import probed
from ..checks.api_versions import check_template_text
from ..flux.settings import FluxSettings
from ..pages.included_files import IncludeFolders
from ..report.baseline import Baseline, BaselineError
from ..report.findings import Finding, Severity, display_path
from ..report.severities import apply_levels, read_levels
from .analysis import PageState, analyse_page, read_page_head
from .options import SiteOptions
from .project import (
    SettingsError,
    chart_key,
    offline_requested,
    resolver_settings,
    settings_problem,
)

if TYPE_CHECKING:
    from ..charts.lockfile import Lockfile
    from ..charts.resolver import ChartResolver
    from ..recipe.model import Recipe

#: Findings go to the `mkdocs.plugins` logger tree, so that `--strict` counts them.
log = logging.getLogger("mkdocs.plugins.recipes")

INCLUDES_DIR = Path(__file__).parent.parent / "includes"
#: The packaged include files, by the name pages include them with.
PACKAGED_INCLUDES = tuple(sorted(p.name for p in INCLUDES_DIR.glob("*.md")))

_LOG_LEVEL = {
    Severity.ERROR: logging.ERROR,
    Severity.WARNING: logging.WARNING,
    Severity.INFO: logging.INFO,
}

Render = Callable[[str], str]


class SetupError(ValueError):
    """An option the engine cannot start with; the message names it."""


class Session:
    """What outlives one build under `mkdocs serve`: the chart resolver (with what it
    fetched and parsed) and each page's analysis, reused while nothing it depends on has
    changed."""

    def __init__(self) -> None:
        self.resolver: ChartResolver | None = None
        self.resolver_key: object = None
        self.resolver_since = 0.0
        #: Page key -> (fingerprint, analysis).
        self.pages: dict[str, tuple[object, PageState]] = {}
        #: Pages analysed (not reused) by the latest build.
        self.analysed: list[str] = []


def _detail(option: str, message: str, hint: str | None) -> str:
    return f"{option}: {message}" + (f" ({hint})" if hint else "")


class RecipeEngine:
    """What one build knows: set up from the `recipes` options and the site's root."""

    def __init__(
        self,
        options: SiteOptions,
        root: Path,
        session: Session | None = None,
        generation: object = None,
    ) -> None:
        self.options = options
        self.root = root
        #: State kept across rebuilds (`mkdocs serve`); None in a one-off build.
        self.session = session
        if session is not None:
            session.analysed = []  # this build's, from here on
        #: What every page's analysis depends on besides its own source (options, the
        #: site's variables and include files): a page is reused only when it is equal.
        self.generation = generation
        #: Where findings go instead of the log (`mkdocs-recipes check` collects them).
        self.sink: Callable[[Finding], None] | None = None
        #: Told `("charts", done, total)` while charts are fetched (a progress bar).
        self.progress: Callable[[str, int, int], None] | None = None
        self.pages: dict[str, PageState] = {}
        self._reported: set[tuple[str, int, str, str]] = set()
        #: Findings reported in this build, by file, at their site-wide level.
        self.by_path: dict[str, list[Finding]] = {}
        self.flux, problems = FluxSettings().with_overrides(options.flux)
        if problems:
            raise SetupError(
                "; ".join(_detail(f"flux.{p.key}", p.message, p.hint) for p in problems)
            )
        self.levels, level_problems = read_levels(options.severities)
        if level_problems:
            raise SetupError(
                "; ".join(
                    _detail(f"severities.{p.code}", p.message, p.hint) for p in level_problems
                )
            )
        self._resolver: ChartResolver | None = None
        self._lockfile: Lockfile | None = None
        if options.resolve_charts:
            # Wrong options fail here, at the start of the build, even when the resolver
            # itself is made by the first recipe page (one-off builds: a site without
            # recipes never loads the chart code).
            self._lockfile = self._read_lockfile()
            problem = settings_problem(options.mirrors, options.index_ttl)
            if problem is not None:
                raise SetupError(problem)
            if session is not None:
                self._resolver = self._chart_resolver()
        #: Findings accepted for now (`baseline:`), or None.
        self.baseline: Baseline | None = None
        if options.baseline:
            try:
                self.baseline = Baseline.load(root / options.baseline, root)
            except BaselineError as error:
                raise SetupError(str(error)) from None
        #: Where the site's include directives (markdown-include, snippets) find files.
        self.includes: IncludeFolders | None = None

    @property
    def resolver(self) -> ChartResolver | None:
        """The chart resolver (None with `resolve_charts: false`), made on first use."""
        if self._resolver is None and self.options.resolve_charts:
            self._resolver = self._chart_resolver()
        return self._resolver

    def _read_lockfile(self) -> Lockfile | None:
        """The lockfile (None when there is none: its code is then not even imported)."""
        path = self.root / self.options.lockfile
        if not os.path.lexists(path):
            probed(path)  # a lockfile written later changes what the pages resolve to
            return None
        from ..charts.lockfile import Lockfile, LockfileError

        try:
            return Lockfile.load(path)
        except LockfileError as error:
            raise SetupError(str(error)) from None

    def _chart_resolver(self) -> ChartResolver:
        session = self.session
        lockfile_path = self.root / self.options.lockfile
        key = (str(self.root), repr(sorted(self.options.items())), _file_state(lockfile_path))
        if (
            session is not None
            and session.resolver is not None
            and session.resolver_key == key
            and time.monotonic() - session.resolver_since < self.options.index_ttl
        ):
            return session.resolver  # same options, same lockfile, indexes still fresh
        resolver = self._new_resolver()
        if session is not None:
            session.resolver, session.resolver_key = resolver, key
            session.resolver_since = time.monotonic()
            session.pages.clear()  # charts may resolve differently now
        return resolver

    def _new_resolver(self) -> ChartResolver:
        from ..charts.lockfile import Lockfile
        from ..charts.resolver import ChartResolver

        # Read when the engine started (None: there was none, an empty one then).
        lockfile = self._lockfile
        if lockfile is None:
            lockfile = Lockfile(self.root / self.options.lockfile)
        try:
            settings = resolver_settings(
                base_dir=self.root,
                offline=self.options.offline,
                cache_dir=self.options.cache_dir,
                cache=self.options.cache,
                mirrors=self.options.mirrors,
                index_ttl=self.options.index_ttl,
                helm=self.options.helm_version,
            )
        except SettingsError as error:
            raise SetupError(str(error)) from None
        return ChartResolver(settings, lockfile)

    def report(self, finding: Finding) -> None:
        """Log a finding once, as `path:line: [code] message`, at its site-wide level."""
        leveled = apply_levels([finding], self.levels, ())
        if not leveled:
            return  # turned off in `severities`
        finding = leveled[0]
        key = (finding.path, finding.line, finding.code, finding.message)
        if key in self._reported:
            return
        self._reported.add(key)
        baseline = self.baseline
        if (
            baseline is not None
            and finding.severity.rank >= Severity.WARNING.rank
            and baseline.match(finding)
        ):
            finding = dataclasses.replace(finding, severity=Severity.INFO, baselined=True)
        self.by_path.setdefault(finding.path, []).append(finding)
        if self.sink is not None:
            self.sink(finding)
        else:
            log.log(_LOG_LEVEL[finding.severity], finding.as_text())

    def prefetch(self, sources: Iterable[tuple[str, Callable[[], str]]]) -> None:
        """Every recipe's chart and values link, fetched up front: distinct hosts at the
        same time, so a site's network time is that of its slowest host, not the sum.
        `sources`: (path, read the page's source)."""
        if not self.options.resolve_charts or offline_requested(self.options.offline):
            return
        recipes = []
        for path, read in sources:
            try:
                source = read()
                if "helm_chart_name" not in source:
                    continue  # not a recipe: no front-matter to parse
                from ..recipe.model import read_recipe

                recipe, _ = read_recipe(source, path)
            except (OSError, ValueError):
                continue  # reported by MkDocs, or by the page's own analysis
            if recipe is not None:
                recipes.append(recipe)
        if not recipes or self.resolver is None:
            return
        from .prefetch import prefetch

        prefetch(self.resolver, recipes, self.options.check_values_url, self.progress)

    def page(
        self,
        key: str,
        file: str | None,
        read: Callable[[], str],
        render: Render | None,
        meta: dict[str, Any] | None = None,
        *,
        charts: bool = True,
    ) -> PageState:
        """The analysed page `key` (its path in docs_dir), analysed on first use; `file`
        is its file on disk (for the paths findings show). `meta`: the page's front-matter
        as MkDocs read it from that source (analysis.read_page_head), if it did.
        `charts`: resolve the recipe's chart (off: everything but what needs the chart,
        as with `resolve_charts: false`; the editor's first look while it is fetched)."""
        state = self.pages.get(key)
        if state is not None:
            return state
        path = display_path(file) if file else key
        try:
            source = read()
        except (OSError, ValueError):
            # The site generator reports unreadable files itself.
            source = None
        session = self.session
        fingerprint = (path, source, self.generation, charts)
        kept = session.pages.get(key) if session is not None else None
        if kept is not None and kept[0] == fingerprint:
            state = kept[1]  # unchanged since the last build: its findings still hold
        else:
            state = self._analyse(path, source, render, meta, charts)
            if session is not None:
                session.pages[key] = (fingerprint, state)
                session.analysed.append(key)
        self.pages[key] = state
        for finding in state.findings:
            self.report(finding)
        return state

    def depends_on(self, recipe: Recipe) -> dict[str, str] | None:
        """What a recipe page's own findings depend on besides its text and the site's
        setup, as `{what: digest}`: the chart it resolves to (its archive's digest, or the
        reasons it does not resolve) and what its values_yaml_url serves, when the page
        compares it. None when one of them came from a failed download: another run may
        not meet that failure, so nothing that depends on it is kept. (The resolver
        remembers what it read: asked again in one run, it answers from memory.)"""
        from ..checks.values_url import fetched_link
        from .check_cache import chart_id, digest_of

        assert self.resolver is not None
        key = chart_key(recipe)
        resolution = self.resolver.resolve(key)
        if any(problem.transient for problem in resolution.problems):
            return None
        chart = resolution.chart
        found = {
            chart_id(key): chart.digest
            if chart is not None
            else "unresolved:" + digest_of([p.message for p in resolution.problems])
        }
        url = recipe.values_yaml_url
        link = fetched_link(url, chart, self.resolver) if url else None
        if url and link is not None and self.options.check_values_url:
            body, problem = self.resolver.fetch_text(link)
            if problem is not None and problem.transient:
                return None
            found["values:" + url] = digest_of(
                problem.message if problem is not None else body.hex() if body else ""
            )
        return found

    def reuse(
        self, key: str, file: str | None, source: str, findings: list[Finding], charts: dict
    ) -> PageState | None:
        """The page `key` as an earlier check analysed it (`findings`, its own), when what
        it depended on (`charts`: `depends_on`) is still the same: its chart resolves to
        the same archive (or fails for the same reasons), its values_yaml_url serves the
        same file; None when not (the page is then analysed again). Only what the
        front-matter says is read again."""
        path = display_path(file) if file else key
        state, _ = read_page_head(source, path, self.flux)
        recipe = state.recipe
        if recipe is not None and self.resolver is not None:
            if self.depends_on(recipe) != charts:
                return None
            state.chart = self.resolver.resolve(chart_key(recipe)).chart
        state.findings = list(findings)
        self.pages[key] = state
        for finding in state.findings:
            self.report(finding)
        return state

    def forget(self, key: str, file: str | None, lines: list[str] | None = None) -> None:
        """Forget the page `key` (its analysis, the findings reported for it, the baseline
        entries it matched), to analyse it again from a new text (the editor's buffer).
        `lines`: that text's lines, which the baseline then fingerprints."""
        self.pages.pop(key, None)
        path = display_path(file) if file else key
        self._reported = {reported for reported in self._reported if reported[0] != path}
        self.by_path.pop(path, None)
        if self.baseline is not None:
            self.baseline.forget(Path(path), lines)

    def _analyse(
        self,
        path: str,
        source: str | None,
        render: Render | None,
        meta: dict[str, Any] | None,
        charts: bool = True,
    ) -> PageState:
        if source is None:
            return PageState(path=path, source="", settings=self.flux)
        try:
            return analyse_page(
                source,
                path,
                self.flux,
                # Only a recipe (`helm_chart_name` is required) resolves a chart.
                self.resolver if charts and "helm_chart_name" in source else None,
                self.levels,
                render,
                fetch_values_url=self.options.check_values_url,
                includes=self.includes,
                meta=meta,
            )
        except Exception as error:  # a bug of ours must not hide the rest of the site
            log.debug("recipes: analysing %s failed", path, exc_info=True)
            state = PageState(path=path, source=source, settings=self.flux)
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

    def use_markdown_config(self, extensions: list[Any], configs: dict[str, Any]) -> None:
        """The site's `markdown_extensions`: include directives in blocks are followed as
        its extensions follow them."""
        self.includes = IncludeFolders.from_markdown_config(extensions, configs, self.root)

    def check_include_dir(self, include_dir: str | None, docs_dir: Path) -> None:
        """A site's own include files (often hand-written before this plugin) are checked
        for Flux API versions the target release no longer serves."""
        if not include_dir:
            return  # includes then live in docs_dir, and every page there is checked
        # mkdocs-macros reads include_dir relative to the working directory; so do we.
        folder = Path(include_dir).resolve()
        if folder == docs_dir.resolve():
            return
        if not folder.is_dir():
            probed(folder)
            return
        for file in sorted(folder.rglob("*.md")):
            try:
                text = file.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue
            for finding in check_template_text(
                text, display_path(str(file)), self.flux.flux_version
            ):
                self.report(finding)


def _file_state(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def folder_state(folders: Iterable[Path]) -> tuple:
    """Every file under `folders`, with its modification time and size: equal as long as
    no file there was added, removed or changed."""
    state = []
    for folder in folders:
        if folder.is_dir():
            for file in sorted(folder.rglob("*")):
                if file.is_file():
                    state.append((str(file), _file_state(file)))
    return tuple(state)


def macros_render(render_by_default: bool, meta: dict[str, Any]) -> bool:
    """Whether mkdocs-macros renders a page: `render_macros` in its front-matter, else the
    `render_by_default` option."""
    chosen = meta.get("render_macros")
    if chosen is not None:
        return bool(chosen)
    return bool(render_by_default)


class JinjaRenderer:
    """Fills in a block's Jinja with the page's variables, as mkdocs-macros will, in the
    site's own Jinja syntax (`j2_variable_start_string: '[[['` and the like)."""

    def __init__(self, env: Any, variables: dict[str, Any], page: Any) -> None:
        self.env, self.variables, self.page = env, variables, page
        self.meta = getattr(page, "meta", None) or {}
        #: What opens a tag in this syntax: a block holding none has nothing to fill in.
        self.starts = tuple(
            mark
            for mark in (
                getattr(env, "variable_start_string", "{{"),
                getattr(env, "block_start_string", "{%"),
                getattr(env, "line_statement_prefix", None),
            )
            if mark
        )

    def __call__(self, text: str) -> str:
        context = {**self.variables, **self.meta, "page": self.page}
        return str(self.env.from_string(text).render(**context))

    def included_file(self, text: str) -> Any:
        """The file a block shows when its whole text is one include tag of the site's
        syntax (`[[% include 'examples/app.yaml' %]]`), as an `IncludedFile` to check as
        that file, at its own lines; None otherwise, or when the site's loader does not
        have it."""
        import re

        from ..pages.included_files import IncludedFile

        start = getattr(self.env, "block_start_string", "{%")
        end = getattr(self.env, "block_end_string", "%}")
        stripped = text.strip()
        if not (stripped.startswith(start) and stripped.endswith(end)) or "\n" in stripped:
            return None
        inner = stripped[len(start) : len(stripped) - len(end)].strip("-+ \t")
        match = re.fullmatch(r"include[ \t]+(['\"])([^'\"]{1,500})\1", inner)
        loader = getattr(self.env, "loader", None)
        if match is None or loader is None:
            return None
        try:
            source, filename, _ = loader.get_source(self.env, match.group(2))
        except Exception:  # not found, or not readable: mkdocs-macros reports it
            return None
        if not filename or not str(filename).endswith((".yaml", ".yml")):
            return None  # a packaged or generated include: its text is not a file to fix
        return IncludedFile(Path(filename), source)


def jinja_renderer(env: Any, variables: dict[str, Any], page: Any) -> Render:
    """Fills in a block's Jinja with the page's variables, as mkdocs-macros will."""
    return JinjaRenderer(env, variables, page)
