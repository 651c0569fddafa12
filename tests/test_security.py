"""Hostile pages, lockfiles, indexes and registries: a finding or a clear error, never a
local file read or deleted, never a credential sent or shown, never unbounded work."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

from mkdocs_recipes.charts.cache import ChartCache
from mkdocs_recipes.charts.fetch import FetchError, Http
from mkdocs_recipes.charts.lockfile import ChartKey, Lockfile, LockfileError
from mkdocs_recipes.charts.mirrors import Mirror
from mkdocs_recipes.charts.oci import OciRegistryClient, OciRepository
from mkdocs_recipes.charts.package import write_repository
from mkdocs_recipes.charts.resolver import ChartResolver, ResolverSettings
from mkdocs_recipes.flux.objects import FluxSettings
from mkdocs_recipes.site.analysis import analyse_page
from support.chartrepo import CHARTS
from support.waiting import bounded

RECIPE = """\
---
title: Demo
helm_chart_name: demo
helm_chart_version: "1.0.0"
helm_chart_repo_url: https://charts.example.org/
helmrelease_namespace: demo
{extra}---

{body}
"""


def alias_bomb(levels: int = 9, indent: str = "") -> str:
    lines = [f'{indent}a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for n in range(1, levels + 1):
        refs = ", ".join([f"*a{n - 1}"] * 10)
        lines.append(f"{indent}a{n}: &a{n} [{refs}]")
    return "\n".join(lines)


def codes(state) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in state.findings]


def test_an_alias_bomb_in_a_values_block_is_one_finding() -> None:
    page = RECIPE.format(extra="", body="```yaml\n" + alias_bomb(indent="    ") + "\n```\n")
    state = bounded(lambda: analyse_page(page, "p.md", FluxSettings()))
    assert codes(state) == [(10, "yaml-too-large")]
    assert "alias" in state.findings[0].message


def test_an_alias_bomb_in_front_matter_is_one_finding() -> None:
    bomb = alias_bomb().replace("a0:", "links: &links\n  - name: x\n    uri: https://x.org\na0:")
    page = RECIPE.format(extra=bomb + "\n", body="# Demo")
    state = bounded(lambda: analyse_page(page, "p.md", FluxSettings()))
    assert codes(state) == [(1, "yaml-too-large")]


@pytest.mark.parametrize("depth", [250, 995])
def test_deep_nesting_is_bounded(depth: int) -> None:
    nested = "[" * depth + "]" * depth
    block = "\n".join(f"{'  ' * n}k{n}:" for n in range(depth)) + " 1"
    for body in (f"```yaml\nx: {nested}\n```\n", f"```yaml\n{block}\n```\n"):
        state = bounded(lambda body=body: analyse_page(body, "p.md", FluxSettings()))
        assert [c for _, c in codes(state)] == ["yaml-too-large"]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("helm_chart_repo_url: https://[host/charts", "recipe-invalid-url"),
        ("helm_chart_repo_url: https://x.org:port/charts", "recipe-invalid-url"),
        ('helm_chart_version: "*0.8"', "recipe-invalid-version"),
        (f'helm_chart_version: "1.{"9" * 5000}.0"', "recipe-invalid-version"),
    ],
)
def test_malformed_values_are_findings_not_exceptions(line: str, code: str) -> None:
    key = line.split(":", 1)[0]
    page = RECIPE.format(extra="", body="# Demo").replace(
        next(x for x in RECIPE.split("\n") if x.startswith(key)), line
    )
    state = analyse_page(page, "p.md", FluxSettings())
    assert [c for _, c in codes(state)] == [code]
    assert len(state.findings[0].message) < 400


@pytest.mark.parametrize(
    "page",
    [
        "---\ntitle: x\nhelm_chart_version: " + "9" * 5000 + "\n---\n",
        RECIPE.format(extra="", body="```yaml\nreplicas: " + "9" * 5000 + "\n```\n"),
    ],
)
def test_a_number_python_cannot_hold_is_a_finding(page: str) -> None:
    state = analyse_page(page, "p.md", FluxSettings())
    assert [c for _, c in codes(state)] == ["yaml-too-large"]
    assert "cannot be read" in state.findings[0].message


def test_a_page_of_examples_reads_its_blocks_nodes_only() -> None:
    # Its checks (syntax, duplicate keys, Flux apiVersions) read nodes: a value Python
    # cannot hold is never built, so it is neither an exception nor a finding.
    page = "```yaml\nreplicas: " + "9" * 5000 + "\nreplicas: 2\n```\n"
    state = analyse_page(page, "p.md", FluxSettings())
    assert [c for _, c in codes(state)] == ["yaml-duplicate-key"]
    flux = "```yaml\napiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\n" + (
        "metadata: {name: x, size: " + "9" * 5000 + "}\n```\n"
    )
    assert analyse_page(flux, "p.md", FluxSettings()).findings == []


def test_text_judged_bounded_is_bounded() -> None:
    # `surely_bounded` lets the parser skip the walk of `check_bounds`: whenever it says
    # so, the walk must find nothing.
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from mkdocs_recipes.base.yaml_limits import YamlTooLarge, check_bounds, surely_bounded

    tree = st.recursive(
        st.sampled_from(["x", "1", "", "a b"]),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.text("kv", min_size=1, max_size=3), inner, max_size=3)
        ),
        max_leaves=60,
    )

    said = []

    @settings(max_examples=300, deadline=None)
    @given(tree, st.booleans(), st.integers(0, 130))
    def bounded_when_said(value, flow: bool, wraps: int) -> None:
        for _ in range(wraps):
            value = {"k": [value]}  # two levels each: up to 260 plus the tree's own
        text = yaml.safe_dump(value, default_flow_style=flow, width=10_000)
        if surely_bounded(text):
            said.append(wraps)
            check_bounds(yaml.compose(text, Loader=yaml.SafeLoader))

    bounded_when_said()
    assert said, "no text was judged bounded: the test would prove nothing"
    # And it does not let a deep or shared tree pass.
    assert not surely_bounded("a: &a [1]\nb: *a\n")
    assert not surely_bounded("x: " + "[" * 150 + "]" * 150)
    deep = "\n".join(f"{'  ' * n}k{n}:" for n in range(210)) + " 1"
    assert not surely_bounded(deep)
    with pytest.raises(YamlTooLarge):
        check_bounds(yaml.compose(deep, Loader=yaml.SafeLoader))


def test_credentials_in_a_url_are_refused_and_never_repeated() -> None:
    page = RECIPE.format(extra="", body="# Demo").replace(
        "https://charts.example.org/", "https://robot:s3cr3t-t0ken@charts.example.org/"
    )
    state = analyse_page(page, "p.md", FluxSettings())
    assert [c for _, c in codes(state)] == ["recipe-invalid-url"]
    assert state.recipe is None
    text = " ".join(f.as_text() for f in state.findings)
    assert "s3cr3t" not in text and "robot" not in text


def test_a_lockfile_digest_that_is_a_path_is_refused_and_deletes_nothing(tmp_path) -> None:
    victim = tmp_path / "victim" / "backup.tgz"
    victim.parent.mkdir()
    victim.write_bytes(b"precious")
    lock = tmp_path / "site" / "recipes.lock"
    lock.parent.mkdir()
    entry = {
        "repository": "https://charts.example.org/",
        "chart": "demo",
        "constraint": "1.0.0",
        "version": "1.0.0",
        "digest": "sha256:../../../victim/backup",
        "url": "https://charts.example.org/demo-1.0.0.tgz",
    }
    lock.write_text(yaml.safe_dump({"version": 1, "charts": [entry]}))
    with pytest.raises(LockfileError, match="not `sha256:` and 64 hex digits"):
        Lockfile.load(lock)
    # The cache refuses such a digest on its own too.
    cache = ChartCache(tmp_path / "site" / "cache" / "a" / "b")
    assert cache.read_chart("sha256:../../../../victim/backup") is None
    assert victim.read_bytes() == b"precious"


def test_a_lockfile_url_to_a_local_file_is_refused(tmp_path) -> None:
    lock = tmp_path / "recipes.lock"
    entry = {
        "repository": "https://charts.example.org/",
        "chart": "demo",
        "constraint": "1.0.0",
        "version": "1.0.0",
        "digest": "sha256:" + "0" * 64,
        "url": "file:///etc/passwd",
    }
    lock.write_text(yaml.safe_dump({"version": 1, "charts": [entry]}))
    with pytest.raises(LockfileError, match="http\\(s\\) or oci URLs only"):
        Lockfile.load(lock)


def resolve_oauth2_proxy(tmp_path, server):
    """oauth2-proxy 6.18.x from `server`, with a cache of its own."""
    resolver = ChartResolver(ResolverSettings(cache_dir=tmp_path / "cache"))
    return resolver.resolve(ChartKey(f"{server.url}/oauth2-proxy", "oauth2-proxy", "6.18.x"))


def test_index_urls_never_read_local_files(tmp_path, fresh_chart_server) -> None:
    index_path = fresh_chart_server.root / "oauth2-proxy" / "index.yaml"
    index = yaml.safe_load(index_path.read_text())
    for entry in index["entries"]["oauth2-proxy"]:
        entry["urls"] = ["file:///etc/passwd"]
        entry.pop("digest", None)
    index_path.write_text(yaml.safe_dump(index))
    resolution = resolve_oauth2_proxy(tmp_path, fresh_chart_server)
    assert resolution.chart is None
    (problem,) = resolution.problems
    assert problem.code == "chart-unavailable" and "names a file: download URL" in problem.message
    cached = list((tmp_path / "cache").rglob("*.tgz"))
    assert cached == []


def test_a_remote_index_cannot_name_a_file_in_a_mirror_folder(tmp_path, fresh_chart_server) -> None:
    # The mirror folder is one mkdocs.yml names, so its files may be read, but only through
    # the mirror: a remote index that names one by its file:// URL is refused.
    mirror_folder = tmp_path / "mirror"
    write_repository([CHARTS / "oauth2-proxy" / "6.18.3"], mirror_folder)
    index_path = fresh_chart_server.root / "oauth2-proxy" / "index.yaml"
    index = yaml.safe_load(index_path.read_text())
    for entry in index["entries"]["oauth2-proxy"]:
        entry["urls"] = [(mirror_folder / "oauth2-proxy-6.18.3.tgz").as_uri()]
        entry.pop("digest", None)
    index_path.write_text(yaml.safe_dump(index))
    mirror = Mirror.parse("https://charts.example.org/", "mirror", tmp_path)
    resolver = ChartResolver(ResolverSettings(cache_dir=tmp_path / "cache", mirrors=(mirror,)))
    key = ChartKey(f"{fresh_chart_server.url}/oauth2-proxy", "oauth2-proxy", "6.18.x")
    resolution = resolver.resolve(key)
    assert resolution.chart is None
    assert "names a file: download URL" in resolution.problems[0].message
    assert list((tmp_path / "cache").rglob("*.tgz")) == []


def test_a_mirror_folder_keeps_its_files_inside(tmp_path) -> None:
    mirror_folder = tmp_path / "mirror"
    write_repository([CHARTS / "oauth2-proxy" / "6.18.3"], mirror_folder)
    outside = tmp_path / "outside.tgz"
    outside.write_bytes((mirror_folder / "oauth2-proxy-6.18.3.tgz").read_bytes())
    index = yaml.safe_load((mirror_folder / "index.yaml").read_text())
    (entry,) = index["entries"]["oauth2-proxy"]
    mirror = Mirror.parse("https://charts.example.org/", "mirror", tmp_path)
    key = ChartKey("https://charts.example.org/", "oauth2-proxy", "6.x")
    for url, reason in (
        (outside.as_uri(), "names a file: download URL"),
        # Relative URLs are resolved against the repository's URL first: `..` stays inside.
        ("../outside.tgz", "no such file in the mirror folder"),
    ):
        entry["urls"] = [url]
        (mirror_folder / "index.yaml").write_text(yaml.safe_dump(index))
        resolver = ChartResolver(
            ResolverSettings(cache_dir=tmp_path / "cache", offline=True, mirrors=(mirror,))
        )
        resolution = resolver.resolve(key)
        assert resolution.chart is None
        assert reason in resolution.problems[0].message
    # Devices are not read either, and a file inside is read within the limit.
    with pytest.raises(FetchError, match="outside every mirror folder"):
        Http().get("file:///dev/zero", max_bytes=1024, local_roots=(mirror_folder,))
    with pytest.raises(FetchError, match="larger than the 100-byte limit"):
        Http().get(
            (mirror_folder / "index.yaml").as_uri(), max_bytes=100, local_roots=(mirror_folder,)
        )


class _Registry(BaseHTTPRequestHandler):
    """A registry whose tag list's next page is on another host."""

    other: str = ""
    seen: list[str]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.seen.append(f"{self.path} auth={self.headers.get('Authorization')}")
        body = json.dumps({"name": "charts/demo", "tags": ["1.0.0"]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Link", f'<{self.other}/v2/charts/demo/tags/list?last=1.0.0>; rel="next"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(handler: type) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_tag_list_page_on_another_host_is_not_followed() -> None:
    other_seen: list[str] = []
    registry_seen: list[str] = []
    other = serve(type("Other", (_Registry,), {"seen": other_seen}))
    registry = serve(
        type(
            "Registry",
            (_Registry,),
            {"seen": registry_seen, "other": f"http://localhost:{other.server_port}"},
        )
    )
    try:
        client = OciRegistryClient(Http())
        tags = client.tags(OciRepository(f"127.0.0.1:{registry.server_port}", "charts/demo"), 10**6)
        assert tags == ["1.0.0"]
        assert len(registry_seen) == 1 and other_seen == []
    finally:
        for server in (other, registry):
            server.shutdown()


def test_a_token_realm_that_is_a_local_file_is_not_read() -> None:
    class Challenge(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Bearer realm="file:///dev/zero",service="x"')
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = serve(Challenge)
    try:
        client = OciRegistryClient(Http())
        with pytest.raises(FetchError, match="outside every mirror folder"):
            client.tags(OciRepository(f"127.0.0.1:{server.server_port}", "charts/demo"), 10**6)
    finally:
        server.shutdown()


def test_a_backtracking_schema_pattern_does_not_hang_the_check() -> None:
    from mkdocs_recipes.charts.archive import Chart
    from mkdocs_recipes.charts.values_model import values_model
    from mkdocs_recipes.checks.values import check_values_blocks
    from mkdocs_recipes.pages.blocks import code_blocks
    from mkdocs_recipes.pages.fragments import read_yaml_block

    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "pattern": "^(a+)+$"},
            "tag": {"type": "string", "pattern": "^[0-9]+$"},
        },
    }
    chart = Chart("demo", "1.0.0", None, "name: a\ntag: '1'\n", {"name": "a", "tag": "1"}, schema)
    page = "```yaml\nname: " + "a" * 47 + "!\ntag: latest\n```\n"
    blocks = [read_yaml_block(b) for b in code_blocks(page)]
    found = bounded(lambda: check_values_blocks(blocks, values_model(chart), "p.md"), 30)
    # RE2 runs the dangerous pattern in linear time, so it applies too (it used to be
    # left out); the plain one still applies.
    assert [(f.line, f.code) for f in found] == [(2, "values-schema"), (3, "values-schema")]


