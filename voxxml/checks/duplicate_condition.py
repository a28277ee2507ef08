"""VX109 duplicate-condition: an If value already handled by an earlier If that ends the call."""

from __future__ import annotations

from typing import Iterator

from ..ast import If
from ..diagnostics import Diagnostic, make
from .context import CheckContext, document_order
from .impossible_condition import alternative_spans

CODE = "VX109"


def _earlier(context: CheckContext, verb: If, value: str) -> If | None:
    """The closest If before ``verb`` that tests ``value`` with EQUAL (for the message)."""
    here = verb.index or 0
    candidates = [
        other
        for other in document_order(context.of("If"))
        if isinstance(other, If) and other.test == "EQUAL" and value in (other.value or ())
        and (other.index or 0) < here
    ]
    return candidates[-1] if candidates else None


def check(context: CheckContext) -> Iterator[Diagnostic]:
    for condition in context.analysis.conditions:
        if not condition.excluded:
            continue
        verb = condition.verb
        spans = alternative_spans(verb)
        for value in condition.excluded:
            earlier = _earlier(context, verb, value)
            where = f" on line {earlier.line}" if earlier is not None and earlier.line else ""
            yield make(
                CODE,
                f"If value '{value}' can never match: the If{where} already handles '{value}' and the call does not come back from it",
                verb.attribute_sub_span("value", spans[value]),
                "remove the repeated value, or merge the two Ifs",
            )
