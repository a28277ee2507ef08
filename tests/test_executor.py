"""Unit tests of the EnableX plan executor (voxxml/targets/enablex/executor.py).

The executor is pure: ``start(plan, entry)`` and ``step(plan, execution, event)``
return the next execution and the actions for the runner. These tests drive it by
hand with webhooks shaped as the EnableX reference shows them
(/work/shared/spec/enablex-core-voice-api.txt), on compiled plans and on small
hand-written plans (validated against plan.schema.json like every plan here).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

import voxxml
from voxxml.runtime.caller import Input
from voxxml.targets.enablex import compile_document
from voxxml.targets.enablex.executor import PENDING_INBOUND, PENDING_OUTBOUND, Execution, PlanIndex, event_key, reported_input, start, step
from voxxml.targets.enablex.plan import INPUT_VARIABLE

from enablex_mock import validate_plan
from support import observed

VOICE_ID = "f1aa71c0-8f2a-4fe8-b5ef-9a330454ef58"


def compiled(source: str) -> dict[str, Any]:
    result = voxxml.parse(source)
    assert result.document is not None, [d.message for d in result.diagnostics]
    plan = compile_document(result.document).plan
    validate_plan(plan)
    return plan


def webhook(id_key: str = "voice_id", **fields: Any) -> dict[str, Any]:
    return {id_key: VOICE_ID, "from": "15550009999", "to": "15550001234", **fields, "timestamp": "2020-02-16T10:52:00Z"}


def states(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {state["id"]: state for state in plan["states"]}


def requests(actions: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(a["method"], a["path"]) for a in actions if a["type"] == "request"]


def answered(plan: dict[str, Any]) -> tuple[Execution, list[dict[str, Any]]]:
    """An inbound call, accepted and connected: the execution at the plan's first state."""
    execution, actions = start(plan, "inbound")
    assert actions == []
    execution, actions = step(plan, execution, webhook(state="incomingcall"))
    assert requests(actions) == [("PUT", "/voice/v1/call/{voice_id}/accept")]
    return step(plan, execution, webhook(state="connected"))


ACCEPT = "/voice/v1/call/{voice_id}/accept"
PLAY = "/voice/v1/call/{voice_id}/play"
CONNECT = "/voice/v1/call/{voice_id}/connect"
CALL = "/voice/v1/call/{voice_id}"

PIN = """<Response>
  <Gather numDigits='4' finishOnKey='#'><Say>Enter your PIN.</Say></Gather>
  <If variable='$GATHER' test='EQUAL' value='0042|1234'><Say>Welcome.</Say></If>
  <Hangup/>
</Response>"""


# --------------------------------------------------------------------------- reading webhooks


def test_event_keys() -> None:
    assert event_key(webhook(state="connected")) == "state:connected"
    assert event_key(webhook("voice_Id", state="bridged")) == "state:bridged"
    assert event_key(webhook(playstate="playfinished", prompt_ref="s0")) == "playstate:playfinished"
    assert event_key(webhook(playstate="digitcollected", digit=5)) == "playstate:digitcollected"
    assert event_key(webhook(state="recognized", playstate="speech_recognized", text="yes")) == "speech:recognized"
    assert event_key(webhook(state="timeout", playstate="speech_recognized")) == "speech:timeout"
    assert event_key(webhook(state="unrecognized", playstate="speech_recognized")) == "speech:unrecognized"
    assert event_key({"voice_id": VOICE_ID}) is None


def test_reported_input_is_liberal() -> None:
    assert reported_input(webhook(playstate="digitcollected", digit=12345)) == Input("dtmf", "12345")
    assert reported_input(webhook(playstate="digitcollected", digit="12345")) == Input("dtmf", "12345")
    assert reported_input(webhook(playstate="digitcollected", digits="0042")) == Input("dtmf", "0042")
    assert reported_input(webhook(playstate="digitcollected", digit="#")) == Input("dtmf", "#")
    assert reported_input(webhook(playstate="digitcollected", digit=0)) == Input("dtmf", "0")
    assert reported_input(webhook(state="recognized", playstate="speech_recognized", text="No, I'm not available.")) == Input("speech", "No, I'm not available.")
    assert reported_input(webhook(state="timeout", playstate="speech_recognized")) is None
    assert reported_input(webhook(playstate="playfinished")) is None
    assert reported_input(webhook(playstate="menutimeout")) is None


