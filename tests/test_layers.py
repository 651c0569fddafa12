"""The package's layers (ARCHITECTURE.md): imports run one way, and the map is current."""

from __future__ import annotations

import importlib
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_folder_imports_one_above_it() -> None:
    """import-linter's layers contract (pyproject.toml), over every import in the package:
    function-level and type-checking ones too. `exhaustive`: a new folder or top-level
    module fails it until it is given its layer."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


def test_nothing_below_imports_the_package_face() -> None:
    """`mkdocs_recipes/__init__.py` is what users import (and the pluglet mkdocs-macros
    loads); no module of the package imports it (the version lives in `_version`)."""
    import grimp

    graph = grimp.build_graph("mkdocs_recipes", cache_dir=None)
    assert graph.find_modules_that_directly_import("mkdocs_recipes") == set()


def test_the_architecture_picture_is_the_codes() -> None:
    picture = runpy.run_path(str(ROOT / "scripts" / "architecture_picture.py"))
    document = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert picture["current"](document) == document, (
        "run `.venv/bin/python scripts/architecture_picture.py --write`"
    )


def test_the_fixed_import_paths_still_work() -> None:
    """What users and the tools they run name: the plugin class, the console script's
    function, the pluglet's hooks and the package's public names."""
    assert importlib.import_module("mkdocs_recipes.plugin").RecipesPlugin.__name__ == (
        "RecipesPlugin"
    )
    assert callable(importlib.import_module("mkdocs_recipes.cli").main)
    package = importlib.import_module("mkdocs_recipes")
    for name in package.__all__:
        assert getattr(package, name) is not None, name
    assert callable(package.define_env) and callable(package.on_pre_page_macros)
