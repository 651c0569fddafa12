"""The model of documentation YAML (docs/guide/values-checks.md, "Documentation YAML"): a
block is a document a reader copies whole, or an excerpt a reader reads. One test per
class of block that real sites taught us is documentation, each with a made-up example
in the shape met on a public site, and the mistakes that must still fail a build."""

from __future__ import annotations

import pytest

from mkdocs_recipes.flux.objects import FluxSettings
from mkdocs_recipes.site.analysis import analyse_page

RECIPE_HEAD = """\
---
title: Demo
helm_chart_name: demo
helm_chart_version: 1.0.0
helm_chart_repo_url: https://charts.example.org/
helmrelease_namespace: demo
---

"""


def judged(body: str, page: str = "") -> list[tuple[int, str, str]]:
    """(line in the block, code, severity) of every finding of a page holding `body` in
    one yaml block (line 1 is the block's first line)."""
    text = page + "```yaml\n" + body + "\n```\n"
    offset = text.count("\n", 0, text.index("```yaml")) + 1
    # As the build judges a page mkdocs-macros rendered (here: to itself).
    state = analyse_page(text, "p.md", FluxSettings(), render=lambda shown: shown)
    return [(f.line - offset, f.code, f.severity.value) for f in state.findings]


def failing(found: list[tuple[int, str, str]]) -> list[tuple[int, str]]:
    return [(line, code) for line, code, level in found if level != "info"]


# Class 2: excerpts at several depths, and the marks of what was left out.

EXCERPTS = {
    "a container's env, then the pod's volumes": (
        "          env:\n          - name: LOG_LEVEL\n            value: debug\n"
        "        volumes:\n        - name: data\n          emptyDir: {}"
    ),
    "the same with an elision between": (
        "          env:\n          - name: LOG_LEVEL\n            value: debug\n"
        "          ...\n        volumes:\n        - name: data"
    ),
    "an elision with a word as the first line": (
        "...<snip>\n  metrics:\n  - name: errors\n    interval: 30s\n"
    ),
    "a vertical ellipsis between two objects": (
        "spec:\n  api:\n    loadBalancer: {}\n\n.\n.\n.\n\napiVersion: kops.k8s.io/v1alpha2\n"
        "kind: InstanceGroup"
    ),
    "an elision where a block scalar starts": "_example: | ...\nreplicas: 2",
    "a word inside a block scalar, at the margin": (
        "  content: |\n    #!/bin/sh\n    -----BEGIN CERTIFICATE-----\nsnip\n"
        "    -----END CERTIFICATE-----\n    update-ca-certificates"
    ),
}


@pytest.mark.parametrize("body", EXCERPTS.values(), ids=EXCERPTS.keys())
def test_an_excerpt_a_reading_as_fragments_explains_fails_nothing(body: str) -> None:
    assert failing(judged(body)) == []


def test_dots_inside_a_block_scalar_are_its_text_not_an_elision() -> None:
    assert judged("script: |\n  echo start\n  ...\n  echo done") == []


@pytest.mark.parametrize(
    ("body", "line"),
    [
        # An item indented one column less than its siblings: a fragment cannot explain
        # the `selector:` three columns under a `- ` at column 1.
        (
            "  - version: 1.4.0\n    selector:\n      app: x\n - version: 1.5.0\n"
            "    selector:\n      app: x",
            4,
        ),
        # A document at its top level, mis-indented: what a reader pastes fails.
        ("steps:\n- setWeight: 20\n- setCanaryScale: replicas: 1", 3),
    ],
)
def test_a_mistake_no_reading_as_fragments_explains_still_fails(body: str, line: int) -> None:
    assert failing(judged(body)) == [(line, "yaml-syntax")]


# Class 3: a key given twice that the author meant.

MEANT = {
    "two files, each headed by its name": (
        "# cluster-east.yaml\nregion: us-east-1\nreplicas: 3\n\n"
        "# cluster-west.yaml\nregion: us-west-2\nreplicas: 2"
    ),
    "a before and an after": (
        "# before\nspec:\n  databases:\n    foo: db_owner\n\n# after\nspec:\n  databases:\n"
        "    foo: foo_owner"
    ),
    "alternatives of a nested key": (
        "spec:\n  # run a container as a hook\n  hooks:\n  - name: a.service\n\n"
        "  # or disable a unit\n  hooks:\n  - name: b.service\n    disabled: true"
    ),
    "a list of the forms one key takes": (
        "image: ami-00579fbb15b954340\nimage: 099720109477/ubuntu/images/focal\n"
        "image: ssm:/aws/service/canonical/ubuntu/ami-id"
    ),
    "two objects with lines left out between them": (
        "apiVersion: kops.k8s.io/v1alpha2\nkind: Cluster\nspec:\n  api: {}\n\n.\n.\n.\n\n"
        "apiVersion: kops.k8s.io/v1alpha2\nkind: InstanceGroup"
    ),
    "an example that says it is wrong": (
        "# Incorrect: the same key twice; the second one wins\nmetadata:\n  name: a\n"
        "metadata:\n  name: b"
    ),
}


