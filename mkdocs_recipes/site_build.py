"""A whole site, checked without building HTML.

The build's own findings come from the same code the build runs: the site's `recipes` and
`macros` plugins are set up from its mkdocs.yml and each page goes through their Markdown
step, as `mkdocs build` does up to the point where it would convert Markdown to HTML and
render the theme. Then the checks that look at the site as a whole run: links, and
recipes against each other.
"""

from __future__ import annotations

import contextlib
import copy
import io
import logging
import os
import re
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .checks.across import check_recipes_together
from .checks.api_versions import check_template_text
from .checks.links import LinkedPage, SiteLinks, Snippets, check_links, snippet_folders
from .checks.links.headings import HeadingIds
from .pages.page_findings import front_matter_lines
from .pages.rendering import SiteMarkdown
from .pluglet import pluglet_aside, recipes_options
from .recipe.frontmatter import mkdocs_data
from .report.findings import Finding, display_path
from .site.project import OFFLINE_ENV

#: `progress(stage, done, total)`: "pages" as they are checked.
Progress = Callable[[str, int, int], None]


class SiteCheckError(Exception):
    """The site cannot be checked at all (its mkdocs.yml, a missing plugin): exit 2."""


@dataclass
class CheckedPage:
    """A page as the check saw it."""

    src_path: str
    path: str
    source: str
    #: The Markdown after mkdocs-macros (includes filled in).
    markdown: str
    #: The recipe, when the page has a valid one, and the page's Flux settings.
    recipe: Any = None
    settings: Any = None
    #: Whether mkdocs-macros renders the page (not with `render_macros: false`).
    rendered: bool = True
    #: The page's front-matter, when it parses, and whether it declares a recipe (valid
    #: or not).
    front_matter: Any = None
    declared: bool = False
    #: The page's analysis (its values blocks, resolved chart), when it has one.
    state: Any = None
    #: Lines another plugin brought into the Markdown (include-markdown's included
    #: files), each as (the source line of what brought it, its text).
    included: tuple[tuple[int, str], ...] = ()

    @classmethod
    def of(
        cls,
        file: Any,
        source: str,
        markdown: str,
        rendered: bool,
        state: Any,
        included: tuple[tuple[int, str], ...] = (),
    ) -> CheckedPage:
        """The page of MkDocs file `file`, with its analysis `state` (or None)."""
        return cls(
            included=included,
            src_path=file.src_path,
            path=_shown(file),
            source=source,
            markdown=markdown,
            recipe=state.recipe if state else None,
            settings=state.settings if state else None,
            rendered=rendered,
            front_matter=state.front_matter if state else None,
            declared=state.declared if state else False,
            state=state,
        )


def _shown(file: Any) -> str:
    """How findings name a MkDocs file."""
    return display_path(file.abs_src_path) if file.abs_src_path else file.src_path