@pytest.mark.parametrize(
    "result, gathered",
    [
        ({"digit": 1234}, "1234"),  # a JSON number, as in the reference's example
        ({"digit": "1234"}, "1234"),
        ({"digits": "1234"}, "1234"),
        ({"digits": 1234}, "1234"),
        ({"digit": "0042"}, "0042"),  # a string keeps its leading zeros
        ({"digit": 42}, "42"),  # a number has lost them: not the PIN 0042
        ({"digit": "12#34"}, "12"),  # finishOnKey applies to what EnableX reports
        ({"digit": "123456"}, "1234"),  # and numDigits
    ],
)
@pytest.mark.parametrize("id_key", ["voice_id", "voice_Id"])
def test_digits_are_read_liberally(result: dict[str, Any], gathered: str, id_key: str) -> None:
    plan = compiled(PIN)
    execution, actions = answered(plan)
    listen = actions[-1]
    assert listen["body"]["dtmf"] is True
    ref = listen["body"]["prompt_ref"]
    execution, actions = step(plan, execution, webhook(id_key, playstate="digitcollected", prompt_ref=ref, **result))
    assert observed(actions) == [{"event": "gather", "input": gathered}]
    assert execution.gather == gathered
    welcome = [a for a in actions if a["type"] == "request" and a.get("body", {}).get("text") == "Welcome."]
    assert bool(welcome) == (gathered in ("0042", "1234"))


def test_a_webhook_with_voice_Id_is_as_good_as_voice_id() -> None:
    plan = compiled("<Response><Say>Hi</Say></Response>")
    execution, _ = start(plan, "inbound")
    execution, actions = step(plan, execution, webhook("voice_Id", state="incomingcall"))
    assert requests(actions) == [("PUT", ACCEPT)]
    execution, actions = step(plan, execution, webhook("voice_Id", state="connected"))
    assert requests(actions) == [("PUT", PLAY)]
    execution, actions = step(plan, execution, webhook("voice_Id", playstate="playfinished", prompt_ref=actions[0]["body"]["prompt_ref"]))
    assert requests(actions) == [("DELETE", CALL)]
    assert execution.ended and actions[-1] == {"type": "end", "reason": "hangup"}


def test_speech_is_recognised_and_stripped() -> None:
    plan = compiled("<Response><Gather input='speech'><Say>Say yes.</Say></Gather><If variable='$GATHER' test='EQUAL' value='yes'><Hangup/></If><Say>No.</Say></Response>")
    execution, actions = answered(plan)
    body = actions[-1]["body"]
    assert body.get("asr") is True and "dtmf" not in body
    speech = webhook(state="recognized", text="  yes ", reason="Recognized", playstate="speech_recognized", prompt_ref=body["prompt_ref"])
    execution, actions = step(plan, execution, speech)
    assert observed(actions) == [{"event": "gather", "input": "yes"}]
    assert requests(actions) == [("DELETE", CALL)]


@pytest.mark.parametrize(
    "input_, result",
    [
        ("dtmf speech", {"playstate": "menutimeout"}),
        ("dtmf speech", {"playstate": "failed"}),
        ("dtmf speech", {"state": "timeout", "playstate": "speech_recognized"}),
        ("dtmf speech", {"state": "unrecognized", "playstate": "speech_recognized"}),
        ("dtmf speech", {"state": "recognized", "playstate": "speech_recognized", "text": "   "}),  # blank speech is no input
        ("speech", {"state": "timeout", "playstate": "speech_recognized"}),
        ("dtmf", {"playstate": "menutimeout"}),
        ("dtmf", {"playstate": "failed"}),
    ],
)
def test_no_input_takes_the_no_input_path(input_: str, result: dict[str, Any]) -> None:
    plan = compiled(f"<Response><Gather input='{input_}' loop='2'><Say>Speak.</Say></Gather><Say>Bye.</Say></Response>")
    execution, actions = answered(plan)
    first = actions[-1]["body"]["prompt_ref"]
    execution, actions = step(plan, execution, webhook(prompt_ref=first, **result))
    assert observed(actions) == [{"event": "gather", "input": ""}]
    second = actions[-1]
    assert second["body"]["text"] == "Speak." and second["body"]["prompt_ref"] == first  # the same prompt, replayed
    execution, actions = step(plan, execution, webhook(prompt_ref=second["body"]["prompt_ref"], **result))
    assert observed(actions) == [{"event": "gather", "input": ""}]
    assert actions[-1]["body"]["text"] == "Bye." and execution.gather == ""


