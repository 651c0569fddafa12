"""`mkdocs-recipes lsp` end to end over stdio, with pytest-lsp's client: diagnostics as
the page changes, completion, hover, definition, code actions, and bad input."""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from support.editor import RECIPE
from support.site import Site

pytestmark = pytest.mark.slow

#: The repository RECIPE names (mirrored to a test server of its own where needed).
SEED_REPOSITORY = "https://oauth2-proxy.github.io/manifests/"


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "mkdocs_recipes", "lsp"])
)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    lsp_client.initialized = await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=client_capabilities("neovim"),
            root_uri=tmp_path.as_uri(),
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def recipe_site(site: Site) -> Site:
    site.page("index.md", "# Home\n\nThe start.\n")
    site.page("proxy.md", RECIPE)
    site.write_config()
    return site


async def _open(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri, "markdown", 1, text or path.read_text(encoding="utf-8"))
        )
    )
    return uri


async def _change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=version, uri=uri),
            [lsp.TextDocumentContentChangeWholeDocument(text)],
        )
    )


async def _diagnostics_until(client: LanguageClient, uri: str, wanted, seconds: float = 30):
    """The page's diagnostics once `wanted(diagnostics)` holds (each publication read)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        found = client.diagnostics.get(uri)
        if found is not None and wanted(found):
            return list(found)
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            raise AssertionError(f"no such diagnostics for {uri}: {found}")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(
                client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), left
            )


async def _until(ask, wanted, seconds: float = 30):
    """What `ask()` answers once `wanted(answer)` holds: the server answers from what it
    knows, and a page's chart comes in the background."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        answer = await ask()
        if wanted(answer) or asyncio.get_running_loop().time() > deadline:
            return answer
        await asyncio.sleep(0.1)


async def _open_clean(client: LanguageClient, site: Site) -> str:
    """The recipe page opened, once its (clean) diagnostics are out."""
    uri = await _open(client, site.root / "docs" / "proxy.md")
    await _diagnostics_until(client, uri, lambda found: not found)
    return uri


def _codes(diagnostics) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


async def test_a_typo_is_a_diagnostic_at_its_key_and_goes_when_fixed(client, recipe_site):
    uri = await _open_clean(client, recipe_site)
    typo = RECIPE.replace("replicaCount", "replicaCont")
    await _change(client, uri, 2, typo)
    found = await _diagnostics_until(client, uri, lambda found: bool(found))
    assert _codes(found) == ["values-unknown-key"]
    (diagnostic,) = found
    line = typo.split("\n").index("    replicaCont: 2")
    assert diagnostic.range.start == lsp.Position(line, 4)
    assert diagnostic.range.end == lsp.Position(line, 4 + len("replicaCont"))
    assert diagnostic.severity == lsp.DiagnosticSeverity.Error
    assert "replicaCount" in diagnostic.message  # the build's own hint
    assert diagnostic.source == "mkdocs-recipes"

    # Its code action: the one close key.
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri),
            diagnostic.range,
            lsp.CodeActionContext([diagnostic]),
        )
    )
    titles = [action.title for action in actions or []]
    assert "Change `replicaCont` to `replicaCount`" in titles
    fix = next(a for a in actions or [] if a.title.startswith("Change"))
    assert fix.edit is not None and fix.edit.changes is not None
    (edit,) = fix.edit.changes[uri]
    assert edit.new_text == "    replicaCount: 2"
    assert "Accept [values-unknown-key] in the baseline" in titles

    await _change(client, uri, 3, RECIPE)
    await _diagnostics_until(client, uri, lambda found: not found)


