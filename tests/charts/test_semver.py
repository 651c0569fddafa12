"""Version constraints read and matched as Flux (Masterminds/semver v3) does."""

from __future__ import annotations

import pytest

from mkdocs_recipes.charts.semver import Constraint, Version, VersionError, resolve

VALID = [
    "6.18.x",
    "6.18.X",
    "6.5.*",
    "*",
    "",
    "~1.2",
    "~>1.2.3",
    "^1.2.3",
    ">=1.0 <2.0",
    ">=1.0, <2.0",
    ">= 1.0 , < 2.0",
    "1.2 - 1.4.5",
    ">=1.2 <3.0.0 || >=4.2.3",
    "v1.2.3",
    ">= 6.1.x-0",
    "!=1.2.3",
    "=>1.0 =<2.0",
    "2026.8.0",
]
INVALID = ["latest", "1.2.3.4", ">=1.0 && <2.0", "6.18.y", "1.2.3 -", ">>1.0", "1.2 ||", "v"]


@pytest.mark.parametrize("text", VALID)
def test_flux_accepts(text: str) -> None:
    assert Constraint.parse(text).groups


@pytest.mark.parametrize("text", INVALID)
def test_flux_rejects(text: str) -> None:
    with pytest.raises(VersionError):
        Constraint.parse(text)


# (constraint, version, admitted)
MATCHES = [
    ("6.18.x", "6.18.3", True),
    ("6.18.x", "6.19.0", False),
    ("6.18.x", "6.18.3-rc.1", False),
    ("6.18", "6.18.9", True),
    ("~1.2.3", "1.2.9", True),
    ("~1.2.3", "1.3.0", False),
    ("~1", "1.9.0", True),
    ("~1", "2.0.0", False),
    ("^1.2.3", "1.9.9", True),
    ("^1.2.3", "2.0.0", False),
    ("^0.2.3", "0.2.9", True),
    ("^0.2.3", "0.3.0", False),
    ("^0.0.3", "0.0.4", False),
    (">=1.0 <2.0", "1.5.0", True),
    (">=1.0, <2.0", "2.0.0", False),
    ("1.2 - 1.4.5", "1.4.5", True),
    ("1.2 - 1.4.5", "1.4.6", False),
    (">=1.2 <3.0.0 || >=4.2.3", "3.5.0", False),
    (">=1.2 <3.0.0 || >=4.2.3", "4.3.0", True),
    ("*", "10.7.0", True),
    ("*", "7.0.0-alpha1", False),
    (">=7.0.0-0", "7.0.0-alpha1", True),
    ("!=1.2.3", "1.2.3", False),
    (">1.2", "1.2.9", False),
    (">1.2", "1.3.0", True),
    ("<=1.2", "1.2.9", True),
    ("v1.21.x", "v1.21.1", True),
]


@pytest.mark.parametrize(("constraint", "version", "admitted"), MATCHES)
def test_matching(constraint: str, version: str, admitted: bool) -> None:
    assert Constraint.parse(constraint).admits(Version.parse(version)) is admitted


def test_resolve_prefers_exact_match_then_highest_stable() -> None:
    published = ["6.18.0", "6.18.1", "6.18.2", "6.18.3", "6.19.0", "7.0.0-rc.1"]
    assert resolve(Constraint.parse("6.18.x"), published) == "6.18.3"
    assert resolve(Constraint.parse("*"), published) == "6.19.0"
    assert resolve(Constraint.parse("6.18.1"), published) == "6.18.1"
    assert resolve(Constraint.parse("8.x"), published) is None


def test_resolve_ignores_versions_flux_cannot_parse_and_keeps_v_prefix() -> None:
    published = ["v0.0.0", "v1.21.0", "v1.21.1", "not-a-version", "1.21"]
    assert resolve(Constraint.parse("1.21.x"), published) == "v1.21.1"


def test_prerelease_order() -> None:
    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
    ]
    parsed = [Version.parse(v) for v in ordered]
    assert sorted(reversed(parsed)) == parsed
