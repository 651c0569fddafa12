"""Recipe front-matter -> a typed, validated `Recipe`.

A page is a recipe when its front-matter has `helm_chart_name`. Each problem becomes a
`Finding` at the line of the offending key, with a hint of what to write instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import yaml

from . import kubernetes
from .charts.semver import Constraint, VersionError
from .findings import Finding
from .frontmatter import FrontMatter, read_front_matter

REQUIRED_KEYS = (
    "helm_chart_name",
    "helm_chart_version",
    "helm_chart_repo_url",
    "helmrelease_namespace",
)
OPTIONAL_KEYS = (
    "helm_chart_repo_name",
    "helmrelease_name",
    "kustomization_name",
    "values_yaml_url",
    "slug",
)
#: Keys that only make sense on a recipe: their presence without `helm_chart_name`
#: means an author meant to write one.
RECIPE_KEYS = REQUIRED_KEYS + OPTIONAL_KEYS
_EXAMPLES = {
    "helm_chart_name": "podinfo",
    "helm_chart_version": '"6.5.x"',
    "helm_chart_repo_url": "https://stefanprodan.github.io/podinfo",
    "helmrelease_namespace": "podinfo",
}


@dataclass(frozen=True)
class Link:
    """One entry of the `links` list shown in the recipe footer."""

    name: str
    uri: str


@dataclass(frozen=True)
class Recipe:
    """The chart a recipe page deploys and the names its Flux objects get."""

    path: str
    helm_chart_name: str
    helm_chart_version: str
    helm_chart_repo_url: str
    helm_chart_repo_name: str
    helmrelease_name: str
    helmrelease_namespace: str
    kustomization_name: str
    slug: str
    title: str | None = None
    description: str | None = None
    status: str | None = None
    upstream: str | None = None
    values_yaml_url: str | None = None
    links: tuple[Link, ...] = ()
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_oci(self) -> bool:
        return self.helm_chart_repo_url.startswith("oci://")

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def is_recipe(meta: dict[str, Any]) -> bool:
    """Whether a page's metadata declares a recipe."""
    return "helm_chart_name" in meta


def read_recipe(source: str, path: str) -> tuple[Recipe | None, list[Finding]]:
    """Read the recipe of a page source (None for an ordinary page or a broken recipe)."""
    front_matter, findings = read_front_matter(source, path)
    if findings:
        return None, findings
    return recipe_from_front_matter(front_matter, path)


def recipe_from_front_matter(
    front_matter: FrontMatter, path: str
) -> tuple[Recipe | None, list[Finding]]:
    """Validate front-matter as a recipe. Pages with no recipe keys give (None, [])."""
    data = front_matter.data
    if not any(key in data for key in RECIPE_KEYS):
        return None, []
    reader = _Reader(front_matter, path)
    for key in REQUIRED_KEYS:
        if key not in data or data[key] is None or data[key] == "":
            reader.missing(key)
    chart = reader.string("helm_chart_name")
    if chart is not None and not _valid_chart_name(chart):
        reader.report(
            "recipe-invalid-name",
            "helm_chart_name",
            f"helm_chart_name {chart!r} is not a Helm chart name",
            "use the chart's name as published in its repository, e.g. `podinfo`",
        )
        chart = None
    version = reader.version()
    repo_url = reader.url("helm_chart_repo_url", ("http", "https", "oci"))
    namespace = reader.name("helmrelease_namespace", kubernetes.label_problem, 63)
    release = reader.name(
        "helmrelease_name",
        lambda v: kubernetes.subdomain_problem(v, kubernetes.HELM_RELEASE_NAME_MAX),
        kubernetes.HELM_RELEASE_NAME_MAX,
        default=chart,
    )
    repo_name = reader.name(
        "helm_chart_repo_name", kubernetes.subdomain_problem, 253, default=chart
    )
    kustomization = reader.name(
        "kustomization_name", kubernetes.subdomain_problem, 253, default=release
    )
    values_url = reader.url("values_yaml_url", ("http", "https"), required=False)
    upstream = reader.url("upstream", ("http", "https"), required=False)
    title = reader.string("title", required=False)
    description = reader.string("description", required=False)
    status = reader.string("status", required=False)
    slug = reader.string("slug", required=False) or title or chart
    links = reader.links()
    if reader.findings or None in (chart, version, repo_url, namespace, release):
        return None, reader.findings
    assert chart and version and repo_url and namespace and release
    return (
        Recipe(
            path=path,
            helm_chart_name=chart,
            helm_chart_version=version,
            helm_chart_repo_url=repo_url,
            helm_chart_repo_name=repo_name or chart,
            helmrelease_name=release,
            helmrelease_namespace=namespace,
            kustomization_name=kustomization or release,
            slug=slug or chart,
            title=title,
            description=description,
            status=status,
            upstream=upstream,
            values_yaml_url=values_url,
            links=links,
            key_lines=dict(front_matter.key_lines),
        ),
        [],
    )


def _url_safe(value: str) -> bool:
    """No characters that would end a Markdown link or an HTML attribute early."""
    return not any(c.isspace() or c in "<>\"'`\\{}|^" for c in value)


def _link_target_ok(uri: str) -> bool:
    scheme = urlsplit(uri).scheme
    return _url_safe(uri) and scheme in ("", "http", "https", "mailto")


def _valid_chart_name(name: str) -> bool:
    # Helm allows letters, digits, '-', '_' and '.'; a '/' would mean a repo prefix.
    return bool(name) and len(name) <= 2048 and all(c.isalnum() or c in "-_." for c in name)


