"""Hand-written Flux manifests whose apiVersion the target Flux release does not serve."""

from __future__ import annotations

import re

from ..findings import Finding
from ..flux_releases import judge
from ..fragments import YamlBlock, mapping_value_node
from ..pages import code_blocks


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


_API_LINE = re.compile(r"""^(?P<indent>\s*)apiVersion:\s*["']?(?P<api>[^\s"'#]+)""")
_KIND_LINE = re.compile(r"""^(?P<indent>\s*)kind:\s*["']?(?P<kind>[A-Za-z]+)""")


def check_template_text(text: str, path: str, release: str) -> list[Finding]:
    """The same check on a template (a site's own include file): its YAML holds Jinja, so
    `apiVersion:` and `kind:` lines are read as lines rather than parsed."""
    findings = []
    for block in code_blocks(text):
        if not block.is_yaml:
            continue
        pending: tuple[int, str, str] | None = None
        for index, line in enumerate(block.lines):
            api = _API_LINE.match(line)
            if api:
                pending = (index, api["indent"], api["api"])
                continue
            kind = _KIND_LINE.match(line)
            if kind and pending and kind["indent"] == pending[1]:
                verdict = judge(pending[2], kind["kind"], release)
                if verdict is not None:
                    findings.append(
                        Finding.of(
                            "flux-api-not-served",
                            path,
                            block.file_line(pending[0]),
                            verdict.message,
                            verdict.hint + " (or delete this include to use the packaged one)",
                        )
                    )
                pending = None
    return findings
