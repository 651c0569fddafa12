"""Recipes checked against each other: the copy is flagged, not the original; incomplete
recipes count; OCI charts of one registry get one source object each."""

from __future__ import annotations

from mkdocs_recipes.checks.across import check_recipes_together
from mkdocs_recipes.flux import objects as flux
from mkdocs_recipes.flux.objects import FluxSettings
from mkdocs_recipes.recipe.model import read_recipe
from mkdocs_recipes.site.analysis import analyse_page
from support.crds import validate


def _page(path: str, front_matter: str) -> object:
    return analyse_page(f"---\n{front_matter}---\n\n# Page\n", path, FluxSettings())


def _found(*pages: object) -> list[tuple[str, int, str]]:
    return sorted(
        (f.path, f.line, f.code) for f in check_recipes_together(list(pages), FluxSettings())
    )


def _recipe(chart: str, url: str, version: str = "1.x") -> str:
    return (
        f"helm_chart_name: {chart}\nhelm_chart_version: '{version}'\n"
        f"helm_chart_repo_url: {url}\nhelmrelease_namespace: {chart}\n"
    )


def test_a_copied_title_is_reported_on_the_copy_not_on_the_page_it_names() -> None:
    original = _page(
        "grafana.md", "title: Run Grafana with Flux\n" + _recipe("grafana", "https://g.example/")
    )
    copy = _page(
        "loki.md", "title: Run Grafana with Flux\n" + _recipe("loki", "https://g.example/")
    )
    found = [f for f in _found(original, copy) if f[2] == "recipe-copied-text"]
    assert found == [("loki.md", 2, "recipe-copied-text")]


def test_a_title_naming_neither_chart_is_reported_on_both() -> None:
    one = _page("a.md", "title: A monitoring stack\n" + _recipe("grafana", "https://g.example/"))
    two = _page("b.md", "title: A monitoring stack\n" + _recipe("loki", "https://g.example/"))
    found = [f for f in _found(one, two) if f[2] == "recipe-copied-text"]
    assert found == [("a.md", 2, "recipe-copied-text"), ("b.md", 2, "recipe-copied-text")]


def test_a_copied_title_on_an_incomplete_recipe_is_reported() -> None:
    original = _page(
        "grafana.md", "title: Run Grafana with Flux\n" + _recipe("grafana", "https://g.example/")
    )
    incomplete = _page("loki.md", "title: Run Grafana with Flux\n" + _recipe("loki", "''"))
    assert incomplete.recipe is None and incomplete.declared  # its front-matter has findings
    found = [f for f in _found(original, incomplete) if f[2] == "recipe-copied-text"]
    assert found == [("loki.md", 2, "recipe-copied-text")]


def test_oci_charts_of_one_registry_get_an_ocirepository_each() -> None:
    settings = FluxSettings()
    recipes = []
    for chart in ("podinfo", "redis"):
        recipe, problems = read_recipe(
            f"---\n{_recipe(chart, 'oci://ghcr.io/example/charts')}---\n", f"{chart}.md"
        )
        assert recipe is not None, problems
        recipes.append(recipe)
    sources = [flux.chart_source(r, settings) for r in recipes]
    assert [s.kind for s in sources] == ["OCIRepository", "OCIRepository"]
    assert [s.body["metadata"]["name"] for s in sources] == ["podinfo", "redis"]
    assert len({s.path for s in sources}) == 2
    for recipe, source in zip(recipes, sources, strict=True):
        assert validate(source.body) == []
        release = flux.helm_release(recipe, settings)
        assert release.body["spec"]["chartRef"]["name"] == source.body["metadata"]["name"]
        assert validate(release.body) == []
    pages = [
        _page(f"{chart}.md", _recipe(chart, "oci://ghcr.io/example/charts"))
        for chart in ("podinfo", "redis")
    ]
    assert [f for f in _found(*pages) if f[2].endswith("clash")] == []


def test_one_oci_chart_from_two_registries_is_a_clash() -> None:
    pages = [
        _page("a.md", _recipe("podinfo", "oci://ghcr.io/one/charts")),
        _page(
            "b.md",
            _recipe("podinfo", "oci://ghcr.io/two/charts").replace(
                "helmrelease_namespace: podinfo", "helmrelease_namespace: other"
            ),
        ),
    ]
    found = [f for f in _found(*pages) if f[2] == "recipe-repository-clash"]
    assert [f[0] for f in found] == ["a.md", "b.md"]


def test_a_copied_description_is_reported_on_the_copy_not_on_the_page_it_describes() -> None:
    # The description names neither chart, but it is about the dashboard the original's
    # title names (real sites III, class 8): only the copy is reported.
    text = "description: Protect the dashboard behind single sign-on\n"
    original = _page(
        "oauth2-proxy.md",
        "title: Single sign-on for the dashboard\n" + text + _recipe("oauth2-proxy", "https://o/"),
    )
    copy = _page("grafana.md", "title: Grafana\n" + text + _recipe("grafana", "https://g/"))
    found = [f for f in _found(original, copy) if f[2] == "recipe-copied-text"]
    assert found == [("grafana.md", 3, "recipe-copied-text")]
