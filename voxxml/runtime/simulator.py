"""The reference interpreter: runs a document against a scripted caller.

It follows docs/semantics.md and is the oracle the compiled EnableX plans are
tested against. Deterministic: the same document and script give the same trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from ..ast import Conference, Dial, Gather, Hangup, If, Number, Pause, Play, Redirect, Reject, Response, Say, SetMute, Verb
from .caller import Caller, CallerScript, accept_input
from .trace import Event, continues
from ..dialects.voxxml_v1.values import Template, Variable
from ..dialects.voxxml_v1.voices import voices

DEFAULT_LOOP_CAP = 10  # how many times a loop='0' plays before the simulation stops it


class _CallEnded(Exception):
    """The call is over: a Hangup, a Reject, the caller, a Redirect, or a capped loop."""


def filled(text: Template | str, gather: str) -> str:
    """Say text as spoken: each $GATHER read gives the collected input (other $words are literal, VX011)."""
    if "$" not in text:
        return str(text)
    segments = text.segments if isinstance(text, Template) else Template(text).segments
    return "".join(gather if isinstance(s, Variable) and s.name == "$GATHER" else (s.name if isinstance(s, Variable) else s) for s in segments)


def resolved(url: str, base_url: str | None) -> str:
    """A URL resolved against the document's URL (RFC 3986); as written without a base or when absolute."""
    if base_url is None or is_absolute(url):
        return url
    return urljoin(base_url, url)


def is_absolute(url: str) -> bool:
    try:
        return bool(urlsplit(url).scheme)
    except ValueError:
        return False


@lru_cache(maxsize=256)
def spoken_as(voice_name: str, language: str | None) -> tuple[str, str]:
    """The gender of a Polly voice and the language a Say is spoken in (its own, else the voice's)."""
    voice = voices().get(voice_name)
    gender = voice.gender.lower() if voice is not None else "female"
    return gender, language or (voice.language if voice is not None else "en-US")


def say_event(say: Say, gather: str = "") -> Event:
    gender, language = spoken_as(say.voice, say.language)
    return {
        "event": "say",
        "text": filled(say.text, gather),
        "voice": say.voice,
        "gender": gender,
        "language": language,
        "separate_numbers": say.separate_numbers,
    }


@dataclass
class Simulation:
    trace: list[Event]
    gather: str  # $GATHER at the end