@dataclass
class SiteReport:
    findings: list[Finding] = field(default_factory=list)
    pages: list[CheckedPage] = field(default_factory=list)
    #: The recipes engine the pages were analysed with (its resolver, Flux settings).
    engine: Any = None
    #: The site's root (the folder of its mkdocs.yml) and docs_dir.
    root: Path | None = None
    docs_dir: Path | None = None
    #: The check cache this check used (check_cache.CheckCache), if any.
    cache: Any = None
    #: The site's `baseline` option (relative to root), read or not.
    baseline_option: str = ""

    @property
    def recipes(self) -> int:
        return sum(1 for page in self.pages if page.recipe is not None)

    @property
    def baseline_used(self) -> bool:
        return self.engine is not None and self.engine.baseline is not None


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
    (check_cache.py; only with `whole_site`)."""
    if not (cache and whole_site):
        return _check_site(config_file, offline, progress, ready, whole_site, baseline, None)
    from .base.inputs import recording
    from .site.check_cache import KeptReport

    with recording() as recorded:
        report = _check_site(config_file, offline, progress, ready, True, baseline, recorded)
    results = report.cache
    if results is not None:
        engine = report.engine
        resolver = engine.resolver if engine is not None else None
        online = resolver is not None and not resolver.settings.offline and report.recipes
        results.finish(
            recorded,
            KeptReport(len(report.pages), report.recipes, report.findings, report.baseline_used),
            _expires(resolver, engine.options.index_ttl) if online else None,
        )
    return report


def _expires(resolver: Any, index_ttl: float) -> float:
    """When an online check's result is due to be made again: when the first listing it
    read (an index, a tag list, a values_yaml_url) is to be asked again."""
    if resolver.fresh_until is not None:
        return float(resolver.fresh_until)
    return time.time() + index_ttl


def _check_site(
    config_file: Path,
    offline: bool,
    progress: Progress | None,
    ready: Callable[[], None] | None,
    whole_site: bool,
    baseline: bool,
    recorded: Any,
) -> SiteReport:
    """`recorded`: what the check reads so far (inputs.Recorded), when it uses the cache."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError, PluginError
    from mkdocs.structure.files import get_files
    from mkdocs.structure.pages import Page

    from .plugin import RecipesPlugin, _macros_plugin
    from .site.engines import running

    report = SiteReport()
    with _offline(offline), _quiet_mkdocs():
        try:
            config = load_config(config_file=str(config_file))
        except (ConfigurationError, SystemExit, OSError) as error:
            raise SiteCheckError(f"{config_file}: {running()} cannot load it ({error})") from None
        existing = config.plugins.get("recipes")
        pluglet_site = not isinstance(existing, RecipesPlugin)
        recipes: RecipesPlugin
        if isinstance(existing, RecipesPlugin):
            recipes = existing
        else:
            # `macros: modules: [mkdocs_recipes]` (a Zensical site): the same engine, set up
            # from `extra.recipes`, the options the pluglet reads.
            options, problems = recipes_options(config)
            if problems:
                raise SiteCheckError(f"{config_file}: invalid option: {'; '.join(problems)}")
            recipes = RecipesPlugin()
            recipes.config = options
        if not recipes.config.enabled:
            raise SiteCheckError(f"{config_file}: the recipes plugin is disabled (enabled: false)")
        report.baseline_option = recipes.config.baseline
        if not baseline:
            recipes.config["baseline"] = ""
        try:
            macros = _macros_plugin(config)
            recipes.sink = report.findings.append
            recipes.emit_yaml = False  # links and headings are read, not the manifests
            recipes.progress = progress
            others = _SitePlugins(macros, recipes)
            config = others.configure(config, pluglet_site)
        except PluginError as error:
            raise SiteCheckError(str(error)) from None
        except Exception as error:  # a plugin that cannot start (mkdocs-macros' include_dir)
            raise SiteCheckError(f"{config_file}: {error}") from None
        report.engine = recipes.engine
        report.root = Path(config_file).resolve().parent
        report.docs_dir = Path(config.docs_dir)
        # The files the build publishes: plugins add, hide and rename them (exclude, blog,
        # awesome-pages); `exclude_docs` and `draft_docs` pages are left out below.
        files = others.files(get_files(config), config)
        if pluglet_site:
            recipes.on_files(files, config=config)
        # The blog plugin hides its posts until its nav event puts them back.
        nav = others.nav(files, config)
        macros.on_nav(nav, config, files)
        documentation = list(files.documentation_pages())
        renderer = _TagRenderer(macros)
        results = report.cache = _results(recorded, recipes, config_file, offline, baseline)
        if results is not None:
            results.start_pages(
                recorded.copy(),
                report.docs_dir,
                macros.config.get("include_dir"),
                _chart_sources(recipes),
            )
        reading_once = _FrontMatterReadOnce()
        if ready is not None:
            ready()
        for number, file in enumerate(documentation, start=1):
            if results is not None and _reused(results, recipes, file, report):
                if progress:
                    progress("pages", number, len(documentation))
                continue
            # The page object the nav made (a blog plugin makes its posts), as the build
            # reads it; else a new one.
            page = file.page if isinstance(file.page, Page) else Page(None, file, config)
            try:
                with reading_once:
                    page.read_source(config)
            except Exception as error:  # what `mkdocs build` stops on
                recipes.report(
                    Finding.of(
                        "page-unreadable",
                        _shown(file),
                        1,
                        f"MkDocs cannot read this page ({type(error).__name__}: "
                        f"{str(error)[:120]})",
                        "save it as UTF-8 text",
                    )
                )
                continue
            markdown = page.markdown or ""
            state = recipes.page_state(page)
            # The analysis read the page once; its text serves the link checks too.
            source = state.source if state is not None else file.content_string
            rendered = renderer.renders(page)
            fast = renderer.render(markdown, page, rendered)
            own: list[Finding] = []
            if fast is not None:
                markdown = fast
            else:
                rendered_markdown, problem = _macros_render(macros, markdown, page, config)
                if problem is not None:
                    # The page is then read as written; the error is a finding (what
                    # mkdocs-macros would print quotes the page, on stderr).
                    offset = front_matter_lines(source, markdown) or 0
                    line, message = problem
                    own.append(
                        Finding.of(
                            "page-macros-error",
                            _shown(file),
                            offset + line,
                            f"mkdocs-macros cannot render this page: {message}",
                            "fix the Jinja at that line, or set `render_macros: false` in the "
                            "page's front-matter if it only shows such syntax",
                        )
                    )
                    recipes.report(own[-1])
                else:
                    markdown = rendered_markdown
            included: tuple[tuple[int, str], ...] = ()
            if "{%" in markdown:
                # Tags mkdocs-macros left: another plugin fills them in the build
                # (include-markdown's `{% include-markdown "README.md" %}`).
                offset = front_matter_lines(source, markdown) or 0
                markdown, included = others.page_markdown(markdown, page, config, files, offset)
            if results is not None and not included:
                # (A page filled from other files is read again next time: the cache
                # keeps what a page's own source decides.)
                results.keep_page(
                    file.src_path, source, _entry(recipes, state, own, markdown, rendered)
                )
            report.pages.append(CheckedPage.of(file, source, markdown, rendered, state, included))
            if progress:
                progress("pages", number, len(documentation))
        if not whole_site:
            return report
        site = site_links(config, files, report.pages)
        site_markdown = SiteMarkdown.from_config(config)
        by_path = {page.src_path: page.markdown for page in report.pages}

        def render(src: str, needles: frozenset[str] | None) -> Any:
            if src not in by_path:
                return None
            return site_markdown.render(src, by_path[src], needles)

        # Extensions print and log their own complaints while pages are converted
        # (markdown-include): those are the build's to show.
        with quieted(logging.CRITICAL, "", "mkdocs"), _captured_output():
            findings = check_links(site, render)
        findings += snippet_api_findings(report.pages, site, recipes.flux_settings.flux_version)
        findings += check_recipes_together(report.pages, recipes.flux_settings)
        if pluglet_site:
            findings += missing_includes(report.pages, macros.config.get("include_dir"))
        for finding in findings:
            recipes.report(finding)
        accepted = recipes.engine.baseline
        stale = accepted.stale_finding() if accepted is not None else None
        if stale is not None:
            recipes.report(stale)
    return report


