"""Benchmark: the plugin on real sites without recipes, against the same site without it.

Each named site of ../shared/real-sites that already uses mkdocs-macros (so the only
difference is `recipes` in its plugins) is copied twice, laid out as its project builds
it (tests/support/real_sites.py, which the real-sites test uses too): A as published, B
with `recipes` added as the README says. Both are built as the project builds them
(`mkdocs build`, or `properdocs build`), each build a new process, in `--runs` pairs that
alternate which goes first (paired.py); offline, as in CI without network.

Printed per site: its pages, the median build times, and the median of the per-pair
ratios B/A with their min and max (target: at most 1.02 on a site without recipes).

Run: .venv/bin/python benchmarks/real_sites.py [--sites rook percona-pxc kops] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from paired import paired
from sites import ROOT, precompile

sys.path.insert(0, str(ROOT / "tests"))

from support.real_sites import SITES, copy_real_site, environment

#: The shared sites that use mkdocs-macros: adding `recipes` adds nothing else to them.
WITH_MACROS = ("rook", "percona-pxc", "kops", "trivy-operator")


def timed_build(folder: Path, name: str) -> float:
    site = SITES[name]
    command = [sys.executable, "-m", site.engine, "build", "-q", "-f", site.config]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "-d", str(folder / "_site")],
        cwd=folder,
        capture_output=True,
        text=True,
        env=environment(),
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{name} ({folder}) did not build:\n{done.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", nargs="+", default=list(WITH_MACROS), choices=WITH_MACROS)
    parser.add_argument("--runs", type=int, default=5, help="pairs of builds per site")
    options = parser.parse_args()
    precompile()
    print(f"{options.runs} pairs per site, medians (min - max); offline")
    print(f"{'site':<16} {'pages':>6} {'without':>9} {'with':>9}  ratio")
    for name in options.sites:
        work = Path(tempfile.mkdtemp(prefix=f"bench-real-{name}-"))
        without = copy_real_site(SITES[name], work / "without", plugin=False)
        with_plugin = copy_real_site(SITES[name], work / "with", plugin=True)
        pages = sum(1 for _ in (SITES[name].source).rglob("*.md"))
        for folder in (without, with_plugin):
            timed_build(folder, name)  # warm: caches, compiled files
        times = paired(
            partial(timed_build, without, name),
            partial(timed_build, with_plugin, name),
            options.runs,
        )
        print(
            f"{name:<16} {pages:>6} {statistics.median(times.a):>8.2f}s "
            f"{statistics.median(times.b):>8.2f}s  {times.spread()}"
        )


if __name__ == "__main__":
    main()
