"""Chart archives (.tgz) read in memory: Chart.yaml, values, schema and subcharts.

Nothing is extracted to disk. Subcharts under `charts/` may be nested archives or plain
folders; each is attached under the key a parent's values use for it (alias, else name).
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from ..base.yaml_limits import MAX_NODES, YamlTooLarge, documents_bounded, parse_bounded
from .helm_values import DEFAULT_HELM, merged_documents

try:  # libyaml: values files reach tens of thousands of lines
    from yaml import CBaseLoader as _TextLoader
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import BaseLoader as _TextLoader  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_UNPACKED_BYTES = 200 * 1024 * 1024


class ChartArchiveError(ValueError):
    """An archive that is not a readable Helm chart."""


class ValuesLayout(NamedTuple):
    """Where the keys of a values.yaml stand, read from its node tree: for each line that
    holds a key, its column and path (list items are `[]`); and the lines inside block
    scalars (`|`, `>`), which are text, not comments."""

    keys: dict[int, tuple[int, tuple[str, ...]]]
    scalar_lines: frozenset[int]


def values_layout(*nodes: yaml.Node | None) -> ValuesLayout:
    """The layout of a values file from the node trees of its documents."""
    keys: dict[int, tuple[int, tuple[str, ...]]] = {}
    scalar_lines: set[int] = set()
    for node in nodes:
        if node is not None:
            _walk(node, (), keys, scalar_lines)
    return ValuesLayout(keys, frozenset(scalar_lines))


def _walk(node: yaml.Node, path: tuple[str, ...], keys: dict, scalar_lines: set[int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child_path = (*path, str(key_node.value))
            keys[key_node.start_mark.line] = (key_node.start_mark.column, child_path)
            _walk(value_node, child_path, keys, scalar_lines)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _walk(item, (*path, "[]"), keys, scalar_lines)
    elif isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        scalar_lines.update(range(node.start_mark.line + 1, node.end_mark.line + 1))


class Dependency(NamedTuple):
    """A dependency declared in Chart.yaml (or requirements.yaml for apiVersion v1)."""

    name: str
    version: str | None = None
    repository: str | None = None
    alias: str | None = None
    condition: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The key of this subchart's values in the parent's values."""
        return self.alias or self.name


@dataclass(frozen=True)
class Chart:
    """A chart's metadata and values, with its subcharts by values key."""

    name: str
    version: str
    app_version: str | None
    values_text: str
    values: Any
    schema: dict[str, Any] | None
    dependencies: tuple[Dependency, ...] = ()
    subcharts: dict[str, Chart] = field(default_factory=dict)
    #: Value paths the chart's templates read (`.Values.ingress.hosts` -> ingress.hosts).
    template_paths: frozenset[tuple[str, ...]] = frozenset()
    #: Where values.yaml's keys stand (None: not read with the values; the values model
    #: then composes `values_text` itself).
    values_layout: ValuesLayout | None = field(default=None, compare=False, repr=False)
    #: Every document of a values.yaml that has several (`values` merges them as Helm 4
    #: does; `helm_values.for_helm` reads them as Helm 3 does). Empty for one document.
    values_documents: tuple[Any, ...] = field(default=(), compare=False, repr=False)
    #: The Helm major version whose reading `values` is.
    helm: int = DEFAULT_HELM


#: Subcharts nested in subcharts, at most (Helm charts use two or three levels).
MAX_DEPTH = 6
#: Files in one chart and all its subcharts, at most.
MAX_MEMBERS = 20_000


class _Budget:
    """What one chart and all its nested subcharts may unpack, together."""

    def __init__(self) -> None:
        self.bytes = 0
        self.members = 0


def read_chart_archive(
    data: bytes, source: str = "chart archive", _budget: _Budget | None = None, _depth: int = 0
) -> Chart:
    """Read a packaged chart. Raises `ChartArchiveError` saying what is wrong."""
    if _depth > MAX_DEPTH:
        raise ChartArchiveError(f"{source}: subcharts nested more than {MAX_DEPTH} levels deep")
    budget = _budget or _Budget()
    files = _members(data, source, budget)
    roots = {path.split("/", 1)[0] for path in files}
    tops = [root for root in roots if f"{root}/Chart.yaml" in files]
    if len(tops) != 1:
        raise ChartArchiveError(f"{source}: no single top-level folder with a Chart.yaml")
    return _chart(files, tops[0] + "/", source, budget, _depth)


def _members(data: bytes, source: str, budget: _Budget) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                # Nothing is written to disk; still, a member outside the archive's own
                # tree (`../x`, `/etc/x`) is not part of the chart.
                if member.name.startswith("/") or ".." in member.name.split("/"):
                    continue
                name = member.name.lstrip("./")
                # Counted across nested archives: a chart of archives of archives does not
                # get a fresh allowance at each level.
                budget.bytes += member.size
                budget.members += 1
                if budget.bytes > MAX_UNPACKED_BYTES:
                    raise ChartArchiveError(f"{source}: unpacks to more than 200 MiB")
                if budget.members > MAX_MEMBERS:
                    raise ChartArchiveError(f"{source}: holds more than {MAX_MEMBERS} files")
                handle = archive.extractfile(member)
                if handle is not None:
                    files[name] = handle.read()
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise ChartArchiveError(f"{source}: not a readable .tgz archive ({error})") from None
    return files


