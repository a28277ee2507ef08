"""The VoxXML language server (LSP over stdio, built on pygls).

Diagnostics are published when a document is opened or saved, and on every change:
at once when the document lints quickly (its last lint took at most 100 ms, about the
time between two keystrokes of fast typing; a 2,000-line IVR takes about 10) or has not
been linted for as long as its last lint took. Only a slow document being typed into
waits, for the rest of that time (at most 200 ms; a change during the wait restarts
it), so that typing never queues up behind slow lints: the server spends at most about
half its time linting it. The ``debounceMs`` initialization option or the
``VOXXML_LSP_DEBOUNCE_MS`` environment variable fixes the wait instead (0 lints on
every change at once). Each document is linted with the configuration nearest to its
path (voxxml.toml or [tool.voxxml] in pyproject.toml), as ``voxxml lint`` would.

Hover explains elements, attributes and values (from the grammar) and the codes
in suppression comments (the rule pages). Completion offers the elements allowed
where '<' is typed, the attributes a start tag lacks and the values an attribute
takes. Code actions apply the fixes diagnostics carry and add suppression comments.

    python -m voxxml.lsp        # or: voxxml server
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import to_fs_path

from ..core.version import __version__
from ..config import ConfigError, Resolver, Settings
from ..dialects import Dialect
from . import actions, completion, hover
from .analysis import Finding, dialect_for, lint_text, to_json, to_lsp
from .positions import UTF8, UTF16, UTF32, LineIndex
from .transport import send_json, serve_stdio

logger = logging.getLogger("voxxml.lsp")

DEFAULT_DEBOUNCE_MS = 200  # the longest wait a slow document gets
# A document whose lint took at most this long is linted on every change, at once: about the time
# between two keystrokes of fast typing, so the lints keep up with it.
QUICK_LINT_MS = 100
ENVIRONMENT_DEBOUNCE = "VOXXML_LSP_DEBOUNCE_MS"
CONFIG_TTL = 2.0  # seconds a resolved configuration is trusted before files are looked at again
TRIGGERS = ["<", " ", '"', "'", "/"]


@dataclass
class Document:
    """An open document: its text's line index and the findings last published for it."""

    uri: str
    version: int | None
    index: LineIndex
    path: Path | None
    linted: int | None = -1  # the version the findings are of (-1: never linted)
    findings: list[Finding] = field(default_factory=list)
    published: list[dict[str, Any]] = field(default_factory=list)  # the findings as published (LSP Diagnostic JSON)
    pending: asyncio.TimerHandle | None = None
    lint_seconds: float = 0.0  # how long its last lint took (what the wait after a change follows)
    linted_at: float = 0.0  # when it ended (time.perf_counter)
    dialect: Dialect | None = None  # the dialect its path selects, found at its first lint (the path never changes)


