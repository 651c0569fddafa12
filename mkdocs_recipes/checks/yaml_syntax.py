"""YAML that does not parse, keys given twice, and the elisions and placeholders that
documentation examples use, in any YAML block of a page."""

from __future__ import annotations

import dataclasses

import yaml

from ..findings import Finding, Severity
from ..fragments import YamlBlock
from ..placeholders import ELISION, StandIn
from ..yaml_limits import YamlTooLarge


def check_yaml_syntax(blocks: list[YamlBlock], path: str, recipe: bool = False) -> list[Finding]:
    """`recipe`: the page is a recipe, whose values blocks readers paste as they are."""
    findings = []
    for block in blocks:
        pasted = recipe and block.is_values
        findings += [_stand_in(s, block, path, pasted) for s in block.stand_ins]
        error = block.error
        if isinstance(error, YamlTooLarge):
            findings.append(
                Finding.of(
                    "yaml-too-large",
                    path,
                    block.block.first_line,
                    f"this YAML block is not checked: {error.problem}",
                    "show the values written out; readers paste them as they are",
                )
            )
            continue
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


def _stand_in(stand_in: StandIn, block: YamlBlock, path: str, pasted: bool) -> Finding:
    line = block.block.file_line(stand_in.index)
    shown = stand_in.original
    if stand_in.kind == ELISION:
        finding = Finding.of(
            "yaml-elision",
            path,
            line,
            f"`{shown}` stands for lines left out; it is not YAML, so a reader who pastes "
            "this block gets an error (the rest of the block was still checked)",
            f"write it as a comment, `# {shown.lstrip('- ')}`, so the block pastes as it is",
        )
    else:
        finding = Finding.of(
            "yaml-placeholder",
            path,
            line,
            f"`{shown}` holds a placeholder that is not valid YAML as written (the rest of "
            "the block was still checked)",
            f"quote it, `{stand_in.replacement}`, so the block pastes as valid YAML",
        )
    if pasted:
        # Readers paste a recipe's values blocks as they are.
        finding = dataclasses.replace(finding, severity=Severity.WARNING)
    return finding
