"""mkdocs-recipes: Kubernetes/Flux recipe pages for MkDocs, correct by construction.

The core works without MkDocs: `analyse_page` reads a page's source and returns its
recipe, its Flux settings and every finding; `manifests` builds the Flux objects.
"""

# Defined before the imports below: the network code sends it as its User-Agent.
__version__ = "0.1.0"

from .analysis import PageState, analyse_page
from .charts.resolver import ChartResolver, ResolverSettings
from .findings import CODES, Finding, Severity
from .flux import FluxSettings, Manifest, manifests, to_yaml
from .recipe import Link, Recipe, read_recipe

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
    "manifests",
    "read_recipe",
    "to_yaml",
]
