"""A recipe site as a whole: its recipe pages, its lockfile and how charts are resolved.

Shared by the MkDocs plugin and the command line, so that both see the same settings.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..charts.helm_values import DEFAULT_HELM
from ..report.findings import Finding

if TYPE_CHECKING:
    from ..charts.lockfile import ChartKey
    from ..charts.resolver import Resolution, ResolverSettings
    from ..recipe.model import Recipe

OFFLINE_ENV = "MKDOCS_RECIPES_OFFLINE"


def offline_requested(option: bool, environ: Mapping[str, str] | None = None) -> bool:
    """Offline when the option says so or `MKDOCS_RECIPES_OFFLINE` is set to a true value."""
    env = os.environ if environ is None else environ
    return option or env.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


class SettingsError(ValueError):
    """A plugin option that cannot be used; the message names it."""


def resolver_settings(
    *,
    base_dir: Path,
    offline: bool,
    cache_dir: str | None,
    cache: bool = True,
    mirrors: Mapping[str, str],
    index_ttl: float,
    environ: Mapping[str, str] | None = None,
    helm: int = DEFAULT_HELM,
) -> ResolverSettings:
    """Resolver settings from plugin options; relative paths are relative to mkdocs.yml."""
    from ..charts.mirrors import Mirror
    from ..charts.resolver import ResolverSettings

    problem = settings_problem(mirrors, index_ttl)
    if problem is not None:
        raise SettingsError(problem)
    return ResolverSettings(
        cache_dir=_cache_folder(base_dir, cache_dir, cache),
        offline=offline_requested(offline, environ),
        index_ttl=float(index_ttl),
        mirrors=tuple(Mirror.parse(p, t, base_dir) for p, t in mirrors.items()),
        helm=helm,
    )


def settings_problem(mirrors: Mapping[str, str], index_ttl: float) -> str | None:
    """What is wrong with the resolver options (None: nothing)."""
    bad = [
        f"{prefix!r}: {target!r}"
        for prefix, target in mirrors.items()
        if not isinstance(prefix, str) or not isinstance(target, str) or not prefix or not target
    ]
    if bad:
        return "mirrors maps a URL prefix to a URL or a folder, both strings; not " + ", ".join(bad)
    if index_ttl < 0:
        return f"index_ttl must be 0 or more seconds, not {index_ttl}"
    return None


def _cache_folder(base_dir: Path, cache_dir: str | None, cache: bool) -> Path:
    if not cache:
        # A folder of this process's own, removed when the process ends.
        folder = Path(tempfile.mkdtemp(prefix="mkdocs-recipes-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        return folder
    from ..charts.cache import default_cache_dir

    return (base_dir / cache_dir) if cache_dir else default_cache_dir()


def chart_key(recipe: Recipe) -> ChartKey:
    from ..charts.lockfile import ChartKey

    return ChartKey(recipe.helm_chart_repo_url, recipe.helm_chart_name, recipe.helm_chart_version)


def resolution_findings(recipe: Recipe, resolution: Resolution) -> list[Finding]:
    """Each resolution problem as a finding at the front-matter key it concerns."""
    return [
        Finding.of(p.code, recipe.path, recipe.line_of(p.key), p.message, p.hint)
        for p in resolution.problems
    ]


class RecipePage(NamedTuple):
    path: str
    recipe: Recipe | None
    findings: list[Finding]


def recipe_pages(docs_dir: Path, root: Path) -> Iterator[RecipePage]:
    """Every Markdown page under `docs_dir` that declares a recipe, in path order."""
    from ..recipe.model import read_recipe

    for file in sorted(docs_dir.rglob("*.md")):
        try:
            source = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        shown = Path(os.path.relpath(file, root)).as_posix()
        recipe, findings = read_recipe(source, shown)
        if recipe is not None or findings:
            yield RecipePage(shown, recipe, findings)
