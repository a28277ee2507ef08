"""The plan runtime (voxxml/targets/enablex/runtime.py): placeholders, the action loop over a
transport and a host, the per-call state a store keeps, and the plan indexed once per runtime."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voxxml.runtime.caller import CallerScript, DialOutcome, Input
from voxxml.targets.enablex import compile_document
from voxxml.targets.enablex import executor
from voxxml.targets.enablex.executor import Execution, PlanIndex
from voxxml.targets.enablex.runtime import Call, PlanError, Runtime, fill_request
from voxxml.targets.enablex.plan import INPUT_VARIABLE

import strategies as vs
import support
from enablex_mock import CALLED, CLI, EVENT_URL, PLACEHOLDERS, Run

VOICE_ID = "3d561239-a1e8-43dd-bd6d-73f60b027a81"
CALL = f"/voice/v1/call/{VOICE_ID}"


def plan_of(text: str) -> Any:
    return compile_document(support.parsed(text), "t.voxxml").plan


class Recorder:
    """A transport and a host that record what the runtime asks of them."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.done: list[tuple[str, Any]] = []

    def send(self, request: Any) -> dict[str, Any]:
        self.sent.append(request)
        return {"voice_id": VOICE_ID, "state": "initiated"} if request["method"] == "POST" else {"status": "success"}

    def wait(self, call: Call, action: dict[str, Any]) -> None:
        self.done.append(("wait", (action["seconds"], action["timer"])))

    def conference(self, call: Call, action: dict[str, Any]) -> None:
        self.done.append(("conference", action["name"]))

    def fetch(self, call: Call, action: dict[str, Any]) -> None:
        self.done.append(("fetch", action["url"]))

    def observe(self, call: Call, event: dict[str, Any]) -> None:
        self.done.append(("observe", event["event"]))


def webhook(**fields: Any) -> dict[str, Any]:
    return {"voice_id": VOICE_ID, "from": CLI, "to": CALLED, **fields}


# --------------------------------------------------------------------------- placeholders


def test_the_path_gets_the_voice_id_and_needs_one() -> None:
    request = {"method": "PUT", "path": "/voice/v1/call/{voice_id}/accept"}
    assert fill_request(request, "v1", PLACEHOLDERS) == {"method": "PUT", "path": "/voice/v1/call/v1/accept"}
    with pytest.raises(PlanError, match=r"request /voice/v1/call/\{voice_id\}/accept before the call has a voice_id"):
        fill_request(request, None, PLACEHOLDERS)


def test_whole_string_placeholders_are_filled_but_never_inside_a_play() -> None:
    create = {
        "method": "POST",
        "path": "/voice/v1/call",
        "body": {"from": "{cli}", "to": "{to}", "event_url": "{event_url}", "action_on_connect": {"play": {"text": "{cli}", "voice": "female"}}},
    }
    filled = fill_request(create, None, PLACEHOLDERS)
    assert filled["body"] == {"from": CLI, "to": CALLED, "event_url": EVENT_URL, "action_on_connect": {"play": {"text": "{cli}", "voice": "female"}}}
    assert create["body"]["from"] == "{cli}"  # the plan's request is not changed
    connect = {"method": "PUT", "path": "/voice/v1/call/{voice_id}/connect", "body": {"from": "{cli}", "to": "15556667777"}}
    assert fill_request(connect, "v", PLACEHOLDERS)["body"] == {"from": CLI, "to": "15556667777"}
    play = {"method": "PUT", "path": "/voice/v1/call/{voice_id}/play", "body": {"prompt_ref": "s0", "text": "{to}"}}
    assert fill_request(play, "v", PLACEHOLDERS)["body"] == {"prompt_ref": "s0", "text": "{to}"}
    partial = {"method": "PUT", "path": "/voice/v1/call/{voice_id}/connect", "body": {"from": "x{cli}", "to": "{unknown}"}}
    assert fill_request(partial, "v", PLACEHOLDERS)["body"] == {"from": "x{cli}", "to": "{unknown}"}


# --------------------------------------------------------------------------- the action loop


