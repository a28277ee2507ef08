"""VX109 duplicate-condition: an If value already handled by an earlier If that ends the call."""

from __future__ import annotations

from typing import Iterator

from ..ast import If
from ..diagnostics import Diagnostic, make
from .context import CheckContext
from .impossible_condition import alternative_spans

CODE = "VX109"


def _earlier(context: CheckContext, node_id: int, value: str) -> If | None:
    for node in reversed(context.graph.nodes[:node_id]):
        if isinstance(node.verb, If) and node.verb.value and value in node.verb.value and node.verb.test == "EQUAL":
            return node.verb
    return None


def check(context: CheckContext) -> Iterator[Diagnostic]:
    for node_id, condition in context.analysis.conditions.items():
        if not condition.excluded:
            continue
        verb = context.graph.nodes[node_id].verb
        assert isinstance(verb, If)
        spans = alternative_spans(verb)
        for value in condition.excluded:
            earlier = _earlier(context, node_id, value)
            where = f" on line {earlier.line}" if earlier is not None and earlier.line else ""
            yield make(
                CODE,
                f"If value '{value}' can never match: the If{where} already handles '{value}' and the call does not come back from it",
                verb.attribute_sub_span("value", spans[value]),
                "remove the repeated value, or merge the two Ifs",
            )
