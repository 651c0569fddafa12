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

from mkdocs_recipes.charts.archive import read_chart_archive
from mkdocs_recipes.charts.package import package_chart
from mkdocs_recipes.charts.values_model import values_model
from mkdocs_recipes.checks.values import check_values_blocks
from mkdocs_recipes.flux.objects import FluxSettings
from mkdocs_recipes.pages.blocks import code_blocks
from mkdocs_recipes.pages.fragments import read_yaml_block
from mkdocs_recipes.recipe.frontmatter import read_front_matter
from mkdocs_recipes.site.analysis import analyse_page
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

    from mkdocs_recipes.flux import objects as flux
    from mkdocs_recipes.macros import _footer
    from mkdocs_recipes.pages.page_findings import SHOWN, mark_blocks, show_findings

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
    from mkdocs_recipes.site.macros_tags import jinja_tags

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


# Security III: the inputs that arrived with export, drift, the baseline and lock.

#: A small CRD of HelmRepository, whole: mutations of it stay CRDs often enough to apply.
_CRD_SEED = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: helmrepositories.source.toolkit.fluxcd.io
spec:
  group: source.toolkit.fluxcd.io
  names:
    kind: HelmRepository
  versions:
  - name: v1
    served: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              interval:
                type: string
                pattern: ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$
              url:
                type: string
              type:
                type: string
                enum: [default, oci]
            required: [url]
"""
_HELMREPOSITORY = """\
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 1h
  url: https://stefanprodan.github.io/podinfo
"""
_SCHEMA_PIECES = [
    "$ref: '#'\n",
    "$ref: http://127.0.0.1:9/x.json\n",
    "$ref: file:///etc/passwd\n",
    "pattern: '^(a+)+$'\n",
    "pattern: '('\n",
    "type: 5\n",
    "required: 5\n",
    "uniqueItems: true\n",
    "patternProperties: {'^((a+))+$': {}}\n",
    "*a",
    "&a ",
]
_FUZZ_FILES = settings(
    max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def _mutated_crd(draw) -> str:
    # Half the time only schema pieces are spliced in, so that most CRDs still apply.
    text = draw(mutated(_CRD_SEED)) if draw(st.booleans()) else _CRD_SEED
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        # At the indentation of the line it goes before: a sibling key, most often.
        indent = " " * (len(lines[at]) - len(lines[at].lstrip(" ")))
        lines.insert(at, indent + draw(st.sampled_from(_SCHEMA_PIECES)).rstrip("\n"))
    return "\n".join(lines)


@_FUZZ_FILES
@given(_mutated_crd(), st.one_of(st.just(_HELMREPOSITORY), mutated(_HELMREPOSITORY)))
def test_any_crd_file_validates_or_notes_never_raises(tmp_path_factory, crd: str, body: str):
    """Oracle: reading the CRDs and validating any object gives problems, notes or
    nothing: no exception, no request (the refusing registry would raise), bounded."""
    import yaml

    from mkdocs_recipes.flux.crd_schemas import CrdSchemas

    COUNTS["fuzz: mutated CRD files read and applied"] += 1
    folder = tmp_path_factory.mktemp("crd")
    (folder / "crd.yaml").write_text(crd)
    schemas = CrdSchemas.load([folder])
    try:
        data = yaml.safe_load(body)
    except yaml.YAMLError:
        return
    if isinstance(data, dict) and schemas.covers(str(data.get("kind"))):
        COUNTS["fuzz: objects validated against a mutated CRD"] += 1
        problems = schemas.problems_of(data)
        assert all(isinstance(problem, str) for problem in problems)
    for finding in schemas.unchecked:
        assert forged_lines(finding.as_text()) == []


@_FUZZ_FILES
@given(
    st.one_of(
        st.text(max_size=300),
        st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
            lambda inner: st.one_of(
                st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner)
            ),
            max_leaves=20,
        ).map(lambda value: __import__("json").dumps({"version": 1, "findings": value})),
        st.integers(1, 3000).map(lambda depth: "[" * depth + "]" * depth),
    )
)
def test_any_baseline_file_is_read_or_refused_never_raises(tmp_path_factory, text: str):
    from mkdocs_recipes.report.baseline import Baseline, BaselineError
    from mkdocs_recipes.report.findings import Finding

    COUNTS["fuzz: baseline files read"] += 1
    folder = tmp_path_factory.mktemp("baseline")
    (folder / "recipes-baseline.json").write_text(text)
    try:
        baseline = Baseline.load(folder / "recipes-baseline.json", folder)
    except BaselineError as error:
        assert str(error)
        return
    assert baseline is not None
    baseline.match(Finding.of("yaml-syntax", str(folder / "p.md"), 1, "x"))
    stale = baseline.stale_finding()
    assert stale is None or stale.code == "baseline-stale"


@_FUZZ_FILES
@given(st.lists(mutated(_HELMREPOSITORY), min_size=1, max_size=3))
def test_any_gitops_folder_is_read_never_raises(tmp_path_factory, files: list[str]):
    from mkdocs_recipes.gitops.drift import Repository

    COUNTS["fuzz: GitOps folders read"] += 1
    folder = tmp_path_factory.mktemp("gitops")
    for number, text in enumerate(files):
        (folder / f"f{number}.yaml").write_text(text)
    repository = Repository(folder)
    assert all(isinstance(reason, str) for reason in repository.unreadable.values())


_VERSION_PIECES = ["1", "0", "9" * 30, ".", "-", "+", " - ", "||", ",", " ", "x", "*", "^", "~"]


@settings(max_examples=300 * SCALE, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.lists(st.sampled_from(_VERSION_PIECES), max_size=40).map("".join),
        st.integers(200, 30000).map(lambda n: "1" * n + " - 2"),
    ),
    st.lists(st.lists(st.sampled_from(["0", "1", "9" * 300, "a", "rc"]), min_size=1, max_size=4)),
)
def test_any_constraint_and_versions_resolve_or_refuse_quickly(text: str, prereleases) -> None:
    import time

    from mkdocs_recipes.charts.semver import Constraint, VersionError, resolve

    COUNTS["fuzz: version constraints parsed and resolved"] += 1
    versions = ["1.0.0", "2.0.0"] + [f"1.0.0-{'.'.join(parts)}" for parts in prereleases]
    started = time.process_time()
    try:
        constraint = Constraint.parse(text)
    except VersionError:
        return
    finally:
        assert time.process_time() - started < 1
    resolve(constraint, versions)