async def test_completion_offers_the_charts_keys_with_defaults_and_comments(client, recipe_site):
    uri = await _open_clean(client, recipe_site)
    typed = RECIPE.replace("      enabled: true\n", "      enabled: true\n      cl\n")
    await _change(client, uri, 2, typed)
    line = typed.split("\n").index("      cl")
    result = await _until(
        lambda: client.text_document_completion_async(
            lsp.CompletionParams(lsp.TextDocumentIdentifier(uri), lsp.Position(line, 8))
        ),
        lambda answer: bool(answer.items),
    )
    items = result.items if isinstance(result, lsp.CompletionList) else result or []
    labels = {item.label for item in items}
    # Under `ingress:`: keys with defaults, and ones only shown in a comment; not those
    # of another level, nor `enabled`, already written there.
    assert {"path", "pathType", "className", "hosts", "labels"} <= labels
    assert "replicaCount" not in labels
    assert "enabled" not in labels
    class_name = next(item for item in items if item.label == "className")
    assert isinstance(class_name.documentation, lsp.MarkupContent)
    assert "ingress.className" in class_name.documentation.value
    path_type = next(item for item in items if item.label == "pathType")
    assert path_type.detail == "value = ImplementationSpecific"
    assert "networking.k8s.io/v1" in path_type.documentation.value  # its comment

    # At the top level of the block: the chart's top-level keys, subcharts included.
    top = typed.split("\n").index("    ingress:")
    result = await client.text_document_completion_async(
        lsp.CompletionParams(lsp.TextDocumentIdentifier(uri), lsp.Position(top, 5))
    )
    items = result.items if isinstance(result, lsp.CompletionList) else result or []
    labels = {item.label for item in items}
    assert {"ingress", "redis-ha", "config", "image"} <= labels  # its own line's key too
    assert "replicaCount" not in labels  # written on the line above

    # In the front-matter: the recipe's keys, and the chart's published versions.
    result = await client.text_document_completion_async(
        lsp.CompletionParams(lsp.TextDocumentIdentifier(uri), lsp.Position(2, 2))
    )
    items = result.items if isinstance(result, lsp.CompletionList) else result or []
    labels = {item.label for item in items}
    assert {"helm_chart_name", "values_yaml_url", "flux", "recipe_checks"} <= labels
    assert "helm_chart_version" not in labels  # already written
    result = await client.text_document_completion_async(
        lsp.CompletionParams(lsp.TextDocumentIdentifier(uri), lsp.Position(3, 21))
    )
    items = result.items if isinstance(result, lsp.CompletionList) else result or []
    versions = [item.label for item in items]
    assert versions[:3] == ["10.7.0", "10.7.x", "^10.7.0"]
    assert "10.6.2" in versions


async def test_completion_in_a_subchart_and_under_flux(client, recipe_site):
    page = recipe_site.root / "docs" / "proxy.md"
    text = RECIPE.replace(
        "helmrelease_namespace: oauth2-proxy\n",
        "helmrelease_namespace: oauth2-proxy\nflux:\n  release_interval: 5m\n  \n",
    ).replace("      enabled: true\n", "      enabled: true\n    redis-ha:\n      \n")
    uri = await _open(client, page, text)
    lines = text.split("\n")
    under_redis = lines.index("    redis-ha:") + 1
    result = await _until(
        lambda: client.text_document_completion_async(
            lsp.CompletionParams(lsp.TextDocumentIdentifier(uri), lsp.Position(under_redis, 6))
        ),
        lambda answer: bool(answer.items),
    )
    items = {item.label: item for item in result.items}
    # The subchart's own keys, read from its values.yaml, and the parent's switch for it.
    assert {"enabled", "replicas", "haproxy"} <= set(items)
    assert "(subchart redis-ha" in items["replicas"].documentation.value
    flux = lines.index("  release_interval: 5m") + 1
    result = await client.text_document_completion_async(
        lsp.CompletionParams(lsp.TextDocumentIdentifier(uri), lsp.Position(flux, 2))
    )
    labels = {item.label for item in result.items}
    assert {"flux_version", "create_namespace", "values_in_helmrelease"} <= labels
    assert "release_interval" not in labels  # already set on the line above