@pytest.mark.parametrize("body", MEANT.values(), ids=MEANT.keys())
def test_a_key_given_twice_on_purpose_is_info(body: str) -> None:
    found = judged(body)
    assert failing(found) == []
    assert {code for _, code, _ in found} <= {"yaml-alternatives", "yaml-elision"}


def test_a_key_given_twice_by_mistake_still_fails() -> None:
    body = (
        "apiVersion: ceph.rook.io/v1\nkind: CephBlockPool\nmetadata:\n  name: pool\n"
        "spec:\n  replicated:\n    size: 3\nspec:\n  parameters:\n    pg_num: '128'"
    )
    assert failing(judged(body)) == [(8, "yaml-duplicate-key")]


def test_a_recipe_values_block_given_a_key_twice_fails_whatever_its_comments() -> None:
    body = (
        "    # ingress\n    ingress:\n      enabled: true\n    # again\n    ingress:\n"
        "      enabled: false"
    )
    assert failing(judged(body, RECIPE_HEAD)) == [(5, "yaml-duplicate-key")]


# Class 4: text of another format, fenced as yaml: a wrong label, info.

OTHER_FORMATS = {
    "a heredoc": "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Namespace\nmetadata:\n"
    "  name: demo\nEOF",
    "a heredoc piped": "cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Service\n"
    "metadata:\n  name: web\nEOF",
    "a directory tree": "charts/\n├── Chart.yaml\n├── templates\n│   └── deployment.yaml\n"
    "└── values.yaml: the defaults",
    "a tool's output": "Name:         web-7d9\nNamespace:    demo\nPriority:     0\n"
    "Labels:       app=web\n              tier=front\nStatus:       Running\n"
    "Container Name:  *\n  Policy: x: y",
    "a diff": "--- a/values.yaml\n+++ b/values.yaml\n@@ -1,2 +1,2 @@\n-replicas: 1\n+replicas: 2\n"
    " image: {tag: x",
    "a Go template": "kind: InstanceGroup\nmetadata:\n  name: nodes\nspec:\n"
    "  image: {{ ChannelRecommendedImage .cloud .kubernetesVersion }}\n"
    "  subnets:\n  - {{.awsRegion}}a",
}


# `kubectl describe` output that YAML happens to read (its `*` quoted), with `Manager:`
# and `Time:` repeated: still a tool's output.
OTHER_FORMATS["a tool's output YAML reads, keys repeated"] = (
    "Name:         vpa\nNamespace:    demo\nManaged Fields:\n  API Version:  v1\n"
    "  Manager:      kubectl\n  Time:         2022-03-14T12:54:06Z\n"
    "  API Version:  v1\n  Manager:      recommender\n  Time:         2022-03-14T12:55Z\n"
    "Spec:\n  Container Name:  *"
)
OTHER_FORMATS["shell lines"] = (
    "# set the API address\nKUBE_CLUSTER=$(kubectl config view --minify -o "
    "jsonpath='{.clusters[0].name}')\n"
    'API_SERVER=$(kubectl config view -o jsonpath="{.clusters[?(@.name==\\"$KUBE_CLUSTER'
    '\\")].cluster.server}")\n\n# create the account\nkubectl apply -f deploy/crd.yaml\n'
    "KUBE_TOKEN=$(kubectl get secret x -o jsonpath='{.data.token}' | base64 --decode )"
)


@pytest.mark.parametrize("body", OTHER_FORMATS.values(), ids=OTHER_FORMATS.keys())
def test_another_format_fenced_as_yaml_is_info_naming_it(body: str) -> None:
    # One finding, at the fence (line 0 of the block), whatever the block's lines hold.
    assert judged(body) == [(0, "yaml-not-yaml", "info")]


