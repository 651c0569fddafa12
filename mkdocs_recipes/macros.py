"""The functions recipe pages call from templates (and the packaged includes call too).

Each returns Markdown text. On a page whose recipe front-matter is broken, they return
an admonition listing the problems instead of YAML that looks right but is not. Every
macro takes `indent=N` (to sit inside an admonition or a content tab) and any Flux option
as a keyword (`flux_helmrelease(release_interval="5m")`).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jinja2 import pass_context
from jinja2.runtime import Context

from .pages.markup import admonition, code_span, escape_inline, fenced_block, link
from .report.findings import Finding
from .site.analysis import PageState

if TYPE_CHECKING:
    from .flux import objects as flux
    from .flux.settings import FluxSettings

Lookup = Callable[[Any], PageState | None]
Report = Callable[[Finding], None]


def call_line(source: str, names: tuple[str, ...]) -> int:
    """The first source line mentioning one of `names` (a macro or include), else 1."""
    positions = [at for at in (source.find(name) for name in names) if at >= 0]
    return source.count("\n", 0, min(positions)) + 1 if positions else 1


def _include_of(macro: str) -> str:
    names = {
        "flux_namespace": "kubernetes-flux-namespace.md",
        "flux_helmrepository": "kubernetes-flux-helmrepository.md",
        "flux_source": "kubernetes-flux-helmrepository.md",
        "flux_kustomization": "kubernetes-flux-kustomization.md",
        "flux_helmrelease": "kubernetes-flux-helmrelease.md",
        "flux_check": "kubernetes-flux-check.md",
        "recipe_footer": "recipe-footer.md",
    }
    return names.get(macro, macro)


class RecipeMacros:
    """Binds the template functions to the plugin's page lookup and finding reporter."""

    def __init__(
        self,
        lookup: Lookup,
        report: Report,
        page_of: Callable[[], Any] | None = None,
        emit_yaml: bool = True,
    ) -> None:
        """`page_of`: where the current page comes from when macros get no Jinja context.
        `emit_yaml`: False when nobody reads the manifests' text (`mkdocs-recipes check`
        reads the rendered page for its links and headings): each block then holds a
        comment instead, and every finding is still reported."""
        self._lookup = lookup
        self._report = report
        self._page_of = page_of
        self._emit = emit_yaml

    def functions(self) -> dict[str, Callable[..., str]]:
        emit = self._emit
        return {
            "flux_namespace": self._macro("flux_namespace", _recipe_only("namespace", emit)),
            "flux_helmrepository": self._macro(
                "flux_helmrepository", _recipe_only("chart_source", emit)
            ),
            "flux_source": self._macro("flux_source", _recipe_only("chart_source", emit)),
            "flux_kustomization": self._macro(
                "flux_kustomization", _recipe_only("kustomization", emit)
            ),
            "flux_helmrelease": self._macro("flux_helmrelease", _block(_helm_release, emit)),
            "flux_check": self._macro("flux_check", _check_commands),
            "recipe_footer": self._macro("recipe_footer", _footer),
        }

    def _state(self, page: Any, macro: str, indent: int) -> tuple[PageState | None, str]:
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
            self._report(
                Finding.of(
                    "include-outside-recipe",
                    state.path,
                    call_line(state.source, (macro, _include_of(macro))),
                    f"`{macro}` is used on a page that is not a recipe "
                    "(its front-matter has no `helm_chart_name`)",
                    "add the recipe keys to the front-matter, or remove the include",
                )
            )
        return None, admonition(
            "warning", "Not a recipe page", ["this page has no `helm_chart_name`"], indent
        )

    def _settings(
        self, state: PageState, macro: str, overrides: dict[str, Any], indent: Any
    ) -> FluxSettings:
        if _int(indent) != indent:
            self._report(
                Finding.of(
                    "flux-invalid-option",
                    state.path,
                    call_line(state.source, (macro + "(",)),
                    f"{macro}(): indent must be a whole number of spaces, not {indent!r}",
                    f"write e.g. `{macro}(indent=4)`",
                )
            )
        if not overrides:
            return state.settings
        settings, problems = state.settings.with_overrides(overrides)
        for problem in problems:
            self._report(
                Finding.of(
                    "flux-invalid-option",
                    state.path,
                    call_line(state.source, (macro + "(",)),
                    f"{macro}(): {problem.message}",
                    problem.hint,
                )
            )
        return settings

    def _macro(
        self, name: str, render: Callable[[PageState, FluxSettings, int], str]
    ) -> Callable[..., str]:
        def call(page: Any, indent: int = 0, **overrides: Any) -> str:
            state, problem = self._state(page, name, _int(indent))
            if state is None:
                return problem
            return render(state, self._settings(state, name, overrides, indent), _int(indent))

        page_of = self._page_of
        if page_of is not None:
            # Engines whose macros get no Jinja context (Zensical): the page comes from
            # the pluglet's environment.
            def plain(indent: int = 0, **overrides: Any) -> str:
                return call(page_of(), indent, **overrides)

            plain.__name__ = name
            return plain

        @pass_context
        def macro(context: Context, indent: int = 0, **overrides: Any) -> str:
            return call(context.get("page"), indent, **overrides)

        macro.__name__ = name
        return macro


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _helm_release(state: PageState, settings: FluxSettings) -> flux.Manifest:
    from .flux import objects as flux

    assert state.recipe is not None
    values = state.merged_values() if settings.values_in_helmrelease else None
    return flux.helm_release(state.recipe, settings, values)


def _block(build: Callable[[PageState, FluxSettings], flux.Manifest], emit: bool = True):
    """A macro body that shows one manifest as a fenced block titled with its file."""

    def render(state: PageState, settings: FluxSettings, indent: int) -> str:
        manifest = build(state, settings)
        text = manifest.to_yaml() if emit else "# (not written out by this command)"
        return fenced_block(text, "yaml", manifest.path, indent)

    return render


def _recipe_only(builder: str, emit: bool = True):
    """The block of flux.py's `builder` for the page's recipe. (flux.py is imported by
    the first recipe page: a site without recipes never loads it.)"""

    def wrapped(state: PageState, settings: FluxSettings) -> flux.Manifest:
        from .flux import objects as flux

        assert state.recipe is not None
        return getattr(flux, builder)(state.recipe, settings)

    return _block(wrapped, emit)


def _check_commands(state: PageState, settings: FluxSettings, indent: int) -> str:
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


def _footer(state: PageState, settings: FluxSettings, indent: int) -> str:
    recipe = state.recipe
    assert recipe is not None
    # Everything here comes from the page or the chart's repository: each piece is
    # escaped as text, code or a checked link as it is written, never spliced raw.
    lines = []
    if recipe.upstream:
        lines.append(f"* Upstream: {link(recipe.upstream, recipe.upstream)}")
    chart = code_span(f"{recipe.helm_chart_name} {recipe.helm_chart_version}")
    resolved = f" (resolves to {code_span(state.chart.version)})" if state.chart is not None else ""
    source = link(recipe.helm_chart_repo_url, recipe.helm_chart_repo_url)
    lines.append(f"* Helm chart: {chart}{resolved} from {source}")
    for entry in recipe.links:
        lines.append(f"* {link(entry.name, entry.uri)}")
    text = "\n".join(lines)
    pad = " " * indent
    return text.replace("\n", "\n" + pad)
