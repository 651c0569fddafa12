"""No network is normal: unreachable hosts are asked once per build, never retried, and
distinct hosts are fetched at the same time."""

from __future__ import annotations

import socket

import pytest

from mkdocs_recipes.charts.fetch import FetchError, Http
from mkdocs_recipes.charts.mirrors import Mirror
from mkdocs_recipes.charts.resolver import ChartResolver, ResolverSettings
from mkdocs_recipes.flux.objects import FluxSettings
from mkdocs_recipes.recipe.model import read_recipe
from mkdocs_recipes.site.analysis import analyse_page
from mkdocs_recipes.site.prefetch import prefetch
from mkdocs_recipes.site.project import chart_key
from support.chartrepo import ChartServer, build_repository

# RFC 6761: `.invalid` names never resolve.
NO_SUCH_HOST = "https://charts.invalid"


def closed_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there now: connections are refused


@pytest.mark.parametrize("base", [NO_SUCH_HOST, "refused"])
def test_an_unreachable_host_is_asked_once_and_never_retried(base: str) -> None:
    base = closed_port() if base == "refused" else base
    http = Http()
    reasons = []
    for path in ("a/index.yaml", "b/values.yaml", "c/chart.tgz"):
        with pytest.raises(FetchError) as failure:
            http.get(f"{base}/{path}", max_bytes=1024)
        reasons.append(failure.value.reason)
    assert list(http.attempts.values()) == [1]
    assert "not asked again" in reasons[1] and reasons[1] == reasons[2]
    assert ("resolved" if base == NO_SUCH_HOST else "refused") in reasons[0]


def page(number: int, link: str) -> str:
    return f"""---
title: Page {number}
helm_chart_name: oauth2-proxy
helm_chart_version: "6.18.x"
helm_chart_repo_url: https://oauth2-proxy.github.io/manifests/
helmrelease_namespace: auth
values_yaml_url: {link}
---

```yaml
    config:
      clientID: demo
```
"""


@pytest.fixture
def resolver(tmp_path, chart_server) -> ChartResolver:
    """The seed's repository, served by the test chart server."""
    mirror = Mirror.parse(
        "https://oauth2-proxy.github.io/manifests/", f"{chart_server.url}/oauth2-proxy/", tmp_path
    )
    return ChartResolver(ResolverSettings(cache_dir=tmp_path / "cache", mirrors=(mirror,)))


def test_thirty_pages_linking_to_unreachable_hosts_ask_each_host_once(resolver) -> None:
    refused = closed_port()
    codes = set()
    for number in range(30):
        host = f"{NO_SUCH_HOST}/o/r{number}" if number % 2 else f"{refused}/r{number}"
        state = analyse_page(
            page(number, f"{host}/values.yaml"), f"p{number}.md", FluxSettings(), resolver
        )
        codes |= {f.code for f in state.findings}
    assert codes == {"values-url-unchecked"}  # info: the chart itself was checked
    attempts = resolver.http.attempts
    assert attempts["charts.invalid"] == 1
    assert attempts[refused.removeprefix("http://")] == 1


def test_values_links_are_not_fetched_when_that_is_turned_off(resolver) -> None:
    state = analyse_page(
        page(1, f"{NO_SUCH_HOST}/values.yaml"),
        "p.md",
        FluxSettings(),
        resolver,
        fetch_values_url=False,
    )
    assert state.findings == [] and state.chart is not None
    assert "charts.invalid" not in resolver.http.attempts


def served_recipe(base: str, chart: str, version: str):
    """A valid recipe whose chart repository is `base/<chart>/`."""
    text = (
        f'---\nhelm_chart_name: {chart}\nhelm_chart_version: "{version}"\n'
        f"helm_chart_repo_url: {base}/{chart}/\nhelmrelease_namespace: x\n---\n"
    )
    recipe, findings = read_recipe(text, "p.md")
    assert findings == [] and recipe is not None
    return recipe


@pytest.fixture
def far_servers(tmp_path):
    servers = []
    for number, chart in enumerate(("oauth2-proxy", "cert-manager")):
        server = ChartServer(tmp_path / f"far-{number}").start()
        build_repository(server.root, chart, server.url)
        server.latency = 0.3
        servers.append(server)
    yield servers
    for server in servers:
        server.stop()


def test_distinct_hosts_are_fetched_at_the_same_time(tmp_path, far_servers) -> None:
    first, second = far_servers
    recipes = []
    for server, chart, version in (
        (first, "oauth2-proxy", "6.18.x"),
        (second, "cert-manager", "v1.21.1"),
    ):
        recipes.append(served_recipe(server.url, chart, version))
    resolver = ChartResolver(ResolverSettings(cache_dir=tmp_path / "cache"))
    asked = prefetch(resolver, recipes)
    assert sorted(asked.values()) == [1, 1]
    # Each server saw its index and its archive; the two servers' windows overlap.
    assert len(first.windows) == 2 and len(second.windows) == 2
    first_span = (min(w[1] for w in first.windows), max(w[2] for w in first.windows))
    second_span = (min(w[1] for w in second.windows), max(w[2] for w in second.windows))
    assert first_span[0] < second_span[1] and second_span[0] < first_span[1]
    # The page analysis then finds both charts resolved, without asking again.
    for recipe in recipes:
        assert resolver.resolve(chart_key(recipe)).chart is not None
    assert len(first.windows) == 2 and len(second.windows) == 2


def test_charts_of_one_host_come_a_few_at_a_time_after_a_first_request(tmp_path) -> None:
    """One host, four repositories: the first repository's index is fetched alone (a host
    that is down costs one attempt), then everything else at the same time, each index
    read once."""
    charts = [
        ("oauth2-proxy", "6.18.x"),
        ("cert-manager", "v1.21.1"),
        ("kubernetes-dashboard", "7.13.0"),
        ("authentik", "2026.8.0"),
    ]
    server = ChartServer(tmp_path / "far").start()
    try:
        recipes = []
        for chart, version in charts:
            build_repository(server.root, chart, server.url)
            recipes.append(served_recipe(server.url, chart, version))
        server.latency = 0.3
        resolver = ChartResolver(ResolverSettings(cache_dir=tmp_path / "cache"))
        assert prefetch(resolver, recipes) == {server.url.split("//")[1]: 4}
        windows = sorted(server.windows, key=lambda w: w[1])
        assert len(windows) == 8, windows  # an index and an archive per chart, no more
        assert sorted(w[0] for w in windows).count("/oauth2-proxy/index.yaml") == 1
        # The first repository's index ended before anything else started.
        assert windows[0][0] == "/oauth2-proxy/index.yaml"
        assert windows[0][2] <= min(w[1] for w in windows[1:])
        # Then the first archive and the other three indexes were asked at the same time.
        wave = [w for w in windows[1:] if w[0].endswith("index.yaml")]
        wave += [w for w in windows if w[0].startswith("/oauth2-proxy/") and w is not windows[0]]
        assert len(wave) == 4
        assert max(w[1] for w in wave) < min(w[2] for w in wave)
        for recipe in recipes:
            assert resolver.resolve(chart_key(recipe)).chart is not None
        assert len(server.windows) == 8
    finally:
        server.stop()
