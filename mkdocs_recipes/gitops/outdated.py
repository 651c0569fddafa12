"""Which recipes pin an older chart than their repository publishes, and what on each page
would break on the newest one.

For each recipe: its range, what the range resolves to (the lockfile's pin, else the
repository), the newest stable release, and whether that is outside the range. When the
newest is newer, the page's values snippets are checked against it as the build checks
them against the pinned chart: what fails there and not on the pinned chart would break on
upgrade (with the did-you-mean into the new chart); required values the new schema adds
that neither the page nor the chart's defaults give are listed too. Offline, the cache and
the lockfile answer; what they cannot answer is said.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..base.plain_text import visible
from ..charts.lockfile import ChartKey
from ..charts.resolver import ChartResolver
from ..charts.semver import Constraint, Version, VersionError
from ..charts.values_model import values_model
from ..checks.values import check_values_blocks
from ..pages.fragments import merge_values, value_at
from ..report.findings import Finding
from ..site.analysis import PageState
from ..site.project import chart_key

#: The values findings that mean a key or value the page sets would not work.
_BREAKING = {"values-unknown-key", "values-type-mismatch", "values-schema"}


@dataclass
class RecipeUpdate:
    """What `outdated` knows about one recipe."""

    path: str
    line: int
    chart: str
    repository: str
    constraint: str
    resolved: str | None
    newest: str | None
    #: Findings on the page against the newest chart that the pinned one does not have.
    breaking: list[Finding] = field(default_factory=list)
    #: Values the newest chart's schema requires that nothing gives.
    required: list[str] = field(default_factory=list)
    #: What could not be known, and why.
    unknown: list[str] = field(default_factory=list)
    #: Whether the page's values were checked against the newest chart.
    checked: bool = False

    @property
    def outdated(self) -> bool:
        return _newer(self.newest, self.resolved)

    @property
    def outside_constraint(self) -> bool | None:
        if self.newest is None:
            return None
        try:
            return not Constraint.parse(self.constraint).admits(Version.parse(self.newest))
        except VersionError:
            return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "chart": self.chart,
            "repository": self.repository,
            "constraint": self.constraint,
            "resolved": self.resolved,
            "newest": self.newest,
            "outdated": self.outdated,
            "outside_constraint": self.outside_constraint,
            "values_checked": self.checked,
            "breaking": [f.as_dict() for f in self.breaking],
            "required": self.required,
            "unknown": self.unknown,
        }


def newest_stable(versions: list[str]) -> str | None:
    """The highest published version without a prerelease part (as published)."""
    best: Version | None = None
    for text in versions:
        try:
            version = Version.parse(text)
        except VersionError:
            continue
        if not version.prerelease and (best is None or version > best):
            best = version
    return best.original if best else None


def _newer(candidate: str | None, current: str | None) -> bool:
    if candidate is None or current is None:
        return False
    try:
        return Version.parse(candidate) > Version.parse(current)
    except VersionError:
        return False


def recipe_update(state: PageState, resolver: ChartResolver | None) -> RecipeUpdate:
    """The update report of one analysed recipe page."""
    recipe = state.recipe
    assert recipe is not None
    key = chart_key(recipe)
    update = RecipeUpdate(
        path=state.path,
        line=recipe.line_of("helm_chart_version"),
        chart=recipe.helm_chart_name,
        repository=recipe.helm_chart_repo_url,
        constraint=recipe.helm_chart_version,
        resolved=state.chart.version if state.chart else None,
        newest=None,
    )
    if state.chart is None:
        update.unknown.append("the pinned chart could not be resolved (`check` says why)")
    if resolver is None:
        update.unknown.append("chart resolution is off (resolve_charts: false)")
        return update
    versions, problem = resolver.published_versions(key)
    if problem is not None:
        update.unknown.append(f"the newest release: {problem.message}")
        return update
    update.newest = newest_stable(versions)
    if not update.outdated:
        return update
    assert update.newest is not None
    newest = resolver.resolve(ChartKey(key.repository, key.chart, update.newest), use_lock=False)
    if newest.chart is None:
        reason = newest.problems[0].message if newest.problems else "it cannot be read"
        update.unknown.append(f"the values against {update.newest}: {reason}")
        return update
    update.checked = True
    parsed = [b for b in state.yaml_blocks if b.error is None]
    new_model = values_model(newest.chart.chart)
    after = check_values_blocks(parsed, new_model, state.path)
    before: set[tuple[int, str, str]] = set()
    if state.chart is not None:
        old_model = values_model(state.chart.chart)
        before = {
            (f.line, f.code, f.message.replace(old_model.label, "the chart"))
            for f in check_values_blocks(parsed, old_model, state.path)
        }
    update.breaking = [
        f
        for f in after
        if f.code in _BREAKING
        and (f.line, f.code, f.message.replace(new_model.label, "the chart")) not in before
    ]
    old_schema = state.chart.chart.schema if state.chart is not None else None
    update.required = new_required(
        newest.chart.chart.schema,
        old_schema,
        merge_values(_mapping(newest.chart.chart.values), state.merged_values()),
    )
    return update


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def new_required(
    schema: dict[str, Any] | None, old: dict[str, Any] | None, given: dict[str, Any]
) -> list[str]:
    """Dotted paths the new schema requires, the old did not, and `given` lacks; only
    under mappings that `given` has (a required key of an unused section is no one's)."""
    if not isinstance(schema, dict):
        return []
    before = set(_required(old, ())) if isinstance(old, dict) else set()
    missing = []
    for path in _required(schema, ()):
        if path in before:
            continue
        _, parent = value_at(given, path[:-1])
        if isinstance(parent, dict) and path[-1] not in parent:
            missing.append(".".join(path))
    return sorted(missing)


def _required(schema: Any, prefix: tuple[str, ...], depth: int = 0) -> Iterator[tuple[str, ...]]:
    if not isinstance(schema, dict) or depth > 20:
        return
    required = schema.get("required")
    if isinstance(required, list):
        for name in required:
            if isinstance(name, str):
                yield (*prefix, name)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, sub in properties.items():
            yield from _required(sub, (*prefix, str(name)), depth + 1)


def as_text(updates: list[RecipeUpdate]) -> str:
    lines = []
    for update in updates:
        resolved = update.resolved or "?"
        newest = update.newest or "?"
        # The page's path and keys are the page's text: escaped as findings are.
        head = visible(f"{update.path}: {update.chart} {update.constraint!r} -> {resolved}")
        if update.outdated:
            where = " (outside the range)" if update.outside_constraint else " (in the range)"
            head += f", newest {newest}{where}"
        elif update.newest is not None:
            head += " (the newest)"
        lines.append(head)
        if update.checked:
            if update.breaking:
                lines.append(f"  would break on {newest}:")
                lines += [f"    {f.as_text()}" for f in update.breaking]
            else:
                lines.append(f"  every values key the page sets still fits {newest}")
            for path in update.required:
                lines.append(
                    f"  {newest} requires `{visible(path)}`, which neither the page nor its "
                    "defaults set"
                )
        for note in update.unknown:
            lines.append(f"  not known: {visible(note)}")
    count = sum(1 for u in updates if u.outdated)
    lines.append(f"{len(updates)} recipe(s), {count} with a newer chart.")
    return "\n".join(lines)


def as_json(updates: list[RecipeUpdate]) -> str:
    return json.dumps(
        {
            "recipes": [u.as_dict() for u in updates],
            "summary": {
                "recipes": len(updates),
                "outdated": sum(1 for u in updates if u.outdated),
                "breaking": sum(len(u.breaking) for u in updates),
            },
        },
        indent=2,
    )


def as_findings(updates: list[RecipeUpdate]) -> list[Finding]:
    """The report as findings (GitHub annotations): one per outdated recipe, one per key
    that would break, one per new required value."""
    findings = []
    for update in updates:
        if not update.outdated:
            continue
        where = "outside" if update.outside_constraint else "inside"
        findings.append(
            Finding.of(
                "chart-outdated",
                update.path,
                update.line,
                f"{update.chart} {update.constraint!r} resolves to {update.resolved}; "
                f"{update.newest} is out ({where} the range)",
                f'write helm_chart_version: "{bumped(update.constraint, update.newest)}" once '
                "the page fits it"
                if update.outside_constraint and update.newest
                else None,
            )
        )
        for finding in update.breaking:
            findings.append(
                Finding.of(
                    "chart-upgrade-breaks",
                    finding.path,
                    finding.line,
                    f"on upgrade to {update.newest}: {finding.message}",
                    finding.hint,
                )
            )
        for path in update.required:
            findings.append(
                Finding.of(
                    "chart-upgrade-required",
                    update.path,
                    update.line,
                    f"{update.chart} {update.newest} requires the value `{path}`, which "
                    "neither the page nor the chart's defaults set",
                    f"show `{path}` in the page's values",
                )
            )
    return findings


def bumped(constraint: str, version: str | None) -> str:
    """The range written in the page's style for `version` (`6.18.x` -> `10.7.x`)."""
    if version is None:
        return constraint
    try:
        target = Version.parse(version)
    except VersionError:
        return constraint
    parts = constraint.strip().split(".")
    if len(parts) == 3 and parts[2] in ("x", "X", "*") and parts[0].isdigit():
        return f"{target.major}.{target.minor}.{parts[2]}"
    if len(parts) == 2 and parts[1] in ("x", "X", "*") and parts[0].isdigit():
        return f"{target.major}.{parts[1]}"
    for prefix in ("^", "~", ">="):
        if constraint.startswith(prefix):
            return f"{prefix}{target}"
    return str(target)
