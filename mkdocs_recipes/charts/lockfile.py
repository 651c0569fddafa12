"""`recipes.lock`: the exact chart version and digest each recipe's constraint resolved to.

Written only by `mkdocs-recipes lock`; builds read it so that they are reproducible and
can run offline once the charts are cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import yaml

LOCK_FORMAT = 1
_HEADER = (
    "# Chart versions for the recipes of this site, written by `mkdocs-recipes lock`.\n"
    "# Commit this file. Refresh it with `mkdocs-recipes lock --update`.\n"
)


class LockfileError(ValueError):
    """A lockfile that cannot be read; the message names the file and line."""


class ChartKey(NamedTuple):
    """What a recipe asks for: a repository, a chart, a version constraint."""

    repository: str
    chart: str
    constraint: str


class LockEntry(NamedTuple):
    key: ChartKey
    version: str
    digest: str
    url: str


@dataclass
class Lockfile:
    path: Path
    entries: dict[ChartKey, LockEntry] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Lockfile:
        """Read `path`; a missing file is an empty lockfile."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except OSError as error:
            raise LockfileError(f"{path}: cannot be read ({error.strerror})") from None
        try:
            data = yaml.safe_load(text)
        except yaml.MarkedYAMLError as error:
            line = error.problem_mark.line + 1 if error.problem_mark else 1
            raise LockfileError(
                f"{path}:{line}: not valid YAML ({error.problem}); "
                "fix it or delete it and run `mkdocs-recipes lock`"
            ) from None
        if data is None:
            return cls(path)
        if not isinstance(data, dict) or data.get("version") != LOCK_FORMAT:
            raise LockfileError(
                f"{path}:1: not a version {LOCK_FORMAT} recipes lockfile; "
                "delete it and run `mkdocs-recipes lock`"
            )
        from .cache import valid_digest  # (a site without a lockfile never loads it)

        entries = {}
        for number, item in enumerate(data.get("charts") or [], start=1):
            try:
                key = ChartKey(str(item["repository"]), str(item["chart"]), str(item["constraint"]))
                entry = LockEntry(key, str(item["version"]), str(item["digest"]), str(item["url"]))
            except (KeyError, TypeError):
                raise LockfileError(
                    f"{path}: chart entry {number} lacks repository, chart, constraint, "
                    "version, digest or url; run `mkdocs-recipes lock --update`"
                ) from None
            if not valid_digest(entry.digest):
                raise LockfileError(
                    f"{path}: chart entry {number} ({entry.key.chart}) has the digest "
                    f"{entry.digest[:80]!r}, which is not `sha256:` and 64 hex digits; run "
                    "`mkdocs-recipes lock --update`"
                )
            if urlsplit(entry.url).scheme not in ("http", "https", "oci"):
                raise LockfileError(
                    f"{path}: chart entry {number} ({entry.key.chart}) has the URL "
                    f"{entry.url[:80]!r}; a lockfile names http(s) or oci URLs only (local "
                    "folders come from mirrors in mkdocs.yml)"
                )
            entries[key] = entry
        return cls(path, entries)

    def get(self, key: ChartKey) -> LockEntry | None:
        return self.entries.get(key)

    def render(self) -> str:
        charts = [
            {
                "repository": e.key.repository,
                "chart": e.key.chart,
                "constraint": e.key.constraint,
                "version": e.version,
                "digest": e.digest,
                "url": e.url,
            }
            for _, e in sorted(self.entries.items())
        ]
        body = yaml.safe_dump(
            {"version": LOCK_FORMAT, "charts": charts}, sort_keys=False, width=2**31 - 1
        )
        return _HEADER + body

    def save(self) -> None:
        """Write the lockfile atomically, readable by all: it is meant to be committed and
        read by every build."""
        from ..base.writing import atomic_write

        atomic_write(self.path, self.render().encode("utf-8"), mode=0o644)
