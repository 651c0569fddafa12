"""Values judged as Helm 4 reads them (the default) and as Helm 3 does (`helm_version: 3`),
on real charts built in the test from ../shared/charts: oauth2-proxy 10.7.0 (with its
redis-ha subchart) given a second document in its values.yaml, a values.schema.json
without `$schema` that uses keywords draft 7 ignores (`$ref` with siblings,
`unevaluatedProperties`), and a schema for the subchart."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_recipes.charts.archive import read_chart_archive
from mkdocs_recipes.charts.helm_values import for_helm, merged_documents
from mkdocs_recipes.charts.package import package_chart
from mkdocs_recipes.charts.values_model import values_model
from mkdocs_recipes.checks.values import check_values_blocks
from mkdocs_recipes.pages.blocks import code_blocks
from mkdocs_recipes.pages.fragments import read_yaml_block
from support.chartrepo import CHARTS

#: Helm 4 merges this document over the first one; Helm 3 never reads it.
SECOND_DOCUMENT = """
---
# Settings added for Helm 4 readers.
replicaCount: 2
sidecar:
  enabled: false
  image: busybox
"""

#: No `$schema`: Helm 4 reads it as draft 2020-12, Helm 3 as draft 7.
SCHEMA = {
    "$defs": {"count": {"type": "integer", "minimum": 1}},
    "type": "object",
    "properties": {
        # Draft 7 ignores the siblings of `$ref`; 2020-12 applies them.
        "replicaCount": {"$ref": "#/$defs/count", "maximum": 5},
        # Draft 7 does not know `unevaluatedProperties`.
        "podAnnotations": {
            "type": "object",
            "properties": {"team": {"type": "string"}},
            "unevaluatedProperties": {"type": "string"},
        },
    },
}

SUBCHART_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {"replicas": {"type": "integer"}},
}

PAGE = """\
```yaml
replicaCount: 9
podAnnotations:
  team: payments
  cost-centre: 42
sidecar:
  enabled: true
redis-ha:
  enabled: true
  replicas: three
```
"""


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("chart") / "oauth2-proxy"
    shutil.copytree(CHARTS / "oauth2-proxy" / "10.7.0", folder)
    with (folder / "values.yaml").open("a", encoding="utf-8") as values:
        values.write(SECOND_DOCUMENT)
    (folder / "values.schema.json").write_text(json.dumps(SCHEMA))
    (folder / "charts" / "redis-ha" / "values.schema.json").write_text(json.dumps(SUBCHART_SCHEMA))
    return package_chart(folder, ("redis-ha",), "10.7.0").data


def findings(archive: bytes, helm: int, page: str = PAGE) -> list[tuple[int, str, str]]:
    chart = for_helm(read_chart_archive(archive), helm)
    blocks = [read_yaml_block(b) for b in code_blocks(page) if b.is_yaml]
    found = check_values_blocks(blocks, values_model(chart), "p.md")
    return sorted((f.line, f.code, f.message) for f in found)


def test_helm_4_merges_every_document_of_values_yaml(archive) -> None:
    chart = read_chart_archive(archive)
    assert chart.helm == 4
    assert chart.values["replicaCount"] == 2  # the second document's leaf wins
    assert chart.values["sidecar"] == {"enabled": False, "image": "busybox"}
    assert chart.values["service"]["portNumber"] == 80  # the first document's keys stay
    helm3 = for_helm(chart, 3)
    assert helm3.values["replicaCount"] == 1 and "sidecar" not in helm3.values
    assert for_helm(chart, 4) is chart


def test_helm_4_applies_draft_2020_12_the_second_document_and_the_subchart_schema(
    archive,
) -> None:
    found = findings(archive, 4)
    codes = [(line, code) for line, code, _ in found]
    # replicaCount: 9 breaks the `maximum` beside `$ref`; cost-centre: 42 is not a string
    # under `unevaluatedProperties`; `sidecar` is known (second document); the subchart's
    # own schema judges redis-ha.replicas.
    # (jsonschema reports `unevaluatedProperties` at the mapping, naming the key.)
    assert codes == [(2, "values-schema"), (3, "values-schema"), (10, "values-schema")], found
    assert "greater than the maximum of 5" in found[0][2]
    assert "'cost-centre' was unevaluated and invalid" in found[1][2]
    assert "`redis-ha.replicas`: 'three' is not of type 'integer'" in found[2][2]


def test_helm_3_reads_one_document_and_draft_7(archive) -> None:
    found = findings(archive, 3)
    codes = [(line, code) for line, code, _ in found]
    # No `maximum`, no `unevaluatedProperties`; `sidecar` is unknown to Helm 3's reading;
    # the subchart's schema still applies on its key.
    assert codes == [(6, "values-unknown-key"), (10, "values-schema")], found


def test_a_schema_naming_its_draft_is_read_as_that_draft(tmp_path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.0.0\n")
    (folder / "values.yaml").write_text("replicaCount: 1\n")
    page = "```yaml\nreplicaCount: 9\n```\n"
    for draft, applies_siblings in [
        ("http://json-schema.org/draft-04/schema#", False),
        ("http://json-schema.org/draft-06/schema#", False),
        ("http://json-schema.org/draft-07/schema#", False),
        ("https://json-schema.org/draft/2019-09/schema", True),
        ("https://json-schema.org/draft/2020-12/schema", True),
    ]:
        schema = {
            "$schema": draft,
            "definitions": {"count": {"type": "integer"}},
            "properties": {"replicaCount": {"$ref": "#/definitions/count", "maximum": 5}},
        }
        (folder / "values.schema.json").write_text(json.dumps(schema))
        data = package_chart(folder).data
        for helm in (3, 4):
            found = findings(data, helm, page)
            assert bool(found) is applies_siblings, (draft, helm, found)


def test_a_non_mapping_at_a_subcharts_key_is_an_error(archive) -> None:
    page = "".join(f"```yaml\nredis-ha:{value}\n```\n\n" for value in (" true", "", " <settings>"))
    for helm, outcome in ((4, "Helm 4 rejects the install"), (3, "Helm 3 ignores it")):
        found = findings(archive, helm, page)
        # Only `true`: nothing (`redis-ha:`) removes the key, `<settings>` is a blank.
        assert [(line, code) for line, code, _ in found] == [(2, "values-type-mismatch")]
        assert "the subchart redis-ha" in found[0][2] and outcome in found[0][2]


def test_documents_merge_in_order_and_empty_ones_add_nothing() -> None:
    merged = merged_documents([{"a": {"b": 1, "c": 2}}, None, {"a": {"c": 3}, "d": [1]}])
    assert merged == {"a": {"b": 1, "c": 3}, "d": [1]}
    assert merged_documents([]) == {}
    assert merged_documents([None]) == {}


def _check(site: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs_recipes", "check", "--format", "json"],
        cwd=site,
        capture_output=True,
        text=True,
        env={**os.environ, "MKDOCS_RECIPES_OFFLINE": "0", "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def test_the_helm_version_option_reaches_a_sites_check(archive, tmp_path) -> None:
    """`helm_version` in mkdocs.yml: the same page and chart, judged both ways."""
    repository = tmp_path / "site" / "charts"
    repository.mkdir(parents=True)
    (repository / "oauth2-proxy-10.7.0.tgz").write_bytes(archive)
    (repository / "index.yaml").write_text(
        "apiVersion: v1\nentries:\n  oauth2-proxy:\n"
        "    - apiVersion: v2\n      name: oauth2-proxy\n      version: 10.7.0\n"
        "      urls: [oauth2-proxy-10.7.0.tgz]\n"
    )
    (tmp_path / "site" / "docs").mkdir()
    (tmp_path / "site" / "docs" / "oauth2-proxy.md").write_text(
        "---\nhelm_chart_name: oauth2-proxy\nhelm_chart_version: 10.7.0\n"
        "helm_chart_repo_name: oauth2-proxy\n"
        "helm_chart_repo_url: https://oauth2-proxy.github.io/manifests\n"
        "helmrelease_namespace: oauth2-proxy\n---\n\n# oauth2-proxy\n\n" + PAGE
    )
    config = (
        "site_name: helm\nplugins:\n  - macros\n  - recipes:\n      cache: false\n"
        "      mirrors:\n        https://oauth2-proxy.github.io/manifests: charts\n"
    )
    by_helm = {}
    for helm in (None, 3):
        option = "" if helm is None else f"      helm_version: {helm}\n"
        (tmp_path / "site" / "mkdocs.yml").write_text(config + option)
        report = _check(tmp_path / "site")
        by_helm[helm] = sorted(
            (f["line"], f["code"]) for f in report["findings"] if f["code"].startswith("values-")
        )
    # The page's fence opens on line 11: page line n is block line n - 10.
    assert by_helm[None] == [(12, "values-schema"), (13, "values-schema"), (20, "values-schema")]
    assert by_helm[3] == [(16, "values-unknown-key"), (20, "values-schema")]


def test_an_unknown_helm_version_stops_the_build_with_a_configuration_error(tmp_path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: helm\nplugins:\n  - macros\n  - recipes:\n      helm_version: 5\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs_recipes", "check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "helm_version" in done.stderr and "Traceback" not in done.stderr
