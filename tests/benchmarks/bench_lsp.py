"""How soon after an edit does the language server publish diagnostics?

A benchmark script, not a test: run it by hand. pytest does not collect it.

    python tests/benchmarks/bench_lsp.py                  # 2,000-line document, 200 edits per run
    python tests/benchmarks/bench_lsp.py --iterations 50  # quicker
    python tests/benchmarks/bench_lsp.py --json /tmp/bench-lsp.json

It starts ``python -m voxxml.lsp`` as a subprocess and talks LSP to it over stdio
with a minimal client (Content-Length framing, a reader thread), so the figures
include JSON-RPC encoding and decoding on both sides and the pipe. The document is
a realistic IVR from the benchmark corpus generator (tests/benchmarks/corpus.py),
at least 2,000 lines long.

Each iteration sends one ``textDocument/didChange`` and measures the time until
the ``textDocument/publishDiagnostics`` for that version arrives. The edits are
what typing does: incremental changes that alternately break an attribute name
(``numDigits`` -> ``numDigitsX``: a VX005 appears) and repair it. Runs:

* the server's defaults (no initialization options), as an editor gets it: a document
  that lints quickly is linted at once on every change, so the time is the lint itself
  plus the round trip. The bar (issue 14): the median within 20 ms.
* debounce 0 (initializationOptions ``{"debounceMs": 0}``): every change is linted
  at once, whatever it costs. The bar: p95 within 50 ms.
* debounce 0 with full-document sync (the whole text in every change), for clients
  that do not send incremental changes.
* a fixed debounce of 200 ms (``{"debounceMs": 200}``, the default before issue 14): the
  time is the debounce plus the lint; shown with the debounce subtracted too.
* for information: the in-process lint of the same text (``voxxml.lsp.analysis.lint_text``),
  and hover and completion requests near the end of the document.

``--lint-parts`` times the parts of the in-process lint (the steps of ``pipeline.check``, run one
by one here, so this mirrors that function and must follow it), for the valid and the broken text.

``--breakdown`` runs the defaults once more with the server stamping ``time.perf_counter`` (the
same clock in both processes on Linux) where a change's body has been read, where the lint
starts and ends, and around the write of its diagnostics, and prints where the time goes:
the pipe and the read, the handling before the lint (pygls, applying the change), the lint,
building and writing the diagnostics, and the pipe back to the client.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

from corpus import generate_ivr  # noqa: E402
from speed import describe  # noqa: E402

BAR_MS = 50.0  # p95, debounce 0
MEDIAN_BAR_MS = 20.0  # median, the server's defaults (issue 14)
DEFAULT_DEBOUNCE_MS = 200  # the fixed debounce measured for information


def document(lines: int, seed: int = 20240611) -> str:
    """A valid IVR of at least ``lines`` lines, with a Gather numDigits to edit."""
    verbs = lines // 2
    while True:
        text = generate_ivr(random.Random(f"voxxml-lsp-bench:{seed}"), verbs)
        if text.count("\n") >= lines and "numDigits=" in text:
            return text
        verbs = int(verbs * 1.1) + 1


# The server with stamps (--breakdown): the functions between a change's arrival and its publish,
# wrapped; the stamps are written as JSON at exit to the file VOXXML_BENCH_STAMPS names.
STAMPED_SERVER = r"""
import atexit, json, os, time
import voxxml.lsp.server as server
from voxxml.lsp import transport
stamps = []
read = transport.PipeInput.readexactly
async def readexactly(self, n):
    body = await read(self, n)
    stamps.append(("read", time.perf_counter()))
    return body
transport.PipeInput.readexactly = readexactly
lint_text, send_json = server.lint_text, server.send_json
def stamped_lint(*args, **kwargs):
    stamps.append(("lint", time.perf_counter()))
    try:
        return lint_text(*args, **kwargs)
    finally:
        stamps.append(("linted", time.perf_counter()))
def stamped_send(protocol, message):
    stamps.append(("send", time.perf_counter()))
    send_json(protocol, message)
