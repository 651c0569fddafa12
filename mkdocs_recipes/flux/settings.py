"""The Flux output options: `flux:` in mkdocs.yml, a page's `flux:` front-matter and
macro keywords, checked and combined. (Apart from flux.py, which builds the objects, so
that a site without recipes reads its options without loading the object builders.)"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from ..base import kubernetes
from . import releases

OCI_SOURCES = ("auto", "OCIRepository", "HelmRepository")
#: OCIRepository is emitted (with HelmRelease `chartRef`) from the release where it is GA.
OCI_REPOSITORY_FROM = "2.6"
_DURATION = re.compile(r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$")
_PLACEHOLDERS = {"namespace", "repository", "kustomization", "release", "chart"}


class FluxSettings(NamedTuple):
    """Choices for the emitted objects: site-wide in mkdocs.yml (`flux:`), per page in the
    front-matter (`flux:`), per call as macro keywords. Defaults follow `flux bootstrap`."""

    flux_version: str = releases.CURRENT
    flux_namespace: str = "flux-system"
    git_repository: str = "flux-system"
    repository_interval: str = "15m"
    kustomization_interval: str = "15m"
    kustomization_timeout: str = "5m"
    release_interval: str = "15m"
    release_timeout: str | None = None
    create_namespace: bool = False
    remediation_retries: int = 3
    oci_source: str = "auto"
    values_in_helmrelease: bool = False
    namespace_path: str = "/bootstrap/namespaces/namespace-{namespace}.yaml"
    helmrepository_path: str = "/bootstrap/helmrepositories/helmrepository-{repository}.yaml"
    # One OCIRepository per chart (its URL is the chart's own repository): named after it.
    ocirepository_path: str = "/bootstrap/ocirepositories/ocirepository-{chart}.yaml"
    kustomization_path: str = "/bootstrap/kustomizations/kustomization-{kustomization}.yaml"
    helmrelease_path: str = "/{namespace}/helmrelease-{release}.yaml"

    def with_overrides(
        self, overrides: Mapping[str, Any]
    ) -> tuple[FluxSettings, list[SettingProblem]]:
        """These settings with `overrides` applied; invalid ones are left out and reported."""
        problems: list[SettingProblem] = []
        changes: dict[str, Any] = {}
        names = self._fields
        for key, value in overrides.items():
            if key not in names:
                close = difflib.get_close_matches(str(key), names, n=1)
                problems.append(
                    SettingProblem(
                        str(key),
                        f"unknown Flux option `{key}`",
                        f"did you mean `{close[0]}`?" if close else f"known: {', '.join(names)}",
                    )
                )
                continue
            checked, problem = _check(key, value)
            if problem:
                problems.append(SettingProblem(key, *problem))
            else:
                changes[key] = checked
        settings = self._replace(**changes)
        combination = settings._combination_problem()
        if combination:
            problems.append(combination)
            settings = settings._replace(oci_source="auto")
        return settings, problems

    def _combination_problem(self) -> SettingProblem | None:
        if self.oci_source == "OCIRepository" and before_release(
            self.flux_version, OCI_REPOSITORY_FROM
        ):
            return SettingProblem(
                "oci_source",
                f"`oci_source: OCIRepository` needs Flux {OCI_REPOSITORY_FROM} or later "
                f"(OCIRepository v1 with HelmRelease chartRef); this targets Flux "
                f"{self.flux_version}",
                f'set `flux_version: "{OCI_REPOSITORY_FROM}"` or later, or use '
                "`oci_source: HelmRepository`",
            )
        return None


class SettingProblem(NamedTuple):
    key: str
    message: str
    hint: str | None = None


def before_release(release: str, other: str) -> bool:
    return releases.RELEASES.index(release) < releases.RELEASES.index(other)


def _check(key: str, value: Any) -> tuple[Any, tuple[str, str] | None]:
    if key == "flux_version":
        release = releases.normalise_release(value)
        if release is None:
            return None, (
                f"flux_version {value!r} is not a Flux release this table knows",
                f'write one of {", ".join(releases.RELEASES)} as a quoted string, e.g. "2.6"',
            )
        return release, None
    if key in ("create_namespace", "values_in_helmrelease"):
        if not isinstance(value, bool):
            return None, (f"{key} must be true or false, not {value!r}", f"{key}: true")
        return value, None
    if key == "remediation_retries":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return None, (
                f"remediation_retries must be a whole number >= 0, not {value!r}",
                "remediation_retries: 3",
            )
        return value, None
    if key == "oci_source":
        if value not in OCI_SOURCES:
            return None, (
                f"oci_source {value!r} is not one of {', '.join(OCI_SOURCES)}",
                "oci_source: auto",
            )
        return value, None
    if key == "release_timeout" and value is None:
        return None, None
    if key.endswith(("_interval", "_timeout")):
        if not isinstance(value, str) or not _DURATION.match(value):
            return None, (
                f"{key} {value!r} is not a Go duration Flux accepts",
                f'write a number with a unit, e.g. `{key}: "10m"` or "1h30m" (ms, s, m, h)',
            )
        return value, None
    if key == "flux_namespace":
        problem = (
            kubernetes.label_problem(str(value)) if isinstance(value, str) else "is not a string"
        )
        if problem:
            return None, (f"flux_namespace {value!r} {problem}", "flux_namespace: flux-system")
        return value, None
    if key == "git_repository":
        problem = (
            kubernetes.subdomain_problem(str(value))
            if isinstance(value, str)
            else "is not a string"
        )
        if problem:
            return None, (f"git_repository {value!r} {problem}", "git_repository: flux-system")
        return value, None
    if key.endswith("_path"):
        problem = _path_problem(value)
        if problem:
            return None, (
                f"{key} {str(value)[:80]!r} {problem}",
                "a path starting with '/' whose only braces are the placeholders {namespace}, "
                "{repository}, {kustomization}, {release}, {chart}",
            )
        return value, None
    return value, None  # pragma: no cover - every field is handled above


PATH_FIELD = re.compile(r"\{([^{}]*)\}")
#: A longer file path is no path a reader keeps in a repository.
MAX_PATH_LENGTH = 512


def _path_problem(value: Any) -> str | None:
    """Why a `*_path` option is not a path template (None: it is one). Only the named
    placeholders are fields: no format spec, conversion, attribute or index."""
    if not isinstance(value, str):
        return "is not a string"
    if not value.startswith("/"):
        return "must start with '/'"
    if len(value) > MAX_PATH_LENGTH:
        return f"is longer than {MAX_PATH_LENGTH} characters"
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in value):
        return "holds a control character"
    if any(part.startswith(".") and part not in (".", "..") for part in value.split("/")):
        # (`..` is judged where the file is written: inside the output folder or not.)
        return "names a hidden file or folder (`.git/`, `.github/`), where export never writes"
    unknown = [name for name in PATH_FIELD.findall(value) if name not in _PLACEHOLDERS]
    if unknown:
        return f"has unknown placeholder(s) {', '.join('{' + n + '}' for n in unknown)}"
    if "{" in PATH_FIELD.sub("", value) or "}" in PATH_FIELD.sub("", value):
        return "has a brace that is not part of a placeholder"
    return None
