"""`values_yaml_url`: the link a recipe gives to the chart's values.yaml.

GitHub page links (`/blob/`) are read as the raw file; links to pages that are not a values
file (Artifact Hub) are recognised without fetching them.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import yaml

from ..base.yaml_limits import MAX_NODES, YamlTooLarge, documents_bounded
from .helm_values import DEFAULT_HELM, merged_documents

_GITHUB_BLOB = re.compile(r"^https?://github\.com/([^/]+)/([^/]+)/(?:blob|raw)/(.+)$")
_NOT_VALUES_HOSTS = {"artifacthub.io": "an Artifact Hub page"}


def raw_url(url: str) -> str:
    """The URL of the file itself: GitHub `blob/<ref>/<path>` -> raw.githubusercontent.com."""
    match = _GITHUB_BLOB.match(url)
    if match:
        owner, repository, rest = match.groups()
        return f"https://raw.githubusercontent.com/{owner}/{repository}/{rest}"
    return url


def git_ref(url: str) -> str | None:
    """The branch or tag a GitHub link points at (`main` in `.../blob/main/...`)."""
    match = _GITHUB_BLOB.match(url)
    return match.group(3).split("/", 1)[0] if match else None


def known_non_values_page(url: str) -> str | None:
    """What the link is, when its host is known not to serve values files."""
    host = urlsplit(url).hostname or ""
    for known, what in _NOT_VALUES_HOSTS.items():
        if host == known or host.endswith("." + known):
            return what
    return None


def parse_values_file(
    body: bytes, helm: int = DEFAULT_HELM
) -> tuple[dict[str, Any] | None, str | None]:
    """The values in a downloaded file as Helm `helm` reads them (every document merged
    for Helm 4, the first for Helm 3), or why it is not a values file."""
    text = body.decode("utf-8-sig", errors="replace")
    if text.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        return None, "it is an HTML page, not a YAML file"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    documents: list[Any] = []
    try:
        # All the documents together stand for no more values than one could.
        for _, data in documents_bounded(text, loader, budget=[MAX_NODES]):
            documents.append(data)
            if helm == 3:
                break
    except YamlTooLarge as error:
        return None, f"it is not read: {error.problem}"
    except yaml.YAMLError as error:
        return None, f"it is not valid YAML ({getattr(error, 'problem', error)})"
    if not all(d is None or isinstance(d, dict) for d in documents):
        return None, "it is YAML but not a mapping of values"
    return merged_documents(documents), None


def differences(linked: dict[str, Any], pinned: dict[str, Any]) -> list[str]:
    """Top-level keys added or removed between the pinned chart's values and the link's."""
    added = sorted(set(linked) - set(pinned))
    removed = sorted(set(pinned) - set(linked))
    words = []
    if added:
        words.append(
            "adds " + ", ".join(f"`{k}`" for k in added[:5]) + (" ..." if len(added) > 5 else "")
        )
    if removed:
        words.append(
            "lacks "
            + ", ".join(f"`{k}`" for k in removed[:5])
            + (" ..." if len(removed) > 5 else "")
        )
    return words
