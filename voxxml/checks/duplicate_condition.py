"""VX109 duplicate-condition: an If value already handled by an earlier If that ends the call."""

from __future__ import annotations

from bisect import bisect_left
from typing import Iterator

from ..hub.nodes import If
from ..hub.semantics import tested
from ..core.diagnostics import Diagnostic, make
from .context import CheckContext, document_order
from .impossible_condition import alternative_spans, values_attribute

CODE = "VX109"


class _Tests:
    """Every EQUAL If by the values it tests, in document order: built once, so finding
    the If before another that tests a value is a binary search, not a scan of all Ifs."""

    def __init__(self, context: CheckContext) -> None:
        self.by_value: dict[str, tuple[list[int], list[If]]] = {}
        for other in document_order(list(context.of("If"))):
            test = tested(other.condition) if isinstance(other, If) else None
            if test is not None and not test[2]:  # an If that runs its body for these values
                for value in set(test[1]):
                    indexes, ifs = self.by_value.setdefault(value, ([], []))
                    indexes.append(other.index or 0)
                    ifs.append(other)

    def earlier(self, verb: If, value: str) -> If | None:
        """The closest If before ``verb`` that tests ``value`` with EQUAL (for the message)."""
        indexes, ifs = self.by_value.get(value, ((), ()))  # type: ignore[assignment]
        position = bisect_left(indexes, verb.index or 0)
        return ifs[position - 1] if position else None


def check(context: CheckContext) -> Iterator[Diagnostic]:
    tests: _Tests | None = None
    for condition in context.analysis.conditions:
        if not condition.excluded:
            continue
        if tests is None:
            tests = _Tests(context)
        verb = condition.verb
        spans = alternative_spans(verb)
        for value in condition.excluded:
            earlier = tests.earlier(verb, value)
            where = f" on line {earlier.line}" if earlier is not None and earlier.line else ""
            yield make(
                CODE,
                f"If value '{value}' can never match: the If{where} already handles '{value}' and the call does not come back from it",
                verb.attribute_sub_span(values_attribute(verb), spans[value]),
                "remove the repeated value, or merge the two Ifs",
            )
