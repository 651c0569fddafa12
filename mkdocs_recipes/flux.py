"""Recipe -> the Flux objects a reader commits, as plain data, and their YAML text.

Objects are built as dictionaries and rendered by a YAML emitter, never by pasting
strings into a template, so every value is quoted as YAML needs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from .recipe import Recipe

NAMESPACE_API = "v1"
SOURCE_API = "source.toolkit.fluxcd.io/v1"
KUSTOMIZE_API = "kustomize.toolkit.fluxcd.io/v1"
HELM_API = "helm.toolkit.fluxcd.io/v2"


@dataclass(frozen=True)
class FluxSettings:
    """Site-wide choices for the emitted objects. The defaults follow `flux bootstrap`."""

    #: Namespace of the Flux controllers, where HelmRepository and Kustomization live.
    flux_namespace: str = "flux-system"
    #: The GitRepository (in `flux_namespace`) that the Kustomization reads.
    git_repository: str = "flux-system"
    repository_interval: str = "15m"
    kustomization_interval: str = "15m"
    kustomization_timeout: str = "5m"
    release_interval: str = "15m"
    remediation_retries: int = 3
    namespace_path: str = "/bootstrap/namespaces/namespace-{namespace}.yaml"
    helmrepository_path: str = "/bootstrap/helmrepositories/helmrepository-{repository}.yaml"
    kustomization_path: str = "/bootstrap/kustomizations/kustomization-{kustomization}.yaml"
    helmrelease_path: str = "/{namespace}/helmrelease-{release}.yaml"


@dataclass(frozen=True)
class Manifest:
    """One object and the file it belongs in, in the reader's GitOps repository."""

    path: str
    body: dict[str, Any]

    @property
    def kind(self) -> str:
        return self.body["kind"]

    def to_yaml(self) -> str:
        return to_yaml(self.body)


def _paths(recipe: Recipe) -> dict[str, str]:
    return {
        "namespace": recipe.helmrelease_namespace,
        "repository": recipe.helm_chart_repo_name,
        "kustomization": recipe.kustomization_name,
        "release": recipe.helmrelease_name,
        "chart": recipe.helm_chart_name,
    }


def oci_repository_url(recipe: Recipe) -> str:
    """The OCI registry path that holds the chart, without the chart name."""
    url = recipe.helm_chart_repo_url.rstrip("/")
    suffix = "/" + recipe.helm_chart_name
    return url[: -len(suffix)] if url.endswith(suffix) else url


def namespace(recipe: Recipe, settings: FluxSettings) -> Manifest:
    body = {
        "apiVersion": NAMESPACE_API,
        "kind": "Namespace",
        "metadata": {"name": recipe.helmrelease_namespace},
    }
    return Manifest(settings.namespace_path.format(**_paths(recipe)), body)


def helm_repository(recipe: Recipe, settings: FluxSettings) -> Manifest:
    spec: dict[str, Any] = {"interval": settings.repository_interval}
    if recipe.is_oci:
        spec["type"] = "oci"
        spec["url"] = oci_repository_url(recipe)
    else:
        spec["url"] = recipe.helm_chart_repo_url
    body = {
        "apiVersion": SOURCE_API,
        "kind": "HelmRepository",
        "metadata": {"name": recipe.helm_chart_repo_name, "namespace": settings.flux_namespace},
        "spec": spec,
    }
    return Manifest(settings.helmrepository_path.format(**_paths(recipe)), body)


def kustomization(recipe: Recipe, settings: FluxSettings) -> Manifest:
    body = {
        "apiVersion": KUSTOMIZE_API,
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
                    "apiVersion": HELM_API,
                    "kind": "HelmRelease",
                    "name": recipe.helmrelease_name,
                    "namespace": recipe.helmrelease_namespace,
                }
            ],
        },
    }
    return Manifest(settings.kustomization_path.format(**_paths(recipe)), body)


def helm_release(recipe: Recipe, settings: FluxSettings) -> Manifest:
    body = {
        "apiVersion": HELM_API,
        "kind": "HelmRelease",
        "metadata": {"name": recipe.helmrelease_name, "namespace": recipe.helmrelease_namespace},
        "spec": {
            "interval": settings.release_interval,
            "chart": {
                "spec": {
                    "chart": recipe.helm_chart_name,
                    "version": recipe.helm_chart_version,
                    "sourceRef": {
                        "kind": "HelmRepository",
                        "name": recipe.helm_chart_repo_name,
                        "namespace": settings.flux_namespace,
                    },
                }
            },
            "install": {"remediation": {"retries": settings.remediation_retries}},
            "upgrade": {"remediation": {"retries": settings.remediation_retries}},
        },
    }
    return Manifest(settings.helmrelease_path.format(**_paths(recipe)), body)


def manifests(recipe: Recipe, settings: FluxSettings) -> list[Manifest]:
    """Every object a recipe needs, in the order a reader creates them."""
    return [
        namespace(recipe, settings),
        helm_repository(recipe, settings),
        kustomization(recipe, settings),
        helm_release(recipe, settings),
    ]


class _Dumper(yaml.SafeDumper):
    """Block style, list items indented under their key, as Kubernetes docs write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def to_yaml(data: Any) -> str:
    """YAML text for plain data: key order kept, no line folding, UTF-8 kept."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=2**31 - 1,
    )