async def test_hover_and_definition_of_a_values_key_and_a_link(client, recipe_site):
    uri = await _open_clean(client, recipe_site)
    lines = RECIPE.split("\n")
    replicas = lines.index("    replicaCount: 2")
    hover = await _until(
        lambda: client.text_document_hover_async(
            lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(replicas, 6))
        ),
        lambda answer: answer is not None,
    )
    assert hover is not None and isinstance(hover.contents, lsp.MarkupContent)
    assert "`replicaCount`** in oauth2-proxy 10.7.0" in hover.contents.value
    assert "Default:\n```yaml\n1\n```" in hover.contents.value

    version = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(3, 5))
    )
    assert version is not None and isinstance(version.contents, lsp.MarkupContent)
    assert "Resolves to **oauth2-proxy 10.7.0**" in version.contents.value
    assert "The newest release is **10.7.0** (this one)." in version.contents.value

    target = await client.text_document_definition_async(
        lsp.DefinitionParams(lsp.TextDocumentIdentifier(uri), lsp.Position(replicas, 6))
    )
    assert isinstance(target, lsp.Location)
    copy = Path(target.uri.removeprefix("file://"))
    values = copy.read_text(encoding="utf-8").split("\n")
    assert values[target.range.start.line].startswith("replicaCount:")
    assert not copy.stat().st_mode & 0o222  # read-only

    link = lines.index("Back to [the start](index.md#home).")
    target = await client.text_document_definition_async(
        lsp.DefinitionParams(lsp.TextDocumentIdentifier(uri), lsp.Position(link, 12))
    )
    assert isinstance(target, lsp.Location)
    assert target.uri == (recipe_site.root / "docs" / "index.md").as_uri()
    assert target.range.start.line == 0


async def test_accept_in_the_baseline_turns_the_finding_into_info(client, recipe_site):
    page = recipe_site.root / "docs" / "proxy.md"
    typo = RECIPE.replace("replicaCount", "replicaCont")
    page.write_text(typo, encoding="utf-8")
    uri = await _open(client, page)
    (diagnostic,) = await _diagnostics_until(client, uri, lambda found: bool(found))
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri), diagnostic.range, lsp.CodeActionContext([diagnostic])
        )
    )
    accept = next(a for a in actions or [] if a.title.startswith("Accept"))
    # lsprotocol reads a CodeAction that carries a command as a bare Command whose
    # `command` is the nested command's text (a quirk of its union; editors read the JSON).
    command = accept.command
    if isinstance(accept, lsp.Command) and isinstance(command, str):
        command = lsp.Command(**ast.literal_eval(command))
    assert isinstance(command, lsp.Command)
    assert command.command == "mkdocs-recipes.acceptFinding"
    done = await client.workspace_execute_command_async(
        lsp.ExecuteCommandParams(command.command, command.arguments)
    )
    assert done is True
    baseline = json.loads((recipe_site.root / "recipes-baseline.json").read_text())
    assert [(e["path"], e["code"]) for e in baseline["findings"]] == [
        ("docs/proxy.md", "values-unknown-key")
    ]
    found = await _diagnostics_until(
        client, uri, lambda found: bool(found) and found[0].severity != lsp.DiagnosticSeverity.Error
    )
    assert found[0].severity == lsp.DiagnosticSeverity.Information
    # `check` agrees: the finding is accepted, the site passes.
    done_check = recipe_site.run("mkdocs_recipes", "check")
    assert done_check.returncode == 0, done_check.output


async def test_checks_across_pages_run_on_save(client, recipe_site):
    page = recipe_site.root / "docs" / "proxy.md"
    broken = RECIPE.replace("index.md#home", "index.md#nowhere")
    page.write_text(broken, encoding="utf-8")
    uri = await _open(client, page, broken)
    await _diagnostics_until(client, uri, lambda found: not found)  # a page's own: none
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(uri)))
    found = await _diagnostics_until(client, uri, lambda found: bool(found))
    # Both need the other pages: the anchor of index.md, and a page that makes the
    # recipe's namespace (none does).
    assert _codes(found) == ["link-anchor-missing", "recipe-namespace-missing"]
    link = next(d for d in found if d.code == "link-anchor-missing")
    assert link.range.start.line == broken.split("\n").index(
        "Back to [the start](index.md#nowhere)."
    )
    # Such a finding can be accepted too.
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri), link.range, lsp.CodeActionContext([link])
        )
    )
    titles = [action.title for action in actions or []]
    assert titles == ["Accept [link-anchor-missing] in the baseline"]


