"""Fuzzing: mutated pages, front-matter and values blocks. For any input, the analysis
returns findings; no exception escapes. Counts are printed at the end of the run."""

from __future__ import annotations

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
from support.paths import SEED_RECIPE

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


FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(page=mutated(VALUES))
def test_any_values_block_gives_findings_not_exceptions(page: str, oauth2_proxy_model) -> None:
    COUNTS["fuzz: mutated values blocks checked against a real chart"] += 1
    blocks = [read_yaml_block(b) for b in code_blocks(page) if b.is_yaml]
    parsed = [b for b in blocks if b.error is None]
    check_values_blocks(parsed, oauth2_proxy_model, "p.md")
