"""`mkdocs-recipes export`: the page's Flux objects as files, and drift against a GitOps
repository (`--check`), on sites whose charts resolve from a real chart server."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from support.crds import CRD_DIR, validate
from support.paths import SHARED

#: Each test runs the command line on a real site, several times.
pytestmark = pytest.mark.slow

OFFLINE = {"MKDOCS_RECIPES_OFFLINE": "1"}
VALUES_PAGE = """---
title: Secured dashboard
helm_chart_name: oauth2-proxy
helm_chart_version: 6.18.x
helm_chart_repo_name: oauth2-proxy
helm_chart_repo_url: https://oauth2-proxy.github.io/manifests/
helmrelease_namespace: dashboard
---

# Secured dashboard

```yaml
    config:
      clientID: dashboard
      clientSecret: s3cr3t-value
      existingSecret: ""
    replicaCount: 1
```

```yaml
    config:
      cookieSecret: <cookie-secret>
    extraArgs:
      provider: oidc
```
"""


def export(site, *arguments: str, env=None):
    return site.run("mkdocs_recipes", "export", *arguments, env=env)


def files_under(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_export_writes_one_valid_file_per_object_and_again_changes_nothing(site, seed_text) -> None:
    site.page("recipes/oauth2-proxy.md", seed_text)
    out = site.root / "cluster"
    done = export(site, "docs/recipes/oauth2-proxy.md", "--out", "cluster")
    assert done.returncode == 0, done.output
    written = files_under(out)
    # The layout the page's block titles show (the default *_path options).
    assert sorted(written) == [
        "bootstrap/helmrepositories/helmrepository-oauth2-proxy.yaml",
        "bootstrap/kustomizations/kustomization-oauth2-proxy.yaml",
        "bootstrap/namespaces/namespace-kubernetes-dashboard.yaml",
        "kubernetes-dashboard/helmrelease-oauth2-proxy.yaml",
    ]
    for text in written.values():
        (body,) = list(yaml.safe_load_all(text))
        assert validate(body) == [], text
    release = yaml.safe_load(written["kubernetes-dashboard/helmrelease-oauth2-proxy.yaml"])
    assert release["spec"]["chart"]["spec"]["version"] == "6.18.x"
    # The seed's values snippets, merged in page order.
    values = release["spec"]["values"]
    assert values["extraArgs"]["provider"] == "oidc"
    assert values["ingress"]["hosts"] == ["kubernetes-dashboard.example.com"]
    assert values["config"]["configFile"].startswith('email_domains = [ "*" ]')
    times = {p: (out / p).stat().st_mtime_ns for p in written}

    again = export(site, "--out", "cluster")
    assert again.returncode == 0, again.output
    assert again.output.count("unchanged ") == 4 and "wrote" not in again.output
    assert files_under(out) == written
    assert {p: (out / p).stat().st_mtime_ns for p in written} == times


def test_a_locally_edited_file_is_kept_unless_forced_and_dry_run_shows_the_diff(
    site, seed_text
) -> None:
    site.page("recipes/oauth2-proxy.md", seed_text)
    assert export(site, "--out", "cluster").returncode == 0
    release = site.root / "cluster/kubernetes-dashboard/helmrelease-oauth2-proxy.yaml"
    edited = release.read_text().replace("interval: 15m", "interval: 1h")
    release.write_text(edited)

    kept = export(site, "--out", "cluster")
    assert kept.returncode == 1, kept.output
    assert "kept      cluster/kubernetes-dashboard/helmrelease-oauth2-proxy.yaml" in kept.output
    assert release.read_text() == edited

    dry = export(site, "--out", "cluster", "--dry-run")
    assert dry.returncode == 0, dry.output
    assert "-  interval: 1h\n+  interval: 15m" in dry.output
    assert "--- a/kubernetes-dashboard/helmrelease-oauth2-proxy.yaml" in dry.output
    assert release.read_text() == edited

    forced = export(site, "--out", "cluster", "--force")
    assert forced.returncode == 0, forced.output
    assert "replaced  cluster/kubernetes-dashboard/helmrelease-oauth2-proxy.yaml" in forced.output
    assert "interval: 15m" in release.read_text()


def test_dry_run_of_a_new_export_writes_nothing(site, seed_text) -> None:
    site.page("recipes/oauth2-proxy.md", seed_text)
    dry = export(site, "--out", "cluster", "--dry-run")
    assert dry.returncode == 0, dry.output
    assert "+++ b/bootstrap/namespaces/namespace-kubernetes-dashboard.yaml" in dry.output
    assert "--- /dev/null" in dry.output
    assert not (site.root / "cluster").exists()


def test_values_modes_and_the_findings_about_what_would_be_committed(site) -> None:
    site.page("dashboard.md", VALUES_PAGE)
    path = "cluster/dashboard/helmrelease-oauth2-proxy.yaml"

    done = export(site, "--out", "cluster", "--values", "page")
    assert done.returncode == 0, done.output
    values = yaml.safe_load((site.root / path).read_text())["spec"]["values"]
    assert values == {
        "config": {
            "clientID": "dashboard",
            "clientSecret": "s3cr3t-value",
            "existingSecret": "",
            "cookieSecret": "<cookie-secret>",
        },
        "replicaCount": 1,
        "extraArgs": {"provider": "oidc"},
    }
    # The literal secret, at its page line, with the valuesFrom alternative; the empty
    # existingSecret names a Secret and is none.
    assert re.search(
        r"docs/dashboard\.md:15: \[export-literal-secret\] `config\.clientSecret`.*valuesFrom: "
        r"\[\{kind: Secret, name: oauth2-proxy-values, valuesKey: clientSecret, "
        r"targetPath: config\.clientSecret, literal: true\}\]",
        done.output,
    ), done.output
    assert "docs/dashboard.md:22: [export-values-placeholder] `config.cookieSecret`" in done.output
    assert "existingSecret` holds" not in done.output

    none = export(site, "--out", "cluster", "--values", "none", "--force")
    assert none.returncode == 0, none.output
    assert "values" not in yaml.safe_load((site.root / path).read_text())["spec"]
    assert "[export-literal-secret]" not in none.output

    full = export(site, "--out", "cluster", "--values", "full", "--force")
    assert full.returncode == 0, full.output
    values = yaml.safe_load((site.root / path).read_text())["spec"]["values"]
    defaults = yaml.safe_load((SHARED / "charts/oauth2-proxy/6.18.3/values.yaml").read_text())
    assert set(values) == set(defaults) | {"extraArgs"}
    assert values["replicaCount"] == 1 and values["config"]["clientID"] == "dashboard"
    assert values["image"] == defaults["image"]  # the chart's default, kept
    assert validate(yaml.safe_load((site.root / path).read_text())) == []


def test_export_validates_against_the_crds_and_refuses_what_they_do_not_serve(
    site, seed_text, tmp_path
) -> None:
    site.page("recipes/oauth2-proxy.md", seed_text)
    # CRDs of a cluster whose HelmRelease CRD serves only v2beta1 (an old Flux): the
    # HelmRelease helm.toolkit.fluxcd.io/v2 would be rejected, so it is not written.
    old = tmp_path / "old-crds"
    old.mkdir()
    crd = yaml.safe_load((CRD_DIR / "helm.toolkit.fluxcd.io_helmreleases.yaml").read_text())
    for version in crd["spec"]["versions"]:
        version["name"] = "v2beta1"
    (old / "helmreleases.yaml").write_text(yaml.safe_dump(crd))
    done = export(site, "--out", "cluster", "--crds", str(old))
    assert done.returncode == 1, done.output
    assert "[export-invalid] the HelmRelease kubernetes-dashboard/oauth2-proxy" in done.output
    assert "(they serve: helm.toolkit.fluxcd.io/v2beta1)" in done.output
    assert not (site.root / "cluster/kubernetes-dashboard").exists()
    assert (site.root / "cluster/bootstrap/namespaces").is_dir()  # the others are written

    # The real CRDs, found where `flux bootstrap` keeps them in the repository.
    shutil.rmtree(site.root / "cluster")
    components = site.root / "cluster/clusters/home/flux-system/gotk-components.yaml"
    components.parent.mkdir(parents=True)
    components.write_text(
        "\n---\n".join(p.read_text() for p in sorted(CRD_DIR.glob("*.yaml")))
        + "\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n"
    )
    found = export(site, "--out", "cluster")
    assert found.returncode == 0, found.output
    assert "validated against the CRDs of GitRepository, HelmChart, HelmRelease" in found.output

    empty = tmp_path / "no-crds.yaml"
    empty.write_text("kind: ConfigMap\n")
    refused = export(site, "--out", "cluster", "--crds", str(empty))
    assert refused.returncode == 2 and "no CustomResourceDefinition in" in refused.output


def test_export_never_writes_through_a_link_or_outside_the_folder(site, seed_text) -> None:
    site.page("recipes/oauth2-proxy.md", seed_text)
    outside = site.root / "elsewhere.yaml"
    outside.write_text("mine\n")
    folder = site.root / "cluster/bootstrap/namespaces"
    folder.mkdir(parents=True)
    (folder / "namespace-kubernetes-dashboard.yaml").symlink_to(outside)
    done = export(site, "--out", "cluster")
    assert done.returncode == 1, done.output
    assert "refused   cluster/bootstrap/namespaces/namespace-kubernetes-dashboard.yaml" in (
        done.output
    )
    assert outside.read_text() == "mine\n"

    site.recipes_options["flux"] = {"namespace_path": "/../../escaped-{namespace}.yaml"}
    escaped = export(site, "--out", "cluster")
    assert escaped.returncode == 1, escaped.output
    assert "outside cluster" in escaped.output
    assert not list(site.root.parent.glob("escaped-*"))


def test_export_of_pages_that_are_not_recipes_or_are_broken(site, seed_text) -> None:
    site.page("recipes/oauth2-proxy.md", seed_text)
    site.page("about.md", "---\nslug: about\n---\n# About\n")
    site.page(
        "broken.md",
        seed_text.replace(
            "helmrelease_namespace: kubernetes-dashboard", "helmrelease_namespace: Kube_Dash"
        ),
    )
    not_recipe = export(site, "docs/about.md", "--out", "cluster")
    assert not_recipe.returncode == 2
    assert "docs/about.md: not a recipe page of this site" in not_recipe.output
    broken = export(site, "docs/broken.md", "--out", "cluster")
    assert broken.returncode == 1, broken.output
    assert "docs/broken.md:10: [recipe-invalid-name]" in broken.output
    assert "Traceback" not in broken.output
    both = export(site, "--out", "cluster", "--check", "docs")
    assert both.returncode == 2 and "give one of --out DIR" in both.output


# --check ------------------------------------------------------------------------------


@pytest.fixture
def exported(site, seed_text) -> Path:
    site.page("recipes/oauth2-proxy.md", seed_text)
    assert export(site, "--out", "cluster").returncode == 0
    return site.root / "cluster"


def test_check_finds_nothing_in_an_unchanged_tree_in_every_format(site, exported) -> None:
    for output_format in ("text", "json", "github", "sarif"):
        done = export(site, "--check", "cluster", "--format", output_format, "--strict")
        assert done.returncode == 0, done.output
    done = export(site, "--check", "cluster", "--format", "json")
    assert json.loads(done.output)["findings"] == []


def test_check_finds_a_changed_version_a_changed_key_and_a_removed_object(
    site, exported, tmp_path
) -> None:
    copy = site.root / "cluster-copy"
    shutil.copytree(exported, copy)
    release = copy / "kubernetes-dashboard/helmrelease-oauth2-proxy.yaml"
    text = release.read_text()
    text = text.replace("version: 6.18.x", "version: 6.17.x")
    text = text.replace("provider: oidc", "providers: oidc")
    # Moved into a multi-document file elsewhere: still found by kind, name, namespace.
    release.unlink()
    (copy / "apps.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\n" + text
    )
    (copy / "bootstrap/kustomizations/kustomization-oauth2-proxy.yaml").unlink()

    done = export(site, "--check", "cluster-copy", "--format", "json")
    assert done.returncode == 1, done.output
    report = json.loads(done.output)
    found = {(f["code"], f["path"], f["line"]) for f in report["findings"]}
    lines = text.split("\n")
    version_line = 5 + next(i for i, line in enumerate(lines) if "version: 6.17.x" in line) + 1
    assert ("drift-chart-version", "cluster-copy/apps.yaml", version_line) in found
    (key,) = [f for f in report["findings"] if f["code"] == "drift-values-key"]
    assert key["path"] == "cluster-copy/apps.yaml"
    assert (
        "does not set `extraArgs.provider`, which the page (docs/recipes/oauth2-proxy.md:"
        in (key["message"])
    )
    assert "this file sets `extraArgs.providers`" in key["hint"]
    (missing,) = [f for f in report["findings"] if f["code"] == "drift-missing"]
    assert missing["path"] == "docs/recipes/oauth2-proxy.md"
    assert missing["line"] == 11  # kustomization_name
    assert "the Kustomization flux-system/oauth2-proxy" in missing["message"]
    assert {f["code"] for f in report["findings"]} == {
        "drift-chart-version",
        "drift-values-key",
        "drift-missing",
    }
    github = export(site, "--check", "cluster-copy", "--format", "github")
    assert "::error file=cluster-copy/apps.yaml,line=" in github.output


def test_check_finds_a_changed_value_api_version_and_source(site, exported) -> None:
    release = exported / "kubernetes-dashboard/helmrelease-oauth2-proxy.yaml"
    release.write_text(
        release.read_text()
        .replace("helm.toolkit.fluxcd.io/v2", "helm.toolkit.fluxcd.io/v2beta2")
        .replace("provider: oidc", "provider: github")
    )
    repository = exported / "bootstrap/helmrepositories/helmrepository-oauth2-proxy.yaml"
    repository.write_text(repository.read_text().replace("github.io", "example.org"))
    done = export(site, "--check", "cluster")
    assert done.returncode == 1, done.output
    assert re.search(r"helmrelease-oauth2-proxy\.yaml:1: error \[drift-api-version\]", done.output)
    assert "[drift-value] `extraArgs.provider` is `github` here, but the page" in done.output
    assert "[drift-source-url] the HelmRepository flux-system/oauth2-proxy has `spec.url: " in (
        done.output
    )


def test_check_leaves_the_clusters_own_additions_and_placeholders_alone(site) -> None:
    site.page("dashboard.md", VALUES_PAGE)
    assert export(site, "--out", "cluster").returncode == 0
    release = site.root / "cluster/dashboard/helmrelease-oauth2-proxy.yaml"
    body = yaml.safe_load(release.read_text())
    body["metadata"]["labels"] = {"team": "platform"}
    body["spec"]["driftDetection"] = {"mode": "enabled"}
    body["spec"]["values"]["config"]["cookieSecret"] = "${COOKIE_SECRET}"
    body["spec"]["values"]["config"]["clientSecret"] = "${CLIENT_SECRET}"
    body["spec"]["values"]["config"]["configFile"] = "email_domains = [ '*' ]"
    body["spec"]["values"]["ingress"] = {"enabled": True}
    release.write_text(yaml.safe_dump(body, sort_keys=False))
    done = export(site, "--check", "cluster", "--strict")
    assert done.returncode == 0, done.output
    # A top-level values section the page does not show is only information.
    assert "info [drift-values-extra] `ingress` is set here" in done.output
    assert "configFile" not in done.output


def test_the_docs_sites_recipes_export_valid_objects_for_http_and_oci(tmp_path) -> None:
    """This project's own docs site (HTTP and OCI recipes, charts from folder mirrors):
    every exported object, OCIRepository and chartRef included, passes the CRD oracle."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "cluster"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs_recipes",
            "export",
            "--out",
            str(out),
            "--crds",
            str(CRD_DIR),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "MKDOCS_RECIPES_OFFLINE": "1", "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    files = files_under(out)
    assert "bootstrap/ocirepositories/ocirepository-podinfo.yaml" in files
    oci_release = yaml.safe_load(files["podinfo-oci/helmrelease-podinfo.yaml"])
    assert oci_release["spec"]["chartRef"]["kind"] == "OCIRepository"
    for name, text in files.items():
        assert validate(yaml.safe_load(text)) == [], name


