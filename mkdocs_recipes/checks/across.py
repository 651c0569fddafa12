"""Recipes checked against each other: what one page cannot see on its own.

* two recipes that deploy the same release into the same namespace;
* two recipes that write the same GitOps file with different contents;
* one `helm_chart_repo_name` given two URLs (one HelmRepository file, two contents);
* a title or description copied from another recipe;
* a title, slug or upstream that names another recipe's chart and not the page's own;
* a namespace a recipe deploys into that no recipe creates.

Each finding names the other page and its line.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, NamedTuple

from ..flux import objects as flux
from ..recipe.model import Recipe
from ..report.findings import Finding

#: Namespaces every cluster has (or Flux creates itself).
BUILTIN_NAMESPACES = frozenset(
    {"default", "kube-system", "kube-public", "kube-node-lease", "flux-system"}
)
_NAMESPACE_INCLUDE = re.compile(r"kubernetes-flux-namespace\.md|flux_namespace\s*\(")
_NAMESPACE_OBJECT = re.compile(r"^kind:\s*Namespace\s*$", re.M)


class _Recipe(NamedTuple):
    path: str
    recipe: Recipe
    settings: flux.FluxSettings
    source: str

    def line(self, *keys: str) -> int:
        for key in keys:
            if key in self.recipe.key_lines:
                return self.recipe.line_of(key)
        return 1

    @property
    def creates_namespace(self) -> bool:
        return self.settings.create_namespace or bool(
            _NAMESPACE_INCLUDE.search(self.source) or _NAMESPACE_OBJECT.search(self.source)
        )


def check_recipes_together(pages: Iterable[Any], site: flux.FluxSettings) -> list[Finding]:
    """`pages`: objects with `path`, `source` and `recipe`, and `settings` if they have
    their own Flux settings (front-matter `flux:`); `declared` and `front_matter` for
    the checks that also judge recipes whose front-matter is incomplete."""
    pages = list(pages)
    recipes = [
        _Recipe(page.path, page.recipe, getattr(page, "settings", None) or site, page.source)
        for page in pages
        if isinstance(getattr(page, "recipe", None), Recipe)
    ]
    findings: list[Finding] = []
    findings += _same_release(recipes)
    findings += _same_repository_name(recipes)
    findings += _printed_repositories(pages, recipes, findings)
    findings += _same_file(recipes)
    entries = (_Declared.of(page) for page in pages if getattr(page, "declared", False))
    declared = [entry for entry in entries if entry is not None]
    findings += _copied_text(declared, "title")
    findings += _copied_text(declared, "description")
    findings += _names_other_chart(recipes)
    findings += _namespaces_not_created(recipes)
    return findings


def _pairs(groups: dict[Any, list[_Recipe]]) -> Iterable[tuple[Any, _Recipe, _Recipe]]:
    """Each member of a group of two or more, with the first other member."""
    for key, members in groups.items():
        if len(members) < 2:
            continue
        for member in members:
            other = members[0] if member is not members[0] else members[1]
            yield key, member, other


def _same_release(recipes: list[_Recipe]) -> list[Finding]:
    groups: dict[tuple[str, str], list[_Recipe]] = defaultdict(list)
    for item in recipes:
        groups[(item.recipe.helmrelease_namespace, item.recipe.helmrelease_name)].append(item)
    return [
        Finding.of(
            "recipe-release-clash",
            item.path,
            item.line("helmrelease_name", "helm_chart_name"),
            f"the release `{name}` in namespace `{namespace}` is also deployed by "
            f"{other.path}:{other.line('helmrelease_name', 'helm_chart_name')}; readers "
            "following both pages would overwrite one with the other",
            "give one of them its own `helmrelease_name` (and `kustomization_name`)",
        )
        for (namespace, name), item, other in _pairs(groups)
    ]


def _same_repository_name(recipes: list[_Recipe]) -> list[Finding]:
    """One source file (HelmRepository or OCIRepository, named by helm_chart_repo_name)
    that two recipes fill differently: two URLs, or for an OCIRepository two versions."""
    by_path: dict[str, dict[str, tuple[_Recipe, flux.Manifest]]] = defaultdict(dict)
    for item in recipes:
        try:
            source = flux.chart_source(item.recipe, item.settings)
        except Exception:  # invalid settings are reported on the page itself
            continue
        by_path[source.path].setdefault(_content(source), (item, source))
    findings = []
    for path, by_content in by_path.items():
        if len(by_content) < 2:
            continue
        owners = list(by_content.values())
        for item, source in owners:
            other, other_source = owners[0] if item is not owners[0][0] else owners[1]
            here, there = source.body["spec"], other_source.body["spec"]
            if here.get("url") != there.get("url"):
                what = f"{here.get('url')} here and {there.get('url')}"
            else:
                what = f"version {here.get('ref', {}).get('semver')!r} here and " + repr(
                    there.get("ref", {}).get("semver")
                )
            findings.append(
                Finding.of(
                    "recipe-repository-clash",
                    item.path,
                    item.line("helm_chart_repo_name", "helm_chart_repo_url", "helm_chart_name"),
                    f"the {source.kind} `{source.body['metadata']['name']}` (`{path}`) gets "
                    f"{what} on {other.path}:{other.line('helm_chart_repo_url')}: one file, two "
                    "contents",
                    "give one of them its own `helm_chart_repo_name`"
                    if source.kind == "HelmRepository"
                    else "an OCIRepository is named after its chart, so recipes of one chart "
                    "share it: give them the same URL and version range",
                )
            )
    return findings


_SOURCE_KINDS = ("HelmRepository", "OCIRepository")


def _printed_repositories(
    pages: list[Any], recipes: list[_Recipe], found: list[Finding]
) -> list[Finding]:
    """One chart source that two recipe pages *print* with two URLs: what a reader copies
    is what the page shows, and a site's own include templates may name the object
    otherwise than `helm_chart_repo_name` says. Pages the front-matter check above already
    reported are not reported twice."""
    from ..pages.blocks import code_blocks
    from ..pages.fragments import read_yaml_block

    reported = {f.path for f in found if f.code == "recipe-repository-clash"}
    by_path = {item.path: item for item in recipes}
    printed: dict[tuple[str, str, str], dict[str, _Recipe]] = defaultdict(dict)
    for page in pages:
        item = by_path.get(page.path)
        markdown = getattr(page, "markdown", "") or ""
        if item is None or not any(kind in markdown for kind in _SOURCE_KINDS):
            continue
        for block in code_blocks(markdown):
            if not block.is_yaml or not any(kind in block.text for kind in _SOURCE_KINDS):
                continue
            for document in read_yaml_block(block).documents:
                data = document.data
                if not isinstance(data, dict) or data.get("kind") not in _SOURCE_KINDS:
                    continue
                metadata, spec = data.get("metadata"), data.get("spec")
                if not isinstance(metadata, dict) or not isinstance(spec, dict):
                    continue
                key = (str(data["kind"]), str(metadata.get("name")), str(metadata.get("namespace")))
                printed[key].setdefault(str(spec.get("url")), item)
    findings = []
    for (kind, name, namespace), by_url in printed.items():
        if len(by_url) < 2:
            continue
        owners = list(by_url.items())
        for url, item in owners:
            if item.path in reported:
                continue
            other_url, other = owners[0] if owners[0][1] is not item else owners[1]
            findings.append(
                Finding.of(
                    "recipe-repository-clash",
                    item.path,
                    item.line("helm_chart_repo_url", "helm_chart_repo_name", "helm_chart_name"),
                    f"the {kind} `{name}` (namespace `{namespace}`) this page prints has the URL "
                    f"{url}, and {other.path}:{other.line('helm_chart_repo_url')} prints it "
                    f"with {other_url}: readers who follow both get one object, two contents",
                    "give the two repositories distinct names (in the front-matter, or in the "
                    "site's include template that prints them)",
                )
            )
    return findings


def _same_file(recipes: list[_Recipe]) -> list[Finding]:
    """Files with different contents at one path, other than the releases and repositories
    the two checks above already explain."""
    by_path: dict[str, dict[str, _Recipe]] = defaultdict(dict)
    kinds: dict[str, str] = {}
    for item in recipes:
        try:
            objects = flux.manifests(item.recipe, item.settings)
        except Exception:  # invalid settings are reported on the page itself
            continue
        for manifest in objects:
            if manifest.kind in ("HelmRelease", "HelmRepository", "OCIRepository"):
                continue
            by_path[manifest.path].setdefault(_content(manifest), item)
            kinds[manifest.path] = manifest.kind
    findings = []
    for path, by_content in by_path.items():
        if len(by_content) < 2:
            continue
        owners = list(by_content.values())
        for item in owners:
            other = owners[0] if item is not owners[0] else owners[1]
            findings.append(
                Finding.of(
                    "recipe-file-clash",
                    item.path,
                    item.line("kustomization_name", "helmrelease_name", "helm_chart_name"),
                    f"this recipe's {kinds[path]} goes to `{path}`, which "
                    f"{other.path}:{other.line('kustomization_name', 'helm_chart_name')} fills "
                    "with different contents",
                    "give one of them its own `kustomization_name`",
                )
            )
    return findings


class _Declared(NamedTuple):
    """A page whose front-matter declares a recipe, complete or not."""

    path: str
    chart: str
    data: dict[str, Any]
    lines: dict[str, int]

    @classmethod
    def of(cls, page: Any) -> _Declared | None:
        front_matter = getattr(page, "front_matter", None)
        if front_matter is None or not isinstance(front_matter.data, dict):
            return None
        chart = front_matter.data.get("helm_chart_name")
        return cls(
            page.path,
            chart if isinstance(chart, str) else "",
            front_matter.data,
            front_matter.key_lines,
        )

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)


def _copied_text(pages: list[_Declared], key: str) -> list[Finding]:
    """A title or description two recipes share. When the text names one page's own
    chart, that page is the original and only the others are reported."""
    groups: dict[str, list[_Declared]] = defaultdict(list)
    for item in pages:
        text = item.data.get(key)
        if isinstance(text, str) and len(text.strip()) > 3:
            groups[" ".join(text.lower().split())].append(item)
    findings = []
    for text, members in groups.items():
        if len(members) < 2:
            continue
        originals = [m for m in members if m.chart and _words(m.chart) in _words(text)]
        if not originals:
            originals = _closest_to(text, members, key)
        for item in members:
            if originals and item in originals:
                continue
            other = (originals or [m for m in members if m is not item])[0]
            findings.append(
                Finding.of(
                    "recipe-copied-text",
                    item.path,
                    item.line(key),
                    f"this {key} is the same as on {other.path}:{other.line(key)}",
                    f"write a {key} that says what this page deploys",
                )
            )
    return findings


#: Front-matter that says what a page is about, besides the text judged.
_IDENTITY_KEYS = ("title", "description", "slug", "upstream", "values_yaml_url", "links")
#: Words any recipe's text may hold: they tell no page from another.
_COMMON = frozenset(
    re.findall(r"\w+", "a an and the of on in to for with your how use using run deploy helm flux")
)


def _closest_to(text: str, members: list[_Declared], key: str) -> list[_Declared]:
    """The one page whose own identity (its other front-matter and its file name) shares
    the most words with a copied `text`: the page it was written for. Empty when no
    single page stands out (then every copy is reported)."""
    wanted = set(_words(text).split()) - _COMMON
    scores = []
    for member in members:
        own = " ".join(str(member.data.get(name, "")) for name in _IDENTITY_KEYS if name != key)
        stem = member.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        identity = set(_words(f"{own} {stem} {member.chart}").split()) - _COMMON
        scores.append(len(wanted & identity))
    best = max(scores)
    if best == 0 or scores.count(best) > 1:
        return []
    return [members[scores.index(best)]]


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "


def _names_other_chart(recipes: list[_Recipe]) -> list[Finding]:
    charts = {item.recipe.helm_chart_name: item for item in recipes}
    findings = []
    for item in recipes:
        own = _words(item.recipe.helm_chart_name)
        for key in ("title", "slug", "upstream"):
            value = getattr(item.recipe, key)
            if key not in item.recipe.key_lines or not isinstance(value, str):
                continue
            text = _words(value)
            if own in text or own.replace(" ", "") in text.replace(" ", ""):
                continue
            for chart, other in charts.items():
                if chart == item.recipe.helm_chart_name or len(chart) < 4:
                    continue
                if _words(chart) in text:
                    findings.append(
                        Finding.of(
                            "recipe-names-other-chart",
                            item.path,
                            item.line(key),
                            f"the {key} names `{chart}`, the chart of "
                            f"{other.path}:{other.line('helm_chart_name')}, but this page "
                            f"deploys `{item.recipe.helm_chart_name}`",
                            "was the front-matter copied from that page? Fix the "
                            f"{key} or helm_chart_name",
                        )
                    )
                    break
    return findings


def _namespaces_not_created(recipes: list[_Recipe]) -> list[Finding]:
    created = {item.recipe.helmrelease_namespace for item in recipes if item.creates_namespace}
    return [
        Finding.of(
            "recipe-namespace-missing",
            item.path,
            item.line("helmrelease_namespace"),
            f"the release goes to namespace `{item.recipe.helmrelease_namespace}`, which no "
            "recipe creates (this page shows no Namespace, and no other recipe does)",
            "add `{% include 'kubernetes-flux-namespace.md' %}` to the page, or deploy into "
            "a namespace another recipe creates",
        )
        for item in recipes
        if not item.creates_namespace
        and item.recipe.helmrelease_namespace not in created | BUILTIN_NAMESPACES
    ]


def _content(manifest: flux.Manifest) -> str:
    """What a manifest's file holds, comparable (the YAML text itself is not needed)."""
    return json.dumps(manifest.body, sort_keys=True, default=str)
