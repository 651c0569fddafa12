"""One page, analysed: its recipe, its Flux settings, its YAML blocks, its findings.

The MkDocs plugin and the command line both call `analyse_page`; neither has logic of
its own about what a page means.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from ..checks.api_versions import check_api_versions
from ..checks.yaml_syntax import check_yaml_syntax
from ..flux.settings import FluxSettings
from ..pages.blocks import CodeBlock, code_blocks
from ..pages.fragments import YamlBlock, merge_values, read_yaml_block
from ..pages.included_files import IncludedFile, IncludeFolders
from ..recipe.frontmatter import FrontMatter, front_matter_text, read_front_matter
from ..recipe.keys import CHART_KEYS, declares_recipe, mentions_own_keys
from ..report.findings import Finding, Severity
from ..report.severities import LevelProblem, apply_levels, read_levels

if TYPE_CHECKING:
    from ..charts.resolver import ChartResolver, ResolvedChart
    from ..recipe.model import Recipe


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
    #: The parsed front-matter (None when it does not parse).
    front_matter: FrontMatter | None = None
    #: The chart the recipe pins, once resolved.
    chart: ResolvedChart | None = None
    yaml_blocks: list[YamlBlock] = field(default_factory=list)
    #: A block shows a file through an include directive (the findings depend on it).
    follows_includes: bool = False

    def values_fragments(self) -> list[YamlBlock]:
        return [b for b in self.yaml_blocks if b.is_values]

    def merged_values(self) -> dict[str, Any]:
        """The page's values snippets merged in page order (for `values_in_helmrelease`)."""
        merged: dict[str, Any] = {}
        for block in self.values_fragments():
            merged = merge_values(merged, block.values())
        return merged


def analyse_page(
    source: str,
    path: str,
    site: FluxSettings,
    resolver: ChartResolver | None = None,
    levels: dict[str, str] | None = None,
    render: Callable[[str], str] | None = None,
    fetch_values_url: bool = True,
    includes: IncludeFolders | None = None,
    meta: dict[str, Any] | None = None,
) -> PageState:
    """Analyse a page. `levels` maps finding codes to a severity or "off" (site-wide).
    `render` fills in the Jinja of a block as the page will show it (the macros engine).
    `fetch_values_url`: download values_yaml_url to compare it with the chart.
    `includes`: where the site's include directives find the files blocks show.
    `meta`: the front-matter as MkDocs read it from this source (see `read_page_head`)."""
    state, page_levels = read_page_head(source, path, site, meta)
    page_levels = {**(levels or {}), **page_levels}
    recipe = state.recipe
    if recipe is not None:
        _chart_findings(state, recipe, resolver)
    blocks = []
    for block in code_blocks(source):
        if not block.is_yaml or block.skipped:
            continue
        if IncludeFolders.has_directive(block.text):
            state.follows_includes = True
            # Its content comes from a file: that file is checked, the directive is not.
            for file in (includes.directive_files(block.text) if includes else None) or ():
                state.findings += _included_file_findings(file, state.settings)
            continue
        included = getattr(render, "included_file", None)
        shown = included(block.text) if included is not None else None
        if shown is not None:
            # A block that one Jinja include fills is judged as what it becomes: that file.
            state.findings += _included_file_findings(shown, state.settings)
            continue
        blocks.append(block)
    rendered = [_rendered(b, render) for b in blocks]
    # A page of examples is judged on its blocks' nodes (syntax, duplicate keys, Flux
    # apiVersions); only a recipe's values checks need their data.
    nodes_only = recipe is None
    state.yaml_blocks = [read_yaml_block(b, nodes_only) for b in rendered if b is not None]
    state.findings += check_yaml_syntax(state.yaml_blocks, path, recipe=recipe is not None)
    parsed = [b for b in state.yaml_blocks if b.error is None]
    state.findings += _as_of_its_date(
        check_api_versions(parsed, state.settings.flux_version, path), state.front_matter, meta
    )
    if recipe is not None:
        _values_findings(state, recipe, resolver, parsed, fetch_values_url)
    disabled = (span for block in blocks if (span := block.disabled) is not None)
    state.findings = apply_levels(state.findings, page_levels, disabled)
    if recipe is None:
        # Only a recipe's macros and commands read its blocks again; a page of examples
        # keeps its findings, not its parsed YAML (sites have hundreds of such pages).
        state.yaml_blocks = []
    return state


def _as_of_its_date(
    found: list[Finding], front_matter: FrontMatter | None, meta: dict[str, Any] | None
) -> list[Finding]:
    """Removed Flux API versions on a dated page (`date:` in its front-matter: a blog
    post, a release note) are info: the page records what was current when it was
    written, and its readers see that date. A page that names its own `flux_version` is
    judged as usual: it says which release it is for."""
    if not found:
        return found  # most pages: nothing to weigh, no front-matter to merge
    # The front-matter as MkDocs read it (`meta`), when this plugin did not parse it.
    data = {**(meta or {}), **(front_matter.data if front_matter is not None else {})}
    date = data.get("date")
    own = data.get("flux")
    if not date or (isinstance(own, dict) and "flux_version" in own):
        return found
    shown = date.get("created", date) if isinstance(date, dict) else date
    return [
        dataclasses.replace(
            finding,
            severity=Severity.INFO,
            message=f"{finding.message} (a page dated {shown}: reported as info)",
            hint=f"{finding.hint or 'update it'}; or, to judge the page against the release "
            'it was written for, set `flux:` then `  flux_version: "2.5"` (say) in its '
            "front-matter",
        )
        for finding in found
    ]


