"""A Helm repository's `index.yaml`: which charts and versions it publishes, and where."""

from __future__ import annotations

import re
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

import yaml

from ..base.yaml_limits import YamlTooLarge, load_bounded

#: Values an index may hold: the largest public ones have a few million.
MAX_INDEX_NODES = 20_000_000

# Every scalar is read as the string it is written as: a version published as `1.10`
# stays "1.10" (a YAML 1.1 reader would make it the number 1.1). libyaml when available.
try:
    from yaml import CBaseLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import BaseLoader as _Loader  # type: ignore[assignment]


_SHA256 = re.compile(r"(sha256:)?[0-9a-fA-F]{64}")


class IndexFormatError(ValueError):
    """An index that is not a Helm repository index."""


class ChartVersion(NamedTuple):
    """One published version of a chart, as the index lists it."""

    name: str
    version: str
    digest: str | None
    urls: tuple[str, ...]


class RepositoryIndex(NamedTuple):
    """The charts of one repository. Entries keep the index's order; duplicates keep the first."""

    url: str
    charts: dict[str, dict[str, ChartVersion]]

    @classmethod
    def parse(cls, body: bytes, url: str) -> RepositoryIndex:
        try:
            data = load_bounded(body, _Loader, max_nodes=MAX_INDEX_NODES)
        except YamlTooLarge as error:
            raise IndexFormatError(f"index.yaml is not read: {error.problem}") from None
        except yaml.YAMLError as error:
            raise IndexFormatError(f"index.yaml is not valid YAML ({error})") from None
        if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
            raise IndexFormatError(
                "index.yaml has no `entries` mapping; is this a Helm repository?"
            )
        return cls.from_compact(url, _compact(data["entries"]))

    @classmethod
    def from_compact(cls, url: str, compact: dict[str, list[list[Any]]]) -> RepositoryIndex:
        charts: dict[str, dict[str, ChartVersion]] = {}
        for name, rows in compact.items():
            versions: dict[str, ChartVersion] = {}
            for version, digest, urls in rows:
                versions.setdefault(version, ChartVersion(name, version, digest, tuple(urls)))
            charts[name] = versions
        return cls(url, charts)

    def to_compact(self) -> dict[str, list[list[Any]]]:
        """Just what resolution needs, as JSON-friendly data (for the cache)."""
        return {
            name: [[v.version, v.digest, list(v.urls)] for v in versions.values()]
            for name, versions in self.charts.items()
        }

    def versions(self, chart: str) -> list[str]:
        return list(self.charts.get(chart, {}))

    def get(self, chart: str, version: str) -> ChartVersion | None:
        return self.charts.get(chart, {}).get(version)

    def archive_url(self, entry: ChartVersion) -> str:
        """The absolute URL of an entry's archive; relative URLs are relative to the index."""
        if not entry.urls:
            raise IndexFormatError(f"{entry.name} {entry.version} lists no download URL")
        target = entry.urls[0]
        try:
            scheme = urlsplit(target).scheme.lower()
        except ValueError:
            raise IndexFormatError(
                f"{entry.name} {entry.version} has a malformed download URL"
            ) from None
        if scheme:
            if scheme not in ("http", "https", "oci"):
                # An index is remote data: it never names a local file (only a mirror in
                # mkdocs.yml does), nor any other scheme.
                raise IndexFormatError(
                    f"{entry.name} {entry.version} names a {scheme}: download URL, which is "
                    "not fetched (only http, https and oci; local folders only through a "
                    "mirror in mkdocs.yml)"
                )
            return target
        base = self.url if self.url.endswith("/") else self.url + "/"
        # urljoin only joins schemes it knows; an oci:// base (mirrored to a folder) too.
        scheme, _, rest = base.partition("://")
        joined = urljoin("http://" + rest, target)
        return f"{scheme}://{joined.removeprefix('http://')}"


def _compact(entries: dict[Any, Any]) -> dict[str, list[list[Any]]]:
    compact: dict[str, list[list[Any]]] = {}
    for name, items in entries.items():
        if not isinstance(items, list):
            continue
        rows = []
        for item in items:
            if not isinstance(item, dict) or item.get("version") is None:
                continue
            urls = item.get("urls") or []
            digest = item.get("digest")
            if not isinstance(digest, str) or not _SHA256.fullmatch(digest.strip()):
                digest = None  # absent, null, or not a sha256: the archive is not verified
            rows.append(
                [
                    str(item["version"]),
                    str(digest) if digest else None,
                    [str(u) for u in urls if isinstance(u, str)],
                ]
            )
        compact[str(name)] = rows
    return compact
