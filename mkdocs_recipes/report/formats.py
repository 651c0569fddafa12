"""Findings as `mkdocs-recipes check` prints them: text, JSON, GitHub workflow commands
and SARIF 2.1.0. The JSON and SARIF shapes are stable (docs/reference/check-output.md)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import quote

from .._version import __version__
from .findings import CODES, Finding, Severity

FORMATS = ("text", "json", "github", "sarif")
INFORMATION_URI = "https://pypi.org/project/mkdocs-recipes/"


class Summary(NamedTuple):
    pages: int
    recipes: int
    findings: tuple[Finding, ...]
    #: Whether the findings fail the check (exit status 1).
    failed: bool
    #: Findings `--fix` repaired in this run (or would, with `--diff`).
    fixed: int = 0
    #: Whether a baseline was read (SARIF then says which results are new).
    baseline: bool = False
    #: `fixed` counts fixes shown as a diff, not applied (`--diff`).
    fix_preview: bool = False

    @property
    def baselined(self) -> int:
        return sum(1 for f in self.findings if f.baselined)

    def counts(self) -> Counter[str]:
        return Counter(f.severity.value for f in self.findings)

    def as_dict(self) -> dict[str, object]:
        counts = self.counts()
        return {
            "pages": self.pages,
            "recipes": self.recipes,
            "errors": counts["error"],
            "warnings": counts["warning"],
            "info": counts["info"],
            "baselined": self.baselined,
            "fixed": self.fixed,
            "failed": self.failed,
        }

    def as_text(self) -> str:
        counts = self.counts()
        found = ", ".join(
            f"{counts[level]} {word if counts[level] == 1 else plural}"
            for level, word, plural in (
                ("error", "error", "errors"),
                ("warning", "warning", "warnings"),
                ("info", "info", "info"),
            )
            if counts[level]
        )
        pages = f"{self.pages} page{'s' if self.pages != 1 else ''} ({self.recipes} recipes)"
        extra = [
            f"{self.baselined} baselined" if self.baselined else "",
            (
                f"{self.fixed} of them fixable with --fix, as the diff shows"
                if self.fix_preview
                else f"{self.fixed} fixed"
            )
            if self.fixed
            else "",
        ]
        notes = "; ".join(e for e in extra if e)
        return (
            f"Checked {pages}: " + (found or "no findings") + (f" ({notes})" if notes else "") + "."
        )


def render(format_name: str, summary: Summary) -> str:
    """The whole output of a check in one format."""
    return {
        "text": as_text,
        "json": as_json,
        "github": as_github,
        "sarif": as_sarif,
    }[format_name](summary)


def as_text(summary: Summary) -> str:
    lines = []
    for finding in summary.findings:
        column = f":{finding.column}" if finding.column else ""
        lines.append(
            f"{finding.path}:{finding.line}{column}: {finding.severity.value} "
            f"[{finding.code}] {finding.message}" + (" (baselined)" if finding.baselined else "")
        )
        if finding.hint:
            lines.append(f"  hint: {finding.hint}")
    lines.append(summary.as_text())
    return "\n".join(lines)


def as_json(summary: Summary) -> str:
    return json.dumps(
        {"findings": [f.as_dict() for f in summary.findings], "summary": summary.as_dict()},
        indent=2,
        ensure_ascii=False,
    )


_GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(summary: Summary) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""
    lines = []
    for finding in summary.findings:
        properties = [f"file={_escape_property(finding.path)}", f"line={finding.line}"]
        if finding.column:
            properties.append(f"col={finding.column}")
        properties.append(f"title={_escape_property(finding.code)}")
        message = finding.message + (f" Hint: {finding.hint}" if finding.hint else "")
        lines.append(
            f"::{_GITHUB_COMMAND[finding.severity]} {','.join(properties)}::"
            + _escape_data(message)
        )
    lines.append(summary.as_text())
    return "\n".join(lines)


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def sarif_log(summary: Summary, codes: Iterable[str] | None = None) -> dict[str, object]:
    """A SARIF 2.1.0 log: one run, one rule per finding code, one result per finding."""
    rule_ids = list(codes) if codes is not None else list(CODES)
    index = {code: number for number, code in enumerate(rule_ids)}
    rules = [
        {
            "id": code,
            "name": "".join(part.capitalize() for part in code.split("-")),
            "shortDescription": {"text": CODES[code].summary},
            "defaultConfiguration": {"level": _SARIF_LEVEL[CODES[code].severity]},
            "helpUri": f"{INFORMATION_URI}#{code}",
        }
        for code in rule_ids
    ]
    results = []
    for finding in summary.findings:
        region: dict[str, int] = {"startLine": finding.line}
        if finding.column:
            region["startColumn"] = finding.column
        text = finding.message + (f" Hint: {finding.hint}" if finding.hint else "")
        result: dict[str, object] = {
            "ruleId": finding.code,
            "level": _SARIF_LEVEL[finding.severity],
            "message": {"text": text},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": quote(finding.path),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": region,
                    }
                }
            ],
        }
        if finding.code in index:
            result["ruleIndex"] = index[finding.code]
        if summary.baseline:
            result["baselineState"] = "unchanged" if finding.baselined else "new"
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mkdocs-recipes",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }


def as_sarif(summary: Summary) -> str:
    return json.dumps(sarif_log(summary), indent=2, ensure_ascii=False)
