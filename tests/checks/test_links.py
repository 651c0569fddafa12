"""`check`'s link findings on small sites shaped like the real ones that taught them:
heading ids as the site's `toc` makes them, references defined in snippets that includes
pull in, brackets that are not links, links Python-Markdown reads across lines, files the
build does not publish."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mkdocs_recipes.site_build import check_site

CONFIG = """\
site_name: Links
theme:
  name: material
plugins:
  - search
  - macros:
      include_dir: includes
  - recipes:
      resolve_charts: false
      check_values_url: false
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - toc:
      permalink: true
  - pymdownx.superfences
  - pymdownx.snippets:
      base_path: [snippets]
"""


def _site(root: Path, pages: dict[str, str], config: str = CONFIG) -> Path:
    (root / "mkdocs.yml").write_text(config)
    for folder in ("docs", "includes", "snippets"):
        (root / folder).mkdir(exist_ok=True)
    for name, text in pages.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def _findings(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, str, str]]:
    monkeypatch.chdir(root)
    report = check_site(root / "mkdocs.yml", offline=True)
    return sorted(
        (f.path, f.line, f.code, f"{f.message} {f.hint or ''}")
        for f in report.findings
        if f.code.startswith(("link-", "image-"))
    )


def test_heading_ids_are_the_ones_the_sites_toc_makes(tmp_path, monkeypatch) -> None:
    target = """\
    # Settings

    ## Custom `ceph.conf` Settings

    ## Templated `project` field

    ## Why is my app out of sync even after syncing?

    ## Status/health & more

    ## The [Flux](https://fluxcd.io) docs

    ## Repeated

    ## Repeated

    ## Renamed {#chosen}

    <div id="raw-id" markdown>
    ### Inside HTML
    </div>
    """
    links = """\
    # Links

    [a](target.md#custom-cephconf-settings)
    [b](target.md#templated-project-field)
    [c](target.md#why-is-my-app-out-of-sync-even-after-syncing)
    [d](target.md#statushealth-more)
    [e](target.md#the-flux-docs)
    [f](target.md#repeated_1)
    [g](target.md#chosen)
    [h](target.md#raw-id)
    [i](target.md#inside-html)
    [j](target.md#custom-ceph-conf-settings)
    """
    site = _site(tmp_path, {"docs/target.md": target, "docs/links.md": links})
    found = _findings(site, monkeypatch)
    # Only the one id no heading has; its hint names the id the heading does have.
    assert [(path, line, code) for path, line, code, _ in found] == [
        ("docs/links.md", 12, "link-anchor-missing")
    ]
    assert "did you mean `#custom-cephconf-settings`" in found[0][3]


def test_a_custom_slugify_and_separator_are_followed(tmp_path, monkeypatch) -> None:
    config = CONFIG.replace(
        "      permalink: true\n",
        "      permalink: true\n      separator: _\n"
        "      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}\n",
    )
    pages = {
        "docs/target.md": "# Target\n\n## Deploy Über `app`\n",
        "docs/links.md": (
            "# Links\n\n[ok](target.md#deploy_über_app)\n[no](target.md#deploy-uber-app)\n"
        ),
    }
    found = _findings(_site(tmp_path, pages, config), monkeypatch)
    assert [(line, code) for _, line, code, _ in found] == [(4, "link-anchor-missing")]


def test_references_defined_in_a_snippet_an_include_pulls_in(tmp_path, monkeypatch) -> None:
    pages = {
        # The site's own footer include ends with its link definitions, as a snippet.
        "includes/recipe-footer.md": '## Links\n\n--8<-- "common-links.md"\n',
        "snippets/common-links.md": (
            '[k8s/dashboard]: https://dashboard.example/\n--8<-- "more.md"\n'
        ),
        # ... and that snippet pulls in another.
        "snippets/more.md": "[flux-docs]: https://fluxcd.io/\n",
        "docs/page.md": """\
        # Page

        The [dashboard][k8s/dashboard] and the [Flux docs][flux-docs].
        A typo: the [dashboard][kuberetesdashboard].

        {% include 'recipe-footer.md' %}
        """,
    }
    found = _findings(_site(tmp_path, pages), monkeypatch)
    assert [(path, line, code) for path, line, code, _ in found] == [
        ("docs/page.md", 4, "link-reference-undefined")
    ]
    assert "did you mean `[k8s/dashboard]`" in found[0][3]


def test_brackets_on_a_site_without_reference_definitions_are_left_alone(
    tmp_path, monkeypatch
) -> None:
    notes = "# Release notes\n\n" + "".join(
        f"- Fix number {n} [#{1000 + n}][someone{n}]\n" for n in range(50)
    )
    found = _findings(_site(tmp_path, {"docs/notes.md": notes}), monkeypatch)
    assert found == []
    # The same page on a site that defines references elsewhere: the notes page writes
    # none and no defined label is close to `someone7`, so its brackets are still prose
    # (real sites III: 883 such warnings on one release-notes page).
    pages = {"docs/notes.md": notes, "docs/other.md": "# Other\n\n[x][y]\n\n[y]: https://y/\n"}
    assert _findings(_site(tmp_path, pages), monkeypatch) == []
    # A label close to one the site defines is judged wherever it is written.
    pages["docs/notes.md"] = notes + "\nSee [the guide][helm-chart-doc].\n"
    pages["docs/other.md"] += "\n[helm-chart-docs]: https://example.org/\n"
    found = _findings(_site(tmp_path, pages), monkeypatch)
    assert [(path, code) for path, _, code, _ in found] == [
        ("docs/notes.md", "link-reference-undefined")
    ]
    assert "did you mean `[helm-chart-docs]`" in found[0][3]


def test_brackets_inside_raw_html_and_code_are_not_references(tmp_path, monkeypatch) -> None:
    page = """\
    # Types

    <table><tr><td>map[string][]int</td><td>`[a][b]`</td></tr></table>

    Inline `map[string][]int` and a [real one][docs].

    [docs]: https://docs.example/
    """
    assert _findings(_site(tmp_path, {"docs/types.md": page}), monkeypatch) == []


def test_link_syntax_as_python_markdown_reads_it(tmp_path, monkeypatch) -> None:
    page = """\
    # Links

    See [Docker Hub](https://hub.docker.com/r/ceph
    ).
    The [home page](/) and [an odd host](https://[example.org]/).
    A [stray paren]( (/other/)) here.
    A [spaced link] (https://example.org/x) there.
    """
    pages = {"docs/index.md": page, "docs/other.md": "# Other\n"}
    found = _findings(_site(tmp_path, pages), monkeypatch)
    assert [(line, code) for _, line, code, _ in found] == [
        (6, "link-malformed"),
        (7, "link-malformed"),
    ]
    assert "write `[stray paren](/other/)`" in found[0][3]


def test_files_the_build_does_not_publish_are_not_judged(tmp_path, monkeypatch) -> None:
    config = CONFIG + "exclude_docs: |\n  *.gotmpl.md\nnot_in_nav: |\n  hidden.md\n"
    broken = "# Template\n\n[x](#no-such-heading)\n"
    pages = {
        "docs/chart.gotmpl.md": broken,
        "docs/hidden.md": broken,
        "docs/index.md": "# Home\n\n[t](chart.gotmpl.md#anything)\n",
    }
    found = _findings(_site(tmp_path, pages, config), monkeypatch)
    # A page left out of the nav is still published: its link is judged.
    assert [(path, code) for path, _, code, _ in found] == [
        ("docs/hidden.md", "link-anchor-missing")
    ]


def test_images_in_raw_html_resolve_against_the_page_url(tmp_path, monkeypatch) -> None:
    (tmp_path / "docs" / "assets").mkdir(parents=True)
    (tmp_path / "docs" / "assets" / "logo.png").write_bytes(b"")
    page = (
        "# Guide\n\n"
        '<img src="../../../assets/logo.png" />\n'  # from /a/b/guide/: the site's /assets/
        '<img src="../../assets/missing.png" />\n'
    )
    found = _findings(_site(tmp_path, {"docs/a/b/guide.md": page}), monkeypatch)
    assert [(line, code) for _, line, code, _ in found] == [(4, "image-missing")]


def test_links_written_inside_raw_html_are_not_judged(tmp_path, monkeypatch) -> None:
    # Python-Markdown leaves Markdown inside a raw HTML block as text: no link, no image.
    page = (
        "# Home\n\n<div>\n[a](/nowhere/) ![b](missing.png) [c](#nope)\n</div>\n\n"
        "[d](/nowhere-either/)\n"
    )
    found = _findings(_site(tmp_path, {"docs/index.md": page}), monkeypatch)
    assert [(line, code) for _, line, code, _ in found] == [(7, "link-absolute-unknown")]


def test_materials_search_is_not_configured_for_a_check(tmp_path, monkeypatch) -> None:
    """Its `config` event only compiles its own translations; every other plugin's runs
    (mkdocs-macros renders the include, whose heading the anchor finds)."""
    from material.plugins.search.plugin import SearchPlugin

    configured = []
    monkeypatch.setattr(SearchPlugin, "on_config", lambda self, config: configured.append(1))
    root = _site(
        tmp_path,
        {
            "docs/index.md": "# Home\n\n{% include 'part.md' %}\n\n"
            "See [the part](#from-the-include), not [this](#not-here).\n",
            "includes/part.md": "## From the include\n",
        },
    )
    found = _findings(root, monkeypatch)
    assert configured == []
    assert [(line, code) for _, line, code, _ in found] == [(5, "link-anchor-missing")]


def test_a_macros_modules_page_hooks_run_around_the_tags(tmp_path, monkeypatch) -> None:
    """`on_pre_page_macros` and `on_post_page_macros` (rook rewrites its GitHub links in
    one) run as mkdocs-macros runs them, the page's tags rendered in between, without
    mkdocs-macros compiling the page."""
    import mkdocs_recipes.site_build as site_check

    whole = []
    monkeypatch.setattr(site_check, "_macros_render", lambda *a: whole.append(a) or (a[1], None))
    config = CONFIG.replace(
        "include_dir: includes\n", "include_dir: includes\n      module_name: hooks\n"
    )
    root = _site(
        tmp_path,
        {
            "hooks.py": """\
            def define_env(env):
                env.variables["where"] = "from-the-variable"


            def on_pre_page_macros(env):
                env.markdown += "\\n## Added {{ where }}\\n"


            def on_post_page_macros(env):
                env.markdown = env.markdown.replace("#renamed-later", "#elsewhere")
            """,
            "docs/index.md": "# Home\n\n"
            "See [pre](#added-from-the-variable), [post](#renamed-later), [gone](#not-here).\n",
        },
        config,
    )
    found = _findings(root, monkeypatch)
    assert whole == []
    assert [(line, code, "`not-here`" in message) for _, line, code, message in found] == [
        (3, "link-anchor-missing", True)
    ]


_FENCE = __import__("re").compile(r"^[ \t]*(`{3,}|~{3,})")
_SPAN = __import__("re").compile(r"(`{1,50})(?:.{1,2000}?)\1")


def _prose_lines_line_by_line(text: str, needles: tuple[str, ...]) -> list[tuple[int, str]]:
    """The link pass's prose reading as it was written first: a step per line."""
    from mkdocs_recipes.checks.links.prose import _without_comments

    if "<!--" in text:
        text = _without_comments(text)
    lines = []
    fence = None
    for number, line in enumerate(text.split("\n"), start=1):
        match = _FENCE.match(line)
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            continue
        if any(n in line for n in needles):
            lines.append((number, _SPAN.sub(lambda m: " " * len(m.group(0)), line)))
    return lines


@pytest.mark.parametrize("needles", [("",), ("[", "<"), ("]:",), ("][",), ("](",)])
def test_prose_lines_found_by_search_are_those_read_line_by_line(needles) -> None:
    """Fences (of both characters, longer closers, unclosed, indented), code spans,
    comments and needles anywhere on a line: the same lines, numbers and blanking."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from mkdocs_recipes.checks.links.prose import prose_lines

    shapes = [
        "```",
        "````",
        "~~~",
        "~~~~",
        "  ```yaml",
        "\t~~~",
        "x ``` y",
        "",
        "text",
        "a [x](y) b",
        "[l]: u",
        "`[a][b]` [c][d]",
        "<b>",
        "<!-- c",
        "-->",
        "x ][ y",
        "``",
        "`",
        "]: z",
    ]

    @settings(max_examples=500, deadline=None)
    @given(st.lists(st.sampled_from(shapes), max_size=25), st.booleans())
    def same(chosen: list[str], final_newline: bool) -> None:
        text = "\n".join(chosen) + ("\n" if final_newline else "")
        wanted = needles[0] if len(needles) == 1 else needles
        found = [(line.number, line.text) for line in prose_lines(text, wanted)]
        assert found == _prose_lines_line_by_line(text, needles)

    same()


def test_the_definitions_of_a_page_are_those_of_its_prose_lines_shortcut_or_not() -> None:
    """`definitions` skips the prose pass when no `]:` line could be one (a footnote
    `[^1]:`, text after a code span, a line in fenced code): the labels are those of
    every prose line matched, whichever way is taken."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from mkdocs_recipes.checks.links.prose import label, prose_lines
    from mkdocs_recipes.checks.links.references import _DEFINITION, definitions

    shapes = [
        "```",
        "~~~",
        "  ```",
        "",
        "text ]: no",
        "[a]: https://a.example",
        "  [B c]: /b/",
        "[^1]: a footnote",
        "`code` [d]: /d/",
        "`[e]: /e/`",
        "x `y` [f]: /f/",
        "<!-- [g]: /g/",
        "-->",
        "[h]:",
        "[i]: `/i/`",
    ]

    @settings(max_examples=500, deadline=None)
    @given(st.lists(st.sampled_from(shapes), max_size=20))
    def same(chosen: list[str]) -> None:
        text = "\n".join(chosen)
        every_line = {
            label(m.group(1))
            for line in prose_lines(text, "]:")
            if (m := _DEFINITION.match(line.text))
        }
        assert definitions(text) == every_line

    same()
    assert definitions("[^1]: a footnote\n\n[a]: /a/\n") == {"a"}
    assert definitions("```\n[a]: /a/\n```\n[^1]: note\n") == set()


def test_the_tag_renderer_leaves_pages_of_other_jinja_syntax_to_mkdocs_macros() -> None:
    """Tag by tag is Jinja's default syntax only: other delimiters (mkdocs-macros'
    `j2_*_end_string`), line statements or another newline sequence send the page to
    mkdocs-macros (None), which renders it whole."""
    from types import SimpleNamespace

    from jinja2 import Environment

    from mkdocs_recipes.site.macros_tags import TagRenderer as _TagRenderer

    def rendered(**syntax: str) -> str | None:
        macros = SimpleNamespace(
            env=Environment(**syntax), variables={}, config={}, force_page_rendering=None
        )
        page = SimpleNamespace(meta={})
        return _TagRenderer(macros).render("# {{ 1 + 1 }}\n", page, True)

    assert rendered() == "# 2\n"
    for syntax in (
        {"variable_end_string": "]]"},
        {"block_end_string": "%]"},
        {"comment_end_string": "#]"},
        {"line_statement_prefix": "%"},
        {"line_comment_prefix": "##"},
        {"newline_sequence": "\r\n"},
    ):
        assert rendered(**syntax) is None, syntax


def test_a_page_that_includes_a_section_of_a_snippet_answers_only_for_that_section(
    tmp_path, monkeypatch
) -> None:
    # Release notes that other pages include by section (`notes.md:platforms`): the links
    # of the rest of the file are not on those pages (real sites III, percona-pxc).
    notes = (
        "# Release 1.20\n\nSee [the upgrade](../upgrade.md) and [scaling](../scaling.md).\n\n"
        "<!-- --8<-- [start:platforms] -->\nTested on [the list](supported.md).\n"
        "<!-- --8<-- [end:platforms] -->\n\nMore in [the FAQ](../faq.md).\n"
    )
    pages = {
        "docs/ReleaseNotes/notes-1.20.md": notes,
        "docs/upgrade.md": "# Upgrade\n",
        "docs/scaling.md": "# Scaling\n",
        "docs/faq.md": "# FAQ\n",
        "docs/supported.md": "# Supported\n",
        "docs/requirements.md": '# Requirements\n\n--8<-- "ReleaseNotes/notes-1.20.md:platforms"\n',
    }
    config = CONFIG.replace("base_path: [snippets]", "base_path: [docs]")
    assert config != CONFIG
    found = _findings(_site(tmp_path, pages, config), monkeypatch)
    # `supported.md` resolves against docs/ for the including page: it works there, and
    # the links outside the section (`../upgrade.md`...) are not the page's to judge.
    assert found == []
    # The same file included whole: its `../` links break on a page at the top.
    pages["docs/requirements.md"] = '# Requirements\n\n--8<-- "ReleaseNotes/notes-1.20.md"\n'
    found = _findings(_site(tmp_path, pages, config), monkeypatch)
    assert {(path, code) for path, _, code, _ in found} == {
        ("docs/ReleaseNotes/notes-1.20.md", "link-snippet-relative")
    }
    assert {line for _, line, _, _ in found} == {3, 9}


# Every place a link or a bracket can stand on a page of a Material site, each written so
# that its target (or its text) is unique on the page.
_CONTEXTS = """\
# Contexts {#top}

A [paragraph link](/p/) and [a reference][ref] and [not defined][nowhere].

* a [list link](/list/)
    * a [nested link](/nested/)
* [x] a task with a [task link](/task/)

!!! note "An admonition"
    Inside it, a [note link](/note/), and a code span `[code link](/code/)`.

??? tip "Folded"
    A [details link](/details/).

=== "Tab one"

    A [tab link](/tab/).

    ```yaml
    key: "[fenced link](/fenced-in-tab/)"
    ```

| a | b |
| - | - |
| [cell link](/cell/) | text |

<div markdown>
A [markdown div link](/md-div/).
</div>

<div>
A [raw div link](/raw-div/) stays raw HTML.
</div>

    [indented code link](/indented/)

```python
print("[fenced link](/fenced/)")
```

Text with a footnote[^1] and [spaced] (/spaced/) and [unclosed](/unclosed/

A [link](/with-attrs/){: .button } and ![an image](/image.png).

[^1]: The note has a [footnote link](/footnote/).

[ref]: /reference/
"""

_NEEDLES = [
    "/p/",
    "/reference/",
    "/list/",
    "/nested/",
    "/task/",
    "/note/",
    "/code/",
    "/details/",
    "/tab/",
    "/fenced-in-tab/",
    "/cell/",
    "/md-div/",
    "/raw-div/",
    "/indented/",
    "/fenced/",
    "/with-attrs/",
    "/image.png",
    "/footnote/",
    "(/spaced/",
    "](/unclosed/",
    "][nowhere]",
]


@pytest.mark.parametrize("chosen", [_NEEDLES, _NEEDLES[::3], ["/note/"], ["][nowhere]"]])
def test_a_page_read_for_its_needles_decides_as_the_whole_page(chosen) -> None:
    """Read for some of its needles, a page makes exactly the links (and leaves exactly the
    text) the whole conversion does for those needles, whatever stands around them; and
    nothing the whole conversion does not."""
    from mkdocs_recipes.pages.rendering import SiteMarkdown

    extensions = [
        "admonition",
        "attr_list",
        "md_in_html",
        "footnotes",
        "tables",
        "toc",
        "pymdownx.details",
        "pymdownx.superfences",
        "pymdownx.highlight",
        "pymdownx.inlinehilite",
        "pymdownx.tasklist",
        "pymdownx.tabbed",
    ]
    configs = {"toc": {"permalink": True}, "pymdownx.tabbed": {"alternate_style": True}}
    whole = SiteMarkdown(extensions, configs).render("page.md", _CONTEXTS)
    part = SiteMarkdown(extensions, configs).render("page.md", _CONTEXTS, frozenset(chosen))
    assert whole is not None and part is not None
    assert part.links <= whole.links
    for needle in chosen:
        assert (needle in part.links) == (needle in whole.links), needle
        assert (needle in part.text) == (needle in whole.text), needle
    # What the whole page says of these contexts, so that the comparison means something:
    # links made in prose, lists, admonitions, tabs, tables, footnotes; not in code, raw
    # HTML or indented code; text left as text where the syntax is wrong.
    assert {"/p/", "/reference/", "/note/", "/tab/", "/cell/", "/footnote/"} <= whole.links
    assert {"/code/", "/fenced/", "/fenced-in-tab/", "/raw-div/", "/indented/"}.isdisjoint(
        whole.links
    )
    assert "][nowhere]" in whole.text and "(/spaced/" in whole.text


def test_a_page_read_for_its_needles_is_converted_once_per_set_of_needles() -> None:
    """The whole conversion answers any later question; one for needles answers questions
    about those needles, and a question about others converts the page again."""
    from mkdocs_recipes.pages.rendering import SiteMarkdown

    markdown = SiteMarkdown(["toc"], {})
    first = markdown.render("a.md", "[one](/one/)\n\n[two](/two/)\n", frozenset({"/one/"}))
    assert first is not None and first.links == {"/one/"}
    assert markdown.render("a.md", "ignored", frozenset({"/one/"})) is first
    second = markdown.render("a.md", "[one](/one/)\n\n[two](/two/)\n", frozenset({"/two/"}))
    assert second is not None and "/two/" in second.links
    whole = markdown.render("a.md", "[one](/one/)\n\n[two](/two/)\n# Title\n")
    assert whole is not None and whole.ids == {"title"}
    assert markdown.render("a.md", "ignored", frozenset({"/two/"})) is whole
