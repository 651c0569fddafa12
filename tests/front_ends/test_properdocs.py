"""ProperDocs sites: the plugin found through ProperDocs' own entry-point group, and every
command finding the configuration as ProperDocs does (`properdocs.yml` first)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from support.site import Site

pytestmark = pytest.mark.slow

OFFLINE = {"MKDOCS_RECIPES_OFFLINE": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
PAGE = """\
---
title: Run podinfo
helm_chart_name: podinfo
helm_chart_version: "6.5.x"
helm_chart_repo_url: https://stefanprodan.github.io/podinfo
helmrelease_namespace: podinfo
---

# Podinfo

{% include 'kubernetes-flux-namespace.md' %}

```yaml
apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: HelmRepository
metadata:
  name: podinfo
spec:
  url: https://stefanprodan.github.io/podinfo
```
"""


def properdocs_site(tmp_path, name: str) -> Site:
    site = Site(tmp_path, recipes_options={"resolve_charts": False})
    site.page("podinfo.md", PAGE)
    site.write_config()
    (tmp_path / "mkdocs.yml").rename(tmp_path / name)
    return site


def run(site: Site, *command: str) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", *command],
        cwd=site.root,
        capture_output=True,
        text=True,
        env={**os.environ, **OFFLINE},
        timeout=300,
    )


@pytest.mark.parametrize("name", ["properdocs.yml", "mkdocs.yml"])
def test_properdocs_builds_with_the_plugin_and_fails_on_a_removed_api(tmp_path, name) -> None:
    site = properdocs_site(tmp_path, name)
    built = run(site, "properdocs", "build", "--strict")
    assert built.returncode == 1, built.stdout + built.stderr
    output = built.stdout + built.stderr
    assert "docs/podinfo.md:14: [flux-api-not-served]" in output
    page = site.root / "docs" / "podinfo.md"
    page.write_text(page.read_text().replace("v1beta2", "v1"))
    fixed = run(site, "properdocs", "build", "--strict")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    html = (site.root / "site" / "podinfo" / "index.html").read_text()
    assert "kind: Namespace" in html or "Namespace" in html


def test_every_command_finds_a_properdocs_yml(tmp_path) -> None:
    site = properdocs_site(tmp_path, "properdocs.yml")
    assert not (site.root / "mkdocs.yml").exists()
    checked = run(site, "mkdocs_recipes", "check")
    assert checked.returncode == 1 and "[flux-api-not-served]" in checked.stdout, (
        checked.stdout + checked.stderr
    )
    exported = run(site, "mkdocs_recipes", "export", "--out", "cluster")
    assert "no such file" not in exported.stderr and "wrote" in exported.stdout, (
        exported.stdout + exported.stderr
    )
    renovated = run(site, "mkdocs_recipes", "renovate")
    assert renovated.returncode == 0 and "helm_chart_version" in renovated.stdout
    # The first of properdocs.yml, properdocs.yaml, mkdocs.yml, mkdocs.yaml wins.
    (site.root / "mkdocs.yml").write_text("site_name: [broken\n")
    assert run(site, "mkdocs_recipes", "check").returncode == 1
    (site.root / "properdocs.yml").unlink()
    broken = run(site, "mkdocs_recipes", "check")
    assert broken.returncode == 2 and "mkdocs.yml" in broken.stderr


def test_a_folder_without_a_configuration_names_what_it_looked_for(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs_recipes", "check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "properdocs.yml" in done.stderr and "mkdocs.yaml" in done.stderr


#: A hook module records which engine's modules loaded the configuration.
ENGINE_HOOK = """\
import sys
from pathlib import Path

Path("engine.txt").write_text(sys.modules["mkdocs"].__name__)
"""


@pytest.mark.parametrize(
    ("name", "engine"), [("properdocs.yml", "properdocs"), ("mkdocs.yml", "mkdocs")]
)
def test_commands_load_a_properdocs_site_through_properdocs(tmp_path, name, engine) -> None:
    """The commands read a `properdocs.yml` site with ProperDocs' modules, as `properdocs
    build` does, and a `mkdocs.yml` site with MkDocs'."""
    site = properdocs_site(tmp_path, name)
    config = site.root / name
    config.write_text(config.read_text() + "hooks:\n  - engine_hook.py\n")
    (site.root / "engine_hook.py").write_text(ENGINE_HOOK)
    for command in (("check", "--no-cache"), ("lock",), ("export", "--out", "cluster")):
        (site.root / "engine.txt").unlink(missing_ok=True)
        done = run(site, "mkdocs_recipes", *command)
        assert done.returncode in (0, 1), done.stdout + done.stderr
        assert (site.root / "engine.txt").read_text() == engine, command


def test_the_plugin_declares_properdocs_support_as_properdocs_asks(tmp_path) -> None:
    """Under the `mkdocs` command with ProperDocs installed, ProperDocs' own suggestion is
    printed once (the plugin calls `properdocs.replacement_warning.setup()`); never under
    `properdocs`, never under the project's own commands, and silenced as ProperDocs says."""
    import os

    site = properdocs_site(tmp_path, "mkdocs.yml")
    page = site.root / "docs" / "podinfo.md"
    page.write_text(page.read_text().replace("v1beta2", "v1"))
    plain = {k: v for k, v in os.environ.items() if k != "DISABLE_MKDOCS_2_WARNING"}

    def stderr(*command: str, **env: str) -> str:
        done = subprocess.run(
            list(command),
            cwd=site.root,
            capture_output=True,
            text=True,
            env={**plain, "MKDOCS_RECIPES_OFFLINE": "1", **env},
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stderr

    bin_dir = os.path.dirname(sys.executable)
    banner = "properdocs.org"
    assert stderr(os.path.join(bin_dir, "mkdocs"), "build").count(banner) == 1
    assert banner not in stderr(os.path.join(bin_dir, "properdocs"), "build")
    assert banner not in stderr(os.path.join(bin_dir, "mkdocs-recipes"), "check")
    silenced = stderr(os.path.join(bin_dir, "mkdocs"), "build", DISABLE_MKDOCS_2_WARNING="true")
    assert banner not in silenced
