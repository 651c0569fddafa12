"""`check --fix`: the repairs findings carry, applied to the files they point at.

A fix changes only the characters it must on its own line (an `apiVersion`'s value, a
key's name): Jinja, comments, indentation, quoting and every other line stay byte for
byte. A fix whose line no longer reads as it did when the finding was made (the page was
edited, or the line comes from an include the page renders) is not applied. Nothing
outside the site's folder is written, and nothing through a link.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..base.writing import atomic_write, not_a_file, split_lines, unified_diff
from .findings import Finding, Fix


class ObjectSchemas(Protocol):
    """What judges an object under its new apiVersion before a fix is made: the CRDs a
    cluster serves (`flux.crd_schemas.CrdSchemas`, given by `check --fix --crds`)."""

    def covers(self, kind: str) -> bool:
        """Whether the schemas know objects of `kind`."""
        ...

    def problems_of(self, body: dict[str, Any], *, partial: bool = False) -> list[str]:
        """Why the API server would reject `body` (empty: it accepts it)."""
        ...


@dataclass
class FixPlan:
    """Files with their text before and after, and the findings the fixes repair."""

    texts: dict[Path, tuple[str, str]] = field(default_factory=dict)
    fixed: list[Finding] = field(default_factory=list)
    #: Fixes not made because the CRDs reject the object under the new version: why.
    refused: list[tuple[Finding, list[str]]] = field(default_factory=list)

    def diff(self, shown: dict[Path, str]) -> str:
        return "".join(
            unified_diff(before, after, shown.get(path, str(path)))
            for path, (before, after) in sorted(self.texts.items())
        )

    def write(self) -> None:
        for path, (_, after) in self.texts.items():
            mode = path.stat().st_mode & 0o7777
            atomic_write(path, after.encode("utf-8"), mode=mode)


#: A key `--unsafe-fixes` writes: a chart's key is data, and one holding a line break, a
#: quote or a colon would rewrite the page's line into something else.
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


def applicable(finding: Finding, unsafe: bool) -> bool:
    fix = finding.fix
    if fix is None or fix.blockers or not (fix.safe or unsafe):
        return False
    return fix.kind == "api" or _PLAIN_KEY.fullmatch(fix.new) is not None


def plan_fixes(
    findings: Iterable[Finding], root: Path, unsafe: bool = False, crds: ObjectSchemas | None = None
) -> FixPlan:
    """The edits of every applicable fix, by file (paths as findings show them: relative
    to the working directory). With `crds`, an object whose own apiVersion a fix changes
    must validate against them under the new version (fields a documentation example
    leaves out aside), or the fix is refused."""
    plan = FixPlan()
    lines_of: dict[Path, list[str]] = {}
    originals: dict[Path, str] = {}
    done: set[tuple[Path, int, str]] = set()
    resolved_root = root.resolve()
    for finding in findings:
        if not applicable(finding, unsafe):
            continue
        path = Path(finding.path).resolve()
        if not path.is_relative_to(resolved_root) or not_a_file(Path(finding.path)):
            continue
        if path not in lines_of:
            try:
                originals[path] = path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                originals[path] = ""
            lines_of[path] = split_lines(originals[path])
        lines = lines_of[path]
        index = finding.line - 1
        assert finding.fix is not None
        if not 0 <= index < len(lines) or (path, index, finding.fix.old) in done:
            continue
        rejected = _rejected(finding.fix, crds)
        if rejected:
            plan.refused.append((finding, rejected))
            continue
        changed = fixed_line(lines[index], finding.fix.kind, finding.fix.old, finding.fix.new)
        if changed is None:
            continue
        lines[index] = changed
        done.add((path, index, finding.fix.old))
        plan.fixed.append(finding)
    for path, lines in lines_of.items():
        after = "".join(lines)
        before = originals[path]
        if after != before:
            plan.texts[path] = (before, after)
    return plan


def _rejected(fix: Fix, crds: ObjectSchemas | None) -> list[str]:
    body = fix.body
    if crds is None or fix.kind != "api" or not isinstance(body, dict):
        return []
    if not crds.covers(str(body.get("kind"))):
        return []
    return crds.problems_of({**body, "apiVersion": fix.new}, partial=True)


def fixed_line(line: str, kind: str, old: str, new: str) -> str | None:
    """`line` with the one occurrence of `old` the fix is about replaced (None: there is
    not exactly one)."""
    if kind == "api":
        pattern = re.compile(
            r"(\bapiVersion[\"']?[ \t]*:[ \t]*[\"']?)" + re.escape(old) + r"(?![\w./-])"
        )
    else:
        pattern = re.compile(r"^([ \t]*(?:-[ \t]+)*[\"']?)" + re.escape(old) + r"(?=[\"']?[ \t]*:)")
    matches = list(pattern.finditer(line))
    if len(matches) != 1:
        return None
    match = matches[0]
    return line[: match.end(1)] + new + line[match.end() :]


def shown_paths(plan: FixPlan) -> dict[Path, str]:
    return {path: Path(os.path.relpath(path)).as_posix() for path in plan.texts}
