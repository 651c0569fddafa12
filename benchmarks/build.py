"""Benchmark: what the plugin adds to a site build, per page.

Builds a site of N copies of the podinfo example recipe (includes, values snippets, a
chart resolved through the folder mirror of examples/chart-repository), in this process,
with MkDocs' own build function:

* baseline: the same pages without the recipe includes, built with macros but not recipes;
* recipes, cold: with the plugin and an empty chart cache;
* recipes, warm: again, cache filled (a rebuild in a new process parses charts again;
  here the parsed charts are also kept, as under `mkdocs serve`).

Run: .venv/bin/python benchmarks/build.py [--pages 200]
"""

from __future__ import annotations

import argparse
import logging
import re
import statistics
import tempfile
import time
from pathlib import Path

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "docs" / "recipes" / "podinfo.md").read_text(encoding="utf-8")


def write_site(root: Path, pages: int, with_recipes: bool) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n")
    for n in range(pages):
        text = PAGE.replace("helmrelease_namespace: podinfo", f"helmrelease_namespace: app-{n}")
        # No network in a benchmark: the values link would be fetched (and compared).
        text = re.sub(r"^values_yaml_url:.*\n", "", text, flags=re.M)
        if not with_recipes:
            text = re.sub(r"^\{% include '(kubernetes-flux|recipe)-.*$", "", text, flags=re.M)
        (docs / f"page-{n:04d}.md").write_text(text)
    (root / "includes").mkdir()
    (root / "includes" / "recipe-before-you-start.md").write_text("Before you start.\n")
    plugins: list = [{"macros": {"include_dir": "includes"}}]
    if with_recipes:
        plugins.append(
            {
                "recipes": {
                    "cache_dir": str(root / "cache"),
                    "mirrors": {
                        "https://stefanprodan.github.io/podinfo": str(
                            ROOT / "examples" / "chart-repository" / "podinfo"
                        )
                    },
                }
            }
        )
    config = {
        "site_name": "bench",
        "plugins": plugins,
        "markdown_extensions": ["admonition", "pymdownx.superfences", "pymdownx.highlight"],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config))
    return root / "mkdocs.yml"


def timed_build(config_file: Path, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        config = load_config(
            config_file=str(config_file), site_dir=str(config_file.parent / "site")
        )
        start = time.perf_counter()
        build(config)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        baseline_file = write_site(Path(tmp) / "baseline", args.pages, with_recipes=False)
        recipes_file = write_site(Path(tmp) / "recipes", args.pages, with_recipes=True)
        baseline = timed_build(baseline_file, 3)
        cold = timed_build(recipes_file, 1)
        warm = timed_build(recipes_file, 3)
    per_page = (warm - baseline) / args.pages * 1000
    print(f"site: {args.pages} recipe pages (podinfo example), charts from a folder mirror")
    print(f"baseline (macros only, no includes): {baseline:7.2f} s")
    print(f"recipes, cold cache                : {cold:7.2f} s   ({cold / baseline:4.2f}x)")
    print(f"recipes, warm cache                : {warm:7.2f} s   ({warm / baseline:4.2f}x)")
    print(f"added per page, warm               : {per_page:7.1f} ms")


if __name__ == "__main__":
    main()