@pytest.mark.parametrize(
    ("key", "value", "secret"),
    [
        ("password", "hunter2", True),
        ("adminPassword", "hunter2", True),
        ("clientSecret", "abc", True),
        ("apiKey", "k-123", True),
        ("secretKey", "minio-secret", True),
        ("existingSecret", "my-secret", False),  # names a Secret
        ("secretName", "my-secret", False),
        ("passwordKey", "admin-password", False),  # a key in a Secret
        ("tokenUrl", "https://idp.example.org/token", False),
        ("cookieSecret", "", False),
        ("token", "${TOKEN}", False),  # Flux post-build substitution
        ("password", 12345, False),  # a number: a setting (a length, a port) more often
        ("replicaCount", "2", False),
    ],
)
def test_what_counts_as_a_literal_secret(key, value, secret) -> None:
    from mkdocs_recipes.gitops.export import is_literal_secret

    assert is_literal_secret(key, value) is secret


def test_the_values_from_advice_reads_a_secret_literally_where_flux_can() -> None:
    """Flux 2.9 added `literal` to `valuesFrom`: with a `targetPath`, a value is otherwise
    read with Helm's `--set` syntax, where a comma or a bracket in a secret means
    something."""
    from mkdocs_recipes.gitops.export import values_from

    assert values_from("app", "token", "auth.token", "2.9") == (
        "`valuesFrom: [{kind: Secret, name: app-values, valuesKey: token, "
        "targetPath: auth.token, literal: true}]`"
    )
    assert values_from("app", "token", "auth.token", "2.8").endswith("targetPath: auth.token}]`")
