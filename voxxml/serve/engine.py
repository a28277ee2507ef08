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
``conference`` (EX201: EnableX Core Voice has none) is logged as a warning and answered at once
as left; ``fetch`` (a Redirect, EX206) stores a fetch job: a timer numbered below zero, due now, so
one runner claims it (and a restarted one finds it). The job fetches and compiles the document
outside the call's lock (``voxxml.serve.fetch``), keeps the plan in the store under its name@hash
key, then, under the lock, switches the call to that plan and starts it as if the call had just
connected; a fetch that fails (or one past ``max_redirects``) steps the plan with
``{"type": "fetch", "ok": false}``: it goes on with the state the Redirect names.

A turn a runner did not finish (killed between writing a request as ``sending`` and writing it
``sent``, or before carrying out the actions after it) is finished by the next runner that holds
the call's lock: at start, every ``recover_every`` seconds, or when the call's next event comes
(``_resume``; the rules are in docs/serve.md, "Requests in flight when a runner dies").
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import logging
import os
import signal
import threading
import time
import uuid
from collections import deque
from typing import Any, Callable

from ..targets.enablex.executor import PENDING_INBOUND, PENDING_OUTBOUND, Action, Execution, event_key, step
from ..targets.enablex.plan import Request
from ..targets.enablex.runtime import Call, PlanError, Runtime, webhook_voice_id
from .client import EnableXClient, RestFailure, repeatable
from .config import LoadedPlan, ServeConfig
from .fetch import FetchFailed, FetchPolicy, fetch_plan, loggable, target_url
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
MAX_FETCHED_RUNTIMES = 256  # fetched plans kept indexed in memory (all of them stay in the store)
# Tests only: "METHOD PATH-SUFFIX N" makes the runner kill itself (SIGKILL) right after it has
# stored the N-th matching request as in flight, before sending it ("... N after": once it is
# answered, before storing it as sent).
DIE_BEFORE_ENV = "VOXXML_SERVE_TEST_DIE_BEFORE"


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
        self.rest: list[Action] = []  # the step's actions after the one being carried out
        self.cause: str | None = None  # the fingerprint of the event this turn handles

    # Transport
    def send(self, request: Request) -> dict[str, Any]:
        """Send with the request stored first as ``sending`` and after as ``sent`` (or ``failed``),
        each with what is left of the step, so a runner that dies anywhere leaves enough to finish."""
        data = self.record.data
        data["pending"] = {
            "request": dict(request),
            "status": "sending",
            "state": self.call.execution.state,
            "at": time.time(),
            "rest": list(self.rest),
            "internal": list(self.internal),
            "cause": self.cause,
        }
        self.engine.write(self)  # before the request: a runner killed now leaves the call here
        self.engine.maybe_die(request, "before")
        self.requests += 1
        try:
            response = self.engine.client.send(request)
            self.engine.maybe_die(request, "after")
        except RestFailure as failure:
            data["pending"].update(status="failed", http_status=failure.status, reason=failure.reason)
            self.engine.write(self)
            raise
        if request["method"] == "POST" and isinstance(response.get("voice_id"), str):
            self.call.voice_id = response["voice_id"]  # stored with "sent": the create-call's answer
        data["pending"]["status"] = "sent"
        self.engine.write(self)  # the step's request is done: never sent again
        return response

    # Host
    def wait(self, call: Call, action: Any) -> None:
        self.add_timers[int(action["timer"])] = time.time() + float(action["seconds"]) * self.engine.config.time_scale

    def conference(self, call: Call, action: Any) -> None:
        log("conference not joined: EnableX Core Voice has no conference (EX201); the plan goes on", logging.WARNING, call=self.record.call_id, conference=action.get("name"))
        self.internal.append({"type": "conference"})

    def fetch(self, call: Call, action: Any) -> None:
        """A Redirect: store a fetch job (a timer below zero, due now) for whichever runner claims
        it; what cannot be fetched (a bad URL, one Redirect too many) fails here, without I/O."""
        data = self.record.data
        config = self.engine.config
        followed = int(data.get("redirects", 0))
        try:
            if followed >= config.max_redirects:
                raise FetchFailed(f"this call has followed {followed} redirects, the most a call follows (--max-redirects {config.max_redirects})")
            url = target_url(str(action.get("url", "")), config.base_url)
        except FetchFailed as failure:
            log("redirect not followed: the plan goes on as after a failed fetch", logging.WARNING, call=self.record.call_id, url=loggable(str(action.get("url", ""))), reason=failure.reason)
            self.engine.metrics.count("voxxml_redirects_total", outcome="refused")
            self.internal.append({"type": "fetch", "ok": False})
            return
        job = -(int(data.get("fetches", 0)) + 1)
        data["fetches"] = -job
        data["fetching"] = {"job": job, "url": url, "method": str(action.get("method") or "GET"), "state": action.get("state"), "variables": action.get("variables")}
        self.add_timers[job] = time.time()

    def observe(self, call: Call, event: Any) -> None:
        self.record.data["observed"].append(dict(event))