def test_an_inbound_call_sends_filled_requests_in_order() -> None:
    recorder = Recorder()
    runtime = Runtime(plan_of("<Response><Say>Hi</Say></Response>"), recorder, recorder, PLACEHOLDERS)
    call = runtime.start("inbound")
    assert recorder.sent == [] and call.voice_id is None
    call = runtime.on_event(call, webhook(state="incomingcall"))
    assert call.voice_id == VOICE_ID
    call = runtime.on_event(call, webhook(state="connected"))
    call = runtime.on_event(call, webhook(playstate="playfinished", prompt_ref="s0"))
    assert [(r["method"], r["path"]) for r in recorder.sent] == [("PUT", f"{CALL}/accept"), ("PUT", f"{CALL}/play"), ("DELETE", CALL)]
    assert recorder.sent[1]["body"] == {"prompt_ref": "s0", "text": "Hi", "language": "en-US", "voice": "female"}
    assert call.ended and call.end_reason == "hangup"
    assert runtime.on_event(call, webhook(state="disconnected")) is call and len(recorder.sent) == 3  # ended: nothing more


def test_an_outbound_call_takes_its_voice_id_from_the_create_call_response() -> None:
    recorder = Recorder()
    runtime = Runtime(plan_of("<Response><Pause length='2'/><Hangup/></Response>"), recorder, recorder, PLACEHOLDERS)
    call = runtime.start("outbound")
    assert recorder.sent[0]["body"] == {"from": CLI, "to": CALLED, "event_url": EVENT_URL}
    assert call.voice_id == VOICE_ID
    call = runtime.on_event(call, {"voice_Id": "someone-else", "state": "connected"})
    assert call.voice_id == VOICE_ID  # the create-call's, not overwritten
    assert recorder.done == [("observe", "pause"), ("wait", (2, 1))]
    call = runtime.on_event(call, {"type": "timer", "timer": 1})
    assert recorder.sent[-1] == {"method": "DELETE", "path": CALL} and call.end_reason == "hangup"


def test_the_host_does_conferences_fetches_and_observations() -> None:
    recorder = Recorder()
    plan = plan_of("<Response><Conference>room</Conference><Redirect>https://x.example/next.xml</Redirect></Response>")
    runtime = Runtime(plan, recorder, recorder, PLACEHOLDERS)
    call = runtime.start("inbound")
    call = runtime.on_event(call, webhook(state="incomingcall"))
    call = runtime.on_event(call, webhook(state="connected"))
    call = runtime.on_event(call, {"type": "conference"})
    call = runtime.on_event(call, {"type": "fetch", "ok": True})
    assert recorder.done == [("observe", "conference"), ("conference", "room"), ("observe", "redirect"), ("fetch", "https://x.example/next.xml")]
    assert call.end_reason == "redirected"


def test_a_misbehaving_plan_is_a_plan_error() -> None:
    recorder = Recorder()
    runtime = Runtime(plan_of("<Response><Say>Hi</Say></Response>"), recorder, recorder, PLACEHOLDERS)
    ended = Call("inbound", Execution(None), VOICE_ID, end_reason="hangup")
    with pytest.raises(PlanError, match=r"after the end \(hangup\)"):
        runtime.perform(ended, [{"type": "observe", "event": {"event": "hangup"}}])
    with pytest.raises(PlanError, match="unknown action"):
        runtime.perform(Call("inbound", Execution("s0")), [{"type": "dance"}])
    with pytest.raises(ValueError, match="unknown entry 'sideways'; the entries are: inbound, outbound"):
        runtime.start("sideways")


# --------------------------------------------------------------------------- indexed once


def test_the_plan_is_indexed_once_however_many_webhooks(monkeypatch) -> None:
    builds: list[int] = []
    original = PlanIndex.__init__

    def counting(self: PlanIndex, plan: Any) -> None:
        builds.append(1)
        original(self, plan)

    monkeypatch.setattr(PlanIndex, "__init__", counting)
    text = "<Response><Gather loop='20'><Say>Press 2.</Say></Gather><Say>Bye.</Say></Response>"
    run = Run(plan_of(text), CallerScript(inputs=[Input("none")] * 19 + [Input("dtmf", "2")]), "inbound")
    run.run()
    assert len(run.mock.delivered) > 30  # many webhooks...
    assert len(builds) == 1  # ...one index
    # By hand, a plan dict is indexed on each step (the convenient path): the runtime is what keeps one.
    plan = plan_of("<Response><Say>Hi</Say></Response>")
    execution, _ = executor.start(plan, "inbound")
    executor.step(plan, execution, webhook(state="incomingcall"))
    assert len(builds) == 2


