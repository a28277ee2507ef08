"""VX116 constant-condition: an If whose expression is always true or always false where it stands, or a
Loop whose expression is false on entry (its body never runs), given what can reach it.

What each variable can hold comes from the walk (``analysis.variables``): a Set's constant, what a
Gather's settings let the caller enter (``numDigits``, ``finishOnKey``, ``input``), a Dial's status,
a Loop's pass numbers. The verdict (``analysis.truth``) covers ==, !=, =~ and !~ against constants,
In, && and ||. Not judged: a variable VX114 or VX118 already reports there (one mistake, one
diagnostic), v1's $GATHER (VX105, VX109), and, inside a Loop, a variable its body writes (the body is
walked once: a later pass may see another value).
"""

from __future__ import annotations

from typing import Iterator

from ..analysis.inputs import InputSummary
from ..analysis.reads import _PLAIN
from ..analysis.states import State
from ..analysis.truth import UNKNOWN, Verdict, decided_by, evaluate, shown
from ..hub.expressions import Var, variables
from ..analysis.variables import Value
from ..core.diagnostics import Diagnostic, make
from ..hub.nodes import If, Node
from ..hub.semantics import INPUT
from .context import CheckContext, condition_attribute, condition_reads, did_you_mean, element_name

CODE = "VX116"


_FIRST_PASS = Value(False, frozenset(("0",)))


def verdict(context: CheckContext, node: Node, state: State, counter_first_pass: str | None = None) -> Verdict:
    """The verdict on a node's condition at a point, from the values the rules trust there.

    Not trusted (looked up as None: anything): a variable VX114 or VX118 reports at this node, one the
    outermost enclosing Loop's body writes, and v1's $GATHER. Whether the condition holds is decided once
    per condition and values (``truth.decide``); the reason is worked out only for a constant one."""
    analysis = context.analysis
    known = analysis.known  # analysis.value's memo, read inline: VX114's scan asks the same (name, clock)
    clock = state.clock
    in_loop = state.loop >= 0
    fixed_input = context.fixed_input
    looked_up: dict[str, Value | None] = {}
    key: list[object] = []  # each value's part of truth.decided's key, made inline: this runs for every If
    condition = node.condition  # type: ignore[attr-defined]
    hit = _PLAIN.get((node.__class__, id(condition)))  # condition_reads' memo, read inline
    # condition_reads lists the condition's variables in names_of's order (distinct, left to right).
    for name, plain in hit[1] if hit is not None and hit[0] is condition else condition_reads(node):
        if name == counter_first_pass:
            value: Value | None = _FIRST_PASS
        else:
            key_at = (name, clock)
            value = known.get(key_at)
            if value is None:
                value = known[key_at] = analysis.variables.at(name, clock)  # Analysis.value, inline
            if (
                (value.unset and context.unset_rule(name, value, not plain) is not None)  # unset_rule: None when set
                or (in_loop and not analysis.trusted(name, state))  # trusted: always outside Loops
                or (fixed_input and name == INPUT)
            ):
                value = None
        looked_up[name] = value
        if value is None:
            key.append(None)
        else:
            values = value.values
            key.append((value.unset, values[:4] if values.__class__ is InputSummary else values))
    lookup = looked_up.__getitem__
    if decided_by(condition, tuple(key), lookup) is None:
        return UNKNOWN
    return evaluate(condition, lookup)


def _span(node: Node, found: Verdict):  # type: ignore[no-untyped-def]
    attribute = condition_attribute(node)
    at = getattr(found.leaf, "at", None)
    return node.attribute_sub_span(attribute, at) if at is not None else node.attribute_span(attribute)


def check(context: CheckContext) -> Iterator[Diagnostic]:
    if context.fixed_input:
        return  # v1's conditions test $GATHER only: VX105 and VX109
    for verb, state in context.analysis.visits:  # not ``visited``: grouping every visit by class costs more than this test
        if verb.__class__ is not If or verb.condition is None:  # type: ignore[attr-defined]
            continue
        found = verdict(context, verb, state)
        if found.holds is None:
            continue
        consequence = "its verbs always run" if found.holds else "its verbs never run"
        names = [var.name for var in variables(verb.condition) if not context.analysis.variables.written(var.name)]  # type: ignore[attr-defined]
        if names:
            consequence += f"; {shown(Var(names[0]))} is never set in this document: {did_you_mean(context, names[0])}"
        yield make(
            CODE,
            f"<{element_name(verb)}> expression is always {'true' if found.holds else 'false'} here: {found.reason}; {consequence}",
            _span(verb, found),
            "compare with a value the variable can hold here (see the values above), or remove the condition",
        )
    for fact in context.analysis.loops:
        verb = fact.verb
        if verb.condition is None or fact.holds is not False:
            continue
        found = verdict(context, verb, fact.state, verb.counter)
        if found.holds is not False:
            continue
        yield make(
            CODE,
            f"<{element_name(verb)}> expression is false on entry: {found.reason}; its body never runs",
            _span(verb, found),
            "compare with a value the variable can hold when the loop starts, or remove the loop",
        )