def _parse(
    files: dict[str, bytes], path: str, source: str, loader_class: type
) -> tuple[Any, yaml.Node | None]:
    """A YAML member's data and its node tree, within the bounds."""
    try:
        node, data = parse_bounded(files[path].decode("utf-8-sig"), loader_class)
    except YamlTooLarge as error:
        raise ChartArchiveError(f"{source}: {path} is not read: {error.problem}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ChartArchiveError(f"{source}: {path} is not valid YAML ({error})") from None
    return data, node


def _values_documents(text: str, path: str, source: str) -> tuple[list[yaml.Node], list[Any]]:
    """The node trees and data of every document of a values file, within the bounds."""
    nodes, read = [], []
    # All the documents together stand for no more values than one could.
    budget = [MAX_NODES]
    try:
        for node, data in documents_bounded(text, _Loader, budget=budget):
            nodes.append(node)
            read.append(data)
    except YamlTooLarge as error:
        raise ChartArchiveError(f"{source}: {path} is not read: {error.problem}") from None
    except yaml.YAMLError as error:
        raise ChartArchiveError(f"{source}: {path} is not valid YAML ({error})") from None
    return nodes, read


def _as_written(files: dict[str, bytes], path: str, source: str) -> Any:
    """A YAML member with every scalar kept a string (Chart.yaml's `version: 1.10` is
    "1.10", not the number 1.1)."""
    return _parse(files, path, source, _TextLoader)[0]


def _chart(files: dict[str, bytes], prefix: str, source: str, budget: _Budget, depth: int) -> Chart:
    meta = _as_written(files, prefix + "Chart.yaml", source)
    if not isinstance(meta, dict) or "name" not in meta:
        raise ChartArchiveError(f"{source}: {prefix}Chart.yaml has no chart name")
    values_text = ""
    values: Any = {}
    layout = None
    documents: tuple[Any, ...] = ()
    if prefix + "values.yaml" in files:
        values_text = files[prefix + "values.yaml"].decode("utf-8-sig", errors="replace")
        # One node tree gives the values and the layout of their keys: the values model
        # needs both, and composing a large values.yaml again costs milliseconds.
        nodes, read = _values_documents(values_text, prefix + "values.yaml", source)
        layout = values_layout(*nodes)
        values = merged_documents(read)
        if len(read) > 1:
            documents = tuple(read)
    schema = None
    if prefix + "values.schema.json" in files:
        try:
            schema = json.loads(files[prefix + "values.schema.json"])
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ChartArchiveError(
                f"{source}: {prefix}values.schema.json is not valid JSON ({error})"
            ) from None
    declared = meta.get("dependencies")
    if declared is None and prefix + "requirements.yaml" in files:
        requirements = _as_written(files, prefix + "requirements.yaml", source)
        declared = (requirements or {}).get("dependencies")
    dependencies = tuple(_dependency(d) for d in declared or [] if isinstance(d, dict))
    subcharts = _subcharts(files, prefix, source, dependencies, budget, depth)
    template_paths = _template_paths(files, prefix)
    return Chart(
        name=str(meta["name"]),
        version=str(meta.get("version", "")),
        app_version=None
        if meta.get("appVersion") in (None, "", "~", "null")
        else str(meta["appVersion"]),
        values_text=values_text,
        values=values,
        schema=schema,
        dependencies=dependencies,
        subcharts=subcharts,
        template_paths=template_paths,
        values_layout=layout,
        values_documents=documents,
    )


_VALUES_REFERENCE = re.compile(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")


def _template_paths(files: dict[str, bytes], prefix: str) -> frozenset[tuple[str, ...]]:
    """Every `.Values.a.b` path the chart's own templates mention."""
    paths: set[tuple[str, ...]] = set()
    for name, data in files.items():
        if not name.startswith(prefix + "templates/") or len(data) > 1024 * 1024:
            continue
        text = data.decode("utf-8", errors="replace")
        for match in _VALUES_REFERENCE.finditer(text):
            paths.add(tuple(match.group(1).lstrip(".").split(".")))
    return frozenset(paths)


def _dependency(data: dict[str, Any]) -> Dependency:
    def text(key: str) -> str | None:
        value = data.get(key)
        return None if value is None else str(value)

    return Dependency(
        name=str(data.get("name", "")),
        version=text("version"),
        repository=text("repository"),
        alias=text("alias"),
        condition=text("condition"),
        tags=tuple(str(t) for t in data.get("tags") or []),
    )


def _subcharts(
    files: dict[str, bytes],
    prefix: str,
    source: str,
    dependencies: tuple[Dependency, ...],
    budget: _Budget,
    depth: int,
) -> dict[str, Chart]:
    if depth >= MAX_DEPTH and any(p.startswith(prefix + "charts/") for p in files):
        raise ChartArchiveError(f"{source}: subcharts nested more than {MAX_DEPTH} levels deep")
    found: list[Chart] = []
    charts_dir = prefix + "charts/"
    folders = set()
    for path in files:
        if not path.startswith(charts_dir):
            continue
        rest = path[len(charts_dir) :]
        if "/" not in rest and rest.endswith((".tgz", ".tar.gz")):
            found.append(read_chart_archive(files[path], f"{source}: {path}", budget, depth + 1))
        elif rest.endswith("/Chart.yaml") and rest.count("/") == 1:
            folders.add(rest.split("/", 1)[0])
    for folder in sorted(folders):
        found.append(_chart(files, f"{charts_dir}{folder}/", source, budget, depth + 1))
    by_key: dict[str, Chart] = {}
    for sub in found:
        # Helm matches a dependency to a packaged subchart by name; the alias is its key.
        keys = [d.key for d in dependencies if d.name == sub.name] or [sub.name]
        for key in keys:
            by_key[key] = sub
    return by_key
