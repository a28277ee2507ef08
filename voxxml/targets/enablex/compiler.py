"""VoxXML AST -> EnableX call plan (docs: README "Converting an IVR to EnableX").

Each state either issues one EnableX request (play, connect, hangup) or is a pure
step (a wait, a branch on $GATHER, taking the collected input, a redirect, the
end). Transitions fire on webhook events, keyed ``state:<state>``,
``playstate:<playstate>`` or ``speech:<state>``; a caller's ``disconnected`` ends
the plan from any state. Every play carries ``prompt_ref`` = its state id.

Constructs with no exact EnableX equivalent are reported (EX2nn) and approximated;
none is dropped silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ...ast import Conference, Dial, Gather, Hangup, If, Node, Number, Pause, Play, Redirect, Reject, Response, Say, SetMute, Verb
from ...diagnostics import Diagnostic, make
from ...simulate import DEFAULT_LOOP_CAP, say_event

PLAN_FORMAT = "voxxml.enablex-plan"
PLAN_VERSION = 1
CODES = ("EX201", "EX202", "EX203", "EX204", "EX205", "EX206", "EX207", "EX208", "EX209")
CALL = "/voice/v1/call/{voice_id}"

State = dict[str, Any]


@cache
def plan_schema() -> dict[str, Any]:
    """The JSON Schema of plans (shipped in the package)."""
    return json.loads((Path(__file__).parent / "plan.schema.json").read_text(encoding="utf-8"))


@dataclass
class Compilation:
    plan: dict[str, Any]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return not self.diagnostics


def _span(node: Node) -> dict[str, int] | None:
    span = node.span
    if span is None:
        return None
    return {"line": span.line, "column": span.column, "end_line": span.end_line, "end_column": span.end_column}


class Compiler:
    def __init__(self, source: str, loop_cap: int) -> None:
        self.source = source
        self.loop_cap = loop_cap
        self.states: list[State] = []
        self.diagnostics: list[Diagnostic] = []

    # ----------------------------------------------------------------- states
    def new(self, kind: str, node: Node | None, **fields: Any) -> State:
        state: State = {"id": f"s{len(self.states)}", "kind": kind, "element": node.TAG if node else None}
        state["span"] = _span(node) if node is not None else None
        state.update(fields)
        self.states.append(state)
        return state

    def approximate(self, code: str, node: Node, message: str) -> None:
        self.diagnostics.append(make(code, message, node.name_span))

    # ------------------------------------------------------------------ plays
    def play(self, node: Node, body: dict[str, Any], **fields: Any) -> State:
        state = self.new("play", node, **fields)
        state["request"] = {"method": "PUT", "path": f"{CALL}/play", "body": {"prompt_ref": state["id"], **body}}
        state.setdefault("on", {})
        return state

    @staticmethod
    def say_body(say: Say) -> dict[str, Any]:
        event = say_event(say)
        body: dict[str, Any] = {"text": event["text"], "language": event["language"], "voice": event["gender"]}
        if say.separate_numbers:
            body["text_to_speech_option"] = {"say-as": {"interpret-as": "number_digit"}}
        return body

    def repeated(self, node: Say | Play, body: dict[str, Any], times: int) -> list[State]:
        """``times`` plays, each followed by a wait of repeatDelay: a chain of states."""
        chain: list[State] = []
        for _ in range(times):
            chain.append(self.play(node, body))
            if node.repeat_delay:
                chain.append(self.new("wait", node, seconds=node.repeat_delay))
        return chain

    def times(self, node: Say | Play) -> int:
        if node.loop == 0:
            self.approximate("EX207", node, f"<{node.TAG} loop='0'> repeats until the caller hangs up; EnableX has no endless play, so it plays {self.loop_cap} times and the call is hung up")
            return self.loop_cap
        return node.loop

    # -------------------------------------------------------------- sequences
    def sequence(self, verbs: list[Verb], after: str) -> str:
        """Compile verbs that continue with state ``after``; return the first state's id."""
        entry = after
        for verb in reversed(verbs):
            entry = self.verb(verb, entry)
        return entry

    def link(self, chain: list[State], after: str) -> str:
        """Make each state of a chain continue with the next one; return the chain's start."""
        for state, following in zip(chain, [*[s["id"] for s in chain[1:]], after]):
            if state["kind"] == "play":
                state["on"].setdefault("playstate:playfinished", following)
                state["on"].setdefault("playstate:failed", following)
            else:
                state.setdefault("next", following)
        return chain[0]["id"] if chain else after

    def verb(self, verb: Verb, after: str) -> str:
        if isinstance(verb, Say):
            times = self.times(verb)
            chain = self.repeated(verb, self.say_body(verb), times)
            return self.link(chain, self.capped(verb, times) if verb.loop == 0 else after)
        if isinstance(verb, Play):
            times = self.times(verb)
            chain = self.repeated(verb, {"url": verb.url}, times)
            return self.link(chain, self.capped(verb, times) if verb.loop == 0 else after)
        if isinstance(verb, Pause):
            return self.new("wait", verb, seconds=verb.length, next=after)["id"]
        if isinstance(verb, Hangup):
            return self.hangup(verb)
        if isinstance(verb, Reject):
            return after  # not first: no effect (VX101); the first-verb Reject is an entry
        if isinstance(verb, If):
            body = self.sequence(verb.body, after)
            return self.new("branch", verb, variable="$GATHER", test=verb.test or "EQUAL", values=list(verb.value or ()), then=body, otherwise=after)["id"]
        if isinstance(verb, Number):
            self.callbacks(verb)
            return self.connect(verb, [verb], verb.caller_id, after)
        if isinstance(verb, Dial):
            self.callbacks(verb)
            for number in verb.numbers:
                self.callbacks(number)
            if len(verb.numbers) > 1:
                self.approximate("EX203", verb, f"<Dial> rings {len(verb.numbers)} numbers at once and connects the first to answer; EnableX bridges one number at a time, so they are dialled one after another until one answers")
            if not verb.numbers:
                return after
            return self.connect(verb, verb.numbers, verb.caller_id, after)
        if isinstance(verb, Gather):
            return self.gather(verb, after)
        if isinstance(verb, Conference):
            self.approximate("EX201", verb, f"<Conference>{verb.name}</Conference> has no EnableX Core Voice equivalent (no conference rooms); it is skipped")
            return after
        if isinstance(verb, SetMute):
            self.approximate("EX202", verb, "<SetMute> has no EnableX Core Voice equivalent (mute is a conference control); it is skipped")
            return after
        if isinstance(verb, Redirect):
            self.approximate("EX206", verb, f"<Redirect> fetches {verb.url} when the call runs; its VoxXML is not known when compiling, so the plan hands the call to the runner, which must fetch and compile it")
            return self.new("redirect", verb, url=verb.url, method=verb.method, next=after)["id"]
        raise AssertionError(f"no compilation for {verb.TAG}")

    def hangup(self, node: Node | None, reject: bool = False) -> str:
        state = self.new("hangup", node, request={"method": "DELETE", "path": CALL}, reject=reject)
        return state["id"]

    def capped(self, node: Node, times: int) -> str:
        """After a loop='0' reached the cap: the call is hung up, saying so."""
        end = self.hangup(node)
        return self.new("observe", node, observe={"event": "capped", "after": times}, next=end)["id"]

    def callbacks(self, node: Number | Dial | Gather) -> None:
        written = [a for a in ("statusCallback", "statusCallbackEvent", "statusCallbackMethod") if a in node.explicit]
        if written:
            self.approximate("EX205", node, f"<{node.TAG}> {', '.join(written)}: EnableX sends every event of the call to the plan's event_url; per-verb callbacks are dropped")

    def connect(self, verb: Node, numbers: list[Number], caller_id: str | None, after: str) -> str:
        """One connect per number; a failed one goes on to the next number, then to ``after``."""
        entry = after
        for number in reversed(numbers):
            state = self.new(
                "connect",
                number if len(numbers) > 1 else verb,
                request={"method": "PUT", "path": f"{CALL}/connect", "body": {"from": caller_id or "{cli}", "to": number.number}},
                on={"state:bridge_disconnected": after, "state:failed": entry},
            )
            entry = state["id"]
        return entry

    # ----------------------------------------------------------------- gather
    def gather(self, gather: Gather, after: str) -> str:
        self.callbacks(gather)
        settings = [a for a in ("numDigits", "finishOnKey", "timeout", "speechTimeout") if a in gather.explicit]
        if "language" in gather.explicit and "speech" in gather.input:
            settings.append("language")
        if settings:
            self.approximate("EX204", gather, f"<Gather> {', '.join(settings)}: EnableX play has no input settings; the plan applies numDigits and finishOnKey to the digits EnableX reports, and EnableX's own timeout and recognition language apply")
        attempts = gather.loop if gather.loop > 0 else self.loop_cap
        if gather.loop == 0:
            self.approximate("EX207", gather, f"<Gather loop='0'> prompts until input arrives; the plan prompts {self.loop_cap} times and then hangs up")
        if not gather.prompts:
            self.approximate("EX208", gather, "<Gather> without Say or Play: EnableX collects input only with a play, so this Gather collects nothing and $GATHER is empty")
        # Attempts, compiled from the last: each ends with its input play.
        no_input_end = self.capped(gather, attempts) if gather.loop == 0 else self.new("clear", gather, next=after)["id"]
        entry = no_input_end
        for _ in range(attempts):
            entry = self.attempt(gather, after, entry)
        return entry

    def attempt(self, gather: Gather, after: str, next_attempt: str) -> str:
        """Prompts, the input play, then: input -> ``after``; none -> a repeatDelay wait and ``next_attempt``."""
        retry = next_attempt
        if gather.repeat_delay:
            retry = self.new("wait", gather, seconds=gather.repeat_delay, next=next_attempt)["id"]
        none = self.new("observe", gather, observe={"event": "gather", "input": ""}, next=retry)["id"]
        chain = self.prompts(gather)
        if not chain:
            return none
        # The last play takes the input; waits after it (a repeatDelay) come before the result.
        tail_waits = []
        while chain and chain[-1]["kind"] == "wait":
            tail_waits.insert(0, chain.pop())
        listen = chain[-1]
        body = listen["request"]["body"]
        if "dtmf" in gather.input:
            body["dtmf"] = True
        if "speech" in gather.input:
            body["asr"] = True
        accept = self.new(
            "accept",
            gather,
            modes=list(gather.input),
            num_digits=gather.num_digits,
            finish_on_key=gather.finish_on_key,
            next=after,
            none=none,
        )
        result = self.link(tail_waits, accept["id"]) if tail_waits else accept["id"]
        none_path = none
        if tail_waits:
            # No input: the same waits, then the no-input path.
            copies = [self.new("wait", gather, seconds=w["seconds"]) for w in tail_waits]
            none_path = self.link(copies, none)
        listen["on"] = {
            "playstate:digitcollected": result,
            "playstate:menutimeout": none_path,
            "playstate:playfinished": none_path,
            "playstate:failed": none_path,
            "speech:recognized": result,
            "speech:timeout": none_path,
            "speech:unrecognized": none_path,
        }
        return self.link(chain[:-1], listen["id"]) if len(chain) > 1 else listen["id"]

    def prompts(self, gather: Gather) -> list[State]:
        """The prompt plays of one attempt; consecutive Says in one voice merge into one play."""
        chain: list[State] = []
        mergeable = False  # whether the last play of the chain is a Say that can take more text
        for prompt in gather.prompts:
            times = prompt.loop if prompt.loop > 0 else self.loop_cap
            if prompt.loop == 0:
                self.approximate("EX207", prompt, f"<{prompt.TAG} loop='0'> inside a Gather plays {self.loop_cap} times")
            if isinstance(prompt, Say):
                body = self.say_body(prompt)
                simple = times == 1 and not prompt.repeat_delay
                if simple and mergeable and _same_voice(chain[-1]["request"]["body"], body):
                    chain[-1]["request"]["body"]["text"] += " " + body["text"]
                    continue
                chain.extend(self.repeated(prompt, body, times))
                mergeable = simple
            else:
                chain.extend(self.repeated(prompt, {"url": prompt.url}, times))
                mergeable = False
        return chain


