"""Documentation YAML as real sites write it: callouts, elided fragments, shell sessions
and JSON in yaml blocks, odd indentation, and blocks that show a file through an include
directive."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_recipes.flux.objects import FluxSettings
from mkdocs_recipes.pages.blocks import code_blocks
from mkdocs_recipes.pages.fragments import read_yaml_block
from mkdocs_recipes.pages.included_files import IncludeFolders
from mkdocs_recipes.pages.placeholders import is_elision_line
from mkdocs_recipes.site.analysis import analyse_page


def _block(text: str):
    (block,) = code_blocks(f"```yaml\n{text}\n```\n")
    return read_yaml_block(block)


def _codes(page: str, **options) -> list[tuple[int, str, str]]:
    state = analyse_page(page, "p.md", FluxSettings(), **options)
    return sorted((f.line, f.code, f.message) for f in state.findings)


def test_numbered_callouts_are_notes_not_yaml() -> None:
    # As rook's object storage pages number the notes under a block.
    block = _block(
        "metadata:\n  name: ceph-bucket [1]\n  namespace: rook-ceph [2]\nspec:\n"
        '  bucketName: [3]\n  additionalConfig: [4]\n    maxObjects: "1000"\n'
        "  port: 80 <5>"
    )
    assert block.error is None
    data = block.documents[0].data
    assert data["metadata"] == {"name": "ceph-bucket", "namespace": "rook-ceph"}
    assert data["spec"] == {
        "bucketName": None,
        "additionalConfig": {"maxObjects": "1000"},
        "port": 80,
    }


@pytest.mark.parametrize(
    "text",
    [
        "ports: [80]",  # a lone flow sequence is YAML
        "a: [2]\nb: [1]",  # not numbered upwards
    ],
)
def test_yaml_flow_sequences_are_not_callouts(text: str) -> None:
    block = _block(text)
    assert block.error is None
    assert all(isinstance(v, list) for v in block.documents[0].data.values())


def test_lines_after_an_elision_are_a_fragment_under_an_unknown_parent() -> None:
    page = (
        "```yaml\nkind: Pod\napiVersion: v1\n...\n  volumes:\n    - name: data\n"
        "      ephemeral: {}\n```\n"
    )
    assert [code for _, code, _ in _codes(page)] == ["yaml-elision"]
    # The fragment may close the parents it left out.
    closing = "```yaml\nspec:\n  a: 1\n...\n        image: x:latest\n    ports: []\n```\n"
    assert [code for _, code, _ in _codes(closing)] == ["yaml-elision"]
    # A real mistake inside the fragment is still one.
    broken = "```yaml\nspec:\n  a: 1\n...\n    image: x: y\n```\n"
    assert [code for _, code, _ in _codes(broken)] == ["yaml-elision", "yaml-syntax"]


def test_dotted_brackets_are_an_elision() -> None:
    assert is_elision_line("[..]") and is_elision_line("  (..)")
    assert [code for _, code, _ in _codes("```yaml\na: 1\n[..]\nb: 2\n```\n")] == ["yaml-elision"]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            '$ kubectl get vm testvm -o json\n{\n  "kind": "VirtualMachine",\n'
            '  "status": {"ready": true}\n}',
            "console",
        ),
        ('{\n  // the defaults\n  "a": 1,\n  "b": [1, 2]\n}', "json"),
        ("# settings\nGREETING=hello: world\nexport POSTGRES_DB=app", "sh"),
    ],
)
def test_a_block_of_another_language_is_one_finding_naming_the_label(text, label) -> None:
    found = _codes(f"# Page\n\n```yaml\n{text}\n```\n")
    assert [(line, code) for line, code, _ in found] == [(3, "yaml-not-yaml")]
    state = analyse_page(f"# Page\n\n```yaml\n{text}\n```\n", "p.md", FluxSettings())
    # A wrong label hurts no reader who follows the page: info (the severity policy).
    assert state.findings[0].severity.value == "info"
    assert state.findings[0].hint == f"label the fence `{label}`"


@pytest.mark.parametrize(("character", "named"), [("\u00a0", "U+00A0"), ("\t", "a tab")])
def test_odd_indentation_is_named_with_its_line(character: str, named: str) -> None:
    page = f"# Page\n\n```yaml\nx:\n  - a\n{character} - b\n```\n"
    (finding,) = analyse_page(page, "p.md", FluxSettings()).findings
    assert finding.code == "yaml-syntax" and finding.line == 6
    assert "line 6 is indented with" in finding.message and named in finding.message


def _folders(root: Path, *extensions: str) -> IncludeFolders:
    return IncludeFolders.from_markdown_config(list(extensions), {}, root)


def test_a_block_that_shows_a_file_is_checked_as_that_file(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "argocd-cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: 1\n  a: 2\n"
    )
    (tmp_path / "values.yaml").write_text("image:\n  tag: x\n   bad: indent\n")
    page = (
        "# Page\n\n```yaml\n{!docs/argocd-cm.yaml!}\n```\n\n"
        '```yaml\n--8<-- "values.yaml"\n```\n\n'
        "```yaml\n{!docs/argocd-cm.yaml!lines=1-3}\n```\n"  # part of a file: not judged
    )
    includes = _folders(tmp_path, "markdown_include.include", "pymdownx.snippets")
    found = _codes(page, includes=includes)
    assert [(line, code) for line, code, _ in found] == [
        (3, "yaml-syntax"),
        (5, "yaml-duplicate-key"),
    ]
    state = analyse_page(page, "p.md", FluxSettings(), includes=includes)
    assert sorted(f.path for f in state.findings) == ["docs/argocd-cm.yaml", "values.yaml"]
    # Without the extensions the directive is shown as text: nothing is judged.
    assert _codes(page, includes=_folders(tmp_path)) == []
    assert _codes(page) == []


def test_an_include_directive_never_reads_outside_the_project(tmp_path, monkeypatch) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "secret.yaml").write_text("a: 1\na: 2\n")
    monkeypatch.chdir(project)
    page = "```yaml\n{!../secret.yaml!}\n```\n"
    found = _codes(page, includes=_folders(project, "markdown_include.include"))
    assert found == []
