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
- ``excluded``: values it cannot hold here, learnt from Ifs already passed;
- ``clock``: where the walk was in every variable's history (``analysis.variables``): what each
  variable can hold here is ``analysis.variables.at(name, state.clock)``;
- ``loop``: the clock at the entry to the outermost Loop around this point (-1: none).

What each verb does (how it ends, what it reads and writes) comes from ``hub.semantics``.

Each verb is visited once; every join of the fields above is O(1), and the variables' joins
cost O(log n) per change (analysis/variables.py says why): O(n log n), no path enumeration.
A Loop's body is walked once: it runs zero or more times (joined with the entry), or at least once
when its condition certainly holds on entry (at the top level: inside another Loop a later pass may
enter it differently). The Loop's counter (``do.n``) holds the pass numbers in its body only.
"""

from __future__ import annotations

from functools import lru_cache

from ..core.records import NamedTuple, dataclass, field

from ..hub import semantics
from ..hub.nodes import Dial, Gather, If, Loop, Redirect, Response, Set, Unset, Verb
from ..hub.semantics import BEHAVIOURS, FOREVER, HANDOFF, HANGUP, INPUT, REDIRECT, REJECT, tested
from .inputs import InputSummary
from .truth import decided, names_of
from .variables import ANYTHING, FINITE_LIMIT, Segment, Value, Variables

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
    redirect: Verb | None  # the Redirect (or verb with an action) whose failed fetch leads here (AFTER_REDIRECT)
    clock: int = 0  # the variables' clock here (analysis/variables.py)
    loop: int = -1  # the clock at the entry to the outermost enclosing Loop (-1: none)


def join(a: State | None, b: State | None) -> State | None:
    """The state where two paths meet."""
    if a is None or a is b:
        return b
    if b is None:
        return a
    inputs_a, inputs_b = a.inputs, b.inputs
    excluded_a, excluded_b = a.excluded, b.excluded
    reach_a, reach_b = a.reach, b.reach
    return State(
        reach_a if reach_a >= reach_b else reach_b,
        a.ran | b.ran,
        a.gathered | b.gathered,
        inputs_a if inputs_a is inputs_b or inputs_b is None else inputs_b if inputs_a is None else inputs_a.join(inputs_b),
        excluded_a if excluded_a is excluded_b else excluded_a & excluded_b,
        a.redirect if reach_a <= reach_b and a.redirect is not None else b.redirect,
        a.clock if a.clock >= b.clock else b.clock,
        a.loop,
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


class LoopFact(NamedTuple):
    """What the walk learnt about a Loop (for VX116 and VX117)."""

    verb: Loop
    state: State  # on entry to its body: its counter set
    holds: bool | None  # whether its condition holds on entry (first pass): True, False, None (not known)
    end: int  # the clock at the end of its body: its body's writes are in (state.clock, end]
    falls_through: bool  # some path reaches the end of its body
    leaves: bool  # a verb in its body may end the call or the document (a Hangup, Redirect, action)


class Region(NamedTuple):
    """The first verb of a run of unreached (or only-after-redirect) verbs."""

    first: Verb
    previous: Verb | None  # the verb before it in its sequence; None at the top of an If body
    parent: If | Loop | None  # the If or Do whose body holds it; None at the top level
    last: Verb  # the last verb of the sequence: the region runs to it
    redirect: Verb | None = None  # for a run after a Redirect (or an action's fetch): that verb


@dataclass
class Analysis:
    """The facts of one walk that the flow rules read."""  # a docstring, or dataclasses builds one with inspect at every start

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
    variables: Variables = field(default_factory=Variables)
    loops: list[LoopFact] = field(default_factory=list)
    loop_ends: dict[int, int] = field(default_factory=dict)  # entry clock of a top-level Loop -> clock at its end
    counters: set[str] = field(default_factory=set)  # the Loops' counter variables (do.n)

    known: dict[tuple[str, int], Value] = field(default_factory=dict)  # (name, clock) -> value: the rules ask again and again

    def value(self, name: str, state: State) -> Value:
        """What a variable can hold at a point (its state). Memoized: the Ifs of a menu stand at one clock
        and read the same variables, and VX114, VX116 and VX117 each ask."""
        key = (name, state.clock)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = self.variables.at(name, state.clock)
        return found

    def trusted(self, name: str, state: State) -> bool:
        """Whether a variable's value at a point holds on every pass of the Loops around it: no verb in the
        outermost enclosing Loop's body writes it (the body is walked once: a later pass may see another value)."""
        if state.loop < 0:
            return True
        return not self.variables.written_within(name, state.loop, self.loop_ends.get(state.loop, self.variables.clock))

    _visited: dict[type, list[tuple[Verb, State]]] | None = field(default=None, repr=False, compare=False)
    _states: dict[int, State] | None = field(default=None, repr=False, compare=False)

    @property
    def visited(self) -> dict[type, list[tuple[Verb, State]]]:
        """``visits`` by the verb's class, each in execution order: a rule about one kind of verb reads
        its own list instead of scanning every visit (built on first use, in one pass; a plain cache,
        not functools.cached_property, which takes a lock in Python 3.11)."""
        found = self._visited
        if found is None:
            found = self._visited = {}
            for visit in self.visits:
                kind = visit[0].__class__
                listed = found.get(kind)
                if listed is None:
                    found[kind] = [visit]
                else:
                    listed.append(visit)
        return found

    @property
    def states(self) -> dict[int, State]:
        """id(verb) -> the state on entry, for the verbs ``visits`` keeps (built on first use)."""
        found = self._states
        if found is None:
            found = self._states = {id(verb): state for verb, state in self.visits}
        return found

    def state(self, verb: Verb) -> State | None:
        """The state on entry to a verb that ``visits`` keeps (None: unreached, or not kept)."""
        return self.states.get(id(verb))


