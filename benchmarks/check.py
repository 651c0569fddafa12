"""Benchmark: `mkdocs-recipes check` against `mkdocs build` on the same site, warm cache.

Generates a Material + macros + recipes site of N recipe pages (copies of the podinfo
example with their own names and namespaces: the packaged includes, values snippets, links
between pages, a chart resolved offline through the folder mirror of
examples/chart-repository), fills the chart cache once, then times, each as the command a
user runs in a new process, `--runs` pairs alternating which goes first (paired.py):

* `mkdocs build` (the baseline);
* `mkdocs-recipes check --no-cache`: every page read and checked;
* `mkdocs-recipes check` again with nothing changed (answered from the check cache), and
  with one page changed (that page analysed, the checks across pages run again);
* the floor: a process that only imports what any check of the site through MkDocs must
  import (MkDocs' config and page modules, Jinja, PyYAML, and the modules of the plugins
  other than recipes and of the Markdown extensions its mkdocs.yml names; `requests`
  deferred, as the check defers it) and runs none of it. The three run in rounds
  (build, check, floor, then floor, check, build), and each ratio is to its round's
  build. A check through MkDocs cannot be faster than this floor.

Targets: check at most 1/20 of the build (hard limit 1/10); a second check with nothing
changed under 0.5 s at 1000 pages.

`--page seed` uses the real seed recipe (../shared/recipes/oauth2-proxy.md: 155 lines,
three values blocks, six includes) instead of this project's short podinfo example, with
its chart served from a folder packaged from ../shared/charts at run time.

`--case` picks the site (with `--page seed`):

* `clean` (the default): every link leads somewhere, nothing to report;
* `findings`: the other pages of the site the seed links to are left out, so that every
  page has eight broken links (1,600 findings on 200 pages): what a check costs when each
  finding must be confirmed by the site's Markdown;
* `values-url`: every recipe sets `values_yaml_url`, served by a local HTTP server this
  script starts, and the checks run online (the chart still comes from its folder
  mirror): what the check cache keeps of a result that asked a server.

Run: .venv/bin/python benchmarks/check.py [--pages 200 1000] [--runs 5] [--page seed]
     [--case clean|findings|values-url]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import entry_points
from pathlib import Path

import yaml
from paired import Paired, rounds
from sites import SHARED, precompile, write_site

# What a check of any site reads it with: MkDocs' config, files and pages, and the
# libraries MkDocs and its plugins render with.
_MKDOCS_MODULES = (
    "mkdocs.config.defaults",
    "mkdocs.plugins",
    "mkdocs.structure.files",
    "mkdocs.structure.pages",
    "jinja2",
    "markdown",
    "yaml",
)


#: Whether the commands run offline (all but the `values-url` case, which `main` sets).
offline = True


def timed(command: list[str], cwd: Path, **variables: str) -> float:
    """`command`'s wall-clock time in a new process, with these environment `variables`
    set (benchmarks/versions.py gives PYTHONPATH)."""
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
        **variables,
    }
    if offline:
        env["MKDOCS_RECIPES_OFFLINE"] = "1"
    else:
        env.pop("MKDOCS_RECIPES_OFFLINE", None)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def floor_modules(config: Path) -> list[str]:
    """The modules the floor imports for the site of `config`: MkDocs' own, those of its
    plugins (their `mkdocs.plugins` entry points) other than recipes, and those of its
    Markdown extensions (`admonition` is `markdown.extensions.admonition`)."""
    site = yaml.safe_load(config.read_text(encoding="utf-8"))
    points = {point.name: point for point in entry_points(group="mkdocs.plugins")}
    theme = site.get("theme", {}).get("name")
    modules = list(_MKDOCS_MODULES)
    for name in map(_named, site["plugins"]):
        if name != "recipes":
            # As MkDocs does, a theme's own plugin of the name (`material/search`) first.
            point = points.get(f"{theme}/{name}") or points[name]
            modules.append(point.value.split(":")[0])
    for name in map(_named, site.get("markdown_extensions", [])):
        modules.append(name if "." in name else f"markdown.extensions.{name}")
    return modules


def _named(item: str | dict) -> str:
    """The name of a `plugins` or `markdown_extensions` entry (`name` or `name: {...}`)."""
    return next(iter(item)) if isinstance(item, dict) else item


def floor_code(config: Path) -> str:
    """The floor's program for the site of `config` (`python -c`)."""
    # `requests` deferred as the check defers it (lazy_modules).
    deferring = "from mkdocs_recipes.cli import lazy_modules; lazy_modules.defer('requests')"
    return f"{deferring}; import " + ", ".join(floor_modules(config))