def _same_voice(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two TTS bodies that differ only in their text (and prompt_ref)."""
    ignored = ("text", "prompt_ref")
    return {k: v for k, v in a.items() if k not in ignored} == {k: v for k, v in b.items() if k not in ignored}


def _entries(compiler: Compiler, document: Response, first: str) -> dict[str, Any]:
    """Inbound (accept, or reject without accepting) and outbound (the first play or connect folded in)."""
    verbs = document.verbs
    inbound: dict[str, Any]
    outbound_first = first
    if verbs and isinstance(verbs[0], Reject):
        reject = compiler.hangup(verbs[0], reject=True)
        inbound = {"trigger": "incomingcall", "next": reject}
        outbound_first = compiler.hangup(verbs[0])
        compiler.approximate("EX209", verbs[0], "a first-verb <Reject> rejects an incoming call without answering; an outbound call cannot be rejected, so the outbound entry hangs up")
    else:
        inbound = {"trigger": "incomingcall", "request": {"method": "PUT", "path": f"{CALL}/accept"}, "events": {"state:connected": first}}
    body: dict[str, Any] = {"from": "{cli}", "to": "{to}", "event_url": "{event_url}"}
    states = {state["id"]: state for state in compiler.states}
    start = states.get(outbound_first)
    folds = None
    if start is not None and start["kind"] in ("play", "connect"):
        body["action_on_connect"] = {start["kind"]: start["request"]["body"]}
        folds = outbound_first
    outbound = {
        "request": {"method": "POST", "path": "/voice/v1/call", "body": body},
        "events": {"state:connected": outbound_first},
        "folds": folds,
    }
    return {"inbound": inbound, "outbound": outbound}


_ID_FIELDS = ("next", "none", "then", "otherwise", "folds", "start")


def _renumber(plan: dict[str, Any]) -> None:
    """Number the states in the order a call meets them (s0 first), and list them so."""
    by_id = {state["id"]: state for state in plan["states"]}
    order: list[str] = []
    seen: set[str] = set()
    entries = plan["entries"]
    pending = [plan["start"], entries["inbound"].get("next"), *entries["inbound"].get("events", {}).values()]
    pending += [*entries["outbound"]["events"].values()]
    stack = [state for state in reversed(pending) if state]
    while stack:
        current = stack.pop()
        if current in seen or current not in by_id:
            continue
        seen.add(current)
        order.append(current)
        state = by_id[current]
        successors = [state.get(name) for name in ("then", "next", "none", "otherwise")] + list(state.get("on", {}).values())
        stack.extend(reversed([s for s in successors if s]))
    order += [state["id"] for state in plan["states"] if state["id"] not in seen]
    new = {old: f"s{index}" for index, old in enumerate(order)}

    def rename(value: Any) -> Any:
        return new.get(value, value) if isinstance(value, str) else value

    for holder in [plan, entries["inbound"], entries["outbound"], *plan["states"]]:
        for name in _ID_FIELDS:
            if name in holder:
                holder[name] = rename(holder[name])
        for table in ("on", "events"):
            if table in holder:
                holder[table] = {key: rename(target) for key, target in holder[table].items()}
    for state in plan["states"]:
        state["id"] = new[state["id"]]
        body = state.get("request", {}).get("body")
        if body and "prompt_ref" in body:
            body["prompt_ref"] = state["id"]
    plan["states"].sort(key=lambda state: int(state["id"][1:]))


def compile_document(document: Response, source: str = "<string>", loop_cap: int = DEFAULT_LOOP_CAP) -> Compilation:
    """Compile a document (parsed without errors) into an EnableX call plan."""
    compiler = Compiler(source, loop_cap)
    end = compiler.hangup(None)  # the end of the document hangs up
    first = compiler.sequence(document.verbs, end)
    entries = _entries(compiler, document, first)
    plan = {
        "format": PLAN_FORMAT,
        "version": PLAN_VERSION,
        "source": source,
        "placeholders": {
            "{voice_id}": "the call's voice_id, from the webhook or the create-call response",
            "{cli}": "a number provisioned in the EnableX project, presented as the caller ID",
            "{to}": "the number an outbound call dials",
            "{event_url}": "the HTTPS URL EnableX posts webhook events to",
        },
        "start": first,
        "entries": entries,
        "states": compiler.states,
    }
    _renumber(plan)
    diagnostics = sorted(compiler.diagnostics, key=lambda d: (d.span.line, d.span.column, d.code))
    return Compilation(plan, diagnostics)
