"""Benchmark: `mkdocs-recipes check` against `mkdocs build` on the same site, warm cache.

Generates a Material + macros + recipes site of N recipe pages (copies of the podinfo
example with their own names and namespaces: the packaged includes, values snippets, links
between pages, a chart resolved offline through the folder mirror of
examples/chart-repository), fills the chart cache once, then times, each as the command a
user runs in a new process, the median of `--runs` runs:

* `mkdocs build` (the baseline);
* `mkdocs-recipes check`.

Target: check at most 1/20 of the build (hard limit 1/10).

Run: .venv/bin/python benchmarks/check.py [--pages 200 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "docs" / "recipes" / "podinfo.md").read_text(encoding="utf-8")


def write_site(root: Path, pages: int) -> None:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nThe [first recipe](page-0000.md).\n")
    for n in range(pages):
        text = PAGE.replace("helmrelease_namespace: podinfo", f"helmrelease_namespace: app-{n}")
        text = text.replace("title: ", f"title: App {n} - ", 1)
        text = text.replace("helm_chart_name:", f"helmrelease_name: app-{n}\nhelm_chart_name:", 1)
        text = re.sub(r"^description: .*$", f"description: App number {n}", text, flags=re.M)
        text = re.sub(r"^values_yaml_url:.*\n", "", text, flags=re.M)
        text += f"\n\nNext: [the next recipe](page-{(n + 1) % pages:04d}.md#values-to-change).\n"
        (docs / f"page-{n:04d}.md").write_text(text)
    (root / "includes").mkdir()
    (root / "includes" / "recipe-before-you-start.md").write_text("Before you start.\n")
    config = {
        "site_name": "Benchmark",
        "theme": {"name": "material"},
        "plugins": [
            "search",
            {"macros": {"include_dir": "includes"}},
            {
                "recipes": {
                    "cache_dir": str(root / "cache"),
                    "mirrors": {
                        "https://stefanprodan.github.io/podinfo": str(
                            ROOT / "examples" / "chart-repository" / "podinfo"
                        )
                    },
                }
            },
        ],
        "markdown_extensions": [
            "admonition",
            "attr_list",
            "pymdownx.details",
            "pymdownx.superfences",
            "pymdownx.highlight",
            {"pymdownx.tabbed": {"alternate_style": True}},
        ],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def timed(command: list[str], cwd: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "MKDOCS_RECIPES_OFFLINE": "1"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    print(f"{'pages':>6} {'build':>9} {'check':>9} {'check/build':>12}")
    for pages in options.pages:
        root = Path(tempfile.mkdtemp(prefix=f"bench-check-{pages}-"))
        write_site(root, pages)
        build = [str(bin_dir / "mkdocs"), "build", "-q"]
        check = [str(bin_dir / "mkdocs-recipes"), "check"]
        timed(build, root)  # fills the chart cache
        builds = [timed(build, root) for _ in range(options.runs)]
        checks = [timed(check, root) for _ in range(options.runs)]
        b, c = statistics.median(builds), statistics.median(checks)
        print(f"{pages:>6} {b:>8.2f}s {c:>8.2f}s {c / b:>11.3f}  (1/{b / c:.0f})")


if __name__ == "__main__":
    main()
