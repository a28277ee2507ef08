"""The reference interpreter: runs a document against a scripted caller.

It follows docs/semantics.md and is the oracle the compiled EnableX plans are
tested against. Deterministic: the same document and script give the same trace.
"""

from __future__ import annotations

from ..core.records import dataclass  # made from the cache's recipe (compile imports this module: issue 14)
from functools import lru_cache
from typing import Any

from ..dialects import vocabulary_of
from ..dialects.voxxml_v1.voices import voices
from ..hub import semantics
from ..hub.expressions import Environment
from ..hub.nodes import Connect, Dial, Gather, If, Loop, Number, Pause, Play, Redirect, Response, Say, Set, Unset, Verb
from ..hub.semantics import REDIRECT, REJECT, is_absolute, resolved
from .caller import Caller, CallerScript, accept_input
from .trace import Event, continues

DEFAULT_LOOP_CAP = 10  # how many times a loop='0' plays before the simulation stops it


class _CallEnded(Exception):
    """The call is over: a Hangup, a Reject, the caller, a Redirect, or a capped loop."""


def catalogue_voice(voice_name: str, qualified: bool = False) -> Any:
    """A voice of the Polly catalogue by its v1 name ('Joanna') or, for a dialect whose voices are
    provider-qualified (VoXML), by that name ('Polly.Joanna', 'Polly.Matthew-Neural'); None if not one.
    (In v1 'Polly.Joanna' is not a voice: EX210, female.)"""
    voice = voices().get(voice_name)
    if voice is None and qualified and voice_name.startswith("Polly."):
        voice = voices().get(voice_name[6:].split("-", 1)[0])
    return voice


def qualified_voices(node: Any) -> bool:
    """Whether the dialect that read a node names voices with their provider ('Polly.Joanna')."""
    types = getattr(vocabulary_of(node), "types", None) or {}
    return bool(types.get("voice", {}).get("kind") == "qualified_voice")


def voice_genders(node: Any) -> dict[str, str] | None:
    """The voices the reading dialect has without a provider (TwiML's man, woman, alice) and their genders,
    from its vocabulary's voice type (``genders``); None when it has none."""
    types = getattr(vocabulary_of(node), "types", None) or {}
    return types.get("voice", {}).get("genders") or None


def builtin_gender(node: Any) -> str | None:
    """The gender of a voice the reading dialect has without a provider; None for any other voice."""
    genders = voice_genders(node)
    return genders.get(node.voice) if genders else None


@lru_cache(maxsize=256)
def spoken_as(voice_name: str, language: str | None, qualified: bool = False) -> tuple[str, str]:
    """The gender of a Polly voice and the language a Say is spoken in (its own, else the voice's)."""
    voice = catalogue_voice(voice_name, qualified)
    gender = voice.gender.lower() if voice is not None else "female"
    return gender, language or (voice.language if voice is not None else "en-US")


def say_event(say: Say, environment: Environment | str = "") -> Event:
    """The event of a Say (``environment``: the call's variables; a str: the input variable's value)."""
    if isinstance(environment, str):
        environment = Environment({semantics.INPUT: environment})
    gender, language = spoken_as(say.voice, say.language, say.source is not None and qualified_voices(say))
    if say.source is not None:
        gender = builtin_gender(say) or gender
    return semantics.say_event(say, environment, gender, language)


@dataclass
class Simulation:
    """A simulated call: what happened in order, and the variables at the end."""

    trace: list[Event]
    environment: Environment  # the variables at the end

    @property
    def gather(self) -> str:
        """The input variable at the end (v1's $GATHER)."""
        return self.environment.get(semantics.INPUT)


