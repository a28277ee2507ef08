"""A branching document as TwiML states (convert/split.py) served by ``voxxml serve --target twiml``
(serve/twiml.py), driven by the scripted TwiML platform (tests/twiml_platform.py).

- the split: states, files and manifest, the Gather's attempts and no-input path, Set/Do/If taken by
  the handler, Reject only first, a long walk going on in another document, variables in the URL;
- the handler: unknown documents and states, tampered variables, Twilio's signature, body limits;
- the differential property (issue 13 acceptance): for generated VoxXML v1 IVRs with Ifs and
  Gathers and generated VoXML documents with If, Do, Set, Unset and templates, and generated callers,
  the trace through the served TwiML equals ``simulate``'s: in-process (many examples) and over real
  HTTP on loopback against a ``voxxml serve --target twiml`` subprocess (one batch);
- the command lines: ``convert -o DIR`` and ``--static``, ``serve --target twiml``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

pytest.importorskip("starlette", reason="the serve extra is not installed: pip install -e '.[test,serve]'")

import warnings

import httpx

with warnings.catch_warnings():  # Starlette's test client asks for httpx2; httpx is what the serve extra installs
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from voxxml import pipeline
from voxxml.config import Settings
from voxxml.convert import CODES, split as split_module
from voxxml.convert.split import StateError, files, pack, render, split, states, unpack
from voxxml.dialects import get_dialect
from voxxml.hub.expressions import Environment
from voxxml.hub.nodes import Conference, Dial, Gather, If, Loop, Number, Play, Redirect, Reject, Response, Say, Set, SetMute
from voxxml.runtime.caller import CallerScript
from voxxml.runtime.simulator import simulate
from voxxml.runtime.trace import comparable
from voxxml.serve.twiml import Served, TwimlConfig, create_app, load, relative_urls, signature

import test_equivalence as eq
import test_voxml_semantics as vx
from enablex_server import free_port, wait_healthy
from support import ROOT, examples, run
from twiml_platform import PlatformError, TwimlPlatform

BASE = "https://example.com/ivr/start"  # the source documents' URL (their relative URLs resolve against it)
LOOP_CAP = eq.LOOP_CAP
SIMPLE_IVR = ROOT / "examples" / "simple-ivr.voxxml"


def machine_of(text: str, dialect: str = "voxxml-v1", to: str = "twiml", states_url: str | None = None) -> Any:
    result, machine = load(text.encode(), f"<test>.{'voxml' if dialect == 'voxml' else 'voxxml'}", to, Settings(), dialect, BASE, states_url)
    assert machine is not None, result.diagnostics
    return machine


def client_for(machines: dict[str, Any], token: str | None = None) -> TestClient:
    config = TwimlConfig({name: Served(name, name, machine) for name, machine in machines.items()}, "http://testserver", token)
    return TestClient(create_app(config))


def served_trace(machine: Any, caller: CallerScript) -> list[dict[str, Any]]:
    platform = TwimlPlatform(client_for({"doc": machine}), LOOP_CAP)
    return comparable(platform.call("http://testserver/twiml/doc/start", caller))


def expected(document: Response, caller: CallerScript) -> list[dict[str, Any]]:
    return comparable(simulate(document, caller, LOOP_CAP, BASE).trace)


def script(*inputs: str, **more: Any) -> CallerScript:
    return CallerScript.from_json({"inputs": list(inputs), **more})


# ------------------------------------------------------------------------------------ the split


def test_the_simple_ivr_is_a_start_state_an_if_the_handler_takes_and_two_branches() -> None:
    machine = machine_of(SIMPLE_IVR.read_text())
    texts, manifest = files(machine, "simple-ivr.voxxml")
    by_name = {entry["name"]: entry for entry in manifest["states"]}
    assert list(by_name) == ["start", "s2", "s3", "s8"]
    assert by_name["s2"] == {"name": "s2", "line": 8, "handler": "If", "next": ["s3", "s8"]}  # the If's line in the source
    assert by_name["start"]["next"] == ["s2"] and by_name["s3"]["next"] == by_name["s8"]["next"] == []
    start = texts["start.twiml"]
    # loop='3' repeatDelay='5': three Gathers, a Pause before each retry, each posting its input to the If's state;
    # no input at all: the Redirect, an empty result, as the source goes on after its Gather
    assert start.count('<Gather action="s2?g=1"') == 3 and start.count('<Pause length="5"/>') == 2
    assert start.rstrip().endswith("<Redirect>s2?g=1</Redirect>\n</Response>")
    assert "Canadian support. Please wait" in texts["s3.twiml"] and "Canadian" not in texts["s8.twiml"]
    for text in texts.values():
        assert pipeline.check(text.encode(), "<state>", dialect="twiml").error_count == 0


@pytest.mark.parametrize("inputs", [("2",), ("1",), (), ("none", "none", "2"), ("speech:two",), ("#",)])
def test_the_simple_ivr_served_runs_as_simulated(inputs: tuple[str, ...]) -> None:
    machine = machine_of(SIMPLE_IVR.read_text())
    document = pipeline.check(SIMPLE_IVR.read_bytes(), str(SIMPLE_IVR)).document
    caller = script(*inputs, dials=["answered:5"])
    assert served_trace(machine, caller) == expected(document, caller)


VOXML_MENU = """<Response>
  <Set output="caller">friend</Set>
  <Do expression='${menu.digits}==""' maxLoops="3">
    <Gather output="menu" numDigits="1"><Say voice="Polly.Joanna">Try ${do.n}: press 1 or 2.</Say></Gather>
  </Do>
  <If expression='${menu.digits}=="1"'><Say voice="Polly.Joanna">Sales, you pressed ${menu.digits}.</Say></If>
  <If expression='${menu.digits}=="2"'><Say voice="Polly.Joanna">Support.</Say><Unset output="menu"/></If>
  <Say voice="Polly.Joanna">Goodbye ${caller} ${menu.digits}.</Say>
