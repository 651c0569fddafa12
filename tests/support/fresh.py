"""Fresh virtual environments with the project installed from its wheel, as the README
says, and whatever else a test names (a theme, an engine): nothing from the test venv."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

from .paths import ROOT

_LEFT_OUT = shutil.ignore_patterns(".venv", ".git", "dist", "__pycache__", ".*cache")


def _left_out(folder: str, names: list[str]) -> set[str]:
    """What a copy of the checkout leaves out: the virtual environment, Git, caches, and
    the docs site's build output (`site/` beside mkdocs.yml, not the package's `site/`)."""
    skipped = set(_LEFT_OUT(folder, names))
    if Path(folder) == ROOT and "site" in names:
        skipped.add("site")
    return skipped


def copy_checkout(destination: Path) -> Path:
    """The checkout copied to `destination`, as a release or an install builds it."""
    shutil.copytree(ROOT, destination, ignore=_left_out)
    return destination


def build_wheel(folder: Path) -> Path:
    """The project's wheel, built from a copy of the checkout (no .venv, no caches)."""
    source = copy_checkout(folder / "source")
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(folder / "dist"), "."], source
    )
    (wheel,) = (folder / "dist").glob("mkdocs_recipes-*.whl")
    return wheel


def fresh_venv(folder: Path, *packages: str) -> Path:
    """A new virtual environment in `folder` with `packages` installed; its bin folder."""
    venv.EnvBuilder(with_pip=True).create(folder)
    run([str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", *packages], folder)
    return folder / "bin"


def run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )
    if check:
        assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return done
