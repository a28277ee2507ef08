"""Where a document's variables are read, and what they can hold there: what the named-variable rules
(VX114-VX118) judge, made from the flow analysis' facts.

Apart from the checks' shared context (``checks/context.py``) so that it can be compiled with mypyc
(pyproject.toml): a VoXML lint spends a tenth of its time here.
"""

from __future__ import annotations

from typing import Callable, Sequence

from ..core.records import NamedTuple

from ..hub import semantics
from ..hub.expressions import And, Compare, In, Literal, Or, Var
from ..hub.nodes import Gather, If, Loop, Node
from ..hub.semantics import Read
from .states import Analysis, State
from .variables import Value

_READERS = frozenset(kind for kind, meaning in semantics.BEHAVIOURS.items() if meaning.reads is not None)  # the rest never read
_TEXT_READERS = frozenset(kind for kind in _READERS if semantics.reads_its_text(kind))  # may_read: the text's may_reference


class VariableRead(NamedTuple):
    node: Node  # the node whose text or condition reads it (a Gather's prompt, not the Gather)
    read: Read
    state: State
    value: Value  # what it can hold there
    compared_with_empty: bool  # the read is one side of a comparison with "" (== or !=)


# A node's reads, each marked whether it is compared with "", by (class, id(condition)) for the nodes with a
# condition (If, Loop: they read their condition only). Readers share one condition object between the nodes that
# write it alike (readings are memoized by raw text), so each is walked once; the entry keeps the object alive,
# which keeps its id unique. Bounded: cleared when full.
_MARKED: dict[tuple[type, int], tuple[object, tuple[tuple[Read, bool], ...]]] = {}
_MARKED_LIMIT = 20_000


def _reads_marked(node: Node) -> tuple[tuple[Read, bool], ...]:
    """``semantics.reads(node)``, each with whether it is one side of a comparison with "" (== or !=)."""
    condition = getattr(node, "condition", None)
    if condition is None:
        return tuple((read, False) for read in semantics.reads(node))
    key = (node.__class__, id(condition))
    hit = _MARKED.get(key)
    if hit is not None and hit[0] is condition:
        return hit[1]
    empty = _compared_with_empty(node)
    marked = tuple((read, read.at in empty if read.at else False) for read in semantics.reads(node))
    if len(_MARKED) >= _MARKED_LIMIT:
        _MARKED.clear()
    _MARKED[key] = (condition, marked)
    return marked


_PLAIN: dict[tuple[type, int], tuple[object, tuple[tuple[str, bool], ...]]] = {}


def condition_reads(node: Node) -> tuple[tuple[str, bool], ...]:
    """The distinct variables a node's condition reads, each with whether some read of it is not compared
    with "" (then an unset value there is VX114's, not a deliberate test). Once per condition object."""
    condition = getattr(node, "condition", None)
    key = (node.__class__, id(condition))
    hit = _PLAIN.get(key)
    if hit is not None and hit[0] is condition:
        return hit[1]
    plain: dict[str, bool] = {}
    marked = _MARKED.get(key)
    if marked is not None and marked[0] is condition:
        for read, empty in marked[1]:
            plain[read.name] = plain.get(read.name, False) or not empty
    else:  # _reads_marked's work without keeping its pairs: most conditions read only set variables, and never need them
        empty_at = _compared_with_empty(node) if condition is not None else set()
        for read in semantics.reads(node):
            at = read.at
            plain[read.name] = plain.get(read.name, False) or not (at in empty_at if at else False)
    found = tuple(plain.items())
    if len(_PLAIN) >= _MARKED_LIMIT:
        _PLAIN.clear()
    _PLAIN[key] = (condition, found)
    return found


