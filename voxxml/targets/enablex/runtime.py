"""Run a call plan: the executor's actions carried out, its placeholders filled.

    runtime = Runtime(plan, transport, host, {"{cli}": "15550009999", "{to}": ..., "{event_url}": ...})
    call = runtime.start("inbound")
    call = runtime.on_event(call, webhook)      # each webhook, and the host's timer/conference/fetch results

The runtime is the part every runner shares (the test mock's, and a live one):

- ``Transport``: where requests go, ``send(request) -> response``. The request is
  filled: ``{voice_id}`` in the path, and the create-call and connect bodies' whole-string
  placeholders (never anything inside a play: TTS text is the caller's to hear as written).
- ``Host``: what the runner does itself: start a timer (``wait``; when it runs out, call
  ``on_event`` with ``{"type": "timer", "timer": n}``), join a conference (then
  ``{"type": "conference"}`` once the caller leaves), fetch a Redirect's document (then
  ``{"type": "fetch", "ok": bool}``) and record what the caller experiences (``observe``).
- ``Call``: one call's state, a plain dataclass that ``to_dict``/``from_dict`` turn into
  JSON and back, so a store can keep it between webhooks.

The plan is indexed once, when the runtime is made (``executor.PlanIndex``), not per webhook.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Mapping, Protocol

from ...runtime.caller import Input
from .executor import Action, Execution, PlanIndex, start, step
from .plan import INPUT_VARIABLE, Plan, Request


class PlanError(RuntimeError):
    """The plan or the executor misbehaved: an action after the end, an end with no end action,
    a request that needs the call's voice_id before the call has one."""


class Transport(Protocol):
    """Where a plan's requests go: EnableX's REST API, or a mock of it."""

    def send(self, request: Request) -> dict[str, Any]:
        """Send a filled request; the response body (a create-call's has the call's voice_id)."""
        ...


class Host(Protocol):
    """What the runner does itself, for the actions that are not EnableX requests."""

    def wait(self, call: Call, action: Action) -> None:
        """Start timer ``action["timer"]`` for ``action["seconds"]``."""
        ...

    def conference(self, call: Call, action: Action) -> None:
        """Join the call to conference ``action["name"]`` (``action["settings"]``)."""
        ...

    def fetch(self, call: Call, action: Action) -> None:
        """Fetch ``action["url"]`` with ``action["method"]`` (a Redirect)."""
        ...

    def observe(self, call: Call, event: dict[str, Any]) -> None:
        """What the caller experiences (voxxml.runtime.trace events), for traces and logs."""
        ...


@dataclass
class Call:
    """One call's state between events: where it is in the plan, its voice_id, how it ended."""

    entry: str  # inbound or outbound
    execution: Execution
    voice_id: str | None = None
    end_reason: str | None = None  # set by the plan's end action

    @property
    def ended(self) -> bool:
        return self.execution.ended

    def to_dict(self) -> dict[str, Any]:
        """The call as JSON-ready data."""
        data = asdict(self)
        data["execution"]["tries"] = [list(pair) for pair in self.execution.tries]
        data["execution"]["variables"] = dict(self.execution.variables)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Call:
        raw = dict(data["execution"])
        given = raw.get("last_input")
        raw["last_input"] = None if given is None else Input(**given)
        raw["tries"] = tuple((str(state), int(done)) for state, done in raw.get("tries", ()))
        variables = dict(raw.get("variables") or {})
        if "gather" in raw:  # a call stored before the plan kept variables by name
            variables.setdefault(INPUT_VARIABLE, str(raw.pop("gather")))
        raw["variables"] = variables
        return cls(data["entry"], Execution(**raw), data.get("voice_id"), data.get("end_reason"))


def fill_request(request: Request, voice_id: str | None, values: Mapping[str, str]) -> Request:
    """A plan's request as sent: ``{voice_id}`` in the path; in bodies other than a play's, a
    string that is exactly a placeholder (``{cli}``, ``{to}``, ``{event_url}``) is replaced,
    except inside an ``action_on_connect`` play."""
    path = request["path"]
    if "{voice_id}" in path:
        if voice_id is None:
            raise PlanError(f"request {path} before the call has a voice_id")
        path = path.replace("{voice_id}", voice_id)
    filled: Request = {"method": request["method"], "path": path}
    body = request.get("body")
    if body is not None:
        filled["body"] = body if path.endswith("/play") else _filled(body, values)
    return filled


def _filled(value: Any, values: Mapping[str, str], in_play: bool = False) -> Any:
    if isinstance(value, dict):
        return {key: _filled(item, values, in_play or key == "play") for key, item in value.items()}
    if isinstance(value, str) and not in_play:
        return values.get(value, value)
    return value


def webhook_voice_id(webhook: Mapping[str, Any]) -> str | None:
    """The call's id in a webhook, under either of the reference's spellings."""
    return webhook.get("voice_id") or webhook.get("voice_Id")


class Runtime:
    """A plan ready to run calls: indexed once, with its transport, host and placeholder values."""

    def __init__(self, plan: Plan, transport: Transport, host: Host, placeholders: Mapping[str, str]) -> None:
        self.index = PlanIndex(plan)
        self.transport = transport
        self.host = host
        self.placeholders = dict(placeholders)

    def start(self, entry: str = "inbound") -> Call:
        """A new call: inbound waits for ``incomingcall``; outbound sends the create-call now."""
        if entry not in ("inbound", "outbound"):
            raise ValueError(f"unknown entry {entry!r}; the entries are: inbound, outbound")
        execution, actions = start(self.index, entry)
        call = Call(entry, execution)
        self.perform(call, actions)
        return call

    def on_event(self, call: Call, event: dict[str, Any]) -> Call:
        """Step the call on one event (a webhook, or the host's ``type``d result) and carry out
        the actions; returns the call (updated in place)."""
        if call.voice_id is None and event.get("type", "webhook") == "webhook":
            call.voice_id = webhook_voice_id(event)
        call.execution, actions = step(self.index, call.execution, event)
        self.perform(call, actions)
        if call.ended and call.end_reason is None:
            raise PlanError(f"the execution ended without an end action after {event}")
        return call

    def perform(self, call: Call, actions: list[Action]) -> None:
        """Carry out actions in order: requests through the transport, the rest by the host."""
        host = self.host
        for action in actions:
            if call.end_reason is not None:
                raise PlanError(f"action {action} after the end ({call.end_reason})")
            kind = action["type"]
            if kind == "request":
                request = fill_request(action, call.voice_id, self.placeholders)  # type: ignore[arg-type]
                response = self.transport.send(request)
                if request["method"] == "POST":
                    call.voice_id = response["voice_id"]
            elif kind == "observe":
                host.observe(call, action["event"])
            elif kind == "wait":
                host.wait(call, action)
            elif kind == "conference":
                host.conference(call, action)
            elif kind == "fetch":
                host.fetch(call, action)
            elif kind == "end":
                call.end_reason = action["reason"]
            else:
                raise PlanError(f"unknown action {action}")


__all__ = ["Call", "Host", "PlanError", "Runtime", "Transport", "fill_request", "webhook_voice_id"]
