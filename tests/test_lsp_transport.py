"""The server's stdio: read by the event loop when standard input is a pipe, by pygls's threaded reader
otherwise, with the same limits and the same answers; diagnostics written as JSON the client reads back
unchanged (orjson when installed, the standard library for what orjson refuses)."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from voxxml.lsp import transport  # noqa: E402
from voxxml.lsp.transport import MAX_FRAME, MAX_HEADER_LINE, BoundedInput, PipeInput  # noqa: E402


def frames(*messages: dict) -> bytes:
    out = b""
    for message in messages:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        out += b"Content-Length: %d\r\n\r\n" % len(body) + body
    return out


def parse(output: bytes) -> list[dict]:
    messages = []
    while output:
        head, _, rest = output.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
        messages.append(json.loads(rest[:length]))
        output = rest[length:]
    return messages


SESSION = (
    {"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}},
    {"method": "initialized", "params": {}},
    {"method": "textDocument/didOpen", "params": {"textDocument": {"uri": "file:///s.voxxml", "languageId": "voxxml", "version": 1, "text": "<Response><Say voice='Jonna'>😀</Say></Response>"}}},
    {"id": 2, "method": "shutdown"},
    {"method": "exit"},
)


def _diagnostics(messages: list[dict]) -> list[dict]:
    [published] = [m for m in messages if m.get("method") == "textDocument/publishDiagnostics"]
    return published["params"]["diagnostics"]


def test_a_session_from_a_file_is_served_by_the_threaded_reader(tmp_path: Path) -> None:
    """Standard input that is not a pipe (here a file) keeps pygls's reader: the same answers."""
    script = tmp_path / "session.lsp"
    script.write_bytes(frames(*SESSION))
    with script.open("rb") as stdin:
        run = subprocess.run([sys.executable, "-m", "voxxml.lsp"], stdin=stdin, capture_output=True, timeout=60)
    assert run.returncode == 0, run.stderr.decode()
    piped = subprocess.run([sys.executable, "-m", "voxxml.lsp"], input=frames(*SESSION), capture_output=True, timeout=60)
    assert piped.returncode == 0, piped.stderr.decode()
    from_file, from_pipe = parse(run.stdout), parse(piped.stdout)
    assert [d["code"] for d in _diagnostics(from_file)] == ["VX010"]
    assert _diagnostics(from_file) == _diagnostics(from_pipe)
    assert [m.get("id") for m in from_file] == [m.get("id") for m in from_pipe]


def _pipe_input(data: bytes, eof: bool = True) -> PipeInput:
    reader = asyncio.StreamReader(limit=MAX_HEADER_LINE)
    reader.feed_data(data)
    if eof:
        reader.feed_eof()
    return PipeInput(reader)


def _file_input(data: bytes) -> BoundedInput:
    return BoundedInput(io.BufferedReader(io.BytesIO(data)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "data",
    [
        b"Content-Length: 5\r\n\r\n{}",  # shorter than announced: the rest at the end of the input
        b"x" * (3 * MAX_HEADER_LINE + 17) + b"\r\nContent-Length: 2\r\n\r\n{}",  # a header line far too long
        b"x" * MAX_HEADER_LINE + b"\n",
        b"no newline at the end",
        b"",
    ],
    ids=["short-body", "long-line", "line-at-the-limit", "no-newline", "empty"],
)
def test_the_pipe_reader_reads_what_a_bounded_file_read_gives(data: bytes) -> None:
    """Line by line, then the rest: what pygls's loop sees is the same from either reader."""

    async def pieces_from_pipe() -> list[bytes]:
        source, out = _pipe_input(data), []
        while line := await source.readline():
            out.append(line)
        return out

    file, from_file = _file_input(data), []
    while line := file.readline():
        from_file.append(line)
    from_pipe = asyncio.run(pieces_from_pipe())
    assert b"".join(from_pipe) == b"".join(from_file) == data
    assert all(len(piece) <= MAX_HEADER_LINE + 1 for piece in from_pipe)
    assert not any(b"Content-Length: 2" in p and len(p) > 64 for p in from_pipe)  # the header after a long line is a line of its own


def test_the_pipe_reader_reads_bodies_and_refuses_huge_frames() -> None:
    async def scenario() -> tuple[bytes, bytes, bytes, bytes]:
        source = _pipe_input(b"0123456789", eof=True)
        whole = await source.readexactly(4)
        refused = await source.readexactly(MAX_FRAME + 1)
        partial = await source.readexactly(100)  # the end of the input: what is left
        after = await source.readexactly(1)
        return whole, refused, partial, after

    assert asyncio.run(scenario()) == (b"0123", b"", b"456789", b"")
    assert _file_input(b"abc").read(MAX_FRAME + 1) == b""


def test_dumps_gives_the_json_of_the_message_with_or_without_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    message = {"params": {"diagnostics": [{"message": "é 😀 \"quoted\"\n", "code": "VX001", "data": {"help": None}}], "version": 3}}
    fast = transport.dumps(message)
    monkeypatch.setattr(transport, "_orjson_dumps", None)
    plain = transport.dumps(message)
    assert json.loads(fast) == json.loads(plain) == message
    lone = {"message": "\ud800"}  # orjson refuses a lone surrogate; the standard library escapes it
    monkeypatch.undo()
    assert json.loads(transport.dumps(lone)) == lone


def test_frame_counts_bytes_not_characters() -> None:
    body = transport.dumps({"message": "😀é"})
    framed = transport.frame(body, "application/vscode-jsonrpc", "utf-8")
    assert framed.startswith(b"Content-Length: %d\r\n" % len(body)) and framed.endswith(body)
    assert parse(framed) == [{"message": "😀é"}]
