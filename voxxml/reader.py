"""The VoxXML reader: an lxml tree to the typed AST, validating as it goes.

One generic walk driven by grammar/vocabulary.toml checks every element,
attribute and value (VX002-VX011). It never stops at the first problem: a node
with a bad value still gets built (with the default), so later checks still run.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from lxml import etree

from . import values
from .ast import NODE_CLASSES, Node, Response, SourceRef
from .diagnostics import Diagnostic, make
from .grammar import ElementSpec, grammar
from .source import SourceMap, Span

# The codes this module reports (the test of the rule catalogue checks them against rules/).
CODES = ("VX002", "VX003", "VX004", "VX005", "VX006", "VX007", "VX008", "VX009", "VX010", "VX011")

# Which code a value problem gets, for attributes and for element content.
_ATTRIBUTE_CODES = {"invalid": "VX007", "clamped": "VX008", "voice": "VX010", "variable": "VX011"}
_CONTENT_CODES = {"invalid": "VX009", "clamped": "VX008", "voice": "VX010", "variable": "VX011"}


def _abbreviate(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Finding(NamedTuple):
    """A problem found in an element's attributes, before it has a position."""

    code: str
    message: str
    help: str | None
    where: str  # "value" | "attribute" (its name) | "element" (its name)
    attribute: str
    sub: tuple[int, int] | None = None


class AttributeReading(NamedTuple):
    fields: dict[str, Any]  # typed values of every attribute (defaults applied) plus "explicit"
    findings: tuple[Finding, ...]


class _Memo(dict):
    """Readings by (tag, *attributes). IVRs repeat the same tags over and over; bounded."""

    LIMIT = 20_000

    def remember(self, key: tuple, reading: AttributeReading) -> AttributeReading:
        if len(self) >= self.LIMIT:
            self.clear()
        self[key] = reading
        return reading


_READINGS = _Memo()
_new_tuple = tuple.__new__  # builds a SourceRef without NamedTuple's Python-level __new__


@cache
def _voice_pair(spec: ElementSpec) -> tuple[str, str] | None:
    """An element with both a voice and a language attribute has the two checked together."""
    voice = [a.name for a in spec.attributes.values() if a.type_name == "voice"]
    language = [a.name for a in spec.attributes.values() if a.type_name == "say_language"]
    return (voice[0], language[0]) if voice and language else None


def read_attributes(spec: ElementSpec, items: tuple[tuple[str, str], ...]) -> AttributeReading:
    """Type every attribute of one element and find what is wrong with them (VX005-VX008, VX010)."""
    fields: dict[str, Any] = dict(spec.defaults)
    explicit: set[str] = set()
    findings: list[Finding] = []
    valid = tuple(spec.attributes)
    for name, raw in items:
        attribute = spec.attributes.get(name)
        if attribute is None:
            listing = f"valid attributes: {values.quote_list(valid)}" if valid else f"<{spec.name}> takes no attributes"
            suggestion = values.did_you_mean(name, valid) if valid else None
            findings.append(Finding("VX005", f"unknown attribute '{name}' on <{spec.name}>; {listing}", suggestion, "attribute", name))
            continue
        value, problems = attribute.parse(raw)
        if value is not None:  # an unusable value is reported and treated as absent
            fields[attribute.field] = value
            explicit.add(name)
        for problem in problems:
            message = problem.message if problem.kind == "variable" else f"{attribute.subject(raw)} {problem.message}"
            findings.append(Finding(_ATTRIBUTE_CODES[problem.kind], message, problem.help, "value", name, problem.sub))
    pair = _voice_pair(spec)
    if pair is not None and explicit.intersection(pair):
        voice_name, language_name = pair
        voice, language = fields[spec.attributes[voice_name].field], fields[spec.attributes[language_name].field]
        problem = values.check_voice_language(voice, language)
        if problem is not None:
            subject = spec.attributes[language_name].subject(str(language))
            findings.append(Finding("VX010", f"{subject} {problem.message}", problem.help, "value", language_name))
    written = {name for name, _ in items}
    for name in spec.required:
        if name not in written:
            attribute = spec.attributes[name]
            message = f"<{spec.name}> is missing required attribute '{name}' ({attribute.type.describe()})"
            findings.append(Finding("VX006", message, None, "element", name))
    fields["explicit"] = frozenset(explicit)
    return AttributeReading(fields, tuple(findings))


