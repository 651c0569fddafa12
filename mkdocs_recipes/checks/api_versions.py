"""Flux objects whose apiVersion the target Flux release does not serve.

Every mapping that names an `apiVersion` and a `kind` is judged: an object's own, and the
references inside it (`healthChecks`, `dependsOn`, `sourceRef`, `chartRef`, ...). Only
Flux's API groups are judged; kustomize's `kustomization.yaml` and other groups are not
Flux's business.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from ..findings import Finding
from ..flux_releases import judge
from ..fragments import YamlBlock, mapping_value_node
from ..pages import code_blocks


def check_api_versions(blocks: list[YamlBlock], release: str, path: str) -> list[Finding]:
    """A finding at every `apiVersion` line that `release` would reject."""
    return [
        finding
        for block in blocks
        for document in block.documents
        for api_node, api, kind in _typed_mappings(document.node)
        if (finding := _judged(api, kind, release, path, block.line_of(api_node)))
    ]


def _judged(
    api: str, kind: str, release: str, path: str, line: int, after_hint: str = ""
) -> Finding | None:
    verdict = judge(api, kind, release)
    if verdict is None:
        return None
    return Finding.of("flux-api-not-served", path, line, verdict.message, verdict.hint + after_hint)


def _typed_mappings(node: yaml.Node, depth: int = 0) -> Iterator[tuple[yaml.Node, str, str]]:
    """(apiVersion value node, apiVersion, kind) of every mapping that has both."""
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
            yield api[1], str(api[1].value), str(kind[1].value)
        for _, value in node.value:
            yield from _typed_mappings(value, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _typed_mappings(item, depth + 1)


_KEY_LINE = re.compile(
    r"""^(?P<lead>[ ]*(?:-[ ]+)*)(?P<key>apiVersion|kind):[ ]*["']?(?P<value>[^\s"'#]+)"""
)
_CONTENT = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)*)\S")


def check_template_text(text: str, path: str, release: str) -> list[Finding]:
    """The same check on a template (a site's own include file): its YAML holds Jinja, so
    it is read line by line. `apiVersion` and `kind` at the same column of one mapping
    belong together, in either order, at any depth."""
    hint = " (or delete this include to use the packaged one)"
    return [
        finding
        for block in code_blocks(text)
        if block.is_yaml
        for index, api, kind in _template_pairs(block.lines)
        if (finding := _judged(api, kind, release, path, block.file_line(index), hint))
    ]


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
