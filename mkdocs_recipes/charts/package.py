"""Build a small Helm chart repository from chart folders (for mirrors on disk).

`package_chart` makes a reproducible .tgz (fixed times and owners, sorted members), as
`helm package` lays it out: everything under a top folder named after the chart.
`write_repository` packages folders and writes the `index.yaml` that lists them.
"""

from __future__ import annotations

import gzip
import io
import re
import tarfile
from pathlib import Path
from typing import NamedTuple

import yaml

from .cache import sha256_hex


class PackagedChart(NamedTuple):
    name: str
    version: str
    app_version: str | None
    data: bytes

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.version}.tgz"

    @property
    def digest(self) -> str:
        return sha256_hex(self.data)


def package_chart(
    folder: Path, nested: tuple[str, ...] = (), version: str | None = None
) -> PackagedChart:
    """Package the chart in `folder`. Subchart folders named in `nested` under `charts/`
    are packaged as archives of their own, the rest are kept as folders. `version`
    replaces the one in Chart.yaml (as `helm package --version` does)."""
    chart_yaml = (folder / "Chart.yaml").read_text(encoding="utf-8")
    if version is not None:
        chart_yaml = re.sub(r"(?m)^version:.*$", f"version: {version}", chart_yaml)
    meta = yaml.safe_load(chart_yaml)
    nested = tuple(sub for sub in nested if (folder / "charts" / sub / "Chart.yaml").exists())
    name, version = str(meta["name"]), str(meta["version"])
    members: dict[str, bytes] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        parts = relative.split("/")
        if len(parts) > 2 and parts[0] == "charts" and parts[1] in nested:
            continue
        members[f"{name}/{relative}"] = (
            chart_yaml.encode("utf-8") if relative == "Chart.yaml" else path.read_bytes()
        )
    for sub in nested:
        packaged = package_chart(folder / "charts" / sub)
        members[f"{name}/charts/{packaged.filename}"] = packaged.data
    return PackagedChart(name, version, meta.get("appVersion"), _tgz(members))


def _tgz(members: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name in sorted(members):
            info = tarfile.TarInfo(name)
            info.size = len(members[name])
            info.mode = 0o644
            info.mtime = 0
            archive.addfile(info, io.BytesIO(members[name]))
    packed = io.BytesIO()
    with gzip.GzipFile(fileobj=packed, mode="wb", mtime=0) as gz:
        gz.write(raw.getvalue())
    return packed.getvalue()


def index_document(charts: list[PackagedChart], base_url: str | None = None) -> str:
    """An index.yaml listing `charts`, with URLs relative unless `base_url` is given."""
    entries: dict[str, list[dict[str, object]]] = {}
    for chart in charts:
        url = f"{base_url.rstrip('/')}/{chart.filename}" if base_url else chart.filename
        entry: dict[str, object] = {
            "apiVersion": "v2",
            "name": chart.name,
            "version": chart.version,
            "digest": chart.digest,
            "urls": [url],
        }
        if chart.app_version is not None:
            entry["appVersion"] = str(chart.app_version)
        entries.setdefault(chart.name, []).append(entry)
    return yaml.safe_dump({"apiVersion": "v1", "entries": entries}, sort_keys=False)


def write_repository(sources: list[Path], destination: Path) -> list[PackagedChart]:
    """Package each chart folder into `destination` and write its index.yaml there."""
    destination.mkdir(parents=True, exist_ok=True)
    charts = [package_chart(folder) for folder in sources]
    for chart in charts:
        (destination / chart.filename).write_bytes(chart.data)
    (destination / "index.yaml").write_text(index_document(charts), encoding="utf-8")
    return charts
