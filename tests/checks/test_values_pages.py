"""Example recipe pages, one per real chart: every `# expect: <code>` marker gets exactly
that finding at that line, and no other line of the page gets any (no false positives)."""

from __future__ import annotations

import re

import pytest

from mkdocs_recipes.charts.mirrors import Mirror
from mkdocs_recipes.charts.resolver import ChartResolver, ResolverSettings
from mkdocs_recipes.flux.objects import FluxSettings
from mkdocs_recipes.site.analysis import analyse_page
from support.paths import TESTS

PAGES = TESTS / "recipes"
# Each page's real repository URL, served here from ../shared/charts.
REPOSITORIES = {
    "https://oauth2-proxy.github.io/manifests/": "oauth2-proxy",
    "https://kubernetes.github.io/dashboard/": "kubernetes-dashboard",
    "https://charts.jetstack.io/": "cert-manager",
    "oci://registry-1.docker.io/bitnamicharts/": "wordpress",
    "https://charts.goauthentik.io/": "authentik",
}
MARKER = re.compile(r"#\s*expect:\s*([a-z-]+)")


def expectations(text: str) -> set[tuple[int, str]]:
    return {
        (number, match.group(1))
        for number, line in enumerate(text.split("\n"), start=1)
        for match in MARKER.finditer(line)
    }


@pytest.fixture
def resolver(tmp_path, chart_server) -> ChartResolver:
    mirrors = tuple(
        Mirror.parse(prefix, f"{chart_server.url}/{folder}/", tmp_path)
        for prefix, folder in REPOSITORIES.items()
    )
    return ChartResolver(ResolverSettings(cache_dir=tmp_path / "cache", mirrors=mirrors))


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.glob("*.md")))
def test_example_page_findings_are_exactly_the_marked_ones(name: str, resolver) -> None:
    text = (PAGES / name).read_text(encoding="utf-8")
    state = analyse_page(text, f"tests/recipes/{name}", FluxSettings(), resolver)
    assert state.chart is not None, [f.as_text() for f in state.findings]
    found = {(f.line, f.code) for f in state.findings}
    expected = expectations(text)
    report = "\n".join(f.as_text() for f in state.findings)
    assert found - expected == set(), "unexpected findings:\n" + report
    assert expected - found == set(), "expected but missing:\n" + report


@pytest.mark.slow
def test_a_real_build_logs_the_same_findings_at_the_same_lines(site) -> None:
    """Through MkDocs: long front-matter, includes, admonitions, tabs, and a block whose
    Jinja is filled in before it is checked."""
    text = (PAGES / "oauth2-proxy-6.md").read_text(encoding="utf-8")
    padding = "".join(f"extra_{i}: value {i}\n" for i in range(40))
    text = (
        text.replace("---\n", "---\n" + padding, 1)
        + """
```yaml
config:
  cookieName: "{{ page.meta.helmrelease_namespace }}"
  cookieDomian: example.com # expect: values-unknown-key
```
"""
    )
    site.page("recipes/r.md", text)
    build = site.build(strict=False)
    assert build.ok, build.output
    logged = {
        (int(line), code)
        for line, code in re.findall(r"docs/recipes/r\.md:(\d+): \[([a-z-]+)\]", build.output)
    }
    assert logged == expectations(text), build.output


@pytest.mark.slow
def test_blocks_from_includes_are_not_values_and_site_levels_apply(site, seed_text) -> None:
    site.plugins = ["recipes", {"macros": {"include_dir": "includes"}}]
    # A site include that prints a YAML block: it is not one of the page's values snippets.
    site.write("includes/recipe-footer.md", "```yaml\nnotAChartKey: true\nother: 1\n```\n")
    site.page("r.md", seed_text + "\n```yaml\nconfig:\n  cookieNam: x\n```\n")
    build = site.build()
    assert not build.ok
    assert "notAChartKey" not in build.output
    assert "[values-unknown-key] `cookieNam`" in build.output
    # Turned off site-wide, the same page builds strict.
    site.recipes_options = {**site.recipes_options, "severities": {"values-unknown-key": "off"}}
    assert site.build().ok
    site.recipes_options = {**site.recipes_options, "severities": {"values-unknwn-key": "off"}}
    build = site.build()
    assert not build.ok
    assert "severities.values-unknwn-key" in build.output and "values-unknown-key" in build.output
    assert "Traceback" not in build.output