</Response>"""


def test_a_voxml_loop_set_and_templates_are_the_handlers_and_run_as_simulated() -> None:
    machine = machine_of(VOXML_MENU, "voxml")
    kinds = [step.kind for step in machine.steps]
    assert kinds[:4] == ["set", "enter", "loop", "gather"] and "next" in kinds and "exit" in kinds and "unset" in kinds
    texts, manifest = files(machine, "menu.voxml")
    assert manifest["states"][0] == {"name": "start", "line": 2, "handler": "Set", "next": ["s1"]}  # decided from the first step
    assert not any("${" in text for text in texts.values())  # TwiML has no variables: the handler fills them in
    document = pipeline.check(VOXML_MENU.encode(), "<test>.voxml", dialect="voxml").document
    for inputs in [("1",), ("none", "2"), ("none", "none", "none"), ("none", "none", "1"), ("speech:1", "1")]:
        caller = script(*inputs)
        assert served_trace(machine, caller) == expected(document, caller), inputs
    served = TwimlPlatform(client_for({"doc": machine}), LOOP_CAP).call("http://testserver/twiml/doc/start", script("none", "1"))
    assert [e["text"] for e in served if e["event"] == "say"][-2:] == ["Sales, you pressed 1.", "Goodbye friend 1."]
    assert "Try 0: press 1 or 2." in served[0]["text"] and "Try 1: press 1 or 2." in served[2]["text"]


def test_the_handler_takes_the_decision_and_the_file_redirects_to_it() -> None:
    machine = machine_of("<Response><Gather><Say>Press</Say></Gather><Say>You said $GATHER</Say></Response>")
    assert [step.kind for step in machine.steps] == ["gather", "verb"]
    static = machine.write(render(machine, 1, None))
    assert "<Redirect" in static and ">s1</Redirect>" in static  # the text reads a variable: the handler's to say
    environment = Environment({"GATHER": "7"})
    assert "You said 7" in machine.write(render(machine, 1, environment))


def test_a_reject_rejects_only_when_nothing_ran_before_it() -> None:
    first = machine_of("<Response><Reject/><Say>x</Say></Response>")
    assert "<Reject" in first.write(render(first, 0, Environment()))
    document = Response([Gather([Say("Press")]), Reject(), Say("Bye")])  # VX101 in a file: built here
    late = split(document, "twiml", "voxxml-v1")
    after = late.write(render(late, 1, Environment({"GATHER": "1"})))
    assert "<Reject" not in after and "Bye" in after
    for caller in (script("1"), script()):
        assert served_trace(late, caller) == expected(document, caller)


def test_a_long_walk_goes_on_in_another_document(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split_module, "WALK_LIMIT", 25)
    only_decisions = Response([Loop([If([], condition=vx.E('${do.n}=="3"'))], condition=vx.E('${do.n}!="x"'), max_loops=40), Reject(), Say("x")])
    machine = split(only_decisions, "twiml", "voxml")
    first = machine.write(render(machine, 0, Environment()))
    assert first.count("<Redirect") == 1 and "<Reject" not in first  # stopped in the loop
    long_cap = comparable(simulate(only_decisions, script(), 100).trace)  # the simulator's cap is 3 passes here
    assert served_trace(machine, script()) == long_cap == [{"event": "reject"}]  # still first
    counting = Response([Loop([Set(value=vx.T("${a}."), output="a")], condition=vx.E('${do.n}!="x"'), max_loops=40), Say(vx.T("${a}"), voice="Polly.Joanna")])
    machine = split(counting, "twiml", "voxml")
    served = served_trace(machine, script())
    assert served == comparable(simulate(counting, script(), 100).trace) and served[0]["text"] == "." * 40


DIAL_STATUS = """<Response>
  <Dial output="call">15556667777</Dial>
  <If expression='${call.status}=="busy"'><Say voice="Polly.Joanna">They are busy.</Say></If>
  <Gather output="menu" action="https://example.com/menu" numDigits="1"><Say voice="Polly.Joanna">Press a key.</Say></Gather>
  <Say voice="Polly.Joanna">No key: ${call.status}.</Say>
