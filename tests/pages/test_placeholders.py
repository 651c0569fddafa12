"""Documentation YAML: elisions and placeholders are their own findings, the rest of the
block is still parsed and checked, and real syntax errors stay errors."""

from __future__ import annotations

import pytest

from mkdocs_recipes.flux.objects import FluxSettings
from mkdocs_recipes.pages.blocks import code_blocks
from mkdocs_recipes.pages.fragments import read_yaml_block
from mkdocs_recipes.pages.placeholders import is_elision_line, is_placeholder
from mkdocs_recipes.site.analysis import analyse_page


def _block(yaml_text: str):
    (block,) = code_blocks(f"```yaml\n{yaml_text}\n```\n")
    return read_yaml_block(block)


@pytest.mark.parametrize(
    "line",
    ["...", "....", "  ...", "- ...", "<snip>", "  <truncated>", "[...]", "(...)", "<snipped>"],
)
def test_elision_lines_are_recognised(line: str) -> None:
    assert is_elision_line(line)


@pytest.mark.parametrize("line", ["# ...", "key: ...", "a.b.c", "...x", "- item"])
def test_other_lines_are_not_elisions(line: str) -> None:
    assert not is_elision_line(line)


@pytest.mark.parametrize(
    "value", ["<secretKey>", "[GCP_SA]", "*****", "${VAR}", "REPLACE_ME", "...", "<port>"]
)
def test_placeholders_are_recognised(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["nginx", "8080", "[a, b]", "*anchor", "Replace me later"])
def test_ordinary_values_are_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)


def test_the_rest_of_an_elided_block_is_read() -> None:
    block = _block(
        "spec:\n  interval: 5m\n  ...\n  values:\n    ....\n    sa: [GCP_SA]@[PROJECT_ID]\n"
        "    token: *****\n    replicas: 2"
    )
    assert block.error is None
    data = block.documents[0].data
    assert data["spec"]["values"] == {
        "sa": "[GCP_SA]@[PROJECT_ID]",
        "token": "*****",
        "replicas": 2,
    }
    assert [(s.index, s.kind) for s in block.stand_ins] == [
        (2, "elision"),
        (4, "elision"),
        (5, "placeholder"),
        (6, "placeholder"),
    ]


def test_a_real_syntax_error_is_still_one() -> None:
    block = _block("a: 1\n  ...\nb: [unclosed\nc: 3")
    assert block.error is not None


def _findings(page: str) -> list[tuple[int, str, str]]:
    state = analyse_page(page, "p.md", FluxSettings())
    return sorted((f.line, f.code, f.severity.value) for f in state.findings)


PROSE = """\
# Operator docs

```yaml
apiVersion: iam.example.com/v1
kind: ServiceAccountBinding
spec:
  member: serviceAccount:[GCP_SA]@[PROJECT_ID].iam.gserviceaccount.com
  key: *****
  ...
```

```yaml
data:
  password: <secretKey>
  url: ${DATABASE_URL}
  # ...
```

```yaml
broken: [yes
other: 1
```
"""


def test_on_an_ordinary_page_they_are_info_and_syntax_errors_stay_errors() -> None:
    # `serviceAccount:[GCP_SA]@...` is a valid plain string: nothing to say about it.
    assert _findings(PROSE) == [
        (8, "yaml-placeholder", "info"),
        (9, "yaml-elision", "info"),
        (21, "yaml-syntax", "error"),
    ]
    state = analyse_page(PROSE, "p.md", FluxSettings())
    assert "`key: '*****'`" in str([f.hint for f in state.findings])


RECIPE = """\
---
helm_chart_name: demo
helm_chart_version: "1.0.0"
helm_chart_repo_url: https://charts.example.org/
helmrelease_namespace: demo
---

```yaml
    ingress:
      enabled: true
      ...
    password: *****
```

```yaml title="kustomization.yaml"
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  ...
```
"""


def test_in_a_recipes_values_block_they_are_warnings() -> None:
    # Readers paste values blocks as they are; a manifest elsewhere on the page stays info.
    assert _findings(RECIPE) == [
        (11, "yaml-elision", "warning"),
        (12, "yaml-placeholder", "warning"),
        (19, "yaml-elision", "info"),
    ]


def test_a_document_end_marker_is_not_an_elision() -> None:
    playbook = _block("---\n- hosts: all\n  tasks: []\n...\n")
    assert playbook.stand_ins == () and playbook.error is None
    two = _block("a: 1\n...\n---\nb: 2")
    assert two.stand_ins == () and len(two.documents) == 2
    # In the middle of a mapping it stands for lines left out.
    elided = _block("a: 1\n...\nb: 2")
    assert [s.kind for s in elided.stand_ins] == ["elision"]
    assert elided.documents[0].data == {"a": 1, "b": 2}
