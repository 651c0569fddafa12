"""`mkdocs-recipes lsp`: the Language Server Protocol over stdio (pygls).

The editor's events go to one worker thread, which analyses the newest text of each
changed page (a keystroke re-reads one page; several keystrokes queued read it once) and
publishes its findings. Charts are fetched on threads of their own (`sites.OpenSite`);
the checks across pages run on save. Completion, hover, definition and code actions are
answered from the latest analysis and the text as it is now, without waiting for it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import traceback
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace.position_codec import PositionCodec

from .._version import __version__
from ..report.findings import Finding
from . import features
from .sites import Analysis, OpenSite, site_config_of

log = logging.getLogger("mkdocs_recipes.lsp")


class RecipesServer(LanguageServer):
    def __init__(self, offline: bool = False) -> None:
        super().__init__("mkdocs-recipes", __version__)
        self.offline = offline
        self.sites: dict[Path, OpenSite] = {}
        self.analyses: dict[str, Analysis] = {}
        #: From the latest check of each site on save: its findings by file, all of them
        #: and those only the checks across pages make.
        self.whole: dict[Path, list[Finding]] = {}
        self.across: dict[Path, list[Finding]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.worker = _Worker(self)
        self.runs = _AcrossRuns(self)
        self._told: set[str] = set()

    # What the worker calls -------------------------------------------------------------

    def site_of(self, file: Path) -> OpenSite | None:
        config = site_config_of(file)
        if config is None:
            return None
        config = config.resolve()
        site = self.sites.get(config)
        if site is None:
            site = self.sites[config] = OpenSite(config, self.offline, self._chart_fetched)
        return site

    def _chart_fetched(self, site: OpenSite) -> None:
        for uri in list(self.workspace.text_documents):
            path = _path(uri)
            if path is not None and site_config_of(path) == site.config_file:
                self.worker.add(uri, "change")

    def analyse(self, uri: str) -> None:
        path = _path(uri)
        document = self.workspace.text_documents.get(uri)
        if path is None or document is None:
            return
        site = self.site_of(path)
        if site is None:
            self._tell_once(f"{path}: no mkdocs.yml or properdocs.yml above it; not checked")
            return
        analysis = site.analyse(path, document.source)
        if site.problem is not None:
            # What its own build would stop on: said where the author looks.
            self._tell_once(
                f"mkdocs-recipes cannot load {site.config_file}: {site.problem}", show=True
            )
        if analysis is None:
            self.analyses.pop(uri, None)
            self.publish(uri, [])
            return
        self.analyses[uri] = analysis
        self.publish(uri, analysis.findings + self.across.get(path.resolve(), []))

    def check_site(self, uri: str) -> None:
        """The whole site of `uri` checked (on save): every file's findings published."""
        path = _path(uri)
        config = _config(path)
        # (Not loaded here: the worker loads sites; this runs beside it.)
        site = self.sites.get(config.resolve()) if config is not None else None
        if site is None:
            return
        before = set(self.whole)
        whole, across = site.whole_site()
        if site.problem is not None:
            self._tell_once(f"mkdocs-recipes: {site.config_file}: {site.problem}", show=True)
            site.problem = None
            return
        self.whole.update(whole)
        self.across.update(across)
        for file in before - set(whole):
            if site.root in file.parents:
                self.whole.pop(file, None)
                self.across.pop(file, None)
        open_files = {path.resolve(): u for u in self.analyses if (path := _path(u))}
        # Every open page of the site is published again (with what the checks across
        # pages say of it now, maybe nothing), and every file whose findings changed.
        for file in set(whole) | before | set(open_files):
            if site.root not in file.parents:
                continue
            opened = open_files.get(file)
            if opened is not None:
                analysis = self.analyses[opened]
                self.publish(opened, analysis.findings + self.across.get(file, []))
            else:
                self.publish(file.as_uri(), self.whole.get(file, []))

    def publish(self, uri: str, findings: list[Finding]) -> None:
        document = self.workspace.text_documents.get(uri)
        if document is not None:
            lines = document.source.split("\n")
        else:
            path = _path(uri)
            try:
                lines = path.read_text(encoding="utf-8").split("\n") if path else []
            except (OSError, UnicodeDecodeError):
                lines = []
        codec = document.position_codec if document is not None else PositionCodec()
        diagnostics = []
        for finding in findings:
            shown = features.diagnostic(finding, lines)
            shown.range = _to_client(codec, lines, shown.range)
            diagnostics.append(shown)
        params = lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
        self.on_loop(self.text_document_publish_diagnostics, params)

    def on_loop(self, call: Any, *arguments: Any) -> None:
        """Run `call` on the server's event loop (what writes to the client)."""
        if self.loop is None:
            call(*arguments)
        else:
            self.loop.call_soon_threadsafe(call, *arguments)

    def _tell_once(self, message: str, show: bool = False) -> None:
        """`message` in the editor's log (`show`: in its message area) once a session."""
        if message in self._told:
            return
        self._told.add(message)
        if show:
            self.on_loop(
                self.window_show_message,
                lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=message),
            )
        else:
            self.on_loop(
                self.window_log_message,
                lsp.LogMessageParams(type=lsp.MessageType.Info, message=message),
            )

    def report_failure(self, what: str) -> None:
        """A defect of ours: the editor's log says what, the server goes on."""
        self.on_loop(
            self.window_log_message,
            lsp.LogMessageParams(
                type=lsp.MessageType.Error,
                message=f"mkdocs-recipes: {what} failed; please report it:\n"
                + traceback.format_exc(),
            ),
        )

    # Requests ----------------------------------------------------------------------------

    def _at(self, uri: str) -> tuple[OpenSite | None, Analysis | None, str, Path | None]:
        document = self.workspace.text_documents.get(uri)
        path = _path(uri)
        site = self.sites.get(config.resolve()) if (config := _config(path)) else None
        return site, self.analyses.get(uri), document.source if document else "", path

    def across_of(self, uri: str) -> list[Finding]:
        """What the latest checks across pages said of the file at `uri`."""
        path = _path(uri)
        return self.across.get(path.resolve(), []) if path is not None else []

    def codec(self, uri: str) -> PositionCodec:
        document = self.workspace.text_documents.get(uri)
        return document.position_codec if document is not None else PositionCodec()


