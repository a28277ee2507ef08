"""When the language server lints after a change (issue 14): at once by default while a document
lints quickly; a slow document being typed into waits for the rest of its last lint's time; a
fixed debounce (the option or the environment variable) wins. The end-to-end test drives the real
server with its defaults over stdio."""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time

import pytest

pytest.importorskip("pygls")

from voxxml.lsp import server as lsp_server  # noqa: E402
from voxxml.lsp.positions import LineIndex  # noqa: E402

from test_lsp import RawServer, _published  # noqa: E402

BROKEN = "<Response>\n  <Gather numdigits='4' timeout='90'><Say>PIN</Say></Gather>\n</Response>\n"


def document(lint_ms: float, idle_ms: float) -> lsp_server.Document:
    doc = lsp_server.Document("file:///x.voxxml", 1, LineIndex(BROKEN), None)
    doc.lint_seconds = lint_ms / 1000
    doc.linted_at = time.perf_counter() - idle_ms / 1000
    return doc


@pytest.fixture
def ls(monkeypatch: pytest.MonkeyPatch) -> lsp_server.VoxxmlLanguageServer:
    monkeypatch.delenv(lsp_server.ENVIRONMENT_DEBOUNCE, raising=False)
    return lsp_server.VoxxmlLanguageServer()


def test_a_quick_document_is_linted_at_once(ls: lsp_server.VoxxmlLanguageServer) -> None:
    assert ls.debounce is None
    assert ls.wait(document(lint_ms=12, idle_ms=0)) == 0
    assert ls.wait(document(lint_ms=lsp_server.QUICK_LINT_MS, idle_ms=0)) == 0


def test_a_slow_document_waits_the_rest_of_its_lint_time_at_most_the_default(ls: lsp_server.VoxxmlLanguageServer) -> None:
    assert 0.07 <= ls.wait(document(lint_ms=120, idle_ms=40)) <= 0.08
    assert 0.19 <= ls.wait(document(lint_ms=900, idle_ms=1)) <= lsp_server.DEFAULT_DEBOUNCE_MS / 1000
    assert ls.wait(document(lint_ms=120, idle_ms=500)) == 0  # after a pause in typing: at once


def test_a_fixed_debounce_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lsp_server.ENVIRONMENT_DEBOUNCE, "75")
    assert lsp_server.VoxxmlLanguageServer().wait(document(lint_ms=1, idle_ms=0)) == 0.075
    monkeypatch.setenv(lsp_server.ENVIRONMENT_DEBOUNCE, "soon")  # not a number: the defaults
    assert lsp_server.VoxxmlLanguageServer().debounce is None


class DefaultServer(RawServer):
    """`voxxml server` with its defaults (RawServer fixes a debounce of 0)."""

    def __init__(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != lsp_server.ENVIRONMENT_DEBOUNCE}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "voxxml", "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        self.buffer = b""
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)  # type: ignore[arg-type]


def change(raw: RawServer, uri: str, version: int, line: int, start: int, end: int, text: str) -> None:
    raw.send(
        {
            "method": "textDocument/didChange",
            "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}, "text": text}],
            },
        }
    )


def test_with_the_defaults_every_change_is_published_at_once(tmp_path) -> None:
    server = DefaultServer()
    try:
        server.initialize()
        uri = (tmp_path / "latency.voxxml").as_uri()
        server.send({"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "voxxml", "version": 1, "text": BROKEN}}})
        first, _ = server.until(_published(uri))
        assert first is not None and "VX005" in [d["code"] for d in first["params"]["diagnostics"]]
        change(server, uri, 2, 1, 10, 19, "numDigits")  # back to back: a debounce would skip version 2
        change(server, uri, 3, 1, 33, 35, "30")
        versions = []
        while 3 not in versions:
            message, _ = server.until(_published(uri))
            assert message is not None, f"published so far: {versions}"
            versions.append(message["params"]["version"])
            assert "VX005" not in [d["code"] for d in message["params"]["diagnostics"]]  # each of the edited text
        assert versions == [2, 3]
    finally:
        server.close()
