"""Hand-written Flux manifests whose apiVersion the target Flux release does not serve."""

from __future__ import annotations

from ..findings import Finding
from ..flux_releases import judge
from ..fragments import YamlBlock, mapping_value_node


def check_api_versions(blocks: list[YamlBlock], release: str, path: str) -> list[Finding]:
    """A finding at the `apiVersion` line of every object `release` would reject."""
    findings = []
    for block in blocks:
        for document in block.manifests:
            api, kind = document.data.get("apiVersion"), document.data.get("kind")
            if not isinstance(api, str) or not isinstance(kind, str):
                continue
            verdict = judge(api, kind, release)
            if verdict is None:
                continue
            found = mapping_value_node(document.node, "apiVersion")
            line = block.line_of(found[1]) if found else block.block.first_line
            findings.append(
                Finding.of("flux-api-not-served", path, line, verdict.message, verdict.hint)
            )
    return findings
