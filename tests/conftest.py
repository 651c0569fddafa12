from __future__ import annotations

import pytest

from support.paths import SEED_RECIPE, SHARED
from support.site import Site


def pytest_sessionstart(session: pytest.Session) -> None:
    if not (SHARED / "flux-crds").is_dir():
        raise pytest.UsageError(
            f"test data not found at {SHARED}: lay ../shared beside the checkout "
            "or set MKDOCS_RECIPES_SHARED"
        )


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(tmp_path)


@pytest.fixture
def seed_text() -> str:
    return SEED_RECIPE.read_text(encoding="utf-8")
