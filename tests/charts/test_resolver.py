"""Resolving charts from real repositories: an HTTP server and an OCI registry on 127.0.0.1."""

from __future__ import annotations

import shutil

import pytest

from mkdocs_recipes.charts.cache import ChartCache
from mkdocs_recipes.charts.fetch import NetworkPolicy
from mkdocs_recipes.charts.lockfile import ChartKey, LockEntry, Lockfile
from mkdocs_recipes.charts.mirrors import Mirror
from mkdocs_recipes.charts.package import package_chart, write_repository
from mkdocs_recipes.charts.resolver import ChartResolver, ResolverSettings
from support.chartrepo import CHARTS, packaged_versions

FAST = NetworkPolicy(connect_timeout=2, read_timeout=1, retries=0, backoff=0)


def make(tmp_path, offline=False, ttl=3600.0, mirrors=(), lock=None, policy=None):
    settings = ResolverSettings(
        cache_dir=tmp_path / "cache",
        offline=offline,
        index_ttl=ttl,
        mirrors=tuple(mirrors),
        policy=policy or NetworkPolicy(backoff=0.05),
    )
    return ChartResolver(settings, lock)


def resolve_locked(tmp_path, key, resolved, **settings):
    """`key` resolved again with a lockfile pinning `resolved`, the cache emptied first."""
    lock = Lockfile(
        tmp_path / "recipes.lock",
        {key: LockEntry(key, resolved.version, resolved.digest, resolved.url)},
    )
    shutil.rmtree(tmp_path / "cache")
    return make(tmp_path, lock=lock, **settings).resolve(key)


def codes(resolution) -> list[str]:
    return [p.code for p in resolution.problems]


def test_range_resolves_to_newest_match_and_chart_is_read(tmp_path, chart_server) -> None:
    key = ChartKey(f"{chart_server.url}/oauth2-proxy", "oauth2-proxy", "6.18.x")
    resolution = make(tmp_path).resolve(key)
    assert resolution.problems == ()
    resolved = resolution.chart
    assert resolved.version == "6.18.3"
    assert resolved.source == "network"
    chart = resolved.chart
    assert chart.name == "oauth2-proxy" and chart.version == "6.18.3"
    assert "cookieSecret" in chart.values["config"]
    # The redis subchart, packaged as a nested archive, under its alias.
    assert chart.subcharts["redis"].name == "redis"
    assert chart.subcharts["redis"].values["architecture"] == "replication"
    assert chart.subcharts["redis"].schema is not None
    assert [d.condition for d in chart.dependencies] == ["redis.enabled"]


def test_relative_archive_urls(tmp_path, chart_server) -> None:
    key = ChartKey(f"{chart_server.url}/kubernetes-dashboard/", "kubernetes-dashboard", "6.0.x")
    resolved = make(tmp_path).resolve(key).chart
    assert resolved.version == "6.0.8"
    assert resolved.url.endswith("/kubernetes-dashboard/kubernetes-dashboard-6.0.8.tgz")
    assert "metrics-server" in resolved.chart.subcharts


def test_v_prefixed_versions_schema_and_folder_subcharts(tmp_path, chart_server) -> None:
    resolver = make(tmp_path)
    cert = resolver.resolve(
        ChartKey(f"{chart_server.url}/cert-manager", "cert-manager", "1.21.x")
    ).chart
    assert cert.version == "v1.21.1"
    assert cert.chart.schema["$schema"].startswith("http://json-schema.org/draft-07")
    wordpress = resolver.resolve(
        ChartKey(f"{chart_server.url}/wordpress", "wordpress", "26.x")
    ).chart
    assert set(wordpress.chart.subcharts) == {"mariadb", "memcached", "common"}
    assert wordpress.chart.subcharts["mariadb"].schema is not None


