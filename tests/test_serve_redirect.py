"""voxxml serve follows a Redirect at run time, over real HTTP on loopback: a document server (a
thread) serves VoxXML documents, the mock EnableX platform carries the call, a runner subprocess
fetches, compiles and switches the call's plan (docs/serve.md, "Following redirects").

- A call whose document Redirects to a second one: its trace is ``voxxml simulate`` of the first
  up to its redirect, then ``voxxml simulate`` of the second (fed the caller's remaining input).
- A fetch that 404s, or a document with errors: the Redirect's fetch-failed path, as ``simulate``
  with ``redirect_fails``.
- A document that redirects to itself: followed ``--max-redirects`` times, then the failed path.
- kill -9 after the switch, in the fetched plan's first request: the restarted runner (which was
  never given the second document, and whose document server is gone) finishes the call on it.
- The fetch rules (schemes, relative URLs, private addresses, size, HTTP redirects) in-process.
"""

from __future__ import annotations

import dataclasses
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed: pip install -e '.[test,serve]'")

import voxxml
from voxxml.runtime.caller import CallerScript, Input
from voxxml.runtime.simulator import simulate
from voxxml.runtime.trace import comparable
from voxxml.serve.engine import DIE_BEFORE_ENV
from voxxml.serve.fetch import FetchFailed, FetchPolicy, fetch_document, fetch_plan, plan_name, target_url

from enablex_server import MockPlatform, Runner

SAY = "<Say voice='Joanna' language='en-US'>{}</Say>"


class DocumentServer:
    """VoxXML documents over HTTP on loopback, in a thread; ``hits`` counts requests by path."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[int, bytes, dict[str, str]]] = {}
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = self.path.split("?")[0]
                server.hits[path] = server.hits.get(path, 0) + 1
                status, body, headers = server.documents.get(path, (404, b"not found", {}))
                self.send_response(status)
                for name, value in {"Content-Type": "application/xml", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, path: str, text: str, status: int = 200, headers: dict[str, str] | None = None) -> str:
        self.documents[path] = (status, text.encode(), headers or {})
        return self.url + path

    def __enter__(self) -> DocumentServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def document(*verbs: str) -> str:
    return "<Response>\n  " + "\n  ".join(verbs) + "\n</Response>\n"


def simulated(text: str, caller: CallerScript, fails: bool) -> list[dict[str, Any]]:
    """simulate's trace of a document (raw events: concatenated before ``comparable``)."""
    doc = voxxml.lint_bytes(text.encode(), "doc.voxxml").document
    assert doc is not None
    return simulate(doc, dataclasses.replace(caller, redirect_fails=fails)).trace