class Engine:
    def __init__(self, config: ServeConfig, store: Store, metrics: Metrics | None = None, client: EnableXClient | None = None) -> None:
        self.config = config
        self.store = store
        self.metrics = metrics or Metrics()
        self.runtimes = {key: Runtime(loaded.plan, _Inert(), _Inert(), {}) for key, loaded in config.plans.items()}
        self._fetched: deque[str] = deque()  # keys of fetched plans indexed here, oldest first
        self._runtimes_guard = threading.Lock()
        self.fetch_policy = FetchPolicy(timeout=config.fetch_timeout, allow_private=config.allow_private_fetch)
        self.client = client or EnableXClient(
            config.enablex_url,
            config.credentials.app_id,
            config.credentials.app_key,
            timeout=config.rest_timeout,
            backoff=config.retry_backoff,
            observer=self._rest_observed,
        )
        self.on_timer: Callable[[float], None] | None = None  # the timer loop's wake-up, set by the app
        self._current = threading.local()
        self._die_before = _die_before(os.environ.get(DIE_BEFORE_ENV, ""))

    def maybe_die(self, request: Request, moment: str) -> None:
        """The tests' kill -9 between storing a request as in flight and sending it (or after)."""
        if self._die_before is None:
            return
        method, suffix, left, when = self._die_before
        if when == moment and request["method"] == method and request["path"].endswith(suffix):
            left[0] -= 1
            if left[0] == 0:
                os.kill(os.getpid(), signal.SIGKILL)

    # ------------------------------------------------------------------ entry points

    def handle_webhook(self, body: Any, call_hint: str | None = None) -> Reply:
        started = time.perf_counter()
        self._current.rest_seconds = 0.0
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
            rest_ms=round(self._current.rest_seconds * 1000, 2),  # of ms: waiting on EnableX
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
            "redirects": 0,  # fetched documents switched to
            "fetches": 0,  # fetch jobs made (their timers are numbered -1, -2, ...)
            "fetching": None,  # the fetch job under way: {job, url, method, state, variables}
            "plans": [],  # the fetched plans' keys, in order
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
            turn.cause = "start"
            runtime.transport = runtime.host = turn  # type: ignore[assignment]
            self._current.call = call_id
            try:
                execution, actions = _outbound_start(runtime)
                pending.execution = execution
                self._perform(runtime, turn, pending, actions)
            except RestFailure as failure:
                self._failed(turn, failure)
            finally:
                self._current.call = None
            record.data["pending"] = None
            self.write(turn, ended_now=pending.ended)
            if pending.ended:
                return Reply(502, outcome="failed", call_id=call_id, reason=str(record.data["failures"][-1:] or "the call was not created"))
            return Reply(201, outcome="created", call_id=call_id, voice_id=pending.voice_id)

    def fire_timer(self, call_id: str, timer: int) -> None:
        if timer < 0:
            self._follow(call_id, timer)
            return
        self.metrics.count("voxxml_timers_fired_total")
        with self.store.locked(call_id) as record:
            if record is None or not self.store.holds_claim(call_id, timer, self.config.instance):
                return  # fired by another runner meanwhile, or the call is gone
            reply = self._event(record, {"type": "timer", "timer": timer}, fired=timer, cause=f"timer:{timer}")
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
            redirects=record.data.get("redirects", 0),
            plans=record.data.get("plans", []),
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
            reply = self._event(record, body, cause=print_)
            self.store.remember(call_id, print_, reply.get("outcome", "?"), json.dumps(body, default=str)[:4000])
            return reply

    def _event(self, record: CallRecord, event: dict[str, Any], fired: int | None = None, cause: str | None = None) -> Reply:
        runtime = self.runtime(record.plan_key)
        if runtime is None:  # a runner started with another version of the plan: let one that has it answer
            return Reply(503, outcome="plan_not_loaded", call_id=record.call_id, reason=f"plan {record.plan_key} is not loaded on this runner")
        call = Call.from_dict(record.data["call"])
        if record.ended:
            record.data["ignored"] = record.data.get("ignored", 0) + 1
            turn = _Turn(self, record, call)
            turn.fired = [fired] if fired is not None else []
            self.write(turn)
            return Reply(200, outcome="ignored", call_id=record.call_id, voice_id=record.voice_id, state=None, reason=f"the call has ended ({call.end_reason})")
        before = (call.execution, call.voice_id)
        turn = _Turn(self, record, call)
        turn.cause = cause
        if fired is not None:
            turn.fired.append(fired)
        bound = self._bind(runtime, record)
        bound.transport = bound.host = turn  # type: ignore[assignment]
        self._current.call = record.call_id
        try:
            pending = record.data.get("pending")
            if pending:  # a runner died in this call's last turn: finish that turn first
                own = cause is not None and cause == pending.get("cause")  # that turn's event, delivered again
                evidence = event.get("type", "webhook") == "webhook" and not own
                if not self._resume(bound, turn, call, evidence):
                    # Its request is in doubt and nothing shows yet whether it went out: step nothing.
                    if fired is not None:  # the timer fires again when the doubt is settled
                        turn.fired.remove(fired)
                        turn.add_timers[fired] = self._settled_at(pending)
                    self.write(turn)
                    return Reply(200, outcome="deferred", call_id=record.call_id, voice_id=record.voice_id, state=call.execution.state, reason="a request in doubt")
                if own:
                    record.data["pending"] = None
                    self.write(turn, ended_now=call.ended)
                    return Reply(200, outcome="resumed", call_id=record.call_id, voice_id=record.voice_id, state=call.execution.state)
            if not call.ended:
                self._step(bound, turn, call, lambda: self._on_event(bound, turn, call, event))
        finally:
            self._current.call = None
        record.data["pending"] = None  # the turn is complete
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

    def _step(self, bound: Runtime, turn: _Turn, call: Call, work: Callable[[], None]) -> None:
        """Do ``work`` (a step, or the rest of one), then the host's results it queued; a request
        that fails for good takes the plan's failure transition, a plan error hangs up."""
        try:
            work()
            self._drain(bound, turn, call)
        except RestFailure as failure:
            self._recover(bound, turn, call, failure)
        except PlanError as error:
            log("plan error: hanging up", logging.ERROR, call=turn.record.call_id, error=str(error))
            self._hang_up(turn, call, "plan error")

    def _drain(self, bound: Runtime, turn: _Turn, call: Call) -> None:
        while turn.internal and not call.ended:
            self._on_event(bound, turn, call, turn.internal.popleft())

    def _on_event(self, bound: Runtime, turn: _Turn, call: Call, event: dict[str, Any]) -> None:
        """``Runtime.on_event``, with the actions carried out one at a time (``_perform``)."""
        if call.voice_id is None and event.get("type", "webhook") == "webhook":
            call.voice_id = webhook_voice_id(event)
        call.execution, actions = step(bound.index, call.execution, event)
        self._perform(bound, turn, call, actions)
        if call.ended and call.end_reason is None:
            raise PlanError(f"the execution ended without an end action after {event}")

    @staticmethod
    def _perform(bound: Runtime, turn: _Turn, call: Call, actions: list[Action]) -> None:
        """The runtime's ``perform``, one action at a time, with ``turn.rest`` saying what is left:
        a request is stored with the actions after it, for a runner that has to finish the step."""
        for index, action in enumerate(actions):
            turn.rest = list(actions[index + 1 :])
            bound.perform(call, [action])
        turn.rest = []

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
                self._on_event(bound, turn, call, {**fallback, "voice_id": call.voice_id})
                self._drain(bound, turn, call)
                return
            except RestFailure as again:
                failure = again
            except PlanError as error:
                log("plan error: hanging up", logging.ERROR, call=turn.record.call_id, error=str(error))
                break
        self._hang_up(turn, call, "failed", skip_delete=failure.request["method"] == "DELETE")

    # ------------------------------------------------------------------ redirects followed

    def runtime(self, key: str) -> Runtime | None:
        """The runtime of a plan: one this runner loaded, or one a Redirect fetched (from the store,
        where whichever runner fetched it kept it)."""
        runtime = self.runtimes.get(key)
        if runtime is not None:
            return runtime
        plan = self.store.plan(key)
        if plan is None:
            return None
        return self._keep(key, plan)  # type: ignore[arg-type]

    def _keep(self, key: str, plan: Any) -> Runtime:
        with self._runtimes_guard:
            runtime = self.runtimes.get(key)
            if runtime is None:
                runtime = self.runtimes[key] = Runtime(plan, _Inert(), _Inert(), {})
                self._fetched.append(key)
                if len(self._fetched) > MAX_FETCHED_RUNTIMES:
                    self.runtimes.pop(self._fetched.popleft(), None)
            return runtime

    def _follow(self, call_id: str, job: int) -> None:
        """A fetch job: fetch and compile outside the call's lock (other webhooks of the call, and
        every other call, go on meanwhile), keep the plan in the store, then apply the result under
        the lock if the call still waits for this job."""
        record = self.store.read(call_id)
        wanted = (record.data.get("fetching") or {}) if record is not None else {}
        loaded: LoadedPlan | None = None
        reason: str | None = None
        started = time.perf_counter()
        if record is not None and not record.ended and wanted.get("job") == job:
            try:
                loaded = fetch_plan(wanted["url"], wanted.get("method") or "GET", wanted.get("variables"), self.fetch_policy, self.config.loop_cap)
                self.store.put_plan(loaded.key, dict(loaded.plan), loaded.path)
                self._keep(loaded.key, loaded.plan)
            except FetchFailed as failure:
                loaded, reason = None, failure.reason
            outcome = "fetched" if loaded is not None else "failed"
            self.metrics.count("voxxml_redirects_total", outcome=outcome)
            log(
                "redirect " + ("followed" if loaded is not None else "not followed: the plan goes on as after a failed fetch"),
                logging.INFO if loaded is not None else logging.WARNING,
                call=call_id,
                url=loggable(wanted["url"]),
                outcome=outcome,
                plan=loaded.key if loaded is not None else None,
                reason=reason,
                ms=round((time.perf_counter() - started) * 1000, 2),
            )
        with self.store.locked(call_id) as record:
            if record is None or not self.store.holds_claim(call_id, job, self.config.instance):
                return  # done by another runner meanwhile, or the call is gone
            current = record.data.get("fetching") or {}
            if record.ended or current.get("job") != job or reason is None and loaded is None:
                # The call ended, or moved on, while the document was fetched: drop the job.
                record.data["fetching"] = None if current.get("job") == job else current
                turn = _Turn(self, record, Call.from_dict(record.data["call"]))
                turn.fired = [job]
                self.write(turn)
                return
            if loaded is None:
                record.data["fetching"] = None
                reply = self._event(record, {"type": "fetch", "ok": False}, fired=job, cause=f"fetch:{job}")
            else:
                reply = self._switch(record, loaded.key, job)
        log("fetch job", call=call_id, job=job, state=reply.get("state"), outcome=reply.get("outcome"), plan=reply.get("plan"))

    def _switch(self, record: CallRecord, key: str, job: int) -> Reply:
        """Run the fetched plan on the call: stored as the call's plan first (so a runner that
        dies from here on finishes the turn on it), then started as if the call had just connected."""
        runtime = self.runtime(key)
        if runtime is None:  # kept a moment ago: only a store that lost it gets here
            return self._event(record, {"type": "fetch", "ok": False}, fired=job, cause=f"fetch:{job}")
        before = Call.from_dict(record.data["call"])
        if record.data.get("pending"):  # a turn a runner left unfinished: recovery finishes it first; try again after
            turn = _Turn(self, record, before)
            turn.fired = [job]
            turn.add_timers[job] = time.time() + 1.0
            self.write(turn)
            return Reply(200, outcome="deferred", call_id=record.call_id, voice_id=record.voice_id, state=before.execution.state, reason="a turn left unfinished")
        call = Call(before.entry, Execution(PENDING_INBOUND), before.voice_id)
        record.data["fetching"] = None
        record.plan_key = key
        record.data["redirects"] = int(record.data.get("redirects", 0)) + 1
        record.data.setdefault("plans", []).append(key)
        turn = _Turn(self, record, call)
        turn.cause = f"fetch:{job}"
        turn.fired = [job]
        bound = self._bind(runtime, record)
        bound.transport = bound.host = turn  # type: ignore[assignment]
        self._current.call = record.call_id
        try:
            self._step(bound, turn, call, lambda: self._connected(bound, turn, call))
        finally:
            self._current.call = None
        record.data["pending"] = None
        self.write(turn, ended_now=call.ended)
        return Reply(200, outcome="switched", call_id=record.call_id, voice_id=record.voice_id, state=call.execution.state, plan=key)

    def _connected(self, bound: Runtime, turn: _Turn, call: Call) -> None:
        """The fetched plan's start on an answered call: its inbound entry stepped with a synthetic
        ``connected`` (a plan that starts with a Reject has no accept: its ``incomingcall`` path)."""
        self._on_event(bound, turn, call, {"state": "connected", "voice_id": call.voice_id})
        if call.execution.state == PENDING_INBOUND and "request" not in bound.index.inbound:
            self._on_event(bound, turn, call, {"state": "incomingcall", "voice_id": call.voice_id})
        self._drain(bound, turn, call)

    # ------------------------------------------------------------------ turns a runner did not finish

    def _settled_at(self, pending: dict[str, Any]) -> float:
        """When a request in doubt with no webhook since is taken as failed."""
        return float(pending.get("at", 0.0)) + self.config.resolve_after * self.config.time_scale

    def _resume(self, bound: Runtime, turn: _Turn, call: Call, evidence: bool) -> bool:
        """Finish the turn stored in ``pending`` (a runner died in it). False: its request is in
        doubt and cannot be settled yet. ``evidence``: a webhook of the call (not the turn's own
        event again) has come since: the platform acted on the request.

        - ``sent``: the request is done; carry out the rest of its step.
        - ``failed``: it failed for good; take the failure transition (``_recover``).
        - ``sending``: it may or may not have left. A play or a DELETE is sent again (harmless
          twice). An accept, a connect or a create-call never is: a webhook since shows it went
          out (its step goes on); with none after ``resolve_after`` seconds it is taken as failed.
        """
        pending = turn.record.data["pending"]
        if "request" not in pending:  # stored by an earlier version, which kept no step to finish
            turn.record.data["pending"] = None
            return True
        request: Request = pending["request"]
        status = pending.get("status")
        turn.internal.extend(pending.get("internal") or [])
        rest = list(pending.get("rest") or [])
        record = turn.record
        if status == "failed":
            log("finishing a turn after a restart: its request had failed", logging.WARNING, call=record.call_id, method=request["method"], path=request["path"])
            self._recover(bound, turn, call, RestFailure(request, pending.get("http_status"), str(pending.get("reason") or "failed")))
            return True
        if status == "sending":
            if repeatable(request):
                log("request in doubt after a restart: sent again (harmless twice)", logging.WARNING, call=record.call_id, method=request["method"], path=request["path"])
                turn.rest = rest
                try:
                    turn.send(request)
                except RestFailure as failure:
                    self._recover(bound, turn, call, failure)
                    return True
            elif evidence:
                log("request in doubt after a restart: a webhook shows it went out", logging.WARNING, call=record.call_id, method=request["method"], path=request["path"])
            elif time.time() >= self._settled_at(pending):
                log("request in doubt after a restart: no webhook since, taken as failed", logging.WARNING, call=record.call_id, method=request["method"], path=request["path"])
                self._recover(bound, turn, call, RestFailure(request, None, "in doubt: the runner died while sending it and no webhook showed it went out"))
                return True
            else:
                return False
        record.data["pending"] = None
        self._step(bound, turn, call, lambda: self._perform(bound, turn, call, rest))
        return True

    def recover_stuck(self, quiet_for: float = 0.0) -> int:
        """Finish every turn a runner left unfinished (at start, and every few seconds: a call whose
        request never left gets no webhook to wake it); ``quiet_for``: only calls not written for
        that many seconds (a live turn is left alone). How many calls were finished."""
        finished = 0
        for call_id in self.store.unfinished_turns(time.time() - quiet_for if quiet_for else 0.0):
            with self.store.locked(call_id) as record:
                if record is None or record.ended or not record.data.get("pending"):
                    continue  # finished meanwhile (the lock waited for a live runner's turn)
                runtime = self.runtime(record.plan_key)
                if runtime is None:
                    continue
                call = Call.from_dict(record.data["call"])
                turn = _Turn(self, record, call)
                bound = self._bind(runtime, record)
                bound.transport = bound.host = turn  # type: ignore[assignment]
                self._current.call = call_id
                try:
                    done = self._resume(bound, turn, call, evidence=False)
                finally:
                    self._current.call = None
                if done:
                    record.data["pending"] = None
                    self.write(turn, ended_now=call.ended)
                    finished += 1
                    log("turn finished after a restart", call=call_id, state=call.execution.state, ended=call.ended or None)
        return finished

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
        # Ended once its end action has run: not while the hang-up it sends first is in flight.
        record.ended = call.ended and call.end_reason is not None
        self.store.save(record, turn.add_timers, turn.fired, all_timers=record.ended)
        if self.on_timer is not None:
            for due in turn.add_timers.values():
                self.on_timer(due)
        turn.add_timers = {}
        turn.fired = []
        if record.ended and not was_ended:
            self.metrics.count("voxxml_calls_ended_total", reason=str(call.end_reason))

    def _rest_observed(self, request: Request, status: int | None, seconds: float, attempt: int) -> None:
        self._current.rest_seconds = getattr(self._current, "rest_seconds", 0.0) + seconds
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


def _die_before(spec: str) -> tuple[str, str, list[int], str] | None:
    """``"PUT /connect 1"`` -> (method, path suffix, [count], "before"); anything else: no hook."""
    parts = spec.split()
    if len(parts) not in (3, 4) or not parts[2].isdigit() or parts[3:] not in ([], ["after"]):
        return None
    return parts[0].upper(), parts[1], [int(parts[2])], parts[3] if len(parts) == 4 else "before"


def _outbound_start(runtime: Runtime) -> tuple[Any, list[Any]]:
    """The executor's outbound start (the create-call), over the runtime's own index."""
    from ..targets.enablex.executor import start

    return start(runtime.index, "outbound")


__all__ = ["Engine", "KNOWN_PLAYSTATES", "KNOWN_STATES", "Reply", "fingerprint", "problem", "PENDING_INBOUND"]
