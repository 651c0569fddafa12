"""Where a GitOps repository and the docs disagree about the objects a page describes.

Each object an export would write is looked for in the repository: at its path first,
then by kind and name (and namespace, when the file gives one) in any YAML file,
multi-document files included. What the page generates is compared with what the file
says: the chart, its version range, the source URL, API versions, the values the page
shows and the other fields the page prints. What the repository has beyond that (labels,
`postRenderers`, values the page does not show) is the cluster's own: it is not drift.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from ..base.regular_files import NotARegularFile, read_text
from ..base.suggest import Suggestions
from ..base.yaml_limits import YamlTooLarge, documents_bounded
from ..flux.crd_schemas import yaml_files
from ..pages.fragments import key_nodes, leaves, value_at
from ..pages.placeholders import is_placeholder
from ..report.findings import Finding, display_path
from .export import ExportedObject, ExportPlan, is_literal_secret

#: A file larger than this is no manifest a person keeps in a repository.
MAX_FILE_BYTES = 4 * 1024 * 1024
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Fields whose disagreement is a code of its own (spec paths, by kind).
_CHART_VERSION = {
    ("HelmRelease", ("spec", "chart", "spec", "version")),
    ("OCIRepository", ("spec", "ref", "semver")),
}
_SOURCE_URL = {("HelmRepository", ("spec", "url")), ("HelmRepository", ("spec", "type"))}
_SOURCE_URL |= {("OCIRepository", ("spec", "url"))}
_CHART = ("spec", "chart", "spec")
_CHART_REF = ("spec", "chartRef")


class Found(NamedTuple):
    """An object of the repository: its file, data and the line of every key."""

    file: Path
    data: dict[str, Any]
    line: int
    lines: dict[tuple[str, ...], int]

    @property
    def shown(self) -> str:
        return display_path(self.file)

    def line_of(self, path: tuple[str, ...]) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, self.line)


class Repository:
    """The Kubernetes objects of a folder's YAML files, by kind and name."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.objects: dict[tuple[str, str], list[Found]] = {}
        #: Files that look like manifests but do not parse, with the reason.
        self.unreadable: dict[Path, str] = {}
        for file in yaml_files(root):
            self._read(file)

    def _read(self, file: Path) -> None:
        try:
            text = read_text(file, MAX_FILE_BYTES)
        except NotARegularFile as error:
            self.unreadable[file] = str(error).removeprefix(f"{file}: ")
            return
        except (OSError, UnicodeDecodeError):
            return
        if "kind:" not in text:
            return
        try:
            for node, data in documents_bounded(text, _Loader):
                if not isinstance(data, dict):
                    continue
                kind, metadata = data.get("kind"), data.get("metadata")
                if not isinstance(kind, str) or not isinstance(metadata, dict):
                    continue
                name = metadata.get("name")
                if isinstance(name, str):
                    lines = {path: key.start_mark.line + 1 for path, key in key_nodes(node)}
                    found = Found(file, data, node.start_mark.line + 1, lines)
                    self.objects.setdefault((kind, name), []).append(found)
        except (yaml.YAMLError, YamlTooLarge) as error:
            self.unreadable[file] = str(error).splitlines()[0][:120] if str(error) else "?"

    def find(self, item: ExportedObject) -> Found | None:
        kind, name, namespace = item.identity
        candidates = [
            found
            for found in self.objects.get((kind, name), [])
            if (found.data["metadata"].get("namespace") or namespace) == namespace
        ]
        expected = (self.root / item.path).resolve()
        for found in candidates:
            if found.file.resolve() == expected:
                return found
        # Namespaced in the file first, then one a kustomization places.
        candidates.sort(key=lambda f: "namespace" not in f.data["metadata"])
        return candidates[0] if candidates else None


def drift_findings(plan: ExportPlan, root: Path, compare_values: bool = True) -> list[Finding]:
    """Every disagreement between the plan's objects and the repository at `root`."""
    repository = Repository(root)
    findings: list[Finding] = []
    for item in plan.files.values():
        found = repository.find(item)
        if found is None:
            expected = root / item.path
            unreadable = repository.unreadable.get(expected)
            findings.append(
                Finding.of(
                    "drift-missing",
                    item.page,
                    item.line,
                    f"the {item.describe()} this page describes is not in {display_path(root)}"
                    + (
                        f" ({display_path(expected)} does not parse: {unreadable})"
                        if unreadable
                        else f" (expected at {display_path(expected)})"
                    ),
                    "run `mkdocs-recipes export` to write it, or remove the recipe if the "
                    "cluster no longer runs it",
                )
            )
            continue
        findings += _compare(item, found, compare_values)
    return findings