</Response>"""


@pytest.mark.parametrize(("inputs", "dials", "fails"), [((), ("busy",), False), (("1",), ("answered:4",), False), (("1",), ("no-answer",), True), ((), (), False)])
def test_a_dial_status_the_source_reads_comes_back_from_the_platform_and_a_gathers_own_action_leaves(inputs: tuple[str, ...], dials: tuple[str, ...], fails: bool) -> None:
    machine = machine_of(DIAL_STATUS, "voxml")
    assert [step.kind for step in machine.steps][:2] == ["dial", "if"]
    start = machine.write(render(machine, 0, Environment()))
    assert '<Dial action="s1?d=0"' in start  # DialCallStatus is posted to the If's state
    document = pipeline.check(DIAL_STATUS.encode(), "<t>.voxml", dialect="voxml").document
    caller = script(*inputs, dials=list(dials), redirect_fails=fails)
    assert served_trace(machine, caller) == expected(document, caller)


def test_the_profiles_are_served_alike_and_cxml_links_are_absolute() -> None:
    for to in ("texml", "cxml"):
        machine = machine_of(SIMPLE_IVR.read_text(), to=to, states_url="http://testserver/twiml/doc/" if to == "cxml" else None)
        start = machine.write(render(machine, 0, Environment()))
        assert ('action="http://testserver/twiml/doc/s2?g=1"' if to == "cxml" else 'action="s2?g=1"') in start
        document = pipeline.check(SIMPLE_IVR.read_bytes(), str(SIMPLE_IVR)).document
        caller = script("2", dials=["answered:5"])
        assert machine.target == to and served_trace(machine, caller) == expected(document, caller)


def test_variables_travel_packed_in_the_url_and_a_tampered_value_is_refused() -> None:
    environment = Environment({"menu.digits": "1", "x": "héllo & <b>"})
    assert unpack(pack(environment)).values == environment.values
    for bad in ("!!!", pack(Environment()) + "x" * 5000, "WzFd"):  # not base64url JSON, too long, a list
        with pytest.raises(StateError):
            unpack(bad)


def test_crafted_or_runaway_variables_are_refused_not_trusted() -> None:
    machine = machine_of(VOXML_MENU, "voxml")
    client = client_for({"doc": machine})
    crafted = pack(Environment({"#l1": "9" * 50}))  # a loop's pass count that is no count
    assert client.post(f"/twiml/doc/s2?v={crafted}").status_code == 400
    doubling = Response([Set(value=vx.T("x"), output="a"), Loop([Set(value=vx.T("${a}${a}"), output="a")], condition=vx.E('${do.n}!="x"'), max_loops=60), Say(vx.T("${a}"))])
    with pytest.raises(StateError, match="grew beyond"):
        render(split(doubling, "twiml", "voxml"), 0, Environment())


def test_relative_urls_of_the_source_resolve_against_its_url_or_are_named() -> None:
    source = "<Response><Play>hold.mp3</Play><Gather><Say>Press</Say></Gather><Redirect>next.xml</Redirect></Response>"
    resolved = machine_of(source)  # with BASE
    assert relative_urls(resolved) == []
    assert "<Play>https://example.com/ivr/hold.mp3</Play>" in resolved.write(render(resolved, 0, Environment()))
    result, as_written = load(source.encode(), "<t>.voxxml", "twiml", Settings(), "voxxml-v1")
    assert as_written is not None and relative_urls(as_written) == ["hold.mp3", "next.xml"]  # the runner warns with these


def test_splitting_and_reading_back_grow_linearly() -> None:
    def seconds(n: int) -> float:
        body = "".join(f"<Gather><Say>Press {i}</Say></Gather><If variable='$GATHER' test='EQUAL' value='1'><Say>one {i}</Say></If>" for i in range(n))
        started = time.perf_counter()
        result, machine = load(f"<Response>{body}</Response>".encode(), "<t>.voxxml", "twiml", Settings(), "voxxml-v1")
        assert machine is not None and len(states(machine)) == 1 + 3 * n  # start, then per menu: the If, its body, and what follows the If
        return time.perf_counter() - started

    small, large = min(seconds(60) for _ in range(2)), seconds(480)
    assert large < 20 * max(small, 0.01), (small, large)  # 8 times the input within 20 times the time


def test_states_are_every_reachable_state_and_nothing_else() -> None:
    machine = machine_of("<Response><Say>Hi</Say><Hangup/></Response>")
    assert states(machine) == {0: []}
    assert not machine.branches


# ------------------------------------------------------------------------------------ the handler


def test_the_handler_refuses_unknown_documents_states_and_results() -> None:
    client = client_for({"ivr": machine_of(SIMPLE_IVR.read_text())})
    assert client.post("/twiml/nope/start").status_code == 404
    assert client.post("/twiml/ivr/s999").status_code == 400
    assert client.post("/twiml/ivr/s2?g=5").status_code == 400  # step 5 is not a Gather
    assert client.post("/twiml/ivr/s2?v=!!!").status_code == 400
    assert client.post("/twiml/ivr/start", content=b"x" * (70 * 1024), headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 413
    ok = client.post("/twiml/ivr/s2?g=1", data={"Digits": "2", "CallSid": "CA1"})
    assert ok.status_code == 200 and ok.headers["content-type"].startswith("application/xml") and "Canadian" in ok.text
    assert "Canadian" in client.get("/twiml/ivr/s2?g=1&Digits=2").text  # a GET action carries the input in the query


def test_with_an_auth_token_every_request_must_carry_twilios_signature() -> None:
    token = "0123456789abcdef0123456789abcdef"
    client = client_for({"ivr": machine_of(SIMPLE_IVR.read_text())}, token)
    assert client.post("/twiml/ivr/start", data={"CallSid": "CA1"}).status_code == 403
    url = "http://testserver/twiml/ivr/s2?g=1"
    good = signature(token, url, [("CallSid", "CA1"), ("Digits", "2")])
    assert client.post(url, data={"CallSid": "CA1", "Digits": "2"}, headers={"X-Twilio-Signature": good}).status_code == 200
    assert client.post(url, data={"CallSid": "CA1", "Digits": "1"}, headers={"X-Twilio-Signature": good}).status_code == 403  # the input changed
    platform = TwimlPlatform(client, LOOP_CAP, auth_token=token)  # signs every request as Twilio does
    trace = platform.call("http://testserver/twiml/ivr/start", script("2", dials=["busy"]))
    assert trace[-1] == {"event": "hangup"} and any(e["event"] == "dial" for e in trace)
    with pytest.raises(PlatformError):
        TwimlPlatform(client, LOOP_CAP, auth_token="wrong-token").call("http://testserver/twiml/ivr/start", script())


# ------------------------------------------------------------------------- the differential property


def _exact_v1(document: Response) -> Response:
    """A generated v1 IVR cut down to what TwiML states express exactly: what the straight-line
    conversion reports anyway (Conference and SetMute CV101; separateNumbers, callbacks and a multi-key
    finishOnKey CV102; loop='0' with a delay or on a Gather CV103) is removed; Ifs, Gathers, $GATHER in
    text, Redirects, Rejects, Dials stay."""

    def verbs(items: list[Any]) -> list[Any]:
        return [one(node) for node in items if not isinstance(node, (Conference, SetMute))]

    def one(node: Any) -> Any:
        if isinstance(node, If):
            return dataclasses.replace(node, body=verbs(node.body))
        if isinstance(node, (Say, Play)) and node.loop == 0:
            node = eq._reset(node, {"repeatDelay": ("repeat_delay", 0)})
        if isinstance(node, Say):
            return eq._reset(node, {"separateNumbers": ("separate_numbers", False)})
        if isinstance(node, Play):
            return node
        if isinstance(node, Gather):
            gather = eq._reset(node, {**eq._CALLBACKS, "finishOnKey": ("finish_on_key", "#")})
            return dataclasses.replace(gather, prompts=[one(p) for p in node.prompts], loop=node.loop or 1)
        if isinstance(node, Number):
            return eq._reset(node, eq._CALLBACKS)
        if isinstance(node, Dial):
            dialled = [eq._reset(one(n), {"callerId": ("caller_id", None)}) for n in node.numbers]  # TwiML's is the Dial's
            return dataclasses.replace(eq._reset(node, eq._CALLBACKS), numbers=dialled)
        return node

    return Response(verbs(list(document.verbs)))


def _voxml_exact(document: Response) -> Response:
    """VoXML hub documents (tests/test_voxml_semantics.py) without Answer, which TwiML has no verb for."""

    def verbs(items: list[Any]) -> list[Any]:
        out = []
        for node in items:
            if type(node).__name__ == "Answer":
                continue
            if isinstance(node, (If, Loop)):
                node = dataclasses.replace(node, body=verbs(node.body))
            out.append(node)
        return out

    return Response(verbs(list(document.verbs)))


def _voxml_with_actions() -> st.SearchStrategy[Response]:
    """VoXML documents with what leaves the states too: a Dial whose status an If reads, a Gather with
    its own action, a Redirect elsewhere, a Reject, besides tests/test_voxml_semantics.py's verbs."""
    dial = st.builds(lambda n: Dial([Number(n)], output="call"), st.sampled_from(("15556667777", "15550001111")))
    status = st.sampled_from(("completed", "busy", "no-answer", "failed")).map(lambda v: If([Say(vx.T("Status ${call.status}."))], condition=vx.E('${call.status}=="' + v + '"')))
    own = st.builds(lambda url: Gather([Say(vx.T("Press a key."))], output="menu", action=url, num_digits=1), st.sampled_from(("https://example.com/menu", "menu.xml")))
    redirect = st.sampled_from(("https://example.com/next.xml", "next.xml")).map(lambda url: Redirect(url))
    extra = st.one_of(dial, status, own, redirect, st.just(Reject()))
    return st.lists(st.one_of(vx.verbs(2), extra), min_size=1, max_size=6).map(lambda items: _voxml_exact(Response(list(items))))