def _debounce_ms(value: Any, fallback: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return fallback
    return number if number >= 0 else fallback


class VoxxmlProtocol(LanguageServerProtocol):
    """pygls's protocol, but a didChange goes to the server's handler only: the server keeps each
    document's text itself (``Document.index``, which applies the change once), and pygls's
    workspace copy, which nothing reads, is not edited too (that cost about 1 ms per change on a
    2,000-line document, and raised KeyError, shown to the client as "Error in server", for a
    document never opened). The handler is called directly, not yielded to as pygls's built-in
    handlers do (a second dispatch through pygls, with its own future: about 70 us of a change)."""

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> None:  # type: ignore[override]
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            handler(params)


class VoxxmlLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "voxxml", __version__, protocol_cls=VoxxmlProtocol, text_document_sync_kind=types.TextDocumentSyncKind.Incremental
        )
        self.documents: dict[str, Document] = {}
        fixed = _debounce_ms(os.environ.get(ENVIRONMENT_DEBOUNCE), -1)
        # None: the wait follows each document's lint time (``wait``); a number: fixed, in seconds.
        self.debounce: float | None = None if fixed < 0 else fixed / 1000
        self.encoding = UTF16
        self.snippets = False
        self.markdown_completion = False
        self.markdown_hover = True
        self._resolver = Resolver()
        self._resolved_at = time.monotonic()
        self._config_errors: set[str] = set()

    # ------------------------------------------------------------- settings
    def settings_for(self, document: Document) -> Settings:
        now = time.monotonic()
        if now - self._resolved_at > CONFIG_TTL:
            self.reset_configuration()
        where = document.path
        if where is None:
            root = self.workspace.root_path if self.protocol._workspace is not None else None
            if not root:
                return Settings()
            where = Path(root) / "untitled.voxxml"
        try:
            return self._resolver.for_path(where)
        except ConfigError as error:
            message = str(error)
            if message not in self._config_errors:
                self._config_errors.add(message)
                self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"voxxml: {message}"))
            return Settings()
        except OSError:
            return Settings()

    def reset_configuration(self) -> None:
        self._resolver = Resolver()
        self._resolved_at = time.monotonic()

    # ------------------------------------------------------------- documents
    def open(self, item: types.TextDocumentItem) -> Document:
        path = to_fs_path(item.uri) if item.uri.startswith("file:") else None
        document = Document(item.uri, item.version, LineIndex(item.text, self.encoding), Path(path) if path else None)
        old = self.documents.get(item.uri)
        if old is not None:
            self.cancel(old)
        self.documents[item.uri] = document
        return document

    def cancel(self, document: Document) -> None:
        if document.pending is not None:
            document.pending.cancel()
            document.pending = None

    def lint(self, document: Document) -> None:
        """Lint the document now and publish the diagnostics.

        The cyclic garbage collector waits until they are published and the lint's AST and source
        map are freed (the pipeline pauses it during the lint only: a collection at its first
        allocation after that scanned the whole AST, still alive, on every change); the freeing
        itself comes after the publish too."""
        self.cancel(document)
        settings = self.settings_for(document)
        path = str(document.path) if document.path is not None else "<untitled>"
        if document.dialect is None:
            document.dialect = dialect_for(path)
        kept: list[object] = []
        collecting = gc.isenabled()
        gc.disable()
        try:
            started = time.perf_counter()
            try:
                findings = lint_text(document.index.text, path, settings, document.index, document.dialect, kept)
            except Exception:  # the linter is total; a bug in it must not take the server down
                logger.exception("linting %s failed", document.uri)
                return
            finally:
                document.linted_at = time.perf_counter()
                document.lint_seconds = document.linted_at - started
            document.findings = findings
            index = document.index
            document.published = [to_json(finding, index) for finding in findings]
            document.linted = document.version
            self.publish(document.uri, document.published, document.version)
            kept.clear()
        finally:
            if collecting:
                gc.enable()

    def publish(self, uri: str, diagnostics: list[dict[str, Any]], version: int | None = None) -> None:
        """textDocument/publishDiagnostics with diagnostics that are already JSON (``analysis.to_json``)."""
        params: dict[str, Any] = {"uri": uri, "diagnostics": diagnostics}
        if version is not None:
            params["version"] = version
        send_json(self.protocol, {"method": types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, "params": params})

    def wait(self, document: Document) -> float:
        """Seconds to wait after a change before linting: the fixed debounce when one is set; else none
        for a document that lints quickly or has been idle for as long as its last lint took; else the
        rest of that time (at most the default debounce)."""
        if self.debounce is not None:
            return self.debounce
        if document.lint_seconds * 1000 <= QUICK_LINT_MS:
            return 0.0
        idle = time.perf_counter() - document.linted_at
        return max(0.0, min(document.lint_seconds, DEFAULT_DEBOUNCE_MS / 1000) - idle)

    def schedule(self, document: Document) -> None:
        self.cancel(document)
        delay = self.wait(document)
        if delay <= 0:
            self.lint(document)
            return
        loop = asyncio.get_running_loop()
        document.pending = loop.call_later(delay, self._lint_if_open, document.uri, document)

    def _lint_if_open(self, uri: str, document: Document) -> None:
        document.pending = None
        if self.documents.get(uri) is document:
            self.lint(document)

    def fresh(self, document: Document) -> Document:
        """The document with findings of its current text (linting now if a lint is pending)."""
        if document.linted != document.version or document.pending is not None:
            self.lint(document)
        return document


server = VoxxmlLanguageServer()


@server.feature(types.INITIALIZE)
def initialize(ls: VoxxmlLanguageServer, params: types.InitializeParams) -> None:
    options = params.initialization_options
    if isinstance(options, dict) and "debounceMs" in options:
        fixed = _debounce_ms(options["debounceMs"], -1)
        if fixed >= 0:  # not a number of milliseconds: the wait stays as it was
            ls.debounce = fixed / 1000
    encoding = ls.workspace.position_encoding
    ls.encoding = {types.PositionEncodingKind.Utf8: UTF8, types.PositionEncodingKind.Utf32: UTF32}.get(encoding, UTF16)  # type: ignore[call-overload]
    text_document = params.capabilities.text_document
    completion_capability = text_document.completion if text_document is not None else None
    item = completion_capability.completion_item if completion_capability is not None else None
    ls.snippets = bool(item is not None and item.snippet_support)
    ls.markdown_completion = bool(item is not None and types.MarkupKind.Markdown in (item.documentation_format or ()))
    hover_capability = text_document.hover if text_document is not None else None
    formats = hover_capability.content_format if hover_capability is not None else None
    ls.markdown_hover = not formats or types.MarkupKind.Markdown in formats


