"""A site's baseline: the findings it had when the plugin was turned on, accepted for now.

Each entry is a finding's code, its file (relative to the site's folder) and a fingerprint
of the line it points at (the text of that line, its indentation aside), not the line
number: an edit elsewhere in the page keeps the entry matched, an edit of the line itself
(a fix, or a new mistake there) does not. Equal entries are counted, so a page with two
identical bad lines has two. A matched finding is reported as info and counted apart; an
entry nothing matches any more is reported once, so that the file can be written again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..base.inputs import probed
from ..base.regular_files import read_text
from .findings import Finding, Severity

BASELINE_NAME = "recipes-baseline.json"
FORMAT_VERSION = 1
#: A baseline larger than this is no file a person keeps beside mkdocs.yml.
MAX_BYTES = 16 * 1024 * 1024
#: The largest count an entry is taken at (findings of one code on one line of one file).
MAX_COUNT = 100_000

Key = tuple[str, str, str]


class BaselineError(ValueError):
    """The baseline file cannot be used; the message names it and says why."""


@dataclass
class Baseline:
    path: Path
    root: Path
    entries: Counter[Key] = field(default_factory=Counter)
    matched: Counter[Key] = field(default_factory=Counter)
    _lines: dict[Path, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, root: Path) -> Baseline | None:
        """The baseline at `path` (None when there is no such file)."""
        if not path.is_file():
            probed(path)  # a baseline written later changes what `check` reports
            return None
        try:
            data = json.loads(read_text(path, MAX_BYTES, encoding="utf-8"))
        except RecursionError:
            raise BaselineError(
                f"{path}: not a baseline (nested too deeply); write it again with "
                "`mkdocs-recipes check --write-baseline`"
            ) from None
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise BaselineError(
                f"{path}: not a baseline ({error}); write it again with "
                "`mkdocs-recipes check --write-baseline`"
            ) from None
        baseline = cls(path, root)
        entries = data.get("findings") if isinstance(data, dict) else None
        if not isinstance(entries, list) or data.get("version") != FORMAT_VERSION:
            raise BaselineError(
                f"{path}: not a version {FORMAT_VERSION} baseline; write it again with "
                "`mkdocs-recipes check --write-baseline`"
            )
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            key = (str(entry.get("code")), str(entry.get("path")), str(entry.get("fingerprint")))
            count = entry.get("count", 1)
            # A count is how many findings share the line: a few, never thousands of digits.
            plausible = isinstance(count, int) and 0 < count <= MAX_COUNT
            baseline.entries[key] += count if plausible else 1
        return baseline

    def key(self, finding: Finding) -> Key:
        file = Path(finding.path)
        absolute = file if file.is_absolute() else Path.cwd() / file
        relative = self.key_path(absolute)
        return finding.code, relative, fingerprint(finding.code, self._line(absolute, finding.line))

    def _line(self, file: Path, line: int) -> str:
        lines = self._lines.get(file)
        if lines is None:
            try:
                lines = file.read_text(encoding="utf-8-sig").split("\n")
            except (OSError, UnicodeDecodeError):
                lines = []
            self._lines[file] = lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def forget(self, file: Path, lines: list[str] | None = None) -> None:
        """Match `file`'s findings again from the start, against `lines` (its text now,
        as an editor holds it) or, without them, the file as it is on disk."""
        absolute = file if file.is_absolute() else Path.cwd() / file
        named = self.key_path(absolute)
        for key in [key for key in self.matched if key[1] == named]:
            del self.matched[key]
        if lines is None:
            self._lines.pop(absolute, None)
        else:
            self._lines[absolute] = lines

    def key_path(self, absolute: Path) -> str:
        """How the baseline names the file at `absolute`: relative to the site's root."""
        try:
            return Path(os.path.relpath(absolute, self.root)).as_posix()
        except ValueError:
            return absolute.as_posix()

    def match(self, finding: Finding) -> bool:
        """Whether `finding` is one the baseline accepts (each entry matches once)."""
        key = self.key(finding)
        if self.matched[key] < self.entries[key]:
            self.matched[key] += 1
            return True
        return False

    def stale(self) -> int:
        """Entries nothing has matched (so far)."""
        return sum((self.entries - self.matched).values())

    def stale_finding(self) -> Finding | None:
        count = self.stale()
        if not count:
            return None
        return Finding.of(
            "baseline-stale",
            Path(os.path.relpath(self.path)).as_posix(),
            1,
            f"{count} baseline entr{'y' if count == 1 else 'ies'} no longer match any finding "
            "(fixed, or their lines changed)",
            "write the baseline again: `mkdocs-recipes check --write-baseline`",
        )