async def test_bad_input_gets_a_diagnostic_or_nothing(client, recipe_site, tmp_path_factory):
    docs = recipe_site.root / "docs"
    # A page that is not a recipe, with an example that is not YAML.
    prose = docs / "prose.md"
    prose.write_text("# Prose\n\n```yaml\nkey: [unclosed\n```\n", encoding="utf-8")
    uri = await _open(client, prose)
    found = await _diagnostics_until(client, uri, lambda found: bool(found))
    assert _codes(found) == ["yaml-syntax"]
    # A broken front-matter.
    broken = docs / "broken.md"
    broken.write_text("---\ntitle: [oops\nhelm_chart_name: x\n---\n# B\n", encoding="utf-8")
    uri = await _open(client, broken)
    found = await _diagnostics_until(client, uri, lambda found: bool(found))
    assert "front-matter-unparsable" in _codes(found)
    # A chart whose host cannot be reached: said at its key, once fetched.
    away = docs / "away.md"
    away.write_text(
        RECIPE.replace("https://oauth2-proxy.github.io/manifests/", "https://127.0.0.1:9/"),
        encoding="utf-8",
    )
    uri = await _open(client, away)
    found = await _diagnostics_until(client, uri, lambda found: bool(found))
    assert _codes(found) == ["chart-unavailable"]
    assert found[0].range.start.line == 4
    # A file of the site's folder outside docs_dir, and one outside any site: nothing,
    # and the server goes on.
    beside = recipe_site.root / "notes" / "note.md"
    beside.parent.mkdir()
    beside.write_text("# Note\n\n```yaml\nkey: [unclosed\n```\n", encoding="utf-8")
    await _open(client, beside)
    outside = tmp_path_factory.mktemp("elsewhere") / "note.md"
    outside.write_text("# Note\n\n```yaml\nkey: [unclosed\n```\n", encoding="utf-8")
    await _open(client, outside)
    result = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(outside.as_uri()), lsp.Position(3, 1))
    )
    assert result is None
    assert not client.diagnostics.get(outside.as_uri())
    assert not client.diagnostics.get(beside.as_uri())
    # A site whose mkdocs.yml its own build cannot load: said once, where the author looks.
    other = tmp_path_factory.mktemp("broken-site")
    (other / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - recipes\n")  # no macros
    (other / "docs").mkdir()
    (other / "docs" / "index.md").write_text("# Home\n")
    await _open(client, other / "docs" / "index.md")
    shown = await _until(
        lambda: asyncio.sleep(0, list(client.messages)), lambda found: bool(found), seconds=30
    )
    assert len(shown) == 1 and shown[0].type == lsp.MessageType.Warning
    assert f"cannot load {other / 'mkdocs.yml'}" in shown[0].message
    assert "needs the `macros` plugin" in shown[0].message
    # Still answering for the site's pages.
    page = docs / "proxy.md"
    uri = await _open(client, page)
    await _diagnostics_until(client, uri, lambda found: not found)
    assert not [m for m in client.log_messages if m.type == lsp.MessageType.Error]


async def test_positions_count_utf16_code_units(client, recipe_site):
    """Columns are counted in the units the server and the client agreed on (UTF-8 with
    Neovim's capabilities, UTF-16 by default): a key after an emoji is shown where the
    editor has it."""
    page = recipe_site.root / "docs" / "proxy.md"
    line_text = '    ingress: {annotations: {a: "😀"}, enabld: true}'
    text = RECIPE.replace("    ingress:\n      enabled: true\n", line_text + "\n")
    uri = await _open(client, page, text)
    found = await _diagnostics_until(client, uri, lambda found: bool(found))
    assert _codes(found) == ["values-unknown-key"]
    before = line_text[: line_text.index("enabld")]
    encoding = client.initialized.capabilities.position_encoding
    assert encoding == lsp.PositionEncodingKind.Utf8
    start = len(before.encode("utf-8"))  # the emoji counts 4
    assert found[0].range.start.character == start == len(before) + 3
    assert found[0].range.end.character == start + len("enabld")
    # A fix edits its whole line, whose end is counted the same way.
    typo = "    replicaCont: 2  # 😀 two"
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=2, uri=uri),
            [lsp.TextDocumentContentChangeWholeDocument(text.replace("    replicaCount: 2", typo))],
        )
    )
    found = await _diagnostics_until(client, uri, lambda found: len(found) == 2)
    first = next(d for d in found if "replicaCont" in d.message)
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri), first.range, lsp.CodeActionContext([first])
        )
    )
    fix = next(a for a in actions or [] if a.title == "Change `replicaCont` to `replicaCount`")
    assert fix.edit is not None and fix.edit.changes is not None
    (edit,) = fix.edit.changes[uri]
    assert edit.range.end.character == len(typo.encode("utf-8"))
    assert edit.new_text == typo.replace("replicaCont", "replicaCount")


