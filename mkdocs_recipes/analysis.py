"""One page, analysed: its recipe, its Flux settings, its YAML blocks, its findings.

The MkDocs plugin and the command line both call `analyse_page`; neither has logic of
its own about what a page means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .charts.resolver import ChartResolver, ResolvedChart
from .checks.api_versions import check_api_versions
from .findings import Finding
from .flux import FluxSettings, url_adjustment
from .fragments import YamlBlock, merge_values, read_yaml_block
from .frontmatter import FrontMatter, read_front_matter
from .pages import code_blocks
from .project import chart_key, resolution_findings
from .recipe import RECIPE_KEYS, Recipe, recipe_from_front_matter


@dataclass
class PageState:
    """What is known about one page after analysis."""

    path: str
    source: str
    settings: FluxSettings
    recipe: Recipe | None = None
    findings: list[Finding] = field(default_factory=list)
    #: The front-matter has recipe keys, valid or not.
    declared: bool = False
    #: The chart the recipe pins, once resolved.
    chart: ResolvedChart | None = None
    yaml_blocks: list[YamlBlock] = field(default_factory=list)

    def values_fragments(self) -> list[YamlBlock]:
        return [b for b in self.yaml_blocks if b.is_values]

    def merged_values(self) -> dict[str, Any]:
        """The page's values snippets merged in page order (for `values_in_helmrelease`)."""
        merged: dict[str, Any] = {}
        for block in self.values_fragments():
            merged = merge_values(merged, block.values())
        return merged


def analyse_page(
    source: str, path: str, site: FluxSettings, resolver: ChartResolver | None = None
) -> PageState:
    front_matter, findings = read_front_matter(source, path)
    state = PageState(path=path, source=source, settings=site, findings=list(findings))
    if findings:
        state.declared = any(f"{key}:" in source for key in RECIPE_KEYS)
    else:
        state.declared = any(key in front_matter.data for key in RECIPE_KEYS)
        state.settings, problems = _page_settings(front_matter, site, path)
        state.findings += problems
        state.recipe, recipe_findings = recipe_from_front_matter(front_matter, path)
        state.findings += recipe_findings
    recipe = state.recipe
    if recipe is not None:
        if resolver is not None:
            resolution = resolver.resolve(chart_key(recipe))
            state.chart = resolution.chart
            state.findings += resolution_findings(recipe, resolution)
        adjusted = url_adjustment(recipe, state.settings)
        if adjusted:
            state.findings.append(
                Finding.of(
                    "flux-url-adjusted", path, recipe.line_of("helm_chart_repo_url"), adjusted
                )
            )
    state.yaml_blocks = [
        read_yaml_block(block)
        for block in code_blocks(source)
        if block.is_yaml and not block.skipped and not block.has_template
    ]
    state.findings += check_api_versions(state.yaml_blocks, state.settings.flux_version, path)
    return state


def _page_settings(
    front_matter: FrontMatter, site: FluxSettings, path: str
) -> tuple[FluxSettings, list[Finding]]:
    """The site's Flux settings with the page's `flux:` front-matter applied."""
    overrides = front_matter.data.get("flux")
    if overrides is None:
        return site, []
    line = front_matter.line_of("flux")
    if not isinstance(overrides, dict):
        return site, [
            Finding.of(
                "flux-invalid-option",
                path,
                line,
                "`flux` in the front-matter must be a mapping of Flux options",
                'write e.g. `flux:` then `  flux_version: "2.6"` on the next line',
            )
        ]
    settings, problems = site.with_overrides(overrides)
    node = front_matter.nodes.get("flux")
    lines = {}
    if isinstance(node, yaml.MappingNode):
        lines = {k.value: front_matter.node_line(k) for k, _ in node.value}
    return settings, [
        Finding.of("flux-invalid-option", path, lines.get(p.key, line), p.message, p.hint)
        for p in problems
    ]
