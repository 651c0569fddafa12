"""Benchmark: what the plugin adds to a build, counted in CPU instructions.

Wall-clock ratios on a shared machine move by 5 to 10 % from one pair of builds to the
next, more than the few percent a target such as "at most 2 % on a site without recipes"
is about. Instructions executed do not move with the machine's load: the same build run
twice under valgrind's callgrind counts within 0.001 % of itself (with PYTHONHASHSEED
fixed). So this script builds each site once without and once with the plugin under
callgrind (both at the same time, on two cores) and prints the counts and their ratio.

The sites are benchmarks/sites.py's: a site without recipes (prose with three YAML
examples a page), and N copies of the real seed recipe with static includes against the
packaged ones. A build under callgrind takes about 50 times as long as without it.

`--check-pages N` also counts `mkdocs-recipes check --no-cache` of a seed site against its
build (the check's target: at most 1/20), and the floor of any check of that site through
MkDocs (check.py: only importing what it must import).

Run: .venv/bin/python benchmarks/instructions.py [--pages 50] [--plain-pages 200]
[--check-pages 200]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from check import floor_code
from sites import precompile, write_plain_site, write_site

BUILD = ("-m", "mkdocs", "build", "-q", "-f")
CHECK = ("-m", "mkdocs_recipes", "check", "--no-cache", "--config-file")


def instructions(config: Path, command: tuple[str, ...] = BUILD) -> int:
    """Instructions of `mkdocs build -q` (or of `command`) of `config`, after one run that
    fills caches."""
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "MKDOCS_RECIPES_OFFLINE": "1",
        "PYTHONHASHSEED": "0",
    }
    build = [sys.executable, *command, str(config)]
    warm = subprocess.run(build, cwd=config.parent, capture_output=True, env=env)
    if warm.returncode not in (0, 1):  # a check that finds something exits with 1
        raise SystemExit(f"{' '.join(build)} failed:\n{warm.stderr[-2000:]}")
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *build],
        cwd=config.parent,
        capture_output=True,
        text=True,
        env=env,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != warm.returncode or found is None:
        raise SystemExit(f"callgrind failed on {config}:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def compare(label: str, a: Path, b: Path) -> None:
    with ThreadPoolExecutor(2) as pool:
        count_a, count_b = pool.map(instructions, (a, b))
    print(f"{label:>16} {count_a / 1e9:>9.3f} G {count_b / 1e9:>9.3f} G  {count_b / count_a:.4f}")


def compare_check(pages: int, config: Path) -> None:
    """The build of a seed site (A) against `mkdocs-recipes check --no-cache` of it (B),
    and against the floor of any check of it (check.py's `floor_code`)."""
    floor = ("-c", floor_code(config))
    with ThreadPoolExecutor(2) as pool:
        build, check, least = pool.map(
            instructions, (config, config, config), (BUILD, CHECK, floor)
        )
    print(
        f"{f'{pages} check':>16} {build / 1e9:>9.3f} G {check / 1e9:>9.3f} G  "
        f"{check / build:.4f} (1/{build / check:.1f})"
    )
    print(
        f"{f'{pages} floor':>16} {build / 1e9:>9.3f} G {least / 1e9:>9.3f} G  "
        f"{least / build:.4f} (1/{build / least:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, nargs="*", default=[50])
    parser.add_argument("--plain-pages", type=int, nargs="*", default=[200])
    parser.add_argument(
        "--check-pages",
        type=int,
        nargs="*",
        default=[],
        help="also count `check --no-cache` (B) against the build (A) of N seed pages",
    )
    options = parser.parse_args()
    precompile()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    print("instructions of one warm build, A: baseline, B: with the plugin")
    print(f"{'site':>16} {'A':>11} {'B':>11}  B/A")
    for pages in options.plain_pages:
        root = Path(tempfile.mkdtemp(prefix=f"bench-instructions-plain-{pages}-"))
        try:
            compare(
                f"{pages} plain",
                write_plain_site(root / "without", pages, plugin=False),
                write_plain_site(root / "with", pages, plugin=True),
            )
        finally:
            shutil.rmtree(root, ignore_errors=True)
    for pages in options.pages:
        root = Path(tempfile.mkdtemp(prefix=f"bench-instructions-seed-{pages}-"))
        try:
            compare(
                f"{pages} recipes",
                write_site(root / "static", pages, True, flavour="static"),
                write_site(root / "plugin", pages, True, flavour="plugin"),
            )
        finally:
            shutil.rmtree(root, ignore_errors=True)
    for pages in options.check_pages:
        root = Path(tempfile.mkdtemp(prefix=f"bench-instructions-check-{pages}-"))
        try:
            compare_check(pages, write_site(root / "plugin", pages, True, flavour="plugin"))
        finally:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