server.lint_text, server.send_json = stamped_lint, stamped_send
atexit.register(lambda: open(os.environ["VOXXML_BENCH_STAMPS"], "w").write(json.dumps(stamps)))
server.main()
"""


class Client:
    """A minimal LSP client over a subprocess's stdio."""

    def __init__(self, env: dict[str, str] | None = None, command: list[str] | None = None) -> None:
        self.process = subprocess.Popen(
            command or [sys.executable, "-m", "voxxml.lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env if env is not None else {k: v for k, v in os.environ.items() if k != "VOXXML_LSP_DEBOUNCE_MS"},
        )
        self.messages: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            assert length is not None
            body = stream.read(length)
            self.messages.put((time.perf_counter(), json.loads(body)))

    def send(self, message: dict[str, Any]) -> float:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        stream = self.process.stdin
        assert stream is not None
        sent = time.perf_counter()
        stream.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stream.flush()
        return sent

    def notify(self, method: str, params: Any) -> float:
        return self.send({"method": method, "params": params})

    def request(self, method: str, params: Any) -> tuple[float, Any]:
        self.next_id += 1
        sent = self.send({"id": self.next_id, "method": method, "params": params})
        arrived, message = self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)
        return arrived - sent, message.get("result")

    def wait(self, wanted, timeout: float = 30.0) -> tuple[float, dict[str, Any]]:
        deadline = time.perf_counter() + timeout
        while True:
            arrived, message = self.messages.get(timeout=max(0.0, deadline - time.perf_counter()))
            if "method" in message and "id" in message:  # a request from the server: answer it
                self.send({"id": message["id"], "result": None})
                continue
            if wanted(message):
                return arrived, message

    def diagnostics(self, uri: str, version: int) -> tuple[float, dict[str, Any]]:
        return self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"].get("version") == version
            )
        )

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.process.wait(timeout=5)
        except (OSError, queue.Empty, subprocess.TimeoutExpired):
            self.process.kill()


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def stats(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "median_ms": statistics.median(values),
        "p95_ms": percentile(values, 0.95),
        "min_ms": min(values),
        "max_ms": max(values),
    }


def position(text: str, offset: int) -> dict[str, int]:
    """The LSP position (UTF-16) of a character offset."""
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return {"line": line, "character": len(text[start:offset].encode("utf-16-le")) // 2}


def run(
    text: str, iterations: int, debounce_ms: int | None, full: bool, warmup: int = 10, client: Client | None = None
) -> tuple[list[float], int, float | None]:
    """Milliseconds from each didChange to its diagnostics; the diagnostics count seen when broken;
    and the server's CPU milliseconds per change (the wall-clock figures include waiting for a CPU)."""
    client = client or Client()
    client.sent = []  # type: ignore[attr-defined]
    options = {} if debounce_ms is None else {"debounceMs": debounce_ms}
    client.request(
        "initialize", {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": options}
    )
    client.notify("initialized", {})
    uri = (Path.cwd() / "bench-lsp.voxxml").as_uri()
    client.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "voxxml", "version": 1, "text": text}}
    )
    client.diagnostics(uri, 1)
    anchor = text.index("numDigits=") + len("numDigits")
    at = position(text, anchor)
    broken = text[:anchor] + "X" + text[anchor:]
    timings: list[float] = []
    found = 0
    version = 1
    cpu_before = None
    for step in range(warmup + iterations):
        if step == warmup:
            cpu_before = cpu_seconds(client.process.pid)
        version += 1
        breaking = step % 2 == 0
        if full:
            change = {"text": broken if breaking else text}
        elif breaking:
            change = {"range": {"start": at, "end": at}, "text": "X"}
        else:
            change = {"range": {"start": at, "end": {"line": at["line"], "character": at["character"] + 1}}, "text": ""}
        sent = client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        arrived, message = client.diagnostics(uri, version)
        if step >= warmup:
            timings.append((arrived - sent) * 1000)
            client.sent.append((sent, arrived))  # type: ignore[attr-defined]
        if breaking:
            found = len(message["params"]["diagnostics"])
    cpu_after = cpu_seconds(client.process.pid)
    cpu = None if cpu_before is None or cpu_after is None else (cpu_after - cpu_before) * 1000 / iterations
    client.close()
    return timings, found, cpu