# --------------------------------------------------------------------------- the call kept between webhooks

executions = st.builds(
    Execution,
    state=st.one_of(st.none(), st.sampled_from(["s0", "s17", executor.PENDING_INBOUND, executor.PENDING_OUTBOUND])),
    variables=st.dictionaries(st.sampled_from([INPUT_VARIABLE, "$OTHER"]), st.text(max_size=8), max_size=2),
    last_input=st.one_of(st.none(), st.builds(Input, st.sampled_from(["dtmf", "speech", "none"]), st.text(max_size=8))),
    answered=st.booleans(),
    tries=st.lists(st.tuples(st.sampled_from(["s1", "s2", "s3"]), st.integers(0, 99)), max_size=3, unique_by=lambda p: p[0]).map(tuple),
    timer=st.integers(0, 10**6),
)


@given(
    execution=executions,
    entry=st.sampled_from(["inbound", "outbound"]),
    voice_id=st.one_of(st.none(), st.text(min_size=1, max_size=12)),
    end=st.one_of(st.none(), st.sampled_from(["hangup", "reject", "disconnected", "redirected"])),
)
def test_a_call_survives_json(execution: Execution, entry: str, voice_id: str | None, end: str | None) -> None:
    call = Call(entry, execution, voice_id, end)
    assert Call.from_dict(json.loads(json.dumps(call.to_dict()))) == call


def test_a_call_stored_before_variables_still_loads() -> None:
    """A call stored when the execution kept only 'gather' comes back with it as the plan's input variable."""
    old = {"entry": "inbound", "execution": {"state": "s3", "gather": "42", "last_input": None, "answered": True, "tries": [["s1", 2]], "timer": 1}, "voice_id": "v1", "end_reason": None}
    call = Call.from_dict(old)
    assert call.execution.variables == {INPUT_VARIABLE: "42"} and call.execution.gather == "42"
    assert call.execution.tries == (("s1", 2),) and call.voice_id == "v1"


@pytest.mark.parametrize("path", support.EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("entry", ["inbound", "outbound"])
def test_a_call_stored_as_json_between_events_runs_the_same(path, entry: str) -> None:
    plan = plan_of(path.read_text(encoding="utf-8"))
    script = CallerScript(inputs=[Input("dtmf", "1"), Input("speech", "sales"), Input("none")], dials=[DialOutcome("no-answer"), DialOutcome("answered", 3)])
    kept = Run(plan, script, entry)
    stored = Run(plan, script, entry, store=True)
    assert stored.run() == kept.run()
    assert stored.mock.requests == kept.mock.requests and stored.mock.delivered == kept.mock.delivered
    assert stored.call == kept.call


_SCRIPTS = st.builds(
    CallerScript,
    inputs=st.lists(st.sampled_from([Input("dtmf", "1"), Input("dtmf", "42#"), Input("speech", "yes"), Input("speech", " "), Input("none")]), max_size=6),
    dials=st.lists(st.sampled_from([DialOutcome("answered", 5), DialOutcome("busy"), DialOutcome("no-answer"), DialOutcome("failed")]), max_size=3),
    hangup_after=st.one_of(st.none(), st.integers(0, 16)),
    redirect_fails=st.booleans(),
)


def _outcome(plan: Any, script: CallerScript, entry: str, store: bool) -> tuple[Any, ...]:
    run = Run(plan, script, entry, max_events=5_000, store=store)  # generated loops can run for billions of rounds
    try:
        trace = run.run()
    except Exception as error:  # a plan the mock refuses must be refused the same way
        return ("raised", type(error).__name__, str(error))
    return ("ran", trace, run.mock.requests, run.mock.delivered, run.call)


@support.examples(40)
@given(document=vs.responses(max_depth=3, max_children=3), script=_SCRIPTS, entry=st.sampled_from(["inbound", "outbound"]))
def test_a_stored_call_runs_as_a_kept_one_on_any_document(document: Any, script: CallerScript, entry: str) -> None:
    plan = compile_document(document, "t.voxxml", loop_cap=2).plan
    assert _outcome(plan, script, entry, store=True) == _outcome(plan, script, entry, store=False)
