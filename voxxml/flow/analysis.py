"""Facts at each verb, from one forward pass over the flow graph.

For every node the pass computes the state on entry, joined over its predecessors:

- ``reach``: UNREACHED, AFTER_REDIRECT (only when a Redirect's fetch failed) or REACHED;
- ``ran``: whether another verb may have run before (bits: NOTHING_RAN, SOMETHING_RAN);
- ``gathered``: whether a Gather may have run before (bits: NOT_GATHERED, GATHERED);
- ``inputs``: what $GATHER can hold (an InputSummary, or None before any Gather);
- ``excluded``: values $GATHER cannot hold here, learnt from Ifs already passed.

Document order is topological, so one pass in id order is enough: linear time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ast import Gather, If, Verb
from .graph import END, FlowGraph, FlowNode
from .inputs import InputSummary

UNREACHED, AFTER_REDIRECT, REACHED = 0, 1, 2
NOTHING_RAN, SOMETHING_RAN = 1, 2
NOT_GATHERED, GATHERED = 1, 2
EXCLUDED_LIMIT = 64  # values remembered per point; beyond it nothing is excluded (stays linear)


@dataclass(frozen=True, slots=True)
class State:
    reach: int
    ran: int
    gathered: int
    inputs: InputSummary | None
    excluded: frozenset[str]
    redirect: int  # the Redirect whose failed fetch leads here (AFTER_REDIRECT), else -1

    def join(self, other: "State | None") -> "State":
        if other is None or other is self:
            return self
        return State(
            reach=max(self.reach, other.reach),
            ran=self.ran | other.ran,
            gathered=self.gathered | other.gathered,
            inputs=self.inputs.join(other.inputs) if self.inputs else other.inputs,
            excluded=self.excluded & other.excluded,
            redirect=self.redirect if self.reach <= other.reach and self.redirect >= 0 else other.redirect,
        )


START = State(REACHED, NOTHING_RAN, NOT_GATHERED, None, frozenset(), -1)


@dataclass(frozen=True, slots=True)
class Condition:
    """What the analysis knows about an If's comparison."""

    impossible: dict[str, str]  # alternative -> why no reaching Gather can produce it
    excluded: tuple[str, ...]  # alternatives already ruled out by earlier Ifs
    never_holds: bool


@dataclass
class Analysis:
    graph: FlowGraph
    states: list[State | None] = field(default_factory=list)  # on entry, by node id
    at_end: State | None = None
    conditions: dict[int, Condition] = field(default_factory=dict)  # by If node id

    def state(self, node: FlowNode) -> State | None:
        return self.states[node.id]

    def reach(self, node: FlowNode) -> int:
        state = self.states[node.id]
        return UNREACHED if state is None else state.reach


def analyse(graph: FlowGraph) -> Analysis:
    analysis = Analysis(graph, [None] * len(graph.nodes))
    states = analysis.states

    def flow(target: int | None, state: State) -> None:
        if target is None:
            return
        if target == END:
            analysis.at_end = state.join(analysis.at_end)
        else:
            current = states[target]
            states[target] = state if current is None else state.join(current)

    if graph.entry != END:
        states[graph.entry] = START
    else:
        analysis.at_end = START
    for node in graph.nodes:
        state = states[node.id]
        if state is None:
            continue
        verb = node.verb
        if isinstance(verb, If):
            _branch(analysis, node, verb, state, flow)
            continue
        after = _after(verb, state)
        if node.ends == "reject" and state.ran == NOTHING_RAN:
            continue  # the first verb rejects the call: nothing follows
        if node.ends == "redirect":
            after = State(min(after.reach, AFTER_REDIRECT), after.ran, after.gathered, after.inputs, after.excluded, node.id)
        flow(node.next, after)
    return analysis


def _after(verb: Verb, state: State) -> State:
    if isinstance(verb, Gather):
        return State(state.reach, SOMETHING_RAN, GATHERED, InputSummary.of(verb), frozenset(), state.redirect)
    if state.ran == SOMETHING_RAN:
        return state
    return State(state.reach, SOMETHING_RAN, state.gathered, state.inputs, state.excluded, state.redirect)


def _branch(analysis: Analysis, node: FlowNode, verb: If, state: State, flow) -> None:
    values = verb.value or ()
    if verb.variable != "$GATHER" or not values or state.gathered == NOT_GATHERED:
        flow(node.branch, state)
        flow(node.next, state)
        return
    impossible = {}
    if state.inputs is not None and state.gathered == GATHERED:
        for value in values:
            reason = state.inputs.impossible(value)
            if reason is not None:
                impossible[value] = reason
    equal = verb.test == "EQUAL"
    excluded = tuple(v for v in values if v in state.excluded) if equal else ()
    ruled_out = set(impossible) | set(excluded)
    never = equal and all(v in ruled_out for v in values)
    analysis.conditions[node.id] = Condition(impossible, excluded, never)
    learnt = state.excluded | frozenset(values)
    if len(learnt) > EXCLUDED_LIMIT:
        learnt = state.excluded
    narrowed = State(state.reach, state.ran, state.gathered, state.inputs, learnt, state.redirect)
    if equal:
        if not never:
            flow(node.branch, state)
        flow(node.next, narrowed)
    else:  # NOTEQUAL: the body runs when $GATHER is none of the values
        flow(node.branch, narrowed)
        flow(node.next, state)
