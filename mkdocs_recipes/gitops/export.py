"""A recipe page's Flux objects as the files of a GitOps repository.

The same objects the page's includes print (`flux.manifests`), one per file, at the paths
the `*_path` options give (the titles of the page's blocks). The HelmRelease carries the
page's values fragments merged in page order (`page`), nothing (`none`), or the chart's
own defaults with the page's values merged over them (`full`).

What a reader would be wrong to commit as it is gets a finding at the page line it comes
from: a literal secret (with the `valuesFrom` alternative), a placeholder, values the page
elides.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..flux.settings import before_release
from ..pages.fragments import YamlBlock, key_nodes, leaves, mapping_value_node, merge_values
from ..pages.placeholders import ELISION, is_placeholder
from ..report.findings import Finding

if TYPE_CHECKING:
    from ..flux import objects as flux
    from ..flux.crd_schemas import CrdSchemas
    from ..recipe.model import Recipe
    from ..site.analysis import PageState

#: Key words of values that hold a secret, when their value is written in the page.
_SECRET_WORDS = re.compile(
    r"password|passwd|secret|token|apikey|api_key|privatekey|credential", re.I
)
#: Keys that name a Secret, a key in one, or a file holding it (not the secret itself).
_SECRET_REFERENCE = re.compile(
    r"^existing|(name|names|ref|keyref|key|keys|file|path|enabled|length|ttl|annotations"
    r"|url|uri|endpoint|type|mode|audience|issuer|header|format|duration|period|policy)$",
    re.I,
)
#: Keys that are the secret although they end in "key".
_SECRET_KEYS = {"apikey", "secretkey", "privatekey", "accesskey", "secretaccesskey"}
#: Flux post-build substitution (`${VAR}`) and Helm templating leave the secret elsewhere.
_INDIRECT = re.compile(r"\$\{[^}]*\}|\{\{.*\}\}")

#: The front-matter key each kind of object comes from (findings about it point there).
_ORIGIN = {
    "Namespace": "helmrelease_namespace",
    "HelmRepository": "helm_chart_repo_url",
    "OCIRepository": "helm_chart_repo_url",
    "Kustomization": "kustomization_name",
    "HelmRelease": "helm_chart_name",
}


@dataclass(frozen=True)
class ExportedObject:
    """One object of one page, and where it comes from."""

    manifest: flux.Manifest
    page: str
    recipe: Recipe
    #: HelmRelease values key path -> the page line that sets it.
    values_lines: dict[tuple[str, ...], int] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """Relative to the repository's root."""
        return self.manifest.path.lstrip("/")

    @property
    def body(self) -> dict[str, Any]:
        return self.manifest.body

    @property
    def line(self) -> int:
        return self.recipe.line_of(_ORIGIN.get(self.manifest.kind, "helm_chart_name"))

    @property
    def identity(self) -> tuple[str, str, str]:
        metadata = self.body.get("metadata") or {}
        return self.manifest.kind, metadata.get("name", ""), metadata.get("namespace", "")

    def describe(self) -> str:
        kind, name, namespace = self.identity
        return f"{kind} {namespace + '/' if namespace else ''}{name}"


@dataclass
class ExportPlan:
    """The files of an export, by path relative to the repository, and its findings."""

    files: dict[str, ExportedObject] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    #: Pages whose objects are in the plan.
    pages: list[str] = field(default_factory=list)

    def text(self, path: str) -> str:
        return self.files[path].manifest.to_yaml()


def plan_export(
    pages: Iterable[PageState], values: str = "page", crds: CrdSchemas | None = None
) -> ExportPlan:
    """The objects of every recipe page in `pages`, checked, by the file each goes in.
    `values`: what the HelmReleases hold: "none", "page" (the page's values snippets
    merged in page order) or "full" (the chart's defaults with them merged over)."""
    plan = ExportPlan()
    for state in pages:
        if state.recipe is None:
            continue
        objects = page_objects(state, values, plan.findings)
        if objects is None:
            continue
        plan.pages.append(state.path)
        for item in objects:
            _add(plan, item, crds)
    return plan


