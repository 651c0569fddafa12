"""Installed as the README says, into a fresh virtual environment with nothing but
mkdocs-material beside it: the package's own dependencies must be enough for a build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support.fresh import build_wheel, fresh_venv
from support.fresh import run as fresh_run


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = fresh_run(command, cwd, env)
    return done.stdout + done.stderr


@pytest.mark.slow
def test_the_wheel_in_a_fresh_venv_builds_a_recipe_site(tmp_path) -> None:
    wheel = build_wheel(tmp_path)
    source = tmp_path / "source"
    fresh = tmp_path / "fresh"
    fresh_venv(fresh, str(wheel), "mkdocs-material")
    python = fresh / "bin" / "python"
    # Nothing of the test extras came along.
    listed = run([str(python), "-m", "pip", "list", "--format=freeze"], tmp_path).lower()
    assert "pytest" not in listed and "hypothesis" not in listed

    # This project's own docs site: recipe pages, OCI and HTTP charts from folder mirrors,
    # values checks (jsonschema), the packaged includes; strict and offline.
    site = tmp_path / "site-source"
    site.mkdir()
    for name in ("docs", "includes", "examples"):
        shutil.copytree(source / name, site / name)
    for name in ("mkdocs.yml", "recipes.lock"):
        shutil.copy(source / name, site / name)
    output = run(
        [str(fresh / "bin" / "mkdocs"), "build", "--strict"],
        site,
        env={"MKDOCS_RECIPES_OFFLINE": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    html = (site / "site" / "recipes" / "podinfo" / "index.html").read_text(encoding="utf-8")
    assert "helm.toolkit.fluxcd.io/v2" in html, output
    # Plain MkDocs (no ProperDocs installed): the plugin's ProperDocs declaration is silent.
    assert "properdocs" not in listed
    assert "ProperDocs" not in output and "MkDocs may break" not in output, output
    # And the console script works from that environment.
    assert "lock" in run([str(fresh / "bin" / "mkdocs-recipes"), "--help"], site)
    # The commands from page to cluster, installed without extras.
    offline = {"MKDOCS_RECIPES_OFFLINE": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    tool = str(fresh / "bin" / "mkdocs-recipes")
    run([tool, "export", "--out", "cluster"], site, env=offline)
    assert (site / "cluster" / "podinfo" / "helmrelease-podinfo.yaml").is_file()
    assert "no findings" in run([tool, "export", "--check", "cluster"], site, env=offline)
    assert "3 recipe(s)" in run([tool, "outdated"], site, env=offline)
    assert "customManagers" in run([tool, "renovate"], site, env=offline)
