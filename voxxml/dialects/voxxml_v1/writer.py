"""The VoxXML target: write an AST back to VoxXML text.

Driven by the grammar: attributes are written in the reference's order, only
when explicit or different from the default; elements without content or
children are self-closed.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ...ast import Node


# XML parsers turn a raw carriage return into a newline; a character reference keeps it.
_TEXT_ENTITIES = {"\r": "&#13;"}


def to_xml(node: Node, indent: str | None = "  ") -> str:
    lines: list[str] = []
    _write(node, 0, indent, lines)
    return ("\n" if indent is not None else "").join(lines) + ("\n" if indent is not None else "")


def _attributes(node: Node) -> str:
    spec = node.spec()
    parts = []
    for name, attribute in spec.attributes.items():
        value = getattr(node, attribute.field)
        if value is None or (name not in node.explicit and value == attribute.default):
            continue
        parts.append(f" {name}={quoteattr(attribute.serialize(value))}")
    return "".join(parts)


def _write(node: Node, depth: int, indent: str | None, lines: list[str]) -> None:
    spec = node.spec()
    pad = (indent or "") * depth
    head = f"<{spec.name}{_attributes(node)}"
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
