"""`mkdocs-recipes outdated` against a real HTTP chart repository serving the shared
oauth2-proxy chart (6.18.3 and 10.7.0 packaged, its real index listing 226 versions)."""

from __future__ import annotations

import json

import pytest

from mkdocs_recipes.gitops.outdated import bumped, new_required, newest_stable

OFFLINE = {"MKDOCS_RECIPES_OFFLINE": "1"}
BREAKING_PAGE = """---
title: A page written for 6.x
helm_chart_name: oauth2-proxy
helm_chart_version: 6.18.x
helm_chart_repo_name: oauth2-proxy
helm_chart_repo_url: https://oauth2-proxy.github.io/manifests/
helmrelease_namespace: breaks
---

# A page written for 6.x

```yaml
    hostAlias:
      enabled: true
      ip: 10.0.0.1
    redis:
      enabled: true
    replicaCount: 2
```
"""


def outdated(site, *arguments: str, env=None):
    return site.run("mkdocs_recipes", "outdated", *arguments, env=env)


@pytest.mark.slow
def test_outdated_names_the_newest_release_and_the_keys_that_would_break(site, seed_text) -> None:
    site.page("recipes/oauth2-proxy.md", seed_text)
    site.page("breaks.md", BREAKING_PAGE)
    done = outdated(site, "--format", "json")
    assert done.returncode == 0, done.output
    report = json.loads(done.output)
    by_path = {r["path"]: r for r in report["recipes"]}
    seed = by_path["docs/recipes/oauth2-proxy.md"]
    assert (seed["constraint"], seed["resolved"], seed["newest"]) == ("6.18.x", "6.18.3", "10.7.0")
    assert seed["outdated"] and seed["outside_constraint"] and seed["values_checked"]
    assert seed["breaking"] == [] and seed["unknown"] == []

    breaks = by_path["docs/breaks.md"]
    problems = {f["line"]: f for f in breaks["breaking"]}
    assert sorted(problems) == [13, 16]
    assert problems[13]["code"] == "values-unknown-key"
    assert "`hostAlias`" in problems[13]["message"] and "10.7.0" in problems[13]["message"]
    assert "hostAliases" in problems[13]["hint"]
    assert "`redis`" in problems[16]["message"]
    assert report["summary"] == {"recipes": 2, "outdated": 2, "breaking": 2}

    text = outdated(site)
    assert text.returncode == 0, text.output
    assert (
        "docs/recipes/oauth2-proxy.md: oauth2-proxy '6.18.x' -> 6.18.3, newest 10.7.0 "
        "(outside the range)" in text.output
    )
    assert "every values key the page sets still fits 10.7.0" in text.output
    assert "would break on 10.7.0:" in text.output
    assert "    docs/breaks.md:13: [values-unknown-key] `hostAlias`" in text.output

    github = outdated(site, "--format", "github")
    assert github.returncode == 0
    assert "::notice file=docs/recipes/oauth2-proxy.md,line=5,title=chart-outdated::" in (
        github.output
    )
    breaking = "::warning file=docs/breaks.md,line=13,title=chart-upgrade-breaks::"
    assert breaking + "on upgrade to 10.7.0: `hostAlias`" in github.output
    assert 'Hint: write helm_chart_version: "10.7.x" once the page fits it' in github.output


@pytest.mark.slow
def test_outdated_offline_answers_from_the_cache_and_says_what_it_cannot(site, seed_text) -> None:
    site.page("recipes/oauth2-proxy.md", seed_text)
    cold = outdated(site, "--format", "json", env=OFFLINE)
    assert cold.returncode == 0, cold.output
    (entry,) = json.loads(cold.output)["recipes"]
    assert entry["newest"] is None and not entry["values_checked"]
    assert any("offline" in note or "cache" in note for note in entry["unknown"]), entry

    assert outdated(site).returncode == 0  # online once: index and both charts cached
    warm = outdated(site, "--format", "json", env=OFFLINE)
    (entry,) = json.loads(warm.output)["recipes"]
    assert (entry["resolved"], entry["newest"], entry["values_checked"]) == (
        "6.18.3",
        "10.7.0",
        True,
    )
    assert entry["unknown"] == []


@pytest.mark.slow
def test_a_recipe_at_the_newest_release_is_not_outdated(site, seed_text) -> None:
    site.page("r.md", seed_text.replace("helm_chart_version: 6.18.x", "helm_chart_version: 10.x"))
    done = outdated(site)
    assert done.returncode == 0, done.output
    assert "oauth2-proxy '10.x' -> 10.7.0 (the newest)" in done.output
    assert "1 recipe(s), 0 with a newer chart." in done.output


def test_newest_stable_skips_prereleases_and_junk() -> None:
    assert newest_stable(["1.2.3", "1.10.0-rc.1", "1.9.0", "latest", "v1.9.1"]) == "v1.9.1"
    assert newest_stable(["main", "sha-1234"]) is None


def test_bumped_keeps_the_range_style() -> None:
    assert bumped("6.18.x", "10.7.0") == "10.7.x"
    assert bumped("6.x", "10.7.0") == "10.x"
    assert bumped("^6.18.0", "10.7.0") == "^10.7.0"
    assert bumped("6.18.3", "10.7.0") == "10.7.0"


def test_new_required_values_are_those_nothing_gives() -> None:
    schema = {
        "type": "object",
        "required": ["config"],
        "properties": {
            "config": {"type": "object", "required": ["clientID", "issuer"]},
            "unused": {"type": "object", "required": ["x"]},
        },
    }
    old = {"type": "object", "required": ["config"]}
    given = {"config": {"clientID": "a"}}
    assert new_required(schema, old, given) == ["config.issuer"]
    assert new_required(schema, schema, given) == []
    assert new_required(None, old, given) == []
