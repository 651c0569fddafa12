"""Repository mirrors: URL prefixes mapped to another URL or to a folder on disk."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit


class Mirror(NamedTuple):
    """Requests for URLs starting with `prefix` go to `target` instead."""

    prefix: str
    target: str

    @classmethod
    def parse(cls, prefix: str, target: str, base_dir: Path) -> Mirror:
        """`target` is a URL (http, https, oci, file) or a folder, relative to `base_dir`."""
        if urlsplit(target).scheme in ("http", "https", "oci", "file"):
            return cls(_slash(prefix), _slash(target))
        folder = (base_dir / target).resolve()
        return cls(_slash(prefix), _slash(folder.as_uri()))


def _slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def matching_mirror(url: str, mirrors: tuple[Mirror, ...]) -> Mirror | None:
    """The mirror with the longest prefix that `url` starts with (as a path: `a/b` matches
    the prefix `a/b/` and `a/`, never `a/bc/`)."""
    candidate = url if url.endswith("/") else url + "/"
    best = None
    for mirror in mirrors:
        if candidate.startswith(mirror.prefix) and (
            best is None or len(mirror.prefix) > len(best.prefix)
        ):
            best = mirror
    return best


def apply_mirrors(url: str, mirrors: tuple[Mirror, ...]) -> str:
    """`url` rewritten by the longest matching mirror prefix (unchanged if none matches)."""
    candidate = url if url.endswith("/") else url + "/"
    best = matching_mirror(url, mirrors)
    if best is None:
        return url
    rewritten = best.target + candidate[len(best.prefix) :]
    return rewritten if url.endswith("/") else rewritten[:-1]
