"""mkdocs-recipes: Kubernetes/Flux recipe pages for MkDocs, correct by construction."""

from .findings import CODES, Finding, Severity
from .flux import FluxSettings, Manifest, manifests, to_yaml
from .recipe import Link, Recipe, read_recipe

__version__ = "0.1.0"

__all__ = [
    "CODES",
    "Finding",
    "FluxSettings",
    "Link",
    "Manifest",
    "Recipe",
    "Severity",
    "__version__",
    "manifests",
    "read_recipe",
    "to_yaml",
]
