"""mkdocs-recipes: Kubernetes/Flux recipe pages for MkDocs, correct by construction.

The core works without MkDocs: `analyse_page` reads a page's source and returns its
recipe, its Flux settings and every finding; `manifests` builds the Flux objects.

The package is also an mkdocs-macros pluglet (`macros: modules: [mkdocs_recipes]`), which
is how it runs under Zensical: see `define_env`.
"""

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .charts.resolver import ChartResolver, ResolverSettings
    from .flux.objects import Manifest, manifests, to_yaml
    from .flux.settings import FluxSettings
    from .recipe.model import Link, Recipe, read_recipe
    from .report.findings import CODES, Finding, Severity
    from .site.analysis import PageState, analyse_page

#: Where each public name lives: imported on first use, so that a command that needs
#: little (a `check` answered from its cache) does not pay for the rest.
_PUBLIC = {
    "PageState": "site.analysis",
    "analyse_page": "site.analysis",
    "ChartResolver": "charts.resolver",
    "ResolverSettings": "charts.resolver",
    "CODES": "report.findings",
    "Finding": "report.findings",
    "Severity": "report.findings",
    "FluxSettings": "flux.settings",
    "Manifest": "flux.objects",
    "manifests": "flux.objects",
    "to_yaml": "flux.objects",
    "Link": "recipe.model",
    "Recipe": "recipe.model",
    "read_recipe": "recipe.model",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def define_env(env: Any) -> None:
    """mkdocs-macros / Zensical pluglet entry point: registers the recipe macros."""
    from .pluglet import define_env as define

    define(env)


def on_pre_page_macros(env: Any) -> None:
    """mkdocs-macros hook: makes the packaged includes loadable (under MkDocs)."""
    from .pluglet import on_pre_page_macros as before_page

    before_page(env)


__all__ = [
    "CODES",
    "ChartResolver",
    "Finding",
    "FluxSettings",
    "Link",
    "Manifest",
    "PageState",
    "Recipe",
    "ResolverSettings",
    "Severity",
    "__version__",
    "analyse_page",
    "define_env",
    "manifests",
    "read_recipe",
    "to_yaml",
]
