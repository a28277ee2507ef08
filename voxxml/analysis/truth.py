"""Whether a condition certainly holds, certainly fails, or may go either way, given what its variables
can hold (``variables.Value``). Three-valued: ``holds`` is True, False or None (not known).

Used by the walk (a Loop whose condition holds on entry certainly runs its body once) and by VX116
(an If that is always true or always false). The verdict names the comparison that decides it and
says why, in words that name the value and what the variable can hold.

Most conditions are not constant, and a document repeats its conditions (readers share one condition
object between the elements that write it alike, across documents): ``decide`` answers the question
"does it hold?" once per condition and per what its variables can hold (the strings, the Gather
settings, whether unset; never where they were set, which only the messages name), and the verdict
with its reason is made only when the answer is yes or no.
"""

from __future__ import annotations

import re
from typing import Callable

from ..core.records import NamedTuple

from ..hub.expressions import PATTERN_LIMIT, And, Compare, Expr, In, Literal, Or, Var, matches, variables
from .inputs import InputSummary
from .variables import ANYTHING, FINITE_LIMIT, Value

Lookup = Callable[[str], Value | None]  # None: not to be trusted here (treated as anything)


class Verdict(NamedTuple):
    holds: bool | None
    leaf: Expr | None = None  # the part of the condition that decides it
    explain: Callable[[], str] | None = None  # why, in words: made only when a diagnostic needs it (lines are positions)

    @property
    def reason(self) -> str:
        return self.explain() if self.explain is not None else ""


UNKNOWN = Verdict(None)


def shown(var: Var) -> str:
    return "${" + var.name + "}"


def _listed(strings: frozenset[str]) -> str:
    ordered = sorted(strings)
    text = ", ".join(f"'{s}'" for s in ordered[:5])
    return text + (f" and {len(ordered) - 5} more" if len(ordered) > 5 else "")


def describe(var: Var, value: Value) -> str:
    """What a variable can hold here, for messages."""
    if value.never_set:
        return f"{shown(var)} is never set before this point, so it reads ''"
    strings = value.strings()
    where = _where(value)
    source = value.source
    if strings == {""} and getattr(source, "TAG", None) == "Gather" and getattr(source, "line", None):
        kind = "speech" if var.name.endswith(".speech") else "DTMF"
        modes = " ".join(getattr(source, "input"))
        return f"{shown(var)} is always '' here: the Gather on line {getattr(source, 'line')} takes no {kind} (input='{modes}')"
    if strings is not None:
        if len(strings) == 1:
            return f"{shown(var)} is always '{next(iter(strings))}' here{where}"
        return f"{shown(var)} can only be {_listed(strings)} here{where}"
    return f"{shown(var)} can be anything here"


def _where(value: Value) -> str:
    source = value.source
    line = getattr(source, "line", None)
    return f" (the <{source.TAG}> on line {line} sets it)" if line else ""  # type: ignore[attr-defined]


def _operand(expr: Expr, lookup: Lookup) -> tuple[frozenset[str] | None, Value | None]:
    """The strings an operand can be (None: too many) and, for a variable, its value."""
    if isinstance(expr, Literal):
        return frozenset((expr.value,)), None
    if isinstance(expr, Var):
        value = lookup(expr.name) or ANYTHING
        return value.strings(), value
    verdict = evaluate(expr, lookup)  # a condition used as an operand reads "true" or "false"
    return (frozenset(("true" if verdict.holds else "false",)) if verdict.holds is not None else None), None


def _equal(left: Expr, right: Expr, lookup: Lookup) -> tuple[bool | None, Callable[[], str] | None]:
    """Whether left == right certainly (True), never (False), or not known (None); and why."""
    strings_l, value_l = _operand(left, lookup)
    strings_r, value_r = _operand(right, lookup)
    if strings_l is not None and strings_r is not None:
        if len(strings_l) == 1 and strings_l == strings_r:
            return True, lambda: _why(left, value_l, right, value_r)
        if strings_l.isdisjoint(strings_r):
            return False, lambda: _why(left, value_l, right, value_r)
        return None, None
    for strings, var, value in ((strings_l, right, value_r), (strings_r, left, value_l)):
        if strings is not None and value is not None and isinstance(var, Var) and len(strings) <= FINITE_LIMIT:
            reasons = [value.can_be(s) for s in strings]
            if all(reason is not None for reason in reasons):
                if isinstance(value.values, InputSummary) and len(strings) == 1:
                    text = next(iter(strings))
                    summary, why = value.values, reasons[0]
                    return False, lambda: f"{shown(var)} can never be '{text}': {why}{_gather(summary)}"
                return False, lambda: describe(var, value)  # type: ignore[arg-type]
    return None, None