def _results(recorded: Any, recipes: Any, config_file: Path, offline: bool, baseline: bool) -> Any:
    """The check cache of the site, when this check uses one and the site has a cache
    folder (not with `cache: false`)."""
    if recorded is None or not recipes.config.cache:
        return None
    from .site.check_cache import CheckCache
    from .site.project import _cache_folder

    sources = _chart_sources(recipes)
    if sources:
        folder = sources[0]  # the chart cache
    else:
        folder = _cache_folder(Path(config_file).resolve().parent, recipes.config.cache_dir, True)
    return CheckCache(folder / "check", Path(config_file), offline=offline, baseline=baseline)


def _chart_sources(recipes: Any) -> list[Path]:
    """Where charts are read from: the chart cache (first), and the mirrors that are
    folders (none with `resolve_charts: false`)."""
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    resolver = recipes.engine.resolver
    if resolver is None:
        return []
    folders = [resolver.settings.cache_dir]
    for mirror in resolver.settings.mirrors:
        target = urlsplit(mirror.target)
        if target.scheme == "file":
            folders.append(Path(url2pathname(target.path)))
    return folders


def _reused(results: Any, recipes: Any, file: Any, report: SiteReport) -> bool:
    """The page `file` taken from the check cache, when its entry still holds."""
    try:
        source = file.content_string
    except Exception:
        return False  # analysed as usual: MkDocs' own complaint is the finding
    entry = results.page(file.src_path, source)
    if entry is None:
        return False
    state = recipes.engine.reuse(
        file.src_path, file.abs_src_path, source, entry.findings, entry.charts
    )
    if state is None:
        return False
    results.reuse(file.src_path)
    report.pages.append(CheckedPage.of(file, source, entry.markdown, entry.rendered, state))
    return True