@server.feature(types.INITIALIZED)
def initialized(ls: VoxxmlLanguageServer, params: types.InitializedParams) -> None:
    gc.freeze()  # and what the handshake made (pygls's converters for its messages)
    watched = ls.client_capabilities.workspace.did_change_watched_files if ls.client_capabilities.workspace else None
    if watched is not None and watched.dynamic_registration:
        watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in ("voxxml.toml", "pyproject.toml")]
        ls.client_register_capability(
            types.RegistrationParams(
                registrations=[
                    types.Registration(
                        id="voxxml-configuration",
                        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
                    )
                ]
            )
        )


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: VoxxmlLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.lint(ls.open(params.text_document))


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: VoxxmlLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    document = ls.documents.get(params.text_document.uri)
    if document is None:
        # a change to a document never opened: an open of an empty one, then the change
        # (a whole-text change gives the text; an incremental one applies to nothing)
        item = types.TextDocumentItem(params.text_document.uri, "voxxml", params.text_document.version, "")
        document = ls.open(item)
    index = document.index
    for change in params.content_changes:
        index = index.apply(change)
    document.index = index
    document.version = params.text_document.version
    ls.schedule(document)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
def did_save(ls: VoxxmlLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    document = ls.documents.get(params.text_document.uri)
    if document is None:
        return
    if params.text is not None and params.text != document.index.text:
        document.index = LineIndex(params.text, ls.encoding)
    ls.reset_configuration()  # a save is when a configuration edited beside it is looked at again
    ls.lint(document)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: VoxxmlLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    document = ls.documents.pop(params.text_document.uri, None)
    if document is not None:
        ls.cancel(document)
    ls.publish(params.text_document.uri, [])


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: VoxxmlLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
    ls.reset_configuration()
    ls._config_errors.clear()
    for document in list(ls.documents.values()):
        ls.lint(document)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: VoxxmlLanguageServer, params: types.HoverParams) -> types.Hover | None:
    document = ls.documents.get(params.text_document.uri)
    if document is None:
        return None
    index = document.index
    findings = document.findings if document.linted == document.version else []
    found = hover.hover(index.text, index.offset(params.position), findings)
    if found is None:
        return None
    markdown, (start, end) = found
    kind = types.MarkupKind.Markdown if ls.markdown_hover else types.MarkupKind.PlainText
    return types.Hover(contents=types.MarkupContent(kind, markdown), range=index.range(start, end))


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=TRIGGERS))
def on_completion(ls: VoxxmlLanguageServer, params: types.CompletionParams) -> types.CompletionList | None:
    document = ls.documents.get(params.text_document.uri)
    if document is None:
        return None
    index = document.index
    offset = index.offset(params.position)
    resource = ls.settings_for(document).context
    items = completion.complete(index, offset, ls.snippets, resource, ls.markdown_completion)
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix], resolve_provider=False),
)
def on_code_action(ls: VoxxmlLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    document = ls.documents.get(params.text_document.uri)
    if document is None:
        return None
    if not _wants_quick_fixes(params.context.only):
        return None
    document = ls.fresh(document)
    index = document.index
    start, end = index.offset(params.range.start), index.offset(params.range.end)
    return actions.code_actions(index, document.uri, document.findings, lambda finding: to_lsp(finding, index), start, end) or None


def _wants_quick_fixes(only: Sequence[Any] | None) -> bool:
    """Whether a request limited to ``only`` kinds takes quick fixes ("quickfix" or a parent kind)."""
    if not only:
        return True
    quick = types.CodeActionKind.QuickFix.value
    kinds = [getattr(kind, "value", kind) for kind in only]
    return any(kind in ("", quick) or quick.startswith(f"{kind}.") for kind in kinds)


def main() -> None:
    """Run the language server on stdin and stdout until the client says exit."""
    gc.freeze()  # what the imports made lives as long as the server: no collection need scan it again
    serve_stdio(server)
