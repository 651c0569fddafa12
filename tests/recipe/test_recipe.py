"""Recipe front-matter: what a valid page gives, and what each mistake reports, where."""

from __future__ import annotations

import re

import pytest

from mkdocs_recipes.recipe.model import REQUIRED_KEYS, read_recipe

GOOD = """\
---
title: Podinfo on Kubernetes
helm_chart_name: podinfo
helm_chart_version: "6.5.x"
helm_chart_repo_url: https://stefanprodan.github.io/podinfo
helmrelease_namespace: podinfo
links:
- name: Source
  uri: https://github.com/stefanprodan/podinfo
---

# Podinfo
"""


def with_line(text: str, key: str, new_line: str) -> str:
    return re.sub(rf"^{key}:.*$", new_line, text, count=1, flags=re.M)


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if fragment in line)


def test_seed_recipe_reads_with_documented_defaults(seed_text: str) -> None:
    recipe, findings = read_recipe(seed_text, "docs/oauth2-proxy.md")
    assert findings == []
    assert recipe is not None
    assert recipe.helm_chart_version == "6.18.x"
    assert recipe.helmrelease_namespace == "kubernetes-dashboard"
    assert [link.name for link in recipe.links] == ["GitHub Repo", "Helm Chart"]


def test_defaults_follow_the_chart_name_and_title() -> None:
    recipe, findings = read_recipe(GOOD, "p.md")
    assert findings == []
    assert recipe is not None
    assert recipe.helmrelease_name == "podinfo"
    assert recipe.helm_chart_repo_name == "podinfo"
    assert recipe.kustomization_name == "podinfo"
    assert recipe.slug == "Podinfo on Kubernetes"


def test_ordinary_page_is_not_a_recipe() -> None:
    assert read_recipe("---\ntitle: About\n---\n# About\n", "a.md") == (None, [])
    assert read_recipe("# No front-matter\n", "a.md") == (None, [])


@pytest.mark.parametrize("key", [k for k in REQUIRED_KEYS if k != "helm_chart_name"])
def test_each_missing_required_key_is_named(key: str) -> None:
    text = re.sub(rf"^{key}:.*\n", "", GOOD, flags=re.M)
    recipe, findings = read_recipe(text, "p.md")
    assert recipe is None
    missing = [f for f in findings if f.code == "recipe-missing-key"]
    assert len(missing) == 1
    assert f"`{key}`" in missing[0].message
    assert missing[0].hint and key in missing[0].hint


@pytest.mark.parametrize(
    ("key", "line", "code", "hint_part"),
    [
        (
            "helmrelease_namespace",
            "helmrelease_namespace: Kube_Dashboard",
            "recipe-invalid-name",
            "kube-dashboard",
        ),
        (
            "helm_chart_repo_url",
            "helm_chart_repo_url: ftp://charts",
            "recipe-invalid-url",
            "https://",
        ),
        ("helm_chart_version", "helm_chart_version: latest", "recipe-invalid-version", "6.18.x"),
        ("helm_chart_version", "helm_chart_version: 6.10", "recipe-yaml-number", '"6.10"'),
        (
            "helm_chart_version",
            "helm_chart_version: '>=1.0 && <2.0'",
            "recipe-invalid-version",
            None,
        ),
    ],
)
def test_invalid_values_are_reported_at_their_line(key, line, code, hint_part) -> None:
    text = with_line(GOOD, key, line)
    recipe, findings = read_recipe(text, "p.md")
    assert recipe is None
    assert [(f.code, f.line) for f in findings] == [(code, line_of(text, line))]
    if hint_part:
        assert hint_part in (findings[0].hint or "")


def test_float_version_message_shows_what_yaml_made_of_it() -> None:
    _, findings = read_recipe(
        with_line(GOOD, "helm_chart_version", "helm_chart_version: 6.10"), "p.md"
    )
    assert "6.1" in findings[0].message and "6.10" in findings[0].message


def test_line_numbers_count_long_front_matter() -> None:
    padding = "".join(f"extra_{i}: value {i}\n" for i in range(40))
    text = GOOD.replace("---\n", "---\n" + padding, 1)
    text = with_line(text, "helmrelease_namespace", "helmrelease_namespace: Bad_NS")
    _, findings = read_recipe(text, "p.md")
    assert findings[0].line == line_of(text, "Bad_NS") == 46


@pytest.mark.parametrize(
    ("name_key", "value"),
    [
        ("helmrelease_name", "x" * 54),
        ("helmrelease_namespace", "a" * 64),
        ("kustomization_name", "-leading-dash"),
        ("helm_chart_repo_name", "Upper"),
    ],
)
def test_kubernetes_name_rules_and_lengths(name_key: str, value: str) -> None:
    text = GOOD.replace("---\n\n#", f"{name_key}: {value}\n---\n\n#")
    if name_key == "helmrelease_namespace":
        text = with_line(GOOD, name_key, f"{name_key}: {value}")
    _, findings = read_recipe(text, "p.md")
    assert [f.code for f in findings] == ["recipe-invalid-name"]
    assert name_key in findings[0].message


def test_chart_name_unusable_as_release_name_points_at_the_key_to_set() -> None:
    text = with_line(GOOD, "helm_chart_name", "helm_chart_name: Podinfo_Chart")
    _, findings = read_recipe(text, "p.md")
    assert findings and all(f.line == line_of(text, "Podinfo_Chart") for f in findings)
    assert any("helmrelease_name" in (f.hint or "") for f in findings)