def _entry(recipes: Any, state: Any, own: list[Finding], markdown: str, rendered: bool) -> Any:
    """What the check cache keeps of a page just analysed: a PageEntry, with what its
    result depended on (`Engine.depends_on`); `NETWORK` when that was a failed download
    (neither it nor the site's result is kept); None
    when it is not kept on its own (it shows files through include directives: the
    site's result, which lists every file read, still holds)."""
    from .site.check_cache import NETWORK, PageEntry

    if state is None:
        return PageEntry(own, markdown, rendered)
    recipe = state.recipe
    engine = recipes.engine
    charts: dict[str, str] = {}
    if recipe is not None and engine.resolver is not None:
        depends = engine.depends_on(recipe)
        if depends is None:
            return NETWORK  # a download failed: the next check may not see that
        charts = depends
    if any(f.code == "internal-error" for f in state.findings):
        return NETWORK  # not a result to keep
    if state.follows_includes:
        return None
    return PageEntry([*state.findings, *own], markdown, rendered, charts)


class _SitePlugins:
    """The site's plugins, run for the events that decide which files the build publishes
    (`config`, `pre_build`, `files`, `nav`), in the build's order: `macros` and `recipes`
    as `check` needs them, the others as the build runs them. A plugin that fails there
    is left out of the later events; its own build would show why."""

    def __init__(self, macros: Any, recipes: Any) -> None:
        self.macros = macros
        self.recipes = recipes
        self.failed: set[int] = set()

    def _others(self, config: Any, event: str) -> list[Any]:
        return [
            method
            for method in config.plugins.events.get(event, [])
            if getattr(method, "__self__", None) not in (self.macros, self.recipes)
        ]

    def configure(self, config: Any, pluglet_site: bool) -> Any:
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

    def files(self, files: Any, config: Any) -> Any:
        from mkdocs.structure.files import set_exclusions

        for method in list(config.plugins.events.get("files", [])):
            owner = getattr(method, "__self__", None)
            if owner is self.recipes:
                files = method(files, config=config) or files  # its prefetch
            elif owner is not self.macros:
                files = self._run(method, files, config=config) or files
        set_exclusions(files, config)
        return files

    def nav(self, files: Any, config: Any) -> Any:
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
        self, markdown: str, page: Any, config: Any, files: Any, offset: int
    ) -> tuple[str, tuple[tuple[int, str], ...]]:
        """The page's Markdown once the other plugins' `page_markdown` events ran, as the
        build runs them, and the lines they brought in, each at the source line (after
        `offset` lines of front-matter) of what they replaced."""
        import difflib

        before = markdown
        for method in self._others(config, "page_markdown"):
            with quieted(logging.CRITICAL, "", "mkdocs"), _captured_output():
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


