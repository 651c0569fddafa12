"""Recipe -> the Flux objects a reader commits, as plain data, and their YAML text.

Objects are built as dictionaries and rendered by a YAML emitter, never by pasting
strings into a template, so every value is quoted as YAML needs it. Which API versions
and which objects are emitted depends on the Flux release the site targets.
"""

from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple

import yaml

from ..recipe.model import Recipe
from . import releases
from .settings import (
    OCI_REPOSITORY_FROM,
    PATH_FIELD,
    FluxSettings,
    before_release,
)

HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"


def fill_path(template: str, recipe: Recipe) -> str:
    """A `*_path` option with the recipe's names in its placeholders (a plain
    substitution: the template was checked to hold nothing else)."""
    values = _placeholders(recipe)
    return PATH_FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), template)


class Manifest(NamedTuple):
    """One object and the file it belongs in, in the reader's GitOps repository."""

    path: str
    body: dict[str, Any]

    @property
    def kind(self) -> str:
        return self.body["kind"]

    def to_yaml(self) -> str:
        return to_yaml(self.body)


def _placeholders(recipe: Recipe) -> dict[str, str]:
    return {
        "namespace": recipe.helmrelease_namespace,
        "repository": recipe.helm_chart_repo_name,
        "kustomization": recipe.kustomization_name,
        "release": recipe.helmrelease_name,
        "chart": recipe.helm_chart_name,
    }


def uses_oci_repository(recipe: Recipe, settings: FluxSettings) -> bool:
    """Whether the chart comes through an OCIRepository (and HelmRelease `chartRef`)."""
    if not recipe.is_oci or settings.oci_source == "HelmRepository":
        return False
    return settings.oci_source == "OCIRepository" or not before_release(
        settings.flux_version, OCI_REPOSITORY_FROM
    )


def oci_registry_path(recipe: Recipe) -> str:
    """The OCI registry path that holds the chart, without the chart name."""
    url = recipe.helm_chart_repo_url.rstrip("/")
    suffix = "/" + recipe.helm_chart_name
    return url[: -len(suffix)] if url.endswith(suffix) else url


def oci_chart_url(recipe: Recipe) -> str:
    """The OCI repository of the chart itself: the registry path plus the chart name, once."""
    return f"{oci_registry_path(recipe)}/{recipe.helm_chart_name}"


def url_adjustment(recipe: Recipe, settings: FluxSettings) -> str | None:
    """What was changed in `helm_chart_repo_url` for the emitted source, if anything."""
    if not recipe.is_oci or uses_oci_repository(recipe, settings):
        return None
    if recipe.helm_chart_repo_url.rstrip("/") != oci_registry_path(recipe):
        return (
            f"the HelmRepository (type: oci) URL is {oci_registry_path(recipe)}: Flux appends "
            f"the chart name itself, so `/{recipe.helm_chart_name}` was removed from "
            "helm_chart_repo_url"
        )
    return None


def namespace(recipe: Recipe, settings: FluxSettings) -> Manifest:
    body = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": recipe.helmrelease_namespace},
    }
    return Manifest(fill_path(settings.namespace_path, recipe), body)


def source_name(recipe: Recipe, settings: FluxSettings) -> str:
    """The name of the chart's source object. A HelmRepository serves every chart of a
    repository and is named after it (`helm_chart_repo_name`); an OCIRepository points at
    one chart, so two charts of one registry need two objects: it is named after the chart."""
    if uses_oci_repository(recipe, settings):
        return recipe.helm_chart_name
    return recipe.helm_chart_repo_name


def chart_source(recipe: Recipe, settings: FluxSettings) -> Manifest:
    """The HelmRepository (HTTP, or OCI before 2.6) or OCIRepository the chart comes from."""
    metadata = {"name": source_name(recipe, settings), "namespace": settings.flux_namespace}
    if uses_oci_repository(recipe, settings):
        body = {
            "apiVersion": releases.preferred("OCIRepository", settings.flux_version),
            "kind": "OCIRepository",
            "metadata": metadata,
            "spec": {
                "interval": settings.repository_interval,
                "url": oci_chart_url(recipe),
                "ref": {"semver": recipe.helm_chart_version},
                "layerSelector": {"mediaType": HELM_CHART_LAYER, "operation": "copy"},
            },
        }
        return Manifest(fill_path(settings.ocirepository_path, recipe), body)
    spec: dict[str, Any] = {"interval": settings.repository_interval}
    if recipe.is_oci:
        spec["type"] = "oci"
        spec["url"] = oci_registry_path(recipe)
    else:
        spec["url"] = recipe.helm_chart_repo_url
    body = {
        "apiVersion": releases.preferred("HelmRepository", settings.flux_version),
        "kind": "HelmRepository",
        "metadata": metadata,
        "spec": spec,
    }
    return Manifest(fill_path(settings.helmrepository_path, recipe), body)


def kustomization(recipe: Recipe, settings: FluxSettings) -> Manifest:
    body = {
        "apiVersion": releases.preferred("Kustomization", settings.flux_version),
        "kind": "Kustomization",
        "metadata": {"name": recipe.kustomization_name, "namespace": settings.flux_namespace},
        "spec": {
            "interval": settings.kustomization_interval,
            "path": f"./{recipe.helmrelease_namespace}",
            # Objects removed from the path are removed from the cluster too.
            "prune": True,
            "timeout": settings.kustomization_timeout,
            "sourceRef": {"kind": "GitRepository", "name": settings.git_repository},
            "healthChecks": [
                {
                    "apiVersion": releases.preferred("HelmRelease", settings.flux_version),
                    "kind": "HelmRelease",
                    "name": recipe.helmrelease_name,
                    "namespace": recipe.helmrelease_namespace,
                }
            ],
        },
    }
    return Manifest(fill_path(settings.kustomization_path, recipe), body)


