"""The installed package: entry points, command line, and documented finding codes."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from mkdocs_recipes import CODES, __version__
from support.paths import ROOT


def test_plugin_entry_point_is_registered() -> None:
    (plugin,) = [e for e in entry_points(group="mkdocs.plugins") if e.name == "recipes"]
    assert plugin.load().__name__ == "RecipesPlugin"


def test_command_line_reports_its_version() -> None:
    # The console script is installed beside the interpreter running the tests.
    script = str(Path(sys.executable).parent / "mkdocs-recipes")
    for command in ([script], [sys.executable, "-m", "mkdocs_recipes"]):
        done = subprocess.run([*command, "--version"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert __version__ in done.stdout


def test_every_code_is_documented_with_its_severity() -> None:
    table = (ROOT / "docs" / "reference" / "codes.md").read_text()
    documented = dict(re.findall(r"^\| `([a-z-]+)` \| (\w+) \|", table, flags=re.M))
    assert documented == {name: code.severity.value for name, code in CODES.items()}