def test_a_field_summary_with_pointer_types_reads_as_placeholders() -> None:
    body = (
        "spec:\n  strategy:\n    blueGreen:\n      autoPromotionEnabled: boolean\n"
        "      autoPromotionSeconds: *int32\n      previewService: string"
    )
    found = judged(body)
    assert failing(found) == []
    assert [(line, code) for line, code, _ in found] == [(5, "yaml-placeholder")]


def test_an_alias_of_a_defined_anchor_is_still_an_alias() -> None:
    body = "base: &base\n  a: 1\nother: *missing"
    assert failing(judged(body)) == [(3, "yaml-syntax")]


# Class 7: fences paired as Python-Markdown (pymdownx.superfences) pairs them.


def test_a_fence_indented_by_one_space_is_text_and_the_next_fences_pair_differently() -> None:
    import markdown

    from mkdocs_recipes.pages.blocks import code_blocks

    page = (
        'Rules to add:\n\n ```yaml\n- apiGroups: ["networking.k8s.io"]\n  resources:\n'
        '    - networkpolicies\n```\n\n```yaml\n- apiGroups:\n      - ""\n    resources:\n'
        "      - resourcequota\n```\n"
    )
    # What MkDocs renders: no YAML block at all (a paragraph, then a plain code block
    # that holds the second fence line as text).
    html = markdown.markdown(page, extensions=["pymdownx.superfences"])
    assert "```yaml" in html and "language-yaml" not in html
    assert [block.language for block in code_blocks(page)] == [None]
    assert analyse_page(page, "p.md", FluxSettings()).findings == []


# Class 10: what a finding names.


def test_a_values_key_that_begins_with_a_no_break_space_says_so() -> None:
    import yaml

    from mkdocs_recipes.charts.archive import Chart
    from mkdocs_recipes.charts.values_model import values_model
    from mkdocs_recipes.checks.values import check_values_blocks
    from mkdocs_recipes.pages.blocks import code_blocks
    from mkdocs_recipes.pages.fragments import read_yaml_block

    defaults = {"config": {"clientID": "x", "clientSecret": "y"}}
    chart = Chart("demo", "1.0.0", None, yaml.safe_dump(defaults), defaults, None)
    page = "```yaml\n    config:\n      \u00a0clientID: a\n      clientSecret: b\n```\n"
    blocks = [read_yaml_block(block) for block in code_blocks(page)]
    (finding,) = check_values_blocks(blocks, values_model(chart), "p.md")
    assert finding.code == "values-unknown-key" and finding.line == 3
    assert "no-break space (U+00A0)" in finding.message
    assert finding.hint == "write `clientID` with ordinary characters"


def test_a_closing_fence_indented_differently_runs_the_block_on_and_says_so() -> None:
    page = (
        "# Spec\n\n```yaml\nspec:\n  checks:\n    - id: '1.2'\n ```\n\nThe logic, in prose.\n\n"
        "```\nlater\n```\n"
    )
    found = analyse_page(page, "p.md", FluxSettings()).findings
    assert [(f.line, f.code) for f in found] == [(7, "yaml-syntax")]
    assert "does not close the block" in found[0].message


def test_a_diff_without_headers_is_a_diff() -> None:
    body = (
        "functions:\n  my-function:\n-   lang: golang-middleware\n"
        "+   lang: golang-middleware@0.9.0\n    handler: ./my-function"
    )
    assert judged(body) == [(0, "yaml-not-yaml", "info")]


def test_a_glob_written_where_a_value_goes_is_still_an_error() -> None:
    # Not a type name in a field summary: a reader who pastes this gets an alias error.
    body = "spec:\n  orphanedResources:\n    ignore:\n    - kind: Secret\n      name: *.example.com"
    assert failing(judged(body)) == [(5, "yaml-syntax")]


@pytest.mark.parametrize(
    "body",
    [
        # Section comments of a values file: the second `ingress:` is not headed by one.
        "# ingress settings\ningress:\n  enabled: true\n# replicas\nreplicas: 2\n"
        "ingress:\n  enabled: false",
        # A comment that is no heading of the block says nothing of its keys.
        "image:\n  tag: v1\n# don't change the pull policy\npullPolicy: Always\nimage:\n  tag: v2",
    ],
    ids=["section comments", "a warning comment in the middle"],
)
def test_comments_that_do_not_head_the_repeat_leave_it_an_error(body: str) -> None:
    assert [code for _, code in failing(judged(body))] == ["yaml-duplicate-key"]
