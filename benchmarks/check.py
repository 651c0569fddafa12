"""Benchmark: `mkdocs-recipes check` against `mkdocs build` on the same site, warm cache.

Generates a Material + macros + recipes site of N recipe pages (copies of the podinfo
example with their own names and namespaces: the packaged includes, values snippets, links
between pages, a chart resolved offline through the folder mirror of
examples/chart-repository), fills the chart cache once, then times, each as the command a
user runs in a new process, the median of `--runs` runs:

* `mkdocs build` (the baseline);
* `mkdocs-recipes check`.

Target: check at most 1/20 of the build (hard limit 1/10).

`--page seed` uses the real seed recipe (../shared/recipes/oauth2-proxy.md: 155 lines,
three values blocks, six includes) instead of this project's short podinfo example, with
its chart served from a folder packaged from ../shared/charts at run time.

Run: .venv/bin/python benchmarks/check.py [--pages 200 1000] [--runs 3] [--page seed]
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
SHARED = Path(os.environ.get("MKDOCS_RECIPES_SHARED", ROOT.parent / "shared"))
EXAMPLE = ROOT / "docs" / "recipes" / "podinfo.md"
SEED = SHARED / "recipes" / "oauth2-proxy.md"


def write_site(root: Path, pages: int, seed: bool) -> None:
    page = (SEED if seed else EXAMPLE).read_text(encoding="utf-8")
    namespace = re.search(r"^helmrelease_namespace: (\S+)$", page, re.M)
    assert namespace
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nThe [first recipe](page-0000.md).\n")
    for n in range(pages):
        text = page.replace(namespace.group(0), f"helmrelease_namespace: app-{n}")
        text = text.replace("title: ", f"title: App {n} - ", 1)
        text = re.sub(r"^(helmrelease_name|kustomization_name):.*\n", "", text, flags=re.M)
        text = text.replace("helm_chart_name:", f"helmrelease_name: app-{n}\nhelm_chart_name:", 1)
        text = re.sub(r"^description: .*$", f"description: App number {n}", text, flags=re.M)
        text = re.sub(r"^values_yaml_url:.*\n", "", text, flags=re.M)
        text += f"\n\nNext: [the next recipe](page-{(n + 1) % pages:04d}.md#helmrelease).\n"
        (docs / f"page-{n:04d}.md").write_text(text)
    # The site-wide link definitions real cookbooks append to every page.
    (root / "snippets").mkdir()
    (root / "snippets" / "links.md").write_text(
        "[k8s/dashboard]: https://github.com/kubernetes/dashboard\n"
        "[tfa]: https://github.com/thomseddon/traefik-forward-auth\n"
        "[kuberetesdashboard]: https://github.com/kubernetes/dashboard\n"
    )
    # The other pages of the site the seed recipe links to.
    for section in (
        "cluster",
        "deployment/flux",
        "external-dns",
        "ingress",
        "oidc-authentication",
        "oidc-authentication/providers",
        "persistence",
    ):
        folder = docs / "kubernetes" / section
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(f"# {section}\n")
    (docs / "images").mkdir()
    (docs / "images" / "oauth2-proxy.png").write_bytes(b"PNG")
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
                        ),
                        "https://oauth2-proxy.github.io/manifests/": str(root / "charts"),
                    },
                }
            },
        ],
        "markdown_extensions": [
            "admonition",
            "attr_list",
            "footnotes",
            {
                "pymdownx.snippets": {
                    "base_path": [str(root / "snippets")],
                    "auto_append": ["links.md"],
                }
            },
            "pymdownx.details",
            "pymdownx.superfences",
            "pymdownx.highlight",
            {"pymdownx.tabbed": {"alternate_style": True}},
        ],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    if seed:
        from mkdocs_recipes.charts.package import write_repository

        write_repository([SHARED / "charts" / "oauth2-proxy" / "6.18.3"], root / "charts")


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
    parser.add_argument("--page", choices=["example", "seed"], default="example")
    options = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    print(f"{options.page} pages")
    print(f"{'pages':>6} {'build':>9} {'check':>9} {'check/build':>12}")
    for pages in options.pages:
        root = Path(tempfile.mkdtemp(prefix=f"bench-check-{pages}-"))
        write_site(root, pages, options.page == "seed")
        build = [str(bin_dir / "mkdocs"), "build", "-q"]
        check = [str(bin_dir / "mkdocs-recipes"), "check"]
        timed(build, root)  # fills the chart cache
        builds = [timed(build, root) for _ in range(options.runs)]
        checks = [timed(check, root) for _ in range(options.runs)]
        b, c = statistics.median(builds), statistics.median(checks)
        print(f"{pages:>6} {b:>8.2f}s {c:>8.2f}s {c / b:>11.3f}  (1/{b / c:.0f})")


if __name__ == "__main__":
    main()