def _quick_equal(expr: Compare, lookup: Lookup) -> Verdict | None:
    """The common ``${var} == "text"`` against a variable that can be anything or a Gather's digits, without
    building sets (the lint of every If pays for this); None: take the general path."""
    left, right = expr.left, expr.right
    if right.__class__ is Literal and left.__class__ is Var:
        var, text = left, right.value  # type: ignore[union-attr]
    elif left.__class__ is Literal and right.__class__ is Var:
        var, text = right, left.value  # type: ignore[union-attr]
    else:
        return None
    value = lookup(var.name)  # type: ignore[union-attr]
    if value is None or value.values is None:
        return UNKNOWN  # anything: it can be equal and it can differ
    summary = value.values
    if isinstance(summary, frozenset):
        return None
    why = value.can_be(text)
    if why is None:
        return UNKNOWN  # a Gather's digits can be it, and can be "" (no input)
    name = var

    def explain() -> str:
        return f"{shown(name)} can never be '{text}': {why}{_gather(summary)}"  # type: ignore[arg-type]

    return Verdict(expr.op != "==", expr, explain)


def _gather(summary: InputSummary) -> str:
    line = summary.source.line
    return f" (the Gather on line {line})" if line else ""


def _why(left: Expr, value_l: Value | None, right: Expr, value_r: Value | None) -> str:
    parts = [describe(e, v) for e, v in ((left, value_l), (right, value_r)) if isinstance(e, Var) and v is not None]
    return "; ".join(parts) if parts else "it compares two constants"


def evaluate(expr: Expr | None, lookup: Lookup) -> Verdict:
    """The verdict on a condition (a condition that could not be read: not known)."""
    if expr is None:
        return UNKNOWN
    kind = expr.__class__
    if kind is Or or kind is And:  # the hub's expression classes are final: the common shapes skip isinstance
        return _junction(expr, lookup, kind is Or)  # type: ignore[arg-type]
    if isinstance(expr, Compare):
        if expr.op in ("==", "!="):
            quick = _quick_equal(expr, lookup)
            if quick is not None:
                return quick
            equal, why = _equal(expr.left, expr.right, lookup)
            if equal is None:
                return UNKNOWN
            return Verdict(equal if expr.op == "==" else not equal, expr, why)
        return _match(expr, lookup)
    if isinstance(expr, In):
        strings, value = _operand(expr.operand, lookup)
        if strings is None:
            return UNKNOWN
        inside = [s in expr.values for s in strings]
        if all(inside) or not any(inside):
            operand = expr.operand
            return Verdict(all(inside) != expr.negated, expr, lambda: describe(operand, value) if isinstance(operand, Var) and value is not None else "it tests a constant")
        return UNKNOWN
    if isinstance(expr, (And, Or)):
        return _junction(expr, lookup, isinstance(expr, Or))
    strings, value = _operand(expr, lookup)  # a bare operand holds when it is not empty
    if strings is None:
        return UNKNOWN
    if "" not in strings or strings == {""}:
        bare = expr
        return Verdict("" not in strings, expr, lambda: describe(bare, value) if isinstance(bare, Var) and value is not None else "it is a constant")
    return UNKNOWN


def _junction(expr: And | Or, lookup: Lookup, decisive: bool) -> Verdict:
    """An And or an Or: ``decisive`` is the value that decides it (an Or: True; an And: False)."""
    verdicts = []
    for operand in expr.operands:
        verdict = evaluate(operand, lookup)
        if verdict.holds is decisive:
            return verdict
        verdicts.append(verdict)
    if all(v.holds is (not decisive) for v in verdicts):
        return Verdict(not decisive, expr, lambda: "; ".join(dict.fromkeys(v.reason for v in verdicts if v.explain is not None)))
    return UNKNOWN


