"""Fenced blocks read from page source: lines, attributes, indentation, directives."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_recipes.flux.objects import FluxSettings
from mkdocs_recipes.pages.blocks import code_blocks, fence_line_numbers, parse_info
from mkdocs_recipes.report.severities import read_levels
from mkdocs_recipes.site.analysis import analyse_page


@pytest.mark.parametrize(
    ("info", "language", "attributes", "classes"),
    [
        ('yaml hl_lines="5 7 13"', "yaml", {"hl_lines": "5 7 13"}, ()),
        ('yaml title="values.yaml"', "yaml", {"title": "values.yaml"}, ()),
        (
            '{ .yaml .annotate title="My values" }',
            "yaml",
            {"title": "My values"},
            ("yaml", "annotate"),
        ),
        ("yaml", "yaml", {}, ()),
        ("", None, {}, ()),
        ('title="x"', None, {"title": "x"}, ()),
    ],
)
def test_info_strings(info, language, attributes, classes) -> None:
    assert parse_info(info) == (language, attributes, classes)


def test_lines_indentation_and_fences() -> None:
    source = "\n".join(
        [
            "# Title",  # 1
            "",  # 2
            "!!! note",  # 3
            "",  # 4
            '    ```yaml title="a"',  # 5
            "    key: 1",  # 6
            "      nested: 2",  # 7
            "    ```",  # 8
            "",  # 9
            "~~~~ bash",  # 10
            "echo ``` inside",  # 11
            "~~~~",  # 12
            "<!-- recipes: disable=values-unknown-key, values-schema -->",  # 13
            "````yaml",  # 14
            "a: 1",  # 15
            "````",  # 16
        ]
    )
    first, second, third = code_blocks(source)
    assert (first.fence_line, first.first_line, first.indent) == (5, 6, 4)
    assert first.text == "key: 1\n  nested: 2"
    assert first.attributes == {"title": "a"}
    assert (second.language, second.text) == ("bash", "echo ``` inside")
    assert third.directives == ("disable=values-unknown-key,values-schema",)
    assert third.file_line(0) == 15


def test_levels_site_wide_per_page_and_bad_ones() -> None:
    text = """\
---
title: x
recipe_checks:
  yaml-duplicate-key: warning
  yaml-syntaxx: off
---

```yaml
a: 1
a: 2
```
"""
    site = {"yaml-duplicate-key": "off"}
    state = analyse_page(text, "p.md", FluxSettings(), levels=site)
    by_code = {f.code: f for f in state.findings}
    # The page's level wins over the site's.
    assert by_code["yaml-duplicate-key"].severity.value == "warning"
    assert by_code["recipe-checks-invalid"].line == 5
    assert "yaml-syntax" in by_code["recipe-checks-invalid"].hint
    plain = analyse_page(
        text.replace("  yaml-duplicate-key: warning\n", ""), "p.md", FluxSettings(), levels=site
    )
    assert "yaml-duplicate-key" not in {f.code for f in plain.findings}


def test_read_levels_rejects_unknown_levels() -> None:
    levels, problems = read_levels({"values-schema": "loud", "values-unknown-key": "info"})
    assert levels == {"values-unknown-key": "info"}
    assert [p.code for p in problems] == ["values-schema"]


_FRONT_MATTERS = [
    "title: Notes\ntags: [a, b]\n",  # nothing for the plugin
    "title: x\nflux:\n  flux_version: '2.0'\n",  # its Flux options (an older release)
    "title: x\nrecipe_checks:\n  yaml-duplicate-key: warning\n",  # its levels
    "title: x\nflux: [wrong]\n",  # a finding about them
    "title: x\nhelm_chart_version: 1.0.0\n",  # a chart key without the chart's name
    "title: 'unclosed\n",  # what MkDocs cannot read (it leaves it in the page)
    "- a list\n",  # not a mapping
]


@pytest.mark.parametrize("front_matter", _FRONT_MATTERS)
def test_front_matter_mkdocs_read_means_the_same_without_a_second_parse(front_matter) -> None:
    """The plugin hands the engine MkDocs' page.meta when MkDocs took the block off the
    page; a block naming none of the plugin's keys is then not parsed again, and every
    page reads as it did with its own parse."""
    from types import SimpleNamespace

    from mkdocs.utils.meta import get_data

    from mkdocs_recipes.plugin import _meta

    source = (
        f"---\n{front_matter}---\n\n```yaml\napiVersion: helm.toolkit.fluxcd.io/v2\n"
        "kind: HelmRelease\nmetadata:\n  name: a\n  name: b\n```\n"
    )
    markdown, meta = get_data(source)
    given = _meta(SimpleNamespace(meta=meta, markdown=markdown))
    assert (given is None) == (not meta)

    def summary(state):
        findings = sorted((f.code, f.line, f.severity.value, f.message) for f in state.findings)
        return findings, state.settings, state.recipe, state.declared

    own = analyse_page(source, "p.md", FluxSettings())
    assert summary(analyse_page(source, "p.md", FluxSettings(), meta=given)) == summary(own)


def test_a_front_matter_without_the_plugins_keys_is_not_parsed_again(monkeypatch) -> None:
    import mkdocs_recipes.site.analysis as analysis

    def parsed(*arguments):
        raise AssertionError("the front-matter was parsed again")

    monkeypatch.setattr(analysis, "read_front_matter", parsed)
    source = "---\ntitle: Notes\n---\n\n# Notes\n"
    state = analyse_page(source, "p.md", FluxSettings(), meta={"title": "Notes"})
    assert state.findings == [] and state.recipe is None
    with pytest.raises(AssertionError, match="parsed again"):
        analyse_page(source.replace("title", "flux_title"), "p.md", FluxSettings(), meta={"x": 1})


_FENCE_START = re.compile(r"^[ \t]*(?:`{3}|~{3})", re.M)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["```", "~~~", "``", "~", " ", "\t", "\n", "a", "`", "x ```"])))
def test_fence_lines_are_the_lines_a_fence_pattern_finds(pieces) -> None:
    """The fence lines found with str.find are those `^[ \\t]*(?:`{3}|~{3})` finds."""
    text = "".join(pieces)
    expected = [text.count("\n", 0, m.start()) for m in _FENCE_START.finditer(text)]
    assert fence_line_numbers(text) == expected


def test_a_block_read_for_its_keys_is_read_whole_when_its_values_are_wanted() -> None:
    """A page of examples keeps only a block's duplicate keys (its nodes are read
    without types); a recipe page showing the same block then gets typed documents."""
    from mkdocs_recipes.pages.fragments import read_yaml_block

    text = "replicaCount: 2\nenabled: true\nname: a\nname: b\n"
    block = code_blocks(f"# Page\n\n```yaml\n{text}```\n")[0]
    keys = read_yaml_block(block, nodes_only=True)
    assert keys.documents == () and keys.error is None
    assert keys.duplicates == (("name", 2, 3),)
    whole = read_yaml_block(block)
    assert whole.documents[0].data == {"replicaCount": 2, "enabled": True, "name": "b"}
    assert whole.duplicates == (("name", 2, 3),)
    state = analyse_page(f"# Page\n\n```yaml\n{text}```\n", "p.md", FluxSettings())
    assert [(f.code, f.line) for f in state.findings] == [("yaml-duplicate-key", 7)]