@pytest.mark.parametrize("input_", ["speech", "dtmf speech", "dtmf"])
def test_the_prompt_finishing_is_not_the_end_of_listening(input_: str) -> None:
    """The reference: dtmf "waits for the caller to press a keypad digit after the prompt
    finishes playing"; 'playfinished' once ended a DTMF-only Gather with no input."""
    plan = compiled(f"<Response><Gather input='{input_}' timeout='12'><Say>Speak.</Say></Gather><Say>$GATHER</Say></Response>")
    execution, actions = answered(plan)
    ref = actions[-1]["body"]["prompt_ref"]
    listening, actions = step(plan, execution, webhook(playstate="playfinished", prompt_ref=ref))
    assert actions == [{"type": "wait", "seconds": 12, "state": listening.state, "timer": listening.timer}]  # the Gather's timeout
    result = webhook(digit="7", playstate="digitcollected") if input_ == "dtmf" else webhook(state="recognized", text="yes", playstate="speech_recognized")
    assert step(plan, listening, {**result, "prompt_ref": "s99"}) == (listening, [])  # another prompt's
    execution, actions = step(plan, listening, {**result, "prompt_ref": ref})
    assert observed(actions) == [{"event": "gather", "input": "7" if input_ == "dtmf" else "yes"}]
    # Or the plan's timer runs out first: no input.
    execution, actions = step(plan, listening, {"type": "timer", "timer": listening.timer})
    assert observed(actions) == [{"event": "gather", "input": ""}]


# --------------------------------------------------------------------------- stale events


def test_an_event_of_an_earlier_prompt_is_ignored() -> None:
    plan = compiled("<Response><Say>One.</Say><Gather><Say>Two.</Say></Gather><Say>$GATHER</Say></Response>")
    execution, actions = answered(plan)
    one = actions[-1]["body"]["prompt_ref"]
    execution, actions = step(plan, execution, webhook(playstate="playfinished", prompt_ref=one))
    two = actions[-1]["body"]["prompt_ref"]
    assert one != two and execution.state == two
    # A late or duplicated event of prompt one: no transition, no input taken.
    for late in (
        webhook(playstate="playfinished", prompt_ref=one),
        webhook(playstate="digitcollected", digit=7, prompt_ref=one),
        webhook("voice_Id", playstate="menutimeout", prompt_ref=one),
    ):
        after, actions = step(plan, execution, late)
        assert (after, actions) == (execution, [])
    execution, actions = step(plan, execution, webhook(playstate="digitcollected", digit="3", prompt_ref=two))
    assert observed(actions) == [{"event": "gather", "input": "3"}]


def test_an_event_without_prompt_ref_is_taken_for_the_current_prompt() -> None:
    plan = compiled("<Response><Say>One.</Say><Say voice='Matthew'>Two.</Say></Response>")
    execution, actions = answered(plan)
    execution, actions = step(plan, execution, webhook(playstate="playfinished"))
    assert actions[-1]["body"]["text"] == "Two."


def test_events_that_do_not_concern_the_state_are_ignored() -> None:
    plan = compiled("<Response><Number>15556667777</Number><Say>After.</Say></Response>")
    execution, actions = answered(plan)
    assert requests(actions) == [("PUT", CONNECT)]
    for event in (
        webhook(state="initiated"),
        webhook(state="bridging"),
        webhook("voice_Id", state="bridged"),
        webhook(state="dtmfcollected", digit=12345),
        webhook(playstate="playfinished", prompt_ref="s99"),
        {"voice_id": VOICE_ID},
        {"type": "timer"},
        {"type": "fetch", "ok": True},
    ):
        after, actions = step(plan, execution, event)
        assert (after, actions) == (execution, []), event
    execution, actions = step(plan, execution, webhook("voice_Id", state="bridge_disconnected"))
    assert actions[-1]["body"]["text"] == "After."