def _compare(item: ExportedObject, found: Found, compare_values: bool) -> list[Finding]:
    ours, theirs = item.body, found.data
    findings: list[Finding] = []
    where = f"the page ({item.page}:{item.line})"
    if ours.get("apiVersion") != theirs.get("apiVersion"):
        findings.append(
            Finding.of(
                "drift-api-version",
                found.shown,
                found.line_of(("apiVersion",)),
                f"the {item.describe()} is `{theirs.get('apiVersion')}` here, but {where} "
                f"prints `{ours.get('apiVersion')}`",
                "use the API version the cluster's Flux serves in both: set the site's "
                "`flux_version`, or update this file",
            )
        )
    kind = item.manifest.kind
    spec = ours.get("spec")
    for path, value in leaves(spec, ("spec",)) if isinstance(spec, dict) and spec else ():
        if path[:2] == ("spec", "values"):
            continue
        present, there = value_at(theirs, path)
        if present and there == value:
            continue
        if (kind, path) in _CHART_VERSION:
            code = "drift-chart-version"
        elif kind == "HelmRelease" and path[:2] in (_CHART[:2], _CHART_REF[:2]):
            code = "drift-chart"  # another chart, or the chart given another way
        elif (kind, path) in _SOURCE_URL:
            code = "drift-source-url"
        else:
            code = "drift-field"
        dotted = ".".join(path)
        findings.append(
            Finding.of(
                code,
                found.shown,
                found.line_of(path),
                f"the {item.describe()} "
                + (f"has `{dotted}: {_short(there)}`" if present else f"has no `{dotted}`")
                + f", but {where} prints `{_short(value)}`",
                _fix_hint(code),
            )
        )
    if compare_values and kind == "HelmRelease":
        findings += _compare_values(item, found)
    return _one_per_line(findings)


def _one_per_line(findings: list[Finding]) -> list[Finding]:
    """A chart reference replaced by another kind (chart <-> chartRef) differs in every
    field; one finding per line and code says it."""
    seen: set[tuple[int, str]] = set()
    kept = []
    for finding in findings:
        key = (finding.line, finding.code)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def _compare_values(item: ExportedObject, found: Found) -> list[Finding]:
    ours = (item.body.get("spec") or {}).get("values") or {}
    spec = found.data.get("spec")
    if not isinstance(spec, dict):
        spec = {}
    theirs = spec.get("values")
    if not ours:
        return []
    if not isinstance(theirs, dict):
        if spec.get("valuesFrom"):
            return []  # the values live in a ConfigMap or Secret: not compared
        theirs = {}
    findings: list[Finding] = []
    _walk_values(item, found, ours, theirs, ("spec", "values"), findings)
    return findings


def _walk_values(
    item: ExportedObject,
    found: Found,
    ours: dict[str, Any],
    theirs: dict[str, Any],
    at: tuple[str, ...],
    findings: list[Finding],
) -> None:
    suggestions = Suggestions(str(k) for k in theirs)
    values_path = at[2:]
    for key, value in ours.items():
        path = (*at, str(key))
        page_line = item.values_lines.get((*values_path, str(key)))
        page_at = f"{item.page}:{page_line}" if page_line else item.page
        dotted = ".".join(path[2:])
        if key not in theirs:
            close = suggestions.closest(str(key))
            findings.append(
                Finding.of(
                    "drift-values-key",
                    found.shown,
                    found.line_of(at),
                    f"the {item.describe()} does not set `{dotted}`, which the page "
                    f"({page_at}) shows",
                    (f"this file sets `{'.'.join((*values_path, close))}`: " if close else "")
                    + "rename one of them, or add the key here",
                )
            )
            continue
        there = theirs[key]
        if isinstance(value, dict) and isinstance(there, dict):
            _walk_values(item, found, value, there, path, findings)
            continue
        if there == value or _unknown(value) or _unknown(there):
            continue
        if is_literal_secret(str(key), there) or is_literal_secret(str(key), value):
            # The repository's value of a secret is not repeated into a CI log.
            message = (
                f"`{dotted}` differs here from what the page ({page_at}) shows (a secret: "
                "its values are not shown)"
            )
        else:
            message = (
                f"`{dotted}` is `{_short(there)}` here, but the page ({page_at}) shows "
                f"`{_short(value)}`"
            )
        findings.append(
            Finding.of(
                "drift-value",
                found.shown,
                found.line_of(path),
                message,
                "make the page show what the cluster runs, or update this file",
            )
        )
    if values_path:
        return  # deeper, a key beside those the page shows is the cluster's own setting
    for key in theirs:
        if key not in ours:
            findings.append(
                Finding.of(
                    "drift-values-extra",
                    found.shown,
                    found.line_of((*at, str(key))),
                    f"`{key}` is set here but not shown on the page ({item.page})",
                    None,
                )
            )


def _unknown(value: Any) -> bool:
    """A blank for the reader, or a value Flux fills in (`${VAR}`): not comparable."""
    return is_placeholder(value) or (isinstance(value, str) and "${" in value)


def _fix_hint(code: str) -> str:
    return {
        "drift-chart-version": "change helm_chart_version on the page or the version here, "
        "so both pin what the cluster should run",
        "drift-source-url": "change helm_chart_repo_url on the page or the URL here",
        "drift-chart": "change the page's chart keys or this file, so both install one chart",
    }.get(code, "change the site's `flux:` options or this file, so both say the same")


def _short(value: Any) -> str:
    if isinstance(value, (dict, list)):
        text = yaml.safe_dump(value, default_flow_style=True, width=2**20).strip()
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value)
    return text if len(text) <= 80 else text[:77] + "..."
