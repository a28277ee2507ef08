"""VX105 impossible-condition: an If value that no Gather reaching it can produce."""

from __future__ import annotations

from typing import Iterator

from ..core.diagnostics import Diagnostic, make
from ..hub.nodes import If
from ..hub.semantics import tested
from .context import CheckContext, condition_attributes

CODE = "VX105"


def values_attribute(verb: If) -> str:
    """The attribute an If's values are written in (VoxXML v1: value)."""
    return condition_attributes(verb)[-1]


def alternative_spans(verb: If) -> dict[str, tuple[int, int]]:
    """Where each alternative sits in the raw value 'a|b|c'."""
    offsets, position = {}, 0
    test = tested(verb.condition)
    for alternative in test[1] if test is not None else ():
        offsets.setdefault(alternative, (position, position + len(alternative)))
        position += len(alternative) + 1
    return offsets


def check(context: CheckContext) -> Iterator[Diagnostic]:
    for condition in context.analysis.conditions:
        if not condition.impossible:
            continue
        verb = condition.verb
        inputs = condition.state.inputs
        source = inputs.source if inputs is not None else None
        where = f" (the Gather on line {source.line})" if source is not None and source.line else ""
        spans = alternative_spans(verb)
        for alternative, reason in condition.impossible.items():
            yield make(
                CODE,
                f"If value '{alternative}' can never match: {reason}{where}",
                verb.attribute_sub_span(values_attribute(verb), spans[alternative]),
                "compare with a value the Gather can collect, or change the Gather's input, numDigits or finishOnKey",
            )