def site_links(config: Any, files: Any, pages: list[CheckedPage]) -> SiteLinks:
    """What the link checks need of the site, from its configuration and files."""
    urls: dict[str, str] = {}
    for file in files:
        url = file.url.lstrip("/")
        urls[url] = file.src_uri
        if url.endswith("index.html"):
            urls[url[: -len("index.html")]] = file.src_uri
    mdx = config.mdx_configs or {}
    toc = mdx.get("toc") or {}
    slugify = toc.get("slugify")
    if not callable(slugify):
        from markdown.extensions.toc import slugify as default_slugify

        slugify = default_slugify
    snippets = mdx.get("pymdownx.snippets") or {}
    generated = []
    for name, instance in config.plugins.items():
        if name.endswith("blog"):
            generated.append(str(instance.config.get("blog_dir", "blog")).strip("/") + "/")
        if name.endswith("tags"):
            generated.append("tags/")
    extensions = [e if isinstance(e, str) else "" for e in config.markdown_extensions or []]
    published = {file.src_uri: file.url for file in files.documentation_pages()}
    return SiteLinks(
        docs_dir=Path(config.docs_dir),
        pages=[
            LinkedPage(p.src_path, p.path, p.source, p.markdown, published[p.src_path], p.included)
            for p in pages
            if p.src_path in published
        ],
        urls=urls,
        files={file.src_uri for file in files if not file.inclusion.is_excluded()},
        headings=HeadingIds(
            slugify=slugify,
            separator=str(toc.get("separator", "-")),
            emoji="pymdownx.emoji" in mdx or "pymdownx.emoji" in extensions,
        ),
        snippets=Snippets(
            folders=tuple(snippet_folders(config)),
            auto_append=tuple(snippets.get("auto_append") or ()),
        ),
        site_prefix=urlsplit(config.site_url or "").path.strip("/"),
        generated=tuple(generated),
        theme_dirs=tuple(Path(d) for d in getattr(config.theme, "dirs", []) or []),
        autorefs=any(n.endswith(("autorefs", "mkdocstrings")) for n in config.plugins),
        display=lambda p: display_path(str(p)),
    )


_MACROS_LINE = re.compile(r"_Line (\d+) in Markdown file:_ \*\*(.+?)\*\*")


def _macros_render(
    macros: Any, markdown: str, page: Any, config: Any
) -> tuple[str, tuple[int, str] | None]:
    """mkdocs-macros' rendering of a page, its complaints kept off the terminal: (the
    Markdown, None), or (the page as written, (line in the Markdown, what is wrong))."""
    try:
        with quieted(logging.CRITICAL, "mkdocs.plugins.macros"), _captured_output():
            result = macros.on_page_markdown(markdown, page=page, config=config) or markdown
    except (Exception, SystemExit) as error:  # `on_error_fail: true` exits
        return markdown, (1, f"{type(error).__name__}: {str(error)[:200]}")
    if result.startswith(("# _Macro Syntax Error_", "# _Macro Rendering Error_")):
        found = _MACROS_LINE.search(result)
        if found:
            return markdown, (int(found.group(1)), found.group(2)[:200])
        return markdown, (1, result.split("\n", 1)[0].strip("# _"))
    return result, None


_INCLUDE = re.compile(r"""\{%-?\s*include\s+["']([^"']+)["']""")