def test_alias_and_duplicate_index_entries(tmp_path, chart_server) -> None:
    resolved = (
        make(tmp_path)
        .resolve(ChartKey(f"{chart_server.url}/authentik", "authentik", "2026.8.x"))
        .chart
    )
    assert resolved.version == "2026.8.0"
    # authentik-remote-cluster is aliased `serviceAccount`.
    assert resolved.chart.subcharts["serviceAccount"].name == "authentik-remote-cluster"


def test_unknown_chart_and_unpublished_version_are_findings(tmp_path, chart_server) -> None:
    resolver = make(tmp_path)
    typo = resolver.resolve(ChartKey(f"{chart_server.url}/oauth2-proxy", "oauth2-prox", "6.x"))
    assert codes(typo) == ["chart-not-in-repository"]
    assert "oauth2-proxy" in typo.problems[0].hint
    # Dashboard 6.0.1 exists in the chart's git history but was never published.
    gone = resolver.resolve(
        ChartKey(f"{chart_server.url}/kubernetes-dashboard", "kubernetes-dashboard", "6.0.1")
    )
    assert codes(gone) == ["chart-version-not-found"]
    assert "7.13.0" in gone.problems[0].message  # the newest are listed


def test_second_build_uses_the_cache_without_requests(tmp_path, fresh_chart_server) -> None:
    key = ChartKey(f"{fresh_chart_server.url}/oauth2-proxy", "oauth2-proxy", "6.18.x")
    first = make(tmp_path).resolve(key).chart
    fresh_chart_server.requests.clear()
    second = make(tmp_path).resolve(key).chart
    assert second.source == "cache"
    assert (second.version, second.digest) == (first.version, first.digest)
    assert dict(fresh_chart_server.requests) == {}


def test_expired_index_is_revalidated_with_a_conditional_request(tmp_path, fresh_chart_server):
    key = ChartKey(f"{fresh_chart_server.url}/oauth2-proxy", "oauth2-proxy", "6.18.x")
    make(tmp_path, ttl=0).resolve(key)
    fresh_chart_server.requests.clear()
    again = make(tmp_path, ttl=0).resolve(key)
    assert again.chart.version == "6.18.3"
    (headers,) = fresh_chart_server.requests["/oauth2-proxy/index.yaml"]
    assert headers.get("If-None-Match")
    assert headers.get("If-Modified-Since")


def test_offline_after_one_online_run_gives_the_same_result(tmp_path, fresh_chart_server):
    key = ChartKey(f"{fresh_chart_server.url}/oauth2-proxy", "oauth2-proxy", "6.18.x")
    online = make(tmp_path).resolve(key).chart
    fresh_chart_server.stop()
    offline = make(tmp_path, offline=True, ttl=0).resolve(key)
    assert offline.problems == ()
    assert (offline.chart.version, offline.chart.digest) == (online.version, online.digest)
    # Online but the server is gone and the index expired: the cached index is used, said so.
    stale = make(tmp_path, ttl=0, policy=FAST).resolve(key)
    assert stale.chart.version == "6.18.3"
    assert codes(stale) == ["chart-cache-used"]


def test_offline_with_nothing_cached_is_a_finding_not_a_crash(tmp_path, chart_server) -> None:
    key = ChartKey(f"{chart_server.url}/oauth2-proxy", "oauth2-proxy", "6.18.x")
    asked_before = len(chart_server.requests["/oauth2-proxy/index.yaml"])
    resolution = make(tmp_path, offline=True).resolve(key)
    assert resolution.chart is None
    assert codes(resolution) == ["chart-unavailable"]
    assert "offline" in resolution.problems[0].message
    assert len(chart_server.requests["/oauth2-proxy/index.yaml"]) == asked_before


