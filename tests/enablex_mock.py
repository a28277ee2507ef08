"""A mock EnableX Core Voice platform, and a runner that drives a compiled plan against it.

    trace = run_plan(plan, CallerScript(inputs=[Input("dtmf", "1")]), entry="inbound")

The runner is the package's runtime (``voxxml.targets.enablex.runtime``), as a live
runner's would be: the mock is its ``Transport`` (``MockEnableX.send``) and ``Run`` its
``Host``; only the platform's side and the order of events are the mock's own.

The mock answers the requests the EnableX Core Voice reference documents
(``/work/shared/spec/enablex-core-voice-api.txt``) and sends the webhooks it
documents, for a scripted caller (``voxxml.runtime.caller.CallerScript``):

- inbound: ``state: incomingcall``; ``PUT .../accept`` answers 200 and sends
  ``state: connected``. A ``DELETE`` before the accept rejects the call (trace
  ``reject``).
- outbound: ``POST /voice/v1/call`` answers with a voice_id (``state: initiated``)
  and sends ``ringing`` then ``connected``; an ``action_on_connect`` play or
  connect is then performed as if it had been requested.
- ``PUT .../play``: a ``say`` (text, language, voice) or ``play`` (url) event; a URL
  that is not HTTPS is not fetched ("The file must be served over HTTPS"):
  ``playstate: failed`` and nothing heard. With ``dtmf`` and/or ``asr`` the caller is
  asked for their next input: DTMF -> ``playstate: digitcollected`` with the keys;
  speech (with ``asr``) -> ``state: recognized`` + ``playstate: speech_recognized`` +
  ``text`` (blank speech -> ``unrecognized``); nothing usable -> ``menutimeout`` (dtmf)
  or speech ``timeout`` (asr only; with both, either). The prompt's own
  ``playfinished`` may come first (the input follows the prompt; EnableX's inbound
  sample guards against it), and for a DTMF play without input EnableX's own
  ``menutimeout`` may never come in time: the plan's timer must end the wait. A play
  that does not listen -> ``playfinished``. Every play event echoes ``prompt_ref``.
- ``PUT .../connect``: the caller's next dial outcome; ``dial`` event; answered ->
  ``bridging``, ``bridged``, ``bridge_disconnected`` (or ``bridged_disconnected``,
  the reference's other spelling); otherwise ``bridging``, ``failed``.
- ``DELETE`` after the accept: ``hangup`` event, then ``state: disconnected``.

A plan's ``conference`` action (EX201) is the runner's: the mock's runner joins the
call and the caller leaves at once, so the plan goes on as the simulator does.

Time is modelled by order: webhooks already sent are delivered before the runner's
timers run out (the caller's input comes within the Gather's timeout, or not at all).

Harmless variation is applied deterministically (round robin), since the executor
must read webhooks liberally: ``voice_id`` / ``voice_Id``; digits as a JSON number
(only when that loses nothing), as a string, or under ``digits``; an extra
``initiated`` state on bridges.

The caller hangs up as the simulator's ``emit`` says: once the caller has experienced
``hangup_after`` things (``voxxml.runtime.trace.units``: events, speech that continues an
utterance counting once), the next new thing is not recorded: ``caller-hangup`` is,
``state: disconnected`` is sent and the call stops.

Anything a real platform would refuse (a play before the call is answered, a play
while another is still playing, a malformed body, an unknown endpoint) raises
``ProtocolError``: the plan or the executor is at fault, not the caller.
"""

from __future__ import annotations

import copy
import json
import re
from collections import deque
from functools import cache
from itertools import count
from typing import Any

import jsonschema

from voxxml.runtime.caller import Caller, CallerScript, Input
from voxxml.runtime.simulator import DEFAULT_LOOP_CAP
from voxxml.targets.enablex import plan_schema
from voxxml.targets.enablex.executor import Action
from voxxml.targets.enablex.plan import Plan, Request
from voxxml.targets.enablex.runtime import Call, Runtime
from voxxml.runtime.trace import Event, continues, units

CLI = "15550009999"
CALLED = "15550001234"
EVENT_URL = "https://runner.example.com/enablex/events"
PLACEHOLDERS = {"{cli}": CLI, "{to}": CALLED, "{event_url}": EVENT_URL}
_CALL_PATH = re.compile(r"^/voice/v1/call/(?P<voice_id>[^/]+)(?:/(?P<action>accept|play|connect))?$")