ends_how = semantics.ends  # how a verb may end the call: hangup, reject, forever (loop='0') or redirect

# Verbs that just run and continue (those that loop, unless loop='0'): handled inline by the walk.
_PASSES = frozenset(cls for cls, b in BEHAVIOURS.items() if b.ends is None and b.ending is None and not b.branches and b.writes is None)
_LOOPING = frozenset(cls for cls, b in BEHAVIOURS.items() if b.loops)
_HANGS_UP = frozenset(cls for cls, b in BEHAVIOURS.items() if b.ends == HANGUP)
_READING = frozenset(cls for cls in _PASSES if BEHAVIOURS[cls].reads is not None)  # kept in visits when they read
_READING_TEXT = frozenset(cls for cls in _READING if semantics.reads_its_text(cls))  # may_read is text.may_reference (a Say)
_LOOPS = frozenset(cls for cls, b in BEHAVIOURS.items() if b.branches and cls is not If)  # branch back: a Loop
_WRITING = frozenset(cls for cls, b in BEHAVIOURS.items() if b.writes is not None)  # the rest write nothing


def analyse(document: Response, variables: bool = True) -> Analysis:
    """The facts at each verb. ``variables``: keep every variable's history (the named-variable rules
    read it); without it the clock stays 0 and only the fixed input's state (``gathered``, ``inputs``,
    ``excluded``) is followed, as VoxXML v1's rules need."""
    analysis = Analysis()
    walk = _Walk(analysis, variables)
    walk.sequence(document.verbs, START, None)
    if document.verbs:
        walk.followed_by_end(document.verbs[-1])  # the end of the document follows the last verb
    return analysis


