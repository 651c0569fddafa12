"""Which front-matter makes a page a recipe: `helm_chart_name`, and only that key. The
other chart keys show that the author meant one. (Apart from recipe.py, which reads and
validates a recipe, so that a page of examples is judged without loading it.)

Besides them, a page's front-matter speaks to this plugin with `flux:` (its Flux
options) and `recipe_checks:` (its finding levels)."""

from __future__ import annotations

from typing import Any

#: Keys that only make sense on a recipe, besides `helm_chart_name` (`slug` is shared with
#: Material's blog and other plugins, so it is not one of them).
CHART_KEYS = (
    "helm_chart_version",
    "helm_chart_repo_url",
    "helm_chart_repo_name",
    "helmrelease_name",
    "helmrelease_namespace",
    "kustomization_name",
    "values_yaml_url",
)
_CHART_PREFIXES = ("helm_chart_", "helmrelease_")
#: What every key the plugin reads in a front-matter contains (`helm_chart_*`,
#: `helmrelease_*`, the other chart keys, `flux`, `recipe_checks`).
_MENTIONS = ("helm", "kustomization_name", "values_yaml_url", "flux", "recipe_checks")


def is_recipe(meta: dict[str, Any]) -> bool:
    """Whether a page's metadata declares a recipe."""
    return "helm_chart_name" in meta


def chart_keys_in(meta: dict[str, Any]) -> list[str]:
    """The recipe-only keys (other than `helm_chart_name`) a page's metadata has."""
    return [
        key
        for key in meta
        if isinstance(key, str) and (key in CHART_KEYS or key.startswith(_CHART_PREFIXES))
    ]


def declares_recipe(meta: dict[str, Any]) -> bool:
    """A recipe, or a page whose author meant one (chart keys without the chart name)."""
    return is_recipe(meta) or bool(chart_keys_in(meta))


def mentions_own_keys(text: str) -> bool:
    """Whether a front-matter text may hold a key this plugin reads (a plain substring
    test: a value that mentions one only costs the full reading)."""
    return any(word in text for word in _MENTIONS)