def _converted(document: Response, dialect: str) -> Any:
    """The document converted through the command's path (its text read, checked, split, read back)."""
    text = document.to_xml() if dialect == "voxxml-v1" else get_dialect("voxml").write(document)
    result, machine = load(text.encode(), f"<generated>.{'voxml' if dialect == 'voxml' else 'voxxml'}", "twiml", Settings(), dialect, BASE)
    note(f"source:\n{text}")
    cv = sorted({d.code for d in result.diagnostics if d.code in CODES})
    assert not cv, f"the generator makes only exact conversions, got {cv}: {result.diagnostics}"
    return result, machine


def _check(document: Response, caller: CallerScript, dialect: str) -> None:
    result, machine = _converted(document, dialect)
    if machine is None:  # a generated source with errors (lint's): nothing to convert
        event("the generated source has errors")
        return
    wanted = expected(result.document, caller)
    if wanted and wanted[-1].get("event") == "capped" and "of" in wanted[-1]:
        event("the simulation stopped at the loop cap")
        return
    event("branches" if machine.branches else "straight")
    note(f"caller: {caller.to_json()}")
    served = served_trace(machine, caller)
    if caller.redirect_fails:  # after a Gather's own action fails to fetch, TwiML has not the input (docs/convert.md)
        cut = next((i for i, e in enumerate(wanted) if e["event"] == "fetch" and e["element"] == "Gather"), None)
        if cut is not None:
            event("a Gather's own action failed to fetch: compared up to it")
            served, wanted = served[: cut + 1], wanted[: cut + 1]
    assert served == wanted