def helm_release(
    recipe: Recipe, settings: FluxSettings, values: dict[str, Any] | None = None
) -> Manifest:
    spec: dict[str, Any] = {"interval": settings.release_interval}
    if settings.release_timeout:
        spec["timeout"] = settings.release_timeout
    if uses_oci_repository(recipe, settings):
        spec["chartRef"] = {
            "kind": "OCIRepository",
            "name": source_name(recipe, settings),
            "namespace": settings.flux_namespace,
        }
    else:
        spec["chart"] = {
            "spec": {
                "chart": recipe.helm_chart_name,
                "version": recipe.helm_chart_version,
                "sourceRef": {
                    "kind": "HelmRepository",
                    "name": recipe.helm_chart_repo_name,
                    "namespace": settings.flux_namespace,
                },
            }
        }
    install: dict[str, Any] = {"remediation": {"retries": settings.remediation_retries}}
    if settings.create_namespace:
        install = {"createNamespace": True, **install}
    spec["install"] = install
    spec["upgrade"] = {"remediation": {"retries": settings.remediation_retries}}
    if values:
        spec["values"] = values
    body = {
        "apiVersion": releases.preferred("HelmRelease", settings.flux_version),
        "kind": "HelmRelease",
        "metadata": {"name": recipe.helmrelease_name, "namespace": recipe.helmrelease_namespace},
        "spec": spec,
    }
    return Manifest(fill_path(settings.helmrelease_path, recipe), body)


def manifests(
    recipe: Recipe, settings: FluxSettings, values: dict[str, Any] | None = None
) -> list[Manifest]:
    """Every object a recipe needs, in the order a reader creates them."""
    return [
        namespace(recipe, settings),
        chart_source(recipe, settings),
        kustomization(recipe, settings),
        helm_release(recipe, settings, values),
    ]


class _Dumper(yaml.SafeDumper):
    """Block style, list items indented under their key, as Kubernetes docs write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # A value of several lines (a config file in the values) as a literal block, as
    # people write it; PyYAML quotes it instead when a block cannot hold it exactly.
    style = "|" if "\n" in value.rstrip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def to_yaml(data: Any) -> str:
    """YAML text for plain data: key order kept, no line folding, UTF-8 kept.

    The layout is built here and each distinct scalar is written once by PyYAML's emitter
    (which decides plain or quoted), so manifests cost a fraction of a full PyYAML dump;
    what this does not lay out itself (multi-line strings, other types) goes to PyYAML."""
    if isinstance(data, dict) and data:
        try:
            return "\n".join(_lines(data, 0)) + "\n"
        except _NotPlain:
            pass
    return _dump(data)


def _dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=2**31 - 1,
    )


class _NotPlain(Exception):
    """A value the fast layout leaves to PyYAML."""


_SCALAR_TYPES = (str, int, float, bool, type(None))


@functools.lru_cache(maxsize=8192)
def _scalar(kind: str, value: Any) -> str:
    # `kind` keeps 1, 1.0 and True apart in the cache (floats are not cached: 0.0 == -0.0).
    return _scalar_text(value)


#: Line breaks in YAML's sense: a scalar holding one spans lines, which PyYAML lays out.
_BREAKS = re.compile("[\n\r\x85\u2028\u2029]")


#: Strings PyYAML writes as they are when its resolver reads them back as strings: names,
#: namespaces, versions, paths (no character YAML gives a meaning to, none at the start).
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/:-]*(?<!:)\Z")
_STR_TAG = "tag:yaml.org,2002:str"
#: The implicit types the safe dumper quotes strings for (bool, null, numbers, dates).
_RESOLVER = yaml.resolver.Resolver()


def _plain(value: Any) -> bool:
    """Whether PyYAML writes `value` as it is (a string it would read back as one)."""
    return (
        isinstance(value, str)
        and _PLAIN_SAFE.match(value) is not None
        and _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG
    )


def _scalar_text(value: Any) -> str:
    if _plain(value):
        return value
    text = _dump({"k": value})
    if not text.startswith("k: ") or not text.endswith("\n") or _BREAKS.search(text[:-1]):
        raise _NotPlain
    return text[3:-1]


@functools.lru_cache(maxsize=8192)
def _key(value: str) -> str:
    if _plain(value):
        return value
    text = _dump({value: 0})
    if not text.endswith(": 0\n") or _BREAKS.search(text[:-1]) or text.startswith("?"):
        raise _NotPlain
    return text[: -len(": 0\n")]


def _inline(value: Any) -> str | None:
    """How a value sits after `key: ` or `- ` when it fits on that line."""
    if isinstance(value, float):
        return _scalar_text(value)
    if isinstance(value, _SCALAR_TYPES):
        return _scalar(type(value).__name__, value)
    if isinstance(value, dict) and not value:
        return "{}"
    if isinstance(value, list) and not value:
        return "[]"
    if isinstance(value, (dict, list)):
        return None
    raise _NotPlain


def _lines(value: dict[str, Any] | list[Any], indent: int) -> list[str]:
    """The lines of a non-empty mapping or list whose entries start at column `indent`;
    lists under a key are indented, as Kubernetes docs write them."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise _NotPlain
            inline = _inline(item)
            if inline is not None:
                lines.append(f"{pad}{_key(key)}: {inline}")
            else:
                lines.append(f"{pad}{_key(key)}:")
                lines += _lines(item, indent + 2)
        return lines
    for item in value:
        inline = _inline(item)
        if inline is not None:
            lines.append(f"{pad}- {inline}")
            continue
        nested = _lines(item, indent + 2)
        lines.append(f"{pad}- {nested[0][indent + 2 :]}")
        lines += nested[1:]
    return lines
