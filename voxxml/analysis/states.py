"""Facts at each verb, from one walk over the document in execution order.

VoxXML is structured: verbs run in order, an If's body runs or not and then
execution continues after the If, and nothing jumps backwards. So the flow graph
(voxxml.analysis.graph) is implicit in the nesting, and a walk over the AST in
document order visits it in topological order. The walk computes, for every
verb it reaches, the state on entry, joined over all paths into it:

- ``reach``: AFTER_REDIRECT (only when a Redirect's fetch failed) or REACHED;
  verbs the walk never reaches have no state (UNREACHED);
- ``ran``: whether another verb may have run before (bits: NOTHING_RAN, SOMETHING_RAN);
- ``gathered``: whether a Gather may have run before (bits: NOT_GATHERED, GATHERED);
- ``inputs``: what the input variable (``hub.semantics.INPUT``, v1's $GATHER) can hold
  (an InputSummary, or None before any Gather);
- ``excluded``: values it cannot hold here, learnt from Ifs already passed.

What each verb does (how it ends, what it reads and writes) comes from ``hub.semantics``.

Each verb is visited once and every join is O(1): linear time, no path enumeration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, islice
from typing import NamedTuple

from ..hub import semantics
from ..hub.nodes import Gather, If, Redirect, Response, Verb
from ..hub.semantics import BEHAVIOURS, FOREVER, HANGUP, INPUT, REDIRECT, REJECT, tested
from .inputs import InputSummary

UNREACHED, AFTER_REDIRECT, REACHED = 0, 1, 2
NOTHING_RAN, SOMETHING_RAN = 1, 2
NOT_GATHERED, GATHERED = 1, 2
EXCLUDED_LIMIT = 64  # values remembered per point; beyond it nothing more is excluded (stays linear)


class State(NamedTuple):
    reach: int
    ran: int
    gathered: int
    inputs: InputSummary | None
    excluded: frozenset[str]
    redirect: Redirect | None  # the Redirect whose failed fetch leads here (AFTER_REDIRECT)


def join(a: State | None, b: State | None) -> State | None:
    """The state where two paths meet."""
    if a is None or a is b:
        return b
    if b is None:
        return a
    return State(
        max(a.reach, b.reach),
        a.ran | b.ran,
        a.gathered | b.gathered,
        a.inputs.join(b.inputs) if a.inputs is not None else b.inputs,
        a.excluded & b.excluded,
        a.redirect if a.reach <= b.reach and a.redirect is not None else b.redirect,
    )


START = State(REACHED, NOTHING_RAN, NOT_GATHERED, None, frozenset(), None)


@dataclass(frozen=True, slots=True)
class Condition:
    """What the analysis knows about an If's comparison."""

    verb: If
    state: State  # on entry to the If
    impossible: dict[str, str]  # alternative -> why no reaching Gather can produce it
    excluded: tuple[str, ...]  # alternatives already ruled out by earlier Ifs
    never_holds: bool


class Region(NamedTuple):
    """The first verb of a run of unreached (or only-after-redirect) verbs."""

    first: Verb
    previous: Verb | None  # the verb before it in its sequence; None at the top of an If body
    parent: If | None
    last: Verb  # the last verb of the sequence: the region runs to it
    redirect: Redirect | None = None  # for a run after a Redirect: that Redirect


@dataclass
class Analysis:
    # (verb, the state on entry) in execution order, for the reached verbs whose state
    # the rules read: every verb that can change the flow or the state (If, Gather,
    # Reject, Redirect, Hangup, loop='0' Say and Play) and every Say that reads a
    # variable. A list, not a dict by id: the walk only appends, and the rules scan it.
    # Keeping the rest would only cost memory: any verb's reach is known from the regions.
    visits: list[tuple[Verb, State]] = field(default_factory=list)
    ends_after: set[int] = field(default_factory=set)  # id(verb): verbs the end of the call or a Hangup follows
    conditions: list[Condition] = field(default_factory=list)
    unreachable: list[Region] = field(default_factory=list)
    after_redirect: list[Region] = field(default_factory=list)

    @cached_property
    def states(self) -> dict[int, State]:
        """id(verb) -> the state on entry, for the verbs ``visits`` keeps (built on first use)."""
        return {id(verb): state for verb, state in self.visits}

    def state(self, verb: Verb) -> State | None:
        """The state on entry to a verb that ``visits`` keeps (None: unreached, or not kept)."""
        return self.states.get(id(verb))


ends_how = semantics.ends  # how a verb may end the call: hangup, reject, forever (loop='0') or redirect