class _Reader:
    """Reads typed values out of front-matter, collecting findings as it goes."""

    def __init__(self, front_matter: FrontMatter, path: str) -> None:
        self.fm = front_matter
        self.path = path
        self.findings: list[Finding] = []
        self._reported: set[str] = set()

    def report(
        self, code: str, key: str, message: str, hint: str | None = None, line: int | None = None
    ) -> None:
        self._reported.add(key)
        self.findings.append(
            Finding.of(code, self.path, line or self.fm.line_of(key), message, hint)
        )

    def missing(self, key: str) -> None:
        example = _EXAMPLES.get(key, "...")
        self.report(
            "recipe-missing-key",
            key,
            f"recipe front-matter has no `{key}`"
            + (" (it is empty)" if key in self.fm.data else ""),
            f"add `{key}: {example}` to the front-matter",
        )

    def string(self, key: str, required: bool = True) -> str | None:
        if key in self._reported or key not in self.fm.data:
            return None
        value = self.fm.data[key]
        if value is None or value == "":
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            node = self.fm.nodes.get(key)
            raw = node.value if isinstance(node, yaml.ScalarNode) else str(value)
            changed = "" if raw == str(value) else f" and became {value!r}"
            self.report(
                "recipe-yaml-number",
                key,
                f"`{key}: {raw}` was read by YAML as a number{changed}",
                f'quote it: `{key}: "{raw}"`',
            )
            return None
        if not isinstance(value, str):
            self.report(
                "recipe-wrong-type",
                key,
                f"`{key}` must be a single string, not a {_yaml_type(value)}",
                f"write `{key}: some-value` on one line",
            )
            return None
        return value

    def version(self) -> str | None:
        value = self.string("helm_chart_version")
        if value is None:
            return None
        try:
            Constraint.parse(value)
        except VersionError as error:
            self.report(
                "recipe-invalid-version",
                "helm_chart_version",
                f"helm_chart_version {value!r} is not a version constraint Flux accepts: {error}",
                'pin an exact version ("6.18.3") or a range ("6.18.x", "~6.18", ">=6.0 <7.0")',
            )
            return None
        return value

    def url(self, key: str, schemes: tuple[str, ...], required: bool = True) -> str | None:
        value = self.string(key, required)
        if value is None:
            return None
        parts = urlsplit(value)
        wanted = ", ".join(f"{s}://" for s in schemes[:-1]) + f" or {schemes[-1]}://"
        wanted = wanted.removeprefix(", ").removeprefix(" or ")
        if parts.scheme not in schemes or not parts.netloc or not _url_safe(value):
            self.report(
                "recipe-invalid-url",
                key,
                f"{key} {value!r} is not a valid {wanted} URL",
                f"write a full URL starting with {wanted}",
            )
            return None
        return value

    def name(self, key, problem_of, max_length: int, default: str | None = None) -> str | None:
        if key not in self.fm.data or self.fm.data[key] in (None, ""):
            if default is not None and problem_of(default):
                # The default (the chart name) is not a valid name here: say which key to set.
                self.report(
                    "recipe-invalid-name",
                    "helm_chart_name",
                    f"the chart name {default!r} cannot be used as {key} (it "
                    f"{problem_of(default)})",
                    f"set `{key}: {kubernetes.suggest_name(default, max_length)}`",
                )
                return None
            return default
        value = self.string(key)
        if value is None:
            return None
        problem = problem_of(value)
        if problem:
            self.report(
                "recipe-invalid-name",
                key,
                f"{key} {value!r} is not a valid Kubernetes name: it {problem}",
                f"write `{key}: {kubernetes.suggest_name(value, max_length)}`",
            )
            return None
        return value

    def links(self) -> tuple[Link, ...]:
        if "links" not in self.fm.data or self.fm.data["links"] is None:
            return ()
        value = self.fm.data["links"]
        node = self.fm.nodes["links"]
        hint = "write `links:` followed by items like `- name: GitHub` / `  uri: https://...`"
        if not isinstance(value, list) or not isinstance(node, yaml.SequenceNode):
            self.report(
                "recipe-invalid-links", "links", "`links` must be a list of {name, uri}", hint
            )
            return ()
        links = []
        for item, item_node in zip(value, node.value, strict=True):
            line = self.fm.node_line(item_node)
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("name"), str)
                or not isinstance(item.get("uri"), str)
                or not item["name"].strip()
                or not item["uri"].strip()
            ):
                self.report(
                    "recipe-invalid-links",
                    "links",
                    f"each entry of `links` needs a `name` and a `uri` string; got {item!r}",
                    hint,
                    line=line,
                )
                continue
            if not _link_target_ok(item["uri"]):
                self.report(
                    "recipe-invalid-links",
                    "links",
                    f"link target {item['uri']!r} is not an http(s), mailto or relative URL",
                    "write a full https:// URL without spaces or quotes",
                    line=line,
                )
                continue
            extra = sorted(set(item) - {"name", "uri"})
            if extra:
                self.report(
                    "recipe-invalid-links",
                    "links",
                    f"unknown key(s) {', '.join(extra)} in a `links` entry",
                    "a link has only `name` and `uri`",
                    line=line,
                )
                continue
            links.append(Link(item["name"], item["uri"]))
        return tuple(links)


def _yaml_type(value: object) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if isinstance(value, bool):
        return "boolean"
    return type(value).__name__
