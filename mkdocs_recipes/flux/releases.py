"""Which Flux API versions each Flux release serves, and which one to emit.

From the Flux controllers' changelogs and CRDs, and the Flux CLI's `flux migrate` table
of the latest version of every kind (table in docs/guide/flux-output.md):

* source: HelmRepository/HelmChart `v1` since Flux 2.3, Bucket `v1` since 2.4,
  OCIRepository `v1` since 2.6, ExternalArtifact `v1` since 2.7, GitRepository `v1`
  since 2.0; `v1beta1` removed in 2.7, `v1beta2` in 2.8;
* helm: HelmRelease `v2beta2` since 2.2, `v2` since 2.3; `v2beta1` removed in 2.7,
  `v2beta2` in 2.8;
* kustomize: Kustomization `v1` since 2.0; `v1beta1` removed in 2.7, `v1beta2` in 2.8;
* notification: Receiver `v1` since 2.0, Alert/Provider `v1beta3` since 2.2; `v1beta1`
  removed in 2.7, `v1beta2` in 2.9;
* image: ImageRepository/ImagePolicy `v1beta2` since 2.1, ImageUpdateAutomation
  `v1beta2` since 2.2, all three `v1` since 2.7; `v1beta1` removed in 2.7, `v1beta2`
  in 2.9;
* source-watcher: ArtifactGenerator `source.extensions.fluxcd.io/v1beta1` since 2.7.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

RELEASES = ("2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9")
CURRENT = RELEASES[-1]

SOURCE = "source.toolkit.fluxcd.io"
HELM = "helm.toolkit.fluxcd.io"
KUSTOMIZE = "kustomize.toolkit.fluxcd.io"
NOTIFICATION = "notification.toolkit.fluxcd.io"
IMAGE = "image.toolkit.fluxcd.io"
SOURCE_EXTENSIONS = "source.extensions.fluxcd.io"

# (group/version, kind) -> (first release serving it, last release serving it or None).
_SERVED: dict[tuple[str, str], tuple[str, str | None]] = {}


def _serve(api: str, kinds: tuple[str, ...], first: str, last: str | None) -> None:
    for kind in kinds:
        _SERVED[(api, kind)] = (first, last)


# Within a kind, later entries are newer versions (`preferred` takes the last served).
_SOURCES = ("GitRepository", "HelmRepository", "HelmChart", "Bucket")
_serve(f"{SOURCE}/v1beta1", _SOURCES, "2.0", "2.6")
_serve(f"{SOURCE}/v1beta2", (*_SOURCES, "OCIRepository"), "2.0", "2.7")
_serve(f"{SOURCE}/v1", ("GitRepository",), "2.0", None)
_serve(f"{SOURCE}/v1", ("HelmRepository", "HelmChart"), "2.3", None)
_serve(f"{SOURCE}/v1", ("Bucket",), "2.4", None)
_serve(f"{SOURCE}/v1", ("OCIRepository",), "2.6", None)
_serve(f"{SOURCE}/v1", ("ExternalArtifact",), "2.7", None)
_serve(f"{SOURCE_EXTENSIONS}/v1beta1", ("ArtifactGenerator",), "2.7", None)
_serve(f"{HELM}/v2beta1", ("HelmRelease",), "2.0", "2.6")
_serve(f"{HELM}/v2beta2", ("HelmRelease",), "2.2", "2.7")
_serve(f"{HELM}/v2", ("HelmRelease",), "2.3", None)
_serve(f"{KUSTOMIZE}/v1beta1", ("Kustomization",), "2.0", "2.6")
_serve(f"{KUSTOMIZE}/v1beta2", ("Kustomization",), "2.0", "2.7")
_serve(f"{KUSTOMIZE}/v1", ("Kustomization",), "2.0", None)
_NOTIFICATIONS = ("Alert", "Provider", "Receiver")
_serve(f"{NOTIFICATION}/v1beta1", _NOTIFICATIONS, "2.0", "2.6")
_serve(f"{NOTIFICATION}/v1beta2", _NOTIFICATIONS, "2.0", "2.8")
_serve(f"{NOTIFICATION}/v1beta3", ("Alert", "Provider"), "2.2", None)
_serve(f"{NOTIFICATION}/v1", ("Receiver",), "2.0", None)
_IMAGES = ("ImageRepository", "ImagePolicy", "ImageUpdateAutomation")
_serve(f"{IMAGE}/v1beta1", _IMAGES, "2.0", "2.6")
_serve(f"{IMAGE}/v1beta2", ("ImageRepository", "ImagePolicy"), "2.1", "2.8")
_serve(f"{IMAGE}/v1beta2", ("ImageUpdateAutomation",), "2.2", "2.8")
_serve(f"{IMAGE}/v1", _IMAGES, "2.7", None)

#: Kinds whose API versions this table knows; others are not judged.
KNOWN_KINDS = frozenset(kind for _, kind in _SERVED)
#: The API groups Flux owns (its controllers' and source-watcher's).
FLUX_GROUPS = frozenset(api.rpartition("/")[0] for api, _ in _SERVED)


def _rank(release: str) -> int:
    return RELEASES.index(release)


def normalise_release(text: object) -> str | None:
    """`2.6`, `"2.6.1"`, `"v2.6"` -> `"2.6"`; None when it is not a known release."""
    value = str(text).strip().lstrip("v")
    parts = value.split(".")
    if len(parts) < 2 or not all(p.isdigit() for p in parts[:2]):
        return None
    release = f"{int(parts[0])}.{int(parts[1])}"
    return release if release in RELEASES else None


def serves(api_version: str, kind: str, release: str) -> bool | None:
    """Whether `release` serves `api_version` for `kind` (None: not a kind we track)."""
    if kind not in KNOWN_KINDS:
        return None
    window = _SERVED.get((api_version, kind))
    if window is None:
        return False
    first, last = window
    return _rank(first) <= _rank(release) and (last is None or _rank(release) <= _rank(last))


@cache
def preferred(kind: str, release: str) -> str:
    """The newest API version of `kind` that `release` serves: the one to emit (asked for
    each object of every page; kept per kind and release, as the table never changes)."""
    candidates = [
        (api, window)
        for (api, k), window in _SERVED.items()
        if k == kind and serves(api, kind, release)
    ]
    if not candidates:
        raise KeyError(f"Flux {release} serves no {kind}")
    # Later entries in the table are newer versions.
    return candidates[-1][0]


def first_release(api_version: str, kind: str) -> str | None:
    window = _SERVED.get((api_version, kind))
    return window[0] if window else None


def last_release(api_version: str, kind: str) -> str | None:
    window = _SERVED.get((api_version, kind))
    return window[1] if window else None


class ApiVerdict(NamedTuple):
    """Why a hand-written apiVersion does not work on a release, and what to write."""

    message: str
    hint: str


def is_flux_api(api_version: str) -> bool:
    """Whether `api_version` is `<group>/<version>` of one of Flux's API groups
    (`*.toolkit.fluxcd.io`, `source.extensions.fluxcd.io`). Others
    (`kustomize.config.k8s.io`, `apps`, other operators' groups) are not Flux's, and
    neither is a string that is not a group/version at all (`group/v1/v2`), which
    `flux migrate` also leaves alone."""
    group, slash, version = api_version.partition("/")
    if not slash or not version or "/" in version:
        return False
    return group in FLUX_GROUPS or group.endswith(".toolkit.fluxcd.io")


def judge(api_version: str, kind: str, release: str) -> ApiVerdict | None:
    """None when `release` serves it (or it is not a Flux API, or the kind is not tracked);
    else what is wrong."""
    if not is_flux_api(api_version):
        return None
    verdict = serves(api_version, kind, release)
    if verdict is None or verdict:
        return None
    last = last_release(api_version, kind)
    first = first_release(api_version, kind)
    if last is not None and _rank(release) > _rank(last):
        why = f"was removed in Flux {RELEASES[_rank(last) + 1]}"
    elif first is not None:
        why = f"is only served from Flux {first} on"
    else:
        why = "is not an API version Flux has ever served"
    try:
        hint = f"write `apiVersion: {preferred(kind, release)}`"
    except KeyError:  # a kind newer than the release (ArtifactGenerator on 2.6)
        since = min((w[0] for (_, k), w in _SERVED.items() if k == kind), key=_rank)
        hint = f'{kind} needs Flux {since} or later: set `flux_version: "{since}"` or later'
    return ApiVerdict(f"`{api_version}` {kind} {why}; this site targets Flux {release}", hint)


#: Fields an API version no longer has (removed at GA, from the controllers' changelogs):
#: (kind, apiVersion) -> (path in the object, "*" for every list item; what to write instead).
#: An object that sets one cannot simply be given the new apiVersion.
REMOVED_FIELDS: dict[tuple[str, str], tuple[tuple[tuple[str, ...], str], ...]] = {
    ("HelmRelease", f"{HELM}/v2"): (
        (("spec", "chart", "spec", "valuesFile"), "use `valuesFiles` (a list)"),
        (
            ("spec", "postRenderers", "*", "kustomize", "patchesJson6902"),
            "use `patches` (with a `target`)",
        ),
        (
            ("spec", "postRenderers", "*", "kustomize", "patchesStrategicMerge"),
            "use `patches`",
        ),
    ),
    ("HelmChart", f"{SOURCE}/v1"): ((("spec", "valuesFile"), "use `valuesFiles` (a list)"),),
    ("Kustomization", f"{KUSTOMIZE}/v1"): (
        (("spec", "validation"), "remove it: v1 always validates server-side"),
        (("spec", "patchesStrategicMerge"), "use `patches`"),
        (("spec", "patchesJson6902"), "use `patches` (with a `target`)"),
    ),
    ("GitRepository", f"{SOURCE}/v1"): (
        (("spec", "gitImplementation"), "remove it: v1 has one Git implementation"),
        (("spec", "accessFrom"), "remove it: v1 has no cross-namespace access list"),
    ),
}


def removed_fields(kind: str, api_version: str, body: object) -> list[str]:
    """The fields of `body` (an object's data) that `api_version` of `kind` no longer
    has, each with what to write instead."""
    found = []
    for path, advice in REMOVED_FIELDS.get((kind, api_version), ()):
        if _has_path(body, path):
            dotted = ".".join("[]" if part == "*" else part for part in path).replace(".[]", "[]")
            found.append(f"`{dotted}` is gone in {api_version}: {advice}")
    return found


def _has_path(data: object, path: tuple[str, ...]) -> bool:
    if not path:
        return True
    head, rest = path[0], path[1:]
    if head == "*":
        return isinstance(data, list) and any(_has_path(item, rest) for item in data)
    return isinstance(data, dict) and head in data and _has_path(data[head], rest)


def replacement(api_version: str, kind: str, release: str) -> str | None:
    """The version to write instead of a removed `api_version` (None: it was not removed
    but is too new for `release`, or nothing replaces it)."""
    last = last_release(api_version, kind)
    if last is None or _rank(release) <= _rank(last):
        return None
    try:
        return preferred(kind, release)
    except KeyError:
        return None