def fingerprint(code: str, line: str) -> str:
    digest = hashlib.sha256(f"{code}\0{line.strip()}".encode()).hexdigest()
    return digest[:16]


def write_baseline(path: Path, root: Path, findings: Iterable[Finding]) -> int:
    """Write the baseline of `findings` (warnings and errors); the number of findings."""
    helper = Baseline(path, root)
    counts: Counter[Key] = Counter()
    first_line: dict[Key, int] = {}
    for finding in findings:
        if finding.severity.rank < Severity.WARNING.rank:
            continue
        key = helper.key(finding)
        counts[key] += 1
        first_line.setdefault(key, finding.line)
    entries = [
        {
            "path": key[1],
            "code": key[0],
            "fingerprint": key[2],
            "count": counts[key],
            "line": first_line[key],
        }
        for key in sorted(counts, key=lambda k: (k[1], first_line[k], k[0]))
    ]
    _write_entries(path, entries)
    return sum(counts.values())


def accept_finding(path: Path, root: Path, finding: Finding, line_text: str) -> None:
    """Add one finding to the baseline at `path` (made when there is none), as it stands
    on a line reading `line_text` (the editor's buffer, which may not be saved yet). The
    other entries are kept as they are; BaselineError when the file is not a baseline."""
    existing = Baseline.load(path, root)
    helper = Baseline(path, root)
    file = Path(finding.path)
    key = (
        finding.code,
        helper.key_path(file if file.is_absolute() else Path.cwd() / file),
        fingerprint(finding.code, line_text),
    )
    entries: list[dict[str, object]] = []
    if existing is not None:
        data = json.loads(read_text(path, MAX_BYTES, encoding="utf-8"))
        entries = [entry for entry in data["findings"] if isinstance(entry, dict)]
    for entry in entries:
        if (entry.get("code"), entry.get("path"), entry.get("fingerprint")) == key:
            count = entry.get("count", 1)
            entry["count"] = (count if isinstance(count, int) else 1) + 1
            break
    else:
        entries.append(
            {
                "path": key[1],
                "code": key[0],
                "fingerprint": key[2],
                "count": 1,
                "line": finding.line,
            }
        )
    entries.sort(
        key=lambda entry: (str(entry.get("path")), _line_of(entry), str(entry.get("code")))
    )
    _write_entries(path, entries)


def _line_of(entry: dict[str, object]) -> int:
    line = entry.get("line")
    return line if isinstance(line, int) else 0


def _write_entries(path: Path, entries: list[dict[str, object]]) -> None:
    lines = ",\n".join("    " + json.dumps(entry, ensure_ascii=False) for entry in entries)
    text = (
        '{\n  "version": 1,\n  "tool": "mkdocs-recipes",\n'
        '  "note": "findings accepted for now; line is where each was when written",\n'
        f'  "findings": [\n{lines}\n  ]\n}}\n'
        if entries
        else '{\n  "version": 1,\n  "tool": "mkdocs-recipes",\n  "findings": []\n}\n'
    )
    from ..base.writing import atomic_write

    atomic_write(path, text.encode("utf-8"), mode=0o644)
