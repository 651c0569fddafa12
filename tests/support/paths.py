"""Where the shared test data lives: ../shared beside the checkout (CI lays it there)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The tests' own folder, where the sites and pages they check live.
TESTS = ROOT / "tests"
SHARED = Path(os.environ.get("MKDOCS_RECIPES_SHARED", ROOT.parent / "shared")).resolve()
SEED_RECIPE = SHARED / "recipes" / "oauth2-proxy.md"
