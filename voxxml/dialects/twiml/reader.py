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
TwiML-only problems get TW codes (rules/TW*.md):

- TW001 (warning): a value outside an open enum (a language Twilio's SDK does not list).
- TW002 (error): an element the profile does not have (TeXML has no <Pay>), with the profile's reason.
- TW003 (warning): a Gather or Record without ``action``: the platform posts the input to the
  document's own URL (MAPPING.md: TwiML's default action is the same document, a loop).
- TW004 (warning): a retired element (Autopilot).
- TW005 (warning): a noun outside the parents where it does something (a Prompt outside Pay).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ...core.diagnostics import make
from ...hub.nodes import Extras, Node, Response, Ssml
from ..common.reader import ATTRIBUTE_CODES, CONTENT_CODES, Hooks
from ..common.reader import Reader as _Reader
from ..common.vocabulary import ElementSpec, Grammar
from .grammar import grammar

CODES = ("TW001", "TW002", "TW003", "TW004", "TW005")
_TWIML_KINDS = {"open": "TW001"}
_HOOKS = Hooks(ATTRIBUTE_CODES | _TWIML_KINDS, None, None)


class Reader(_Reader):
    LANGUAGE = "TwiML"
    ATTRIBUTE_CODES = ATTRIBUTE_CODES | _TWIML_KINDS
    CONTENT_CODES = CONTENT_CODES | _TWIML_KINDS
    FOLDER = "twiml"
    PLATFORM = "Twilio"

    def read(self, root: etree._Element) -> Response | None:
        document = super().read(root)
        if document is not None:
            self.platform_checks(document)
        return document

    def platform_checks(self, document: Response) -> None:
        """TW003-TW005: one walk over the document, with each node's parent."""
        elements = self.elements
        for verb in document.verbs:
            spec = self.grammar.spec_of(verb)
            if spec.name in ("Gather", "Record") and "action" not in verb.explicit:
                what = "the caller's input" if spec.name == "Gather" else "the recording"
                self.report(
                    "TW003",
                    f"<{spec.tag}> has no action: {self.PLATFORM} posts {what} to this document's own URL and runs the document "
                    f"it returns; if that URL serves this document again, the caller gets the same <{spec.tag}> after every answer",
                    verb.name_span,
                    "write action='...' naming the URL that handles it (the default is the current document)",
                )
        stack: list[tuple[Node, Node]] = [(child, document) for child in document.verbs]
        while stack:
            node, parent = stack.pop()
            spec = self.grammar.spec_of(node)
            stack.extend((child, node) for child in node.children)
            status = getattr(spec, "status", None)
            if status == "retired":
                self.report("TW004", f"<{spec.tag}> is retired: {self.PLATFORM} no longer runs it, so it does nothing useful in a call", node.name_span, spec.decision)
            meaningful = getattr(spec, "meaningful_parents", ())
            parent_name = self.grammar.spec_of(parent).name
            if meaningful and parent_name not in meaningful and parent_name in elements:
                inside = " or ".join(f"<{elements[name].tag}>" for name in meaningful if name in elements)
                self.report(
                    "TW005",
                    f"<{spec.tag}> inside <{self.grammar.spec_of(parent).tag}> does nothing: it acts only inside {inside}",
                    node.name_span,
                    f"move it into {inside}, or remove it",
                )

    def unknown_element(self, el: etree._Element, index: int, parent: ElementSpec | None, parent_index: int = -1) -> None:
        """An element the profile removed (TeXML's <Pay>) is TW002 with the profile's reason, not 'unknown'."""
        removed = getattr(self.grammar, "removed_elements", {})
        tag = el.tag
        name = next((key for key in removed if key == tag or (key == "ReferSip" and tag == "Sip")), None) if removed else None
        if name is None:
            super().unknown_element(el, index, parent, parent_index)
            return
        self.out.append(make("TW002", f"{self.LANGUAGE} has no <{tag}>: {removed[name]}", self.source.name_span(index), f"remove the <{tag}>, or write the document for {self.PLATFORM}'s TwiML"))
        self.read_hidden(el, parent)

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
    PLATFORM = "Telnyx"
    FOLDER = "twiml:texml"


class CxmlReader(Reader):
    LANGUAGE = "cXML"
    PLATFORM = "SignalWire"
    FOLDER = "twiml:cxml"


__all__ = ["CODES", "CxmlReader", "Reader", "Ssml", "TexmlReader"]