class Reader:
    def __init__(self, source: SourceMap, diagnostics: list[Diagnostic], check_content: bool = True) -> None:
        """``check_content=False`` for trees libxml2 recovered: their text may have lost pieces."""
        self.source = source
        self.check_content = check_content
        self.out = diagnostics
        self.index = -1
        self.grammar = grammar()
        self.elements = self.grammar.elements
        self.by_tag: dict[str, list[Node]] = {name: [] for name in self.elements}  # nodes built, by tag

    # ----------------------------------------------------------------- entry
    def read(self, root: etree._Element) -> Response | None:
        if root.tag != "Response":
            self.index += 1
            response = self.elements["Response"]
            hint = "wrap the verbs in <Response>...</Response>" if root.tag in self.elements else None
            if isinstance(root.tag, str) and root.tag.casefold() == "response":
                hint = "element names are case-sensitive: write <Response>"
            self.report("VX002", f"root element is <{root.tag}>; expected <Response>", self.source.name_span(0), hint)
            if root.tag in self.elements:
                self.index -= 1
                self.element(root, root.tag, None)
            else:
                self.children(root, 0, response)
            return None
        node = self.element(root, root.tag, None)
        return node if isinstance(node, Response) else None

    # ------------------------------------------------------------- elements
    def element(self, el: etree._Element, tag: Any, parent: ElementSpec | None) -> Node | None:
        """Read one element (the hot path: every element of every file comes through here)."""
        self.index = index = self.index + 1
        spec = self.elements.get(tag)
        if spec is None:
            self.unknown_element(el, index, parent)
            return None
        if parent is not None and tag not in parent.child_set:
            self.invalid_child(index, tag, parent)
        key = (tag, *el.items())
        reading = _READINGS.get(key)
        if reading is None:
            reading = _READINGS.remember(key, read_attributes(spec, key[1:]))
        fields = reading.fields.copy()
        if reading.findings:
            for finding in reading.findings:
                self.emit(index, finding)
        if spec.content_field is not None:
            if len(el):
                fields[spec.content_field] = self.content(el, index, spec, self.mixed_text(el, spec))
            else:
                raw = el.text
                hit = spec.content_cache.get(raw) if raw is not None else None
                if hit is not None and not hit[1]:
                    fields[spec.content_field] = hit[0]  # a clean value seen before
                else:
                    fields[spec.content_field] = self.content(el, index, spec, raw or "")
        elif spec.children_field is not None:
            fields[spec.children_field] = self.children(el, index, spec)
        elif el.text is not None or len(el):
            self.children(el, index, spec)  # only to report what an empty verb should not hold
        fields["origin"] = _new_tuple(SourceRef, (self.source, index))
        node = spec.node_class.__new__(spec.node_class)
        node.__dict__ = fields
        self.by_tag[tag].append(node)
        return node

    def emit(self, index: int, finding: "Finding") -> None:
        code, message, help, where, attribute, sub = finding
        if where == "value":
            span = self.source.attribute_value_span(index, attribute, sub)
        elif where == "attribute":
            span = self.source.attribute_name_span(index, attribute)
        else:
            span = self.source.name_span(index)
        self.report(code, message, span, help)

    def children(self, el: etree._Element, index: int, spec: ElementSpec) -> list[Node]:
        kids: list[Node] = []
        text = el.text
        if text and not text.isspace():
            self.stray_text(index, None, text, spec)
        allowed = spec.child_set
        for child in el:
            tag = child.tag
            if tag.__class__ is str:
                after = self.index + 1
                node = self.element(child, tag, spec)
                if node is not None and tag in allowed:
                    kids.append(node)
            else:
                after = None  # a comment or processing instruction
            tail = child.tail
            if tail and not tail.isspace():
                self.stray_text(index, after, tail, spec)
        return kids

    def mixed_text(self, el: etree._Element, spec: ElementSpec) -> str:
        """The text of an element that also holds elements or comments (which are reported)."""
        parts = [el.text or ""]
        for child in el:
            if child.tag.__class__ is str:
                self.element(child, child.tag, spec)
            parts.append(child.tail or "")
        return "".join(parts)

    def content(self, el: etree._Element, index: int, spec: ElementSpec, raw: str) -> Any:
        if spec.content_trim:
            raw = raw.strip()
        content_type = spec.content_type
        assert content_type is not None
        if not self.check_content:
            value = spec.parse_content(raw)[0]
            return content_type.empty() if value is None else value
        if not raw:
            if spec.content_required:
                self.report("VX009", f"<{spec.name}> is empty; expected {content_type.describe()}", self.source.element_span(index))
            return content_type.empty()
        value, problems = spec.parse_content(raw)
        for problem in problems:
            span = self.source.content_sub_span(index, raw, problem.sub, trimmed=spec.content_trim)
            subject = f"<{spec.name}> content '{_abbreviate(raw)}'"
            message = problem.message if problem.kind == "variable" else f"{subject} {problem.message}"
            self.report(_CONTENT_CODES[problem.kind], message, span, problem.help)
        return content_type.empty() if value is None else value

    # ------------------------------------------------------------- problems
    def report(self, code: str, message: str, span: Span | None, help: str | None = None) -> None:
        self.out.append(make(code, message, span, help))

    def unknown_element(self, el: etree._Element, index: int, parent: ElementSpec | None) -> None:
        tag = el.tag if isinstance(el.tag, str) else str(el.tag)
        allowed = parent.children if parent is not None and parent.children else tuple(self.elements)
        name = etree.QName(el).localname if tag.startswith("{") else tag
        suggestion = values.did_you_mean(name, tuple(self.elements))
        where = f" inside <{parent.name}>" if parent is not None else ""
        self.report(
            "VX003",
            f"unknown element <{tag}>{where}; valid elements here: {values.quote_list(allowed) or 'none'}",
            self.source.name_span(index),
            suggestion if not tag.startswith("{") else "VoxXML elements have no namespace",
        )
        self.index += sum(1 for _ in el.iterdescendants(etree.Element))

    def invalid_child(self, index: int, tag: str, parent: ElementSpec) -> None:
        takes = (
            f"<{parent.name}> takes only {values.quote_list(parent.children)}"
            if parent.children
            else f"<{parent.name}> takes no elements"
        )
        self.report("VX004", f"<{tag}> is not allowed inside <{parent.name}>; {takes}", self.source.name_span(index))

    def stray_text(self, index: int, after: int | None, text: str, spec: ElementSpec) -> None:
        takes = f"it takes only {values.quote_list(spec.children)}" if spec.children else "it takes no content"
        span = self.source.stray_text_span(index, after) or self.source.name_span(index)
        self.report("VX009", f"text '{_abbreviate(text)}' inside <{spec.name}>; {takes}", span)
