"""The `recipes` plugin's options, as written under `plugins:` in mkdocs.yml."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as opt


class RecipesConfig(base.Config):
    """Options of the `recipes` plugin."""

    enabled = opt.Type(bool, default=True)
    """Turn the plugin off (for example `enabled: !ENV [RECIPES, true]`); pages then
    render without the recipe macros and nothing is checked."""