@pytest.mark.parametrize(
    ("path", "faults", "reason"),
    [
        ("/oauth2-proxy/index.yaml", ["404"], "not found (HTTP 404)"),
        ("/oauth2-proxy/index.yaml", ["500"], "server error (HTTP 500)"),
        ("/oauth2-proxy/index.yaml", ["slow"], "timed out"),
        ("/oauth2-proxy/oauth2-proxy-6.18.3.tgz", ["truncate"], "cut short"),
    ],
)
def test_network_faults_name_the_url_and_what_happened(
    tmp_path, fresh_chart_server, path, faults, reason
) -> None:
    fresh_chart_server.faults[path] = list(faults)
    key = ChartKey(f"{fresh_chart_server.url}/oauth2-proxy", "oauth2-proxy", "6.18.x")
    resolution = make(tmp_path, policy=FAST).resolve(key)
    assert resolution.chart is None
    assert codes(resolution) == ["chart-unavailable"]
    assert path in resolution.problems[0].message
    assert reason in resolution.problems[0].message
    assert not list((tmp_path / "cache").rglob("*.tgz"))


def test_server_error_then_success_is_retried(tmp_path, fresh_chart_server) -> None:
    fresh_chart_server.faults["/oauth2-proxy/index.yaml"] = ["500", "503"]
    key = ChartKey(f"{fresh_chart_server.url}/oauth2-proxy", "oauth2-proxy", "6.18.x")
    resolution = make(tmp_path).resolve(key)
    assert resolution.problems == ()
    assert resolution.chart.version == "6.18.3"
    assert len(fresh_chart_server.requests["/oauth2-proxy/index.yaml"]) == 3


def test_wrong_digest_is_refused_and_not_cached(tmp_path, fresh_chart_server) -> None:
    fresh_chart_server.faults["/oauth2-proxy/oauth2-proxy-6.18.3.tgz"] = ["corrupt"]
    key = ChartKey(f"{fresh_chart_server.url}/oauth2-proxy", "oauth2-proxy", "6.18.x")
    resolution = make(tmp_path).resolve(key)
    assert codes(resolution) == ["chart-digest-mismatch"]
    assert not list((tmp_path / "cache").rglob("*.tgz"))
    # Next time the server is honest: it resolves.
    assert make(tmp_path).resolve(key).chart.version == "6.18.3"


def test_corrupt_cache_entries_are_detected_and_fetched_again(tmp_path, fresh_chart_server):
    key = ChartKey(f"{fresh_chart_server.url}/oauth2-proxy", "oauth2-proxy", "6.18.x")
    first = make(tmp_path).resolve(key).chart
    (archive,) = (tmp_path / "cache").rglob("*.tgz")
    archive.write_bytes(archive.read_bytes()[:100])
    for listing in (tmp_path / "cache" / "listings").glob("*.json"):
        listing.write_text('{"format": 1, "url": ')
    again = make(tmp_path).resolve(key)
    assert again.problems == ()
    assert again.chart.source == "network" and again.chart.digest == first.digest
    assert ChartCache(tmp_path / "cache").read_chart(first.digest) is not None


def test_lockfile_pins_the_build_and_says_when_it_is_stale(tmp_path, chart_server) -> None:
    repository = f"{chart_server.url}/oauth2-proxy"
    pinned = make(tmp_path).resolve(ChartKey(repository, "oauth2-proxy", "6.18.x")).chart
    # A lock written when `6.x` still meant 6.18.3; the index now resolves it to 6.24.2.
    key = ChartKey(repository, "oauth2-proxy", "6.x")
    lock = Lockfile(
        tmp_path / "recipes.lock", {key: LockEntry(key, "6.18.3", pinned.digest, pinned.url)}
    )
    lock.save()
    resolution = make(tmp_path, lock=Lockfile.load(tmp_path / "recipes.lock")).resolve(key)
    assert resolution.chart.version == "6.18.3" and resolution.chart.locked
    assert codes(resolution) == ["lock-stale"]
    assert "6.24.2" in resolution.problems[0].message


