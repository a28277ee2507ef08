"""VX105 impossible-condition: an If value that no Gather reaching it can produce."""

from __future__ import annotations

from typing import Iterator

from ..ast import If
from ..core.diagnostics import Diagnostic, make
from .context import CheckContext

CODE = "VX105"


def alternative_spans(verb: If) -> dict[str, tuple[int, int]]:
    """Where each alternative sits in the raw value 'a|b|c'."""
    offsets, position = {}, 0
    for alternative in verb.value or ():
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
                verb.attribute_sub_span("value", spans[alternative]),
                "compare with a value the Gather can collect, or change the Gather's input, numDigits or finishOnKey",
            )
