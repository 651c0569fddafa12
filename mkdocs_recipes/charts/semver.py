"""Semantic versions and version constraints, with the semantics Flux uses.

Flux's source-controller resolves `.spec.chart.spec.version` (and an OCIRepository's
`ref.semver`) with the Go library Masterminds/semver v3. This module reproduces that
grammar and its matching rules, so that a page is judged exactly as a reader's Flux
would judge it:

* comparators `=` (or none), `!=`, `>`, `<`, `>=`/`=>`, `<=`/`=<`, `~`/`~>`, `^`;
* AND by spaces or commas, OR by `||` (`&&` is not part of the grammar);
* wildcards `x`, `X`, `*` and omitted parts (`6.18.x`, `6.18`, `*`);
* hyphen ranges `1.2 - 1.4.5` (spaces around `-` required);
* an optional `v` prefix;
* a comparator whose bound has no prerelease never admits a prerelease version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering
from typing import NamedTuple

_NUM_OR_X = r"[0-9xX*]+"
_PRERELEASE = r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*"
# One version as it may appear in a constraint (parts may be wildcards or omitted).
_CONSTRAINT_VERSION = (
    rf"v?({_NUM_OR_X})(?:\.({_NUM_OR_X}))?(?:\.({_NUM_OR_X}))?"
    rf"(?:-({_PRERELEASE}))?(?:\+({_PRERELEASE}))?"
)
_OPERATORS = r"!=|>=|=>|<=|=<|~>|~|\^|>|<|="
_COMPARATOR = re.compile(rf"\s*({_OPERATORS})?\s*{_CONSTRAINT_VERSION}")
_HYPHEN_RANGE = re.compile(
    rf"\s*(v?{_NUM_OR_X}(?:\.{_NUM_OR_X}){{0,2}}(?:-{_PRERELEASE})?(?:\+{_PRERELEASE})?)"
    rf"\s+-\s+"
    rf"(v?{_NUM_OR_X}(?:\.{_NUM_OR_X}){{0,2}}(?:-{_PRERELEASE})?(?:\+{_PRERELEASE})?)\s*"
)
_VERSION = re.compile(
    rf"^v?(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?(?:\.(0|[1-9][0-9]*))?"
    rf"(?:-({_PRERELEASE}))?(?:\+({_PRERELEASE}))?$"
)


#: Digits a version part may have (Python refuses int() of over 4300; none is that long).
_MAX_DIGITS = 18
#: Characters a version or a constraint may have before any pattern reads it (Flux's
#: longest real ranges are a few dozen; the hyphen-range scan is quadratic in a run of
#: digits).
MAX_LENGTH = 256


class VersionError(ValueError):
    """A version or constraint string that cannot be parsed."""


def _compare_prerelease(a: str, b: str) -> int:
    """Order prerelease strings as semver 2.0 does; an empty one is the highest."""
    if a == b:
        return 0
    if not a:
        return 1
    if not b:
        return -1
    left, right = a.split("."), b.split(".")
    for x, y in zip(left, right, strict=False):
        if x == y:
            continue
        x_num, y_num = x.isdigit(), y.isdigit()
        if x_num and y_num:
            # Numerically, without int(): an identifier may have thousands of digits.
            x_key, y_key = (len(x.lstrip("0")), x.lstrip("0")), (len(y.lstrip("0")), y.lstrip("0"))
            if x_key == y_key:
                continue
            return -1 if x_key < y_key else 1
        if x_num != y_num:
            return -1 if x_num else 1
        return -1 if x < y else 1
    return (len(left) > len(right)) - (len(left) < len(right))


@total_ordering
@dataclass(frozen=True)
class Version:
    """A semantic version. `original` keeps the text it was read from (`v1.2.3`)."""

    major: int
    minor: int
    patch: int
    prerelease: str = ""
    build: str = ""
    original: str = ""

    @classmethod
    def parse(cls, text: str, *, strict: bool = True) -> Version:
        """Read a version. `strict` needs all three parts, as Flux does for chart versions."""
        if len(text) > MAX_LENGTH:
            raise VersionError(f"{text[:40]!r}... is longer than a version can be")
        match = _VERSION.match(text.strip())
        if not match:
            raise VersionError(f"{text!r} is not a semantic version")
        major, minor, patch, pre, build = match.groups()
        if any(part is not None and len(part) > _MAX_DIGITS for part in (major, minor, patch)):
            raise VersionError(f"{text[:40]!r}... has a version part too long to be one")
        if strict and (minor is None or patch is None):
            raise VersionError(f"{text!r} is not a full version (MAJOR.MINOR.PATCH)")
        return cls(int(major), int(minor or 0), int(patch or 0), pre or "", build or "", text)

    def _key(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def compare(self, other: Version) -> int:
        if self._key() != other._key():
            return -1 if self._key() < other._key() else 1
        return _compare_prerelease(self.prerelease, other.prerelease)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self.compare(other) < 0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self.compare(other) == 0

    def __hash__(self) -> int:
        return hash((self._key(), self.prerelease))

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += f"-{self.prerelease}"
        if self.build:
            text += f"+{self.build}"
        return text


def _is_wild(part: str | None) -> bool:
    return part is None or part in ("x", "X", "*")


class _Comparator(NamedTuple):
    operator: str
    bound: Version
    # How much of the bound was given: 0 = nothing (`*`), 1 = major, 2 = major.minor, 3 = all.
    precision: int
    text: str

    def admits(self, v: Version) -> bool:
        if v.prerelease and not self.bound.prerelease:
            return False
        op, b = self.operator, self.bound
        if op in ("", "="):
            return self._tilde(v) if self.precision < 3 else v == b
        if op == "!=":
            return not self._tilde(v) if self.precision < 3 else v != b
        if op == ">":
            if self.precision == 0:
                return False
            if self.precision == 1:
                return v.major > b.major
            if self.precision == 2:
                return (v.major, v.minor) > (b.major, b.minor)
            return v > b
        if op == "<":
            return v < b
        if op in (">=", "=>"):
            return v >= b
        if op in ("<=", "=<"):
            if self.precision == 0:
                return True
            if self.precision == 1:
                return v.major <= b.major
            if self.precision == 2:
                return (v.major, v.minor) <= (b.major, b.minor)
            return v <= b
        if op in ("~", "~>"):
            return self._tilde(v)
        return self._caret(v)

    def _tilde(self, v: Version) -> bool:
        b = self.bound
        if v < b:
            return False
        if self.precision == 0:
            return True
        if v.major != b.major:
            return False
        return self.precision == 1 or v.minor == b.minor

    def _caret(self, v: Version) -> bool:
        b = self.bound
        if v < b:
            return False
        if self.precision == 0:
            return True
        if b.major > 0 or self.precision == 1:
            return v.major == b.major
        if v.major > 0:
            return False
        if b.minor > 0 or self.precision == 2:
            return v.minor == b.minor
        return v.minor == 0 and v.patch == b.patch


class Constraint(NamedTuple):
    """A parsed constraint: OR of AND-groups of comparators."""

    text: str
    groups: tuple[tuple[_Comparator, ...], ...]

    @classmethod
    def parse(cls, text: str) -> Constraint:
        """Parse `text` as Flux would, raising `VersionError` with a reason if it cannot."""
        if not isinstance(text, str):
            raise VersionError(f"{text!r} is not a string")
        if len(text) > MAX_LENGTH:
            raise VersionError(
                f"{text[:40]!r}... is {len(text):,} characters long; a constraint has at "
                f"most {MAX_LENGTH}"
            )
        if text.strip() in ("", "*"):
            # Flux resolves an empty version (and the CRD default `*`) to the latest stable.
            return cls(text, ((_Comparator(">=", Version(0, 0, 0), 0, "*"),),))
        rewritten = _HYPHEN_RANGE.sub(lambda m: f" >={m.group(1)} <={m.group(2)} ", text)
        groups = []
        for alternative in rewritten.split("||"):
            groups.append(_parse_and_group(alternative, text))
        return cls(text, tuple(groups))

    def admits(self, version: Version) -> bool:
        return any(all(c.admits(version) for c in group) for group in self.groups)

    def __str__(self) -> str:
        return self.text


def _parse_and_group(segment: str, whole: str) -> tuple[_Comparator, ...]:
    comparators: list[_Comparator] = []
    position = 0
    stripped_end = len(segment.rstrip())
    if not segment.strip():
        raise VersionError("an alternative around `||` is empty")
    while position < stripped_end:
        if comparators:
            # Between comparators: at least one space, or a comma.
            sep = re.compile(r"\s*,\s*|\s+").match(segment, position)
            if not sep:
                raise VersionError(_improper(whole, segment[position:]))
            position = sep.end()
        match = _COMPARATOR.match(segment, position)
        if not match or match.end() == position:
            raise VersionError(_improper(whole, segment[position:]))
        end = match.end()
        # A comparator must end at a separator or the end of the segment.
        if end < stripped_end and segment[end] not in " \t,":
            raise VersionError(_improper(whole, segment[end:]))
        comparators.append(_comparator(match))
        position = end
    return tuple(comparators)


def _improper(whole: str, rest: str) -> str:
    if rest.strip() == whole.strip():
        return "it does not start with a version or a comparison"
    return f"cannot read {rest.strip()!r}"


def _comparator(match: re.Match[str]) -> _Comparator:
    operator = match.group(1) or ""
    major, minor, patch, pre, _build = match.group(2, 3, 4, 5, 6)
    # Checked before any int(): `*0` is not a number, and neither is a 5000-digit part.
    for part in (major, minor, patch):
        if part is not None and not _is_wild(part) and not part.isdigit():
            raise VersionError(f"{match.group(0).strip()!r} mixes digits and wildcards")
        if part is not None and len(part) > _MAX_DIGITS:
            raise VersionError(f"a version part of {len(part)} digits is not a version")
    if _is_wild(major):
        precision, bound = 0, (0, 0, 0)
    elif _is_wild(minor):
        precision, bound = 1, (int(major), 0, 0)
    elif _is_wild(patch):
        precision, bound = 2, (int(major), int(minor), 0)
    else:
        precision, bound = 3, (int(major), int(minor), int(patch))
    for part in (major, minor, patch):
        if part is not None and not _is_wild(part) and not part.isdigit():
            raise VersionError(f"{match.group(0).strip()!r} mixes digits and wildcards")
    return _Comparator(operator, Version(*bound, prerelease=pre or ""), precision, match.group(0))


def resolve(constraint: Constraint, versions: list[str]) -> str | None:
    """The version Flux would pick from `versions` (as published), or None.

    An exact string match wins first; otherwise the highest version the constraint
    admits. Versions that are not full semantic versions are ignored, as Flux ignores them.
    """
    if constraint.text in versions:
        return constraint.text
    best: Version | None = None
    for text in versions:
        try:
            candidate = Version.parse(text)
        except VersionError:
            continue
        if constraint.admits(candidate) and (best is None or candidate > best):
            best = candidate
    return best.original if best else None