# Verbs that just run and continue (those that loop, unless loop='0'): handled inline by the walk.
_PASSES = frozenset(cls for cls, b in BEHAVIOURS.items() if b.ends is None and b.ending is None and not b.branches and b.writes is None)
_LOOPING = frozenset(cls for cls, b in BEHAVIOURS.items() if b.loops)
_HANGS_UP = frozenset(cls for cls, b in BEHAVIOURS.items() if b.ends == HANGUP)
_READING = frozenset(cls for cls in _PASSES if BEHAVIOURS[cls].reads is not None)  # kept in visits when they read


def analyse(document: Response) -> Analysis:
    analysis = Analysis()
    _Walk(analysis).sequence(document.verbs, START, None, None)
    return analysis


class _Walk:
    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.visits = analysis.visits

    def sequence(self, verbs: list[Verb], state: State | None, parent: If | None, after: Verb | None, outer: int = REACHED) -> State | None:
        """Run a sequence from ``state``; return the state after it (None: no path falls through).

        ``outer`` is the reach of the enclosing If (REACHED at the top level): a region
        starts where the reach drops below what led into it.
        """
        previous: Verb | None = None
        reach = outer
        visits = self.visits
        ends_after = self.analysis.ends_after
        for verb, following in zip(verbs, chain(islice(verbs, 1, None), (after,))):  # no copies
            if following is None or following.__class__ in _HANGS_UP:
                ends_after.add(id(verb))
            if state is None:
                if reach != UNREACHED:
                    self.analysis.unreachable.append(Region(verb, previous, parent if previous is None else None, verbs[-1]))
                    reach = UNREACHED
                previous = verb
                continue
            if state.reach != reach:
                if state.reach == AFTER_REDIRECT:
                    region = Region(verb, previous, parent if previous is None else None, verbs[-1], state.redirect)
                    self.analysis.after_redirect.append(region)
                reach = state.reach
            previous = verb
            kind = verb.__class__
            if kind in _PASSES and (kind not in _LOOPING or verb.loop):  # type: ignore[attr-defined]
                if kind in _READING and semantics.may_read(verb):
                    visits.append((verb, state))
                if state.ran != SOMETHING_RAN:  # the common case costs one test
                    state = State(state.reach, SOMETHING_RAN, state.gathered, state.inputs, state.excluded, state.redirect)
            else:
                visits.append((verb, state))
                state = self.verb(verb, state, following)
        return state

    def verb(self, verb: Verb, state: State, after: Verb | None) -> State | None:
        if verb.__class__ is If:
            return self.branch(verb, state, after)  # type: ignore[arg-type]
        if semantics.behaviour(verb).branches:  # a Loop: its body runs zero or more times (walked once: pass 1 is a path)
            body_end = self.sequence(verb.body, state, verb, after, state.reach)  # type: ignore[attr-defined]
            return join(state, body_end)
        if isinstance(verb, Gather) and INPUT in semantics.writes(verb):
            return State(state.reach, SOMETHING_RAN, GATHERED, InputSummary.of(verb), frozenset(), state.redirect)
        ending = semantics.ends(verb)
        if ending == HANGUP or ending == FOREVER:
            return None  # the call ends, or the verb repeats until the caller hangs up
        if ending == REJECT and state.ran == NOTHING_RAN:
            return None  # the first verb rejects the call
        if ending == REDIRECT:
            return State(min(state.reach, AFTER_REDIRECT), SOMETHING_RAN, state.gathered, state.inputs, state.excluded, verb)  # type: ignore[arg-type]
        if state.ran == SOMETHING_RAN:
            return state
        return State(state.reach, SOMETHING_RAN, state.gathered, state.inputs, state.excluded, state.redirect)

    def branch(self, verb: If, state: State, after: Verb | None) -> State | None:
        test = tested(verb.condition)
        values = test[1] if test is not None else ()
        if test is None or test[0] != INPUT or not values or state.gathered == NOT_GATHERED:
            body_end = self.sequence(verb.body, state, verb, after, state.reach)
            return join(state, body_end)
        inputs = state.inputs
        impossible = {}
        if inputs is not None and not inputs.speech:  # speech can produce anything
            for value in values:
                reason = inputs.impossible(value)
                if reason is not None:
                    impossible[value] = reason
        equal = not test[2]
        excluded = tuple(v for v in values if v in state.excluded) if equal and state.excluded else ()
        never = False
        if impossible or excluded:
            ruled_out = set(impossible).union(excluded)
            never = equal and all(v in ruled_out for v in values)
            self.analysis.conditions.append(Condition(verb, state, impossible, excluded, never))
        learnt = state.excluded.union(values)
        narrowed = state if len(learnt) > EXCLUDED_LIMIT else State(state.reach, state.ran, state.gathered, inputs, learnt, state.redirect)
        if equal:
            body_end = self.sequence(verb.body, None if never else state, verb, after, state.reach)
            return join(narrowed, body_end)
        body_end = self.sequence(verb.body, narrowed, verb, after, state.reach)  # NOTEQUAL: the body runs for other values
        return join(state, body_end)