class _Walk:
    def __init__(self, analysis: Analysis, tracking: bool = True) -> None:
        self.analysis = analysis
        self.tracking = tracking
        self.visits = analysis.visits
        self.variables = analysis.variables
        self.frames: list[list[bool]] = []  # one per Loop being walked: whether its body may leave
        self.entered: set[int] = set()  # id(verb): the Ifs and Loops whose body the walk entered (followed_by_end)

    def sequence(self, verbs: list[Verb], state: State | None, parent: If | Loop | None, outer: int = REACHED) -> State | None:
        """Run a sequence from ``state``; return the state after it (None: no path falls through).

        ``outer`` is the reach of the enclosing If (REACHED at the top level): a region
        starts where the reach drops below what led into it.

        ``Analysis.ends_after`` (the verbs a Hangup or the end of the call follows) costs nothing per verb: a
        Hangup marks the verb before it (``followed_by_end``), instead of every verb looking at the next one.
        """
        previous: Verb | None = None
        reach = outer
        visits = self.visits
        for verb in verbs:
            kind = verb.__class__
            if state is None:
                if reach != UNREACHED:
                    self.analysis.unreachable.append(Region(verb, previous, parent if previous is None else None, verbs[-1]))
                    reach = UNREACHED
                if kind in _HANGS_UP and previous is not None:
                    self.followed_by_end(previous)
                previous = verb
                continue
            if state.reach != reach:
                if state.reach == AFTER_REDIRECT:
                    region = Region(verb, previous, parent if previous is None else None, verbs[-1], state.redirect)
                    self.analysis.after_redirect.append(region)
                reach = state.reach
            if kind in _PASSES and (kind not in _LOOPING or verb.loop):  # type: ignore[attr-defined]
                if kind in _READING:
                    if kind in _READING_TEXT:  # may_read is its text's may_reference, inline (a property call per Say)
                        text = verb.text  # type: ignore[attr-defined]
                        mark = text.MARK
                        reads = mark in text if mark is not None else text.may_reference
                    else:
                        reads = semantics.may_read(verb)
                    if reads:
                        visits.append((verb, state))
                if state.ran != SOMETHING_RAN:  # the common case costs one test
                    state = State(state.reach, SOMETHING_RAN, state.gathered, state.inputs, state.excluded, state.redirect, state.clock, state.loop)
            else:
                if kind in _HANGS_UP and previous is not None:
                    self.followed_by_end(previous)
                visits.append((verb, state))
                state = self.branch(verb, state) if kind is If else self.verb(verb, state)  # type: ignore[arg-type]
            previous = verb
        return state

    def followed_by_end(self, verb: Verb) -> None:
        """A Hangup or the end of the call follows ``verb``: and so the last verb of its body, if the walk entered
        it (a reached If or Loop), and so on inwards (``Analysis.ends_after``)."""
        ends_after = self.analysis.ends_after
        ends_after.add(id(verb))
        while id(verb) in self.entered:  # a reached If or Loop: the walk entered its body
            body: list[Verb] = verb.body  # type: ignore[attr-defined]
            if not body:
                return
            verb = body[-1]
            ends_after.add(id(verb))

    def verb(self, verb: Verb, state: State) -> State | None:
        kind = verb.__class__
        if kind is If:
            return self.branch(verb, state)  # type: ignore[arg-type]
        if kind in _LOOPS:
            return self.loop(verb, state)  # type: ignore[arg-type]
        written = semantics.writes(verb) if kind in _WRITING else ()
        if written:
            if self.tracking:
                state = self.write(verb, state, written)
            if kind is Gather and INPUT in written:
                state = State(state.reach, SOMETHING_RAN, GATHERED, InputSummary.of(verb), frozenset(), state.redirect, state.clock, state.loop)  # type: ignore[arg-type]
        ending = semantics.ends(verb)
        if ending is not None:  # most verbs continue: none of these tests
            if self.frames:
                self.frames[-1][0] = True  # the enclosing Loop's body may leave
            if ending == HANGUP or ending == FOREVER or ending == HANDOFF:
                return None  # the call ends, the verb repeats until the caller hangs up, or a Flow takes the call
            if ending == REJECT and state.ran == NOTHING_RAN:
                return None  # the first verb rejects the call
            if ending == REDIRECT:
                return State(min(state.reach, AFTER_REDIRECT), SOMETHING_RAN, state.gathered, state.inputs, state.excluded, verb, state.clock, state.loop)
        if state.ran == SOMETHING_RAN:
            return state
        return State(state.reach, SOMETHING_RAN, state.gathered, state.inputs, state.excluded, state.redirect, state.clock, state.loop)

    def write(self, verb: Verb, state: State, written: tuple[str, ...]) -> State:
        """A verb's writes (after its reads: the state it was visited with keeps the clock before them)."""
        variables = self.variables
        variables.tick()
        kind = verb.__class__
        if kind is Unset:
            for name in written:
                variables.unset(name, verb)
        elif kind is Gather:
            for name, value in zip(written, _gathered(verb)):  # type: ignore[arg-type]
                variables.assign(name, value, verb)
        else:
            value = _set_value(verb) if kind is Set else _DIAL_STATUS if kind is Dial else ANYTHING  # type: ignore[arg-type]
            for name in written:
                variables.assign(name, value._replace(source=verb), verb)
        return State(state.reach, state.ran, state.gathered, state.inputs, state.excluded, state.redirect, variables.clock, state.loop)

    def loop(self, verb: Loop, state: State) -> State | None:
        """A Loop's body runs zero or more times (walked once: joined with the entry), or at least once when its
        condition certainly holds on entry (a top-level Loop only); its counter holds the pass numbers in the body."""
        variables = self.variables
        self.entered.add(id(verb))
        segment = variables.open()
        counter = verb.counter
        self.analysis.counters.add(counter)
        condition = verb.condition
        holds: bool | None = None
        if condition is not None:  # truth.decide with the values on entry, looked up inline
            names = names_of(condition)
            holds = decided(condition, names, [_FIRST_PASS if name == counter else variables.current(name) for name in names])
        variables.tick()
        variables.assign(counter, Value(False, _passes(verb.max_loops), verb))
        outer = state.loop if state.loop >= 0 else segment.clock
        entry = State(state.reach, state.ran, state.gathered, state.inputs, state.excluded, state.redirect, variables.clock, outer)
        runs = holds is True and state.loop < 0
        frame = [False]
        self.frames.append(frame)
        body_end = self.sequence(verb.body, entry, verb, state.reach)
        self.frames.pop()
        if frame[0] and self.frames:
            self.frames[-1][0] = True
        variables.close(segment, body_end is not None, runs, restore=(counter,))
        self.analysis.loops.append(LoopFact(verb, entry, holds, variables.clock, body_end is not None, frame[0]))
        if state.loop < 0:
            self.analysis.loop_ends[segment.clock] = variables.clock
        return _at_clock(body_end if runs else join(state, body_end), variables.clock, state.loop)

    def branch(self, verb: If, state: State) -> State | None:
        self.entered.add(id(verb))
        if not self.tracking:
            learnt = None if state.gathered == NOT_GATHERED else self.learn(verb, state)
            if learnt is None:
                body_end = self.sequence(verb.body, state, verb, state.reach)
                return state if body_end is state else join(state, body_end)
            # When the body changed nothing (its verbs just ran: most menu branches that do not end the call), the
            # paths meet in the state before the If (the other one is it narrowed by what the If learnt: their join
            # is that state), and the narrowed state for the call without the body is not made at all.
            values, equal, never = learnt
            if equal:  # the body runs for these values (if any can reach it); the call goes on without them
                entry = None if never else state
                body_end = self.sequence(verb.body, entry, verb, state.reach)
                if body_end is entry and entry is not None:
                    return state
                return join(_narrowed(state, values), body_end)
            entry = _narrowed(state, values)  # NOTEQUAL: the body runs for the other values
            body_end = self.sequence(verb.body, entry, verb, state.reach)
            return state if body_end is entry else join(state, body_end)
        variables = self.variables
        changed = variables.changed  # the log of changed names (Variables.open, inline: most bodies change nothing)
        mark, clock = len(changed), variables.clock
        # Before any Gather of the fixed input (always, in a dialect with named variables) there is nothing to learn.
        base, entry = (state, state) if state.gathered == NOT_GATHERED else self.condition(verb, state)
        body_end = self.sequence(verb.body, entry, verb, state.reach)  # no helper frame: deep nesting recurses here
        if len(changed) != mark:
            variables.close(Segment(clock, mark), body_end is not None)
        after = base if body_end is base else join(base, body_end)  # most bodies leave the state as it was
        now = variables.clock
        if after is None or (after.clock == now and after.loop == state.loop):  # _at_clock, inline
            return after
        return State(after.reach, after.ran, after.gathered, after.inputs, after.excluded, after.redirect, now, state.loop)

    def condition(self, verb: If, state: State) -> tuple[State, State | None]:
        """What v1's input tests learn: the state the call takes when the body does not run, and the state
        its body starts from (None: it cannot run)."""
        learnt = self.learn(verb, state)
        if learnt is None:
            return state, state
        values, equal, never = learnt
        narrowed = _narrowed(state, values)
        if equal:
            return narrowed, None if never else state
        return state, narrowed  # NOTEQUAL: the body runs for other values

    def learn(self, verb: If, state: State) -> tuple[tuple[str, ...], bool, bool] | None:
        """An If's test of v1's input, judged where it stands (VX105, VX109: ``Analysis.conditions``): the values it
        tests, whether its body runs for them (EQUAL) or for the others, and whether it never runs; None when it tests
        no input value (nothing to learn)."""
        test = tested(verb.condition)
        values = test[1] if test is not None else ()
        if test is None or test[0] != INPUT or not values or state.gathered == NOT_GATHERED:
            return None
        inputs = state.inputs
        impossible = inputs.impossible_among(values) if inputs is not None and not inputs.speech else {}  # speech can produce anything
        equal = not test[2]
        known = state.excluded
        excluded = tuple(v for v in values if v in known) if equal and known and not known.isdisjoint(values) else ()
        never = False
        if impossible or excluded:
            ruled_out = set(impossible).union(excluded)
            never = equal and all(v in ruled_out for v in values)
            self.analysis.conditions.append(Condition(verb, state, impossible, excluded, never))
        return values, equal, never


