"""The TwiML reader (and TeXML's and cXML's): the generic reader (``dialects.common.reader``) over a
TwiML vocabulary, with what TwiML's content adds.

- Say with SSML: its ``text`` holds the words (what a runner without SSML speaks, and what the
  simulator shows); the markup is kept in the Say's extras as ``ssml``: the content in order, text
  and hub ``Ssml`` nodes (each with its own words and segments), so the writer reproduces it.
- Elements whose text and children go together (a Client's identity with Parameters): the text and
  the children are both kept.
- Hangup and Reject with Parameter children (the hub's Hangup and Reject have none): kept in the
  extras as ``children``.

Codes: what VoxXML v1 also has keeps v1's code (VX003 unknown element, VX007 invalid value, ...);
TwiML-only problems get TW codes: a value outside an open enum (a language Twilio's SDK does not
list) is TW001, a warning.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ...hub.nodes import Extras, Node, Ssml
from ..common.reader import ATTRIBUTE_CODES, CONTENT_CODES, Hooks
from ..common.reader import Reader as _Reader
from ..common.vocabulary import ElementSpec, Grammar
from .grammar import grammar

CODES = ("TW001",)
_TWIML_KINDS = {"open": "TW001"}
_HOOKS = Hooks(ATTRIBUTE_CODES | _TWIML_KINDS, None, None)


class Reader(_Reader):
    LANGUAGE = "TwiML"
    ATTRIBUTE_CODES = ATTRIBUTE_CODES | _TWIML_KINDS
    CONTENT_CODES = CONTENT_CODES | _TWIML_KINDS
    FOLDER = "twiml"

    def vocabulary(self) -> Grammar:
        return grammar(self.FOLDER)

    def hooks(self) -> Hooks:
        return _HOOKS

    def mixed_content(self, el: etree._Element, index: int, spec: ElementSpec, fields: dict[str, Any]) -> None:
        """Text with elements: SSML inside Say (segments kept in order), or text beside children."""
        segments: list[Any] = []
        kids: list[Node] = []
        text = el.text
        if text:
            segments.append(text)
        for child in el:
            if child.tag.__class__ is str:
                read = self.read_elements((child,), spec, -1)  # -1: the text around it is content, not stray
                kids.extend(read)
                segments.extend(read)
            tail = child.tail
            if tail:
                segments.append(tail)
        field_name = spec.content_field
        assert field_name is not None
        if getattr(spec, "mixed", False):
            # The words as spoken: white space collapsed as speech does (the markup keeps the layout).
            words = " ".join("".join(segment if isinstance(segment, str) else _spoken(segment) for segment in segments).split())
            fields[field_name] = self.content(el, index, spec, words)
            if spec.node == "Ssml":
                fields["segments"] = tuple(segments)
            else:
                fields["extras"] = Extras({**fields.get("extras", {}), "ssml": tuple(segments)})
            return
        words = "".join(segment for segment in segments if isinstance(segment, str))
        fields[field_name] = self.content(el, index, spec, words)
        if spec.children_field is not None:
            fields[spec.children_field] = kids

    def unplaced_children(self, el: etree._Element, index: int, spec: ElementSpec, fields: dict[str, Any]) -> None:
        kids = self.read_children(el, index, spec)
        if kids and spec.children:
            fields["extras"] = Extras({**fields.get("extras", {}), "children": tuple(kids)})


def _spoken(node: Node) -> str:
    """The words an SSML element says: a <sub>'s alias, else its text (a <break> says nothing)."""
    alias = node.extras.get("alias") if node.extras else None
    return f" {alias} " if isinstance(alias, str) else f" {getattr(node, 'text', '')} "


class TexmlReader(Reader):
    LANGUAGE = "TeXML"
    FOLDER = "twiml:texml"


class CxmlReader(Reader):
    LANGUAGE = "cXML"
    FOLDER = "twiml:cxml"


__all__ = ["CODES", "CxmlReader", "Reader", "Ssml", "TexmlReader"]