def test_bridged_disconnected_is_read_as_bridge_disconnected() -> None:
    """The reference spells it both ways: bridge_disconnected (bridge events) and
    bridged_disconnected (outbound-call states)."""
    plan = compiled("<Response><Number>15556667777</Number><Say>After.</Say></Response>")
    assert event_key(webhook(state="bridged_disconnected")) == "state:bridge_disconnected"
    execution, actions = answered(plan)
    execution, actions = step(plan, execution, webhook(state="bridged_disconnected"))
    assert actions[-1]["body"]["text"] == "After."


def test_a_failed_bridge_goes_on_to_the_next_number_then_the_next_verb() -> None:
    plan = compiled("<Response><Dial><Number>15550000001</Number><Number>15550000002</Number></Dial><Say>After.</Say></Response>")
    execution, actions = answered(plan)
    assert actions[-1]["body"]["to"] == "15550000001"
    execution, actions = step(plan, execution, webhook(state="failed"))
    assert actions[-1]["body"]["to"] == "15550000002"
    execution, actions = step(plan, execution, webhook(state="failed"))
    assert actions[-1]["body"]["text"] == "After."


# --------------------------------------------------------------------------- disconnected

KITCHEN_SINK = """<Response>
  <Say loop='2' repeatDelay='1'>Hello.</Say>
  <Gather input='dtmf speech' loop='0' repeatDelay='2'><Say>Choose.</Say><Play>https://example.com/a.mp3</Play></Gather>
  <If variable='$GATHER' test='NOTEQUAL' value='1'><Pause length='3'/><Number>15556667777</Number></If>
  <Redirect>https://example.com/next.xml</Redirect>
  <Play loop='0'>https://example.com/hold.mp3</Play>
</Response>"""


@pytest.mark.parametrize("id_key", ["voice_id", "voice_Id"])
def test_disconnected_ends_the_call_from_any_state(id_key: str) -> None:
    plan = compiled(KITCHEN_SINK)
    kinds = {state["kind"] for state in plan["states"]}
    assert kinds == {"play", "wait", "await", "accept", "observe", "retry", "branch", "connect", "redirect", "hangup"}
    disconnected = webhook(id_key, state="disconnected", disconnect_reason="Normal Clearing")
    for where in [PENDING_INBOUND, PENDING_OUTBOUND, *states(plan)]:
        for gathered in ("", "1"):
            execution, actions = step(plan, Execution(where, variables={INPUT_VARIABLE: gathered}, answered=where.startswith("s")), disconnected)
            assert execution.ended, where
            assert actions == [{"type": "end", "reason": "disconnected"}], where
            # Nothing happens after the end.
            for event in (disconnected, webhook(state="connected"), {"type": "timer"}, webhook(playstate="playfinished")):
                assert step(plan, execution, event) == (execution, [])


def test_disconnected_while_ringing_never_accepts() -> None:
    plan = compiled("<Response><Say>Hi</Say></Response>")
    execution, _ = start(plan, "inbound")
    execution, actions = step(plan, execution, webhook(state="disconnected"))
    assert execution.ended and requests(actions) == []


# --------------------------------------------------------------------------- entries


def test_outbound_folds_the_first_play_into_the_create_call_and_does_not_send_it_again() -> None:
    plan = compiled("<Response><Say voice='Matthew'>Hello.</Say><Say>Bye.</Say></Response>")
    by_id = states(plan)
    execution, actions = start(plan, "outbound")
    assert execution.state == PENDING_OUTBOUND
    assert requests(actions) == [("POST", "/voice/v1/call")]
    body = actions[0]["body"]
    folded = plan["entries"]["outbound"]["folds"]
    assert folded == plan["start"] and by_id[folded]["kind"] == "play"
    assert body["action_on_connect"] == {"play": by_id[folded]["request"]["body"]}
    assert body["action_on_connect"]["play"]["prompt_ref"] == folded
    assert {"from", "to", "event_url"} <= set(body)
    for harmless in (webhook(state="ringing"), webhook(state="initiated")):
        assert step(plan, execution, harmless) == (execution, [])
    execution, actions = step(plan, execution, webhook("voice_Id", state="connected"))
    assert actions == [] and execution.state == folded and execution.answered
    execution, actions = step(plan, execution, webhook(playstate="playfinished", prompt_ref=folded))
    assert [a["body"]["text"] for a in actions if a["type"] == "request"] == ["Bye."]


