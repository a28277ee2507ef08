"""The runner's core: one event of one call, under that call's lock, through the plan runtime.

    engine.handle_webhook(body, call_hint)   # POST /enablex/events
    engine.start_outbound(plan, to, cli)      # POST /calls
    engine.fire_timer(call_id, timer)         # a claimed timer is due

Everything here is synchronous (the runtime's ``Transport`` is), run in worker threads by the
ASGI app. For each event the engine takes the call's lock (store.locked), loads the call, steps it
with ``voxxml.targets.enablex.runtime.Runtime`` (the plan indexed once per plan; transport, host
and placeholder values bound per call), and writes the call back. The call is also written before
each REST request (``_Turn.send``), with the request marked in flight, so a runner killed at any
point leaves the call at its last step, and a step whose request went out is never sent again.

The host's actions in a live runner: ``wait`` stores a timer (due time in the store: whichever
runner is alive fires it); ``observe`` appends to the call's trace (``voxxml simulate``'s events);
``conference`` (EX201: EnableX Core Voice has none) and ``fetch`` (EX206: this runner does not
fetch documents at run time) are logged as warnings and answered at once: the conference as left,
the fetch as failed, so the plan goes on with the state the Redirect names.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import logging
import threading
import time
import uuid
from collections import deque
from typing import Any, Callable

from ..targets.enablex.executor import PENDING_INBOUND, PENDING_OUTBOUND, event_key
from ..targets.enablex.plan import Request
from ..targets.enablex.runtime import Call, PlanError, Runtime, webhook_voice_id
from .client import EnableXClient, RestFailure
from .config import ServeConfig
from .logs import log
from .metrics import Metrics
from .store import CallRecord, Store

# What the reference documents (call, play, bridge, speech, recording and DTMF events). Anything
# else is refused (422): a typo in a mock or a forged event, not something to step a call with.
KNOWN_STATES = frozenset(
    "incomingcall initiated ringing connected disconnected bridging bridged bridged_disconnected bridge_disconnected"
    " failed recognized unrecognized timeout started completed dtmfcollected success".split()
)
KNOWN_PLAYSTATES = frozenset("initiated playfinished digitcollected menutimeout failed speech_recognized".split())
MAX_ID = 200
MAX_RECOVERIES = 50


class Reply(dict):
    """A JSON answer with its HTTP status."""

    def __init__(self, status: int, **fields: Any) -> None:
        super().__init__(fields)
        self.status = status


def fingerprint(body: dict[str, Any]) -> str:
    """A webhook's identity: all of its fields (EnableX stamps each with its time, so a second
    delivery is the same, and two events are not)."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def problem(body: Any) -> str | None:
    """Why a webhook body cannot be a webhook, or None."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    voice_id = webhook_voice_id(body)
    if not isinstance(voice_id, str) or not voice_id or len(voice_id) > MAX_ID:
        return "no voice_id (or voice_Id) string"
    for name in ("state", "playstate", "prompt_ref", "text"):
        if name in body and body[name] is not None and not isinstance(body[name], (str, int)):
            return f"{name} is neither a string nor a number"
    for name in ("digit", "digits"):
        if name in body and body[name] is not None and (not isinstance(body[name], (str, int)) or isinstance(body[name], bool)):
            return f"{name} is neither a string nor a number"
    state, playstate = body.get("state"), body.get("playstate")
    if state is None and playstate is None:
        return "neither state nor playstate: not an event this runner knows"
    if state is not None and str(state) not in KNOWN_STATES:
        return f"unknown state {str(state)[:40]!r}"
    if playstate is not None and str(playstate) not in KNOWN_PLAYSTATES:
        return f"unknown playstate {str(playstate)[:40]!r}"
    return None


class _Inert:
    """The transport and host a shared Runtime holds between calls: each call binds its own."""

    def send(self, request: Request) -> dict[str, Any]:
        raise PlanError("no call is bound to this runtime")

    def wait(self, call: Call, action: Any) -> None: ...
    def conference(self, call: Call, action: Any) -> None: ...
    def fetch(self, call: Call, action: Any) -> None: ...
    def observe(self, call: Call, event: Any) -> None: ...


class _Turn:
    """One event of one call: its transport and host, collecting what to store."""

    def __init__(self, engine: Engine, record: CallRecord, call: Call) -> None:
        self.engine = engine
        self.record = record
        self.call = call
        self.internal: deque[dict[str, Any]] = deque()
        self.add_timers: dict[int, float] = {}
        self.fired: list[int] = []
        self.requests = 0

    # Transport
    def send(self, request: Request) -> dict[str, Any]:
        data = self.record.data
        data["pending"] = {"method": request["method"], "path": request["path"], "status": "sending", "state": self.call.execution.state}
        self.engine.write(self)  # before the request: a runner killed now leaves the call here
        self.requests += 1
        try:
            response = self.engine.client.send(request)
        except RestFailure:
            data["pending"]["status"] = "failed"
            raise
        data["pending"]["status"] = "sent"
        return response

    # Host
    def wait(self, call: Call, action: Any) -> None:
        self.add_timers[int(action["timer"])] = time.time() + float(action["seconds"]) * self.engine.config.time_scale

    def conference(self, call: Call, action: Any) -> None:
        log("conference not joined: EnableX Core Voice has no conference (EX201); the plan goes on", logging.WARNING, call=self.record.call_id, conference=action.get("name"))
        self.internal.append({"type": "conference"})

    def fetch(self, call: Call, action: Any) -> None:
        log("redirect not followed: this runner does not fetch documents at run time (EX206); the plan goes on as after a failed fetch", logging.WARNING, call=self.record.call_id, url=action.get("url"))
        self.internal.append({"type": "fetch", "ok": False})

    def observe(self, call: Call, event: Any) -> None:
        self.record.data["observed"].append(dict(event))


class Engine:
    def __init__(self, config: ServeConfig, store: Store, metrics: Metrics | None = None, client: EnableXClient | None = None) -> None:
        self.config = config
        self.store = store
        self.metrics = metrics or Metrics()
        self.runtimes = {key: Runtime(loaded.plan, _Inert(), _Inert(), {}) for key, loaded in config.plans.items()}
        self.client = client or EnableXClient(
            config.enablex_url, config.credentials.app_id, config.credentials.app_key, backoff=config.retry_backoff, observer=self._rest_observed
        )
        self.on_timer: Callable[[float], None] | None = None  # the timer loop's wake-up, set by the app
        self._current = threading.local()

    # ------------------------------------------------------------------ entry points

    def handle_webhook(self, body: Any, call_hint: str | None = None) -> Reply:
        started = time.perf_counter()
        reply = self._webhook(body, call_hint)
        seconds = time.perf_counter() - started
        outcome = reply.get("outcome", "error")
        self.metrics.count("voxxml_webhooks_total", outcome=outcome)
        self.metrics.observe("voxxml_webhook_seconds", seconds)
        fields = body if isinstance(body, dict) else {}
        level = logging.INFO if reply.status < 400 else logging.WARNING
        log(
            "webhook",
            level,
            call=reply.get("call_id"),
            voice_id=reply.get("voice_id"),
            event=event_key(fields) if fields else None,
            state=reply.get("state"),
            outcome=outcome,
            reason=reply.get("reason"),
            status=reply.status,
            ms=round(seconds * 1000, 2),
        )
        return reply

    def _webhook(self, body: Any, call_hint: str | None) -> Reply:
        wrong = problem(body)
        if wrong is not None:
            return Reply(400 if "JSON" in wrong or "voice_id" in wrong or "neither a" in wrong else 422, outcome="malformed", reason=wrong)
        voice_id = webhook_voice_id(body)
        key = event_key(body)
        call_id: str | None
        if call_hint is not None:
            record = self.store.read(call_hint)
            if record is None or (record.voice_id is not None and record.voice_id != voice_id):
                return Reply(404, outcome="unknown_call", reason="no such call for this voice_id", voice_id=voice_id)
            call_id = call_hint
        else:
            call_id = self.store.find(voice_id)
        if call_id is None:
            if key != "state:incomingcall":
                return Reply(404, outcome="unknown_call", reason="unknown voice_id", voice_id=voice_id)
            created = self._create_inbound(body, voice_id)
            if isinstance(created, Reply):
                return created
            call_id = created
        return self._locked_event(call_id, body, fingerprint(body))

    def _create_inbound(self, body: dict[str, Any], voice_id: str) -> str | Reply:
        loaded = self.config.plan_for_number(body.get("to"))
        if loaded is None:
            return Reply(404, outcome="no_route", reason=f"no plan serves the number {str(body.get('to'))[:40]!r}", voice_id=voice_id)
        runtime = self.runtimes[loaded.key]
        call = runtime.start("inbound")
        placeholders = {"{cli}": str(body.get("to", "")), "{to}": str(body.get("from", "")), "{event_url}": self.config.public_url + "/enablex/events"}
        record = CallRecord(voice_id, voice_id, loaded.key, self._data(call, placeholders, "inbound", body.get("from"), body.get("to")))
        if self.store.create(record):
            self.metrics.count("voxxml_calls_started_total", entry="inbound")
        return voice_id

    @staticmethod
    def _data(call: Call, placeholders: dict[str, str], entry: str, caller: Any, called: Any) -> dict[str, Any]:
        return {
            "call": call.to_dict(),
            "placeholders": placeholders,
            "entry": entry,
            "from": None if caller is None else str(caller),
            "to": None if called is None else str(called),
            "observed": [],
            "last_webhook": None,
            "pending": None,
            "events": 0,
            "ignored": 0,
            "failures": [],
        }

    def start_outbound(self, plan_name: str | None, to: str, cli: str) -> Reply:
        loaded = self.config.plan_named(plan_name)
        if loaded is None:
            names = ", ".join(sorted(p.name for p in self.config.plans.values()))
            return Reply(404, outcome="no_plan", reason=f"no plan named {str(plan_name)[:80]!r}; the plans are: {names}")
        call_id = "out-" + uuid.uuid4().hex
        placeholders = {"{cli}": cli, "{to}": to, "{event_url}": f"{self.config.public_url}/enablex/events?call={call_id}"}
        from ..targets.enablex.executor import Execution

        pending = Call("outbound", Execution(PENDING_OUTBOUND))
        record = CallRecord(call_id, None, loaded.key, self._data(pending, placeholders, "outbound", cli, to))
        self.store.create(record)
        self.metrics.count("voxxml_calls_started_total", entry="outbound")
        with self.store.locked(call_id) as record:
            assert record is not None
            runtime = self._bind(self.runtimes[loaded.key], record)
            turn = _Turn(self, record, pending)
            runtime.transport = runtime.host = turn  # type: ignore[assignment]
            self._current.call = call_id
            try:
                execution, actions = _outbound_start(runtime)
                pending.execution = execution
                runtime.perform(pending, actions)
            except RestFailure as failure:
                self._failed(turn, failure)
            finally:
                self._current.call = None
            self.write(turn, ended_now=pending.ended)
            if pending.ended:
                return Reply(502, outcome="failed", call_id=call_id, reason=str(record.data["failures"][-1:] or "the call was not created"))
            return Reply(201, outcome="created", call_id=call_id, voice_id=pending.voice_id)

    def fire_timer(self, call_id: str, timer: int) -> None:
        self.metrics.count("voxxml_timers_fired_total")
        with self.store.locked(call_id) as record:
            if record is None or not self.store.holds_claim(call_id, timer, self.config.instance):
                return  # fired by another runner meanwhile, or the call is gone
            reply = self._event(record, {"type": "timer", "timer": timer}, fired=timer)
        log("timer", call=call_id, timer=timer, state=reply.get("state"), outcome=reply.get("outcome"))

    def status(self, call_id: str) -> Reply:
        record = self.store.read(call_id) or (self.store.read(self.store.find(call_id) or "") if call_id else None)
        if record is None:
            return Reply(404, outcome="unknown_call", reason="no such call")
        call = record.data["call"]
        return Reply(
            200,
            call_id=record.call_id,
            voice_id=record.voice_id,
            plan=record.plan_key,
            ended=record.ended,
            end_reason=call.get("end_reason"),
            state=call["execution"]["state"],
            trace=record.data["observed"],
            pending=record.data.get("pending"),
            timers=sorted(record.timers),
            events=record.data.get("events", 0),
            ignored=record.data.get("ignored", 0),
            failures=record.data.get("failures", []),
        )

    # ------------------------------------------------------------------ one event

    def _locked_event(self, call_id: str, body: dict[str, Any], print_: str) -> Reply:
        with self.store.locked(call_id) as record:
            if record is None:
                return Reply(404, outcome="unknown_call", reason="unknown call")
            earlier = self.store.seen(call_id, print_)
            if earlier is not None:
                return Reply(200, outcome="duplicate", call_id=call_id, voice_id=record.voice_id, reason=f"delivered before ({earlier})")
            reply = self._event(record, body)
            self.store.remember(call_id, print_, reply.get("outcome", "?"), json.dumps(body, default=str)[:4000])
            return reply

    def _event(self, record: CallRecord, event: dict[str, Any], fired: int | None = None) -> Reply:
        runtime = self.runtimes.get(record.plan_key)
        if runtime is None:  # a runner started with another version of the plan: let one that has it answer
            return Reply(503, outcome="plan_not_loaded", call_id=record.call_id, reason=f"plan {record.plan_key} is not loaded on this runner")
        call = Call.from_dict(record.data["call"])
        if call.ended:
            record.data["ignored"] = record.data.get("ignored", 0) + 1
            turn = _Turn(self, record, call)
            turn.fired = [fired] if fired is not None else []
            self.write(turn)
            return Reply(200, outcome="ignored", call_id=record.call_id, voice_id=record.voice_id, state=None, reason=f"the call has ended ({call.end_reason})")
        before = (call.execution, call.voice_id)
        turn = _Turn(self, record, call)
        if fired is not None:
            turn.fired.append(fired)
        bound = self._bind(runtime, record)
        bound.transport = bound.host = turn  # type: ignore[assignment]
        self._current.call = record.call_id
        try:
            self._step(bound, turn, call, event)
        finally:
            self._current.call = None
        if event.get("type", "webhook") == "webhook":
            record.data["last_webhook"] = event
        changed = (call.execution, call.voice_id) != before or turn.requests > 0
        record.data["events"] = record.data.get("events", 0) + 1
        if not changed:
            record.data["ignored"] = record.data.get("ignored", 0) + 1
        self.write(turn, ended_now=call.ended)
        outcome = "handled" if changed else "ignored"
        reason = None if changed else f"does not fit state {call.execution.state}"
        return Reply(200, outcome=outcome, call_id=record.call_id, voice_id=record.voice_id, state=call.execution.state, reason=reason)

    def _step(self, bound: Runtime, turn: _Turn, call: Call, event: dict[str, Any]) -> None:
        try:
            bound.on_event(call, event)
            while turn.internal and not call.ended:
                bound.on_event(call, turn.internal.popleft())
        except RestFailure as failure:
            self._recover(bound, turn, call, failure)
        except PlanError as error:
            log("plan error: hanging up", logging.ERROR, call=turn.record.call_id, error=str(error))
            self._hang_up(turn, call, "plan error")

    def _recover(self, bound: Runtime, turn: _Turn, call: Call, failure: RestFailure) -> None:
        """A request failed for good: take the plan's failure transition (a failed play or bridge)
        or, where it has none, hang up."""
        for _ in range(MAX_RECOVERIES):
            self._failed(turn, failure)
            state_id = call.execution.state
            state = bound.index.states.get(state_id or "", {})
            on = state.get("on", {})
            path = failure.request["path"]
            if path.endswith("/play") and "playstate:failed" in on:
                fallback: dict[str, Any] = {"playstate": "failed", "prompt_ref": state_id}
            elif path.endswith("/connect") and "state:failed" in on:
                fallback = {"state": "failed"}
            else:
                break
            try:
                bound.on_event(call, {**fallback, "voice_id": call.voice_id})
                while turn.internal and not call.ended:
                    bound.on_event(call, turn.internal.popleft())
                return
            except RestFailure as again:
                failure = again
            except PlanError as error:
                log("plan error: hanging up", logging.ERROR, call=turn.record.call_id, error=str(error))
                break
        self._hang_up(turn, call, "failed", skip_delete=failure.request["method"] == "DELETE")

    def _failed(self, turn: _Turn, failure: RestFailure) -> None:
        log(
            "request failed for good",
            logging.ERROR,
            call=turn.record.call_id,
            voice_id=turn.call.voice_id,
            method=failure.request["method"],
            path=failure.request["path"],
            status=failure.status,
            reason=failure.reason,
            state=turn.call.execution.state,
        )
        turn.record.data["failures"].append({"method": failure.request["method"], "path": failure.request["path"], "status": failure.status, "reason": failure.reason})

    def _hang_up(self, turn: _Turn, call: Call, reason: str, skip_delete: bool = False) -> None:
        if call.voice_id and not skip_delete and call.execution.state != PENDING_OUTBOUND:
            try:
                turn.send({"method": "DELETE", "path": f"/voice/v1/call/{call.voice_id}"})
            except RestFailure as failure:
                self._failed(turn, failure)
        call.execution = dataclasses.replace(call.execution, state=None)
        call.end_reason = reason

    # ------------------------------------------------------------------ helpers

    def _bind(self, runtime: Runtime, record: CallRecord) -> Runtime:
        """The plan's runtime (its index shared) with this call's placeholder values."""
        bound = copy.copy(runtime)
        bound.placeholders = dict(record.data["placeholders"])
        return bound

    def write(self, turn: _Turn, ended_now: bool = False) -> None:
        record, call = turn.record, turn.call
        was_ended = record.ended
        record.data["call"] = call.to_dict()
        if call.voice_id is not None:
            record.voice_id = call.voice_id
        record.ended = call.ended
        self.store.save(record, turn.add_timers, turn.fired, all_timers=call.ended)
        if self.on_timer is not None:
            for due in turn.add_timers.values():
                self.on_timer(due)
        turn.add_timers = {}
        turn.fired = []
        if call.ended and not was_ended:
            self.metrics.count("voxxml_calls_ended_total", reason=str(call.end_reason))

    def _rest_observed(self, request: Request, status: int | None, seconds: float, attempt: int) -> None:
        self.metrics.count("voxxml_rest_requests_total", method=request["method"], status=str(status or "none"))
        self.metrics.observe("voxxml_rest_request_seconds", seconds, method=request["method"])
        log(
            "rest",
            logging.INFO if status is not None and status < 400 else logging.WARNING,
            call=getattr(self._current, "call", None),
            method=request["method"],
            path=request["path"],
            status=status,
            attempt=attempt,
            ms=round(seconds * 1000, 2),
        )

    def close(self) -> None:
        self.client.close()


def _outbound_start(runtime: Runtime) -> tuple[Any, list[Any]]:
    """The executor's outbound start (the create-call), over the runtime's own index."""
    from ..targets.enablex.executor import start

    return start(runtime.index, "outbound")


__all__ = ["Engine", "KNOWN_PLAYSTATES", "KNOWN_STATES", "Reply", "fingerprint", "problem", "PENDING_INBOUND"]
