"""The values model of every shared chart, checked against the charts' own defaults: a
chart's values.yaml (and each subchart's, under its key) must pass its own checks. The one
exception is the real stale key the chart notes describe."""

from __future__ import annotations

import dataclasses

import pytest

from mkdocs_recipes.charts.archive import Chart, read_chart_archive
from mkdocs_recipes.charts.values_model import ValuesNode, values_model
from mkdocs_recipes.checks.values import check_values_blocks
from mkdocs_recipes.pages.blocks import CodeBlock
from mkdocs_recipes.pages.fragments import read_yaml_block
from support.chartrepo import packaged_versions

CHARTS = [
    (chart, archive)
    for chart in ("oauth2-proxy", "kubernetes-dashboard", "cert-manager", "wordpress", "authentik")
    for archive in packaged_versions(chart)
]


def as_block(text: str) -> CodeBlock:
    lines = [line for line in text.split("\n") if line.strip() != "---"]
    return CodeBlock("yaml", "yaml", 1, 2, 0, "\n".join(lines))


@pytest.mark.parametrize(("chart", "archive"), CHARTS, ids=[f"{c}-{a.version}" for c, a in CHARTS])
def test_a_charts_own_defaults_pass_its_checks(chart, archive) -> None:
    parsed = read_chart_archive(archive.data)
    model = values_model(parsed)
    texts = {"": parsed.values_text}
    for key, sub in parsed.subcharts.items():
        body = "\n".join(
            "  " + line for line in sub.values_text.split("\n") if line.strip() != "---"
        )
        texts[key] = f"{key}:\n{body}"
    findings = []
    for text in texts.values():
        block = read_yaml_block(as_block(text))
        assert block.error is None and block.is_values
        findings += [
            f
            for f in check_values_blocks([block], model, "values.yaml")
            if f.code != "values-subchart-disabled"
        ]
    messages = [f.as_text() for f in findings]
    if chart == "wordpress":
        # wordpress sets memcached.service.port, but memcached 7.9.7 has service.ports.
        assert len(messages) == 1 and "`port` is not a key at `memcached.service`" in messages[0]
    else:
        assert messages == []


def test_comment_keys_stay_at_their_own_path() -> None:
    archive = next(a for a in packaged_versions("oauth2-proxy") if a.version == "6.18.3")
    model = values_model(read_chart_archive(archive.data))
    # `# hosts:` under `ingress:` documents ingress.hosts, and only there.
    assert model.node_at(("ingress", "hosts")) is not None
    assert model.node_at(("hosts",)) is None
    # A key commented inside a block scalar is text, not a key.
    assert model.node_at(("config", "pass_basic_auth")) is None


def test_keys_only_the_templates_read_are_known(tmp_path) -> None:
    from mkdocs_recipes.charts.package import package_chart

    chart = tmp_path / "demo"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.0.0\n")
    (chart / "values.yaml").write_text("ingress:\n  enabled: false\n")
    (chart / "templates" / "ingress.yaml").write_text(
        "{{- if .Values.ingress.enabled }}\nhost: {{ .Values.ingress.host | quote }}\n"
        "{{- range $.Values.ingress.extraPaths }}{{ . }}{{ end }}\n{{- end }}\n"
    )
    parsed = read_chart_archive(package_chart(chart).data)
    model = values_model(parsed)
    text = "ingress:\n  enabled: true\n  host: demo.example.com\n  extraPaths: [/a]\n  hots: x\n"
    block = read_yaml_block(as_block(text))
    findings = check_values_blocks([block], model, "p.md")
    assert [(f.line, f.code) for f in findings] == [(6, "values-unknown-key")]
    assert "did you mean `host`?" in findings[0].hint


def _without_layouts(chart: Chart) -> Chart:
    return dataclasses.replace(
        chart,
        values_layout=None,
        subcharts={key: _without_layouts(sub) for key, sub in chart.subcharts.items()},
    )


def _tree(node: ValuesNode, depth: int = 0) -> object:
    return {
        key: (
            child.shape,
            child.free,
            child.documented,
            child.item_shape,
            child.subchart.label if child.subchart else None,
            _tree(child, depth + 1) if depth < 30 else None,
        )
        for key, child in node.children.items()
    }


@pytest.mark.parametrize(("chart", "archive"), CHARTS, ids=[f"{c}-{a.version}" for c, a in CHARTS])
def test_the_key_layout_read_with_the_values_gives_the_model_of_the_text(chart, archive) -> None:
    # The archive reader keeps where values.yaml's keys stand, from the node tree the values
    # are built from; without it, the model composes the text again. Both give one model.
    parsed = read_chart_archive(archive.data)
    assert parsed.values_layout is not None and parsed.values_layout.keys
    composed = values_model(_without_layouts(parsed))
    assert _tree(values_model(parsed).root) == _tree(composed.root)
    assert values_model(parsed).index == composed.index