def test_outbound_folds_a_first_connect() -> None:
    plan = compiled("<Response><Number callerId='15550001000'>15556667777</Number><Say>After.</Say></Response>")
    execution, actions = start(plan, "outbound")
    assert actions[0]["body"]["action_on_connect"] == {"connect": {"from": "15550001000", "to": "15556667777"}}
    execution, actions = step(plan, execution, webhook(state="connected"))
    assert actions == [] and states(plan)[execution.state]["kind"] == "connect"
    for harmless in (webhook(state="bridging"), webhook(state="bridged")):
        assert step(plan, execution, harmless) == (execution, [])
    execution, actions = step(plan, execution, webhook(state="bridge_disconnected"))
    assert actions[-1]["body"]["text"] == "After."


def test_outbound_folds_a_listening_play() -> None:
    plan = compiled("<Response><Gather><Say>Press a key.</Say></Gather><Say>$GATHER</Say></Response>")
    execution, actions = start(plan, "outbound")
    play = actions[0]["body"]["action_on_connect"]["play"]
    assert play["dtmf"] is True
    execution, actions = step(plan, execution, webhook(state="connected"))
    assert actions == []
    execution, actions = step(plan, execution, webhook(playstate="digitcollected", digit=5, prompt_ref=play["prompt_ref"]))
    assert observed(actions) == [{"event": "gather", "input": "5"}]


def test_outbound_does_not_fold_what_is_not_a_play_or_connect() -> None:
    plan = compiled("<Response><Pause length='2'/><Say>Hi.</Say></Response>")
    assert plan["entries"]["outbound"]["folds"] is None
    execution, actions = start(plan, "outbound")
    assert "action_on_connect" not in actions[0]["body"]
    execution, actions = step(plan, execution, webhook(state="connected"))
    assert observed(actions) == [{"event": "pause", "seconds": 2}]
    assert actions[-1]["type"] == "wait" and actions[-1]["seconds"] == 2


def test_a_first_verb_reject_rejects_an_inbound_call_without_accepting() -> None:
    plan = compiled("<Response><Reject/><Say>Never heard.</Say></Response>")
    assert "request" not in plan["entries"]["inbound"]
    execution, actions = start(plan, "inbound")
    assert actions == []
    execution, actions = step(plan, execution, webhook("voice_Id", state="incomingcall"))
    assert requests(actions) == [("DELETE", CALL)]  # no accept before it
    assert actions[-1] == {"type": "end", "reason": "reject"}
    assert execution.ended


def test_a_reject_that_runs_first_behind_an_if_rejects_without_accepting() -> None:
    plan = compiled("<Response><If variable='$GATHER' test='NOTEQUAL' value='1'><Reject/></If><Say>Never heard.</Say></Response>")
    execution, _ = start(plan, "inbound")
    execution, actions = step(plan, execution, webhook(state="incomingcall"))
    assert requests(actions) == [("DELETE", CALL)]
    assert actions[-1] == {"type": "end", "reason": "reject"}


def test_a_first_verb_reject_hangs_up_an_outbound_call_and_says_so() -> None:
    result = voxxml.parse("<Response><Reject/><Say>Never heard.</Say></Response>")
    compilation = compile_document(result.document)
    assert [d.code for d in compilation.diagnostics] == ["EX209"]
    plan = compilation.plan
    execution, actions = start(plan, "outbound")
    assert "action_on_connect" not in actions[0]["body"]
    execution, actions = step(plan, execution, webhook(state="connected"))
    assert requests(actions) == [("DELETE", CALL)]
    assert actions[-1] == {"type": "end", "reason": "hangup"}


def test_a_later_reject_has_no_effect() -> None:
    plan = compiled("<Response><Say>Hi.</Say><Reject/><Say>Still here.</Say></Response>")
    execution, actions = answered(plan)
    execution, actions = step(plan, execution, webhook(playstate="playfinished", prompt_ref=actions[-1]["body"]["prompt_ref"]))
    assert actions[-1]["body"]["text"] == "Still here."


# --------------------------------------------------------------------------- pure steps, on a hand-written plan


def _state(id: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"id": id, "kind": kind, "element": None, "span": None, **fields}


