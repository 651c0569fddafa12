"""The on-disk cache: repository indexes with a fetch time, chart archives by digest.

Every write goes to a temporary file in the same folder and is renamed into place, so a
reader never sees half a file and two builds writing at once both leave a whole one.
A chart archive is checked against its digest each time it is read; an index entry that
does not parse is treated as absent. Either way a corrupt entry is removed and fetched again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import time
from pathlib import Path
from typing import Any, NamedTuple

import platformdirs

from ..base.writing import atomic_write

CACHE_FORMAT = 1


def default_cache_dir() -> Path:
    """The platform's user cache folder (e.g. ~/.cache/mkdocs-recipes on Linux)."""
    return Path(platformdirs.user_cache_dir("mkdocs-recipes", appauthor=False))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def normalise_digest(digest: str) -> str:
    """`sha256:abc…` or `abc…` -> `abc…` (lower case)."""
    return digest.split(":", 1)[-1].strip().lower()


_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def valid_digest(digest: str) -> bool:
    """Whether `digest` is a sha256 (`sha256:` and 64 hex digits, or the digits alone):
    only such a digest may ever become part of a file name. Another algorithm's prefix
    (`md5:` and 64 hex digits) is not one."""
    text = digest.strip().lower()
    prefix, colon, _ = text.partition(":")
    if colon and prefix != "sha256":
        return False
    return bool(_SHA256_HEX.fullmatch(normalise_digest(text)))


class CachedListing(NamedTuple):
    """An index (or an OCI tag list) as cached: its data and how to revalidate it."""

    data: Any
    fetched_at: float
    etag: str | None = None
    last_modified: str | None = None

    def age(self) -> float:
        return time.time() - self.fetched_at


class ChartCache:
    """Files under `root`: `listings/<key>.json` and `charts/sha256/<hex>.tgz`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # Listings (repository indexes, OCI tag lists) ---------------------------------

    def _listing_path(self, url: str) -> Path:
        key = sha256_hex(url.encode())
        return self.root / "listings" / f"{key}.json"

    def read_listing(self, url: str) -> CachedListing | None:
        path = self._listing_path(url)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("format") != CACHE_FORMAT or raw.get("url") != url:
                raise ValueError("stale format")
            return CachedListing(
                data=raw["data"],
                fetched_at=float(raw["fetched_at"]),
                etag=raw.get("etag"),
                last_modified=raw.get("last_modified"),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            _remove(path)
            return None

    def drop_listing(self, url: str) -> None:
        _remove(self._listing_path(url))

    def write_listing(self, url: str, listing: CachedListing) -> None:
        payload = {
            "format": CACHE_FORMAT,
            "url": url,
            "fetched_at": listing.fetched_at,
            "etag": listing.etag,
            "last_modified": listing.last_modified,
            "data": listing.data,
        }
        atomic_write(self._listing_path(url), json.dumps(payload).encode("utf-8"))

    # Chart archives ---------------------------------------------------------------

    def _chart_path(self, digest: str) -> Path:
        if not valid_digest(digest):
            # A digest from a lockfile or an index names a file: never `../..`.
            raise ValueError(f"not a sha256 digest: {digest[:80]!r}")
        return self.root / "charts" / "sha256" / f"{normalise_digest(digest)}.tgz"

    def read_chart(self, digest: str) -> bytes | None:
        """The archive with this sha256 digest, or None (a corrupt copy is removed)."""
        if not valid_digest(digest):
            return None
        path = self._chart_path(digest)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if sha256_hex(data) != normalise_digest(digest):
            _remove(path)
            return None
        return data

    def write_chart(self, data: bytes) -> str:
        """Store an archive; returns its sha256 hex digest."""
        digest = sha256_hex(data)
        path = self._chart_path(digest)
        if not path.exists():
            atomic_write(path, data)
        return digest


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
