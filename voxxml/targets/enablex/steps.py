"""A call plan as a readable table: ``voxxml compile --target enablex --format steps``.

One row per entry (inbound, outbound), then one per state in id order:

    state  element (line)  request                                  transitions
    s0     Say (3)         PUT {call}/play "Thank you for calling"  playfinished, failed -> s1

``request`` is the EnableX request a state sends (method, path and a short summary
of the body; ``{$GATHER}`` (``{variable}``) marks where a play's text template takes the input) or, for
a pure step, what the runner does itself (wait, await input, branch, accept the input,
observe, retry, conference, redirect). ``transitions`` lists webhook events (and the
runner's own timer and fetch results) with the state each leads to; a cell with
several transitions takes several lines. Plain text, no colours, no wrapping.
"""

from __future__ import annotations

import json
from typing import Any

from ...runtime.trace import describe
from .plan import INPUT_VARIABLE, Plan, Request

CALL = "/voice/v1/call/{voice_id}"
_SHORT = "{call}"
_TEXT_LIMIT = 40  # characters of TTS text shown
HEADER = ("state", "element (line)", "request", "transitions")


def _path(path: str) -> str:
    return path.replace(CALL, _SHORT) if path.startswith(CALL) else path


def _quote(text: str) -> str:
    if len(text) > _TEXT_LIMIT:
        text = text[: _TEXT_LIMIT - 3].rstrip() + "..."
    return json.dumps(text, ensure_ascii=False)


def _event_name(key: str) -> str:
    """``playstate:playfinished`` -> ``playfinished``; ``speech:timeout`` stays as it is."""
    kind, _, name = key.partition(":")
    return key if kind == "speech" else name


def _grouped(on: dict[str, str]) -> list[str]:
    """Transitions grouped by target, in the order the targets first appear."""
    targets: dict[str, list[str]] = {}
    for key, target in on.items():
        targets.setdefault(target, []).append(_event_name(key))
    return [f"{', '.join(names)} -> {target}" for target, names in targets.items()]


def play_summary(body: dict[str, Any]) -> str:
    """The body of a play: the text (shortened) with voice and language, or the URL; then dtmf/asr."""
    if "url" in body:
        summary = body["url"]
    else:
        summary = f"{_quote(body.get('text', ''))} ({body.get('voice')}, {body.get('language')})"
        interpret = body.get("text_to_speech_option", {}).get("say-as", {}).get("interpret-as")
        if interpret:
            summary += f" say-as {interpret}"
    listens = [name for name in ("dtmf", "asr") if body.get(name)]
    if listens:
        summary += " +" + " +".join(listens)
    return summary


def _request(request: Request) -> str:
    text = f"{request['method']} {_path(request['path'])}"
    body = request.get("body")
    if request["path"].endswith("/play") and body is not None:
        text += " " + play_summary(body)
    elif request["path"].endswith("/connect") and body is not None:
        text += f" from {body.get('from')} to {body.get('to')}"
    return text


def _element(state: dict[str, Any]) -> str:
    element = state.get("element")
    if element is None:
        return "(end of document)"
    span = state.get("span")
    return f"{element} ({span['line']})" if span else element


