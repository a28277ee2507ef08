"""How the server reads and writes LSP frames on stdio.

pygls reads standard input on a worker thread, one ``run_in_executor`` per header line and
per body: three hand-offs between threads for every message, each a wake-up of the thread
pool and then of the event loop. On a loaded machine each wake-up waits for a CPU (the
p95 of a change's arrival was about 5 ms). When standard input is a pipe, as it is under
every editor, the event loop reads it itself here (``loop.connect_read_pipe``): a message
costs one wake-up, and the messages are framed by pygls's own loop (``run_async``), so a
malformed frame is treated as pygls treats it. Anything else (a terminal, a file, a
socket shared with standard output, another platform) keeps pygls's threaded reader.

Both readers keep the same limits: a header line is read at most MAX_HEADER_LINE bytes at
a time (a longer one is garbage, skipped in pieces), and a frame that announces more than
MAX_FRAME bytes ends the session cleanly (pygls would allocate it all at once).

Diagnostics are written by ``send_json``: a message that is already JSON-ready (plain dicts),
encoded with orjson when it is installed. pygls's ``notify`` would first build an attrs object
and unstructure it with cattrs, which for a document with hundreds of findings cost more than
linting it.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import stat
import sys
import threading
from typing import Any, BinaryIO

from pygls.exceptions import JsonRpcInternalError
from pygls.io_ import StdinAsyncReader, StdoutWriter, run_async

logger = logging.getLogger("voxxml.lsp")

MAX_FRAME = 256 * 1024 * 1024  # bytes: far more than any document an editor sends
MAX_HEADER_LINE = 64 * 1024

try:  # the optional "fast" extra
    from orjson import dumps as _orjson_dumps
except ImportError:  # pragma: no cover - depends on the environment
    _orjson_dumps = None


def dumps(message: Any) -> bytes:
    """``message`` (plain JSON values) as UTF-8 JSON. orjson when installed; the standard library
    for what orjson refuses (a lone surrogate in a message, an integer beyond 64 bits)."""
    if _orjson_dumps is not None:
        try:
            return _orjson_dumps(message)
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            pass
    return json.dumps(message, separators=(",", ":")).encode("ascii")


def frame(body: bytes, content_type: str, charset: str) -> bytes:
    """One LSP message: the headers pygls writes, then the body. Content-Length counts bytes."""
    return b"Content-Length: %d\r\nContent-Type: %s; charset=%s\r\n\r\n" % (len(body), content_type.encode(), charset.encode()) + body


class BoundedInput:
    """Standard input for pygls's threaded reader, with the limits above."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def readline(self) -> bytes:
        return self.stream.readline(MAX_HEADER_LINE)

    def read(self, n: int) -> bytes:
        if n > MAX_FRAME:
            logger.error("a frame of %d bytes is more than the %d accepted; ending the session", n, MAX_FRAME)
            return b""  # pygls's loop ends on an empty body
        return self.stream.read(n)


class PipeInput:
    """Standard input read by the event loop (a pipe), with the limits above and the results
    of a file's ``readline`` and ``read`` (what pygls's loop expects): a partial line or body at
    the end of the input, b"" after it."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self.reader = reader

    async def readline(self) -> bytes:
        try:
            return await self.reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as end:
            return end.partial
        except asyncio.LimitOverrunError:  # longer than any header: taken in pieces, as BoundedInput does
            return await self.reader.readexactly(MAX_HEADER_LINE)

    async def readexactly(self, n: int) -> bytes:
        if n > MAX_FRAME:
            logger.error("a frame of %d bytes is more than the %d accepted; ending the session", n, MAX_FRAME)
            return b""
        try:
            return await self.reader.readexactly(n)
        except asyncio.IncompleteReadError as end:
            return end.partial


def _own_pipe(stdin: BinaryIO, stdout: BinaryIO) -> bool:
    """Whether standard input is a pipe of its own, which the event loop may set non-blocking: not a
    terminal, file or socket, and not the same open file as standard output."""
    if os.name != "posix":
        return False
    try:
        given, taken = os.fstat(stdin.fileno()), os.fstat(stdout.fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return stat.S_ISFIFO(given.st_mode) and (given.st_dev, given.st_ino) != (taken.st_dev, taken.st_ino)


async def _pipe_input(stdin: BinaryIO) -> PipeInput | None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_HEADER_LINE, loop=loop)
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader, loop=loop), stdin)
    except (OSError, ValueError, NotImplementedError):
        return None
    return PipeInput(reader)


def serve_stdio(server: Any, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
    """Serve LSP on standard input and output until the client says exit: pygls's ``start_io``,
    with standard input read by the event loop when it is a pipe (see the module's docstring)."""
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    server._stop_event = stop = threading.Event()  # what pygls's shutdown() sets and run_async watches
    server.protocol.set_writer(StdoutWriter(stdout))

    async def serve() -> None:
        reader: Any = await _pipe_input(stdin) if _own_pipe(stdin, stdout) else None
        if reader is None:
            reader = StdinAsyncReader(BoundedInput(stdin), server.thread_pool)  # type: ignore[arg-type]
        await run_async(stop_event=stop, reader=reader, protocol=server.protocol, logger=logger, error_handler=server.report_server_error)

    try:
        asyncio.run(serve())
    except BrokenPipeError:
        logger.error("Connection to the client is lost! Shutting down the server.")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()


def send_json(protocol: Any, message: dict[str, Any]) -> None:
    """Write a JSON-ready message (``jsonrpc`` is added) as pygls's ``_send_data`` would, without its converter."""
    writer = protocol.writer
    if writer is None:
        logger.error("Unable to send data, no available transport!")
        return
    body = dumps({"jsonrpc": "2.0", **message})
    try:
        if getattr(protocol, "_include_headers", True):
            written = writer.write(frame(body, protocol.CONTENT_TYPE, protocol.CHARSET))
        else:
            written = writer.write(body)
        if inspect.isawaitable(written):
            asyncio.ensure_future(written)
    except BrokenPipeError:
        logger.exception("Error sending data. BrokenPipeError", exc_info=True)
        raise
    except Exception as error:
        logger.exception("Error sending data", exc_info=True)
        protocol._server._report_server_error(error, JsonRpcInternalError)