class Simulator:
    def __init__(self, script: CallerScript | None = None, loop_cap: int = DEFAULT_LOOP_CAP, base_url: str | None = None) -> None:
        self.caller = Caller(script or CallerScript())
        self.loop_cap = loop_cap
        self.base_url = base_url
        self.trace: list[Event] = []
        self.environment = Environment()
        self.ran = False  # whether a verb has run (a Reject after that has no effect)
        self.units = 0  # what the caller has experienced so far (trace.units)

    def run(self, document: Response) -> Simulation:
        try:
            self.sequence(document.verbs)
            self.emit({"event": "hangup"})  # the end of the document ends the call
        except _CallEnded:
            pass
        return Simulation(self.trace, self.environment)

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
        meaning = semantics.behaviour(verb)
        if meaning.branches:
            if meaning.repeats:
                self.loop(verb)  # type: ignore[arg-type]
            else:
                self.branch(verb)  # type: ignore[arg-type]
            return
        first = not self.ran
        self.ran = True
        if verb.__class__ is Say:
            self.repeated(verb.loop, verb.repeat_delay, say_event(verb, self.environment))  # type: ignore[attr-defined]
        elif meaning.writes is not None and isinstance(verb, Gather):
            self.collect(verb)
        elif meaning.dials:
            numbers = semantics.dialled(verb)  # type: ignore[arg-type]
            if numbers:  # an empty Dial dials nothing (VX108)
                self.dial(numbers)
                if isinstance(verb, Dial) and verb.output is not None:  # output.status: the outcome heard last
                    outcome = next(event["outcome"] for event in reversed(self.trace) if event["event"] == "dial")
                    self.environment.set(verb.output + ".status", semantics.dial_status(outcome))
            self.fetch(verb)
        elif verb.__class__ is Set:
            semantics.set_variable(self.environment, verb)  # type: ignore[arg-type]
        elif verb.__class__ is Unset:
            semantics.unset_variable(self.environment, verb)  # type: ignore[arg-type]
        elif verb.__class__ is Connect:
            for event in semantics.flow_events(verb):  # type: ignore[arg-type]
                self.emit(event)
                if not event["resume"]:
                    raise _CallEnded  # the Flow owns the rest of the call
        else:
            event = semantics.observed(verb, self.base_url)
            ending = semantics.ends(verb)
            if meaning.loops:
                self.repeated(verb.loop, verb.repeat_delay, event)  # type: ignore[attr-defined, arg-type]
            elif ending == REJECT:
                if first:
                    self.emit(event)  # type: ignore[arg-type]
            elif event is not None:
                self.emit(event)
            if verb.__class__ is not Redirect:
                self.fetch(verb)
            elif ending == REDIRECT and not self.caller.script.redirect_fails:
                raise _CallEnded  # the fetched document runs instead of the rest of this one

    def fetch(self, verb: Verb, got_input: bool = True) -> None:
        """An action (Gather, Dial, Record, Pay): the result is posted and the reply replaces the document,
        unless the fetch fails (the caller script's redirect_fails), as for a Redirect."""
        if semantics.fetches(verb, got_input) is None:
            return
        self.emit(semantics.fetch_event(verb, self.base_url))
        if not self.caller.script.redirect_fails:
            raise _CallEnded

    def branch(self, verb: If) -> None:
        if semantics.holds(verb.condition, self.environment):
            self.sequence(verb.body)

    def loop(self, verb: Loop) -> None:
        """A while loop: the counter is the pass number (from 0) when the condition is tested and in the
        body; at most max_loops passes. Beyond the loop cap the simulation stops (``capped``, ``of``).
        Afterwards the counter has its value from before the loop again."""
        environment = self.environment
        counter = verb.counter
        before = environment.values.get(counter)
        passes = 0
        while passes < verb.max_loops:
            environment.set(counter, str(passes))
            if not semantics.holds(verb.condition, environment):
                break
            if passes == self.loop_cap:
                self.stopped(verb.max_loops)
            self.sequence(verb.body)
            passes += 1
        if before is None:
            environment.unset(counter)
        else:
            environment.set(counter, before)

    def dial(self, numbers: list[str]) -> None:
        outcome = self.caller.next_dial()
        self.emit(semantics.dial_event(numbers, outcome.outcome, outcome.seconds))

    def play_event(self, play: Play) -> Event:
        return semantics.play_event(play, self.base_url)

    def collect(self, gather: Gather) -> None:
        attempts = self.rounds(gather.loop)
        for attempt in range(attempts):
            if attempt and gather.repeat_delay:  # before a repeat only: none after the last attempt
                self.emit({"event": "pause", "seconds": gather.repeat_delay})
            for prompt in gather.prompts:
                if isinstance(prompt, Pause):
                    self.emit({"event": "pause", "seconds": prompt.length})
                    continue
                # A prompt with loop='0' plays loop_cap times: the Gather's wait follows it.
                event = say_event(prompt, self.environment) if isinstance(prompt, Say) else self.play_event(prompt)
                self.repeated(prompt.loop, prompt.repeat_delay, event, endless_ok=True)
            given = self.caller.next_input()
            value = accept_input(given, gather.input, gather.num_digits, gather.finish_on_key)
            self.emit({"event": "gather", "input": value})
            if value:
                semantics.gathered(self.environment, gather, value, given.kind)
                self.fetch(gather)
                return
        if gather.loop == 0:
            self.capped(attempts)
        elif gather.loop > attempts:
            self.stopped(gather.loop)
        semantics.gathered(self.environment, gather, "", "none")
        self.fetch(gather, got_input=False)

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


__all__ = ["DEFAULT_LOOP_CAP", "Simulation", "Simulator", "builtin_gender", "is_absolute", "resolved", "say_event", "simulate", "spoken_as"]