def test_unparsable_front_matter_is_reported_not_swallowed() -> None:
    text = GOOD.replace("title: Podinfo on Kubernetes", "title: Podinfo: the [demo")
    recipe, findings = read_recipe(text, "p.md")
    assert recipe is None
    assert [f.code for f in findings] == ["front-matter-unparsable"]
    assert findings[0].line == 2


def test_unclosed_front_matter_is_reported() -> None:
    text = GOOD.replace("---\n\n# Podinfo", "\n# Podinfo")
    _, findings = read_recipe(text, "p.md")
    assert [(f.code, f.line) for f in findings] == [("front-matter-unparsable", 1)]


def test_front_matter_that_is_not_a_mapping() -> None:
    _, findings = read_recipe("---\n- a\n- b\n---\n", "p.md")
    assert [f.code for f in findings] == ["front-matter-not-mapping"]


def test_partial_recipe_without_chart_name_gets_one_finding() -> None:
    text = "---\ntitle: x\nhelm_chart_version: 1.0.0\nhelmrelease_namespace: demo\n---\n"
    recipe, findings = read_recipe(text, "p.md")
    assert recipe is None
    assert [(f.code, f.line, f.severity.value) for f in findings] == [
        ("recipe-without-chart", 3, "warning")
    ]
    assert "`helm_chart_version`, `helmrelease_namespace`" in findings[0].message


@pytest.mark.parametrize(
    "front_matter",
    [
        "slug: docker-compose\ntitle: Compose",
        "slug: my-post\ndate: 2024-01-02\ncategories:\n  - news\ntags: [a]",
        "title: T\ndescription: D\nstatus: new\nupstream: https://example.org\n"
        "links:\n  - name: a\n    uri: https://example.org",
        "helm: true\nchart: x\nrelease_notes: y",
    ],
)
def test_shared_keys_never_make_a_page_a_recipe(front_matter: str) -> None:
    assert read_recipe(f"---\n{front_matter}\n---\n# Page\n", "p.md") == (None, [])


@pytest.mark.parametrize("key", ["helmrelease_values", "helm_chart_digest", "values_yaml_url"])
def test_any_chart_specific_key_without_a_chart_name_is_reported(key: str) -> None:
    _, findings = read_recipe(f"---\ntitle: T\n{key}: https://x.org/v.yaml\n---\n", "p.md")
    assert [f.code for f in findings] == ["recipe-without-chart"]


def test_hints_come_from_the_page_never_from_an_example_chart() -> None:
    text = (
        "---\nhelm_chart_version: 2.30.0\nhelm_chart_name: aws-ebs-csi-driver\n"
        "helmrelease_namespace: kube-system\n"
        "values_yaml_url: https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/"
        "charts/aws-ebs-csi-driver/values.yaml\n---\n"
    )
    _, findings = read_recipe(text, "p.md")
    (missing,) = findings
    assert missing.code == "recipe-missing-key"
    assert "podinfo" not in (missing.hint or "")
    assert "https://kubernetes-sigs.github.io/aws-ebs-csi-driver" in (missing.hint or "")
    # Without a link to go by, the hint describes what to write.
    _, findings = read_recipe(re.sub(r"^values_yaml_url.*\n", "", text, flags=re.M), "p.md")
    assert "podinfo" not in (findings[0].hint or "")
    assert "index.yaml" in (findings[0].hint or "")
    # A missing chart name is suggested from the folder values_yaml_url points into.
    _, findings = read_recipe(re.sub(r"^helm_chart_name.*\n", "", text, flags=re.M), "p.md")
    assert "`aws-ebs-csi-driver`" in (findings[0].hint or "")


@pytest.mark.parametrize(
    "links",
    [
        "links: https://example.com",
        "links:\n- https://example.com",
        "links:\n- name: Home",
        "links:\n- name: Home\n  uri: javascript:alert(1)",
        "links:\n- name: Home\n  uri: https://x\n  url: https://y",
    ],
)
def test_links_must_be_name_uri_pairs(links: str) -> None:
    text = re.sub(r"^links:\n(- .*\n(  .*\n)*)", links + "\n", GOOD, flags=re.M)
    _, findings = read_recipe(text, "p.md")
    assert [f.code for f in findings] == ["recipe-invalid-links"]


def test_list_where_a_string_is_expected() -> None:
    text = with_line(GOOD, "helm_chart_name", "helm_chart_name: [a, b]")
    _, findings = read_recipe(text, "p.md")
    assert [f.code for f in findings] == ["recipe-wrong-type"]


def test_a_values_link_that_is_no_url_does_not_stop_the_missing_key_hint() -> None:
    # Found by the fuzz suite: `https://[...` made urlsplit raise while the hint for a
    # missing helm_chart_name was being written.
    text = (
        "---\ntitle: T\nvalues_yaml_url: https://[https://github.com/x/y/values.yaml\n"
        "helm_chart_version: 1.x\nhelm_chart_repo_url: https://charts.example.org/\n"
        "helmrelease_namespace: t\nkustomization_name: t\nhelm_chart_repo_name: t\n---\n# T\n"
    )
    recipe, findings = read_recipe(text, "p.md")
    assert recipe is None
    assert [f.code for f in findings] == ["recipe-without-chart"]
