"""Flux API versions: nested references are judged, other API groups are left alone."""

from __future__ import annotations

from mkdocs_recipes.checks.api_versions import check_api_versions, check_template_text
from mkdocs_recipes.flux.releases import judge
from mkdocs_recipes.pages.blocks import code_blocks
from mkdocs_recipes.pages.fragments import read_yaml_block

KUSTOMIZATION_WITH_STALE_REFS = """\
# Deploy

```yaml
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
spec:
  sourceRef:
    kind: GitRepository
    apiVersion: source.toolkit.fluxcd.io/v1beta1
    name: flux-system
  healthChecks:
    - apiVersion: helm.toolkit.fluxcd.io/v2beta1
      kind: HelmRelease
      name: podinfo
    - kind: Deployment
      apiVersion: apps/v1
      name: web
```
"""


def _lines(text: str, *needles: str) -> list[int]:
    lines = text.split("\n")
    return [next(i for i, line in enumerate(lines, 1) if n in line) for n in needles]


def _check(text: str, release: str = "2.7") -> list[int]:
    blocks = [read_yaml_block(b) for b in code_blocks(text) if b.is_yaml]
    return [f.line for f in check_api_versions(blocks, release, "p.md")]


def test_references_inside_an_object_are_judged() -> None:
    assert _check(KUSTOMIZATION_WITH_STALE_REFS) == _lines(
        KUSTOMIZATION_WITH_STALE_REFS,
        "source.toolkit.fluxcd.io/v1beta1",
        "helm.toolkit.fluxcd.io/v2beta1",
    )


def test_references_in_a_sites_include_template_are_judged() -> None:
    template = KUSTOMIZATION_WITH_STALE_REFS.replace("name: podinfo", "name: {{ page.meta.x }}")
    found = check_template_text(template, "includes/k.md", "2.7")
    assert [f.line for f in found] == _lines(
        template, "source.toolkit.fluxcd.io/v1beta1", "helm.toolkit.fluxcd.io/v2beta1"
    )
    assert all(f.code == "flux-api-not-served" for f in found)


def test_template_pairs_do_not_cross_mappings() -> None:
    # `kind` of the outer object must not pair with a nested list item's apiVersion.
    template = """\
```yaml
kind: Kustomization
spec:
  healthChecks:
    - apiVersion: helm.toolkit.fluxcd.io/v2
      name: x
apiVersion: kustomize.toolkit.fluxcd.io/v1beta1
```
"""
    found = check_template_text(template, "i.md", "2.7")
    assert [f.line for f in found] == [7]


def test_other_api_groups_are_not_flux_business() -> None:
    kustomize = """\
```yaml title="kustomization.yaml"
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
```

```yaml
apiVersion: apps/v1
kind: Deployment
---
apiVersion: example.com/v1alpha1
kind: HelmRelease
```
"""
    assert _check(kustomize) == []
    assert check_template_text(kustomize, "i.md", "2.9") == []
    assert judge("kustomize.config.k8s.io/v1beta1", "Kustomization", "2.9") is None
    verdict = judge("kustomize.toolkit.fluxcd.io/v9", "Kustomization", "2.9")
    assert verdict is not None and "has ever served" in verdict.message


DATED_POST = """\
---
date: 2025-04-27
---

# Image automation

```yaml
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImagePolicy
metadata:
  name: app
```
"""


def test_a_dated_page_records_its_time_and_is_told_as_info() -> None:
    from mkdocs_recipes.flux.settings import FluxSettings
    from mkdocs_recipes.report.findings import Severity
    from mkdocs_recipes.site.analysis import analyse_page

    found = analyse_page(DATED_POST, "blog/post.md", FluxSettings()).findings
    assert [(f.line, f.code, f.severity) for f in found] == [
        (8, "flux-api-not-served", Severity.INFO)
    ]
    assert "a page dated 2025-04-27" in found[0].message
    assert found[0].fix is not None  # `check --fix` still updates it when asked
    # Without a date it is an error, as on any page a reader follows today.
    undated = DATED_POST.replace("date: 2025-04-27", "title: Image automation")
    assert [f.severity for f in analyse_page(undated, "p.md", FluxSettings()).findings] == [
        Severity.ERROR
    ]
    # A dated page that names the release it is for is judged against that release.
    for_29 = DATED_POST.replace(
        "date: 2025-04-27", 'date: 2025-04-27\nflux:\n  flux_version: "2.9"'
    )
    assert [f.severity for f in analyse_page(for_29, "p.md", FluxSettings()).findings] == [
        Severity.ERROR
    ]
    for_25 = DATED_POST.replace(
        "date: 2025-04-27", 'date: 2025-04-27\nflux:\n  flux_version: "2.5"'
    )
    assert analyse_page(for_25, "p.md", FluxSettings()).findings == []