async def test_a_slow_chart_server_never_holds_back_the_diagnostics(
    client, tmp_path, fresh_chart_server
):
    """What needs no chart is published at once; the chart's findings follow when it is
    fetched, in the background."""
    fresh_chart_server.latency = 3.0  # every request: a server far away
    site = Site(
        tmp_path / "far",
        recipes_options={
            "cache_dir": str(tmp_path / "far-cache"),
            "mirrors": {SEED_REPOSITORY: f"{fresh_chart_server.url}/oauth2-proxy/"},
        },
    )
    text = (
        RECIPE.replace("helm_chart_version: 10.7.0", "helm_chart_version: 6.18.x").replace(
            "replicaCount", "replicaCont"
        )
        + "\n```yaml\nbroken: [yaml\n```\n"
    )
    page = site.page("proxy.md", text)
    site.write_config()
    loop = asyncio.get_running_loop()
    opened = loop.time()
    uri = await _open(client, page, text)
    first = await _diagnostics_until(client, uri, lambda found: bool(found))
    assert loop.time() - opened < 2.5  # the site loaded, no chart yet
    assert _codes(first) == ["yaml-syntax"]
    found = await _diagnostics_until(client, uri, lambda found: len(found) == 2, seconds=60)
    assert _codes(found) == ["values-unknown-key", "yaml-syntax"]


async def test_fixes_of_removed_flux_api_versions_and_links_to_headings(client, recipe_site):
    page = recipe_site.root / "docs" / "proxy.md"
    text = RECIPE.replace(
        "Set the values:",
        "```yaml\napiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\n"
        "metadata:\n  name: x\n  namespace: y\n```\n\nSet the values:",
    ).replace("index.md#home", "index.md#the-start-of-it")
    (recipe_site.root / "docs" / "index.md").write_text("# Home\n\nText.\n\n## The start of it\n")
    uri = await _open(client, page, text)
    found = await _diagnostics_until(client, uri, lambda found: bool(found))
    api = next(d for d in found if "v2beta1" in d.message)
    actions = await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri), api.range, lsp.CodeActionContext([api])
        )
    )
    fix = next(
        a
        for a in actions or []
        if a.title == "Change `helm.toolkit.fluxcd.io/v2beta1` to `helm.toolkit.fluxcd.io/v2`"
    )
    assert fix.is_preferred  # a safe fix, as `check --fix` makes it
    (edit,) = fix.edit.changes[uri]
    assert edit.new_text == "apiVersion: helm.toolkit.fluxcd.io/v2"

    lines = text.split("\n")
    link = next(n for n, line in enumerate(lines) if "the-start-of-it" in line)
    target = await client.text_document_definition_async(
        lsp.DefinitionParams(lsp.TextDocumentIdentifier(uri), lsp.Position(link, 12))
    )
    assert isinstance(target, lsp.Location)
    assert target.uri.endswith("/docs/index.md")
    assert target.range.start.line == 4  # `## The start of it`
