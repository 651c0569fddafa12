"""Fenced blocks read from page source: lines, attributes, indentation, directives."""

from __future__ import annotations

import pytest

from mkdocs_recipes.analysis import analyse_page
from mkdocs_recipes.flux import FluxSettings
from mkdocs_recipes.pages import code_blocks, parse_info
from mkdocs_recipes.severities import read_levels


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
