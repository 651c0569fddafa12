"""Benchmark: what the plugin adds to a real site build, warm and cold.

Warm: for each size, two sites of the same recipe pages (see sites.py), each built by
`mkdocs build` in a new process, as a user runs it, in pairs that alternate which goes
first (see paired.py):

* A, the baseline: Material + macros with hand-written include files;
* B: Material + macros + recipes with its packaged includes, chart cache filled.

Then a site without recipes (`--plain-pages`: prose and three YAML examples a page, a
little Jinja): A without the plugin, B with it.

Printed per site: the median build times, the median of the per-pair ratios B/A with
their min and max (targets: at most 1.05 on recipe sites, hard limit 1.08; at most 1.02
without recipes), and peak memory (max RSS of the build process), its ratio likewise
(target at most 1.10).

Cold: a site whose pages pin `--charts` distinct real charts (../shared/charts), served
by a local HTTP chart repository that answers every request after `--latency` seconds,
built with an empty cache. The server records each request, so the script prints the
fetch window (first request to last answer) against the sum of the requests' times (what
fetching one after another would cost) and the slowest single chart (index + archive).

Run: .venv/bin/python benchmarks/build.py [--pages 50 200 1000] [--runs 5] [--page seed]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from paired import Paired, paired
from sites import SHARED, precompile, write_plain_site, write_site

from mkdocs_recipes.charts.package import write_repository

BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}

#: Charts for the cold build: (folder under ../shared/charts, version).
CHARTS = [
    ("oauth2-proxy", "6.18.3"),
    ("kubernetes-dashboard", "7.13.0"),
    ("authentik", "2026.8.0"),
    ("wordpress", "26.0.0"),
    ("kubernetes-dashboard", "6.0.8"),
]


def measured_build(config: Path, offline: bool = True) -> tuple[float, float]:
    """One `mkdocs build` in a new process: (seconds, peak RSS of that process in MiB)."""
    env = {**ENV, "MKDOCS_RECIPES_OFFLINE": "1" if offline else "0"}
    command = [str(BIN / "mkdocs"), "build", "-q", "-f", str(config)]
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        # cwd: mkdocs-macros reads include_dir relative to the working directory.
        process = subprocess.Popen(command, env=env, stdout=log, stderr=log, cwd=config.parent)
        # wait4 reaps the process and gives its own resource usage (ru_maxrss in KiB).
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            log.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{log.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def compared(a: Path, b: Path, pairs: int) -> tuple[Paired, Paired]:
    """Builds of `a` and `b` in pairs: (times, peak memory), each as B/A per pair."""
    peaks: dict[Path, list[float]] = {a: [], b: []}

    def run(config: Path) -> float:
        seconds, peak = measured_build(config)
        peaks[config].append(peak)
        return seconds

    times = paired(partial(run, a), partial(run, b), pairs)
    return times, Paired(peaks[a], peaks[b])


def report(label: str, times: Paired, memory: Paired) -> None:
    a, b = statistics.median(times.a), statistics.median(times.b)
    if os.environ.get("BENCH_SAMPLES"):
        print(f"       A: {' '.join(f'{x:.2f}' for x in times.a)}")
        print(f"       B: {' '.join(f'{x:.2f}' for x in times.b)}")
    print(
        f"{label:>14} {a:>8.2f}s {b:>8.2f}s  {times.spread():<24} "
        f"{statistics.median(memory.a):>5.0f} {statistics.median(memory.b):>5.0f} MiB  "
        f"{memory.spread()}"
    )


def warm(pages: int, runs: int, seed: bool) -> None:
    root = Path(tempfile.mkdtemp(prefix=f"bench-build-{pages}-"))
    try:
        static = write_site(root / "static", pages, seed, flavour="static")
        plugin = write_site(root / "plugin", pages, seed, flavour="plugin")
        measured_build(plugin)  # fills the chart cache
        report(f"{pages} recipes", *compared(static, plugin, runs))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def plain(pages: int, runs: int) -> None:
    """A site without recipes: the plugin's cost where it has nothing to do."""
    root = Path(tempfile.mkdtemp(prefix=f"bench-plain-{pages}-"))
    try:
        without = write_plain_site(root / "without", pages, plugin=False)
        with_plugin = write_plain_site(root / "with", pages, plugin=True)
        report(f"{pages} plain", *compared(without, with_plugin, runs))
    finally:
        shutil.rmtree(root, ignore_errors=True)