def _play(id: str, on: dict[str, str], **body: Any) -> dict[str, Any]:
    return _state(id, "play", request={"method": "PUT", "path": PLAY, "body": {"prompt_ref": id, "url": f"https://example.com/{id}.mp3", **body}}, on=on)


def hand_plan(*states: dict[str, Any], start: str = "s0") -> dict[str, Any]:
    plan = {
        "format": "voxxml.enablex-plan",
        "version": 2,
        "source": "<hand-written>",
        "placeholders": {},
        "start": start,
        "entries": {
            "inbound": {"trigger": "incomingcall", "request": {"method": "PUT", "path": ACCEPT}, "events": {"state:connected": start}},
            "outbound": {"request": {"method": "POST", "path": "/voice/v1/call", "body": {"from": "{cli}", "to": "{to}", "event_url": "{event_url}"}}, "events": {"state:connected": start}, "folds": None},
        },
        "states": list(states),
    }
    validate_plan(plan)
    return plan


END = _state("s9", "hangup", request={"method": "DELETE", "path": CALL}, reject=False)
MENU = hand_plan(
    _play("s0", {"playstate:digitcollected": "s1", "speech:recognized": "s1", "playstate:menutimeout": "s6", "speech:timeout": "s6"}, dtmf=True, asr=True),
    _state("s1", "accept", modes=["dtmf"], num_digits=2, finish_on_key="*", next="s2", none="s6"),
    _state("s2", "branch", variable="$GATHER", test="EQUAL", values=["12", "3"], then="s3", otherwise="s4"),
    _state("s3", "observe", observe={"event": "matched"}, next="s9"),
    _state("s4", "branch", variable="$GATHER", test="NOTEQUAL", values=["7"], then="s5", otherwise="s9"),
    _play("s5", {"playstate:playfinished": "s9"}),
    _state("s6", "observe", observe={"event": "gather", "input": ""}, next="s7"),
    _state("s7", "clear", next="s8"),
    _state("s8", "branch", variable="$GATHER", test="EQUAL", values=[""], then="s3", otherwise="s9"),
    END,
)


def _at_menu(gather: str = "") -> Execution:
    return Execution("s0", variables={INPUT_VARIABLE: gather}, answered=True)


@pytest.mark.parametrize(
    "result, gathered, then",
    [
        ({"playstate": "digitcollected", "digit": 12}, "12", "matched"),  # accept, branch EQUAL holds
        ({"playstate": "digitcollected", "digit": "3*9"}, "3", "matched"),  # finish key
        ({"playstate": "digitcollected", "digits": "1234"}, "12", "matched"),  # numDigits
        ({"playstate": "digitcollected", "digit": "4"}, "4", "play s5"),  # EQUAL fails, NOTEQUAL '7' holds
        ({"playstate": "digitcollected", "digit": 7}, "7", "hangup"),  # both fail
        ({"state": "recognized", "playstate": "speech_recognized", "text": "12"}, None, "matched"),  # speech to a dtmf-only accept: none
        ({"playstate": "digitcollected", "digit": "*"}, None, "matched"),  # only a finish key: none
    ],
)
def test_accept_and_branch_are_pure_steps(result: dict[str, Any], gathered: str | None, then: str) -> None:
    execution, actions = step(MENU, _at_menu(gather="old"), webhook(prompt_ref="s0", **result))
    if gathered is None:  # no input: observe the empty gather, clear $GATHER, EQUAL '' holds
        assert observed(actions)[:1] == [{"event": "gather", "input": ""}]
        assert execution.gather == ""
    else:
        assert observed(actions)[:1] == [{"event": "gather", "input": gathered}]
        assert execution.gather == gathered
    assert execution.last_input is None  # accept consumed it
    if then == "matched":
        assert observed(actions)[-1] == {"event": "matched"}
    if then == "play s5":
        assert execution.state == "s5" and requests(actions) == [("PUT", PLAY)]
    else:
        assert execution.ended and requests(actions) == [("DELETE", CALL)]
        assert actions[-1] == {"type": "end", "reason": "hangup"}