def page_objects(
    state: PageState, values: str, findings: list[Finding]
) -> list[ExportedObject] | None:
    """One page's objects (None when they cannot be made as asked; a finding says why)."""
    recipe = state.recipe
    assert recipe is not None
    merged, lines = page_values(state.values_fragments())
    if values == "full":
        if state.chart is None:
            findings.append(
                Finding.of(
                    "export-values-unavailable",
                    state.path,
                    recipe.line_of("helm_chart_version"),
                    f"--values full needs the chart's defaults, but {recipe.helm_chart_name} "
                    f"{recipe.helm_chart_version!r} could not be resolved",
                    "resolve it once online (or from a mirror), or export with --values page",
                )
            )
            return None
        defaults = state.chart.chart.values
        base = copy.deepcopy(defaults) if isinstance(defaults, dict) else {}
        merged = merge_values(base, merged)
    elif values == "none":
        merged, lines = {}, {}
    findings += _values_findings(state, lines, merged)
    from ..flux import objects as flux  # (imported here: `check` loads this module for its options)

    made = flux.manifests(recipe, state.settings, merged or None)
    return [
        ExportedObject(m, state.path, recipe, lines if m.kind == "HelmRelease" else {})
        for m in made
    ]


def _add(plan: ExportPlan, item: ExportedObject, crds: CrdSchemas | None) -> None:
    if crds is not None and crds.covers(item.manifest.kind):
        problems = crds.problems_of(item.body)
        if problems:
            plan.findings.append(
                Finding.of(
                    "export-invalid",
                    item.page,
                    item.line,
                    f"the {item.describe()} would be rejected by the cluster's CRDs: "
                    + "; ".join(problems[:3]),
                    f"set `flux_version` to the Flux release of the CRDs in "
                    f"{', '.join(crds.sources[:2])}, or export with the CRDs of the release "
                    "the site targets",
                )
            )
            return
    known = plan.files.get(item.path)
    if known is None:
        plan.files[item.path] = item
        return
    if known.body == item.body:
        return  # a Namespace or repository several recipes share
    plan.findings.append(
        Finding.of(
            "export-conflict",
            item.page,
            item.line,
            f"{item.path} would hold the {item.describe()} of this page, but {known.page} "
            f"already puts a different {known.describe()} there",
            "give the two recipes distinct names (helm_chart_repo_name, "
            "helmrelease_namespace...) or make the two objects the same",
        )
    )


def page_values(blocks: list[YamlBlock]) -> tuple[dict[str, Any], dict[tuple[str, ...], int]]:
    """The values fragments merged in page order, and the page line of every key."""
    merged: dict[str, Any] = {}
    lines: dict[tuple[str, ...], int] = {}
    for block in blocks:
        merged = merge_values(merged, block.values())
        node = block.documents[0].node
        wrapped = mapping_value_node(node, "values")
        if wrapped is not None and set(block.documents[0].data) == {"values"}:
            node = wrapped[1]
        for path, key in key_nodes(node):
            lines[path] = block.line_of(key)
    return merged, lines


