"""YAML that does not parse, and keys given twice, in any YAML block of a page."""

from __future__ import annotations

import yaml

from ..findings import Finding
from ..fragments import YamlBlock


def check_yaml_syntax(blocks: list[YamlBlock], path: str) -> list[Finding]:
    findings = []
    for block in blocks:
        error = block.error
        if error is not None:
            mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
            line = block.block.file_line(mark.line) if mark else block.block.first_line
            problem = getattr(error, "problem", None) or str(error)
            hint = (
                "YAML indents with spaces, never tabs"
                if "\t" in block.block.text
                else ("check the indentation, and quote values that contain ': ' or ' #'")
            )
            findings.append(
                Finding.of(
                    "yaml-syntax",
                    path,
                    line,
                    f"this YAML block does not parse: {problem}",
                    hint,
                    column=(mark.column + 1 + block.block.indent) if mark else None,
                )
            )
            continue
        for document in block.documents:
            findings += _duplicates(document.node, block, path)
    return findings


def _duplicates(node: yaml.Node, block: YamlBlock, path: str) -> list[Finding]:
    findings: list[Finding] = []
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                findings.append(
                    Finding.of(
                        "yaml-duplicate-key",
                        path,
                        block.line_of(key_node),
                        f"`{key}` is given twice in this mapping (first at line {seen[key]}); "
                        "YAML keeps only the last one",
                        "merge the two into one",
                    )
                )
            else:
                seen[key] = block.line_of(key_node)
            findings += _duplicates(value_node, block, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            findings += _duplicates(item, block, path)
    return findings