def test_a_dripping_server_meets_the_download_deadline(tmp_path, fresh_chart_server) -> None:
    from mkdocs_recipes.charts.fetch import NetworkPolicy

    archive = next(p.name for p in (fresh_chart_server.root / "oauth2-proxy").glob("*6.18.3*"))
    fresh_chart_server.faults[f"/oauth2-proxy/{archive}"] = ["drip"]
    policy = NetworkPolicy(read_timeout=5, deadline=1.0, backoff=0.01)
    resolver = ChartResolver(ResolverSettings(cache_dir=tmp_path / "cache", policy=policy))
    key = ChartKey(f"{fresh_chart_server.url}/oauth2-proxy", "oauth2-proxy", "6.18.x")
    resolution = bounded(lambda: resolver.resolve(key), 30)
    assert resolution.chart is None
    assert "took longer than 1 s" in resolution.problems[0].message


def test_a_server_that_drips_its_headers_meets_the_download_deadline(fresh_chart_server) -> None:
    from mkdocs_recipes.charts.fetch import NetworkPolicy

    fresh_chart_server.faults["/oauth2-proxy/index.yaml"] = ["drip-headers"] * 4
    http = Http(NetworkPolicy(read_timeout=5, deadline=1.5, backoff=0.01))
    started = time.monotonic()
    with pytest.raises(FetchError) as failure:
        bounded(
            lambda: http.get(fresh_chart_server.url + "/oauth2-proxy/index.yaml", max_bytes=10**6),
            30,
        )
    assert time.monotonic() - started < 6  # the deadline, not 100,000 drips
    assert "took longer than 1.5 s" in failure.value.reason


