"""mkdocs-recipes: Kubernetes/Flux recipe pages for MkDocs, correct by construction.

The core works without MkDocs: `analyse_page` reads a page's source and returns its
recipe, its Flux settings and every finding; `manifests` builds the Flux objects.

The package is also an mkdocs-macros pluglet (`macros: modules: [mkdocs_recipes]`), which
is how it runs under Zensical: see `define_env`.
"""

# Defined before the imports below: the network code sends it as its User-Agent.
__version__ = "0.1.0"

from typing import Any

from .analysis import PageState, analyse_page
from .charts.resolver import ChartResolver, ResolverSettings
from .findings import CODES, Finding, Severity
from .flux import FluxSettings, Manifest, manifests, to_yaml
from .recipe import Link, Recipe, read_recipe


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
