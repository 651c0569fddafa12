"""The language server under 1,000 random edits of a recipe page, over stdio: edits of
every size anywhere in the page (front-matter, values blocks, fences, prose), with
completion, hover, definition and code actions asked at random places between them. It
must answer every request, log no failure of its own, publish no `internal-error` (the
analysis' own defect, said as a finding), and come back to the page's true
findings when the page is whole again.

The edits come from a seed: MKDOCS_RECIPES_FUZZ_SEED repeats a run (a failure prints
its seed)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from support.counts import COUNTS
from support.editor import RECIPE
from support.site import Site

pytestmark = pytest.mark.slow

EDITS = 1000
#: What authors type into such a page, and what breaks it.
PIECES = [
    "replicaCount",
    "ingress",
    "enabled: true",
    ":",
    ": ",
    "- ",
    "  ",
    "    ",
    "\n",
    "\n    ",
    "```",
    "```yaml\n",
    "---",
    "---\n",
    "#",
    "# ",
    "{{ ",
    " }}",
    "{%",
    "[link](index.md#home)",
    "](",
    "helm_chart_version: ",
    "helm_chart_name: x",
    "flux:\n  ",
    '"',
    "'",
    "[",
    "{",
    "&a",
    "*a",
    "<<: *a",
    "|\n",
    "\t",
    "\r",
    "é",
    "😀",
    "\x00",
    "apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\n",
    "values:\n  ",
    "...",
    "<!-- recipes: skip -->\n",
]


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "mkdocs_recipes", "lsp"])
)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    await lsp_client.initialize_session(
        lsp.InitializeParams(capabilities=client_capabilities("neovim"), root_uri=tmp_path.as_uri())
    )
    yield
    await lsp_client.shutdown_session()


def _position(text: str, offset: int) -> lsp.Position:
    """The LSP position (UTF-16 code units) of character `offset` of `text`."""
    before = text[:offset]
    line = before.count("\n")
    start = before.rfind("\n") + 1
    return lsp.Position(line, len(before[start:].encode("utf-16-le")) // 2)


def _edit(rng: random.Random, text: str) -> tuple[lsp.Range, str, str]:
    """A random change: a range of `text` (maybe empty) replaced by random pieces."""
    start = rng.randint(0, len(text))
    end = min(len(text), start + rng.choice([0, 0, 1, 2, 5, 20, 80]))
    inserted = "".join(rng.choice(PIECES) for _ in range(rng.choice([0, 1, 1, 2, 3])))
    if rng.random() < 0.2:
        inserted += "".join(rng.choice("abc:-# \n'\"[]{}") for _ in range(rng.randint(1, 6)))
    changed = text[:start] + inserted + text[end:]
    return lsp.Range(_position(text, start), _position(text, end)), inserted, changed


async def test_the_server_survives_random_edits(client, site: Site) -> None:
    seed = int(os.environ.get("MKDOCS_RECIPES_FUZZ_SEED") or random.randrange(2**32))
    rng = random.Random(seed)
    site.page("index.md", "# Home\n")
    page = site.page("proxy.md", RECIPE)
    site.write_config()
    uri = page.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "markdown", 1, RECIPE))
    )
    text = RECIPE
    asked = 0
    for version in range(2, EDITS + 2):
        if len(text) > 20_000 or rng.random() < 0.02:
            span, inserted, text = (
                lsp.Range(lsp.Position(0, 0), _position(text, len(text))),
                RECIPE,
                RECIPE,
            )
        else:
            span, inserted, text = _edit(rng, text)
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [lsp.TextDocumentContentChangePartial(range=span, text=inserted)],
            )
        )
        if version % 3 == 0:
            where = _position(text, rng.randint(0, len(text)))
            document = lsp.TextDocumentIdentifier(uri)
            kind = rng.choice(["completion", "hover", "definition", "actions"])
            if kind == "completion":
                request = client.text_document_completion_async(
                    lsp.CompletionParams(document, where)
                )
            elif kind == "hover":
                request = client.text_document_hover_async(lsp.HoverParams(document, where))
            elif kind == "definition":
                request = client.text_document_definition_async(
                    lsp.DefinitionParams(document, where)
                )
            else:
                request = client.text_document_code_action_async(
                    lsp.CodeActionParams(
                        document, lsp.Range(where, where), lsp.CodeActionContext([])
                    )
                )
            await asyncio.wait_for(request, 30)  # an answer, whatever it is
            asked += 1
            ours = [d for d in client.diagnostics.get(uri, ()) if d.code == "internal-error"]
            assert not ours, f"seed {seed}: {ours[0].message}"
    COUNTS["language server: random edits"] += EDITS
    COUNTS["language server: requests between them"] += asked

    failures = [m.message for m in client.log_messages if m.type == lsp.MessageType.Error]
    assert not failures, f"seed {seed}: {failures[0]}"

    # Whole again: the page's true findings (none), whatever came before.
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=EDITS + 2, uri=uri),
            [lsp.TextDocumentContentChangeWholeDocument(RECIPE)],
        )
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while client.diagnostics.get(uri) and loop.time() < deadline:
        with_timeout = asyncio.wait_for(
            client.wait_for_notification(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 5
        )
        with contextlib.suppress(asyncio.TimeoutError):
            await with_timeout
    assert not client.diagnostics.get(uri), f"seed {seed}: {client.diagnostics.get(uri)}"
    hover = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(3, 5))
    )
    assert hover is not None, f"seed {seed}: the server stopped answering"