def test_locked_charts_resolve_offline_from_the_cache(tmp_path, chart_server) -> None:
    repository = f"{chart_server.url}/oauth2-proxy"
    key = ChartKey(repository, "oauth2-proxy", "6.18.x")
    resolved = make(tmp_path).resolve(key).chart
    lock = Lockfile(
        tmp_path / "recipes.lock",
        {key: LockEntry(key, resolved.version, resolved.digest, resolved.url)},
    )
    shutil.rmtree(tmp_path / "cache" / "listings")
    offline = make(tmp_path, offline=True, lock=lock).resolve(key)
    assert offline.problems == ()
    assert offline.chart.version == "6.18.3" and offline.chart.source == "cache"


def test_mirror_to_a_local_folder_works_offline(tmp_path) -> None:
    folder = tmp_path / "mirror"
    write_repository([CHARTS / "oauth2-proxy" / "6.18.3"], folder)
    mirror = Mirror.parse("https://oauth2-proxy.github.io/manifests/", "mirror", tmp_path)
    key = ChartKey("https://oauth2-proxy.github.io/manifests/", "oauth2-proxy", "6.18.x")
    resolution = make(tmp_path, offline=True, mirrors=[mirror]).resolve(key)
    assert resolution.problems == ()
    assert resolution.chart.version == "6.18.3"
    # The lockfile keeps the published URL, not the mirror's.
    assert (
        resolution.chart.url == "https://oauth2-proxy.github.io/manifests/oauth2-proxy-6.18.3.tgz"
    )


def test_mirror_to_another_url(tmp_path, chart_server) -> None:
    mirror = Mirror.parse("https://charts.example.org/", f"{chart_server.url}/", tmp_path)
    key = ChartKey("https://charts.example.org/oauth2-proxy", "oauth2-proxy", "6.18.x")
    assert make(tmp_path, mirrors=[mirror]).resolve(key).chart.version == "6.18.3"


# OCI ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def oci_charts(registry):
    """oauth2-proxy 6.18.3 and 10.7.0, and cert-manager v1.21.1, pushed as Helm does."""
    pushed = {}
    for chart in ("oauth2-proxy", "cert-manager"):
        for archive in packaged_versions(chart):
            tag = archive.version.replace("+", "_")
            pushed[(chart, archive.version)] = registry.push_chart(
                f"charts/{chart}", tag, archive.data
            )
    return pushed


def test_oci_range_resolves_through_tag_listing(tmp_path, registry, oci_charts) -> None:
    key = ChartKey(f"oci://{registry.host}/charts", "oauth2-proxy", "6.x")
    resolution = make(tmp_path).resolve(key)
    assert resolution.problems == ()
    resolved = resolution.chart
    assert resolved.version == "6.18.3"
    assert resolved.url == f"oci://{registry.host}/charts/oauth2-proxy:6.18.3"
    assert "sha256:" + resolved.digest == oci_charts[("oauth2-proxy", "6.18.3")]
    assert "redis" in resolved.chart.subcharts


def test_oci_url_with_the_chart_name_and_exact_version(tmp_path, registry, oci_charts) -> None:
    key = ChartKey(f"oci://{registry.host}/charts/cert-manager", "cert-manager", "v1.21.1")
    resolved = make(tmp_path).resolve(key).chart
    assert resolved.version == "v1.21.1"
    assert resolved.chart.schema is not None


def test_oci_offline_after_one_online_run(tmp_path, registry, oci_charts) -> None:
    key = ChartKey(f"oci://{registry.host}/charts", "oauth2-proxy", ">=10.0.0")
    online = make(tmp_path).resolve(key).chart
    assert online.version == "10.7.0"
    offline = make(tmp_path, offline=True, ttl=0).resolve(key)
    assert offline.problems == ()
    assert (offline.chart.version, offline.chart.digest) == ("10.7.0", online.digest)


