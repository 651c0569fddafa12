"""The Flux release table: what each release serves and what is emitted for it."""

from __future__ import annotations

import pytest
import yaml

from mkdocs_recipes.flux import releases
from mkdocs_recipes.flux.objects import FluxSettings, manifests
from mkdocs_recipes.recipe.model import read_recipe
from support.crds import served_schemas

HTTP = {
    "helm_chart_name": "podinfo",
    "helm_chart_version": "6.5.x",
    "helm_chart_repo_url": "https://stefanprodan.github.io/podinfo",
    "helmrelease_namespace": "podinfo",
}
OCI = {**HTTP, "helm_chart_repo_url": "oci://ghcr.io/stefanprodan/charts/podinfo"}


def objects(meta: dict, **options) -> dict[str, dict]:
    recipe, findings = read_recipe("---\n" + yaml.safe_dump(meta) + "---\n", "p.md")
    assert findings == []
    flux, problems = FluxSettings().with_overrides(options)
    assert problems == []
    return {m.kind: m.body for m in manifests(recipe, flux)}


@pytest.mark.parametrize(
    ("release", "source", "helm"),
    [
        ("2.0", "source.toolkit.fluxcd.io/v1beta2", "helm.toolkit.fluxcd.io/v2beta1"),
        ("2.2", "source.toolkit.fluxcd.io/v1beta2", "helm.toolkit.fluxcd.io/v2beta2"),
        ("2.3", "source.toolkit.fluxcd.io/v1", "helm.toolkit.fluxcd.io/v2"),
        ("2.6", "source.toolkit.fluxcd.io/v1", "helm.toolkit.fluxcd.io/v2"),
        (releases.CURRENT, "source.toolkit.fluxcd.io/v1", "helm.toolkit.fluxcd.io/v2"),
    ],
)
def test_api_versions_per_release(release: str, source: str, helm: str) -> None:
    found = objects(HTTP, flux_version=release)
    assert found["HelmRepository"]["apiVersion"] == source
    assert found["HelmRelease"]["apiVersion"] == helm
    assert found["Kustomization"]["apiVersion"] == "kustomize.toolkit.fluxcd.io/v1"
    health = found["Kustomization"]["spec"]["healthChecks"][0]
    assert health["apiVersion"] == helm


def test_current_release_emits_what_the_real_crds_serve() -> None:
    served = set(served_schemas())
    for kind, body in objects(OCI).items():
        if kind != "Namespace":
            assert (body["apiVersion"], kind) in served
    for kind, body in objects(HTTP).items():
        if kind != "Namespace":
            assert (body["apiVersion"], kind) in served


def test_oci_on_current_flux_is_ocirepository_with_chartref() -> None:
    found = objects(OCI)
    source = found["OCIRepository"]
    assert source["spec"]["url"] == "oci://ghcr.io/stefanprodan/charts/podinfo"
    assert source["spec"]["ref"] == {"semver": "6.5.x"}
    assert source["spec"]["layerSelector"] == {
        "mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
        "operation": "copy",
    }
    assert found["HelmRelease"]["spec"]["chartRef"] == {
        "kind": "OCIRepository",
        "name": "podinfo",
        "namespace": "flux-system",
    }
    assert "chart" not in found["HelmRelease"]["spec"]


@pytest.mark.parametrize("release", ["2.0", "2.3", "2.5"])
def test_oci_before_2_6_is_helmrepository_type_oci(release: str) -> None:
    found = objects(OCI, flux_version=release)
    repo = found["HelmRepository"]
    assert repo["spec"]["type"] == "oci"
    assert repo["spec"]["url"] == "oci://ghcr.io/stefanprodan/charts"  # chart name not twice
    assert found["HelmRelease"]["spec"]["chart"]["spec"]["chart"] == "podinfo"


def test_ocirepository_before_2_6_is_an_error_naming_the_minimum() -> None:
    _, problems = FluxSettings().with_overrides(
        {"flux_version": "2.5", "oci_source": "OCIRepository"}
    )
    assert [p.key for p in problems] == ["oci_source"]
    assert "Flux 2.6 or later" in problems[0].message


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"release_interval": "5 minutes"}, "release_interval"),
        ({"flux_version": "3.1"}, "flux_version"),
        ({"flux_namespace": "Flux_System"}, "flux_namespace"),
        ({"helmrelease_path": "apps/{name}.yaml"}, "helmrelease_path"),
        ({"remediation_retries": -1}, "remediation_retries"),
        ({"relase_interval": "5m"}, "relase_interval"),
    ],
)
def test_invalid_options_are_named(options: dict, key: str) -> None:
    settings, problems = FluxSettings().with_overrides(options)
    assert [p.key for p in problems] == [key]
    assert settings == FluxSettings()  # nothing invalid was applied
    if key == "relase_interval":
        assert "release_interval" in problems[0].hint


@pytest.mark.parametrize(
    ("api", "kind", "release", "words"),
    [
        ("helm.toolkit.fluxcd.io/v2beta1", "HelmRelease", "2.7", "removed in Flux 2.7"),
        ("helm.toolkit.fluxcd.io/v2beta2", "HelmRelease", "2.8", "removed in Flux 2.8"),
        ("source.toolkit.fluxcd.io/v1beta2", "HelmRepository", "2.9", "removed in Flux 2.8"),
        ("kustomize.toolkit.fluxcd.io/v1beta1", "Kustomization", "2.7", "removed in Flux 2.7"),
        ("source.toolkit.fluxcd.io/v1", "OCIRepository", "2.5", "only served from Flux 2.6"),
        ("helm.toolkit.fluxcd.io/v2", "HelmRelease", "2.2", "only served from Flux 2.3"),
    ],
)
def test_judging_hand_written_api_versions(api, kind, release, words) -> None:
    verdict = releases.judge(api, kind, release)
    assert verdict is not None and words in verdict.message
    assert releases.preferred(kind, release) in verdict.hint


def test_served_api_versions_pass() -> None:
    assert releases.judge("helm.toolkit.fluxcd.io/v2beta1", "HelmRelease", "2.6") is None
    assert releases.judge("helm.toolkit.fluxcd.io/v2", "HelmRelease", "2.9") is None
    assert releases.judge("apps/v1", "Deployment", "2.9") is None  # not a Flux kind
