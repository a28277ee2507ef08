"""The generic writer of an XML dialect: the hub AST back to its text, driven by its vocabulary.

Attributes are written in the vocabulary's order, only when explicit or different from the default
(an extra, a dialect-only detail, when the node carries it); elements without content or children are
self-closed. A dialect's hook writes what is not one attribute per field (v1's If condition as its
variable, test and value). An element that takes its one child as text (VoXML's Dial) writes a plain
child as text.
"""

from __future__ import annotations

from typing import Any, Callable
from xml.sax.saxutils import escape, quoteattr

from ...hub.nodes import Node
from .vocabulary import ElementSpec, Grammar

# XML parsers turn a raw carriage return into a newline; a character reference keeps it.
_TEXT_ENTITIES = {"\r": "&#13;"}

# (spec, the node's condition) -> the typed values of the spec's condition attributes.
ConditionWriter = Callable[[ElementSpec, Any], dict[str, Any]]


class Writer:
    def __init__(self, vocabulary: Grammar, condition: ConditionWriter | None = None) -> None:
        self.vocabulary = vocabulary
        self.condition = condition

    def to_xml(self, node: Node, indent: str | None = "  ") -> str:
        lines: list[str] = []
        self.write(node, 0, indent, lines)
        return ("\n" if indent is not None else "").join(lines) + ("\n" if indent is not None else "")

    def attributes(self, node: Node, spec: ElementSpec) -> str:
        parts = []
        explicit = node.explicit
        extras = node.extras
        condition = self.condition(spec, getattr(node, "condition")) if spec.condition and self.condition is not None else {}
        for name, attribute in spec.attributes.items():
            if name in spec.condition:
                value = condition.get(name)
            elif attribute.extra:
                value = extras.get(name)
            else:
                value = getattr(node, attribute.field)
                if attribute.field not in explicit and value == attribute.default:
                    continue
            if value is None:
                continue
            parts.append(f" {name}={quoteattr(attribute.serialize(value))}")
        return "".join(parts)

    def text_child(self, node: Node, spec: ElementSpec) -> str | None:
        """The text of the one child an element writes as its text (None: write the children)."""
        children = node.children
        if spec.content_node is None or len(children) != 1:
            return None
        child = children[0]
        child_spec = self.vocabulary.elements[spec.content_node]
        if child.TAG != child_spec.node or child.extras or child.explicit or child_spec.content_type is None:
            return None
        text = child_spec.content_type.serialize(getattr(child, child_spec.content_field))  # type: ignore[arg-type]
        return text or None

    def write(self, node: Node, depth: int, indent: str | None, lines: list[str]) -> None:
        spec = self.vocabulary.spec_of(node)
        pad = (indent or "") * depth
        head = f"<{spec.tag}{self.attributes(node, spec)}"
        text = self.text_child(node, spec) if spec.content_node is not None else None
        if text is None and spec.content_field is not None and spec.content_node is None:
            text = spec.content_type.serialize(getattr(node, spec.content_field)) if spec.content_type else ""
            if not text:
                lines.append(f"{pad}{head}/>")
                return
        if text is not None:
            lines.append(f"{pad}{head}>{escape(text, _TEXT_ENTITIES)}</{spec.tag}>")
            return
        children = node.children
        if not children:
            lines.append(f"{pad}{head}/>")
            return
        lines.append(f"{pad}{head}>")
        for child in children:
            self.write(child, depth + 1, indent, lines)
        lines.append(f"{pad}</{spec.tag}>")


__all__ = ["ConditionWriter", "Writer"]
