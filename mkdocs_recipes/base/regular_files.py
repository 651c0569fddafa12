"""A user's file read as data (a GitOps manifest, a CRD file, the baseline): only a
regular file, reached without a symbolic link, within a size limit.

Checking the path first (`stat`) is not enough: `stat` follows a link, so a link to
`/dev/zero` is a file of 0 bytes that never ends, and the file can change between the
look and the read. So the file is opened first, without following a link and without
waiting on a named pipe, and what was opened is examined (`fstat`); at most `limit + 1`
bytes are read whatever it claims to be.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotARegularFile(OSError):
    """The path is a link, a device, a pipe or a folder, or is larger than allowed; the
    message says which, for a finding or a warning."""


def read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path` (`NotARegularFile`, or the `OSError` of
    opening it)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if os.path.islink(path):
            raise NotARegularFile(f"{path}: a symbolic link; only regular files are read") from None
        raise error
    with os.fdopen(descriptor, "rb") as handle:
        mode = os.fstat(handle.fileno())
        if not stat.S_ISREG(mode.st_mode):
            raise NotARegularFile(f"{path}: not a regular file (a device, a pipe or a folder)")
        if mode.st_size > limit:
            raise NotARegularFile(f"{path}: larger than {_size(limit)}")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise NotARegularFile(f"{path}: larger than {_size(limit)}")
    return data


def read_text(path: Path, limit: int, encoding: str = "utf-8-sig") -> str:
    """`read_bytes` decoded (`UnicodeDecodeError` when it is not text)."""
    return read_bytes(path, limit).decode(encoding)


def _size(limit: int) -> str:
    return f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit} bytes"
