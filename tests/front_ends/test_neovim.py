"""A real editor: headless Neovim (Debian's `neovim`) with its built-in LSP client runs
`mkdocs-recipes lsp` on a recipe page, types a typo, and reads back the diagnostic, the
completion items at a cursor and the hover text (tests/front_ends/neovim_lsp.lua)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.editor import RECIPE
from support.site import Site

pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).with_name("neovim_lsp.lua")


def test_neovim_shows_the_diagnostic_completion_and_hover(site: Site, tmp_path: Path) -> None:
    nvim = shutil.which("nvim")
    assert nvim, "Neovim is missing: scripts/test installs Debian's neovim"
    site.page("index.md", "# Home\n")
    page = site.page("proxy.md", RECIPE)
    site.write_config()
    out = tmp_path / "seen.json"
    done = subprocess.run(
        [nvim, "--headless", "--clean", "-n", "-c", f"luafile {SCRIPT}"],
        cwd=site.root,
        env={
            **os.environ,
            "RECIPES_PAGE": str(page),
            "RECIPES_OUT": str(out),
            "RECIPES_LSP_CMD": json.dumps([sys.executable, "-m", "mkdocs_recipes", "lsp"]),
        },
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.is_file(), done.stdout + done.stderr
    seen = json.loads(out.read_text())
    assert "error" not in seen, seen
    assert seen["steps"] == ["attached", "hover", "diagnostics", "completion"]

    assert "**`ingress`** in oauth2-proxy 10.7.0" in seen["hover"]

    (diagnostic,) = seen["diagnostics"]
    line = RECIPE.split("\n").index("    replicaCount: 2")
    assert (diagnostic["lnum"], diagnostic["col"]) == (line, 4)
    assert diagnostic["end_col"] == 4 + len("replicaCont")
    assert diagnostic["code"] == "values-unknown-key"
    assert diagnostic["severity"] == 1  # vim.diagnostic.severity.ERROR
    assert "`replicaCont` is not a key" in diagnostic["message"]

    assert {"className", "hosts", "pathType"} <= set(seen["completion"])
    assert "replicaCount" not in seen["completion"]  # another level's
    assert "enabled" not in seen["completion"]  # already written under `ingress:`
