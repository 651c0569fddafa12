"""Findings shown in the page: an admonition after the block each one concerns, a summary
at the top; under `mkdocs serve` by default, in builds with `show_findings: always`."""

from __future__ import annotations

import re

import pytest

from mkdocs_recipes.pages.page_findings import (
    front_matter_lines,
    inline,
    mark_blocks,
    show_findings,
)
from mkdocs_recipes.report.findings import Finding, Severity

SOURCE = """---
title: x
---
# Title

Text

```yaml
a: 1
b: 2
```

- item

    ```yaml
    c: 3
    ```

Last line.
"""
MARKDOWN = SOURCE.split("---\n", 2)[2]


def finding(line: int, code: str = "values-unknown-key", severity=None, **kw) -> Finding:
    made = Finding.of(code, "p.md", line, kw.get("message", f"problem on {line}"), kw.get("hint"))
    if severity is not None:
        made = Finding(made.path, made.line, made.code, made.message, made.hint, None, severity)
    return made


def test_front_matter_lines_counts_what_precedes_the_markdown() -> None:
    assert front_matter_lines(SOURCE, MARKDOWN) == 3
    assert front_matter_lines(SOURCE, "something else") is None


def test_a_page_without_findings_is_left_exactly_as_it_was() -> None:
    marked = mark_blocks(MARKDOWN, SOURCE, [])
    assert marked.markdown == MARKDOWN
    assert show_findings(MARKDOWN, marked, []) == MARKDOWN
    # Info findings stay in the log: the page does not change for them either.
    info = [finding(9, "yaml-elision", Severity.INFO)]
    marked = mark_blocks(MARKDOWN, SOURCE, info)
    assert show_findings(marked.markdown, marked, info) == MARKDOWN


def test_each_finding_follows_its_block_at_the_block_indent() -> None:
    findings = [
        finding(9, message="`a` is not a value", hint="did you mean `aa`?"),
        finding(16, severity=Severity.WARNING),
    ]
    marked = mark_blocks(MARKDOWN, SOURCE, findings)
    out = show_findings(marked.markdown, marked, findings).split("\n")
    first = out.index('!!! danger "line 9: values-unknown-key"')
    # Right after the closing fence of the first block (a blank line between).
    assert out[first - 2] == "```" and out[first - 3] == "b: 2"
    assert "    `a` is not a value" in out
    assert "    Hint: did you mean `aa`?" in out
    # The indented block's admonition is indented like it, so it stays in the list item.
    second = out.index('    !!! warning "line 16: values-unknown-key"')
    assert out[second - 2] == "    ```" and out[second - 3] == "    c: 3"
    assert out.index("Last line.") > second


def test_a_lone_carriage_return_in_a_block_does_not_move_its_finding() -> None:
    """Python-Markdown reads a lone `\\r` as a line break, and so do the block's line
    numbers: the finding still follows the closing fence, and what the page writes after
    the block stays outside the finding's box (fuzzing found it inside)."""
    source = SOURCE.replace("a: 1\n", "a: 1\rx: 0\n")
    markdown = source.split("---\n", 2)[2]
    findings = [finding(10, message="`x` is not a value")]
    marked = mark_blocks(markdown, source, findings)
    out = show_findings(marked.markdown, marked, findings).split("\n")
    first = out.index('!!! danger "line 10: values-unknown-key"')
    assert out[first - 2] == "```" and out[first - 3] == "b: 2"
    assert out.index("- item") > first


def test_what_the_page_indents_after_a_block_stays_out_of_its_finding() -> None:
    """An indented code block right after a block with a finding is the page's: shown as
    code, not read as more text of the finding's box (where its HTML would be live)."""
    import markdown

    source = "# T\n\n```yaml\na: [\n```\n\n    <svg onload=alert(1)>\n\nEnd.\n"
    findings = [finding(4, "yaml-syntax", message="bad")]
    marked = mark_blocks(source, source, findings)
    html = markdown.markdown(
        show_findings(marked.markdown, marked, findings),
        extensions=["admonition", "pymdownx.superfences"],
    )
    box = html[html.index('<p class="admonition-title">line 4') :]
    box = box[: box.index("</div>")]
    assert "svg" not in box
    assert "<pre><code>&lt;svg onload=alert(1)&gt;" in html


def test_the_summary_sits_under_the_first_heading_and_counts_by_severity() -> None:
    findings = [
        finding(2, "recipe-missing-key", hint="add it"),
        finding(9),
        finding(16, severity=Severity.WARNING),
    ]
    marked = mark_blocks(MARKDOWN, SOURCE, findings)
    out = show_findings(marked.markdown, marked, findings)
    lines = out.split("\n")
    assert lines[0] == "# Title"
    assert lines[2] == '!!! danger "mkdocs-recipes: 2 errors, 1 warning on this page"'
    summary = out[: out.index("Text")]
    # A finding outside any block is only in the summary, with its hint.
    assert "line 2, `recipe-missing-key`: problem on 2 Hint: add it" in summary
    assert "line 9, `values-unknown-key`: problem on 9 (shown after its block)" in summary


