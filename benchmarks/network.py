"""Benchmark: what the network costs a build when hosts are far away or unreachable.

Real HTTP servers on 127.0.0.1, one per chart repository (each its own host:port), answer
every request after an added latency, as a distant repository would. The script prints
wall-clock figures and ratios measured in this one process:

* cold fetch of every chart, one host after another (the baseline), against the same with
  distinct hosts fetched at the same time (`prefetch`, as `mkdocs build` does); the target
  is a total close to the slowest single chart (index + archive), not the sum;
* a site whose pages link their `values_yaml_url` to hosts that do not resolve or refuse
  connections (no network), against the same pages with link checking off: the extra cost
  must stay under 1 s however many pages link there.

Run: .venv/bin/python benchmarks/network.py [--hosts 6] [--latency 0.2] [--pages 300]
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from mkdocs_recipes.charts import resolver as resolver_module
from mkdocs_recipes.charts.package import write_repository
from mkdocs_recipes.charts.resolver import ChartResolver, ResolverSettings
from mkdocs_recipes.flux.objects import FluxSettings
from mkdocs_recipes.recipe.model import read_recipe
from mkdocs_recipes.site import prefetch as prefetch_module
from mkdocs_recipes.site.analysis import analyse_page
from mkdocs_recipes.site.prefetch import prefetch


class _Far(SimpleHTTPRequestHandler):
    latency = 0.0

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        time.sleep(self.latency)
        super().do_GET()


def serve(root: Path, latency: float) -> ThreadingHTTPServer:
    handler = type("Handler", (_Far,), {"latency": latency})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def make_chart(root: Path, name: str) -> None:
    source = root / "source" / name
    source.mkdir(parents=True)
    (source / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 1.0.0\n")
    (source / "values.yaml").write_text("replicaCount: 1\nimage:\n  tag: latest\n")
    write_repository([source], root / "repo")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def recipe_page(number: int, chart: str, repository: str, link: str | None) -> str:
    extra = f"values_yaml_url: {link}\n" if link else ""
    return (
        f"---\ntitle: Page {number}\nhelm_chart_name: {chart}\nhelm_chart_version: 1.0.x\n"
        f"helm_chart_repo_url: {repository}\nhelmrelease_namespace: demo\n{extra}---\n\n"
        "```yaml\n    replicaCount: 2\n```\n"
    )


def build(
    pages: list[tuple[str, str]], cache: Path, fetch_links: bool, workers: int
) -> tuple[float, ChartResolver]:
    """Prefetch and analyse every page as the plugin does; wall-clock seconds."""
    resolver_module._PARSED.clear()
    started = time.perf_counter()
    resolver = ChartResolver(ResolverSettings(cache_dir=cache))
    recipes = [read_recipe(text, path)[0] for path, text in pages]
    prefetch_module.MAX_WORKERS = workers
    prefetch(resolver, [r for r in recipes if r is not None], fetch_links)
    for path, text in pages:
        analyse_page(text, path, FluxSettings(), resolver, fetch_values_url=fetch_links)
    return time.perf_counter() - started, resolver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=6)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--pages", type=int, default=300)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-network-"))
    servers = []
    repositories = []
    for number in range(options.hosts):
        root = work / f"host-{number}"
        make_chart(root, f"app-{number}")
        server = serve(root / "repo", options.latency)
        servers.append(server)
        repositories.append((f"app-{number}", f"http://127.0.0.1:{server.server_port}/"))

    chart_pages = [
        (f"p{n}.md", recipe_page(n, *repositories[n % len(repositories)], None))
        for n in range(len(repositories))
    ]
    sequential, _ = build(chart_pages, work / "cache-seq", False, workers=1)
    concurrent, _ = build(chart_pages, work / "cache-par", False, workers=8)
    single, _ = build(chart_pages[:1], work / "cache-one", False, workers=1)
    print(f"cold fetch, {options.hosts} repositories on distinct hosts, {options.latency}s latency")
    print(f"  one chart alone (index + archive):  {single:6.2f} s")
    print(f"  one host after another (baseline):  {sequential:6.2f} s")
    print(f"  distinct hosts at the same time:    {concurrent:6.2f} s")
    print(f"  ratio baseline / concurrent:        {sequential / concurrent:6.1f}x")
    print(f"  concurrent / slowest single fetch:  {concurrent / single:6.2f}")

    # No network: 9 link hosts, 3 of them unresolvable and 6 refusing connections.
    link_hosts = [f"https://charts-{n}.invalid" for n in range(3)]
    link_hosts += [f"http://127.0.0.1:{closed_port()}" for _ in range(6)]
    linked = [
        (
            f"l{n}.md",
            recipe_page(
                n,
                *repositories[n % len(repositories)],
                f"{link_hosts[n % len(link_hosts)]}/charts/app/values.yaml",
            ),
        )
        for n in range(options.pages)
    ]
    warm = work / "cache-par"
    without_links, _ = build(linked, warm, False, workers=8)
    with_links, resolver = build(linked, warm, True, workers=8)
    asked = sum(n for host, n in resolver.http.attempts.items() if "invalid" in host) + sum(
        n for host, n in resolver.http.attempts.items() if host.startswith("127.0.0.1")
    )
    print(f"\n{options.pages} pages linking values_yaml_url to 9 unreachable hosts (warm cache)")
    print(f"  link checking off (baseline):       {without_links:6.2f} s")
    print(f"  link checking on:                   {with_links:6.2f} s")
    print(f"  extra cost of the unreachable links:{with_links - without_links:6.2f} s")
    print(f"  connection attempts to the 9 hosts: {asked:6d}")
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