def test_observe_emits_a_copy_of_its_event() -> None:
    plan = hand_plan(_state("s0", "observe", observe={"event": "capped", "after": 3}, next="s9"), END)
    execution, _ = start(plan, "inbound")
    execution, _ = step(plan, execution, webhook(state="incomingcall"))
    execution, actions = step(plan, execution, webhook(state="connected"))
    assert observed(actions) == [{"event": "capped", "after": 3}]
    observed(actions)[0]["after"] = 99
    assert plan["states"][0]["observe"] == {"event": "capped", "after": 3}


def test_a_webhook_for_a_pure_state_never_waits_there() -> None:
    # Pure states run at once: an execution is never left in one.
    for event in (webhook(prompt_ref="s0", playstate="digitcollected", digit=1), webhook(prompt_ref="s0", playstate="menutimeout")):
        execution, _ = step(MENU, _at_menu(), event)
        assert execution.ended or MENU["states"][int(execution.state[1:])]["kind"] not in ("branch", "accept", "observe", "clear")


# --------------------------------------------------------------------------- waits and fetches

WAITS = hand_plan(
    _state("s0", "wait", seconds=5, next="s1"),
    _state("s1", "redirect", url="https://example.com/next.xml", method="GET", next="s2"),
    _play("s2", {"playstate:playfinished": "s9"}),
    END,
)


def test_a_wait_is_observed_and_ends_on_the_timer_only() -> None:
    execution, actions = step(WAITS, Execution(PENDING_INBOUND), webhook(state="connected"))
    assert actions == [
        {"type": "observe", "event": {"event": "pause", "seconds": 5}},
        {"type": "wait", "seconds": 5, "state": "s0", "timer": 1},
    ]
    stale_timer = {"type": "timer", "timer": 0}  # a timer the plan started earlier and no longer waits for
    for not_a_timer in (webhook(playstate="playfinished", prompt_ref="s0"), webhook(state="bridged"), {"type": "fetch", "ok": False}, stale_timer):
        assert step(WAITS, execution, not_a_timer) == (execution, [])
    execution, actions = step(WAITS, execution, {"type": "timer"})
    assert actions == [
        {"type": "observe", "event": {"event": "redirect", "url": "https://example.com/next.xml", "method": "GET"}},
        {"type": "fetch", "url": "https://example.com/next.xml", "method": "GET", "state": "s1"},
    ]
    assert execution.state == "s1"


def test_a_fetched_redirect_ends_this_plan() -> None:
    execution = Execution("s1", answered=True)
    assert step(WAITS, execution, {"type": "timer"}) == (execution, [])
    assert step(WAITS, execution, webhook(playstate="playfinished")) == (execution, [])
    done, actions = step(WAITS, execution, {"type": "fetch", "ok": True})
    assert done.ended and actions == [{"type": "end", "reason": "redirected"}]


def test_a_failed_fetch_falls_through() -> None:
    execution, actions = step(WAITS, Execution("s1", answered=True), {"type": "fetch", "ok": False})
    assert execution.state == "s2" and requests(actions) == [("PUT", PLAY)]
    # A timer now is stale (the play is not a wait): ignored.
    assert step(WAITS, execution, {"type": "timer"}) == (execution, [])


def test_step_does_not_change_the_plan() -> None:
    plan = compiled(KITCHEN_SINK)
    before = copy.deepcopy(plan)
    execution, _ = answered(plan)
    for _ in range(5):
        execution, actions = step(plan, execution, webhook(playstate="playfinished", prompt_ref=execution.state))
        execution, actions = step(plan, execution, {"type": "timer"})
    assert plan == before


def test_a_plan_index_steps_as_the_plan_does() -> None:
    """The runtime steps a PlanIndex built once; by hand, the plan itself: the same answers."""
    plan = compiled(PIN)
    index = PlanIndex(plan)
    events = [
        webhook(state="incomingcall"),
        webhook(state="connected"),
        webhook(playstate="digitcollected", digit="1234", prompt_ref="s0"),
        webhook(playstate="playfinished", prompt_ref=states(plan)["s0"]["on"].get("playstate:digitcollected", "s0")),
        webhook(state="disconnected"),
    ]
    by_plan, by_index = start(plan, "outbound"), start(index, "outbound")
    assert by_plan == by_index
    by_plan, by_index = start(plan, "inbound"), start(index, "inbound")
    for event in events:
        by_plan = step(plan, by_plan[0], event)
        by_index = step(index, by_index[0], event)
        assert by_plan == by_index, event
    assert by_plan[0].ended
