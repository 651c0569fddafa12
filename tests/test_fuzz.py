"""Fuzzing: mutated pages, front-matter and values blocks. For any input, the analysis
returns findings; no exception escapes; no finding carries a control character into a log
line, and the findings and footer the plugin writes into a page hold no element or
attribute it did not mean to write. Counts are printed at the end of the run.

About 2,400 inputs per run; `pytest tests/test_fuzz.py --fuzz-long` runs 25 times as many
(the campaign whose figures the security page gives)."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_recipes.analysis import analyse_page
from mkdocs_recipes.charts.archive import read_chart_archive
from mkdocs_recipes.charts.package import package_chart
from mkdocs_recipes.charts.values_model import values_model
from mkdocs_recipes.checks.values import check_values_blocks
from mkdocs_recipes.flux import FluxSettings
from mkdocs_recipes.fragments import read_yaml_block
from mkdocs_recipes.frontmatter import read_front_matter
from mkdocs_recipes.pages import code_blocks
from support.chartrepo import CHARTS
from support.counts import COUNTS
from support.markup_oracle import HOSTILE, forged_lines, markup_problems
from support.paths import SEED_RECIPE

#: The long campaign (`--fuzz-long`) runs this many times the inputs.
SCALE = 25 if os.environ.get("MKDOCS_RECIPES_FUZZ_LONG") == "1" else 1

SEED = SEED_RECIPE.read_text(encoding="utf-8")
PIECES = [
    "---",
    "...",
    ":",
    ": ",
    "- ",
    "#",
    "*a",
    "&a ",
    "!!python/name:x",
    "{{",
    "}}",
    "{%",
    "%}",
    "```",
    "```yaml",
    "~~~",
    "\t",
    "    ",
    "[",
    "]",
    "{",
    "}",
    "'",
    '"',
    "|",
    ">",
    "\n",
    "<snip>",
    "*****",
    "[GCP_SA]",
    "helm_chart_version: ",
    "helm_chart_name: ",
    "oci://",
    "https://[",
    "\x00",
    "\ufeff",
    "é",
    "1e999",
    "0x1F",
    "~",
    "null",
    "<<: *a",
    "? ",
    *HOSTILE,
]


@st.composite
def mutated(draw, base: str) -> str:
    text = base
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if action == "insert":
            piece = draw(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)))
            text = text[:at] + piece + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        else:
            end = min(len(text), at + draw(st.integers(1, 200)))
            text = text[:end] + text[at:end] + text[end:]
    return text


FUZZ = settings(
    max_examples=400 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@FUZZ
@given(mutated(SEED))
def test_any_page_gives_findings_not_exceptions(page: str) -> None:
    COUNTS["fuzz: mutated recipe pages analysed"] += 1
    state = analyse_page(page, "p.md", FluxSettings())
    assert all(f.line >= 1 and f.code for f in state.findings)


@FUZZ
@given(st.text(max_size=400))
def test_any_text_is_scanned_for_front_matter_and_blocks(text: str) -> None:
    COUNTS["fuzz: arbitrary texts scanned"] += 1
    read_front_matter("---\n" + text + "\n---\n", "p.md")
    for block in code_blocks(text):
        read_yaml_block(block)


@pytest.fixture(scope="module")
def oauth2_proxy_model():
    chart = read_chart_archive(package_chart(CHARTS / "oauth2-proxy" / "6.18.3", ("redis",)).data)
    return values_model(chart)


VALUES = """\
```yaml
    config:
      clientID: "x"
      cookieSecret: "y"
    extraArgs:
      provider: oidc
    ingress:
      enabled: true
      hosts:
        - auth.example.org
    redis:
      enabled: true
      master:
        persistence:
          size: 1Gi
```
"""


@settings(max_examples=400 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(page=mutated(VALUES))
def test_any_values_block_gives_findings_not_exceptions(page: str, oauth2_proxy_model) -> None:
    COUNTS["fuzz: mutated values blocks checked against a real chart"] += 1
    blocks = [read_yaml_block(b) for b in code_blocks(page) if b.is_yaml]
    parsed = [b for b in blocks if b.error is None]
    check_values_blocks(parsed, oauth2_proxy_model, "p.md")


_ADMONITION = re.compile(r'<div class="admonition (?:danger|warning)">.*?</div>', re.S)


@settings(max_examples=1200 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated(SEED + "\n```yaml\n    zzz: 1\n    " + "\n    ".join(HOSTILE[:4]) + ": 2\n```\n"))
def test_what_the_plugin_writes_is_safe_for_any_page(page: str) -> None:
    """The log oracle (no line a finding prints begins with, or holds, page-controlled
    control characters) and the HTML oracle (the findings shown in the page and the
    recipe footer hold only the markup the plugin writes)."""
    import markdown

    from mkdocs_recipes import flux
    from mkdocs_recipes.macros import _footer
    from mkdocs_recipes.page_findings import SHOWN, mark_blocks, show_findings

    COUNTS["fuzz: pages through the log and HTML oracles"] += 1
    state = analyse_page(page, "p.md", FluxSettings())
    log = "\n".join(f.as_text() for f in state.findings)
    assert forged_lines(log) == []
    assert all("\n" not in f.as_text() for f in state.findings)
    body = page.split("\n---\n", 1)[-1]
    marked = mark_blocks(body, page, state.findings)
    shown = show_findings(marked.markdown, marked, state.findings)
    extensions = ["admonition", "pymdownx.superfences", "pymdownx.magiclink"]
    html = markdown.markdown(shown, extensions=extensions)
    boxes = _ADMONITION.findall(html)
    if any(f.severity in SHOWN for f in state.findings):
        assert boxes
    for box in boxes:
        assert markup_problems(box) == [], box
    if state.recipe is not None:
        footer = markdown.markdown(_footer(state, flux.FluxSettings(), 0), extensions=extensions)
        assert markup_problems(footer, frozenset({"ul", "li", "a", "code", "p"})) == [], footer


#: Pieces a hostile page repeats to make a pattern backtrack.
REPEATED = [
    "[",
    "[a]",
    "[a][",
    "![x](",
    "[a] (",
    "[a](http://",
    "[a]( (",
    "<img ",
    "`",
    "``a",
    "[a]:",
    "# ",
    "#",
    "{#a ",
    "<!--",
    "{{",
    "{%",
    "${",
    "<a",
    "[A",
    ": ",
    "- ",
    "a: b [1]\n",
    "...\n   b: 1\n",
    "...\n    a: 1\n  b: 2\n",
    "\t",
    "\u00a0",
    "]",
    "](",
    "<",
    "&#",
    "*",
    "_",
]


@settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    piece=st.sampled_from(REPEATED),
    count=st.integers(1000, 20000),
    wrapped=st.sampled_from(["prose", "heading", "yaml"]),
)
def test_no_repetition_makes_the_page_checks_slow(piece: str, count: int, wrapped: str) -> None:
    """Each input under a time bound: the link, heading and YAML readers are linear."""
    import time

    from markdown.extensions.toc import slugify

    from mkdocs_recipes.checks.links.headings import HeadingIds
    from mkdocs_recipes.checks.links.prose import prose_lines
    from mkdocs_recipes.checks.links.references import definitions, undefined_references
    from mkdocs_recipes.checks.links.syntax import link_targets, malformed
    from mkdocs_recipes.site_check import jinja_tags

    COUNTS["fuzz: repeated pieces timed"] += 1
    body = piece * count
    text = {"prose": body, "heading": "# " + body, "yaml": f"```yaml\n{body}\n```\n"}[wrapped]
    started = time.monotonic()
    list(undefined_references(text, {"x"}))
    definitions(text)
    for line in prose_lines(text):
        link_targets(line.text)
        list(malformed(line.text))
    HeadingIds(slugify).estimate(text)
    jinja_tags(text)
    for block in code_blocks(text):
        read_yaml_block(block)
    # Linear work on up to 60,000 lines takes ~3 s here; a quadratic reader takes minutes.
    assert time.monotonic() - started < 10, (piece, count, wrapped)