def state_row(state: dict[str, Any]) -> tuple[str, str, str, list[str]]:
    """One state: its id, element (line), request or pure step, and transitions (one per line)."""
    kind = state["kind"]
    transitions: list[str]
    if kind == "play" and "template" in state:
        text = "".join(part if isinstance(part, str) else "{" + part["variable"] + "}" for part in state["template"])
        body = {**state["request"]["body"], "text": text}
        request, transitions = _request({**state["request"], "body": body}), _grouped(state.get("on", {}))
    elif kind in ("play", "connect"):
        request, transitions = _request(state["request"]), _grouped(state.get("on", {}))
    elif kind == "await":
        request = f"await {state['prompt']}'s input after its prompt, up to {state['seconds']} s (timeout)"
        transitions = [*_grouped(state["on"]), f"timer -> {state['timeout']}"]
    elif kind == "conference":
        request, transitions = f"conference {state['name']} (the runner joins the call)", [f"left -> {state['next']}"]
    elif kind == "hangup":
        request = _request(state["request"]) + (" (reject: the call is never accepted)" if state.get("reject") else "")
        transitions = ["-> end"]
    elif kind == "wait":
        request, transitions = f"wait {state['seconds']} s", [f"timer -> {state['next']}"]
    elif kind == "branch":
        values = json.dumps(state["values"], ensure_ascii=False)
        test = "in" if state["test"] == "EQUAL" else "not in"
        request = f"branch {state['variable']} {test} {values} -> {state['then']} else {state['otherwise']}"
        transitions = []
    elif kind == "accept":
        request = f"accept {', '.join(state['modes'])}"
        if "dtmf" in state["modes"]:
            request += f" (numDigits {state['num_digits']}, finishOnKey {json.dumps(state['finish_on_key'])})"
        transitions = [f"input -> {state['next']}", f"no input -> {state['none']}"]
    elif kind == "observe":
        request, transitions = f"observe: {describe(state['observe'])}", [f"-> {state['next']}"]
    elif kind == "clear":
        cleared = state.get("output", INPUT_VARIABLE) if "output" in state else INPUT_VARIABLE
        request, transitions = f"clear {cleared or 'nothing'} (no input)", [f"-> {state['next']}"]
    elif kind == "retry":
        request = f"retry: up to {state['limit']} rounds"
        transitions = [f"again -> {state['again']}", f"done -> {state['done']}"]
    elif kind == "redirect":
        request = f"redirect {state['method']} {state['url']}"
        transitions = ["fetched -> end", f"fetch failed -> {state['next']}"]
    elif kind == "action":
        request = f"action: post the result, {state['method']} {state['url']}"
        transitions = ["fetched -> end", f"fetch failed -> {state['next']}"]
    elif kind == "set":
        text = "".join(part if isinstance(part, str) else "{" + part["variable"] + "}" for part in state["template"])
        request, transitions = f"set {state['variable']} = {_quote(text)}", [f"-> {state['next']}"]
    elif kind == "unset":
        request, transitions = f"unset {state['variable']}", [f"-> {state['next']}"]
    elif kind == "test":
        request = f"test {json.dumps(state['condition'], ensure_ascii=False)} -> {state['then']} else {state['otherwise']}"
        transitions = []
    elif kind == "loop":
        condition = json.dumps(state["condition"], ensure_ascii=False)
        request = f"loop: {state['counter']} = pass (from 0); up to {state['limit']} passes while {condition}"
        transitions = [f"pass -> {state['then']}", f"done -> {state['done']}"]
    elif kind == "iterate":
        request, transitions = f"iterate {state['loop']}: the pass is over", [f"-> {state['loop']}"]
    else:
        request, transitions = kind, [f"-> {state['next']}"] if "next" in state else []
    return state["id"], _element(state), request, transitions


def entry_rows(plan: Plan) -> list[tuple[str, str, str, list[str]]]:
    """The inbound entry (accept, or a first-verb Reject) and the outbound one (create the call)."""
    entries = plan["entries"]
    inbound = entries["inbound"]
    if "request" in inbound:
        accept = "on incomingcall: " + _request(inbound["request"])
        inbound_row = ("inbound", "-", accept, _grouped(inbound.get("events", {})))
    else:
        inbound_row = ("inbound", "-", "on incomingcall: no accept", [f"incomingcall -> {inbound['next']}"])
    outbound = entries["outbound"]
    create = outbound["request"]
    body = create.get("body", {})
    request = f"{create['method']} {create['path']} from {body.get('from')} to {body.get('to')}"
    if outbound.get("folds"):
        action = next(iter(body.get("action_on_connect", {})), "action")
        request += f", action_on_connect: {outbound['folds']}'s {action}"
    return [inbound_row, ("outbound", "-", request, _grouped(outbound.get("events", {})))]


def steps_table(plan: Plan) -> str:
    """The plan as aligned plain text: the entries first, then every state."""
    rows = entry_rows(plan) + [state_row(state) for state in plan["states"]]  # type: ignore[arg-type]
    widths = [max(len(HEADER[i]), *(len(row[i]) for row in rows)) for i in range(3)]

    def line(cells: tuple[str, str, str], transition: str) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)) + "  " + transition

    lines = [line(HEADER[:3], HEADER[3]).rstrip()]
    for state, element, request, transitions in rows:
        first, *more = transitions or [""]
        lines.append(line((state, element, request), first).rstrip())
        lines.extend(line(("", "", ""), transition).rstrip() for transition in more)
    lines.append("")
    lines.append(f"{_SHORT} = {CALL}; from any state, the caller's disconnected event ends the call.")
    return "\n".join(lines)


__all__ = ["play_summary", "state_row", "steps_table"]
