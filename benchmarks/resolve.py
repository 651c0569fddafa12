"""Benchmark: resolving the charts of a site with many recipes, cold and warm cache.

A real HTTP server on 127.0.0.1 serves one large repository index (thousands of charts
and versions, as public repositories have) and the archives. The script prints wall-clock
figures and ratios measured in this one process:

* cold: empty cache, every index and archive downloaded;
* warm: a new resolver on the same cache, index within its TTL (a new `mkdocs build`);
* serve rebuild: the same in one process, as `mkdocs serve` rebuilds;
* offline: the same from the cache with the network forbidden;
* baseline: parsing the full index.yaml with PyYAML for every build, against reading the
  compact index the cache keeps.

Run: .venv/bin/python benchmarks/resolve.py [--charts 1500] [--recipes 300]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from mkdocs_recipes.charts import resolver as resolver_module
from mkdocs_recipes.charts.index import RepositoryIndex
from mkdocs_recipes.charts.lockfile import ChartKey
from mkdocs_recipes.charts.package import index_document, package_chart
from mkdocs_recipes.charts.resolver import ChartResolver, ResolverSettings


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def make_repository(root: Path, charts: int, versions: int, archived: int) -> list[str]:
    """Write index.yaml with `charts` x `versions` entries; the first `archived` charts
    get real archives for their newest version. Returns the archived chart names."""
    source = root / "source"
    packaged = []
    names = [f"app-{n:04d}" for n in range(charts)]
    for name in names[:archived]:
        folder = source / name
        folder.mkdir(parents=True)
        (folder / "Chart.yaml").write_text(
            f"apiVersion: v2\nname: {name}\nversion: 1.{versions - 1}.0\n"
        )
        values = "\n".join(f"key{k}:\n  enabled: false\n  size: {k}" for k in range(200))
        (folder / "values.yaml").write_text(values + "\n")
        chart = package_chart(folder)
        (root / chart.filename).write_bytes(chart.data)
        packaged.append(chart)
    index = yaml.safe_load(index_document(packaged))
    for name in names:
        rows = index["entries"].setdefault(name, [])
        for minor in range(versions - 1, -1, -1):
            if rows and rows[0]["version"] == f"1.{minor}.0":
                continue
            rows.append(
                {
                    "apiVersion": "v2",
                    "name": name,
                    "version": f"1.{minor}.0",
                    "appVersion": f"{minor}.0",
                    "created": "2026-01-01T00:00:00Z",
                    "description": f"The {name} application, packaged for Kubernetes.",
                    "digest": "0" * 64,
                    "urls": [f"{name}-1.{minor}.0.tgz"],
                }
            )
    (root / "index.yaml").write_text(yaml.safe_dump(index, sort_keys=False))
    return names[:archived]


def timed(action, repeat: int = 1) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--charts", type=int, default=1000)
    parser.add_argument("--versions", type=int, default=20)
    parser.add_argument("--archived", type=int, default=60)
    parser.add_argument("--recipes", type=int, default=300)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        names = make_repository(root, args.charts, args.versions, args.archived)
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}"
        size = (root / "index.yaml").stat().st_size
        # Many recipes, several per chart, with different constraints.
        constraints = ["1.x", f"~1.{args.versions - 1}", ">=1.0.0 <2.0.0"]
        keys = [
            ChartKey(url, names[n % len(names)], constraints[n % len(constraints)])
            for n in range(args.recipes)
        ]

        def run(offline: bool = False, fresh_process: bool = True) -> None:
            if fresh_process:  # as `mkdocs build` in a new process: nothing parsed yet
                resolver_module._PARSED.clear()
            resolver = ChartResolver(ResolverSettings(Path(tmp) / "cache", offline=offline))
            for key in keys:
                assert resolver.resolve(key).chart is not None, key

        cold = timed(run)
        warm = timed(run, repeat=5)
        serve = timed(lambda: run(fresh_process=False), repeat=5)
        offline = timed(lambda: run(offline=True), repeat=5)
        body = (root / "index.yaml").read_bytes()
        full_parse = timed(lambda: yaml.load(body, Loader=yaml.SafeLoader))
        ours = timed(lambda: RepositoryIndex.parse(body, url), repeat=3)
        server.shutdown()

    print(f"index.yaml: {size / 1e6:.1f} MB, {args.charts} charts x {args.versions} versions")
    print(f"site: {args.recipes} recipes over {len(names)} charts")
    print(f"cold cache   : {cold:8.3f} s")
    print(f"warm cache   : {warm:8.3f} s   (cold/warm = {cold / warm:6.1f}x)")
    print(f"serve rebuild: {serve:8.3f} s   (cold/rebuild = {cold / serve:6.1f}x)")
    print(f"offline      : {offline:8.3f} s")
    print(f"index parse, pure-Python PyYAML (baseline): {full_parse:8.3f} s")
    print(
        f"index parse, libyaml + compact (ours)     : {ours:8.3f} s   "
        f"(baseline/ours = {full_parse / ours:5.1f}x)"
    )


if __name__ == "__main__":
    main()