# Positions: the protocol counts UTF-16 code units (unless the client chose otherwise); the
# features count Python characters, on lines split at "\n" as the analysis splits them.


def _from_client(codec: PositionCodec, text: str, position: lsp.Position) -> lsp.Position:
    lines = text.split("\n")
    if position.line >= len(lines):
        return lsp.Position(max(len(lines) - 1, 0), 0)
    found = codec.position_from_client_units(lines, position)
    return lsp.Position(found.line, min(found.character, len(lines[found.line])))


def _to_client(codec: PositionCodec, lines: list[str], span: lsp.Range) -> lsp.Range:
    if not lines:
        return span
    ends = []
    for point in (span.start, span.end):
        number = min(point.line, len(lines) - 1)
        character = codec.client_num_units(lines[number][: point.character])
        ends.append(lsp.Position(number, character))
    return lsp.Range(ends[0], ends[1])


class _Worker:
    """One thread that analyses pages, newest text first, in the order they changed."""

    def __init__(self, server: RecipesServer) -> None:
        self.server = server
        self.pending: dict[str, str] = {}
        self.condition = threading.Condition()
        self.thread: threading.Thread | None = None

    def add(self, uri: str, kind: str) -> None:
        with self.condition:
            if self.pending.get(uri) != "save":
                self.pending[uri] = kind
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="recipes-pages", daemon=True)
                self.thread.start()
            self.condition.notify()

    def _run(self) -> None:
        while True:
            with self.condition:
                while not self.pending:
                    self.condition.wait()
                uri = next(iter(self.pending))
                kind = self.pending.pop(uri)
            try:
                self.server.analyse(uri)
            except Exception:
                log.debug("analysing %s failed", uri, exc_info=True)
                self.server.report_failure(f"analysing {uri}")
            if kind == "save":
                self.server.runs.check_later(uri)


class _AcrossRuns:
    """The checks across pages, on save: one run at a time, on a thread of its own (the
    run itself is a process of its own: `lsp.whole_site`); a save during a run asks for
    one more run after it."""

    def __init__(self, server: RecipesServer) -> None:
        self.server = server
        self.lock = threading.Lock()
        self.running = False
        self.wanted: str | None = None

    def check_later(self, uri: str) -> None:
        with self.lock:
            self.wanted = uri
            if self.running:
                return
            self.running = True
        threading.Thread(target=self._run, name="recipes-across", daemon=True).start()

    def _run(self) -> None:
        while True:
            with self.lock:
                uri, self.wanted = self.wanted, None
                if uri is None:
                    self.running = False
                    return
            try:
                self.server.check_site(uri)
            except Exception:
                log.debug("checking the site of %s failed", uri, exc_info=True)
                self.server.report_failure(f"checking the site of {uri}")


def _path(uri: str) -> Path | None:
    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return Path(path) if path else None


