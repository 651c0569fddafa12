"""values_yaml_url: read as the raw file, compared with the pinned chart, used as a
fallback when the chart cannot be resolved."""

from __future__ import annotations

import re

import pytest

from mkdocs_recipes.charts.mirrors import Mirror
from mkdocs_recipes.charts.resolver import ChartResolver, ResolverSettings
from mkdocs_recipes.charts.values_url import git_ref, raw_url
from mkdocs_recipes.flux.objects import FluxSettings
from mkdocs_recipes.site.analysis import analyse_page

SEED_REPOSITORY = "https://oauth2-proxy.github.io/manifests/"


@pytest.mark.parametrize(
    ("url", "raw"),
    [
        (
            "https://github.com/oauth2-proxy/manifests/blob/main/helm/oauth2-proxy/values.yaml",
            "https://raw.githubusercontent.com/oauth2-proxy/manifests/main/helm/oauth2-proxy/values.yaml",
        ),
        (
            "https://github.com/a/b/raw/v1.2.3/values.yaml",
            "https://raw.githubusercontent.com/a/b/v1.2.3/values.yaml",
        ),
        ("https://example.org/values.yaml", "https://example.org/values.yaml"),
    ],
)
def test_github_links_are_read_as_raw_files(url: str, raw: str) -> None:
    assert raw_url(url) == raw


def test_git_ref_of_a_link() -> None:
    assert git_ref("https://github.com/a/b/blob/main/values.yaml") == "main"
    assert git_ref("https://example.org/values.yaml") is None


def resolver_for(tmp_path, chart_server, offline=False) -> ChartResolver:
    mirrors = (
        Mirror.parse(SEED_REPOSITORY, f"{chart_server.url}/oauth2-proxy/", tmp_path),
        Mirror.parse(
            "https://raw.githubusercontent.com/oauth2-proxy/manifests/",
            f"{chart_server.url}/github/oauth2-proxy/manifests/",
            tmp_path,
        ),
        Mirror.parse("https://pages.example.org/", f"{chart_server.url}/github/", tmp_path),
    )
    return ChartResolver(
        ResolverSettings(cache_dir=tmp_path / "cache", offline=offline, mirrors=mirrors)
    )


def page_with(seed_text: str, **changes: str) -> str:
    for key, value in changes.items():
        seed_text = re.sub(rf"^{key}:.*$", f"{key}: {value}", seed_text, count=1, flags=re.M)
    return seed_text


def codes(state) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in state.findings]


def test_a_branch_link_whose_values_differ_is_reported(tmp_path, chart_server, seed_text):
    state = analyse_page(seed_text, "p.md", FluxSettings(), resolver_for(tmp_path, chart_server))
    assert codes(state) == [(4, "values-url-differs")]
    message = state.findings[0].message
    assert "points at `main`" in message and "6.18.3" in message
    assert "lacks `hostAlias`, `redis`" in message


def test_artifact_hub_and_html_pages_are_not_values_files(tmp_path, chart_server, seed_text):
    resolver = resolver_for(tmp_path, chart_server)
    hub = page_with(
        seed_text, values_yaml_url="https://artifacthub.io/packages/helm/oauth2-proxy/oauth2-proxy"
    )
    state = analyse_page(hub, "p.md", FluxSettings(), resolver)
    assert codes(state) == [(4, "values-url-invalid")]
    assert "Artifact Hub page" in state.findings[0].message
    html = page_with(seed_text, values_yaml_url="https://pages.example.org/artifacthub.html")
    state = analyse_page(html, "p.md", FluxSettings(), resolver)
    assert codes(state) == [(4, "values-url-invalid")]
    assert "HTML page" in state.findings[0].message


def test_unresolvable_chart_falls_back_to_the_link(tmp_path, chart_server, seed_text) -> None:
    text = (
        page_with(seed_text, helm_chart_version='"6.99.x"')
        + """
```yaml
hostAliases:
  - ip: 10.0.0.1
    hostnames: [auth.internal]
hostAlias:
  enabled: true
```
"""
    )
    state = analyse_page(text, "p.md", FluxSettings(), resolver_for(tmp_path, chart_server))
    found = codes(state)
    assert (5, "chart-version-not-found") in found
    assert (4, "values-from-url") in found
    # The snippets are checked against the linked (10.x) values: hostAlias is unknown there.
    line = text.split("\n").index("hostAlias:") + 1
    assert (line, "values-unknown-key") in found


def test_offline_builds_do_not_fetch_the_link(tmp_path, chart_server, seed_text) -> None:
    analyse_page(seed_text, "p.md", FluxSettings(), resolver_for(tmp_path, chart_server))
    before = len(
        chart_server.requests["/github/oauth2-proxy/manifests/main/helm/oauth2-proxy/values.yaml"]
    )
    offline = analyse_page(
        seed_text, "p.md", FluxSettings(), resolver_for(tmp_path, chart_server, offline=True)
    )
    assert codes(offline) == []
    after = len(
        chart_server.requests["/github/oauth2-proxy/manifests/main/helm/oauth2-proxy/values.yaml"]
    )
    assert after == before


def test_front_matter_naming_another_chart_of_the_repository(tmp_path, seed_text) -> None:
    from mkdocs_recipes.charts.package import write_repository
    from support.chartrepo import CHARTS

    write_repository(
        [CHARTS / "oauth2-proxy" / "6.18.3", CHARTS / "kubernetes-dashboard" / "6.0.8"],
        tmp_path / "both",
    )
    mirror = Mirror.parse("https://charts.example.org/", "both", tmp_path)
    resolver = ChartResolver(
        ResolverSettings(cache_dir=tmp_path / "cache", offline=True, mirrors=(mirror,))
    )
    # A dashboard page whose chart name was left at oauth2-proxy.
    text = page_with(
        seed_text,
        helm_chart_repo_url="https://charts.example.org/",
        values_yaml_url="https://example.org/charts/kubernetes-dashboard/values.yaml",
    )
    state = analyse_page(text, "docs/kubernetes-dashboard.md", FluxSettings(), resolver)
    assert (6, "recipe-chart-mismatch") in codes(state)  # the helm_chart_name line
    mismatch = next(f for f in state.findings if f.code == "recipe-chart-mismatch")
    assert "`kubernetes-dashboard`" in mismatch.message
    # The right chart name: no such finding.
    right = page_with(text, helm_chart_name="kubernetes-dashboard", helm_chart_version='"6.0.x"')
    state = analyse_page(right, "docs/kubernetes-dashboard.md", FluxSettings(), resolver)
    assert "recipe-chart-mismatch" not in {f.code for f in state.findings}