class ProtocolError(AssertionError):
    """A request the EnableX reference does not allow at this point of the call."""


class PlanStuck(AssertionError):
    """The plan stopped reacting: no request, wait or fetch outstanding, and not ended."""


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = plan_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


_VALIDATED: set[str] = set()  # plans (as JSON) already validated: the same plan is often run twice


def validate_plan(plan: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` unless the plan matches plan.schema.json, and check
    what the schema cannot say: every state id referenced exists, ids are unique."""
    text = json.dumps(plan, sort_keys=True)
    if text in _VALIDATED:
        return
    _validator().validate(plan)
    ids = [state["id"] for state in plan["states"]]
    assert len(ids) == len(set(ids)), f"duplicate state ids: {ids}"
    known = set(ids)
    refs = [plan["start"], plan["entries"]["inbound"].get("next"), plan["entries"]["outbound"]["folds"]]
    refs += list(plan["entries"]["inbound"].get("events", {}).values()) + list(plan["entries"]["outbound"]["events"].values())
    for state in plan["states"]:
        refs += [state.get(name) for name in ("next", "none", "then", "otherwise", "again", "done", "timeout", "prompt")]
        refs += list(state.get("on", {}).values())
    missing = {ref for ref in refs if ref is not None and ref not in known}
    assert not missing, f"plan refers to states it does not have: {sorted(missing)}"
    if len(_VALIDATED) > 10_000:
        _VALIDATED.clear()
    _VALIDATED.add(text)


class MockEnableX:
    """One call on a mock EnableX platform, for one scripted caller."""

    def __init__(self, script: CallerScript, entry: str = "inbound", voice_id: str = "3d561239-a1e8-43dd-bd6d-73f60b027a81") -> None:
        assert entry in ("inbound", "outbound")
        self.script = script
        self.caller = Caller(script)
        self.entry = entry
        self.voice_id = voice_id
        self.trace: list[Event] = []
        self.outbox: deque[tuple[dict[str, Any], str | None]] = deque()  # webhooks not yet delivered, and what each ends
        self.phase = "idle"  # idle, ringing (inbound, not accepted), connected, ended
        self.playing: str | None = None  # prompt_ref of the play whose result is not sent yet
        self.bridging = False  # a connect whose result is not sent yet
        self.caller_hung_up = False
        self.requests: list[dict[str, Any]] = []  # every request received, as sent
        self._ids = count()  # voice_id / voice_Id
        self._digit_styles = count()  # number / string / digits
        self._bridges = count()  # an extra 'initiated' or not; bridge_disconnected / bridged_disconnected
        self._recognitions = count()  # an asr play: 'playfinished' before the result or not; which no-input event
        self._keypads = count()  # a dtmf-only play: 'playfinished' before the result or not; menutimeout or none
        self.delivered: list[dict[str, Any]] = []  # every webhook sent, in order

    # ------------------------------------------------------------ recording
    def record(self, event: Event) -> bool:
        """Record what the caller experiences; False when the caller hung up instead."""
        if self.phase == "ended":
            raise ProtocolError(f"event {event} after the call ended")
        limit = self.script.hangup_after
        previous = self.trace[-1] if self.trace else None
        if limit is not None and not continues(previous, event) and units(self.trace) >= limit:
            self.trace.append({"event": "caller-hangup"})
            self.caller_hung_up = True
            self.phase = "ended"
            self.playing = None
            self.bridging = False
            self.notify({"state": "disconnected", "disconnect_reason": "Normal Clearing"})
            return False
        self.trace.append(event)
        return True

    # ------------------------------------------------------------- webhooks
    def notify(self, fields: dict[str, Any], ends: str | None = None) -> None:
        """Queue a webhook, with the call's id under one of its two documented spellings.
        ``ends``: "play" or "bridge" when the webhook is the result of the play or bridge in progress."""
        key = "voice_id" if next(self._ids) % 2 == 0 else "voice_Id"
        self.outbox.append(({key: self.voice_id, "from": CLI, "to": CALLED, **fields, "timestamp": "2020-02-16T10:52:00Z"}, ends))

    def deliver(self) -> dict[str, Any] | None:
        """The next webhook, as EnableX posts it to the event_url; None when there is none."""
        if not self.outbox:
            return None
        webhook, ends = self.outbox.popleft()
        self.delivered.append(webhook)
        if ends == "play":
            self.playing = None  # the play's result is out: the next play may start
        elif ends == "bridge":
            self.bridging = False
        return webhook

    def ring(self) -> None:
        """An inbound call arrives."""
        assert self.entry == "inbound" and self.phase == "idle"
        self.phase = "ringing"
        self.notify({"state": "incomingcall"})

    # ------------------------------------------------------------- requests
    def send(self, request: Request) -> dict[str, Any]:
        """The runtime's transport (voxxml.targets.enablex.runtime.Transport). Once the caller has
        hung up, requests are lost (the plan learns it from the disconnected webhook on its way)."""
        if self.caller_hung_up:
            return {}
        return self.request(request["method"], request["path"], request.get("body"))

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """Handle one REST request; returns the response body (webhooks go to the outbox)."""
        self.requests.append({"method": method, "path": path, "body": copy.deepcopy(body)})
        if self.phase == "ended":
            raise ProtocolError(f"{method} {path} after the call ended")
        if method == "POST" and path == "/voice/v1/call":
            return self._create(body or {})
        match = _CALL_PATH.match(path)
        if match is None:
            raise ProtocolError(f"no such endpoint: {method} {path}")
        if match["voice_id"] != self.voice_id:
            raise ProtocolError(f"{method} {path}: unknown voice_id {match['voice_id']!r} (placeholder not filled?)")
        action = match["action"]
        if method == "PUT" and action == "accept":
            return self._accept()
        if method == "PUT" and action == "play":
            return self._play(body)
        if method == "PUT" and action == "connect":
            return self._connect(body)
        if method == "DELETE" and action is None:
            return self._delete()
        raise ProtocolError(f"no such endpoint: {method} {path}")

    def _ok(self, **fields: Any) -> dict[str, Any]:
        return {"voice_id": self.voice_id, **fields, "timestamp": "2020-02-16T10:52:00Z"}

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.entry != "outbound" or self.phase != "idle":
            raise ProtocolError("POST /voice/v1/call: a call is already in progress")
        for name in ("from", "to", "event_url"):
            if not isinstance(body.get(name), str) or "{" in body[name]:
                raise ProtocolError(f"POST /voice/v1/call: {name!r} missing or not filled: {body.get(name)!r}")
        action = body.get("action_on_connect")
        if action is not None and (not isinstance(action, dict) or len(action) != 1 or set(action) - {"play", "connect"}):
            raise ProtocolError(f"POST /voice/v1/call: action_on_connect must be one play or connect: {action!r}")
        self.phase = "connected"
        self.notify({"state": "ringing"})
        self.notify({"state": "connected"})
        if action is not None:
            if "play" in action:
                self._play(action["play"])
            else:
                self._connect(action["connect"])
        return self._ok(state="initiated", **{"from": body["from"], "to": body["to"]})

    def _accept(self) -> dict[str, Any]:
        if self.phase != "ringing":
            raise ProtocolError(f"PUT accept in phase {self.phase}")
        self.phase = "connected"
        self.notify({"state": "connected"})
        return self._ok(status="success")

    def _connected(self, what: str) -> None:
        if self.phase != "connected":
            raise ProtocolError(f"{what} before the call is connected (phase {self.phase})")
        if self.playing is not None:
            raise ProtocolError(f"{what} while prompt {self.playing!r} is still playing (result 6114)")
        if self.bridging:
            raise ProtocolError(f"{what} while a bridge is in progress (result 6112)")

    def _play(self, body: dict[str, Any] | None) -> dict[str, Any]:
        self._connected("play")
        if not isinstance(body, dict):
            raise ProtocolError(f"play without a body: {body!r}")
        allowed = {"prompt_ref", "prompt_name", "text", "language", "voice", "url", "ssml", "dtmf", "asr", "text_to_speech_option"}
        if set(body) - allowed:
            raise ProtocolError(f"play: unknown fields {sorted(set(body) - allowed)}")
        ref = body.get("prompt_ref")
        if "text" in body:
            if body.get("voice") not in ("male", "female") or not isinstance(body.get("language"), str):
                raise ProtocolError(f"play: TTS needs voice male/female and a language: {body!r}")
            option = body.get("text_to_speech_option") or {}
            separate = option.get("say-as", {}).get("interpret-as") == "number_digit"
            event: Event = {"event": "say", "text": body["text"], "gender": body["voice"], "language": body["language"], "separate_numbers": separate}
        elif "url" in body:
            if not str(body["url"]).lower().startswith("https://"):
                self.playing = str(ref)
                self._play_result(ref, {"playstate": "failed", "result": 400, "msg": "Media Request Failed"})
                return self._ok(playstate="initiated")
            event = {"event": "play", "url": body["url"]}
        else:
            raise ProtocolError(f"play: neither text nor url: {body!r}")
        if not self.record(event):
            return self._ok(playstate="initiated")
        self.playing = str(ref)
        dtmf, asr = body.get("dtmf") is True, body.get("asr") is True
        if dtmf or asr:
            self._listen(ref, dtmf, asr)
        else:
            self._play_result(ref, {"playstate": "playfinished"})
        return self._ok(playstate="initiated")

    def _play_result(self, ref: Any, fields: dict[str, Any], final: bool = True) -> None:
        if ref is not None:
            fields = {**fields, "prompt_ref": ref}
        self.notify(fields, "play" if final else None)

    def _listen(self, ref: Any, dtmf: bool, asr: bool) -> None:
        given: Input = self.caller.next_input()
        variation = next(self._recognitions)
        if asr and variation % 2:
            # Recognition follows the prompt: the prompt itself finished first.
            self._play_result(ref, {"playstate": "playfinished"}, final=False)
        elif not asr:
            keypad = next(self._keypads) % 3
            if keypad:
                # The prompt finished first; a new play may now be sent (the reference: wait for
                # playfinished, digitcollected or menutimeout), and the digit may still follow.
                self._play_result(ref, {"playstate": "playfinished"})
                if keypad == 2 and not (given.kind == "dtmf" and given.value):
                    return  # no menutimeout in time: the plan's own timer ends the wait
        if given.kind == "dtmf" and dtmf and given.value:
            self._play_result(ref, {"playstate": "digitcollected", **self._digits(given.value)})
        elif given.kind == "speech" and asr:
            if given.value.strip():
                self._play_result(ref, {"state": "recognized", "text": given.value, "reason": "Recognized", "playstate": "speech_recognized"})
            else:
                self._play_result(ref, {"state": "unrecognized", "reason": "Unrecognized", "playstate": "speech_recognized"})
        elif dtmf and not (asr and variation % 4 >= 2):
            self._play_result(ref, {"playstate": "menutimeout"})
        else:
            self._play_result(ref, {"state": "timeout", "reason": "Timeout", "playstate": "speech_recognized"})

    def _digits(self, keys: str) -> dict[str, Any]:
        """The keys, as one of the representations EnableX uses."""
        style = next(self._digit_styles) % 3
        if style == 0 and keys.isdigit() and str(int(keys)) == keys:
            return {"digit": int(keys)}  # as in the reference's examples
        if style == 2:
            return {"digits": keys}
        return {"digit": keys}

    def _connect(self, body: dict[str, Any] | None) -> dict[str, Any]:
        self._connected("connect")
        if not isinstance(body, dict) or set(body) != {"from", "to"} or not all(isinstance(v, str) and v and "{" not in v for v in body.values()):
            raise ProtocolError(f"connect needs exactly from and to, filled in: {body!r}")
        outcome = self.caller.next_dial()
        event: Event = {"event": "dial", "numbers": [body["to"]], "outcome": outcome.outcome}
        if outcome.outcome == "answered":
            event["seconds"] = outcome.seconds
        if not self.record(event):
            return self._ok(state="initiated")
        self.bridging = True
        variation = next(self._bridges)
        if variation % 2:
            self.notify({"state": "initiated"})  # listed among the bridge states; harmless
        self.notify({"state": "bridging"})
        if outcome.outcome == "answered":
            self.notify({"state": "bridged"})
            # The reference spells it both ways (bridge events; outbound-call states).
            self.notify({"state": "bridge_disconnected" if variation % 4 < 2 else "bridged_disconnected"}, "bridge")
        else:
            reason = {"busy": "User Busy", "no-answer": "No Answer", "failed": "Failed"}[outcome.outcome]
            self.notify({"state": "failed", "reason": reason}, "bridge")
        return self._ok(state="initiated", **body)

    def _delete(self) -> dict[str, Any]:
        if self.phase == "ringing":
            if self.record({"event": "reject"}):
                self.phase = "ended"
                self.notify({"state": "disconnected", "disconnect_reason": "Call Rejected"})
            return self._ok(state="success")
        if self.phase != "connected":
            raise ProtocolError(f"DELETE in phase {self.phase}")
        if self.playing is not None or self.bridging:
            raise ProtocolError("DELETE while a play or bridge result is outstanding")
        if self.record({"event": "hangup"}):
            self.phase = "ended"
            self.notify({"state": "disconnected", "disconnect_reason": "Normal Clearing"})
        return self._ok(state="success")


# --------------------------------------------------------------------------- the runner


class Run:
    """A plan run against the mock by the package's runtime (voxxml.targets.enablex.runtime): the
    mock is its transport, and this its host (timers, conferences and fetches come back as
    events, in order, once the mock has no webhook left to deliver)."""

    def __init__(self, plan: dict[str, Any], script: CallerScript, entry: str = "inbound", max_events: int = 200_000, store: bool = False) -> None:
        validate_plan(plan)
        # Run what a runner would load: the plan as JSON, with no shared objects.
        self.plan: Plan = json.loads(json.dumps(plan))
        self.script = script
        self.entry = entry
        self.mock = MockEnableX(script, entry)
        self.internal: deque[dict[str, Any]] = deque()  # timer and fetch results
        self.max_events = max_events
        self.store = store  # keep the call as JSON between events, as a store of a live runner would
        self.call: Call | None = None

    @property
    def trace(self) -> list[Event]:
        return self.mock.trace

    def run(self) -> list[Event]:
        runtime = Runtime(self.plan, self.mock, self, PLACEHOLDERS)
        if self.entry == "inbound":
            self.mock.ring()
        call = runtime.start(self.entry)
        for _ in range(self.max_events):
            event = self.mock.deliver()  # webhooks sent come before the timers run out
            if event is None:
                if not self.internal:
                    break
                event = self.internal.popleft()
            if self.store:
                call = Call.from_dict(json.loads(json.dumps(call.to_dict())))
            call = runtime.on_event(call, event)
        else:
            raise PlanStuck(f"more than {self.max_events} events")
        self.call = call
        self.check_end(call)
        return self.trace

    # ------------------------------------------------------------- the host
    def _gone(self, action: Action) -> bool:
        """True when the caller has hung up (the action is moot); an error when the plan ended the call."""
        if self.mock.phase != "ended":
            return False
        if self.mock.caller_hung_up:
            return True  # the caller is gone; the disconnected webhook is on its way
        raise ProtocolError(f"action {action} after the call ended")

    def wait(self, call: Call, action: Action) -> None:
        if not self._gone(action):
            assert isinstance(action["seconds"], int) and action["seconds"] >= 0
            self.internal.append({"type": "timer", "timer": action["timer"]})

    def conference(self, call: Call, action: Action) -> None:
        if not self._gone(action):
            self.internal.append({"type": "conference"})  # the runner joins; the caller leaves at once

    def fetch(self, call: Call, action: Action) -> None:
        if not self._gone(action):
            self.internal.append({"type": "fetch", "ok": not self.script.redirect_fails})

    def observe(self, call: Call, event: dict[str, Any]) -> None:
        if not self._gone({"type": "observe", "event": event}):
            self.mock.record(dict(event))

    def check_end(self, call: Call) -> None:
        if not call.ended:
            raise PlanStuck(f"the plan waits in state {call.execution.state!r} but nothing more will happen; trace {self.trace}")
        if self.mock.caller_hung_up:
            # The disconnected webhook ended the plan, or the plan ended itself at the same moment.
            assert call.end_reason in ("disconnected", "hangup", "reject", "redirected"), call.end_reason
        elif call.end_reason == "redirected":
            assert self.trace and self.trace[-1]["event"] in ("redirect", "fetch")
        else:
            assert call.end_reason in ("hangup", "reject"), call.end_reason
            assert self.mock.phase == "ended", "the plan ended but the call is still up"
            assert self.trace[-1]["event"] == call.end_reason


def run_plan(plan: dict[str, Any], script: CallerScript | None = None, entry: str = "inbound", loop_cap: int = DEFAULT_LOOP_CAP) -> list[Event]:
    """Run a plan against the mock platform for a scripted caller; the caller-observable trace.

    ``loop_cap`` is the cap the plan was compiled with: a finite plan whose run takes
    more events than its loops could produce is stuck.
    """
    budget = 10_000 + 1_000 * loop_cap * max(1, len(plan.get("states", ())))
    return Run(plan, script or CallerScript(), entry, max_events=budget).run()


__all__ = ["CALLED", "CLI", "EVENT_URL", "PLACEHOLDERS", "MockEnableX", "PlanStuck", "ProtocolError", "Run", "run_plan", "validate_plan"]
