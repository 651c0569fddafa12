"""Real sites III: how a site is built decides what its pages show, and the plugin follows
it: mkdocs-macros in the site's own Jinja syntax, includes that fill a block. Each test
builds a small site for real (`mkdocs build --strict`) and checks it."""

from __future__ import annotations

import json

import pytest

from support.site import Site

pytestmark = pytest.mark.slow

OFFLINE = {"MKDOCS_RECIPES_OFFLINE": "1"}
#: mkdocs-macros in square brackets, so that Helm's `{{ }}` in pages stays text.
SQUARE = {
    "j2_block_start_string": "[[%",
    "j2_block_end_string": "%]]",
    "j2_variable_start_string": "[[[",
    "j2_variable_end_string": "]]]",
    "include_dir": "snippets",
}
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx
"""


def square_site(tmp_path) -> Site:
    site = Site(tmp_path, plugins=["recipes", {"macros": SQUARE}])
    site.write("snippets/examples/deployment.yaml", DEPLOYMENT)
    site.page(
        "deploy.md",
        "# Deploy\n\n```yaml\n[[% include 'examples/deployment.yaml' %]]\n```\n\n"
        "A Helm template, shown as text:\n\n```yaml\nname: {{ .Values.name }}\n"
        "image: {{ .Values.image | quote }}\n```\n\nRelease [[[ config.site_name ]]].\n",
    )
    return site


def test_includes_in_the_sites_own_jinja_syntax_are_judged_as_the_file(tmp_path) -> None:
    site = square_site(tmp_path)
    built = site.build(strict=True, env=OFFLINE)
    assert built.ok, built.output
    assert "kind: Deployment" in built.html("deploy") or "Deployment" in built.html("deploy")
    checked = site.run("mkdocs_recipes", "check", "--format", "json", env=OFFLINE)
    start = checked.output.index("{\n")
    assert json.JSONDecoder().raw_decode(checked.output[start:])[0]["findings"] == []


def test_a_mistake_in_a_file_an_include_fills_is_reported_at_the_file(tmp_path) -> None:
    site = square_site(tmp_path)
    broken = DEPLOYMENT.replace("      - name: web\n", "      - name: web\n         image: x\n")
    site.write("snippets/examples/deployment.yaml", broken)
    checked = site.run("mkdocs_recipes", "check", "--format", "json", env=OFFLINE)
    start = checked.output.index("{\n")
    found = json.JSONDecoder().raw_decode(checked.output[start:])[0]["findings"]
    assert [(f["path"], f["code"]) for f in found] == [
        ("snippets/examples/deployment.yaml", "yaml-syntax")
    ], found
    built = site.build(strict=True, env=OFFLINE)
    assert not built.ok and "snippets/examples/deployment.yaml:" in built.output


def test_a_page_another_plugin_generates_gets_no_finding_at_a_temporary_path(tmp_path) -> None:
    # Material's blog makes its second index page from the first, in a temporary folder.
    site = Site(
        tmp_path,
        plugins=[
            {"blog": {"post_excerpt": "optional", "pagination_per_page": 1}},
            "recipes",
            "macros",
        ],
    )
    site.page("index.md", "# Home\n")
    site.page("blog/index.md", "# Blog\n\n```yaml\nreplicas: 1\nreplicas: 2\n```\n")
    for day in (1, 2, 3):
        site.page(
            f"blog/posts/post-{day}.md",
            f"---\ndate: 2026-11-0{day}\n---\n\n# Post {day}\n\nText.\n",
        )
    built = site.build(strict=False, env=OFFLINE)
    assert built.ok, built.output
    assert (site.root / "site" / "blog" / "page" / "2" / "index.html").is_file()
    reported = [line for line in built.output.splitlines() if "[yaml-duplicate-key]" in line]
    assert len(reported) == 1 and "docs/blog/index.md:5:" in reported[0], built.output
    checked = site.run("mkdocs_recipes", "check", "--format", "json", env=OFFLINE)
    start = checked.output.index("{\n")
    found = json.JSONDecoder().raw_decode(checked.output[start:])[0]["findings"]
    assert {f["path"] for f in found} == {"docs/blog/index.md"}, found


def test_check_reads_what_include_markdown_pulls_into_a_page(tmp_path) -> None:
    # A site that pulls a README into a page with the include-markdown plugin: its links
    # and headings are the page's, in `check` as in the build.
    site = Site(
        tmp_path,
        plugins=["search", "include-markdown", {"macros": {"render_by_default": False}}, "recipes"],
    )
    site.write(
        "examples/app/README.md",
        "## Included heading\n\nSee [the setup](#no-such-heading) and "
        "![diagram](/images/missing.png).\n",
    )
    site.page(
        "app.md",
        '# App\n\n{% include-markdown "../examples/app/README.md" %}\n\n'
        "Read [the included part](#included-heading).\n",
    )
    built = site.build(strict=False, env=OFFLINE)
    assert built.ok, built.output
    assert 'id="included-heading"' in built.html("app")
    checked = site.run("mkdocs_recipes", "check", "--format", "json", env=OFFLINE)
    start = checked.output.index("{\n")
    found = json.JSONDecoder().raw_decode(checked.output[start:])[0]["findings"]
    # Both problems of the included text, at the line that includes it; the page's own
    # link to the included heading is fine.
    assert sorted((f["path"], f["line"], f["code"]) for f in found) == [
        ("docs/app.md", 3, "image-missing"),
        ("docs/app.md", 3, "link-anchor-missing"),
    ], found


def test_two_recipes_printing_one_repository_with_two_urls_clash(tmp_path) -> None:
    # The site's own include template names every HelmRepository after the recipe's
    # `project` (a key of the site's own), not after `helm_chart_repo_name`: two recipes
    # of one project print one object with two URLs.
    site = Site(
        tmp_path,
        plugins=["recipes", {"macros": {"include_dir": "includes"}}],
        recipes_options={"resolve_charts": False},
    )
    site.write(
        "includes/kubernetes-flux-helmrepository.md",
        "```yaml\napiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n"
        "  name: {{ page.meta.project }}-charts\n  namespace: flux-system\nspec:\n  interval: 1h\n"
        "  url: {{ page.meta.helm_chart_repo_url }}\n```\n",
    )
    for name, url in (
        ("web", "https://charts.example.org/"),
        ("api", "https://mirror.example.net/"),
    ):
        site.page(
            f"{name}.md",
            f"---\ntitle: {name}\nhelm_chart_name: {name}\nhelm_chart_version: 1.0.0\n"
            f"helm_chart_repo_name: {name}-charts\nhelm_chart_repo_url: {url}\n"
            f"helmrelease_namespace: {name}\nproject: example\n---\n\n# {name}\n\n"
            "{% include 'kubernetes-flux-namespace.md' %}\n"
            "{% include 'kubernetes-flux-helmrepository.md' %}\n",
        )
    checked = site.run("mkdocs_recipes", "check", "--format", "json", env=OFFLINE)
    start = checked.output.index("{\n")
    found = json.JSONDecoder().raw_decode(checked.output[start:])[0]["findings"]
    clashes = sorted(
        (f["path"], f["line"]) for f in found if f["code"] == "recipe-repository-clash"
    )
    assert clashes == [("docs/api.md", 6), ("docs/web.md", 6)], [
        (f["path"], f["line"], f["code"], f["message"][:90]) for f in found
    ]
