"""Recipe front-matter -> a typed, validated `Recipe`.

A page is a recipe when its front-matter has `helm_chart_name`, and only then. Keys that
themes and other plugins use as well (`slug`, `title`, `description`, `links`, ...) never
make a page one. Each problem becomes a `Finding` at the line of the offending key, with a
hint of what to write instead, drawn from the page itself (never from an example chart).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import yaml

from ..base import kubernetes
from ..charts.semver import Constraint, VersionError
from ..pages.markup import link_target
from ..report.findings import Finding
from .frontmatter import FrontMatter, read_front_matter
from .keys import chart_keys_in, is_recipe

REQUIRED_KEYS = (
    "helm_chart_name",
    "helm_chart_version",
    "helm_chart_repo_url",
    "helmrelease_namespace",
)
_GITHUB = re.compile(r"^https?://(?:www\.)?github\.com/([^/\s]+)/([^/\s#?]+)")
_GITHUB_RAW = re.compile(r"^https?://raw\.githubusercontent\.com/([^/\s]+)/([^/\s#?]+)/")


class Link(NamedTuple):
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


def read_recipe(source: str, path: str) -> tuple[Recipe | None, list[Finding]]:
    """Read the recipe of a page source (None for an ordinary page or a broken recipe)."""
    front_matter, findings = read_front_matter(source, path)
    if findings:
        return None, findings
    return recipe_from_front_matter(front_matter, path)


def recipe_from_front_matter(
    front_matter: FrontMatter, path: str
) -> tuple[Recipe | None, list[Finding]]:
    """Validate front-matter as a recipe. Pages without `helm_chart_name` are not recipes:
    (None, []), or one finding when they carry keys only a recipe uses."""
    data = front_matter.data
    if not is_recipe(data):
        stray = chart_keys_in(data)
        if not stray:
            return None, []
        shown = ", ".join(f"`{k}`" for k in stray[:4]) + (" ..." if len(stray) > 4 else "")
        return None, [
            Finding.of(
                "recipe-without-chart",
                path,
                front_matter.line_of(stray[0]),
                f"the front-matter has recipe keys ({shown}) but no `helm_chart_name`, so "
                "this page is not read as a recipe and nothing on it is checked",
                "add `helm_chart_name:` with the chart's name as its repository lists it"
                + _chart_name_suggestion(data)
                + ", or remove these keys if the page is not a recipe",
            )
        ]
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
            "use the chart's name exactly as its repository's index or registry lists it"
            " (letters, digits, `-`, `_`, `.`; no repository prefix)",
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


def _shown(value: str, limit: int = 80) -> str:
    """A value quoted for a message, cut short when it is long (a finding is one line)."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + "…"


#: Characters that would end a Markdown link or an HTML attribute early.
_URL_UNSAFE = re.compile(r"[\s<>\"'`\\{}|^]")


def _url_safe(value: str) -> bool:
    """No characters that would end a Markdown link or an HTML attribute early."""
    return _URL_UNSAFE.search(value) is None


def _link_target_ok(uri: str) -> bool:
    # Judged as the browser reads it: `javascript&colon;alert(1)` is a javascript: link.
    return _url_safe(uri) and link_target(uri) is not None


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
        self.report(
            "recipe-missing-key",
            key,
            f"recipe front-matter has no `{key}`"
            + (" (it is empty)" if key in self.fm.data else ""),
            missing_key_hint(key, self.fm.data),
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
                f"helm_chart_version {_shown(value)} is not a version constraint Flux "
                f"accepts: {_shown(str(error), 120)}",
                'pin an exact version ("6.18.3") or a range ("6.18.x", "~6.18", ">=6.0 <7.0")',
            )
            return None
        return value

    def url(self, key: str, schemes: tuple[str, ...], required: bool = True) -> str | None:
        value = self.string(key, required)
        if value is None:
            return None
        wanted = ", ".join(f"{s}://" for s in schemes[:-1]) + f" or {schemes[-1]}://"
        wanted = wanted.removeprefix(", ").removeprefix(" or ")
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
        except ValueError:
            parts = None
        if parts is not None and (parts.username is not None or parts.password is not None):
            # Never repeated: the value holds a secret.
            self.report(
                "recipe-invalid-url",
                key,
                f"{key} holds credentials (`user:password@`); they would be published in "
                "the page, the HelmRepository and the lockfile, and are never sent",
                "remove them from the URL; for a private registry set "
                "MKDOCS_RECIPES_REGISTRY_HOST, _USERNAME and _PASSWORD in the build's "
                "environment",
            )
            return None
        if parts is None or parts.scheme not in schemes or not parts.netloc or not _url_safe(value):
            self.report(
                "recipe-invalid-url",
                key,
                f"{key} {_shown(value)} is not a valid {wanted} URL",
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


def missing_key_hint(key: str, data: dict[str, Any]) -> str:
    """What to write for a missing recipe key, from what the page itself says."""
    if key == "helm_chart_name":
        return (
            "add `helm_chart_name:` with the chart's name as its repository lists it"
            + _chart_name_suggestion(data)
        )
    if key == "helm_chart_version":
        return (
            "add `helm_chart_version:` with the chart version the page was written for, "
            'quoted: an exact version ("1.4.2") or a range ("1.4.x")'
        )
    if key == "helm_chart_repo_url":
        hint = (
            "add `helm_chart_repo_url:` with the address of the repository that publishes "
            "the chart (the https:// URL whose index.yaml lists it, or oci://registry/path)"
        )
        return hint + _repository_suggestion(data)
    if key == "helmrelease_namespace":
        chart = data.get("helm_chart_name")
        if isinstance(chart, str) and not kubernetes.label_problem(chart):
            return f"add `helmrelease_namespace: {chart}` (or the namespace the release goes to)"
        return "add `helmrelease_namespace:` with the namespace the release is installed into"
    return f"add `{key}:` to the front-matter"


def _chart_name_suggestion(data: dict[str, Any]) -> str:
    """`; values_yaml_url suggests `x`` when the link's path names the chart's folder."""
    url = data.get("values_yaml_url")
    if not isinstance(url, str):
        return ""
    try:
        parts = [p for p in urlsplit(url).path.split("/") if p]
    except ValueError:  # `https://[x`: not a URL (its own finding says so)
        return ""
    if len(parts) >= 2 and parts[-1] in ("values.yaml", "values.yml"):
        name = parts[-2]
        if _valid_chart_name(name) and name not in ("main", "master", "chart", "helm"):
            return f" (values_yaml_url suggests `{name}`)"
    return ""


def _repository_suggestion(data: dict[str, Any]) -> str:
    """Where charts whose sources live on GitHub are often published, when the page's own
    values_yaml_url or upstream points to a GitHub repository."""
    for key in ("values_yaml_url", "upstream"):
        url = data.get(key)
        if not isinstance(url, str):
            continue
        match = _GITHUB.match(url) or _GITHUB_RAW.match(url)
        if match:
            owner, repository = match.group(1), match.group(2).removesuffix(".git")
            return (
                f"; the page's {key} points to github.com/{owner}/{repository}, whose charts "
                f"are often published at https://{owner.lower()}.github.io/{repository} "
                "(check its README)"
            )
    return ""