class Simulator:
    def __init__(self, script: CallerScript | None = None, loop_cap: int = DEFAULT_LOOP_CAP, base_url: str | None = None) -> None:
        self.caller = Caller(script or CallerScript())
        self.loop_cap = loop_cap
        self.base_url = base_url
        self.trace: list[Event] = []
        self.gather = ""
        self.ran = False  # whether a verb has run (a Reject after that has no effect)
        self.units = 0  # what the caller has experienced so far (trace.units)

    def run(self, document: Response) -> Simulation:
        try:
            self.sequence(document.verbs)
            self.emit({"event": "hangup"})  # the end of the document ends the call
        except _CallEnded:
            pass
        return Simulation(self.trace, self.gather)

    # ------------------------------------------------------------------ events
    def emit(self, event: Event) -> None:
        limit = self.caller.script.hangup_after
        previous = self.trace[-1] if self.trace else None
        if limit is not None and not continues(previous, event):  # a new thing to hear: is the caller still there?
            if self.units >= limit:
                self.trace.append({"event": "caller-hangup"})
                raise _CallEnded
            self.units += 1
        self.trace.append(event)
        if event["event"] in ("hangup", "reject"):
            raise _CallEnded

    def rounds(self, loop: int) -> int:
        """How many rounds of a loop are simulated: loop='0' and loops longer than the cap stop at the cap."""
        return loop if 0 < loop <= self.loop_cap else self.loop_cap

    def repeated(self, loop: int, repeat_delay: int, event: Event, endless_ok: bool = False) -> None:
        """A Say or Play: ``loop`` times (0: until the cap), each followed by repeatDelay.
        ``endless_ok``: a loop='0' prompt of a Gather, which plays to the cap and then listens."""
        times = self.rounds(loop)
        for _ in range(times):
            self.emit(dict(event))
            if repeat_delay:
                self.emit({"event": "pause", "seconds": repeat_delay})
        if loop == 0 and not endless_ok:
            self.capped(times)
        elif loop > times:
            self.stopped(loop)

    # ------------------------------------------------------------------- verbs
    def sequence(self, verbs: list[Verb]) -> None:
        for verb in verbs:
            self.verb(verb)

    def verb(self, verb: Verb) -> None:
        if isinstance(verb, If):
            self.branch(verb)
            return
        first = not self.ran
        self.ran = True
        if isinstance(verb, Say):
            self.repeated(verb.loop, verb.repeat_delay, say_event(verb, self.gather))
        elif isinstance(verb, Play):
            self.repeated(verb.loop, verb.repeat_delay, self.play_event(verb))
        elif isinstance(verb, Gather):
            self.collect(verb)
        elif isinstance(verb, Number):
            self.dial([verb.number])
        elif isinstance(verb, Dial):
            if verb.numbers:  # an empty Dial dials nothing (VX108)
                self.dial([number.number for number in verb.numbers])
        elif isinstance(verb, Conference):
            self.emit({"event": "conference", "name": verb.name})
        elif isinstance(verb, SetMute):
            self.emit({"event": "mute", "muted": verb.muted})
        elif isinstance(verb, Pause):
            self.emit({"event": "pause", "seconds": verb.length})
        elif isinstance(verb, Redirect):
            self.emit({"event": "redirect", "url": resolved(verb.url, self.base_url), "method": verb.method})
            if not self.caller.script.redirect_fails:
                raise _CallEnded  # the fetched document runs instead of the rest of this one
        elif isinstance(verb, Reject):
            if first:
                self.emit({"event": "reject"})
        elif isinstance(verb, Hangup):
            self.emit({"event": "hangup"})

    def branch(self, verb: If) -> None:
        values = verb.value or ()
        holds = self.gather in values
        if verb.test == "NOTEQUAL":
            holds = not holds
        if holds and verb.variable == "$GATHER":
            self.sequence(verb.body)

    def dial(self, numbers: list[str]) -> None:
        outcome = self.caller.next_dial()
        event: Event = {"event": "dial", "numbers": numbers, "outcome": outcome.outcome}
        if outcome.outcome == "answered":
            event["seconds"] = outcome.seconds
        self.emit(event)

    def play_event(self, play: Play) -> Event:
        return {"event": "play", "url": resolved(play.url, self.base_url)}

    def collect(self, gather: Gather) -> None:
        attempts = self.rounds(gather.loop)
        for attempt in range(attempts):
            if attempt and gather.repeat_delay:  # before a repeat only: none after the last attempt
                self.emit({"event": "pause", "seconds": gather.repeat_delay})
            for prompt in gather.prompts:
                # A prompt with loop='0' plays loop_cap times: the Gather's wait follows it.
                event = say_event(prompt, self.gather) if isinstance(prompt, Say) else self.play_event(prompt)
                self.repeated(prompt.loop, prompt.repeat_delay, event, endless_ok=True)
            value = accept_input(self.caller.next_input(), gather.input, gather.num_digits, gather.finish_on_key)
            self.emit({"event": "gather", "input": value})
            if value:
                self.gather = value
                return
        if gather.loop == 0:
            self.capped(attempts)
        elif gather.loop > attempts:
            self.stopped(gather.loop)
        self.gather = ""

    def capped(self, times: int) -> None:
        """A loop='0' reached the cap: the simulated call is hung up, and the trace says why."""
        self.emit({"event": "capped", "after": times})
        self.emit({"event": "hangup"})

    def stopped(self, loop: int) -> None:
        """A finite loop longer than the cap: the simulation stops there and says so (the call would go on)."""
        self.emit({"event": "capped", "after": self.loop_cap, "of": loop})
        raise _CallEnded


def simulate(document: Response, script: CallerScript | None = None, loop_cap: int = DEFAULT_LOOP_CAP, base_url: str | None = None) -> Simulation:
    return Simulator(script, loop_cap, base_url).run(document)


__all__ = ["DEFAULT_LOOP_CAP", "Simulation", "Simulator", "filled", "is_absolute", "resolved", "say_event", "simulate", "spoken_as"]
