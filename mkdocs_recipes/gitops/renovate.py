"""A Renovate preset that bumps `helm_chart_version` in recipe front-matter.

Renovate's own managers read manifests (its `flux` manager) and Chart.yaml files, not
front-matter; a custom regex manager does. One regular expression per order in which the
site's pages write the three keys it needs (`helm_chart_name`, `helm_chart_version`,
`helm_chart_repo_url`), each bounded to the front-matter: it starts at the file's first
line, `---`, and never crosses a line that starts with `---`. Charts from HTTP
repositories are looked up with Renovate's Helm datasource; charts from OCI registries
with its Docker datasource, at the registry path plus the chart name. Renovate keeps the
page's range style itself (`6.18.x` becomes `10.7.x`).

The expressions use nothing that RE2 (which Renovate prefers) lacks: no look-around, no
back-reference.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

#: The keys the manager reads, and the Renovate field each becomes.
KEYS = ("helm_chart_name", "helm_chart_version", "helm_chart_repo_url")
DEFAULT_ORDER = KEYS
#: A front-matter line that does not end it (a line not starting with `---`).
_LINE = r"(?:(?:[^-\n]|-[^-\n]|--[^-\n])[^\n]*)?\n"
#: A value as YAML front-matter writes it: plain or quoted, then an optional comment.
_Q = "[\"']?"
_END = _Q + r"[ \t]*(?:#[^\n]*)?\n"
_TOKEN = "[^\"'\\s#]+"
_VALUE = {
    "helm_chart_name": f"{_Q}(?<depName>{_TOKEN})",
    "helm_chart_version": f"{_Q}(?<currentValue>{_TOKEN})",
}
_URL = {
    "http": f"{_Q}(?<registryUrl>https?://{_TOKEN})",
    "oci": f"{_Q}oci://(?<ociPath>{_TOKEN}?)/?",
}


def match_string(order: tuple[str, ...], source: str) -> str:
    """The expression for pages that write the keys in `order`; `source`: http or oci."""
    parts = ["^---\\n"]
    for key in order:
        value = _URL[source] if key == "helm_chart_repo_url" else _VALUE[key]
        parts.append(f"(?:{_LINE})*?{key}:[ \\t]*{value}{_END}")
    return "".join(parts)


def key_order(front_matter_keys: Iterable[str]) -> tuple[str, ...] | None:
    """The order of the three keys in a page's front-matter (None: one is missing)."""
    order = tuple(key for key in front_matter_keys if key in KEYS)
    return order if len(order) == len(KEYS) else None


def preset(
    orders: Iterable[tuple[str, ...]], file_pattern: str, site_name: str = ""
) -> dict[str, Any]:
    """The preset as data: one custom manager for HTTP repositories, one for OCI ones."""
    chosen = list(dict.fromkeys(orders)) or [DEFAULT_ORDER]
    common = {"customType": "regex", "managerFilePatterns": [file_pattern]}
    return {
        "$schema": "https://docs.renovatebot.com/renovate-schema.json",
        "description": "Bump helm_chart_version in recipe front-matter"
        + (f" ({site_name})" if site_name else ""),
        "customManagers": [
            {
                **common,
                "description": "recipe charts from HTTP chart repositories",
                "matchStrings": [match_string(order, "http") for order in chosen],
                "datasourceTemplate": "helm",
                "versioningTemplate": "helm",
            },
            {
                **common,
                "description": "recipe charts from OCI registries",
                "matchStrings": [match_string(order, "oci") for order in chosen],
                "datasourceTemplate": "docker",
                "packageNameTemplate": "{{{ociPath}}}/{{{depName}}}",
                "versioningTemplate": "helm",
            },
        ],
    }


def file_pattern(docs_dir: str) -> str:
    """Renovate's pattern for the Markdown pages under `docs_dir` (relative to the
    repository's root, `/`-separated; "" or "." for the root itself)."""
    folder = docs_dir.strip("/")
    escaped = "".join("\\" + c if c in r".^$*+?()[]{}|\/" else c for c in folder)
    prefix = f"^{escaped}/" if folder not in ("", ".") else "^"
    return f"/{prefix}.+\\.md$/"


def as_json5(data: Any, header: Iterable[str] = (), indent: int = 0) -> str:
    """JSON5 text: keys unquoted where they can be, trailing commas, comments on top."""
    lines = [f"// {line}" if line else "//" for line in header]
    lines.append(_json5(data, indent))
    return "\n".join(lines) + "\n"


def _json5(value: Any, indent: int) -> str:
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, dict):
        items = [f"{inner}{_key(k)}: {_json5(v, indent + 1)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        items = [f"{inner}{_json5(v, indent + 1)}," for v in value]
        return "[\n" + "\n".join(items) + f"\n{pad}]"
    return json.dumps(value)  # \u escapes: no control or bidi character as itself


def _key(key: str) -> str:
    return key if key.replace("_", "a").replace("$", "a").isalnum() else json.dumps(key)
