"""Front-matter that names the wrong chart of a repository.

A repository often publishes several charts. When the page's values_yaml_url is the
values.yaml of another chart of the same repository, or the page's file is named after
one, `helm_chart_name` is probably copied from another recipe.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urlsplit

from ..recipe.model import Recipe
from ..report.findings import Finding


def check_chart_identity(recipe: Recipe, charts_in_repository: set[str]) -> list[Finding]:
    evidence = []
    if recipe.values_yaml_url:
        parts = PurePosixPath(urlsplit(recipe.values_yaml_url).path).parts
        if len(parts) >= 2 and parts[-1].startswith("values"):
            evidence.append((parts[-2], "values_yaml_url is that chart's values file"))
    stem = PurePosixPath(recipe.path).stem
    evidence.append((stem, "the page's file is named after it"))
    for name, why in evidence:
        if name != recipe.helm_chart_name and name in charts_in_repository:
            return [
                Finding.of(
                    "recipe-chart-mismatch",
                    recipe.path,
                    recipe.line_of("helm_chart_name"),
                    f"helm_chart_name is `{recipe.helm_chart_name}`, but the repository also "
                    f"publishes `{name}` and {why}",
                    f"if this page is about `{name}`, write `helm_chart_name: {name}`",
                )
            ]
    return []
