"""The VoxXML v1 writer: the hub AST back to VoxXML text.

Driven by the grammar: attributes are written in the reference's order, only
when explicit or different from the default; elements without content or
children are self-closed. An If's condition is written as its variable, test and
value attributes.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ...hub.expressions import In, Var
from ...hub.nodes import Node
from .grammar import ElementSpec, grammar
from .values import WRITTEN


# XML parsers turn a raw carriage return into a newline; a character reference keeps it.
_TEXT_ENTITIES = {"\r": "&#13;"}


def to_xml(node: Node, indent: str | None = "  ") -> str:
    lines: list[str] = []
    _write(node, 0, indent, lines)
    return ("\n" if indent is not None else "").join(lines) + ("\n" if indent is not None else "")


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


def _attributes(node: Node, spec: ElementSpec) -> str:
    parts = []
    explicit = node.explicit
    condition = condition_attributes(spec, getattr(node, "condition")) if spec.condition else {}
    for name, attribute in spec.attributes.items():
        if name in spec.condition:
            value = condition.get(name)
        else:
            value = getattr(node, attribute.field)
            if attribute.field not in explicit and value == attribute.default:
                continue
        if value is None:
            continue
        parts.append(f" {name}={quoteattr(attribute.serialize(value))}")
    return "".join(parts)


def _write(node: Node, depth: int, indent: str | None, lines: list[str]) -> None:
    spec = grammar().spec_of(node)
    pad = (indent or "") * depth
    head = f"<{spec.name}{_attributes(node, spec)}"
    if spec.content_field is not None:
        content = spec.content_type.serialize(getattr(node, spec.content_field)) if spec.content_type else ""
        if content:
            lines.append(f"{pad}{head}>{escape(content, _TEXT_ENTITIES)}</{spec.name}>")
        else:
            lines.append(f"{pad}{head}/>")
        return
    children = node.children
    if not children:
        lines.append(f"{pad}{head}/>")
        return
    lines.append(f"{pad}{head}>")
    for child in children:
        _write(child, depth + 1, indent, lines)
    lines.append(f"{pad}</{spec.name}>")
