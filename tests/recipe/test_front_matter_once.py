"""`mkdocs-recipes check` parses each page's front-matter once: what it gives MkDocs as
`page.meta` is what MkDocs' own reading gives, and the analysis that follows reads the
same front-matter it would read alone."""

from __future__ import annotations

import datetime

from hypothesis import given
from mkdocs.utils import meta
from test_fuzz import FUZZ, SEED, mutated

from mkdocs_recipes.recipe import frontmatter
from mkdocs_recipes.recipe.frontmatter import mkdocs_data, plain_copy, read_front_matter

# The seed's front-matter and first lines, and a block with what YAML's safe loader makes
# besides strings: aliases, a set, pairs, dates, bytes, numbers.
HEAD = "\n".join(SEED.split("\n")[:24]) + "\n"
SHAPES = """---
base: &base {name: x, items: [1, 2.5, null, true]}
copy: *base
merged: {<<: *base, extra: !!set {a, b}}
pairs: !!omap [{one: 1}, {two: [2]}]
when: 2024-01-02
stamp: 2024-01-02 03:04:05
blob: !!binary aGVsbG8=
---

# Text
"""


def fresh(doc: str):
    """What read_front_matter says of `doc` with nothing handed to it."""
    frontmatter._handed = None
    found, findings = read_front_matter(doc, "p.md")
    return found.data, found.key_lines, [(f.code, f.line) for f in findings]


def agrees(doc: str) -> None:
    frontmatter._handed = None
    alone = fresh(doc)
    shared = mkdocs_data(doc, meta.YAML_RE)
    if shared is not None:
        assert shared == meta.get_data(doc)
    # What the analysis reads after MkDocs' reading is what it reads alone.
    found, findings = read_front_matter(doc, "p.md")
    assert (found.data, found.key_lines, [(f.code, f.line) for f in findings]) == alone
    assert frontmatter._handed is None


@FUZZ
@given(mutated(HEAD))
def test_the_shared_reading_is_mkdocs_reading_for_any_front_matter(doc: str) -> None:
    agrees(doc)


@FUZZ
@given(mutated(SHAPES))
def test_the_shared_reading_keeps_what_yaml_makes(doc: str) -> None:
    agrees(doc)


def test_meta_is_a_copy_that_shares_what_the_yaml_shares() -> None:
    body, data = mkdocs_data(SHAPES, meta.YAML_RE)
    assert body.startswith("# Text")
    assert data["copy"] is data["base"]  # an alias stays one object
    assert data["merged"]["extra"] == {"a", "b"}
    assert data["pairs"] == [("one", 1), ("two", [2])]
    assert data["when"] == datetime.date(2024, 1, 2) and data["blob"] == b"hello"
    handed = frontmatter._handed
    assert handed is not None
    data["base"]["items"].append("changed by a plugin")
    data["pairs"][1][1].append(3)
    assert handed[2]["base"]["items"] == [1, 2.5, None, True]
    assert handed[2]["pairs"][1][1] == [2]


def test_a_recursive_value_is_copied_without_end() -> None:
    value: list = [1]
    value.append(value)
    copied = plain_copy({"a": value})
    assert copied["a"] is not value and copied["a"][1] is copied["a"]


def test_what_mkdocs_reads_itself_is_left_to_it() -> None:
    frontmatter._handed = None
    for doc in (
        "no front-matter\n",
        "---\n- a list\n---\n",
        "---\nkey: [unclosed\n---\n",
        "title: MultiMarkdown\n\nText\n",
        "---\r\nkey: crlf\r\n---\r\n",
    ):
        assert mkdocs_data(doc, meta.YAML_RE) is None, doc
        assert frontmatter._handed is None


def test_a_handed_parse_serves_only_its_own_text() -> None:
    mkdocs_data("---\ntitle: one\n---\n", meta.YAML_RE)
    found, _ = read_front_matter("---\ntitle: two\n---\n", "p.md")
    assert found.data == {"title": "two"}
    assert frontmatter._handed is None
