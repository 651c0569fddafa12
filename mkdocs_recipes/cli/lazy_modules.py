"""Modules that a command's own process loads on first use rather than when imported.

mkdocs-macros imports `requests` when it starts, for the one helper that asks PyPI
whether a package exists. `requests` brings urllib3, http.client, ssl, http.cookiejar and
charset_normalizer with it: about 0.23 G instructions, a sixth of everything a `check`
imports, for a module a check never calls. Only `mkdocs-recipes` commands defer it, in
their own process; `mkdocs build` and `mkdocs serve` import as they always did.

`importlib.util.LazyLoader` cannot do this (tried on Python 3.11, 3.12 and 3.13): an
`import` statement reads the module's `__spec__` to see whether it is still initialising,
and any attribute read loads a lazy module, so the `import requests` of mkdocs-macros
would load it at once. Here `__spec__` and `__name__`, which the import system reads, are
answered without loading; every other read, write or deletion loads the module first.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import types
from typing import Any

_LOADING = threading.RLock()
# What the import system reads of a module found in sys.modules.
_READ_BY_IMPORT = frozenset({"__spec__", "__name__", "__class__"})


class _Deferred(types.ModuleType):
    """A module whose code has not run yet: it runs on the first use of the module."""

    def __getattribute__(self, name: str) -> Any:
        if name in _READ_BY_IMPORT:
            return super().__getattribute__(name)
        _load(self)
        return getattr(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        _load(self)
        setattr(self, name, value)

    def __delattr__(self, name: str) -> None:
        _load(self)
        delattr(self, name)


def _load(module: types.ModuleType) -> None:
    """Run the module's code, as its import would have; a failure leaves it out of
    sys.modules, as a failed import does, and is raised to the code that used it."""
    with _LOADING:
        if type(module) is not _Deferred:
            return  # another thread loaded it meanwhile
        spec = object.__getattribute__(module, "__spec__")
        object.__setattr__(module, "__class__", types.ModuleType)
        spec._initializing = True
        try:
            spec.loader.exec_module(module)
        except BaseException:
            if sys.modules.get(spec.name) is module:
                del sys.modules[spec.name]
            raise
        finally:
            spec._initializing = False


def defer(name: str) -> bool:
    """Make `import name` give a module whose code runs when it is first used: an
    attribute read, `from name import x`, or the import of one of its submodules. Code
    that uses it sees no difference. Nothing is done for a submodule (`a.b`: its import
    would also have to bind it in its package), nor when the module is already imported,
    cannot be found or has no plain loader; whether it was deferred is returned."""
    if "." in name or name in sys.modules:
        return False
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
        return False
    module = importlib.util.module_from_spec(spec)
    module.__class__ = _Deferred
    sys.modules[name] = module
    return True
