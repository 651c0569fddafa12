"""Benchmark: the pluglet's `define_env` under Zensical, which calls it for every page.

This project's docs site, as the pluglet builds it (`macros: modules: [mkdocs_recipes]`,
include files written), built with `zensical build` in a new process, `--runs` times with
an empty `.cache` each time. The build process times each `define_env` call (the
function is wrapped before Zensical imports the pluglet) and writes the times out.

Printed: pages (calls per build), the per-call time (median, min, max over all calls of
all runs), the first call of each build apart (it sets the engine up: options, include
folder, prefetch), and the calls' share of the build's wall time (median of the runs,
with min and max).

Run: .venv/bin/python benchmarks/zensical_pluglet.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.sites import as_pluglet_site, docs_site  # noqa: E402

#: Runs `zensical build` with `define_env` timed; the times go to the file in argv[1].
TIMED_BUILD = """
import json, sys, time
import mkdocs_recipes

original = mkdocs_recipes.define_env
times = []

def define_env(env):
    start = time.perf_counter()
    try:
        original(env)
    finally:
        times.append(time.perf_counter() - start)

mkdocs_recipes.define_env = define_env
out = sys.argv[1]
sys.argv = ["zensical", "build"]
from zensical.main import cli
try:
    cli()
except SystemExit as exit:
    code = exit.code
else:
    code = 0
with open(out, "w") as handle:
    json.dump(times, handle)
sys.exit(code)
"""


def build(site: Path, out: Path) -> tuple[list[float], float]:
    shutil.rmtree(site / ".cache", ignore_errors=True)
    shutil.rmtree(site / "site", ignore_errors=True)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", TIMED_BUILD, str(out)],
        cwd=site,
        capture_output=True,
        text=True,
        env={**os.environ, "MKDOCS_RECIPES_OFFLINE": "1"},
        timeout=900,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"zensical build failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(out.read_text()), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = as_pluglet_site(docs_site(Path(folder) / "site"))
        subprocess.run(
            [sys.executable, "-m", "mkdocs_recipes", "includes", "--write", "includes"],
            cwd=site,
            check=True,
            capture_output=True,
        )
        firsts, rest, shares = [], [], []
        calls = set()
        for number in range(arguments.runs):
            times, wall = build(site, Path(folder) / f"times-{number}.json")
            calls.add(len(times))
            firsts.append(times[0])
            rest += times[1:]
            shares.append(sum(times) / wall)
    ms = 1000
    print(f"pages (define_env calls per build): {sorted(calls)}")
    print(
        f"per call after the first: median {statistics.median(rest) * ms:.3f} ms "
        f"(min {min(rest) * ms:.3f}, max {max(rest) * ms:.3f}; {len(rest)} calls)"
    )
    print(
        f"first call (engine set-up): median {statistics.median(firsts) * ms:.1f} ms "
        f"(min {min(firsts) * ms:.1f}, max {max(firsts) * ms:.1f})"
    )
    print(
        f"share of the build's wall time: median {statistics.median(shares):.2%} "
        f"(min {min(shares):.2%}, max {max(shares):.2%})"
    )


if __name__ == "__main__":
    main()