def test_a_page_without_a_heading_gets_the_summary_first() -> None:
    source = "```yaml\na: 1\n```\n"
    findings = [finding(2)]
    marked = mark_blocks(source, source, findings)
    out = show_findings(marked.markdown, marked, findings)
    assert out.startswith('!!! danger "mkdocs-recipes: 1 error on this page"')


def test_markdown_another_plugin_changed_gets_the_summary_only() -> None:
    findings = [finding(9)]
    marked = mark_blocks(MARKDOWN + "\nadded\n", SOURCE, findings)
    assert marked.blocks == {}
    out = show_findings(marked.markdown, marked, findings)
    assert "(shown after its block)" not in out and "line 9" in out
    assert '!!! danger "line 9' not in out


def test_text_from_pages_and_charts_is_shown_as_written() -> None:
    assert inline("`x_y` is *not* <b>a</b> [link](u)") == (
        "`x_y` is \\*not\\* &lt;b&gt;a&lt;/b&gt; \\[link\\]\\(u\\)"
    )
    assert inline("a `b` c") == "a `b` c"


# Real builds ---------------------------------------------------------------------------


def planted(seed_text: str) -> tuple[str, int]:
    line = seed_text.split("\n").index('      cookieName: ""') + 1
    return seed_text.replace('cookieName: ""', 'cookieNam: ""'), line


def article(html: str) -> str:
    """The page's content: Material's <article>, the mkdocs theme's main column."""
    start = html.find("<article")
    if start < 0:
        start = html.index('role="main"')
    return html[start:]


def test_builds_do_not_show_findings_unless_asked(site, seed_text) -> None:
    text, _ = planted(seed_text)
    site.page("r.md", text)
    build = site.build(strict=False)
    assert build.ok, build.output
    assert "[values-unknown-key]" in build.output
    assert "mkdocs-recipes:" not in build.html("r")


@pytest.mark.parametrize("theme", ["material", "mkdocs"])
def test_show_findings_always_puts_the_finding_after_its_block(site, seed_text, theme) -> None:
    text, line = planted(seed_text)
    site.page("r.md", text)
    site.page(
        "clean.md",
        seed_text.replace(
            "helmrelease_namespace: kubernetes-dashboard", "helmrelease_namespace: other"
        ),
    )
    site.recipes_options["show_findings"] = "always"
    site.extra_config["theme"] = {"name": theme}
    build = site.build(strict=False)
    assert build.ok, build.output
    html = article(build.html("r"))
    # The summary at the top, then the block with the typo, then its admonition.
    summary = html.index("mkdocs-recipes: 1 error on this page")
    typo = html.index("cookieNam</span>")  # in the highlighted block
    admonition = html.index(f"line {line}: values-unknown-key")
    assert summary < typo < admonition
    box = re.search(
        r'<div class="admonition danger">\s*<p class="admonition-title">line '
        rf"{line}: values-unknown-key</p>(.*?)</div>",
        html,
        re.S,
    )
    assert box, html[admonition - 500 : admonition + 500]
    assert "<code>cookieNam</code>" in box.group(1)
    assert "did you mean <code>cookieName</code>" in box.group(1)
    # Between the block and its admonition there is no other content.
    between = html[html.index("</pre>", typo) : admonition]
    assert "<p>" not in between.replace('<p class="admonition-title">', "")
    # A page without findings is untouched.
    assert "mkdocs-recipes:" not in build.html("clean")


def test_show_findings_adds_the_admonition_extension_when_the_site_lacks_it(
    site, seed_text
) -> None:
    text, line = planted(seed_text)
    site.page("r.md", text)
    site.recipes_options["show_findings"] = "always"
    site.extra_config["markdown_extensions"] = ["pymdownx.superfences"]
    build = site.build(strict=False)
    assert build.ok, build.output
    html = build.html("r")
    assert f'<p class="admonition-title">line {line}: values-unknown-key</p>' in html
    assert "!!! danger" not in html


def test_an_invalid_show_findings_value_stops_the_build_naming_it(site, seed_text) -> None:
    site.page("r.md", seed_text)
    site.recipes_options["show_findings"] = "sometimes"
    build = site.build(strict=False)
    assert not build.ok
    assert "show_findings" in build.output and "sometimes" in build.output


def test_a_finding_in_a_content_tab_stays_in_that_tab(site, seed_text) -> None:
    text, _ = planted(seed_text)
    start = text.index('```yaml hl_lines="5 7 13 32"')
    end = text.index("```\n", text.index("configFile: |-", start)) + 4
    block = text[start:end]
    tabbed = '=== "Values"\n\n' + "".join(
        f"    {line}\n" if line else "\n" for line in block.rstrip("\n").split("\n")
    )
    tabbed += '\n=== "Notes"\n\n    Nothing to see.\n'
    text = text[:start] + tabbed + text[end:]
    line = text.split("\n").index('          cookieNam: ""') + 1
    site.page("r.md", text)
    site.recipes_options["show_findings"] = "always"
    build = site.build(strict=False)
    assert build.ok, build.output
    html = article(build.html("r"))
    panel_start = html.index('<div class="tabbed-block">')
    panel_end = html.index('<div class="tabbed-block">', panel_start + 1)
    panel = html[panel_start:panel_end]
    assert panel.index("cookieNam</span>") < panel.index(f"line {line}: values-unknown-key")
    assert "Nothing to see." not in panel
