"""Step a call plan on EnableX webhook events: a pure function, no I/O.

    execution, actions = start(plan, "inbound")
    execution, actions = step(plan, execution, webhook_event)   # again and again

Actions tell the runner what to do: ``request`` (send it, with {voice_id} and the
other placeholders filled; a play's TTS text is already filled with the variables it reads),
``wait`` (start a timer; when it runs out step with ``{"type": "timer", "timer": n}``,
``n`` from the action: a timer the plan no longer waits for is ignored), ``fetch``
(a Redirect: step with ``{"type": "fetch", "ok": bool}``), ``conference`` (join the
call to the named conference; step with ``{"type": "conference"}`` when the caller
leaves it), ``observe`` (what the caller experiences, for traces and logs) and ``end``.

``plan`` is a ``PlanIndex`` (the plan indexed once: what a runner keeps, see
``runtime``) or the plan itself, indexed anew on each call (convenient by hand).

Webhooks are read liberally: ``voice_id`` or ``voice_Id``; ``digit`` or ``digits``;
numbers or strings. A digit sent as a JSON number has lost its leading zeros.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from ...hub.expressions import And, Compare, Environment, Expr, In, Literal, Or, Var
from ...runtime.caller import Input, accept_input
from .plan import INPUT_VARIABLE, InboundEntry, OutboundEntry, Plan

Action = dict[str, Any]
PENDING_INBOUND, PENDING_OUTBOUND = "@inbound", "@outbound"  # before the call is answered
_PURE = ("branch", "accept", "observe", "clear", "retry", "set", "unset", "test", "loop", "iterate")
_STEPS_LIMIT = 100_000  # pure steps in one go: a plan cannot loop, this only guards a corrupt one


@dataclass(frozen=True)
class Execution:
    """Where a call is in its plan."""

    state: str | None  # the current state id, one of the PENDING markers, or None once ended
    # The call's variables by their plan names (an Environment's values; unset reads ""). Never
    # changed in place: a step that writes one makes a new mapping.
    variables: Mapping[str, str] = field(default_factory=dict)
    last_input: Input | None = None  # what the last webhook reported the caller entered
    answered: bool = False
    tries: tuple[tuple[str, int], ...] = ()  # retry state id -> rounds done in the loop under way
    timer: int = 0  # the number of the latest timer started: only its expiry counts

    @property
    def ended(self) -> bool:
        return self.state is None

    @property
    def gather(self) -> str:
        """The input variable (the plan's INPUT_VARIABLE): what the caller entered last."""
        return self.variables.get(INPUT_VARIABLE, "")

    def with_variable(self, name: str, value: str) -> "Execution":
        return replace(self, variables={**self.variables, name: value})

    def with_variables(self, values: Mapping[str, str]) -> "Execution":
        return replace(self, variables={**self.variables, **values})

    def without_variable(self, name: str) -> "Execution":
        """The variable and its fields removed (Unset 'menu' removes 'menu.digits')."""
        prefix = name + "."
        return replace(self, variables={k: v for k, v in self.variables.items() if k != name and not k.startswith(prefix)})


def expression_of(data: Mapping[str, Any]) -> Expr:
    """A plan's condition (compiler.expression_data) as a hub expression, evaluated by the hub's Environment."""
    if "var" in data:
        return Var(data["var"])
    if "literal" in data:
        return Literal(data["literal"])
    if "op" in data:
        return Compare(data["op"], expression_of(data["left"]), expression_of(data["right"]))
    if "in" in data:
        return In(expression_of(data["in"]), tuple(data["values"]), bool(data.get("negated")))
    if "and" in data:
        return And(tuple(expression_of(item) for item in data["and"]))
    return Or(tuple(expression_of(item) for item in data["or"]))


def _holds(data: Mapping[str, Any], variables: Mapping[str, str]) -> bool:
    return Environment(dict(variables)).holds(expression_of(data))


def _written(output: str, value: str, kind: str) -> dict[str, str]:
    """A Gather's output, and its .digits or .speech (the other empty), as semantics.gathered writes them."""
    return {output: value, output + ".digits": value if value and kind == "dtmf" else "", output + ".speech": value if value and kind == "speech" else ""}


# The reference spells one state two ways: 'bridged_disconnected' (outbound-call states)
# and 'bridge_disconnected' (bridge events). Both mean the bridged party hung up.
_SYNONYMS = {"bridged_disconnected": "bridge_disconnected"}


def event_key(event: dict[str, Any]) -> str | None:
    """The transition key of a webhook: ``state:...``, ``playstate:...`` or ``speech:...``."""
    playstate = event.get("playstate")
    state = _SYNONYMS.get(event.get("state"), event.get("state"))  # type: ignore[arg-type]
    if playstate == "speech_recognized" and state:
        return f"speech:{state}"
    if playstate:
        return f"playstate:{playstate}"
    if state:
        return f"state:{state}"
    return None


def reported_input(event: dict[str, Any]) -> Input | None:
    """DTMF digits or recognised speech carried by a webhook, if any."""
    for name in ("digit", "digits"):
        if event.get(name) is not None:
            return Input("dtmf", str(event[name]))
    if event.get("playstate") == "speech_recognized" and event.get("state") == "recognized":
        return Input("speech", str(event.get("text") or ""))
    return None


class PlanIndex:
    """A plan indexed for stepping, once per plan rather than once per webhook: its states by id
    and its entries. (Transitions need no index: each state's ``on`` is already a table.)"""

    __slots__ = ("plan", "states", "inbound", "outbound")

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.states: dict[str, dict[str, Any]] = {state["id"]: state for state in plan["states"]}  # type: ignore[misc]
        self.inbound: InboundEntry = plan["entries"]["inbound"]
        self.outbound: OutboundEntry = plan["entries"]["outbound"]


def indexed(plan: Plan | PlanIndex) -> PlanIndex:
    return plan if isinstance(plan, PlanIndex) else PlanIndex(plan)


def start(plan: Plan | PlanIndex, entry: str = "inbound") -> tuple[Execution, list[Action]]:
    """Begin a call: inbound waits for ``incomingcall``; outbound creates the call."""
    if entry == "inbound":
        return Execution(PENDING_INBOUND), []
    request = indexed(plan).outbound["request"]
    return Execution(PENDING_OUTBOUND), [{"type": "request", **request, "state": PENDING_OUTBOUND}]


def step(plan: Plan | PlanIndex, execution: Execution, event: dict[str, Any]) -> tuple[Execution, list[Action]]:
    """The plan's response to one event."""
    if execution.ended:
        return execution, []
    index = indexed(plan)
    states = index.states
    actions: list[Action] = []
    kind = event.get("type", "webhook")
    key = event_key(event) if kind == "webhook" else None
    if key == "state:disconnected":
        return replace(execution, state=None), [{"type": "end", "reason": "disconnected"}]
    current = execution.state
    if current == PENDING_INBOUND:
        inbound = index.inbound
        if key == "state:incomingcall":
            if "request" not in inbound:  # a first-verb Reject: never accept
                return _enter(states, execution, inbound["next"], actions)
            actions.append({"type": "request", **inbound["request"], "state": PENDING_INBOUND})
            return execution, actions
        target = inbound.get("events", {}).get(key or "")
        if target is None:
            return execution, actions
        return _enter(states, replace(execution, answered=True), target, actions)
    if current == PENDING_OUTBOUND:
        outbound = index.outbound
        target = outbound["events"].get(key or "")
        if target is None:
            return execution, actions
        answered = replace(execution, answered=True)
        if target == outbound["folds"]:
            return replace(answered, state=target), actions  # its request went with the create-call
        return _enter(states, answered, target, actions)
    assert current is not None
    state = states[current]
    if kind == "timer" and state["kind"] in ("wait", "await"):
        if event.get("timer", execution.timer) != execution.timer:
            return execution, actions  # a timer of an earlier wait
        return _enter(states, execution, state["next"] if state["kind"] == "wait" else state["timeout"], actions)
    if kind == "conference" and state["kind"] == "conference":
        return _enter(states, execution, state["next"], actions)
    if kind == "fetch" and state["kind"] in ("redirect", "action"):
        if event.get("ok"):
            return replace(execution, state=None), [{"type": "end", "reason": "redirected"}]
        return _enter(states, execution, state["next"], actions)
    if kind != "webhook" or key is None:
        return execution, actions
    reference = event.get("prompt_ref")
    prompt = current if state["kind"] == "play" else state.get("prompt")
    if prompt is not None and reference is not None and str(reference) != prompt:
        return execution, actions  # a late event of an earlier prompt
    target = state.get("on", {}).get(key)
    if target is None:
        return execution, actions
    given = reported_input(event)
    if given is not None:
        execution = replace(execution, last_input=given)
    return _enter(states, execution, target, actions)


def _enter(states: dict[str, dict[str, Any]], execution: Execution, target: str, actions: list[Action]) -> tuple[Execution, list[Action]]:
    """Go to ``target``, running pure steps until a state waits for the outside world."""
    for _ in range(_STEPS_LIMIT):
        state = states[target]
        kind = state["kind"]
        if kind not in _PURE:
            break
        if kind == "branch":
            holds = execution.variables.get(state["variable"], "") in state["values"]
            target = state["then"] if holds == (state["test"] == "EQUAL") else state["otherwise"]
        elif kind == "accept":
            given = execution.last_input or Input("none")
            value = accept_input(given, tuple(state["modes"]), state["num_digits"], state["finish_on_key"])
            execution = replace(execution, last_input=None)
            if value:
                if "output" not in state:
                    execution = execution.with_variable(INPUT_VARIABLE, value)
                elif state["output"] is not None:
                    execution = execution.with_variables(_written(state["output"], value, given.kind))
                actions.append({"type": "observe", "event": {"event": "gather", "input": value}})
                target = state["next"]
            else:
                target = state["none"]
        elif kind == "observe":
            actions.append({"type": "observe", "event": dict(state["observe"])})
            target = state["next"]
        elif kind == "retry":  # a round of a loop is over: another, up to the limit
            tries = dict(execution.tries)
            done = tries.get(target, 0) + 1
            if done < state["limit"]:
                tries[target] = done
                target = state["again"]
            else:  # the loop is over: its count starts again if an enclosing loop comes back to it
                tries.pop(target, None)
                target = state["done"]
            execution = replace(execution, tries=tuple(tries.items()))
        elif kind == "clear":  # no input after the last attempt
            if "output" not in state:
                execution = execution.with_variable(INPUT_VARIABLE, "")
            elif state["output"] is not None:
                execution = execution.with_variables(_written(state["output"], "", "none"))
            target = state["next"]
        elif kind == "set":
            variables = execution.variables
            value = "".join(part if isinstance(part, str) else variables.get(part["variable"], "") for part in state["template"])
            execution = execution.with_variable(state["variable"], value)
            target = state["next"]
        elif kind == "unset":
            execution = execution.without_variable(state["variable"])
            target = state["next"]
        elif kind == "test":
            target = state["then"] if _holds(state["condition"], execution.variables) else state["otherwise"]
        elif kind == "loop":  # before each pass: the counter is the pass number; the limit, then the condition
            tries = dict(execution.tries)
            done = tries.get(target, 0)
            execution = execution.with_variable(state["counter"], str(done))
            if done < state["limit"] and _holds(state["condition"], execution.variables):
                target = state["then"]
            else:  # the loop is over: its counter has the enclosing loop's pass again, or none
                tries.pop(target, None)
                outer = state["outer"]
                if outer is None:
                    execution = execution.without_variable(state["counter"])
                else:
                    execution = execution.with_variable(state["counter"], str(dict(execution.tries).get(outer, 0)))
                execution = replace(execution, tries=tuple(tries.items()))
                target = state["done"]
        else:  # iterate: a pass is over
            loop = state["loop"]
            tries = dict(execution.tries)
            tries[loop] = tries.get(loop, 0) + 1
            execution = replace(execution, tries=tuple(tries.items()))
            target = loop
    else:
        raise RuntimeError("the plan runs pure steps in a loop")
    execution = replace(execution, state=target)
    if kind == "play" and "template" in state:
        variables = execution.variables
        text = "".join(part if isinstance(part, str) else variables.get(part["variable"], "") for part in state["template"])
        request = {**state["request"], "body": {**state["request"]["body"], "text": text}}
        actions.append({"type": "request", **request, "state": target})
    elif kind in ("play", "connect"):
        actions.append({"type": "request", **state["request"], "state": target})
    elif kind == "hangup":
        actions.append({"type": "request", **state["request"], "state": target})
        actions.append({"type": "end", "reason": "reject" if state["reject"] else "hangup"})
        execution = replace(execution, state=None)
    elif kind in ("wait", "await"):
        execution = replace(execution, timer=execution.timer + 1)
        if kind == "wait":
            actions.append({"type": "observe", "event": {"event": "pause", "seconds": state["seconds"]}})
        actions.append({"type": "wait", "seconds": state["seconds"], "state": target, "timer": execution.timer})
    elif kind == "conference":
        actions.append({"type": "observe", "event": {"event": "conference", "name": state["name"]}})
        actions.append({"type": "conference", "name": state["name"], "settings": dict(state["settings"]), "state": target})
    elif kind == "redirect":
        actions.append({"type": "observe", "event": {"event": "redirect", "url": state["url"], "method": state["method"]}})
        actions.append({"type": "fetch", "url": state["url"], "method": state["method"], "state": target})
    elif kind == "action":  # an action's fetch: the call's variables go with it
        actions.append({"type": "observe", "event": {"event": "fetch", "url": state["url"], "method": state["method"], "element": state["element"]}})
        actions.append({"type": "fetch", "url": state["url"], "method": state["method"], "state": target, "variables": dict(execution.variables)})
    return execution, actions
