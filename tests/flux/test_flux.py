"""The emitted Flux objects against the real CRDs, and values that try to break the YAML."""

from __future__ import annotations

import pytest
import yaml

from mkdocs_recipes import FluxSettings, manifests, read_recipe
from mkdocs_recipes.flux.objects import chart_source
from support.crds import validate

BASE = {
    "helm_chart_name": "oauth2-proxy",
    "helm_chart_version": "6.18.x",
    "helm_chart_repo_url": "https://oauth2-proxy.github.io/manifests/",
    "helmrelease_namespace": "kubernetes-dashboard",
}


def recipe_from(meta: dict):
    text = "---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n"
    return read_recipe(text, "p.md")


def test_seed_objects_validate_against_the_crds(seed_text: str) -> None:
    recipe, _ = read_recipe(seed_text, "p.md")
    objects = manifests(recipe, FluxSettings())
    assert [m.kind for m in objects] == [
        "Namespace",
        "HelmRepository",
        "Kustomization",
        "HelmRelease",
    ]
    for manifest in objects:
        parsed = yaml.safe_load(manifest.to_yaml())
        assert parsed == manifest.body
        assert validate(parsed) == [], manifest.kind
    kustomization = yaml.safe_load(objects[2].to_yaml())
    assert kustomization["spec"]["prune"] is True
    assert kustomization["spec"]["healthChecks"][0]["kind"] == "HelmRelease"


def test_validator_is_strict_enough_to_fail() -> None:
    recipe, _ = recipe_from(BASE)
    release = manifests(recipe, FluxSettings())[3].body
    broken = {**release, "apiVersion": "helm.toolkit.fluxcd.io/v2beta1"}
    assert validate(broken)
    typo = {**release, "spec": {**release["spec"], "intervall": "5m"}}
    assert validate(typo)
    both = {
        **release,
        "spec": {**release["spec"], "chartRef": {"kind": "OCIRepository", "name": "x"}},
    }
    assert any("chartRef" in e for e in validate(both))


def test_oci_repository_url_loses_a_trailing_chart_name() -> None:
    meta = {
        **BASE,
        "helm_chart_name": "podinfo",
        "helm_chart_repo_url": "oci://ghcr.io/stefanprodan/charts/podinfo",
    }
    recipe, findings = recipe_from(meta)
    assert findings == []
    repo = chart_source(recipe, FluxSettings(oci_source="HelmRepository")).body
    assert repo["spec"] == {
        "interval": "15m",
        "type": "oci",
        "url": "oci://ghcr.io/stefanprodan/charts",
    }
    assert validate(repo) == []


NASTY = ["{{ 1 + 1 }}", "a: b", "two\nlines", "value # comment", "'quoted\"", "```"]


@pytest.mark.parametrize("value", NASTY)
@pytest.mark.parametrize(
    "key",
    [
        "helm_chart_name",
        "helm_chart_version",
        "helm_chart_repo_url",
        "helmrelease_namespace",
        "helmrelease_name",
        "kustomization_name",
        "helm_chart_repo_name",
        "slug",
    ],
)
def test_hostile_values_never_reach_the_yaml_unchecked(key: str, value: str) -> None:
    recipe, findings = recipe_from({**BASE, key: value})
    if recipe is None:
        # Refused: reported at the key's line, and nothing is emitted.
        assert findings and all(f.line >= 2 for f in findings)
        return
    # Accepted: every emitted object parses back to exactly the intended data.
    for manifest in manifests(recipe, FluxSettings()):
        assert yaml.safe_load(manifest.to_yaml()) == manifest.body
        assert validate(manifest.body) == []


def test_free_text_values_round_trip_exactly() -> None:
    # A version constraint with YAML-significant characters still comes back intact.
    recipe, findings = recipe_from({**BASE, "helm_chart_version": ">=1.0, <2.0 || *"})
    assert findings == []
    release = manifests(recipe, FluxSettings())[3]
    assert (
        yaml.safe_load(release.to_yaml())["spec"]["chart"]["spec"]["version"] == ">=1.0, <2.0 || *"
    )
    recipe, _ = recipe_from({**BASE, "helm_chart_version": "6.10"})
    text = manifests(recipe, FluxSettings())[3].to_yaml()
    assert yaml.safe_load(text)["spec"]["chart"]["spec"]["version"] == "6.10"
