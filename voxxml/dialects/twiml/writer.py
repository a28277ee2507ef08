"""The TwiML writer (and TeXML's and cXML's): the generic writer over a TwiML vocabulary, plus what
the reader keeps in extras: a Say's SSML (``ssml``: text and Ssml nodes in order) and a Hangup's or
Reject's Parameters (``children``)."""

from __future__ import annotations

from functools import cache
from xml.sax.saxutils import escape

from ...hub.nodes import Node
from ..common.vocabulary import ElementSpec
from ..common.writer import Writer
from .grammar import grammar


class TwimlWriter(Writer):
    def write(self, node: Node, depth: int, indent: str | None, lines: list[str]) -> None:
        extras = node.extras
        segments = extras.get("ssml") if extras else None
        if segments is None and node.TAG == "Ssml":
            segments = node.segments or None  # type: ignore[attr-defined]
        if segments is not None:
            spec = self.vocabulary.spec_of(node)
            pad = (indent or "") * depth
            body = "".join(self.inline(segment) for segment in segments)
            lines.append(f"{pad}<{spec.tag}{self.attributes(node, spec)}>{body}</{spec.tag}>")
            return
        children = extras.get("children") if extras else None
        if children:
            spec = self.vocabulary.spec_of(node)
            pad = (indent or "") * depth
            lines.append(f"{pad}<{spec.tag}{self.attributes(node, spec)}>")
            for child in children:
                self.write(child, depth + 1, indent, lines)
            lines.append(f"{pad}</{spec.tag}>")
            return
        parts = getattr(node, "parts", None)
        if parts:  # children, with the element's text before them when it has both (a Client's identity and Parameters)
            spec = self.vocabulary.spec_of(node)
            pad = (indent or "") * depth
            text = getattr(node, spec.content_field) if spec.content_field is not None else ""
            head = f"{pad}<{spec.tag}{self.attributes(node, spec)}>"
            if text:
                lines.append(head + self.inline(text) + "".join(self.inline(part) for part in parts) + f"</{spec.tag}>")
                return
            lines.append(head)
            for part in parts:
                self.write(part, depth + 1, indent, lines)
            lines.append(f"{pad}</{spec.tag}>")
            return
        super().write(node, depth, indent, lines)

    def attributes(self, node: Node, spec: ElementSpec) -> str:
        """The generic writer's attributes, less an empty keyword list the node was not read with: a hub
        default such as "no status callback events" that TwiML cannot write (its lists take one or more)."""
        text = super().attributes(node, spec)
        if '=""' not in text:
            return text
        kept = []
        for name, attribute in spec.attributes.items():
            if attribute.extra or attribute.field in node.explicit:
                continue
            if getattr(node, attribute.field) == () and attribute.default != ():
                kept.append(f' {name}=""')
        for dropped in kept:
            text = text.replace(dropped, "", 1)
        return text

    def inline(self, segment: object) -> str:
        """One piece of mixed content on one line: text escaped, an element written whole."""
        if isinstance(segment, str):
            return escape(segment, {"\r": "&#13;"})
        lines: list[str] = []
        self.write(segment, 0, None, lines)  # type: ignore[arg-type]
        return "".join(lines)


def to_xml(node: Node, indent: str | None = "  ") -> str:
    return _writer("twiml").to_xml(node, indent)


def to_texml(node: Node, indent: str | None = "  ") -> str:
    return _writer("twiml:texml").to_xml(node, indent)


def to_cxml(node: Node, indent: str | None = "  ") -> str:
    return _writer("twiml:cxml").to_xml(node, indent)


@cache
def _writer(key: str) -> TwimlWriter:
    return TwimlWriter(grammar(key))


__all__ = ["TwimlWriter", "to_cxml", "to_texml", "to_xml"]
