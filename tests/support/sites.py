"""Test sites kept in tests/ (a corpus, a site with planted defects): copied to a temporary
folder with the chart server's address filled in, and commands run on them; and this
project's own docs site, as the plugin or the pluglet (Zensical) builds it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from .paths import ROOT


def copy_site(source: Path, destination: Path, chart_server_url: str) -> Path:
    """`source` copied to `destination`, `CHART_SERVER` in its mkdocs.yml replaced."""
    shutil.copytree(
        source, destination, ignore=shutil.ignore_patterns("expected.yaml", "README.md")
    )
    config = destination / "mkdocs.yml"
    config.write_text(config.read_text().replace("CHART_SERVER", chart_server_url))
    return destination


def run_module(cwd: Path, *arguments: str) -> subprocess.CompletedProcess:
    """`python -m <arguments>` in `cwd`, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def run_ok(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run `command` in `cwd` with exactly `env`; it must succeed. Returns its output."""
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900, env=env)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def docs_site(folder: Path) -> Path:
    """This project's own docs site (its example recipes resolve offline)."""
    folder.mkdir(parents=True)
    for name in ("docs", "includes", "examples"):
        shutil.copytree(ROOT / name, folder / name)
    for name in ("mkdocs.yml", "recipes.lock"):
        shutil.copy(ROOT / name, folder / name)
    return folder


def as_pluglet_site(folder: Path) -> Path:
    """The same site with the pluglet instead of the plugin; options under extra.recipes."""
    config = yaml.safe_load((folder / "mkdocs.yml").read_text())
    plugins = []
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "recipes" in plugin:
            config.setdefault("extra", {})["recipes"] = plugin["recipes"]
            continue
        if isinstance(plugin, dict) and "macros" in plugin:
            plugin["macros"]["modules"] = ["mkdocs_recipes"]
        plugins.append(plugin)
    config["plugins"] = plugins
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return folder
