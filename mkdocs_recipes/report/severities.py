"""Choosing which checks run and how loud they are: site-wide, per page, per block.

* site: plugin option `severities: {code: level}`;
* page: front-matter `recipe_checks: {code: level}`;
* block: `<!-- recipes: disable=code[,code] -->` (or `skip`) on the line before the fence.

A level is `error`, `warning`, `info` or `off` (the check does not report at all).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable
from typing import Any, NamedTuple

from .findings import CODES, Finding, Severity

#: Lines `first` to `last` of a page, in which findings of these codes are not reported
#: (`<!-- recipes: disable=code -->` before a block: `pages.CodeBlock.disabled`).
Disabled = tuple[int, int, frozenset[str]]

LEVELS = ("error", "warning", "info", "off")


class LevelProblem(NamedTuple):
    code: str
    message: str
    hint: str | None = None


def read_levels(data: Any) -> tuple[dict[str, str], list[LevelProblem]]:
    """Validate a `{code: level}` mapping."""
    if not isinstance(data, dict):
        return {}, [
            LevelProblem(
                "",
                "expected a mapping of finding codes to levels",
                "e.g. `values-unknown-key: warning`",
            )
        ]
    levels: dict[str, str] = {}
    problems = []
    for code, level in data.items():
        code = str(code)
        if code not in CODES:
            close = difflib.get_close_matches(code, list(CODES), n=1)
            problems.append(
                LevelProblem(
                    code,
                    f"`{code}` is not a finding code",
                    f"did you mean `{close[0]}`?" if close else "see the finding codes reference",
                )
            )
            continue
        text = str(level).lower() if level is not False else "off"
        if text not in LEVELS:
            problems.append(
                LevelProblem(
                    code, f"level {level!r} for `{code}` is not one of " + ", ".join(LEVELS), None
                )
            )
            continue
        levels[code] = text
    return levels, problems


def apply_levels(
    findings: list[Finding], levels: dict[str, str], disabled: Iterable[Disabled] = ()
) -> list[Finding]:
    """Findings with their levels applied; `off` ones and those a block disables (each
    `disabled` span: its first and last line, the codes it turns off) removed."""
    spans = list(disabled)
    result = []
    for finding in findings:
        if any(
            first <= finding.line <= last and finding.code in codes for first, last, codes in spans
        ):
            continue
        level = levels.get(finding.code)
        if level == "off":
            continue
        if level is not None and level != finding.severity.value:
            finding = dataclasses.replace(finding, severity=Severity(level))
        result.append(finding)
    return result