def test_oci_missing_version_and_missing_repository(tmp_path, registry, oci_charts) -> None:
    resolver = make(tmp_path, policy=FAST)
    none = resolver.resolve(ChartKey(f"oci://{registry.host}/charts", "oauth2-proxy", "8.x"))
    assert codes(none) == ["chart-version-not-found"]
    missing = resolver.resolve(ChartKey(f"oci://{registry.host}/charts", "nothing-here", "1.x"))
    assert codes(missing) == ["chart-unavailable"]


def test_dns_failure_is_named(tmp_path) -> None:
    key = ChartKey("https://charts.nonexistent.invalid/stable", "demo", "1.x")
    (problem,) = make(tmp_path, policy=FAST).resolve(key).problems
    assert problem.code == "chart-unavailable"
    assert "charts.nonexistent.invalid" in problem.message
    assert "could not be resolved (DNS)" in problem.message


def test_tls_failure_is_named(tmp_path, chart_server) -> None:
    # An https:// URL to a server that only speaks plain HTTP: the TLS handshake fails.
    key = ChartKey(
        chart_server.url.replace("http://", "https://") + "/oauth2-proxy", "oauth2-proxy", "6.x"
    )
    (problem,) = make(tmp_path, policy=FAST).resolve(key).problems
    assert problem.code == "chart-unavailable"
    assert "TLS" in problem.message


def test_download_size_limit(tmp_path, chart_server) -> None:
    tiny = NetworkPolicy(retries=0, max_index_bytes=10_000)
    key = ChartKey(f"{chart_server.url}/oauth2-proxy", "oauth2-proxy", "6.18.x")
    (problem,) = make(tmp_path, policy=tiny).resolve(key).problems
    assert problem.code == "chart-unavailable"
    assert "10000-byte limit" in problem.message


def test_oci_tags_with_underscore_are_read_as_build_metadata(tmp_path, registry) -> None:
    folder = CHARTS / "oauth2-proxy" / "6.18.3"
    archive = package_chart(folder, ("redis",), "6.18.4+build.7")
    registry.push_chart("buildmeta/oauth2-proxy", "6.18.4_build.7", archive.data)
    key = ChartKey(f"oci://{registry.host}/buildmeta", "oauth2-proxy", "6.18.x")
    resolved = make(tmp_path).resolve(key).chart
    assert resolved.version == "6.18.4+build.7"
    assert resolved.url.endswith("/buildmeta/oauth2-proxy:6.18.4_build.7")
    assert resolved.chart.version == "6.18.4+build.7"


def test_builds_sharing_a_cache_at_once(tmp_path, chart_server) -> None:
    # Separate resolvers (as separate builds) fill one empty cache concurrently.
    from concurrent.futures import ThreadPoolExecutor

    keys = [
        ChartKey(f"{chart_server.url}/oauth2-proxy", "oauth2-proxy", "6.18.x"),
        ChartKey(f"{chart_server.url}/kubernetes-dashboard", "kubernetes-dashboard", "6.0.x"),
    ]

    def build(_: int) -> list[str]:
        resolver = make(tmp_path)
        return [resolver.resolve(key).chart.version for key in keys]

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(build, range(6)))
    assert results == [["6.18.3", "6.0.8"]] * 6
    assert not list((tmp_path / "cache").rglob(".tmp-*"))
    offline = make(tmp_path, offline=True)
    assert [offline.resolve(k).chart.source for k in keys] == ["cache", "cache"]


def test_oci_lock_entries_download_by_tag_and_verify_the_digest(tmp_path, registry, oci_charts):
    key = ChartKey(f"oci://{registry.host}/charts", "oauth2-proxy", "6.x")
    resolved = make(tmp_path).resolve(key).chart
    lock = Lockfile(
        tmp_path / "recipes.lock",
        {key: LockEntry(key, resolved.version, "sha256:" + resolved.digest, resolved.url)},
    )
    shutil.rmtree(tmp_path / "cache")
    again = make(tmp_path, lock=lock).resolve(key)
    assert again.problems == ()
    assert (again.chart.version, again.chart.source, again.chart.locked) == (
        "6.18.3",
        "network",
        True,
    )
    # A lock naming another digest is refused, not trusted.
    forged = Lockfile(
        tmp_path / "recipes.lock",
        {key: LockEntry(key, resolved.version, "sha256:" + "0" * 64, resolved.url)},
    )
    shutil.rmtree(tmp_path / "cache")
    refused = make(tmp_path, lock=forged).resolve(key)
    assert [p.code for p in refused.problems] == ["chart-digest-mismatch"]


