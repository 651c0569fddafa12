"""Which site engine a site is built with (MkDocs 1.x or ProperDocs, its maintained fork),
so that the commands read its configuration the way its own build does.

ProperDocs runs MkDocs plugins by answering every `mkdocs.*` import with its own module
(`properdocs.replacement`). The commands do the same for a ProperDocs site before they
import anything of MkDocs: its configuration is then loaded by ProperDocs, with the
plugins and themes ProperDocs finds (the `properdocs.plugins` entry points first).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

#: Configuration names only ProperDocs reads.
PROPERDOCS_NAMES = ("properdocs.yml", "properdocs.yaml")
#: A site's configuration file, in the order `properdocs build` looks for one.
CONFIG_NAMES = (*PROPERDOCS_NAMES, "mkdocs.yml", "mkdocs.yaml")


def is_installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def running() -> str:
    """The engine this process's `mkdocs.*` modules are: "ProperDocs" or "MkDocs"."""
    module = sys.modules.get("mkdocs")
    if module is not None and getattr(module, "__name__", "") == "properdocs":
        return "ProperDocs"
    return "MkDocs"


def use_engine_of(config: Path) -> str:
    """Load the site of `config` with its engine from now on: ProperDocs for a
    `properdocs.yml` site when ProperDocs is installed, else MkDocs. Returns its name.
    When MkDocs is already imported in this process (a caller of the library), it stays:
    both read a configuration the same way."""
    wanted = config.name in PROPERDOCS_NAMES and is_installed("properdocs")
    if wanted and "mkdocs" not in sys.modules:
        import properdocs.replacement  # noqa: F401  (aliases mkdocs.* to properdocs.*)
    return running()


def declare_properdocs_support() -> None:
    """Declare that this plugin supports ProperDocs, the way ProperDocs asks plugin
    authors to (`properdocs.replacement_warning.setup()` on import). ProperDocs then
    suggests itself once per `mkdocs` command, on its own terms (silenced by
    `DISABLE_MKDOCS_2_WARNING=true`); without ProperDocs installed, nothing happens and
    nothing is printed."""
    if not is_installed("properdocs"):
        return
    try:
        from properdocs import replacement_warning
    except ImportError:  # an older ProperDocs without it
        return
    setup = getattr(replacement_warning, "setup", None)
    if callable(setup):
        setup()
