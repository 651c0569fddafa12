"""Benchmark: the same build and check with two versions of the package, paired.

For a change that must not move the figures (a refactoring, modules moved): A is the
package at `--before` (a commit, checked out into a temporary Git worktree), B the working
tree. Each command runs in a new process with its version first on PYTHONPATH, so the
console script and the plugin's entry point import that version; A and B alternate
(paired.py), and each pair gives one ratio B/A.

* `mkdocs build` of a site of N copies of the seed recipe (offline, charts from a folder
  mirror, as benchmarks/check.py builds it);
* `mkdocs-recipes check --no-cache` of the same site;
* `mkdocs-recipes check` answered from its check cache (nothing changed). A check cache
  keeps one report a site, made by one version of the package: A and B each check their
  own copy of the site.

Run: .venv/bin/python benchmarks/versions.py --before <commit> [--pages 200] [--runs 5]
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

from check import timed
from paired import paired
from sites import ROOT, write_site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", required=True, help="the commit A is checked out at")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5, help="pairs of runs")
    options = parser.parse_args()
    worktree = Path(tempfile.mkdtemp(prefix="bench-before-")) / "before"
    subprocess.run(
        ["git", "worktree", "add", "--detach", "-q", str(worktree), options.before],
        cwd=ROOT,
        check=True,
    )
    try:
        for package in (worktree, ROOT):
            compileall.compile_dir(str(package / "mkdocs_recipes"), quiet=1)
        site = Path(tempfile.mkdtemp(prefix="bench-versions-"))
        write_site(site, options.pages, seed=True)
        twin = Path(tempfile.mkdtemp(prefix="bench-versions-b-"))
        write_site(twin, options.pages, seed=True)
        bin_dir = Path(sys.executable).parent
        build = [str(bin_dir / "mkdocs"), "build", "-q"]
        check = [str(bin_dir / "mkdocs-recipes"), "check"]
        timed(build, site, PYTHONPATH=str(ROOT))  # fills the chart cache
        print(f"{options.pages} seed pages; A = {options.before}, B = the working tree")
        print(f"{options.runs} pairs, medians (min - max)")
        cases = {
            "build": (build, site, site),
            "check --no-cache": ([*check, "--no-cache"], site, site),
            "check, cached": (check, site, twin),
        }
        timed(check, site, PYTHONPATH=str(worktree))  # A's report kept
        timed(check, twin, PYTHONPATH=str(ROOT))  # B's
        for name, (command, site_a, site_b) in cases.items():
            times = paired(
                partial(timed, command, site_a, PYTHONPATH=str(worktree)),
                partial(timed, command, site_b, PYTHONPATH=str(ROOT)),
                options.runs,
            )
            a, b = statistics.median(times.a), statistics.median(times.b)
            print(f"{name:<18} A {a:6.2f}s  B {b:6.2f}s  B/A {times.spread()}")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT)


if __name__ == "__main__":
    main()