class _Far(SimpleHTTPRequestHandler):
    latency = 0.0
    spans: ClassVar[list[tuple[float, float, str]]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        started = time.perf_counter()
        time.sleep(self.latency)
        super().do_GET()
        self.spans.append((started, time.perf_counter(), self.path))


def serve(folder: Path, latency: float) -> tuple[ThreadingHTTPServer, list]:
    spans: ClassVar[list[tuple[float, float, str]]] = []
    handler = type("Handler", (_Far,), {"latency": latency, "spans": spans})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, spans


def cold(pages: int, charts: int, latency: float, runs: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    try:
        chosen = CHARTS[:charts]
        write_repository([SHARED / "charts" / n / v for n, v in chosen], root / "repository")
        server, spans = serve(root / "repository", latency)
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        config = write_site(root / "site", pages, seed=True, mirrors=False)
        for path in sorted((root / "site" / "docs").glob("page-*.md")):
            n = int(path.stem.split("-")[1])
            name, version = chosen[n % len(chosen)]
            text = path.read_text()
            text = text.replace("helm_chart_version: 6.18.x", f"helm_chart_version: {version}")
            text = text.replace("helm_chart_name: oauth2-proxy", f"helm_chart_name: {name}")
            text = text.replace("https://oauth2-proxy.github.io/manifests/", url)
            path.write_text(text)
        cache = root / "site" / "cache"
        rows = []
        for _ in range(runs):
            shutil.rmtree(cache, ignore_errors=True)
            spans.clear()
            cold_seconds, _ = measured_build(config, offline=False)
            window = max(e for _, e, _ in spans) - min(s for s, _, _ in spans)
            total = sum(e - s for s, e, _ in spans)
            index = max(e - s for s, e, p in spans if p.endswith("index.yaml"))
            archive = max(e - s for s, e, p in spans if p.endswith(".tgz"))
            warm_seconds, _ = measured_build(config, offline=True)
            rows.append((cold_seconds, warm_seconds, window, total, index + archive, len(spans)))
            paths = sorted(p.rsplit("/", 1)[-1] for _, _, p in spans)
        server.shutdown()
        cold_s, warm_s, window, total, slowest, requests = (
            statistics.median(column) for column in zip(*rows, strict=True)
        )
        print(
            f"{pages} pages, {len(chosen)} charts in one repository, {latency * 1000:.0f} ms "
            f"per request, empty cache (medians of {runs}):"
        )
        print(f"  requests                           : {requests:.0f} ({', '.join(paths)})")
        print(f"  fetch window (first to last answer): {window:6.2f} s")
        print(f"  the requests one after another     : {total:6.2f} s")
        print(f"  slowest single chart (index+archive): {slowest:5.2f} s")
        print(f"  window / slowest single chart      : {window / slowest:6.2f}x")
        print(f"  build, cold cache                  : {cold_s:6.2f} s")
        print(f"  build, warm cache                  : {warm_s:6.2f} s")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, nargs="*", default=[50, 200, 1000])
    parser.add_argument("--runs", type=int, default=5, help="pairs of builds per site")
    parser.add_argument("--plain-pages", type=int, nargs="*", default=[200])
    parser.add_argument("--page", choices=["example", "seed"], default="seed")
    parser.add_argument("--cold-pages", type=int, default=50)
    parser.add_argument("--charts", type=int, default=len(CHARTS))
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--skip-cold", action="store_true")
    options = parser.parse_args()
    precompile()
    print(
        f"warm cache, {options.page} pages; {options.runs} pairs of builds (A: baseline, "
        "B: with the plugin, alternating); ratio B/A: median of the pairs (min - max)"
    )
    print(f"{'site':>14} {'A':>9} {'B':>9}  {'time B/A':<24} {'A':>5} {'B':>5}      memory B/A")
    for pages in options.pages:
        warm(pages, options.runs, options.page == "seed")
    for pages in options.plain_pages:
        plain(pages, options.runs)
    if not options.skip_cold:
        print()
        cold(options.cold_pages, options.charts, options.latency, max(1, options.runs // 2))


if __name__ == "__main__":
    main()