def snippet_api_findings(pages: list[CheckedPage], site: SiteLinks, release: str) -> list[Finding]:
    """Flux API versions in the Markdown snippets pages pull in (pymdownx.snippets) that
    are not pages themselves: readers see their YAML on every page that includes them."""
    checked = {page.src_path for page in pages}
    docs = Path(site.docs_dir).resolve()
    files: list[Path] = []
    for page in pages:
        for part in site.snippets.included(page.markdown):
            if part.path not in files:
                files.append(part.path)
    for part in site.snippets.appended():
        if part.path not in files:
            files.append(part.path)
    findings: list[Finding] = []
    for file in files:
        if file.suffix.lower() not in (".md", ".markdown"):
            continue  # a YAML file a block shows is checked as that block's file
        resolved = file.resolve()
        if resolved.is_relative_to(docs) and resolved.relative_to(docs).as_posix() in checked:
            continue  # a page of its own: already analysed
        findings += check_template_text(
            site.snippets.text(file), display_path(file), release, after_hint=""
        )
    return findings


def missing_includes(pages: list[CheckedPage], include_dir: str | None) -> list[Finding]:
    """Packaged include names a pluglet site uses but does not have as files: Zensical
    cannot load packaged templates, so those pages would lose their Flux YAML."""
    from .site.engine import PACKAGED_INCLUDES

    folder = Path(include_dir) if include_dir else None
    findings = []
    for page in pages:
        if not page.rendered:
            continue  # its Jinja is shown, not run
        for number, line in enumerate(page.source.split("\n"), start=1):
            for name in _INCLUDE.findall(line):
                if name not in PACKAGED_INCLUDES or (folder and (folder / name).is_file()):
                    continue
                findings.append(
                    Finding.of(
                        "include-missing",
                        page.path,
                        number,
                        f"`{name}` is a packaged include, which Zensical cannot load, and the "
                        f"site's include_dir ({include_dir or 'not set'}) has no such file",
                        f"run `mkdocs-recipes includes --write {include_dir or 'includes'}` "
                        "(and set the macros include_dir to that folder)",
                    )
                )
    return findings


_OPENING = re.compile(r"\{[{%#]")
_CLOSING = {"{": "}}", "%": "%}", "#": "#}"}


def jinja_tags(markdown: str) -> list[tuple[int, int]] | None:
    """(start, end) of each Jinja tag in `markdown`, in one pass; None when a tag opens
    inside another or never closes (mkdocs-macros then judges the page itself)."""
    tags: list[tuple[int, int]] = []
    position = 0
    while (opening := _OPENING.search(markdown, position)) is not None:
        start = opening.start()
        end = markdown.find(_CLOSING[markdown[start + 1]], start + 2)
        if end == -1:
            return None
        end += 2
        inner = _OPENING.search(markdown, start + 2, end - 2)
        if inner is not None:
            return None
        tags.append((start, end))
        position = end
    return tags