@examples(150, suppress=[HealthCheck.too_slow])
@given(eq.calls(eq.ivr_documents().map(_exact_v1)))
def test_generated_v1_ivrs_served_as_twiml_run_as_simulated(call: tuple[Response, CallerScript]) -> None:
    _check(*call, "voxxml-v1")


@examples(100, suppress=[HealthCheck.too_slow])
@given(vx.documents().map(_voxml_exact), vx.callers())
def test_generated_voxml_documents_served_as_twiml_run_as_simulated(document: Response, caller: CallerScript) -> None:
    _check(document, caller, "voxml")


@examples(100, suppress=[HealthCheck.too_slow])
@given(_voxml_with_actions(), eq.caller_scripts(("1", "2")))
def test_generated_voxml_documents_with_actions_served_as_twiml_run_as_simulated(document: Response, caller: CallerScript) -> None:
    _check(document, caller, "voxml")


# ------------------------------------------------------------------ over real HTTP: voxxml serve --target twiml


class TwimlRunner:
    """``python -m voxxml serve --target twiml FILES`` in a subprocess on a free loopback port."""

    def __init__(self, files: list[Path], log: Path, extra: tuple[str, ...] = (), env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = [sys.executable, "-m", "voxxml", "serve", "--target", "twiml", *map(str, files), "--port", str(self.port), "--base-url", BASE, *extra]
        self.log = log
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "TwimlRunner":
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        wait_healthy(self.process, self.url, lambda: self.log.read_text()[-2000:])
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self.process is not None
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@settings(max_examples=1, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_generated_documents_served_by_voxxml_serve_over_loopback_run_as_simulated(data: st.DataObject, tmp_path_factory: pytest.TempPathFactory) -> None:
    """One runner for a batch of generated documents (v1 IVRs and VoXML documents), each called by
    two generated callers through the scripted platform over HTTP."""
    tmp = tmp_path_factory.mktemp("twiml")
    jobs: list[tuple[str, CallerScript, list[dict[str, Any]]]] = []
    paths: list[Path] = []
    for index in range(16):
        dialect = "voxml" if index % 3 == 2 else "voxxml-v1"
        if dialect == "voxml":
            document, callers = data.draw(vx.documents().map(_voxml_exact), label=f"doc {index}"), [data.draw(vx.callers()) for _ in range(2)]
        else:
            document, first = data.draw(eq.calls(eq.ivr_documents().map(_exact_v1)), label=f"doc {index}")
            callers = [first, data.draw(eq.caller_scripts(eq.if_values(document)))]
        result, machine = _converted(document, dialect)
        if machine is None:
            continue
        path = tmp / f"g{index}.{'voxml' if dialect == 'voxml' else 'voxxml'}"
        path.write_text(document.to_xml() if dialect == "voxxml-v1" else get_dialect("voxml").write(document))
        paths.append(path)
        for caller in callers:
            wanted = expected(result.document, caller)
            if not (wanted and wanted[-1].get("event") == "capped" and "of" in wanted[-1]):
                jobs.append((f"g{index}", caller, wanted))
    log = tmp / "runner.log"
    with TwimlRunner(paths, log) as runner, httpx.Client(timeout=30) as client:
        platform = TwimlPlatform(client, LOOP_CAP)
        for name, caller, wanted in jobs:
            note(f"{name}: {caller.to_json()}")
            assert comparable(platform.call(f"{runner.url}/twiml/{name}/start", caller)) == wanted, name
        assert len(platform.requests) >= len(jobs)
    assert "Traceback" not in log.read_text()
    assert len(jobs) >= 16


def test_serve_checks_twilios_signature_over_loopback(tmp_path: Path) -> None:
    token = "f" * 32
    with TwimlRunner([SIMPLE_IVR], tmp_path / "runner.log", env={"TWILIO_AUTH_TOKEN": token}) as runner, httpx.Client(timeout=30) as client:
        assert client.post(f"{runner.url}/twiml/simple-ivr/start", data={"CallSid": "CA1"}).status_code == 403
        document = pipeline.check(SIMPLE_IVR.read_bytes(), str(SIMPLE_IVR)).document
        caller = script("2", dials=["answered:3"])
        trace = TwimlPlatform(client, LOOP_CAP, auth_token=token).call(f"{runner.url}/twiml/simple-ivr/start", caller)
        assert comparable(trace) == expected(document, caller)
    assert "without authentication" not in (tmp_path / "runner.log").read_text()


# ------------------------------------------------------------------------------------ the commands


def test_convert_into_a_directory_writes_the_states_and_their_manifest(tmp_path: Path) -> None:
    out = tmp_path / "ivr"
    written = run("convert", str(SIMPLE_IVR), "--to", "twiml", "-o", f"{out}/")
    assert written.exit_code == 0, written.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format"] == "voxxml.twiml-states" and manifest["start"] == "start"
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "s3.twiml", "s8.twiml", "start.twiml"]
    assert [e.get("file") for e in manifest["states"]] == ["start.twiml", None, "s3.twiml", "s8.twiml"]
    for name in ("start.twiml", "s3.twiml", "s8.twiml"):
        assert run("lint", str(out / name), "--dialect", "twiml").exit_code == 0


def test_cxml_states_need_the_url_they_are_served_at(tmp_path: Path) -> None:
    out = tmp_path / "ivr"
    refused = run("convert", str(SIMPLE_IVR), "--to", "cxml", "-o", f"{out}/")
    assert refused.exit_code == 2 and "--states-url" in refused.stderr and not out.exists()
    written = run("convert", str(SIMPLE_IVR), "--to", "cxml", "-o", f"{out}/", "--states-url", "https://ivr.example.com/twiml/simple-ivr/")
    assert written.exit_code == 0, written.stderr
    assert '<Redirect>https://ivr.example.com/twiml/simple-ivr/s2?g=1</Redirect>' in (out / "start.twiml").read_text()
    alone = run("convert", str(SIMPLE_IVR), "--to", "twiml", "--states-url", "https://ivr.example.com/twiml/simple-ivr/")
    assert alone.exit_code == 2 and "-o DIR/" in alone.stderr


def test_convert_static_refuses_branching_and_a_lossy_set_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "ivr"
    out.mkdir()
    static = run("convert", str(SIMPLE_IVR), "--to", "twiml", "-o", str(out), "--static")
    assert static.exit_code == 1 and "CV109" in static.stderr and "CV110" in static.stderr and list(out.iterdir()) == []
    assert "-o DIR" in static.stderr  # the help names the set
    lossy = tmp_path / "lossy.voxxml"
    lossy.write_text("<Response><Gather><Say separateNumbers='true'>1234</Say></Gather><If variable='$GATHER' test='EQUAL' value='1'><Say>one</Say></If></Response>")
    refused = run("convert", str(lossy), "--to", "twiml", "-o", str(out))
    assert refused.exit_code == 1 and "CV102" in refused.stderr and list(out.iterdir()) == []
    allowed = run("convert", str(lossy), "--to", "twiml", "-o", str(out), "--allow-approximate")
    assert allowed.exit_code == 0 and (out / "manifest.json").exists()


def test_convert_to_one_file_is_as_before(tmp_path: Path) -> None:
    straight = tmp_path / "hours.voxxml"
    straight.write_text("<Response><Say voice='Amy'>We are closed.</Say><Hangup/></Response>")
    target = tmp_path / "hours.twiml"
    assert run("convert", str(straight), "--to", "twiml", "-o", str(target)).exit_code == 0
    assert '<Say voice="Polly.Amy" language="en-GB">We are closed.</Say>' in target.read_text()
    refused = run("convert", str(SIMPLE_IVR), "--to", "twiml")
    assert refused.exit_code == 1 and "CV109" in refused.stderr and refused.stdout == ""


def test_serve_target_twiml_refuses_nothing_to_serve_and_documents_with_errors(tmp_path: Path) -> None:
    assert run("serve", "--target", "twiml").exit_code == 2
    broken = tmp_path / "broken.voxxml"
    broken.write_text("<Response><Say loop='x'>Hi</Say></Response>")
    refused = run("serve", "--target", "twiml", str(broken))
    assert refused.exit_code == 1 and "VX0" in refused.stderr
    lossy = tmp_path / "lossy.voxxml"
    lossy.write_text("<Response><Conference>room</Conference></Response>")
    refused = run("serve", "--target", "twiml", str(lossy))
    assert refused.exit_code == 1 and "CV101" in refused.stderr and "--allow-approximate" in refused.stderr


@pytest.mark.parametrize(
    "arguments, named",
    [
        (("--target", "twiml", "--store", "sqlite:///calls.db"), "--store"),
        (("--target", "cxml", "--max-redirects", "3", "--route", "*=x.voxxml"), "--route, --max-redirects"),
        (("--allow-approximate",), "--allow-approximate"),
    ],
)
def test_serve_refuses_options_its_target_does_not_read(arguments: tuple[str, ...], named: str) -> None:
    """An option that would be ignored is an error that names it, not a silent no-op."""
    refused = run("serve", *arguments, str(SIMPLE_IVR))
    assert refused.exit_code == 2 and ("applies only" in refused.stderr or "apply only" in refused.stderr)
    assert all(option in refused.stderr for option in named.split(", "))
