"""Values blocks that show the children of a key they do not show are read under it."""

from __future__ import annotations

import yaml

from mkdocs_recipes.charts.archive import Chart
from mkdocs_recipes.charts.values_model import values_model
from mkdocs_recipes.checks.values import check_values_blocks
from mkdocs_recipes.pages.blocks import code_blocks
from mkdocs_recipes.pages.fragments import read_yaml_block

VALUES = """\
replicas: 1
image:
  tag: "1.0"
configuration:
  replicas: 1
  logLevel: info
  listenPort: 8080
  storage:
    path: /data
sidecar:
  logLevel: info
  enabled: false
"""


def _findings(page: str) -> list[tuple[int, str, str]]:
    chart = Chart("demo", "1.0.0", None, VALUES, yaml.safe_load(VALUES), None)
    blocks = [read_yaml_block(b) for b in code_blocks(page) if b.is_yaml]
    return sorted(
        (f.line, f.code, f.message) for f in check_values_blocks(blocks, values_model(chart), "p")
    )


def test_children_of_an_unshown_parent_are_read_there_despite_a_top_level_key() -> None:
    page = (
        "```yaml\n    image:\n      tag: '2.0'\n```\n\n"
        "```yaml\n      replicas: 2\n      listenPort: 9090\n      storage:\n        path: /x\n"
        "      logLevl: debug\n```\n"
    )
    found = _findings(page)
    assert [(line, code) for line, code, _ in found] == [
        (7, "values-anchored"),
        (11, "values-unknown-key"),
    ]
    assert "`configuration`" in found[0][2]
    # The finding names the full path; its did-you-mean looks among the parent's keys.
    assert "at `configuration`" in found[1][2]


def test_a_tie_is_anchored_only_when_the_block_sits_deeper_than_the_others() -> None:
    # `image` exists only at the top, `listenPort` only under `configuration`: a tie.
    tie = "      image: {}\n      listenPort: 9090\n"
    deeper = _findings(f"```yaml\n    replicas: 1\n```\n\n```yaml\n{tie}```\n")
    assert [code for _, code, _ in deeper] == ["values-anchored", "values-unknown-key"]
    assert "`image` is not a key at `configuration`" in deeper[1][2]
    level = _findings(f"```yaml\n      replicas: 1\n```\n\n```yaml\n{tie}```\n")
    assert [code for _, code, _ in level] == ["values-unknown-key"]
    assert "`listenPort` is not a key at the top level" in level[0][2]


def test_keys_under_several_parents_alike_are_not_guessed() -> None:
    found = _findings("```yaml\n      logLevel: debug\n```\n")
    assert [code for _, code, _ in found] == ["values-anchored"]
    assert "several parents" in found[0][2]


def test_a_block_of_another_charts_values_gets_one_finding() -> None:
    page = "```yaml\n    services:\n      web: {}\n    volumes: {}\n    networks: {}\n```\n"
    found = _findings(page)
    assert [(line, code) for line, code, _ in found] == [(2, "values-foreign-block")]


def test_one_typo_at_the_top_is_a_typo_not_another_chart() -> None:
    found = _findings("```yaml\n    replicaz: 2\n    imagee:\n      tag: x\n```\n")
    assert [code for _, code, _ in found] == ["values-unknown-key", "values-unknown-key"]


def test_keys_under_several_parents_at_the_usual_indent_are_judged_at_the_top() -> None:
    # `logLevel` exists under `configuration` and under `sidecar`; the block sits at the
    # page's usual values indent, so it is meant for the top level, where it does not exist.
    page = "```yaml\n    replicas: 2\n```\n\n```yaml\n    logLevel: debug\n```\n"
    found = _findings(page)
    assert [(line, code) for line, code, _ in found] == [(6, "values-unknown-key")]
    assert "`logLevel` is not a key at the top level" in found[0][2]