def _narrowed(state: State, values: tuple[str, ...]) -> State:
    """The state with ``values`` learnt not to be the input's (remembered up to EXCLUDED_LIMIT values)."""
    learnt = state.excluded.union(values)
    if len(learnt) > EXCLUDED_LIMIT:
        return state
    return State(state.reach, state.ran, state.gathered, state.inputs, learnt, state.redirect, state.clock, state.loop)


def _at_clock(state: State | None, clock: int, loop: int) -> State | None:
    """A state after an If or a Loop: the variables' clock now, the enclosing Loop's (a join took the
    latest clock of its two sides, and the first side's loop); itself when it already says so (most Ifs
    change no variable)."""
    if state is None or (state.clock == clock and state.loop == loop):
        return state
    return State(state.reach, state.ran, state.gathered, state.inputs, state.excluded, state.redirect, clock, loop)


_FIRST_PASS = Value(False, frozenset(("0",)))  # a Loop counter on entry


@lru_cache(maxsize=FINITE_LIMIT + 1)
def _passes(max_loops: int) -> frozenset[str] | None:
    """The values a Loop counter takes in the body ("0" .. max_loops - 1), or None when they are too many to list."""
    return frozenset(str(n) for n in range(max_loops)) if max_loops <= FINITE_LIMIT else None


_DIAL_STATUS = Value(False, frozenset(semantics.dial_status(outcome) for outcome in ("answered", "busy", "no-answer", "failed")))


def _set_value(verb: Set) -> Value:
    """A Set's value: its text when it reads no variable, else anything."""
    value = verb.value
    return ANYTHING if value.may_reference and value.variables else Value(False, frozenset((str(value),)))


def _gathered(gather: Gather) -> tuple[Value, Value, Value]:
    """What a Gather writes to output, output.digits and output.speech (hub.semantics.gathered): the digits as
    its settings allow (no input: ""), the speech as anything, the output as whichever the caller used."""
    modes = gather.input
    dtmf, spoken = "dtmf" in modes, "speech" in modes
    digits = Value(False, InputSummary.digits_of(gather), gather) if dtmf else Value(False, _NO_INPUT, gather)
    speech = Value(False, None, gather) if spoken else Value(False, _NO_INPUT, gather)
    output = speech if not dtmf else digits if not spoken else Value(False, None, gather)
    return output, digits, speech


_NO_INPUT = frozenset(("",))  # a Gather's field for an input mode it does not take
