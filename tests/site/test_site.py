"""Whole MkDocs builds of small sites: what an author sees in the page and in the log."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml

from support.crds import validate
from support.html import code_blocks
from support.paths import ROOT

pytestmark = pytest.mark.slow

FLUX_KINDS = ["Namespace", "HelmRepository", "Kustomization", "HelmRelease"]


def manifests_in(page_html: str) -> dict[str, tuple[str, dict]]:
    found = {}
    for block in code_blocks(page_html):
        try:
            data = yaml.safe_load(block.text)
        except yaml.YAMLError:
            continue
        if isinstance(data, dict) and "apiVersion" in data and "kind" in data:
            found[data["kind"]] = (block.title, data)
    return found


def test_seed_recipe_builds_strict_with_valid_flux_yaml(site, seed_text) -> None:
    site.page("recipes/oauth2-proxy.md", seed_text)
    build = site.build()
    assert build.ok, build.output
    found = manifests_in(build.html("recipes/oauth2-proxy"))
    assert sorted(found) == sorted(FLUX_KINDS)
    for kind, (title, data) in found.items():
        assert validate(data) == [], kind
        assert title and title.endswith(".yaml")
        if kind != "Namespace":
            assert data["metadata"]["namespace"]
    assert found["Kustomization"][1]["spec"]["prune"] is True
    assert found["HelmRelease"][0] == "/kubernetes-dashboard/helmrelease-oauth2-proxy.yaml"
    commands = [b.text for b in code_blocks(build.html("recipes/oauth2-proxy"))]
    assert any("flux get helmreleases -n kubernetes-dashboard oauth2-proxy" in c for c in commands)


def test_plugin_order_does_not_matter(site, seed_text) -> None:
    site.plugins = ["macros", "recipes"]
    site.page("r.md", seed_text)
    build = site.build()
    assert build.ok, build.output
    assert sorted(manifests_in(build.html("r"))) == sorted(FLUX_KINDS)


@pytest.mark.parametrize(
    "key",
    ["helm_chart_name", "helm_chart_version", "helm_chart_repo_url", "helmrelease_namespace"],
)
def test_strict_build_fails_naming_a_missing_key(site, seed_text, key) -> None:
    site.page("recipes/oauth2-proxy.md", re.sub(rf"^{key}:.*\n", "", seed_text, flags=re.M))
    build = site.build()
    assert not build.ok
    # Without the chart name the page is not a recipe: one finding says so.
    code = "recipe-without-chart" if key == "helm_chart_name" else "recipe-missing-key"
    assert re.search(rf"docs/recipes/oauth2-proxy\.md:\d+: \[{code}\] .*`{key}`", build.output), (
        build.output
    )
    # The page says so instead of showing half-filled YAML.
    if key != "helm_chart_name":
        page = build.html("recipes/oauth2-proxy")
        assert "front-matter has errors" in page
        assert manifests_in(page) == {}


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("helmrelease_namespace", "Kube_Dashboard", "recipe-invalid-name"),
        ("helm_chart_repo_url", "ftp://charts", "recipe-invalid-url"),
        ("helm_chart_version", "latest", "recipe-invalid-version"),
        ("helm_chart_version", "6.10", "recipe-yaml-number"),
    ],
)
def test_strict_build_fails_at_the_line_of_a_bad_value(site, seed_text, key, value, code):
    text = re.sub(rf"^{key}:.*$", f"{key}: {value}", seed_text, count=1, flags=re.M)
    line = next(n for n, t in enumerate(text.split("\n"), 1) if t.startswith(f"{key}:"))
    site.page("r.md", text)
    build = site.build()
    assert not build.ok
    assert f"docs/r.md:{line}: [{code}]" in build.output, build.output


def test_non_strict_build_still_shows_the_problem_in_the_log(site, seed_text) -> None:
    site.page(
        "r.md",
        seed_text.replace(
            "helmrelease_namespace: kubernetes-dashboard", "helmrelease_namespace: Kube_Dashboard"
        ),
    )
    build = site.build(strict=False)
    assert build.ok
    assert "[recipe-invalid-name]" in build.output


def test_broken_front_matter_is_reported_not_rendered_as_text(site, seed_text) -> None:
    site.page("r.md", seed_text.replace("slug: OAuth2 Proxy", "slug: OAuth2: [Proxy"))
    build = site.build()
    assert not build.ok
    assert "docs/r.md:12: [front-matter-unparsable]" in build.output, build.output


def test_site_include_overrides_the_packaged_one_and_removal_restores_it(site, seed_text):
    site.extra_config = {}
    site.plugins = ["recipes", {"macros": {"include_dir": "includes"}}]
    site.page("r.md", seed_text)
    override = site.write("includes/kubernetes-flux-namespace.md", "OUR OWN NAMESPACE TEXT\n")
    build = site.build()
    assert build.ok, build.output
    page = build.html("r")
    assert "OUR OWN NAMESPACE TEXT" in page
    assert "Namespace" not in manifests_in(page)
    assert "HelmRelease" in manifests_in(page)

    override.unlink()
    build = site.build()
    assert build.ok, build.output
    page = build.html("r")
    assert "OUR OWN NAMESPACE TEXT" not in page
    assert "Namespace" in manifests_in(page)


def test_without_macros_the_build_stops_with_a_clear_error(site, seed_text) -> None:
    site.plugins = ["recipes"]
    site.page("r.md", seed_text)
    build = site.build()
    assert build.returncode != 0
    assert "needs the `macros` plugin" in build.output
    assert "Traceback" not in build.output


def test_include_on_an_ordinary_page_is_a_warning_at_its_line(site) -> None:
    site.page("plain.md", "# Plain\n\nText.\n\n{% include 'kubernetes-flux-namespace.md' %}\n")
    build = site.build()
    assert not build.ok
    assert "docs/plain.md:5: [include-outside-recipe]" in build.output, build.output


def test_project_docs_build_strict_offline(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "MKDOCS_RECIPES_OFFLINE": "1",
            "NO_MKDOCS_2_WARNING": "1",
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),  # the default cache lands in tmp, not in the checkout
            # No proxy and an unroutable one: any network use would fail the build.
            "http_proxy": "http://127.0.0.1:9",
            "https_proxy": "http://127.0.0.1:9",
        },
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "index.html").exists()
    example = (tmp_path / "site" / "recipes" / "podinfo" / "index.html").read_text()
    found = manifests_in(example)
    assert sorted(found) == sorted(FLUX_KINDS)
    assert all(validate(data) == [] for _, data in found.values())
    # The chart was resolved, offline, through the mirror to examples/chart-repository.
    assert "resolves to <code>6.5.4</code>" in example


def test_blocks_macros_will_not_render_are_not_checked(site) -> None:
    # Rendered, this block would read `key: a: b` (not YAML); mkdocs-macros leaves the page
    # as written, so the block is shown as written and not judged as rendered.
    block = '```yaml\nkey: {{ "a: b" }}\n```\n'
    site.page("raw.md", "---\nrender_macros: false\n---\n\n" + block)
    site.page("rendered.md", block)
    build = site.build(strict=False)
    assert build.ok, build.output
    assert "raw.md" not in build.output
    assert "docs/rendered.md:2: [yaml-syntax]" in build.output, build.output


def test_macros_info_lines_are_quiet_unless_macros_is_verbose(site, seed_text) -> None:
    """mkdocs-macros' INFO lines on every build (`No default module main found`, its lists
    of variables) are hidden; `verbose: true` under `macros` brings them back."""
    site.page("recipes/oauth2-proxy.md", seed_text)
    quiet = site.run("mkdocs", "build", "--strict")
    assert quiet.ok, quiet.output
    assert "[macros]" not in quiet.output and "Documentation built" in quiet.output
    site.plugins = ["recipes", {"macros": {"verbose": True}}]
    verbose = site.run("mkdocs", "build", "--strict")
    assert verbose.ok, verbose.output
    assert "[macros] - No default module `main` found" in verbose.output