def _usable(pattern: str) -> bool:
    if len(pattern) > PATTERN_LIMIT:
        return False
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def _match(expr: Compare, lookup: Lookup) -> Verdict:
    subjects, value = _operand(expr.left, lookup)
    patterns, _ = _operand(expr.right, lookup)
    if subjects is None or patterns is None or len(subjects) * len(patterns) > FINITE_LIMIT:
        return UNKNOWN
    if not all(_usable(p) for p in patterns):
        return UNKNOWN  # a pattern the simulator cannot evaluate is VM002's or VX007's, not a verdict
    found = [matches(p, s) for p in patterns for s in subjects]
    if all(found) or not any(found):
        subject = expr.left
        return Verdict(all(found) == (expr.op == "=~"), expr, lambda: describe(subject, value) if isinstance(subject, Var) and value is not None else "it matches a constant")
    return UNKNOWN


# ------------------------------------------------------------------ one decision per condition and values
# (id(condition), what each of its variables can hold) -> holds, and id(condition) -> (the condition, its
# variables' names). The condition is kept alive beside its id, so the id stays its own. Bounded: cleared when full.
_DECIDED: dict[tuple[int, tuple[object, ...]], bool | None] = {}
_NAMES: dict[int, tuple[Expr, tuple[str, ...]]] = {}
_DECIDED_LIMIT = 50_000


def names_of(expr: Expr) -> tuple[str, ...]:
    """The distinct variables a condition reads, left to right (computed once per condition object)."""
    hit = _NAMES.get(id(expr))
    if hit is not None and hit[0] is expr:
        return hit[1]
    names = tuple(dict.fromkeys(var.name for var in variables(expr)))
    if len(_NAMES) >= _DECIDED_LIMIT:
        _NAMES.clear()
        _DECIDED.clear()  # its keys hold ids that _NAMES no longer keeps alive
    _NAMES[id(expr)] = (expr, names)
    return names


def decide(expr: Expr | None, lookup: Lookup) -> bool | None:
    """``evaluate(expr, lookup).holds``, decided once per condition and per what its variables can hold.

    Every variable of the condition is looked up (``evaluate`` may stop before some): lookups have no
    effect, and the answer depends on nothing else."""
    if expr is None:
        return None
    names = names_of(expr)
    return decided(expr, names, [lookup(name) for name in names])


def decided_by(expr: Expr, key: tuple[object, ...], lookup: Lookup) -> bool | None:
    """``decided`` for a caller that builds the key as it looks the values up (VX116: once per If) and has a
    lookup of them at hand, which ``evaluate`` reads when the answer is not known yet. ``key`` is
    each value's part of ``decided``'s key, in ``names_of(expr)``'s order."""
    whole = (id(expr), key)
    try:
        return _DECIDED[whole]
    except KeyError:
        pass
    holds = evaluate(expr, lookup).holds
    if len(_DECIDED) >= _DECIDED_LIMIT:
        _DECIDED.clear()
    names_of(expr)  # keeps the condition alive while its id is in a key (it may clear both tables)
    if _NAMES.get(id(expr), (None,))[0] is expr:
        _DECIDED[whole] = holds
    return holds


def decided(expr: Expr, names: tuple[str, ...], found: list[Value | None]) -> bool | None:
    """``decide`` with the values already looked up: ``found[i]`` is what ``names[i]`` (``names_of(expr)``) holds."""
    # What of a value the truth depends on: not its source (messages only); a Gather's summary without its
    # Gather. VX116's verdict (checks/constant_condition.py) builds the same key inline, for decided_by.
    key = (id(expr), tuple([
        None if value is None else (value.unset, value.values[:4] if value.values.__class__ is InputSummary else value.values)
        for value in found
    ]))  # a list made at once: cheaper than a generator resumed per value
    try:
        return _DECIDED[key]
    except KeyError:
        pass
    looked = dict(zip(names, found))
    holds = evaluate(expr, looked.__getitem__).holds
    if len(_DECIDED) >= _DECIDED_LIMIT:
        _DECIDED.clear()
    if _NAMES.get(id(expr), (None,))[0] is expr:  # still kept alive: the id is the condition's
        _DECIDED[key] = holds
    return holds


__all__ = ["UNKNOWN", "Verdict", "decide", "decided", "decided_by", "describe", "evaluate", "names_of", "shown"]
