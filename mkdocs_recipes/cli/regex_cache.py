"""Regular expressions compiled once per machine, not once per `mkdocs-recipes` command.

A `check` loads MkDocs, Markdown and its extensions, Jinja, PyYAML and mkdocs-macros, and
their modules compile about 300 regular expressions when they are imported. Python's
`re` compiles each in Python code (its parser and compiler are pure Python), and keeps
the result for the life of the process only: about 0.29 G instructions, a fifth of all
a check of a one-page site does. PyYAML's reader alone holds a character class of the
printable Unicode ranges that costs 0.06 G to compile.

CPython compiles a pattern in two steps: the pattern text becomes a list of opcodes
(`_parser.parse` then `_compiler._code`, the slow part), and `_sre.compile` turns the
opcodes into the pattern object (fast; it validates the opcodes first). `kept()` keeps
the opcodes of every pattern a command compiled in a JSON file of the user's cache
folder, per Python build, and gives the next command its patterns from them: the same
pattern objects, made by the same `_sre.compile` call with the same arguments.

* Only `mkdocs-recipes` commands use it, in their own process, while they run: `mkdocs
  build` and `mkdocs serve` (where the plugin lives in someone else's process), and
  the Python `re` module after the command, are untouched.
* The file names the exact Python build (`sys.version`, the `_sre` magic and code size):
  another one's opcodes are never used. A file that cannot be read or has another shape
  is ignored; one that cannot be written is skipped. Neither stops a command.
* Patterns compiled with `re.DEBUG` or `re.LOCALE`, and anything but a `str` or `bytes`
  pattern, are compiled as `re` compiles them. A pattern `re` rejects is compiled by
  `re` itself, which raises its usual error.
* Before it is used, the two-step compilation is tried on a probe pattern and compared
  with `re`'s own: an interpreter whose `re` works otherwise gets no cache.
"""

from __future__ import annotations

import _sre
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# CPython's own compiler, read as the untyped internals they are.
_compiler: Any
_parser: Any
if sys.version_info >= (3, 11):
    from re import _compiler, _parser
else:  # pragma: no cover - Python 3.10
    import sre_compile as _compiler
    import sre_parse as _parser

FORMAT = 1
#: A file holding more patterns than this is started again (programs that compile
#: patterns made from data would otherwise grow it without end).
MAX_PATTERNS = 4000
# re.DEBUG prints the opcodes as it compiles; re.LOCALE reads the locale.
_UNCACHED_FLAGS = 128 | 4

#: The probe `_works` compiles both ways (IGNORECASE | MULTILINE).
PROBE = (r"(?P<key>[\w.-]+)\s*:\s*(?:'([^']*)'|(\S+))?$", 2 | 8)

Entry = tuple[int, list[int], int, dict[str, int], tuple[Any, ...]]


def _build() -> str:
    return f"{sys.version} {_sre.MAGIC} {_sre.CODESIZE} {_sre.MAXREPEAT} {_sre.MAXGROUPS}"


def _opcodes(pattern: str | bytes, flags: int) -> Entry:
    """What `_compiler.compile` hands to `_sre.compile` besides the pattern."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (
        flags | parsed.state.flags,
        list(code),
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def _works() -> bool:
    """Whether the two steps make what `re` makes, on a probe with named groups, flags and
    a character class."""
    probe, flags = PROBE
    try:
        ours = _sre.compile(probe, *_opcodes(probe, flags))
        theirs = _compiler.compile(probe, flags)
    except Exception:
        return False
    text = "a: 1\nKey.Name : 'x y'\n\n"
    return (
        ours.flags == theirs.flags
        and ours.groups == theirs.groups
        and ours.groupindex == theirs.groupindex
        and [m.groups() for m in ours.finditer(text)] == [m.groups() for m in theirs.finditer(text)]
    )


def _key(pattern: str | bytes, flags: int) -> str:
    kind = "b" if isinstance(pattern, bytes) else "s"
    text = pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern
    return f"{kind}{flags}:{text}"


def _read(path: Path) -> dict[str, Entry]:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not (
        isinstance(data, dict)
        and data.get("format") == FORMAT
        and data.get("python") == _build()
        and isinstance(data.get("patterns"), dict)
    ):
        return {}
    kept: dict[str, Entry] = {}
    for key, entry in data["patterns"].items():
        if not (isinstance(entry, list) and len(entry) == 5):
            return {}
        flags, code, groups, groupindex, indexgroup = entry
        if not (
            isinstance(flags, int)
            and isinstance(code, list)
            and isinstance(groups, int)
            and isinstance(groupindex, dict)
            and isinstance(indexgroup, list)
        ):
            return {}
        kept[key] = (flags, code, groups, groupindex, tuple(indexgroup))
    return kept


def _write(path: Path, patterns: dict[str, Entry]) -> None:
    from ..base.writing import atomic_write

    data = {"format": FORMAT, "python": _build(), "patterns": patterns}
    # A folder that cannot be written: the next command compiles them again.
    with contextlib.suppress(OSError):
        atomic_write(path, json.dumps(data, separators=(",", ":")).encode())


def cache_file(folder: Path) -> Path:
    return folder / f"regex-{sys.implementation.cache_tag}.json"


@contextlib.contextmanager
def kept(folder: Path) -> Iterator[None]:
    """Patterns compiled while the block runs come from (and go to) `folder`'s file."""
    if sys.implementation.name != "cpython" or not _works():
        yield
        return
    path = cache_file(folder)
    patterns = _read(path)
    added: dict[str, Entry] = {}
    original = _compiler.compile

    def compile(pattern: Any, flags: int = 0) -> Any:
        if not isinstance(pattern, (str, bytes)) or flags & _UNCACHED_FLAGS:
            return original(pattern, flags)
        key = _key(pattern, flags)
        entry = patterns.get(key)
        if entry is not None:
            try:
                return _sre.compile(pattern, *entry)
            except Exception:
                pass  # opcodes _sre refuses (an edited file): compiled anew below
        try:
            entry = _opcodes(pattern, flags)
            compiled = _sre.compile(pattern, *entry)
        except Exception:
            return original(pattern, flags)  # re's own error for a pattern it rejects
        patterns[key] = added[key] = entry
        return compiled

    _compiler.compile = compile
    try:
        yield
    finally:
        _compiler.compile = original
        if added:
            _write(path, patterns if len(patterns) <= MAX_PATTERNS else added)
