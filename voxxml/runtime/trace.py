"""Caller-observable traces: what a caller hears and what happens to the call.

The reference simulator and the EnableX executor both produce traces; a compiled
plan is equivalent to its document when the traces are equal after ``comparable``.

Events are plain JSON-ready dicts with an ``event`` key:

    say        text, voice, gender, language, separate_numbers
    play       url, [digits]      (digits: DTMF tones a VoXML Play sends; url "" when it plays nothing)
    pause      seconds            (a Pause, or a repeatDelay)
    gather     input              (the value $GATHER takes; "" for no input)
    dial       numbers, outcome, seconds
    conference name
    mute       muted
    redirect   url, method
    fetch      url, method, element (an action: a Gather, Dial, Record or Pay posted its result to url;
                                     the reply replaces the document, as a Redirect's does)
    answer                        (an Answer)
    record     beep, max_length   (a Record)
    pay        charge_amount, currency, payment_method   (a Pay)
    flow       guid, resume       (a Connect hands the call to a Flow; without resume the trace ends)
    reject     [reason]           (reason only when the document gives one)
    hangup                        (a Hangup or the end of the document)
    caller-hangup                 (the caller hung up; the script said when)
    capped     after              (a loop='0' stopped at the simulator's cap; the call is hung up)
    capped     after, of          (a finite loop of ``of`` rounds stopped at the cap: the simulation stops)
"""

from __future__ import annotations

from typing import Any

Event = dict[str, Any]


def describe(event: Event) -> str:
    """One line of text for an event."""
    kind = event["event"]
    if kind == "say":
        extra = ", digits separated" if event.get("separate_numbers") else ""
        return f"say {event['text']!r} ({event['voice']}, {event['gender']}, {event['language']}{extra})"
    if kind == "play":
        if "digits" in event:
            return f"play digits {event['digits']}" + (f" then {event['url']}" if event["url"] else "")
        return f"play {event['url']}"
    if kind == "pause":
        return f"pause {event['seconds']} s"
    if kind == "gather":
        return f"gather -> {event['input']!r}" if event["input"] else "gather -> no input"
    if kind == "dial":
        seconds = f" for {event['seconds']} s" if event.get("outcome") == "answered" else ""
        return f"dial {', '.join(event['numbers'])}: {event['outcome']}{seconds}"
    if kind == "conference":
        return f"join conference {event['name']}"
    if kind == "mute":
        return "mute" if event["muted"] else "unmute"
    if kind == "redirect":
        return f"redirect ({event['method']}) {event['url']}"
    if kind == "fetch":
        return f"fetch ({event['method']}) {event['url']} ({event['element']} action)"
    if kind == "record":
        return f"record up to {event['max_length']} s" + (" after a beep" if event["beep"] else "")
    if kind == "pay":
        amount = f"{event['charge_amount']} {event['currency']}" if event.get("charge_amount") else "tokenize"
        return f"pay ({event['payment_method']}): {amount}"
    if kind == "flow":
        return f"flow {event['guid']}" + (" (resume)" if event["resume"] else "")
    if kind == "reject" and "reason" in event:
        return f"reject ({event['reason']})"
    if kind == "capped":
        if "of" in event:
            return f"loop stopped after {event['after']} of {event['of']} rounds (the loop cap); simulation stopped"
        return f"loop stopped after {event['after']} rounds (the loop cap)"
    return kind


def continues(previous: Event | None, event: Event) -> bool:
    """Whether ``event`` is heard as part of ``previous``: consecutive speech in one voice
    gender and language is one utterance (a plan may merge it into one play)."""
    return (
        previous is not None
        and event["event"] == "say"
        and previous["event"] == "say"
        and (previous["gender"], previous["language"], previous["separate_numbers"])
        == (event["gender"], event["language"], event["separate_numbers"])
    )


def heard(text: str) -> str:
    """Say text as words are heard: speech has no layout, so white space at either end is silent and a
    run of it inside is one gap. The documents keep the text as written (``voxxml format`` and the fixes
    keep an author's layout, v1 and VoXML read it verbatim), while TwiML's reader already collapses it
    (its Say mixes text and SSML): ``<Say> Hello</Say>`` in v1 and ``<Say>Hello</Say>`` read back from
    TwiML say the same thing, so a conversion that changes only the layout is faithful."""
    return " ".join(text.split())


def comparable(trace: list[Event]) -> list[Event]:
    """A trace as the caller experiences it: voices compared by gender, Say text by its words
    (``heard``), consecutive speech in one voice and language heard as one utterance, zero-second
    pauses dropped."""
    out: list[Event] = []
    for event in trace:
        kind = event["event"]
        if kind == "pause" and not event["seconds"]:
            continue
        if kind == "say":
            event = {k: (heard(v) if k == "text" else v) for k, v in event.items() if k != "voice"}
            if continues(out[-1] if out else None, event):
                out[-1] = {**out[-1], "text": heard(f"{out[-1]['text']} {event['text']}")}
                continue
        out.append(event)
    return out


def units(trace: list[Event]) -> int:
    """How many things the caller has experienced: events, counting an utterance once.

    A caller script's ``hangup_after`` counts these, so that a plan that merges speech
    into one play and the reference interpreter hang up at the same point."""
    count = 0
    previous: Event | None = None
    for event in trace:
        if not continues(previous, event):
            count += 1
        previous = event
    return count