def _chart_findings(state: PageState, recipe: Recipe, resolver: ChartResolver | None) -> None:
    """The recipe's chart, resolved, and what is wrong with how the page names it. (The
    chart code is imported here and below, by the first recipe page: a site without
    recipes never loads it.)"""
    from ..checks.chart_identity import check_chart_identity
    from ..flux.objects import url_adjustment
    from .project import chart_key, resolution_findings

    if resolver is not None:
        resolution = resolver.resolve(chart_key(recipe))
        state.chart = resolution.chart
        state.findings += resolution_findings(recipe, resolution)
        charts = resolver.chart_names(recipe.helm_chart_repo_url)
        if charts:
            state.findings += check_chart_identity(recipe, charts)
    adjusted = url_adjustment(recipe, state.settings)
    if adjusted:
        line = recipe.line_of("helm_chart_repo_url")
        state.findings.append(Finding.of("flux-url-adjusted", state.path, line, adjusted))


def _values_findings(
    state: PageState,
    recipe: Recipe,
    resolver: ChartResolver | None,
    parsed: list[YamlBlock],
    fetch_values_url: bool,
) -> None:
    """The page's values blocks against the chart (or against values_yaml_url when the
    chart did not resolve), and values_yaml_url against the chart."""
    from ..charts.values_model import values_model
    from ..checks.values import check_values_blocks
    from ..checks.values_url import check_values_url

    model = values_model(state.chart.chart) if state.chart is not None else None
    if recipe.values_yaml_url and resolver is not None:
        fallback, notes = check_values_url(recipe, state.chart, resolver, fetch_values_url)
        state.findings += notes
        if model is None and fallback is not None:
            model = values_model(fallback)
    if model is not None:
        state.findings += check_values_blocks(parsed, model, state.path)


def read_page_head(
    source: str, path: str, site: FluxSettings, meta: dict[str, Any] | None = None
) -> tuple[PageState, dict]:
    """What the front-matter says: the page's recipe, its Flux settings and the findings
    about them, and its own `recipe_checks:` levels (code -> level).

    `meta`: the page's YAML front-matter as MkDocs parsed it from this very source, when
    it did (None: not known). A block that MkDocs could read and that names none of this
    plugin's keys says nothing to it: it is not parsed a second time."""
    text = front_matter_text(source) if meta else None
    findings: list[Finding] = []
    if text is not None and not mentions_own_keys(text):
        # Valid YAML (MkDocs read it), and nothing in it for this plugin.
        front_matter = FrontMatter()
    else:
        front_matter, findings = read_front_matter(source, path)
    state = PageState(path=path, source=source, settings=site, findings=list(findings))
    if findings:
        state.declared = any(f"{key}:" in source for key in ("helm_chart_name", *CHART_KEYS))
        return state, {}
    state.front_matter = front_matter
    state.declared = declares_recipe(front_matter.data)
    state.settings, problems = _page_settings(front_matter, site, path)
    state.findings += problems
    if state.declared:
        # The recipe code is imported by the first page that declares one.
        from ..recipe.model import recipe_from_front_matter

        state.recipe, recipe_findings = recipe_from_front_matter(front_matter, path)
        state.findings += recipe_findings
    return state, _page_levels(front_matter, path, state.findings)


def _included_file_findings(file: IncludedFile, settings: FluxSettings) -> list[Finding]:
    """A YAML file a block shows through an include directive, checked as a file."""
    block = read_yaml_block(
        CodeBlock(
            language="yaml", info="yaml", fence_line=0, first_line=1, indent=0, text=file.text
        )
    )
    findings = check_yaml_syntax([block], file.shown)
    if block.error is None:
        findings += check_api_versions([block], settings.flux_version, file.shown)
    return findings


def _rendered(block: CodeBlock, render: Callable[[str], str] | None) -> CodeBlock | None:
    """The block as readers see it; None when its Jinja cannot be filled in line for line.
    The site's own tag syntax says what is Jinja (`[[% include %]]` on a site whose
    macros use those delimiters; `{{ }}` there is text, Helm's)."""
    starts = getattr(render, "starts", None)
    if starts is not None:
        if not any(mark in block.text for mark in starts):
            return block
    elif not block.has_template:
        return block
    if render is None:
        return None
    try:
        text = render(block.text)
    except Exception:  # the macros plugin reports template errors itself
        return None
    if text.count("\n") != block.text.count("\n"):
        return None  # lines would no longer match the source
    return dataclasses.replace(block, text=text)


def _page_levels(front_matter: FrontMatter, path: str, findings: list[Finding]) -> dict:
    """`recipe_checks:` in the front-matter: code -> level for this page."""
    if "recipe_checks" not in front_matter.data:
        return {}
    levels, problems = read_levels(front_matter.data["recipe_checks"])
    node = front_matter.nodes.get("recipe_checks")
    lines = {}
    if isinstance(node, yaml.MappingNode):
        lines = {str(k.value): front_matter.node_line(k) for k, _ in node.value}
    for problem in problems:
        findings.append(
            _level_finding(
                problem, path, lines.get(problem.code, front_matter.line_of("recipe_checks"))
            )
        )
    return levels


def _level_finding(problem: LevelProblem, path: str, line: int) -> Finding:
    return Finding.of("recipe-checks-invalid", path, line, problem.message, problem.hint)


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