class _TagRenderer:
    """mkdocs-macros' rendering of a page, done tag by tag.

    mkdocs-macros compiles each page as one Jinja template, which costs more than all the
    checks together. Most pages only hold `{% include %}` and `{{ expression }}` tags: each
    distinct tag is compiled once for the whole site, in the same environment and with the
    same variables, and rendered in place; the text around it is kept as it is. A macros
    module's `on_pre_page_macros` and `on_post_page_macros` run around that, as
    mkdocs-macros runs them. Any other statement (`{% if %}`, `{% set %}`, `{% raw %}`,
    ...), whitespace control, comments or custom delimiters: None, and the caller lets
    mkdocs-macros render the page itself."""

    def __init__(self, macros: Any) -> None:
        env = macros.env
        self.macros = macros
        self.enabled = (
            (env.variable_start_string, env.block_start_string, env.comment_start_string)
            == ("{{", "{%", "{#")
            and (env.variable_end_string, env.block_end_string, env.comment_end_string)
            == ("}}", "%}", "#}")
            and not env.trim_blocks
            and not env.lstrip_blocks
            and env.line_statement_prefix is None
            and env.line_comment_prefix is None
            and env.newline_sequence == "\n"
        )
        # Our own pluglet hook only adds the packaged includes, as the plugin did.
        self.before = [
            f
            for f in getattr(macros, "pre_macro_functions", None) or ()
            if f.__module__ not in ("mkdocs_recipes", "mkdocs_recipes.pluglet")
        ]
        self.after = list(getattr(macros, "post_macro_functions", None) or ())
        self.templates: dict[str, Any] = {}
        # The site's variables, copied once (mkdocs-macros copies them for every page).
        self.variables = dict(macros.variables)
        # No include changes while a check runs: each is read once, not stat-ed again
        # by every page that includes it.
        env.auto_reload = False

    def renders(self, page: Any) -> bool:
        """Whether mkdocs-macros renders the page at all."""
        from .site.engine import macros_render

        meta = getattr(page, "meta", None) or {}
        by_default = self.macros.config.get("render_by_default", True)
        return bool(self.macros.force_page_rendering(page.file.src_path)) or macros_render(
            by_default, meta
        )

    def render(self, markdown: str, page: Any, rendered: bool) -> str | None:
        """`rendered`: what `renders(page)` said."""
        if not self.enabled:
            return None
        if not self.before and not self.after:
            return self._tags(markdown, page, rendered, self.variables)
        macros = self.macros
        try:
            # What mkdocs-macros' on_page_markdown sets before its hooks run (its own
            # attributes: should a later version name them otherwise, the hooks fail here
            # and mkdocs-macros renders the page itself).
            macros._page = page
            macros.variables["page"] = copy.copy(page)
            macros._markdown = markdown
            for hook in self.before:
                hook(macros)
            done = self._tags(macros.markdown, page, rendered, dict(macros.variables))
            if done is None:
                return None
            macros.markdown = done
            for hook in self.after:
                hook(macros)
            return str(macros.markdown)
        except Exception:
            return None  # let mkdocs-macros render it, and report what fails

    def _tags(
        self, markdown: str, page: Any, rendered: bool, site_variables: dict[str, Any]
    ) -> str | None:
        if not rendered:
            return markdown  # mkdocs-macros leaves such a page as written
        meta = getattr(page, "meta", None) or {}
        spans = jinja_tags(markdown)
        if spans is None:
            return None
        if not spans:
            return markdown
        for start, end in spans:
            text = markdown[start:end]
            if text.startswith("{#") or text[2] in "-+" or text[-3] in "-+":
                return None
            if text.startswith("{%") and text[2:].split(None, 1)[:1] != ["include"]:
                return None
        variables = {**site_variables, **meta, "page": page}
        parts = []
        position = 0
        concat = self.macros.env.concat
        context = None
        try:
            for start, end in spans:
                text = markdown[start:end]
                template = self.templates.get(text)
                if template is None:
                    template = self.templates[text] = self.macros.env.from_string(text)
                if context is None:
                    # One context for the page's tags, as the page template has: such tags
                    # only read it (what an include sets stays in the include's own).
                    context = template.new_context(variables)
                parts.append(markdown[position:start])
                parts.append(concat(template.root_render_func(context)))
                position = end
        except Exception:
            return None  # let mkdocs-macros render it, and report what fails
        parts.append(markdown[position:])
        return "".join(parts)


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


@contextmanager
def quieted(level: int, *names: str):
    """The loggers `names` (the root logger for "") set to `level` for a while."""
    loggers = [logging.getLogger(name or None) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(level)
    try:
        yield
    finally:
        for logger, before in zip(loggers, levels, strict=True):
            logger.setLevel(before)


@contextmanager
def _captured_output():
    """What a plugin or extension prints (on stdout, which is `check`'s report, or on
    stderr, where CI reads workflow commands) is not shown."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


def _quiet_mkdocs():
    """MkDocs' and mkdocs-macros' own INFO lines are not findings; warnings still show."""
    return quieted(logging.WARNING, "mkdocs", "mkdocs.plugins.macros")