def breakdown(text: str, iterations: int) -> dict[str, dict[str, float]]:
    """Where a change's time goes (the server's defaults, incremental edits), from the stamped server."""
    stamps_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"voxxml-bench-stamps-{os.getpid()}.json"
    env = {k: v for k, v in os.environ.items() if k != "VOXXML_LSP_DEBOUNCE_MS"}
    env["VOXXML_BENCH_STAMPS"] = str(stamps_file)
    client = Client(env, [sys.executable, "-c", STAMPED_SERVER])
    run(text, iterations, None, False, client=client)
    stamps = json.loads(stamps_file.read_text())
    stamps_file.unlink()
    phases: dict[str, list[float]] = {
        "client write -> server has read the body": [],
        "read -> lint starts (pygls, the change applied)": [],
        "the lint (lint_text)": [],
        "lint end -> diagnostics made, write starts": [],
        "write starts -> client has read them": [],
    }
    # each change: the last body read before its lint, that lint, and the publish that follows
    order = [name for name, _ in stamps]
    lints = [i for i, name in enumerate(order) if name == "lint"][-iterations:]
    for (sent, arrived), at in zip(client.sent, lints):  # type: ignore[attr-defined]
        read = max(i for i in range(at) if order[i] == "read")
        linted = order.index("linted", at)
        write = order.index("send", linted)
        times = [sent, stamps[read][1], stamps[at][1], stamps[linted][1], stamps[write][1], arrived]
        for (name, values), start, end in zip(phases.items(), times, times[1:]):
            values.append((end - start) * 1000)
    return {name: stats(values) for name, values in phases.items()}


def lint_parts(text: str, iterations: int) -> dict[str, dict[str, dict[str, float]]]:
    """The lint's parts, in process: ``pipeline.check``'s steps one by one, then finalize and the
    freeing, for the valid text and the text with the benchmark's broken attribute (best and median)."""
    import gc

    from voxxml.checks import CHECKS, CheckContext
    from voxxml.config import Settings
    from voxxml.core import xmlparse
    from voxxml.core.source import SourceMap
    from voxxml.lsp.analysis import dialect_for, prepare
    from voxxml.pipeline import finalize

    anchor = text.index("numDigits=") + len("numDigits")
    texts = {"valid": text, "broken": text[:anchor] + "X" + text[anchor:]}
    path, settings = "bench.voxxml", Settings()
    dialect = dialect_for(path)
    times: dict[str, dict[str, list[float]]] = {kind: {} for kind in texts}
    for step in range(2 * iterations + 10):
        kind = "broken" if step % 2 else "valid"
        parts = times[kind]
        marks = [time.perf_counter()]

        def mark(name: str) -> None:
            marks.append(time.perf_counter())
            if step >= 10:
                parts.setdefault(name, []).append((marks[-1] - marks[-2]) * 1000)

        gc.disable()
        data = prepare(texts[kind]).text.encode("utf-8", "surrogatepass")
        mark("editor text to bytes (lsp/analysis.py)")
        decoded, _ = xmlparse.decode(data)
        source = SourceMap(decoded)
        xmlparse.refused_declaration(decoded)
        mark("decode, DTD check")
        parsed = xmlparse.parse(data, source)
        mark("lxml parse")
        found: list = []
        reader = dialect.new_reader(source, found, check_content=parsed.well_formed)
        document = reader.read(parsed.root)
        mark("reader: AST and VX0xx (incl. spans)")
        if getattr(source, "_tags", None) is not None:  # a span was asked for: what tokenizing and line starts cost alone
            fresh = SourceMap(decoded)
            fresh.tags, fresh.line_starts
            mark("  of which: tokenize + line starts (again, alone)")
        context = CheckContext(document, settings.context, reader.by_tag)
        context.analysis
        mark("flow analysis")
        for module in CHECKS:
            found.extend(module.check(context))
        mark("VX1xx checks")
        finalize(found, source, settings, path)
        mark("finalize")
        del context, reader, parsed, document, source
        mark("freeing the tree and the AST")
        gc.enable()
    return {kind: {name: stats(values) for name, values in parts.items()} for kind, parts in times.items()}


def requests(text: str, iterations: int) -> dict[str, dict[str, float]]:
    """Hover and completion latency near the end of the document (the context scan reads all before it)."""
    client = Client()
    client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": {}})
    client.notify("initialized", {})
    uri = (Path.cwd() / "bench-lsp-requests.voxxml").as_uri()
    tail = text.rindex("<Say")
    edited = text[:tail] + "<" + text[tail:]  # a '<' typed before the last Say: complete an element name
    client.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "voxxml", "version": 1, "text": edited}}
    )
    client.diagnostics(uri, 1)
    hover_at = position(edited, tail + 3)  # on the name of the last Say
    complete_at = position(edited, tail + 1)
    hovers, completions = [], []
    for _ in range(iterations):
        elapsed, result = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": hover_at})
        assert result is not None
        hovers.append(elapsed * 1000)
        elapsed, result = client.request(
            "textDocument/completion", {"textDocument": {"uri": uri}, "position": complete_at}
        )
        assert result and result["items"]
        completions.append(elapsed * 1000)
    client.close()
    return {"hover": stats(hovers), "completion": stats(completions)}


