"""Flux objects whose apiVersion the target Flux release does not serve.

Every mapping that names an `apiVersion` and a `kind` is judged: an object's own, and the
references inside it (`healthChecks`, `dependsOn`, `sourceRef`, `chartRef`, ...). Only
Flux's API groups are judged; kustomize's `kustomization.yaml` and other groups are not
Flux's business.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import yaml

from ..flux.releases import REMOVED_FIELDS, judge, removed_fields, replacement
from ..pages.blocks import code_blocks
from ..pages.fragments import YamlBlock, mapping_value_node
from ..report.findings import Finding, Fix


def check_api_versions(blocks: list[YamlBlock], release: str, path: str) -> list[Finding]:
    """A finding at every `apiVersion` line that `release` would reject, with its fix."""
    findings = []
    for block in blocks:
        if "fluxcd.io" not in block.block.text:
            continue  # no Flux API group (`*.toolkit.fluxcd.io`) in it
        for document in block.documents:
            try:
                data = document.data
            except yaml.YAMLError:
                continue  # a value PyYAML cannot build: not an object Flux would read
            for api_node, api, kind, body, top in _typed_mappings(document.node, data):
                # A reference (healthChecks, dependsOn...) has no fields of its own to lose.
                own = body if top and isinstance(body, dict) else None
                finding = _judged(
                    api,
                    kind,
                    release,
                    path,
                    block.line_of(api_node),
                    partial(removed_fields, kind, body=own),
                    body=own,
                )
                if finding is not None:
                    findings.append(finding)
    return findings


def _judged(
    api: str,
    kind: str,
    release: str,
    path: str,
    line: int,
    blockers_of: Callable[[str], list[str]],
    after_hint: str = "",
    body: dict[str, Any] | None = None,
) -> Finding | None:
    """The finding for `api` (None when `release` serves it); `blockers_of(new version)`:
    the fields that keep `--fix` from writing the new version."""
    verdict = judge(api, kind, release)
    if verdict is None:
        return None
    new = replacement(api, kind, release)
    blockers = blockers_of(new) if new else []
    fix = Fix("api", api, new, blockers=tuple(blockers), body=body) if new else None
    hint = verdict.hint + after_hint
    if blockers:
        hint += "; `--fix` leaves it, as " + "; ".join(blockers)
    return Finding.of("flux-api-not-served", path, line, verdict.message, hint, fix=fix)


def _typed_mappings(
    node: yaml.Node, data: Any, depth: int = 0
) -> Iterator[tuple[yaml.Node, str, str, Any, bool]]:
    """(apiVersion value node, apiVersion, kind, the mapping's data, whether it is the
    document itself) of every mapping that has both."""
    if depth > 100:
        return
    if isinstance(node, yaml.MappingNode):
        api = mapping_value_node(node, "apiVersion")
        kind = mapping_value_node(node, "kind")
        if (
            api is not None
            and kind is not None
            and isinstance(api[1], yaml.ScalarNode)
            and isinstance(kind[1], yaml.ScalarNode)
        ):
            yield api[1], str(api[1].value), str(kind[1].value), data, depth == 0
        for key, value in node.value:
            child = (
                data.get(key.value)
                if isinstance(data, dict) and isinstance(key, yaml.ScalarNode)
                else None
            )
            yield from _typed_mappings(value, child, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value):
            child = data[number] if isinstance(data, list) and number < len(data) else None
            yield from _typed_mappings(item, child, depth + 1)


_KEY_LINE = re.compile(
    r"""^(?P<lead>[ ]*(?:-[ ]+)*)(?P<key>apiVersion|kind):[ ]*["']?(?P<value>[^\s"'#]+)"""
)
_CONTENT = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)*)\S")


def check_template_text(
    text: str,
    path: str,
    release: str,
    after_hint: str = " (or delete this include to use the packaged one)",
) -> list[Finding]:
    """The same check on a template (a site's own include file): its YAML holds Jinja, so
    it is read line by line. `apiVersion` and `kind` at the same column of one mapping
    belong together, in either order, at any depth."""
    return [
        finding
        for block in code_blocks(text)
        if block.is_yaml
        for index, api, kind in _template_pairs(block.lines)
        if (
            finding := _judged(
                api,
                kind,
                release,
                path,
                block.file_line(index),
                partial(_template_blockers, block.lines, kind),
                after_hint,
            )
        )
    ]


def _template_blockers(lines: list[str], kind: str, api: str) -> list[str]:
    """Fields the new version lacks, read from a template's lines: any key of the block
    named like one of them stands in the way (its YAML holds Jinja, so it is not parsed)."""
    found = []
    for path, advice in REMOVED_FIELDS.get((kind, api), ()):
        key = re.compile(rf"^[ ]*(?:-[ ]+)*{re.escape(path[-1])}[ ]*:", re.M)
        if any(key.match(line) for line in lines):
            found.append(f"`{path[-1]}` is gone in {api}: {advice}")
    return found


def _template_pairs(lines: list[str]) -> Iterator[tuple[int, str, str]]:
    # column -> {"apiVersion": (line index, value), "kind": (line index, value)}
    open_maps: dict[int, dict[str, tuple[int, str]]] = {}

    def close(column: int) -> Iterator[tuple[int, str, str]]:
        """Mappings at `column` or deeper end here."""
        for at in sorted(c for c in open_maps if c >= column):
            keys = open_maps.pop(at)
            if "apiVersion" in keys and "kind" in keys:
                yield keys["apiVersion"][0], keys["apiVersion"][1], keys["kind"][1]

    for index, line in enumerate(lines):
        content = _CONTENT.match(line)
        if content is None or line.lstrip().startswith(("#", "{%", "{#")):
            continue
        lead = content["lead"]
        column = len(lead)
        if "-" in lead:
            # A list item starts a new mapping at its content column; the dash's own
            # column closes what was open from there on.
            yield from close(len(lead) - len(lead.lstrip(" ")))
        else:
            yield from close(column + 1)
        match = _KEY_LINE.match(line)
        if match:
            open_maps.setdefault(column, {})[match["key"]] = (index, match["value"])
    yield from close(0)
