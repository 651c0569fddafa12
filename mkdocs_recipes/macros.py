"""The functions recipe pages call from templates (and the packaged includes call too).

Each returns Markdown text. On a page whose recipe front-matter is broken, they return
an admonition listing the problems instead of YAML that looks right but is not.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from . import flux
from .charts.resolver import ResolvedChart
from .findings import Finding
from .markup import admonition, escape_inline, fenced_block
from .recipe import Recipe


@dataclass
class PageRecipe:
    """What the plugin knows about one page: its recipe (if valid) and its findings."""

    path: str
    source: str
    recipe: Recipe | None = None
    findings: list[Finding] = field(default_factory=list)
    declared: bool = False  # the front-matter has recipe keys, valid or not
    chart: ResolvedChart | None = None  # the chart the recipe pins, once resolved


Lookup = Callable[[Any], PageRecipe | None]
Report = Callable[[Finding], None]


def call_line(source: str, names: tuple[str, ...]) -> int:
    """The first source line mentioning one of `names` (a macro or include), else 1."""
    for number, line in enumerate(source.split("\n"), start=1):
        if any(name in line for name in names):
            return number
    return 1


class RecipeMacros:
    """Binds the template functions to the plugin's page lookup and finding reporter."""

    def __init__(self, lookup: Lookup, report: Report, settings: flux.FluxSettings) -> None:
        self._lookup = lookup
        self._report = report
        self._settings = settings

    def functions(self) -> dict[str, Callable[..., str]]:
        return {
            "flux_namespace": self._manifest_macro("flux_namespace", flux.namespace),
            "flux_helmrepository": self._manifest_macro(
                "flux_helmrepository", flux.helm_repository
            ),
            "flux_kustomization": self._manifest_macro("flux_kustomization", flux.kustomization),
            "flux_helmrelease": self._manifest_macro("flux_helmrelease", flux.helm_release),
            "flux_check": self._simple_macro("flux_check", _check_commands),
            "recipe_footer": self._simple_macro("recipe_footer", _footer),
        }

    def _recipe(self, context: Context, macro: str, indent: int) -> tuple[PageRecipe | None, str]:
        page = context.get("page")
        state = self._lookup(page) if page is not None else None
        if state is not None and state.recipe is not None:
            return state, ""
        if state is not None and state.declared:
            messages = [escape_inline(f"line {f.line}: {f.message}") for f in state.findings]
            return None, admonition(
                "failure",
                "This recipe's front-matter has errors; the Flux YAML is not shown",
                messages or ["see the build log"],
                indent,
            )
        if state is not None:
            include = macro.replace("flux_", "kubernetes-flux-").replace("_", "-") + ".md"
            self._report(
                Finding.of(
                    "include-outside-recipe",
                    state.path,
                    call_line(state.source, (macro, include)),
                    f"`{macro}` is used on a page that is not a recipe "
                    "(its front-matter has no `helm_chart_name`)",
                    "add the recipe keys to the front-matter, or remove the include",
                )
            )
        return None, admonition(
            "warning", "Not a recipe page", ["this page has no `helm_chart_name`"], indent
        )

    def _manifest_macro(
        self, name: str, build: Callable[[Recipe, flux.FluxSettings], flux.Manifest]
    ) -> Callable[..., str]:
        @pass_context
        def macro(context: Context, indent: int = 0) -> str:
            state, problem = self._recipe(context, name, indent)
            if state is None or state.recipe is None:
                return problem
            manifest = build(state.recipe, self._settings)
            return fenced_block(manifest.to_yaml(), "yaml", manifest.path, indent)

        macro.__name__ = name
        macro.__doc__ = f"Markdown for the recipe's {name.removeprefix('flux_')} manifest."
        return macro

    def _simple_macro(
        self, name: str, render: Callable[[PageRecipe, flux.FluxSettings, int], str]
    ) -> Callable[..., str]:
        @pass_context
        def macro(context: Context, indent: int = 0) -> str:
            state, problem = self._recipe(context, name, indent)
            if state is None or state.recipe is None:
                return problem
            return render(state, self._settings, indent)

        macro.__name__ = name
        return macro


def _check_commands(state: PageRecipe, settings: flux.FluxSettings, indent: int) -> str:
    recipe = state.recipe
    assert recipe is not None
    ns = shlex.quote(recipe.helmrelease_namespace)
    commands = [
        f"flux reconcile source git {shlex.quote(settings.git_repository)}",
        f"flux get kustomizations {shlex.quote(recipe.kustomization_name)}",
        f"flux get helmreleases -n {ns} {shlex.quote(recipe.helmrelease_name)}",
        f"kubectl get pods -n {ns}",
    ]
    return fenced_block("\n".join(commands), "bash", None, indent)


def _footer(state: PageRecipe, settings: flux.FluxSettings, indent: int) -> str:
    recipe = state.recipe
    assert recipe is not None
    lines = []
    if recipe.upstream:
        lines.append(f"* Upstream: <{recipe.upstream}>")
    # Both are validated (chart-name characters, constraint grammar): no backticks.
    chart = f"{recipe.helm_chart_name} {recipe.helm_chart_version}"
    resolved = f" (resolves to `{state.chart.version}`)" if state.chart is not None else ""
    lines.append(f"* Helm chart: `{chart}`{resolved} from <{recipe.helm_chart_repo_url}>")
    for link in recipe.links:
        lines.append(f"* [{escape_inline(link.name)}](<{link.uri}>)")
    text = "\n".join(lines)
    pad = " " * indent
    return text.replace("\n", "\n" + pad)