def _values_findings(
    state: PageState, lines: dict[tuple[str, ...], int], merged: dict[str, Any]
) -> list[Finding]:
    findings: list[Finding] = []
    if not merged:
        return findings
    recipe = state.recipe
    assert recipe is not None
    for block in state.values_fragments():
        elided = [s for s in block.stand_ins if s.kind == ELISION]
        if elided:
            findings.append(
                Finding.of(
                    "export-values-incomplete",
                    state.path,
                    block.block.file_line(elided[0].index),
                    "this values block leaves part of the values out; the exported "
                    "HelmRelease has only what the page shows",
                    "complete the exported values by hand, or export with --values full",
                )
            )
    for path, value in leaves(merged):
        line = lines.get(path)
        if line is None:
            continue  # a chart default (--values full): not the page's to answer for
        dotted = ".".join(path)
        if is_placeholder(value):
            findings.append(
                Finding.of(
                    "export-values-placeholder",
                    state.path,
                    line,
                    f"`{dotted}` is the placeholder `{value}` in the exported values",
                    "fill it in before you commit the HelmRelease",
                )
            )
        elif is_literal_secret(path[-1], value):
            findings.append(
                Finding.of(
                    "export-literal-secret",
                    state.path,
                    line,
                    f"`{dotted}` holds a secret written in the page; the exported "
                    "HelmRelease would keep it in plain text in Git",
                    "keep it in a Secret and have the HelmRelease read it: "
                    + values_from(
                        recipe.helmrelease_name, path[-1], dotted, state.settings.flux_version
                    )
                    + " (or encrypt the file with SOPS)",
                )
            )
    return findings


#: The first Flux release whose `valuesFrom` has `literal` (helm-controller, Flux 2.9).
LITERAL_VALUES_FROM = "2.9"


def values_from(release: str, key: str, dotted: str, flux_version: str) -> str:
    """The `valuesFrom` entry that reads `key` of the Secret `<release>-values` into the
    values at `dotted`. With a `targetPath`, Flux reads the value with Helm's `--set`
    syntax (commas, brackets, dots mean something) unless `literal: true`, which Flux 2.9
    added: a secret is arbitrary text, so it is read literally where Flux can."""
    literal = not before_release(flux_version, LITERAL_VALUES_FROM)
    return (
        f"`valuesFrom: [{{kind: Secret, name: {release}-values, valuesKey: {key}, "
        f"targetPath: {dotted}{', literal: true' if literal else ''}}}]`"
    )


def object_names(text: str) -> set[tuple[str, str]] | None:
    """The (kind, name) of every object in a YAML file (None: it is not YAML objects)."""
    import yaml

    from ..base.yaml_limits import YamlTooLarge, documents_bounded

    names: set[tuple[str, str]] = set()
    try:
        for _, data in documents_bounded(text, yaml.SafeLoader):
            if data is None:
                continue
            metadata = data.get("metadata") if isinstance(data, dict) else None
            if not isinstance(metadata, dict):
                return None
            names.add((str(data.get("kind")), str(metadata.get("name"))))
    except (yaml.YAMLError, YamlTooLarge):
        return None
    return names


def holds_same_objects(current: str, ours: str) -> bool:
    """Whether the file `current` holds the objects `ours` does (an earlier export of
    them, edited since): only such a file may `export --force` replace."""
    names = object_names(current)
    return bool(names) and names == object_names(ours)


#: `key: value` on one line of YAML (a list item's dashes and quotes around the key allowed).
_KEY_VALUE_LINE = re.compile(
    r"""^(\s*(?:-\s+)*["']?)([^\s:"'#][^:"']{0,200}?)(["']?\s*:\s+)(\S.*)$"""
)
REDACTED = "<redacted>"


def redact_secrets(text: str) -> str:
    """`text` (YAML) with the value of every line whose key holds a secret written as it
    is replaced by `<redacted>`: a diff of a GitOps file shows that it changes, not what
    the repository's secret is."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        match = _KEY_VALUE_LINE.match(line)
        if match and is_literal_secret(match.group(2), match.group(4).strip("'\" ")):
            lines[number] = match.group(1) + match.group(2) + match.group(3) + REDACTED
    return "\n".join(lines)


def is_literal_secret(key: str, value: Any) -> bool:
    """Whether `key: value` is a secret written as it is (not a reference to one)."""
    if not isinstance(value, str) or not value.strip() or _INDIRECT.search(value):
        return False
    if not _SECRET_WORDS.search(key):
        return False
    return key.lower() in _SECRET_KEYS or not _SECRET_REFERENCE.search(key)
