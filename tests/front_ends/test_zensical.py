"""The same recipes three ways: MkDocs with the `recipes` plugin, MkDocs with the pluglet
only (`macros: modules: [mkdocs_recipes]`), and `zensical build` with the pluglet."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from support.crds import validate
from support.html import code_blocks
from support.sites import as_pluglet_site, docs_site, run_module, run_ok

RECIPES = ["podinfo", "podinfo-oci", "cert-manager"]
BIN = Path(sys.executable).parent


def run(command: list[str], cwd: Path) -> str:
    environment = {"PATH": str(BIN), "MKDOCS_RECIPES_OFFLINE": "1", "NO_MKDOCS_2_WARNING": "1"}
    return run_ok(command, cwd, {**environment, "HOME": str(cwd)})


def flux_objects(site_dir: Path, page: str) -> list[tuple[str, dict]]:
    text = (site_dir / "recipes" / page / "index.html").read_text(encoding="utf-8")
    return [
        (block.title, yaml.safe_load(block.text))
        for block in code_blocks(text)
        if block.title and block.title.endswith(".yaml")
    ]


@pytest.mark.slow
def test_three_builds_give_the_same_crd_valid_flux_objects(tmp_path) -> None:
    plugin = docs_site(tmp_path / "plugin")
    run([str(BIN / "mkdocs"), "build", "--strict"], plugin)
    pluglet = as_pluglet_site(docs_site(tmp_path / "pluglet"))
    run([str(BIN / "mkdocs"), "build", "--strict"], pluglet)
    zensical = as_pluglet_site(docs_site(tmp_path / "zensical"))
    wrote = run([str(BIN / "mkdocs-recipes"), "includes", "--write", "includes"], zensical)
    assert "wrote     includes/kubernetes-flux-helmrelease.md" in wrote
    output = run([str(BIN / "zensical"), "build"], zensical)
    assert "Macro rendering failed" not in output and "[" not in output.replace("[macros]", "")
    for page in RECIPES:
        expected = flux_objects(plugin / "site", page)
        assert len(expected) >= 4, page
        kinds = {obj["kind"] for _, obj in expected}
        assert {"Namespace", "Kustomization", "HelmRelease"} <= kinds
        for _, obj in expected:
            if obj["kind"] != "Namespace":
                assert validate(obj) == [], (page, obj)
        assert flux_objects(pluglet / "site", page) == expected, page
        assert flux_objects(zensical / "site", page) == expected, page


@pytest.mark.slow
def test_zensical_reports_a_front_matter_mistake_at_its_line(tmp_path) -> None:
    site = as_pluglet_site(docs_site(tmp_path / "site"))
    run([str(BIN / "mkdocs-recipes"), "includes", "--write", "includes"], site)
    page = site / "docs" / "recipes" / "podinfo.md"
    text = page.read_text()
    page.write_text(text.replace("helm_chart_version: ", "helm_chart_version: 6.10 #", 1))
    line = (
        text.split("\n").index(
            next(x for x in text.split("\n") if x.startswith("helm_chart_version"))
        )
        + 1
    )
    output = run([str(BIN / "zensical"), "build"], site)
    assert f"docs/recipes/podinfo.md:{line}: [recipe-yaml-number]" in output, output
    # Zensical builds have no --strict: the check fails instead.
    done = run_module(site, "mkdocs_recipes", "check", "--offline")
    assert done.returncode == 1 and "[recipe-yaml-number]" in done.stdout


def test_includes_are_written_once_and_a_sites_own_file_is_kept(tmp_path) -> None:
    folder = tmp_path / "includes"
    folder.mkdir()
    (folder / "kubernetes-flux-namespace.md").write_text("our own namespace text\n")
    first = run_module(tmp_path, "mkdocs_recipes", "includes", "--write", "includes")
    assert first.returncode == 0
    assert "kept      includes/kubernetes-flux-namespace.md" in first.stdout
    assert (folder / "kubernetes-flux-namespace.md").read_text() == "our own namespace text\n"
    written = sorted(p.name for p in folder.iterdir())
    assert "kubernetes-flux-helmrelease.md" in written and len(written) == 6
    assert "{{ flux_helmrelease() }}" in (folder / "kubernetes-flux-helmrelease.md").read_text()
    again = run_module(tmp_path, "mkdocs_recipes", "includes", "--write", "includes")
    assert "wrote" not in again.stdout and again.stdout.count("unchanged") == 5
    forced = run_module(tmp_path, "mkdocs_recipes", "includes", "--write", "includes", "--force")
    assert "replaced  includes/kubernetes-flux-namespace.md" in forced.stdout
    listed = run_module(tmp_path, "mkdocs_recipes", "includes")
    assert listed.stdout.split() == written


def test_check_names_packaged_includes_a_pluglet_site_lacks(tmp_path) -> None:
    site = as_pluglet_site(docs_site(tmp_path / "site"))
    done = run_module(site, "mkdocs_recipes", "check", "--offline", "--format", "json")
    found = {(f["path"], f["code"]) for f in json.loads(done.stdout)["findings"]}
    assert ("docs/recipes/podinfo.md", "include-missing") in found
    # Pages that show include syntax without rendering it are not judged.
    assert not any(path.startswith("docs/guide/") for path, _ in found)
    run([str(BIN / "mkdocs-recipes"), "includes", "--write", "includes"], site)
    clean = run_module(site, "mkdocs_recipes", "check", "--offline")
    assert clean.returncode == 0 and "include-missing" not in clean.stdout


@pytest.mark.slow
def test_on_error_fail_makes_a_zensical_build_fail_on_a_pages_errors(tmp_path) -> None:
    """Zensical's build has no --strict and ends "No issues found" whatever was logged;
    with `on_error_fail: true` under `macros`, the pluglet stops it at a page with errors."""
    site = as_pluglet_site(docs_site(tmp_path / "site"))
    run([str(BIN / "mkdocs-recipes"), "includes", "--write", "includes"], site)
    page = site / "docs" / "recipes" / "podinfo.md"
    text = page.read_text()
    page.write_text(text.replace("helm_chart_version: ", "helm_chart_version: 6.10 #", 1))
    environment = {"PATH": str(BIN), "MKDOCS_RECIPES_OFFLINE": "1", "HOME": str(site)}
    # As the site is: the error is logged, and the build still succeeds.
    logged = run([str(BIN / "zensical"), "build"], site)
    assert "[recipe-yaml-number]" in logged
    config = yaml.safe_load((site / "mkdocs.yml").read_text())
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "macros" in plugin:
            plugin["macros"]["on_error_fail"] = True
    (site / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    shutil.rmtree(site / ".cache", ignore_errors=True)
    failed = subprocess.run(
        [str(BIN / "zensical"), "build"],
        cwd=site,
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output[-3000:]
    assert "mkdocs-recipes: docs/recipes/podinfo.md has 1 error(s)" in output, output[-3000:]
    assert "[recipe-yaml-number]" in output
    # Fixed, the same configuration builds.
    page.write_text(text)
    shutil.rmtree(site / ".cache", ignore_errors=True)
    run([str(BIN / "zensical"), "build"], site)
