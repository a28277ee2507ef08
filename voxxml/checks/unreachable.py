"""VX102 unreachable: verbs that no path reaches. One diagnostic per region, at its first verb."""

from __future__ import annotations

from typing import Iterator

from ..ast import If
from ..diagnostics import Diagnostic, make
from ..flow import FlowNode
from ..flow.analysis import UNREACHED
from .context import CheckContext

CODE = "VX102"

_AFTER = {
    "hangup": "the <Hangup> on line {line} has ended the call",
    "forever": "the <{tag} loop='0'> on line {line} repeats until the caller hangs up",
    "reject": "the <Reject> on line {line} rejects the call",
}


def why(context: CheckContext, previous: FlowNode | None, first: FlowNode) -> str:
    if previous is not None and previous.ends in _AFTER:
        return _AFTER[previous.ends].format(line=previous.verb.line, tag=previous.verb.TAG)
    if previous is None and first.parent >= 0:
        parent = context.graph.nodes[first.parent]
        condition = context.analysis.conditions.get(parent.id)
        if isinstance(parent.verb, If) and condition is not None and condition.never_holds:
            return f"the condition of the <If> on line {parent.verb.line} can never hold"
    return "no path through the document reaches it"


def check(context: CheckContext) -> Iterator[Diagnostic]:
    for first, previous in context.regions(UNREACHED):
        yield make(
            CODE,
            f"unreachable <{first.verb.TAG}>: {why(context, previous, first)}",
            first.verb.span,
            "remove the unreachable verbs, or move them before the verb that ends the flow",
        )
