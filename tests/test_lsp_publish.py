"""How the server publishes a lint (issue 14): the cyclic collector paused from the lint to the
publish and running again afterwards, whatever happens; the lint's AST freed after the publish, not
before; one message per publish, the JSON of the findings."""

from __future__ import annotations

import gc
import json
from typing import Iterator

import pytest

pytest.importorskip("pygls")

from voxxml.lsp import server as lsp_server  # noqa: E402
from voxxml.lsp.analysis import to_json  # noqa: E402
from voxxml.lsp.positions import LineIndex  # noqa: E402

BROKEN = "<Response>\n  <Gather numdigits='4'><Say>😀 PIN</Say></Gather>\n</Response>\n"


class Recorder:
    """A writer that keeps what the server writes, and what was true when it wrote it."""

    def __init__(self, probe=lambda: None) -> None:
        self.frames: list[bytes] = []
        self.seen: list[object] = []
        self.probe = probe

    def write(self, data: bytes) -> None:
        self.seen.append(self.probe())
        self.frames.append(data)

    def close(self) -> None:
        pass

    def messages(self) -> list[dict]:
        return [json.loads(frame.partition(b"\r\n\r\n")[2]) for frame in self.frames]


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    """These tests start with the cyclic collector on, as a server process has it: tests before them may
    have run the CLI in this process, whose click group turns it off for the rest of a short process."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.fixture
def ls(monkeypatch: pytest.MonkeyPatch) -> lsp_server.VoxxmlLanguageServer:
    monkeypatch.delenv(lsp_server.ENVIRONMENT_DEBOUNCE, raising=False)
    return lsp_server.VoxxmlLanguageServer()


def document() -> lsp_server.Document:
    return lsp_server.Document("file:///x.voxxml", 7, LineIndex(BROKEN), None)


def test_the_collector_waits_for_the_publish_and_the_ast_outlives_it(ls, monkeypatch: pytest.MonkeyPatch) -> None:
    kept_lists: list[list[object]] = []
    lint_text = lsp_server.lint_text

    def spying_lint(*args, **kwargs):
        findings = lint_text(*args, **kwargs)
        kept_lists.append(args[5])  # the server's ``keep``: the pipeline's result
        return findings

    monkeypatch.setattr(lsp_server, "lint_text", spying_lint)
    writer = Recorder(lambda: (gc.isenabled(), len(kept_lists[-1])))
    ls.protocol.set_writer(writer)
    assert gc.isenabled()
    doc = document()
    ls.lint(doc)
    assert writer.seen == [(False, 1)]  # published with the collector paused and the result alive
    assert gc.isenabled() and kept_lists[-1] == []  # then both undone
    [message] = writer.messages()
    assert message["method"] == "textDocument/publishDiagnostics"
    assert message["params"] == {"uri": doc.uri, "diagnostics": [to_json(f, doc.index) for f in doc.findings], "version": 7}
    assert [d["code"] for d in message["params"]["diagnostics"]] == ["VX005"]
    assert message["params"]["diagnostics"][0]["range"] == {"start": {"line": 1, "character": 10}, "end": {"line": 1, "character": 19}}


def test_the_collector_runs_again_after_a_failed_lint_or_write(ls, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_lint(*args, **kwargs):
        raise RuntimeError("a bug in a rule")

    ls.protocol.set_writer(Recorder())
    monkeypatch.setattr(lsp_server, "lint_text", failing_lint)
    ls.lint(document())  # logged, nothing published
    assert gc.isenabled()
    monkeypatch.undo()

    class BrokenPipe(Recorder):
        def write(self, data: bytes) -> None:
            raise BrokenPipeError

    ls.protocol.set_writer(BrokenPipe())
    with pytest.raises(BrokenPipeError):
        ls.lint(document())
    assert gc.isenabled()


def test_a_paused_collector_stays_paused(ls) -> None:
    """A caller that paused the collector itself gets it back paused."""
    ls.protocol.set_writer(Recorder())
    gc.disable()
    try:
        ls.lint(document())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_close_publishes_no_diagnostics_without_a_version(ls) -> None:
    writer = Recorder()
    ls.protocol.set_writer(writer)
    ls.publish("file:///closed.voxxml", [])
    assert writer.messages() == [{"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": {"uri": "file:///closed.voxxml", "diagnostics": []}}]
