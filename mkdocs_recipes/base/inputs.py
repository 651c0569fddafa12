"""What a run read: every file opened, every folder listed, and the paths looked for and
not found, recorded while it runs.

`mkdocs-recipes check` keeps its result for as long as none of these changes. The list
is not a guess at what MkDocs, mkdocs-macros and the site's other plugins read: Python
tells us (its audit events `open`, `os.listdir` and `os.scandir`, PEP 578), so a plugin
reading a file of its own (awesome-pages' `.pages`, a macros module, an `INHERIT`ed
configuration) is on the list like any page. A lookup that finds nothing (`is_file()` on
each snippet folder in turn) raises no event: the code that looks tells `probed`.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Recorded:
    """Paths as absolute strings."""

    files: set[str] = field(default_factory=set)
    folders: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)
    #: The thread whose reads are recorded (the one that started recording: a server or
    #: a download in another thread is not what the site reads).
    thread: int = field(default_factory=threading.get_ident)

    def copy(self) -> Recorded:
        return Recorded(set(self.files), set(self.folders), set(self.missing), self.thread)


_active: list[Recorded] = []
_installed = False
_LISTING = ("os.listdir", "os.scandir")


def _as_path(value: object) -> str | None:
    if isinstance(value, int) or value is None:
        return None  # a file descriptor: its file was recorded when it was opened
    try:
        path = os.fsdecode(value)  # type: ignore[arg-type]
    except TypeError:
        return None
    return os.path.abspath(path) if path else None


def _hook(event: str, arguments: tuple[object, ...]) -> None:
    if not _active or _active[-1].thread != threading.get_ident():
        return
    if event == "open":
        path = _as_path(arguments[0])
        if path is not None:
            _active[-1].files.add(path)
    elif event in _LISTING:
        path = _as_path(arguments[0] if arguments else ".")
        if path is not None:
            _active[-1].folders.add(path)


@contextmanager
def recording() -> Iterator[Recorded]:
    """Record what is read inside the `with` block (recordings nest; the innermost one
    receives)."""
    global _installed
    if not _installed:
        # A hook cannot be removed again: outside a recording it returns at once.
        sys.addaudithook(_hook)
        _installed = True
    recorded = Recorded()
    _active.append(recorded)
    try:
        yield recorded
    finally:
        _active.remove(recorded)


def probed(path: os.PathLike[str] | str) -> None:
    """`path` was looked for and is not there (what a later file there would change)."""
    if _active and _active[-1].thread == threading.get_ident():
        _active[-1].missing.add(os.path.abspath(os.fspath(path)))
