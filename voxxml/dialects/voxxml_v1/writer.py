"""The VoxXML v1 writer: the hub AST back to VoxXML text, by the generic writer
(``dialects.common.writer``) over v1's vocabulary. An If's condition is written as its variable,
test and value attributes."""

from __future__ import annotations

from functools import cache
from typing import Any

from ...hub.expressions import In, Var
from ...hub.nodes import Node
from ..common.writer import Writer
from .grammar import ElementSpec, grammar
from .values import WRITTEN


def to_xml(node: Node, indent: str | None = "  ") -> str:
    return _writer().to_xml(node, indent)


@cache
def _writer() -> Writer:
    return Writer(grammar(), condition_attributes)


def condition_attributes(spec: ElementSpec, condition: Any) -> dict[str, Any]:
    """An If's condition as the typed values of its attributes (variable, test, value)."""
    if condition is None:
        return {}
    operand = condition.operand if isinstance(condition, In) else None
    if not isinstance(operand, Var) or operand.name not in WRITTEN:
        raise ValueError(f"VoxXML v1 cannot write the condition {condition!r}: an If tests $GATHER against values")
    variable, test, value = spec.condition
    written = {variable: WRITTEN[operand.name], test: "NOTEQUAL" if condition.negated else "EQUAL"}
    if condition.values:  # no values: read from an If without them (VX006), and written so
        written[value] = condition.values
    return written