def in_process(text: str, iterations: int) -> list[float]:
    from voxxml.config import Settings
    from voxxml.lsp.analysis import lint_text
    from voxxml.lsp.positions import LineIndex

    timings = []
    for step in range(iterations + 5):
        edited = text if step % 2 else text.replace("numDigits=", "numDigitsX=", 1)
        index = LineIndex(edited)
        start = time.perf_counter()
        lint_text(edited, "bench.voxxml", Settings(), index)
        if step >= 5:
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--breakdown", action="store_true", help="also show where a change's time goes (a stamped server)")
    parser.add_argument("--lint-parts", action="store_true", help="also time the parts of the in-process lint")
    args = parser.parse_args()

    text = document(args.lines)
    print(f"document: {text.count(chr(10))} lines, {len(text):,} characters; {args.iterations} edits per run")
    if hasattr(os, "getloadavg"):
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"machine speed before the runs: {describe()}")
    results: dict[str, Any] = {"lines": text.count("\n"), "characters": len(text), "iterations": args.iterations}

    results["lint_in_process"] = stats(in_process(text, args.iterations))
    runs = [
        ("defaults_incremental", None, False),
        ("debounce_0_incremental", 0, False),
        ("debounce_0_full_sync", 0, True),
        (f"debounce_{DEFAULT_DEBOUNCE_MS}_incremental", DEFAULT_DEBOUNCE_MS, False),
    ]
    for name, debounce, full in runs:
        iterations = args.iterations if debounce != DEFAULT_DEBOUNCE_MS else max(20, args.iterations // 4)
        timings, found, cpu = run(text, iterations, debounce, full)
        results[name] = stats(timings)
        results[name]["server_cpu_ms_per_change"] = cpu
        if debounce == DEFAULT_DEBOUNCE_MS:
            results[name + "_minus_debounce"] = stats([t - DEFAULT_DEBOUNCE_MS for t in timings])
        if found != 1:
            print(f"FAIL: {name}: the broken attribute gave {found} diagnostics, expected 1")
            return 1
    results["requests"] = requests(text, max(20, args.iterations // 4))
    if args.breakdown:
        results["breakdown"] = breakdown(text, args.iterations)
    if args.lint_parts:
        results["lint_parts"] = lint_parts(text, args.iterations)

    def line(label: str, figures: dict[str, float]) -> None:
        cpu = figures.get("server_cpu_ms_per_change")
        print(
            f"  {label:<48} median {figures['median_ms']:7.2f} ms   p95 {figures['p95_ms']:7.2f} ms"
            f"   min {figures['min_ms']:7.2f}   max {figures['max_ms']:7.2f}   (n={figures['n']})"
            + (f"   server CPU {cpu:.1f} ms/change" if cpu is not None else "")
        )

    print("change -> publishDiagnostics, over stdio:")
    for name, _, _ in runs:
        line(name, results[name])
    line(
        f"debounce_{DEFAULT_DEBOUNCE_MS} minus the debounce",
        results[f"debounce_{DEFAULT_DEBOUNCE_MS}_incremental_minus_debounce"],
    )
    print("for information:")
    line("lint_text in process (no LSP)", results["lint_in_process"])
    line("hover near the end (request -> response)", results["requests"]["hover"])
    line("completion near the end", results["requests"]["completion"])
    if args.breakdown:
        print("where a change's time goes (the defaults, a stamped server; phases add up to the total):")
        for name, figures in results["breakdown"].items():
            line(name, figures)
    if args.lint_parts:
        for kind, parts in results["lint_parts"].items():
            print(f"the lint's parts, in process, {kind} text:")
            for name, figures in parts.items():
                line(name, figures)

    print(f"machine speed after the runs: {describe()}")
    median = results["defaults_incremental"]["median_ms"]
    median_verdict = "PASS" if median <= MEDIAN_BAR_MS else "FAIL"
    print(
        f"{median_verdict}: diagnostics within {MEDIAN_BAR_MS:.0f} ms (median) of a change on a {results['lines']:,}-line document, "
        f"didChange to publishDiagnostics, the server's defaults (median {median:.1f} ms)"
    )
    bar = results["debounce_0_incremental"]["p95_ms"]
    verdict = "PASS" if bar <= BAR_MS else "FAIL"
    print(f"{verdict}: diagnostics within {BAR_MS:.0f} ms of a change (debounce 0, incremental, p95 {bar:.1f} ms)")
    results["bars"] = {"median_defaults_ms": [median, MEDIAN_BAR_MS, median_verdict], "p95_debounce_0_ms": [bar, BAR_MS, verdict]}
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if verdict == median_verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
