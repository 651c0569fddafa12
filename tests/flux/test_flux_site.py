"""Flux output in real builds: admonitions and tabs, per-page and per-call options,
OCI recipes, merged values, and hand-written manifests checked against the target release."""

from __future__ import annotations

import re

import pytest
import yaml

from support.crds import validate
from support.html import code_blocks, div_with_class

pytestmark = pytest.mark.slow

PODINFO = """\
---
title: Podinfo
helm_chart_name: podinfo
helm_chart_version: "6.5.x"
helm_chart_repo_url: {url}
helmrelease_namespace: podinfo
{extra}---

# Podinfo
"""


def page(url: str = "https://stefanprodan.github.io/podinfo", extra: str = "") -> str:
    return PODINFO.format(url=url, extra=extra)


def objects(page_html: str) -> dict[str, dict]:
    found = {}
    for block in code_blocks(page_html):
        data = yaml.safe_load(block.text)
        if isinstance(data, dict) and "kind" in data:
            found[data["kind"]] = data
    return found


def line_of(text: str, fragment: str, start: int = 0) -> int:
    lines = text.split("\n")
    return next(n for n, line in enumerate(lines, 1) if n > start and fragment in line)


@pytest.fixture
def offline_site(site):
    """Charts are not resolved here: these tests are about the emitted YAML."""
    site.recipes_options = {"resolve_charts": False}
    return site


def test_blocks_inside_admonitions_and_tabs_stay_intact(offline_site) -> None:
    body = """
!!! note "The release"

    {{ flux_helmrelease(indent=4) }}

=== "Namespace"

    {{ flux_namespace(indent=4) }}

=== "Source"

    {{ flux_helmrepository(indent=4) }}
"""
    offline_site.page("p.md", page() + body)
    build = offline_site.build()
    assert build.ok, build.output
    html = build.html("p")
    found = objects(html)
    assert set(found) == {"HelmRelease", "Namespace", "HelmRepository"}
    assert all(validate(data) == [] for data in found.values())
    note = div_with_class(html, "admonition")
    assert [b.title for b in code_blocks(note)] == ["/podinfo/helmrelease-podinfo.yaml"]
    tabs = div_with_class(html, "tabbed-content")
    assert [b.title for b in code_blocks(tabs)] == [
        "/bootstrap/namespaces/namespace-podinfo.yaml",
        "/bootstrap/helmrepositories/helmrepository-podinfo.yaml",
    ]


def test_page_targets_an_older_flux_release(offline_site) -> None:
    offline_site.page(
        "p.md",
        page(extra='flux:\n  flux_version: "2.0"\n')
        + "{% include 'kubernetes-flux-helmrelease.md' %}\n",
    )
    build = offline_site.build()
    assert build.ok, build.output
    assert objects(build.html("p"))["HelmRelease"]["apiVersion"] == "helm.toolkit.fluxcd.io/v2beta1"


def test_invalid_front_matter_flux_option_is_reported_at_its_line(offline_site) -> None:
    text = page(extra='flux:\n  release_interval: "5 minutes"\n')
    offline_site.page("p.md", text + "{% include 'kubernetes-flux-helmrelease.md' %}\n")
    build = offline_site.build()
    assert not build.ok
    line = line_of(text, "release_interval")
    assert f"docs/p.md:{line}: [flux-invalid-option]" in build.output, build.output
    # The rest of the page still renders, with the default interval.
    assert objects(build.html("p"))["HelmRelease"]["spec"]["interval"] == "15m"


def test_macro_keywords_apply_and_invalid_ones_are_reported_at_the_call(offline_site) -> None:
    text = (
        page()
        + """
Intro.

{{ flux_helmrelease(release_interval="5m", create_namespace=True) }}

{{ flux_kustomization(kustomization_timeout="soon") }}

{{ flux_namespace(indent="four") }}
"""
    )
    offline_site.page("p.md", text)
    build = offline_site.build()
    assert not build.ok
    found = objects(build.html("p"))
    assert found["HelmRelease"]["spec"]["interval"] == "5m"
    assert found["HelmRelease"]["spec"]["install"]["createNamespace"] is True
    line = line_of(text, "flux_kustomization(")
    assert (
        f"docs/p.md:{line}: [flux-invalid-option] flux_kustomization(): "
        "kustomization_timeout 'soon'" in build.output
    ), build.output


def test_site_wide_options_and_a_bad_one(offline_site) -> None:
    offline_site.recipes_options = {
        "resolve_charts": False,
        "flux": {"flux_namespace": "gitops", "helmrelease_path": "/apps/{release}.yaml"},
    }
    offline_site.page("p.md", page() + "{% include 'kubernetes-flux-helmrelease.md' %}\n")
    build = offline_site.build()
    assert build.ok, build.output
    blocks = code_blocks(build.html("p"))
    assert blocks[0].title == "/apps/podinfo.yaml"
    release = yaml.safe_load(blocks[0].text)
    assert release["spec"]["chart"]["spec"]["sourceRef"]["namespace"] == "gitops"

    offline_site.recipes_options = {"flux": {"flux_version": "1.9"}}
    build = offline_site.build()
    assert not build.ok
    assert "flux.flux_version" in build.output and "Traceback" not in build.output


