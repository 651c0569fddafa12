"""`values_yaml_url` against the chart the page pins: a link readers follow to find keys."""

from __future__ import annotations

from ..charts.archive import Chart
from ..charts.resolver import ChartResolver, ResolvedChart
from ..charts.values_url import (
    differences,
    git_ref,
    known_non_values_page,
    parse_values_file,
    raw_url,
)
from ..recipe.model import Recipe
from ..report.findings import Finding


def fetched_link(url: str, resolved: ResolvedChart | None, resolver: ChartResolver) -> str | None:
    """The raw file a page's `values_yaml_url` is compared through (None: nothing is
    fetched: the link is a known page that is not a values file, or the build is offline
    and the chart resolved, where the link is compared once online)."""
    if known_non_values_page(url) or (resolver.settings.offline and resolved is not None):
        return None
    return raw_url(url)


def check_values_url(
    recipe: Recipe, resolved: ResolvedChart | None, resolver: ChartResolver, fetch: bool = True
) -> tuple[Chart | None, list[Finding]]:
    """Findings about the link, and a stand-in chart built from it when the chart itself
    could not be resolved (so the page's snippets are still checked). Without `fetch`,
    only what the URL itself shows is checked."""
    url = recipe.values_yaml_url
    assert url
    line = recipe.line_of("values_yaml_url")

    def finding(code: str, message: str, hint: str | None = None) -> Finding:
        return Finding.of(code, recipe.path, line, message, hint)

    what = known_non_values_page(url)
    if what:
        return None, [
            finding(
                "values-url-invalid",
                f"values_yaml_url is {what}, not the chart's values.yaml",
                "link the values.yaml file itself, e.g. its page in the chart's Git repository",
            )
        ]
    link = fetched_link(url, resolved, resolver) if fetch else None
    if link is None:
        return None, []
    body, problem = resolver.fetch_text(link)
    if body is None:
        if resolved is None:
            return None, []  # the chart-unavailable finding already explains
        reason = problem.message if problem else "it could not be fetched"
        return None, [
            finding("values-url-unchecked", f"values_yaml_url was not compared: {reason}")
        ]
    values, invalid = parse_values_file(body, resolver.settings.helm)
    if values is None:
        return None, [
            finding(
                "values-url-invalid",
                f"values_yaml_url does not lead to a values file: {invalid}",
                "link the chart's values.yaml (a GitHub `blob` link is fine)",
            )
        ]
    if resolved is None:
        chart = Chart(
            name=recipe.helm_chart_name,
            version="(values_yaml_url)",
            app_version=None,
            values_text=body.decode("utf-8", errors="replace"),
            values=values,
            schema=None,
            helm=resolver.settings.helm,
        )
        return chart, [
            finding(
                "values-from-url",
                f"the chart could not be resolved from its repository, so the snippets are "
                f"checked against values_yaml_url instead ({url})",
                "fix the chart resolution finding to check against the pinned version",
            )
        ]
    pinned = resolved.chart.values if isinstance(resolved.chart.values, dict) else {}
    if values != pinned:
        ref = git_ref(url)
        words = differences(values, pinned)
        return None, [
            finding(
                "values-url-differs",
                f"values_yaml_url shows values that differ from {resolved.chart.name} "
                f"{resolved.version}'s"
                + (f" (it points at `{ref}`)" if ref else "")
                + (": it " + " and ".join(words) if words else ""),
                f"link the values.yaml of the chart version the page pins ({resolved.version}),"
                " e.g. a tag instead of a branch",
            )
        ]
    return None, []