def upto_redirect(trace: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert trace and trace[-1]["event"] == "redirect", trace
    return trace


def write(tmp: Path, name: str, text: str) -> str:
    path = tmp / name
    path.write_text(text)
    return str(path)


GATHER = "<Gather input='dtmf' numDigits='1' timeout='5'>" + SAY.format("Press a key.") + "</Gather>"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One document server, one platform and one runner (--max-redirects 2) for the calls below,
    each routed to its own first document."""
    tmp = tmp_path_factory.mktemp("redirect")
    with DocumentServer() as docs, MockPlatform() as platform:
        second = docs.add("/ivr/second.voxxml", document(SAY.format("This is the second document."), GATHER, SAY.format("Second got $GATHER."), "<Hangup/>"))
        broken = docs.add("/ivr/broken.voxxml", document("<Bogus/>", "<Redirect method='PUT'>http://example.invalid/x</Redirect>"))
        firsts = {
            "first": document(GATHER, SAY.format("First got $GATHER. Transferring."), f"<Redirect>{second}</Redirect>", SAY.format("Not transferred."), "<Hangup/>"),
            "missing": document(SAY.format("Hello."), f"<Redirect>{docs.url}/ivr/missing.voxxml</Redirect>", SAY.format("Fallback."), "<Hangup/>"),
            "broken": document(SAY.format("Hello."), f"<Redirect>{broken}</Redirect>", SAY.format("Fallback."), "<Hangup/>"),
            "loop": document(SAY.format("Round."), f"<Redirect>{docs.url}/ivr/loop.voxxml</Redirect>", SAY.format("No more rounds."), "<Hangup/>"),
        }
        docs.add("/ivr/loop.voxxml", firsts["loop"])
        numbers = {name: f"1555300{index:04d}" for index, name in enumerate(firsts)}
        routes = tuple(f"{numbers[name]}={write(tmp, name + '.voxxml', text)}" for name, text in firsts.items())
        runner = Runner([], platform, f"sqlite:///{tmp}/calls.db", routes=routes, max_redirects=2, extra=("--allow-private-fetch",), log_path=tmp / "runner.log")
        with runner:
            yield {"docs": docs, "platform": platform, "runner": runner, "numbers": numbers, "firsts": firsts, "second": second, "log": tmp / "runner.log"}


def call(served: Any, name: str, caller: CallerScript) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    platform = served["platform"]
    voice_id = platform.ring(caller, to=served["numbers"][name])
    trace = platform.finished(voice_id, timeout=30)
    assert platform.errors == []
    return trace, platform.status(voice_id)


def test_a_redirect_runs_the_fetched_document_as_simulated(served: Any) -> None:
    caller = CallerScript(inputs=[Input("dtmf", "1"), Input("dtmf", "2")])
    trace, status = call(served, "first", caller)
    first = upto_redirect(simulated(served["firsts"]["first"], CallerScript(inputs=[Input("dtmf", "1")]), fails=False))
    second_text = served["docs"].documents["/ivr/second.voxxml"][1].decode()
    second = simulated(second_text, CallerScript(inputs=[Input("dtmf", "2")]), fails=False)
    assert comparable(trace) == comparable(first + second)
    assert [e["event"] for e in trace].count("redirect") == 1 and trace[-1]["event"] == "hangup"
    assert status["ended"] and status["end_reason"] == "hangup" and status["redirects"] == 1
    assert status["plan"].startswith("second@") and status["plans"] == [status["plan"]]
    log = served["log"].read_text()
    assert '"msg": "redirect followed"' in log and "Traceback" not in log


@pytest.mark.parametrize("name, reason", [("missing", "HTTP 404"), ("broken", "the document does not compile")])
def test_a_failed_fetch_takes_the_fetch_failed_path(served: Any, name: str, reason: str) -> None:
    caller = CallerScript()
    trace, status = call(served, name, caller)
    assert comparable(trace) == comparable(simulated(served["firsts"][name], caller, fails=True))
    assert status["ended"] and status["redirects"] == 0 and status["plan"].startswith(name + "@")
    assert any(reason in line and status["call_id"] in line for line in served["log"].read_text().splitlines())


def test_redirects_are_followed_up_to_the_bound(served: Any) -> None:
    caller = CallerScript()
    before = served["docs"].hits.get("/ivr/loop.voxxml", 0)
    trace, status = call(served, "loop", caller)
    text = served["firsts"]["loop"]
    once = upto_redirect(simulated(text, caller, fails=False))
    assert comparable(trace) == comparable(once * 2 + simulated(text, caller, fails=True))  # 2 followed, the third fails
    assert served["docs"].hits["/ivr/loop.voxxml"] - before == 2  # the third is refused without a fetch
    assert status["redirects"] == 2 and len(status["plans"]) == 2 and status["plans"][0] == status["plans"][1]  # one plan, kept once
    assert "--max-redirects 2" in served["log"].read_text()


def test_kill_9_after_the_switch_continues_on_the_fetched_plan(tmp_path: Path) -> None:
    """The runner dies storing the fetched plan's first play (its second play in all); restarted
    without the second document and with the document server gone, it finishes the call on it."""
    with DocumentServer() as docs, MockPlatform() as platform:
        second_text = document(SAY.format("Second document."), GATHER, SAY.format("You pressed $GATHER."), "<Hangup/>")
        second = docs.add("/k/second.voxxml", second_text)
        first_text = document(SAY.format("First document."), f"<Redirect>{second}</Redirect>", SAY.format("Not transferred."), "<Hangup/>")
        first = write(tmp_path, "first.voxxml", first_text)
        runner = Runner([first], platform, f"sqlite:///{tmp_path}/calls.db", max_redirects=2, extra=("--allow-private-fetch",), env={DIE_BEFORE_ENV: "PUT /play 2"}, log_path=tmp_path / "runner.log")
        runner.start()
        try:
            caller = CallerScript(inputs=[Input("dtmf", "7")])
            voice_id = platform.ring(caller)
            assert runner.process is not None and runner.process.wait(30) == -9, "the runner did not die at the hook"
            docs.stop()  # nothing left to fetch from: the plan must come from the store
            runner.env = {DIE_BEFORE_ENV: ""}
            runner.start()
            trace = platform.finished(voice_id, timeout=30)
            status = platform.status(voice_id)
        finally:
            runner.stop()
        assert platform.errors == []
    expected = upto_redirect(simulated(first_text, caller, fails=False)) + simulated(second_text, caller, fails=False)
    assert comparable(trace) == comparable(expected)
    assert docs.hits == {"/k/second.voxxml": 1}
    assert status["ended"] and status["plan"].startswith("second@") and status["failures"] == []
    assert "request in doubt after a restart: sent again" in (tmp_path / "runner.log").read_text()


# ---------------------------------------------------------------------- the fetch rules, in-process


def test_only_absolute_http_urls_or_ones_resolved_against_the_base_are_fetched() -> None:
    for url in ("file:///etc/passwd", "ftp://example.com/x.xml", "gopher://example.com/", "data:text/xml,<Response/>"):
        with pytest.raises(FetchFailed, match="is not fetched; the schemes are: http, https"):
            target_url(url, None)
    with pytest.raises(FetchFailed, match="relative and the runner has no --base-url"):
        target_url("next.xml", None)
    assert target_url("next.xml", "https://example.com/ivr/main.xml") == "https://example.com/ivr/next.xml"
    with pytest.raises(FetchFailed, match="is not fetched"):
        target_url("file:///etc/passwd", "https://example.com/ivr/main.xml")
    with pytest.raises(FetchFailed, match="credentials"):
        target_url("https://user:pw@example.com/x.xml", None)
    assert plan_name("https://example.com/ivr/Main%20Menu.voxxml?x=1") == "Main-20Menu" and plan_name("https://example.com/") == "fetched"


def test_private_addresses_size_and_http_redirects() -> None:
    with DocumentServer() as docs:
        ok = docs.add("/ok.voxxml", document(SAY.format("Hi."), "<Hangup/>"))
        docs.add("/moved", "", status=302, headers={"Location": "/ok.voxxml"})
        docs.add("/big", "<Response>" + " " * (1024 * 1024) + "</Response>")
        docs.add("/to-file", "", status=302, headers={"Location": "file:///etc/passwd"})
        with pytest.raises(FetchFailed, match="not a public address"):
            fetch_document(ok, "GET", None, FetchPolicy(timeout=5))
        allowed = FetchPolicy(timeout=5, allow_private=True)
        assert fetch_document(docs.url + "/moved", "GET", None, allowed) == (ok, docs.documents["/ok.voxxml"][1])
        with pytest.raises(FetchFailed, match="larger than"):
            fetch_document(docs.url + "/big", "GET", None, allowed)
        with pytest.raises(FetchFailed, match="is not fetched"):
            fetch_document(docs.url + "/to-file", "GET", None, allowed)
        with pytest.raises(FetchFailed, match="HTTP 404"):
            fetch_document(docs.url + "/nothing", "POST", {"a": "1"}, allowed)
        loaded = fetch_plan(ok, "GET", None, allowed, 10)
        assert loaded.key.startswith("ok@") and loaded.plan["format"] == "voxxml.enablex-plan"
