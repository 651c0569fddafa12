"""The `recipes` options as the engine reads them.

Where they come from is the front end's business: the MkDocs plugin's options under
`plugins:` (`config.RecipesConfig`, which validates them), or the pluglet's, read from
`extra.recipes` into the same class. The engine only reads them, through this protocol,
so that nothing in `site/` depends on MkDocs' configuration classes.
"""

from __future__ import annotations

from collections.abc import ItemsView
from typing import Any, Protocol


class SiteOptions(Protocol):
    """Every option `docs/guide/install.md` lists, validated (see `config.RecipesConfig`
    for what each means)."""

    @property
    def enabled(self) -> bool: ...
    @property
    def resolve_charts(self) -> bool: ...
    @property
    def offline(self) -> bool: ...
    @property
    def check_values_url(self) -> bool: ...
    @property
    def cache(self) -> bool: ...
    @property
    def cache_dir(self) -> str | None: ...
    @property
    def lockfile(self) -> str: ...
    @property
    def index_ttl(self) -> int: ...
    @property
    def mirrors(self) -> dict[Any, Any]: ...
    @property
    def helm_version(self) -> int: ...
    @property
    def flux(self) -> dict[Any, Any]: ...
    @property
    def show_findings(self) -> str: ...
    @property
    def severities(self) -> dict[Any, Any]: ...
    @property
    def baseline(self) -> str: ...

    def items(self) -> ItemsView[str, Any]:
        """Every option and its value (what a cached resolver is keyed by)."""
        ...