def edited(root: Path, command: list[str]) -> float:
    """`command` after one page changed (a line added at its end)."""
    page = root / "docs" / "page-0000.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + f"\nEdited at {time.perf_counter_ns()}.\n", encoding="utf-8")
    return timed(command, root)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def values_server(folder: Path) -> Iterator[str]:
    """The seed chart's values.yaml served over HTTP from `folder`: its URL."""
    folder.mkdir(parents=True, exist_ok=True)
    values = SHARED / "charts" / "oauth2-proxy" / "6.18.3" / "values.yaml"
    (folder / "values.yaml").write_bytes(values.read_bytes())
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/values.yaml"
    finally:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--runs", type=int, default=5, help="pairs of runs")
    parser.add_argument("--page", choices=["example", "seed"], default="example")
    parser.add_argument("--case", choices=["clean", "findings", "values-url"], default="clean")
    options = parser.parse_args()
    precompile()
    with contextlib.ExitStack() as stack:
        url = None
        if options.case == "values-url":
            folder = Path(tempfile.mkdtemp(prefix="bench-values-"))
            url = stack.enter_context(values_server(folder))
            global offline
            offline = False
        measure(options, url)


def measure(options: argparse.Namespace, values_url: str | None) -> None:
    bin_dir = Path(sys.executable).parent
    print(f"{options.page} pages, case {options.case}; {options.runs} pairs, medians (min - max)")
    print(
        f"{'pages':>6} {'build':>9} {'check':>9}  {'check/build':<24} "
        f"{'unchanged':>10} {'one edited':>11}  {'floor':>7}  {'floor/build':<24}"
    )
    for pages in options.pages:
        root = Path(tempfile.mkdtemp(prefix=f"bench-check-{pages}-"))
        write_site(
            root,
            pages,
            options.page == "seed",
            linked=options.case != "findings",
            values_url=values_url,
        )
        build = [str(bin_dir / "mkdocs"), "build", "-q"]
        check = [str(bin_dir / "mkdocs-recipes"), "check"]
        timed(build, root)  # fills the chart cache
        # Rounds of build, check, floor (then floor, check, build): each round's build is
        # the A of both its check and its floor.
        builds, checks, floors = rounds(
            [
                partial(timed, build, root),
                partial(timed, [*check, "--no-cache"], root),
                partial(timed, [sys.executable, "-c", floor_code(root / "mkdocs.yml")], root),
            ],
            options.runs,
        )
        runs, floor = Paired(builds, checks), Paired(builds, floors)
        b, c = statistics.median(runs.a), statistics.median(runs.b)
        timed(check, root)  # fills the check cache
        again = [timed(check, root) for _ in range(options.runs)]
        one = [edited(root, check) for _ in range(options.runs)]
        print(
            f"{pages:>6} {b:>8.2f}s {c:>8.2f}s  {runs.spread():<24} "
            f"{_spread(again):>10} {_spread(one):>11}  "
            f"{statistics.median(floor.b):>6.2f}s  {floor.spread():<24}"
            f"(check = 1/{1 / runs.median:.0f} build, floor = 1/{1 / floor.median:.0f})"
        )


def _spread(times: list[float]) -> str:
    return f"{statistics.median(times):.2f}s ({min(times):.2f}-{max(times):.2f})"


if __name__ == "__main__":
    main()