def _config(path: Path | None) -> Path | None:
    return site_config_of(path) if path is not None else None


def make_server(offline: bool = False) -> RecipesServer:
    server = RecipesServer(offline)

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: RecipesServer, params: lsp.InitializedParams) -> None:
        ls.loop = asyncio.get_running_loop()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: RecipesServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.worker.add(params.text_document.uri, "change")

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: RecipesServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.worker.add(params.text_document.uri, "change")

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: RecipesServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.worker.add(params.text_document.uri, "save")

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RecipesServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.analyses.pop(uri, None)
        path = _path(uri)
        ls.publish(uri, ls.whole.get(path.resolve(), []) if path else [])

    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION,
        lsp.CompletionOptions(trigger_characters=[" ", ":"]),
    )
    def completion(ls: RecipesServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        uri = params.text_document.uri
        site, analysis, text, _ = ls._at(uri)
        codec, lines = ls.codec(uri), text.split("\n")
        try:
            position = _from_client(codec, text, params.position)
            items = features.completion(site, analysis, text, position)
            for item in items:
                if isinstance(item.text_edit, lsp.TextEdit):
                    item.text_edit.range = _to_client(codec, lines, item.text_edit.range)
        except Exception:
            ls.report_failure("completion")
            items = []
        return lsp.CompletionList(is_incomplete=False, items=items)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: RecipesServer, params: lsp.HoverParams) -> lsp.Hover | None:
        uri = params.text_document.uri
        site, analysis, text, _ = ls._at(uri)
        codec = ls.codec(uri)
        try:
            found = features.hover(site, analysis, text, _from_client(codec, text, params.position))
            if found is not None and found.range is not None:
                found.range = _to_client(codec, text.split("\n"), found.range)
            return found
        except Exception:
            ls.report_failure("hover")
            return None

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: RecipesServer, params: lsp.DefinitionParams) -> lsp.Location | None:
        uri = params.text_document.uri
        site, analysis, text, path = ls._at(uri)
        if path is None:
            return None
        try:
            position = _from_client(ls.codec(uri), text, params.position)
            return features.definition(site, analysis, text, path, position)
        except Exception:
            ls.report_failure("definition")
            return None

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
    )
    def code_action(ls: RecipesServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        site, analysis, text, _ = ls._at(uri)
        if analysis is None:
            return []
        loaded = site.loaded() if site is not None else None
        baseline = loaded is not None and bool(loaded.recipes.engine.options.baseline)
        lines, codec = text.split("\n"), ls.codec(uri)
        findings = analysis.findings + ls.across_of(uri)
        try:
            actions = features.code_actions(uri, lines, findings, params.range, baseline)
            for action in actions:
                for edit in (action.edit.changes or {}).get(uri, []) if action.edit else []:
                    edit.range = _to_client(codec, lines, edit.range)
                for shown in action.diagnostics or []:
                    shown.range = _to_client(codec, lines, shown.range)
            return actions
        except Exception:
            ls.report_failure("code actions")
            return []

    @server.command(features.ACCEPT_COMMAND)
    def accept(ls: RecipesServer, *arguments: Any) -> bool:
        """Add a finding to the site's baseline, then read its page again."""
        uri = arguments[0] if isinstance(arguments, (list, tuple)) and arguments else None
        if not isinstance(uri, str):
            return False
        site, analysis, text, path = ls._at(uri)
        if site is None or analysis is None or path is None:
            return False
        finding = features.accepted(arguments, analysis.findings + ls.across_of(uri))
        loaded = site.loaded()
        if finding is None or loaded is None or not loaded.recipes.engine.options.baseline:
            return False
        from ..report.baseline import BaselineError, accept_finding

        lines = text.split("\n")
        line_text = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
        baseline = site.root / loaded.recipes.engine.options.baseline
        import dataclasses

        try:
            accept_finding(
                baseline, site.root, dataclasses.replace(finding, path=str(path)), line_text
            )
        except (BaselineError, OSError) as error:
            ls.window_show_message(
                lsp.ShowMessageParams(type=lsp.MessageType.Error, message=str(error))
            )
            return False
        ls.worker.add(uri, "change")
        return True

    return server


def serve(offline: bool = False) -> None:
    """Run the server on stdin and stdout until the editor stops it. stdout carries the
    protocol alone: what a site's plugins print goes to stderr."""
    import os
    import sys

    from ..site.project import OFFLINE_ENV

    if offline:
        # For every site and chart of this process, as `check --offline` does for its run.
        os.environ[OFFLINE_ENV] = "1"
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr
    make_server(offline).start_io(sys.stdin.buffer, protocol_out)
