"""Writing files: in one step (`atomic_write`, also for the cache), and into a folder that
is the user's (an include_dir, a GitOps repository).

Nothing there is replaced without being asked: a file that differs from ours is theirs.
Nothing is written through a symbolic link or into a device, and nothing outside the
folder; a file is replaced in one step (`atomic_write`), so an interrupted run leaves
either the old file or the new one.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from .plain_text import visible
from .regular_files import NotARegularFile, read_bytes

#: Largest file read back to compare with ours (ours are a few kilobytes).
MAX_COMPARED_BYTES = 4 * 1024 * 1024

WROTE, UNCHANGED, KEPT, REPLACED, REFUSED = "wrote", "unchanged", "kept", "replaced", "refused"


class Outcome(NamedTuple):
    """What happened to one file: one of the constants above, and why for `refused`."""

    status: str
    path: Path
    reason: str = ""


def not_a_file(path: Path) -> str | None:
    """What `path` is when it exists and is not a regular file (a link, a device...)."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"cannot be examined ({error.strerror})"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    return "a device or socket"


def read_small_text(path: Path, limit: int = MAX_COMPARED_BYTES) -> str:
    """A regular file's text, read within `limit` ("" when it is larger: it differs)."""
    try:
        return read_bytes(path, limit).decode("utf-8")
    except NotARegularFile:
        return ""


def inside(folder: Path, relative: str) -> Path | None:
    """`folder / relative`, or None when it would lead out of `folder` (`..`, a link) or
    into a hidden file or folder of it (`.git/config`, `.github/`: never ours to write)."""
    parts = [part for part in relative.split("/") if part]
    if not parts or any(part.startswith(".") or "\0" in part for part in parts):
        return None
    target = folder / relative.lstrip("/")
    try:
        resolved_folder = folder.resolve()
        resolved = Path(os.path.normpath(target.parent.resolve() / target.name))
    except (OSError, RuntimeError):
        return None
    if not resolved.is_relative_to(resolved_folder) or resolved == resolved_folder:
        return None
    return target


def current_text(target: Path) -> tuple[str | None, str | None]:
    """(the text now at `target` or None when there is none, why it cannot be written)."""
    kind = not_a_file(target)
    if kind is not None:
        return None, f"{kind}; only regular files are written"
    if not target.exists():
        return None, None
    try:
        return read_small_text(target), None
    except (OSError, UnicodeDecodeError):
        return "", None  # not ours to read: it differs


def write_text(
    target: Path,
    text: str,
    *,
    force: bool,
    dry_run: bool = False,
    ours: Callable[[str], bool] | None = None,
) -> Outcome:
    """Write `text` at `target` unless a different file is there (`force` replaces it,
    when `ours` is not given or says the file there is one of ours, edited). `dry_run`
    decides the outcome without writing anything."""
    current, refusal = current_text(target)
    if refusal is not None:
        return Outcome(REFUSED, target, refusal)
    if current == text:
        return Outcome(UNCHANGED, target)
    if current is not None and not force:
        return Outcome(KEPT, target)
    if current is not None and ours is not None and not ours(current):
        return Outcome(REFUSED, target, "not a file of ours: not replaced, even with --force")
    if not dry_run:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, text.encode("utf-8"), mode=0o644)
    return Outcome(REPLACED if current is not None else WROTE, target)


def split_lines(text: str) -> list[str]:
    """`text`'s lines with their ends, broken at `\\n` only, as findings count lines
    (`str.splitlines` also breaks at form feeds, `\\x1c`-`\\x1e`, `\\x85`, U+2028...)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def unified_diff(before: str | None, after: str, name: str) -> str:
    """A unified diff of one file (`before` None: a new file, against /dev/null)."""
    return "".join(
        difflib.unified_diff(
            split_lines(before or ""),
            split_lines(after),
            fromfile=f"a/{visible(name)}" if before is not None else "/dev/null",
            tofile=f"b/{visible(name)}",
        )
    )


def outcome_line(outcome: Outcome, kept: str) -> str:
    """How a command reports what happened to a file (`kept`: why it was kept)."""
    if outcome.status == REFUSED:
        return f"refused   {outcome.path} ({outcome.reason})"
    if outcome.status == KEPT:
        return f"kept      {outcome.path} ({kept})"
    return f"{outcome.status:<9} {outcome.path}"


def atomic_write(path: Path, data: bytes, mode: int | None = None) -> None:
    """`data` into `path` through a temporary file beside it and a rename: a reader never
    sees half a file, and a link put at `path` is replaced, not followed. `mode`: the
    file's permissions (mkstemp makes 0600, right for the cache)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