@pytest.mark.parametrize(
    ("url", "release", "source_kind"),
    [
        ("oci://ghcr.io/stefanprodan/charts", None, "OCIRepository"),
        ("oci://ghcr.io/stefanprodan/charts/podinfo", None, "OCIRepository"),
        ("oci://ghcr.io/stefanprodan/charts", "2.5", "HelmRepository"),
        ("oci://ghcr.io/stefanprodan/charts/podinfo", "2.5", "HelmRepository"),
    ],
)
def test_oci_recipes_in_both_forms(offline_site, url, release, source_kind) -> None:
    extra = f'flux:\n  flux_version: "{release}"\n' if release else ""
    text = page(url, extra) + (
        "{% include 'kubernetes-flux-helmrepository.md' %}\n"
        "{% include 'kubernetes-flux-helmrelease.md' %}\n"
    )
    offline_site.page("p.md", text)
    build = offline_site.build()
    assert build.ok, build.output
    found = objects(build.html("p"))
    source = found[source_kind]
    if source_kind == "OCIRepository":
        assert source["spec"]["url"] == "oci://ghcr.io/stefanprodan/charts/podinfo"
        assert "chartRef" in found["HelmRelease"]["spec"]
        assert validate(source) == [] and validate(found["HelmRelease"]) == []
    else:
        assert source["spec"]["url"] == "oci://ghcr.io/stefanprodan/charts"
        assert "chart" in found["HelmRelease"]["spec"]
    adjusted = "[flux-url-adjusted]" in build.output
    assert adjusted == (source_kind == "HelmRepository" and url.endswith("/podinfo"))


def test_values_snippets_merged_into_the_helmrelease_on_request(offline_site) -> None:
    text = (
        page(extra="flux:\n  values_in_helmrelease: true\n")
        + """
{% include 'kubernetes-flux-helmrelease.md' %}

```yaml
    replicaCount: 2
    ui:
      message: hello
```

```yaml
values:
  ui:
    color: "#000000"
```

<!-- recipes: skip -->
```yaml
    notValues: true
```
"""
    )
    offline_site.page("p.md", text)
    build = offline_site.build()
    assert build.ok, build.output
    release = objects(build.html("p"))["HelmRelease"]
    assert release["spec"]["values"] == {
        "replicaCount": 2,
        "ui": {"message": "hello", "color": "#000000"},
    }
    assert validate(release) == []


def test_hand_written_removed_api_versions_are_reported_at_their_lines(offline_site) -> None:
    text = """\
---
title: Old manifests
---

# Old manifests

```yaml
apiVersion: helm.toolkit.fluxcd.io/v2beta1
kind: HelmRelease
metadata:
  name: demo
```

!!! example

    ```yaml title="two documents"
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: HelmRepository
    metadata:
      name: fine
    ---
    apiVersion: kustomize.toolkit.fluxcd.io/v1beta2
    kind: Kustomization
    metadata:
      name: old
    ```

```yaml
apiVersion: apps/v1
kind: Deployment
```
"""
    offline_site.page("old.md", text)
    build = offline_site.build()
    assert not build.ok
    reported = re.findall(r"docs/old\.md:(\d+): \[flux-api-not-served\] (.*)", build.output)
    assert [int(line) for line, _ in reported] == [
        line_of(text, "helm.toolkit.fluxcd.io/v2beta1"),
        line_of(text, "kustomize.toolkit.fluxcd.io/v1beta2"),
    ]
    assert "removed in Flux 2.7" in reported[0][1]
    assert "write `apiVersion: helm.toolkit.fluxcd.io/v2`" in build.output


def test_a_sites_own_stale_include_is_reported_at_its_line(offline_site, seed_text) -> None:
    offline_site.plugins = ["recipes", {"macros": {"include_dir": "includes"}}]
    stale = """\
### HelmRelease

```yaml title="/{{ page.meta.helmrelease_namespace }}/helmrelease.yaml"
apiVersion: helm.toolkit.fluxcd.io/v2beta1
kind: HelmRelease
metadata:
  name: {{ page.meta.helmrelease_name }}
```
"""
    offline_site.write("includes/kubernetes-flux-helmrelease.md", stale)
    offline_site.page("r.md", seed_text)
    build = offline_site.build()
    assert not build.ok
    assert "includes/kubernetes-flux-helmrelease.md:4: [flux-api-not-served]" in build.output
    assert "delete this include to use the packaged one" in build.output