def _compared_with_empty(node: Node) -> set[tuple[int, int]]:
    """Where the variables compared with "" sit in a node's condition (the hub's expression classes are final:
    dispatched on the class; once per condition object)."""
    condition = getattr(node, "condition", None)
    if condition is None:
        return set()
    found = set()
    stack = [condition]
    while stack:
        expr = stack.pop()
        kind = expr.__class__
        if kind is Compare:
            left, right = expr.left, expr.right  # type: ignore[union-attr]
            if expr.op == "==" or expr.op == "!=":  # type: ignore[union-attr]
                for one, other in ((left, right), (right, left)):
                    if one.__class__ is Var and other.__class__ is Literal and other.value == "" and one.at is not None:  # type: ignore[union-attr]
                        found.add(one.at)  # type: ignore[union-attr]
            if left.__class__ is not Var and left.__class__ is not Literal:
                stack.append(left)
            if right.__class__ is not Var and right.__class__ is not Literal:
                stack.append(right)
        elif kind is In:
            if "" in expr.values and expr.operand.__class__ is Var and expr.operand.at is not None:  # type: ignore[union-attr]
                found.add(expr.operand.at)  # type: ignore[union-attr]
        elif kind is And or kind is Or:
            stack.extend(expr.operands)  # type: ignore[union-attr]
    return found


def variable_reads(analysis: Analysis, only_unset: bool) -> list[VariableRead]:
    """Every variable read on a reached path, in execution order, with what it can hold there (with
    ``only_unset``: only where it may be unset, the reads VX114 and VX118 report)."""
    found: list[VariableRead] = []
    loops: dict[int, State] | None = None  # a Loop's condition is read with its counter set: made on the first Loop
    value_at = analysis.value
    known = analysis.known  # value_at's memo, read and filled inline (VX116 asks the same again)
    at_clock = analysis.variables.at
    may_read = semantics.may_read
    for verb, state in analysis.visits:
        kind = verb.__class__
        if kind is If or kind is Loop:  # most visits: a condition
            condition = verb.condition  # type: ignore[attr-defined]
            if condition is None:
                continue  # a condition that could not be read has no reads
            at = state
            if kind is Loop:
                if loops is None:
                    loops = {id(fact.verb): fact.state for fact in analysis.loops}
                at = loops.get(id(verb), state)
            if only_unset:  # most conditions read only set variables: skipped on their distinct names
                clock = at.clock
                hit = _PLAIN.get((kind, id(condition)))  # condition_reads' memo, read inline
                plain = hit[1] if hit is not None and hit[0] is condition else condition_reads(verb)
                for name, _ in plain:
                    key = (name, clock)
                    value = known.get(key)
                    if value is None:
                        value = known[key] = at_clock(name, clock)  # Analysis.value, inline
                    if value.unset:
                        break
                else:
                    continue
            _node_reads(verb, at, value_at, only_unset, found)
            continue
        nodes: Sequence[Node]
        if kind is Gather:
            nodes = verb.prompts  # type: ignore[attr-defined]  # its children (the field, not the property): they run with it
        elif kind in _READERS:
            nodes = (verb,)
        else:
            continue
        for node in nodes:
            node_kind = node.__class__
            if node_kind is Loop:
                if loops is None:
                    loops = {id(fact.verb): fact.state for fact in analysis.loops}
                at = loops.get(id(node), state)
            elif node_kind in _TEXT_READERS:  # may_read is its text's may_reference, inline (a property call per prompt)
                text = node.text  # type: ignore[attr-defined]
                mark = text.MARK
                if not (mark in text if mark is not None else text.may_reference):
                    continue
                at = state
            elif node_kind is If or (node_kind in _READERS and may_read(node)):  # an If without a condition has no reads
                at = state
            else:
                continue
            _node_reads(node, at, value_at, only_unset, found)
    return found


def _node_reads(node: Node, at: State, value_at: Callable[[str, State], Value], only_unset: bool, found: list[VariableRead]) -> None:
    """One node's reads, in order, with what each variable can hold at ``at``, added to ``found``."""
    values: dict[str, Value] = {}  # a condition often reads one variable several times
    for read, empty in _reads_marked(node):
        name = read.name
        value = values.get(name)
        if value is None:
            value = values[name] = value_at(name, at)
        if value.unset or not only_unset:
            found.append(VariableRead(node, read, at, value, empty))
