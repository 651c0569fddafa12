"""The sites an editor has open: each loaded once as its build loads it, its pages read
again from the editor's buffers, its charts fetched in the background.

A page is analysed by the same code as `mkdocs build` and `check`
(`site_build.LoadedSite.read_text`). What needs the network never waits in a keystroke:
a recipe whose chart this process has not resolved yet is first analysed without it, the
chart is resolved on a thread of its own, and the page is analysed again when it is
there (`on_chart`). The checks across pages run on save, through `check`'s own code and
its cache.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..report.findings import Finding
from ..site.checked import SiteCheckError
from ..site.engines import CONFIG_NAMES

if TYPE_CHECKING:
    from ..charts.lockfile import ChartKey
    from ..charts.resolver import ResolvedChart
    from ..recipe.model import Recipe
    from ..site.checked import CheckedPage
    from ..site_build import LoadedSite

log = logging.getLogger("mkdocs_recipes.lsp")


def site_config_of(file: Path) -> Path | None:
    """The `mkdocs.yml` (or `properdocs.yml`) of the nearest folder above `file`."""
    for folder in file.parents:
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


@dataclass
class Analysis:
    """A page's analysis from an editor's buffer."""

    findings: list[Finding]
    page: CheckedPage | None
    #: The page's recipe, when it has a valid one.
    recipe: Recipe | None = None
    #: Its chart, once resolved (None while it is fetched, or when it does not resolve).
    chart: ResolvedChart | None = None
    #: The chart is being fetched: what needs it follows.
    waiting: bool = False


@dataclass
class OpenSite:
    """One site the editor works in."""

    config_file: Path
    offline: bool = False
    #: Told the site and a chart key once that chart is fetched (on a fetching thread).
    on_chart: Callable[[OpenSite], None] | None = None
    #: Why the site cannot be loaded (its mkdocs.yml, a plugin), when it cannot.
    problem: str | None = None
    _site: LoadedSite | None = None
    _stamp: tuple = ()
    _ready: set[ChartKey] = field(default_factory=set)
    _fetching: set[ChartKey] = field(default_factory=set)
    #: Pages the loaded site did not know, once loaded again for them.
    _unknown: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _fetcher: ThreadPoolExecutor | None = None

    @property
    def root(self) -> Path:
        return self.config_file.parent

    def loaded(self) -> LoadedSite | None:
        """The site as its build loads it; loaded again when its configuration, lockfile
        or baseline changed. None (and `problem` says why) when it cannot be loaded."""
        stamp = self._files_stamp()
        if self._site is not None and stamp == self._stamp:
            return self._site
        from ..site.engines import use_engine_of
        from ..site_build import load_site

        os.chdir(self.root)
        use_engine_of(self.config_file)
        try:
            self._site = load_site(self.config_file, offline=self.offline)
            self.problem = None
        except SiteCheckError as error:
            self._site, self.problem = None, str(error)
        except Exception as error:  # a plugin of the site that cannot start
            self._site, self.problem = None, f"{type(error).__name__}: {error}"
        self._stamp = stamp
        with self._lock:
            self._ready.clear()
        return self._site

    def _files_stamp(self) -> tuple:
        """What a loaded site depends on besides its pages (stat, no reading)."""
        names = [self.config_file, self.root / "recipes.lock", self.root / "recipes-baseline.json"]
        site = self._site
        if site is not None:
            options = site.recipes.engine.options
            names[1:] = [self.root / options.lockfile, self.root / (options.baseline or "-")]
        stamp: list[tuple[int, int] | None] = []
        for name in names:
            try:
                info = name.stat()
                stamp.append((info.st_mtime_ns, info.st_size))
            except OSError:
                stamp.append(None)
        return tuple(stamp)

    def analyse(self, file: Path, text: str) -> Analysis | None:
        """The page at `file` read from `text`; None when the build publishes no such page
        (a file outside docs_dir, excluded, not Markdown)."""
        site = self.loaded()
        if site is None:
            return None
        os.chdir(self.root)
        src = _in_docs(site, file)
        if src is None:
            return None
        recipe = _recipe_of(text, str(file))
        key = None
        if recipe is not None and site.recipes.engine.options.resolve_charts:
            from ..site.project import chart_key

            key = chart_key(recipe)
        with self._lock:
            ready = key is None or key in self._ready
        if not ready:
            self._fetch(key, recipe)
        result = site.read_text(src, text, charts=ready)
        if result is None and src not in self._unknown and file.suffix in (".md", ".markdown"):
            # A page written since the site was loaded: the build would publish it.
            self._unknown.add(src)
            self._site = None
            return self.analyse(file, text)
        if result is None:
            return None
        page, findings = result
        state = page.state if page is not None else None
        return Analysis(
            findings,
            page,
            state.recipe if state is not None else recipe,
            state.chart if state is not None else None,
            waiting=not ready,
        )

    def _fetch(self, key: ChartKey | None, recipe: Recipe | None) -> None:
        """Resolve `key`'s chart (and the page's values link) on a thread of its own."""
        if key is None or recipe is None:
            return
        with self._lock:
            if key in self._fetching:
                return
            self._fetching.add(key)
        if self._fetcher is None:
            self._fetcher = ThreadPoolExecutor(2, thread_name_prefix="recipes-charts")
        self._fetcher.submit(self._resolve, key, recipe)

    def _resolve(self, key: ChartKey, recipe: Recipe) -> None:
        site = self._site
        try:
            if site is not None:
                engine = site.recipes.engine
                resolver = engine.resolver
                if resolver is not None:
                    engine.depends_on(recipe)  # the chart, and the values link it compares
                    resolver.chart_names(recipe.helm_chart_repo_url)
        except Exception:  # its analysis says what is wrong; this thread must not die
            log.debug("resolving %s failed", key, exc_info=True)
        finally:
            with self._lock:
                self._fetching.discard(key)
                self._ready.add(key)
        if self.on_chart is not None:
            self.on_chart(self)

    def whole_site(self) -> tuple[dict[Path, list[Finding]], dict[Path, list[Finding]]]:
        """Every finding of the site by file, as `check` reports them (its cache kept in
        step), and those of them only the checks across pages make. Run in a process of
        its own (`lsp.whole_site`): pages are read meanwhile."""
        import json
        import subprocess
        import sys

        from .whole_site import finding_of

        command = [sys.executable, "-m", "mkdocs_recipes.lsp.whole_site", str(self.config_file)]
        if self.offline:
            command.append("--offline")
        try:
            done = subprocess.run(
                command, cwd=self.root, capture_output=True, text=True, timeout=600
            )
            data = json.loads(done.stdout)
        except (OSError, ValueError, subprocess.TimeoutExpired) as error:
            self.problem = f"the checks across pages failed ({type(error).__name__}: {error})"
            return {}, {}
        if "problem" in data:
            self.problem = str(data["problem"])
            return {}, {}
        findings = [finding_of(item) for item in data["findings"]]
        across = [findings[n] for n in data["across"]]
        return self._by_file(findings), self._by_file(across)

    def _by_file(self, findings: list[Finding]) -> dict[Path, list[Finding]]:
        found: dict[Path, list[Finding]] = {}
        for finding in findings:
            found.setdefault((self.root / finding.path).resolve(), []).append(finding)
        return found

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.shutdown(wait=False, cancel_futures=True)


def _in_docs(site: LoadedSite, file: Path) -> str | None:
    try:
        return file.resolve().relative_to(Path(site.config.docs_dir).resolve()).as_posix()
    except ValueError:
        return None


def _recipe_of(text: str, path: str) -> Recipe | None:
    if "helm_chart_name" not in text:
        return None
    from ..recipe.model import read_recipe

    try:
        recipe, _ = read_recipe(text, path)
    except Exception:  # the page's analysis reports what is wrong with it
        return None
    return recipe