def test_index_versions_are_read_as_written() -> None:
    from mkdocs_recipes.charts.index import RepositoryIndex

    body = (
        b"apiVersion: v1\nentries:\n  demo:\n"
        b"  - version: 1.10\n    digest: null\n    urls: [demo-1.10.tgz]\n"
    )
    index = RepositoryIndex.parse(body, "https://charts.example.org")
    assert index.versions("demo") == ["1.10"]
    assert index.get("demo", "1.10").digest is None


def test_oci_repository_mirrored_to_a_folder_keeps_its_reference(tmp_path) -> None:
    write_repository([CHARTS / "oauth2-proxy" / "6.18.3"], tmp_path / "mirror")
    mirror = Mirror.parse("oci://ghcr.io/example/charts", "mirror", tmp_path)
    key = ChartKey("oci://ghcr.io/example/charts", "oauth2-proxy", "6.18.x")
    resolved = make(tmp_path, offline=True, mirrors=[mirror]).resolve(key).chart
    assert resolved.url == "oci://ghcr.io/example/charts/oauth2-proxy:6.18.3"
    # A lockfile with that reference resolves through the mirror too, cache emptied.
    again = resolve_locked(tmp_path, key, resolved, offline=True, mirrors=[mirror])
    assert again.problems == () and again.chart.source == "network"


def test_a_repository_that_is_down_is_asked_once_per_build(tmp_path, fresh_chart_server) -> None:
    fresh_chart_server.faults["/oauth2-proxy/index.yaml"] = ["404"] * 5
    resolver = make(tmp_path, policy=FAST)
    for constraint in ("6.18.x", "6.x", "~6.18", ">=6.0.0 <7.0.0"):
        key = ChartKey(f"{fresh_chart_server.url}/oauth2-proxy", "oauth2-proxy", constraint)
        assert [p.code for p in resolver.resolve(key).problems] == ["chart-unavailable"]
    assert len(fresh_chart_server.requests["/oauth2-proxy/index.yaml"]) == 1


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
@pytest.mark.parametrize("mirror_names_chart", [False, True], ids=["mirror-path", "mirror-chart"])
@pytest.mark.parametrize("page_names_chart", [False, True], ids=["page-path", "page-chart"])
def test_oci_folder_mirrors_resolve_alike_online_and_offline(
    tmp_path, offline, mirror_names_chart, page_names_chart
) -> None:
    write_repository([CHARTS / "oauth2-proxy" / "6.18.3"], tmp_path / "mirror")
    registry = "oci://ghcr.io/example/charts"
    prefix = f"{registry}/oauth2-proxy" if mirror_names_chart else registry
    mirror = Mirror.parse(prefix, "mirror", tmp_path)
    page_url = f"{registry}/oauth2-proxy" if page_names_chart else registry
    key = ChartKey(page_url, "oauth2-proxy", "6.18.x")
    resolution = make(tmp_path, offline=offline, mirrors=[mirror]).resolve(key)
    assert resolution.problems == ()
    assert resolution.chart.url == "oci://ghcr.io/example/charts/oauth2-proxy:6.18.3"
    # Locked, with an empty cache: the lock entry's reference goes through the mirror too.
    again = resolve_locked(tmp_path, key, resolution.chart, offline=offline, mirrors=[mirror])
    assert again.problems == () and again.chart.version == "6.18.3"