def test_retry_after_is_honoured_only_briefly_and_within_the_deadline(fresh_chart_server) -> None:
    from mkdocs_recipes.charts.fetch import NetworkPolicy

    url = fresh_chart_server.url + "/oauth2-proxy/index.yaml"
    # Busy twice, then served: waits of at most max_retry_after each, not 50 s.
    fresh_chart_server.faults["/oauth2-proxy/index.yaml"] = ["retry-after"] * 2
    http = Http(NetworkPolicy(max_retry_after=0.5, backoff=0.01))
    started = time.monotonic()
    assert bounded(lambda: http.get(url, max_bytes=10**7), 30).status == 200
    assert 1.0 <= time.monotonic() - started < 5
    # Always busy: the whole download, waits included, ends at its deadline.
    fresh_chart_server.faults["/oauth2-proxy/index.yaml"] = ["retry-after"] * 10
    http = Http(NetworkPolicy(max_retry_after=5, retries=10, deadline=2, backoff=0.01))
    started = time.monotonic()
    with pytest.raises(FetchError) as failure:
        bounded(lambda: http.get(url, max_bytes=10**7), 30)
    assert time.monotonic() - started < 4
    assert "took longer than 2 s" in failure.value.reason


def test_a_silent_server_is_asked_once_per_build(tmp_path, fresh_chart_server) -> None:
    from mkdocs_recipes.charts.fetch import NetworkPolicy

    fresh_chart_server.slow_seconds = 3
    fresh_chart_server.faults["/oauth2-proxy/index.yaml"] = ["slow"] * 5
    http = Http(NetworkPolicy(read_timeout=0.5, backoff=0.01))
    reasons = []
    for path in ("/oauth2-proxy/index.yaml", "/other/index.yaml"):
        with pytest.raises(FetchError) as failure:
            bounded(lambda path=path: http.get(fresh_chart_server.url + path, max_bytes=10**6))
        reasons.append(failure.value.reason)
    assert "timed out waiting" in reasons[0] and "not asked again" in reasons[1]
    assert len(fresh_chart_server.requests["/oauth2-proxy/index.yaml"]) == 1
    assert "/other/index.yaml" not in fresh_chart_server.requests


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("tags", b'{"tags": "1.0.0"}', "not a list of tags"),
        ("tags", b"[1, 2]", None),
        ("manifest", b'{"layers": "x"}', "layers are not a list"),
        ("manifest", b'{"layers": ["x", 1]}', "has no Helm chart layer"),
    ],
)
def test_malformed_registry_answers_are_fetch_errors(path, body, message) -> None:
    class Answer(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = serve(Answer)
    try:
        client = OciRegistryClient(Http())
        repository = OciRepository(f"127.0.0.1:{server.server_port}", "charts/demo")
        if path == "tags":
            if message is None:
                assert client.tags(repository, 10**6) == []
                return
            with pytest.raises(FetchError, match=message):
                client.tags(repository, 10**6)
        else:
            with pytest.raises(FetchError, match=message):
                client.chart_layer(repository, "1.0.0", 10**6)
    finally:
        server.shutdown()


def test_a_damaged_cache_entry_is_dropped_not_an_error_for_ever(tmp_path, chart_server) -> None:
    from mkdocs_recipes.charts.cache import CachedListing

    url = f"{chart_server.url}/oauth2-proxy"
    key = ChartKey(url, "oauth2-proxy", "6.18.x")
    cache = ChartCache(tmp_path / "cache")
    cache.write_listing(url + "/index.yaml", CachedListing(["not", "an", "index"], 4e9))
    first = ChartResolver(ResolverSettings(cache_dir=tmp_path / "cache")).resolve(key)
    assert first.chart is None and "damaged" in first.problems[0].message
    assert cache.read_listing(url + "/index.yaml") is None
    again = ChartResolver(ResolverSettings(cache_dir=tmp_path / "cache")).resolve(key)
    assert again.chart is not None and again.chart.version == "6.18.3"


def test_nested_subcharts_share_one_budget_and_a_depth_limit(tmp_path) -> None:
    from mkdocs_recipes.charts import archive
    from mkdocs_recipes.charts.package import package_chart

    def nest(levels: int) -> bytes:
        inner = None
        for level in range(levels, -1, -1):
            folder = tmp_path / f"level-{levels}-{level}"
            (folder / "charts").mkdir(parents=True)
            (folder / "Chart.yaml").write_text(f"apiVersion: v2\nname: c{level}\nversion: 1.0.0\n")
            (folder / "values.yaml").write_text("a: 1\n")
            if inner is not None:
                (folder / "charts" / f"c{level + 1}-1.0.0.tgz").write_bytes(inner)
            inner = package_chart(folder).data
        return inner

    chart = archive.read_chart_archive(nest(3))
    assert "c1" in chart.subcharts
    with pytest.raises(archive.ChartArchiveError, match="nested more than 6 levels"):
        bounded(lambda: archive.read_chart_archive(nest(9)), 30)
    # One allowance for the chart and all it carries, not one per archive.
    small = nest(2)
    whole, top = archive._Budget(), archive._Budget()
    archive.read_chart_archive(small, _budget=whole)
    archive._members(small, "top", top)
    assert top.bytes < whole.bytes - 1  # each archive alone fits; together they do not
    original = archive.MAX_UNPACKED_BYTES
    try:
        archive.MAX_UNPACKED_BYTES = whole.bytes - 1
        with pytest.raises(archive.ChartArchiveError, match="unpacks to more than"):
            archive.read_chart_archive(small)
    finally:
        archive.MAX_UNPACKED_BYTES = original


@pytest.mark.slow
def test_builds_sharing_a_cache_while_the_server_fails_leave_it_whole(
    tmp_path, fresh_chart_server, seed_text
) -> None:
    import hashlib
    import os
    import subprocess
    import sys

    from support.chartrepo import build_repository
    from support.site import Site

    build_repository(fresh_chart_server.root, "cert-manager", fresh_chart_server.url)
    fresh_chart_server.fail_every = 2  # every other request is a 503
    cache = tmp_path / "shared-cache"
    sites = []
    for number in range(4):
        site = Site(
            tmp_path / f"site-{number}",
            recipes_options={
                "cache_dir": str(cache),
                "index_ttl": 0,
                "mirrors": {
                    "https://oauth2-proxy.github.io/manifests/": (
                        f"{fresh_chart_server.url}/oauth2-proxy/"
                    ),
                    "https://charts.jetstack.io/": f"{fresh_chart_server.url}/cert-manager/",
                },
            },
        )
        site.page("oauth2-proxy.md", seed_text)
        site.page(
            "cert-manager.md",
            "---\nhelm_chart_name: cert-manager\nhelm_chart_version: v1.21.x\n"
            "helm_chart_repo_url: https://charts.jetstack.io/\n"
            "helmrelease_namespace: cert-manager\n---\n# cert-manager\n",
        )
        site.write_config()
        sites.append(site)
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    commands = []
    for site in sites:
        for arguments in (["mkdocs", "build"], ["mkdocs_recipes", "lock"]):
            commands.append(
                subprocess.Popen(
                    [sys.executable, "-m", *arguments],
                    cwd=site.root,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    env=environment,
                )
            )
    outputs = [process.communicate(timeout=300)[0].decode() for process in commands]
    assert all("Traceback" not in output for output in outputs), outputs
    # Every archive in the cache is the archive its name says; every listing parses.
    archives = list(cache.rglob("*.tgz"))
    assert archives
    for archive in archives:
        assert hashlib.sha256(archive.read_bytes()).hexdigest() == archive.stem
    for listing in cache.rglob("*.json"):
        json.loads(listing.read_text())
    assert not list(cache.rglob(".tmp-*"))
    # Each lockfile is whole: it loads, and its entries name archives the cache verifies.
    locked = 0
    for site in sites:
        lock = Lockfile.load(site.root / "recipes.lock")
        for entry in lock.entries.values():
            assert ChartCache(cache).read_chart(entry.digest) is not None
            locked += 1
    assert locked >= 4  # the retries got through the failures
    assert fresh_chart_server.served >= 4


def test_hostile_archive_members_are_skipped_and_a_bomb_is_refused(tmp_path) -> None:
    import gzip
    import io
    import tarfile

    from mkdocs_recipes.charts import archive

    def tgz(members) -> bytes:
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w") as tar:
            for info, data in members:
                tar.addfile(info, io.BytesIO(data) if data is not None else None)
        return gzip.compress(raw.getvalue())

    def member(name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE, target: str = ""):
        info = tarfile.TarInfo(name)
        info.size = len(data) if kind == tarfile.REGTYPE else 0
        info.type = kind
        info.linkname = target
        return info, data if kind == tarfile.REGTYPE else None

    chart = b"apiVersion: v2\nname: demo\nversion: 1.0.0\n"
    data = tgz(
        [
            member("demo/Chart.yaml", chart),
            member("demo/values.yaml", b"a: 1\n"),
            member("../escape.yaml", b"x: 1\n"),
            member("demo/../../escape2.yaml", b"x: 1\n"),
            member("/etc/evil.yaml", b"x: 1\n"),
            member("demo/link.yaml", kind=tarfile.SYMTYPE, target="/etc/passwd"),
            member("demo/dev", kind=tarfile.CHRTYPE),
        ]
    )
    read = archive.read_chart_archive(data)
    assert read.name == "demo" and read.values == {"a": 1}
    files = archive._members(data, "x", archive._Budget())
    assert set(files) == {"demo/Chart.yaml", "demo/values.yaml"}
    assert not (tmp_path.parent / "escape.yaml").exists()
    # A member claiming 300 MiB (a few hundred KiB compressed) is refused before reading.
    bomb = tgz([member("demo/Chart.yaml", chart), member("demo/big", bytes(300 * 1024 * 1024))])
    assert len(bomb) < 1024 * 1024
    with pytest.raises(archive.ChartArchiveError, match="unpacks to more than 200 MiB"):
        archive.read_chart_archive(bomb)


def test_redirects_to_other_schemes_and_loops_are_fetch_errors() -> None:
    class Redirect(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            target = "file:///etc/passwd" if self.path == "/to-file" else self.path
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = serve(Redirect)
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        for path in ("/to-file", "/loop"):
            with pytest.raises(FetchError) as failure:
                bounded(lambda path=path: Http().get(base + path, max_bytes=10**6), 30)
            assert "root:" not in failure.value.reason
    finally:
        server.shutdown()


def test_a_schema_that_stands_for_an_exponential_tree_is_read_within_a_budget() -> None:
    from mkdocs_recipes.charts.archive import Chart
    from mkdocs_recipes.charts.values_model import values_model

    def nxt(n: int) -> str:
        return f"#/definitions/d{n + 1}"

    definitions = {
        f"d{n}": {
            "type": "object",
            "properties": {
                "x": {"$ref": f"#/definitions/d{n + 1}"},
                "y": {"$ref": f"#/definitions/d{n + 1}"},
            },
            "allOf": [{"$ref": f"#/definitions/d{n + 1}"}, {"$ref": f"#/definitions/d{n + 1}"}],
        }
        for n in range(40)
    }
    definitions["d40"] = {"type": "string"}
    schema = {"$ref": "#/definitions/d0", "definitions": definitions}
    chart = Chart("demo", "1.0.0", None, "x: {}\n", {"x": {}}, schema)
    model = bounded(lambda: values_model(chart), 60)
    assert "x" in model.root.children


@pytest.mark.parametrize(
    "body",
    [b"<!DOCTYPE html><html><body>Sign in</body></html>", b"\x89PNG\r\n\x1a\n\x00\x00", b"[1, 2"],
)
def test_an_index_that_is_not_one_is_a_finding(tmp_path, fresh_chart_server, body) -> None:
    (fresh_chart_server.root / "oauth2-proxy" / "index.yaml").write_bytes(body)
    resolution = resolve_oauth2_proxy(tmp_path, fresh_chart_server)
    assert resolution.chart is None
    (problem,) = resolution.problems
    assert problem.code == "chart-unavailable" and "index.yaml" in problem.message


def test_an_alias_bomb_in_a_charts_values_file_is_chart_invalid(tmp_path) -> None:
    from mkdocs_recipes.charts import archive
    from mkdocs_recipes.charts.package import package_chart

    folder = tmp_path / "bomb"
    folder.mkdir()
    (folder / "Chart.yaml").write_text("apiVersion: v2\nname: bomb\nversion: 1.0.0\n")
    (folder / "values.yaml").write_text(alias_bomb() + "\n")
    data = package_chart(folder).data
    with pytest.raises(archive.ChartArchiveError, match=r"values\.yaml is not read"):
        bounded(lambda: archive.read_chart_archive(data), 30)
