from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.chartrepo import ChartServer, build_repository
from support.paths import SEED_RECIPE, SHARED
from support.registry import Registry, start_registry
from support.site import Site
from support.sites import copy_site

CORPUS = Path(__file__).parent / "corpus"
SHARED_CHARTS = ["oauth2-proxy", "kubernetes-dashboard", "authentik", "cert-manager", "wordpress"]
SEED_REPOSITORY = "https://oauth2-proxy.github.io/manifests/"
# The seed's values_yaml_url (the `main` branch), served as raw files by the test server;
# `main` has the content of chart 10.7.0.
RAW_GITHUB = "https://raw.githubusercontent.com/oauth2-proxy/manifests/"


def pytest_terminal_summary(terminalreporter) -> None:
    """What the robustness tests tried, so a run shows its coverage, not only its result."""
    from support.counts import COUNTS

    if COUNTS:
        terminalreporter.section("robustness counts")
        for name, count in sorted(COUNTS.items()):
            terminalreporter.write_line(f"{count:>8}  {name}")


@pytest.fixture(scope="session", autouse=True)
def user_cache_folder(tmp_path_factory) -> Iterator[Path]:
    """The user's cache folder (charts with no `cache_dir`, the regular expressions a
    command keeps) is one of the test run's own, for this process and the commands it
    starts, not the machine's ~/.cache."""
    folder = tmp_path_factory.mktemp("user-cache")
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fuzz-long",
        action="store_true",
        help="run the fuzz suite's long campaign (25 times the inputs: about 50,000)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Read when tests/test_fuzz.py is collected, after this.
    if config.getoption("--fuzz-long"):
        os.environ["MKDOCS_RECIPES_FUZZ_LONG"] = "1"


def pytest_sessionstart(session: pytest.Session) -> None:
    if not (SHARED / "flux-crds").is_dir():
        raise pytest.UsageError(
            f"test data not found at {SHARED}: lay ../shared beside the checkout "
            "or set MKDOCS_RECIPES_SHARED"
        )


@pytest.fixture(scope="session")
def chart_server(tmp_path_factory) -> Iterator[ChartServer]:
    """One chart repository per shared chart, at <server>/<chart>/index.yaml."""
    server = ChartServer(tmp_path_factory.mktemp("chart-repository")).start()
    for chart in SHARED_CHARTS:
        build_repository(server.root, chart, server.url)
    main = server.root / "github" / "oauth2-proxy" / "manifests" / "main" / "helm" / "oauth2-proxy"
    main.mkdir(parents=True)
    shutil.copy(SHARED / "charts" / "oauth2-proxy" / "10.7.0" / "values.yaml", main)
    (server.root / "github" / "artifacthub.html").write_text("<!DOCTYPE html><html></html>")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def homelab_repository(chart_server) -> str:
    """The corpus's own chart (with templates), served at <server>/homelab/."""
    from mkdocs_recipes.charts.package import write_repository

    folder = chart_server.root / "homelab"
    if not (folder / "index.yaml").exists():
        write_repository([Path(__file__).parent / "corpus" / "charts" / "homelab-app"], folder)
    return f"{chart_server.url}/homelab/"


@pytest.fixture
def corpus_site(tmp_path, chart_server, homelab_repository) -> Path:
    return copy_site(CORPUS, tmp_path / "site-source", chart_server.url)


@pytest.fixture
def fresh_chart_server(tmp_path) -> Iterator[ChartServer]:
    """A server of its own for tests that inject faults or stop it."""
    server = ChartServer(tmp_path / "fresh-repository").start()
    (tmp_path / "fresh-repository").mkdir(exist_ok=True)
    build_repository(server.root, "oauth2-proxy", server.url)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def registry(tmp_path_factory) -> Iterator[Registry]:
    registry = start_registry(tmp_path_factory.mktemp("registry"))
    yield registry
    registry.stop()


@pytest.fixture
def site(tmp_path, chart_server) -> Site:
    """A site whose recipes resolve from the test chart server (the seed's repository is
    mirrored to it), with a cache of its own."""
    return Site(
        tmp_path,
        recipes_options={
            "cache_dir": str(tmp_path / "cache"),
            "mirrors": {
                SEED_REPOSITORY: f"{chart_server.url}/oauth2-proxy/",
                RAW_GITHUB: f"{chart_server.url}/github/oauth2-proxy/manifests/",
            },
        },
    )


@pytest.fixture
def seed_text() -> str:
    return SEED_RECIPE.read_text(encoding="utf-8")
