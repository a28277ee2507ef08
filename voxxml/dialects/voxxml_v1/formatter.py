"""The VoxXML formatter: rewrite a document in the canonical layout.

    >>> from voxxml.dialects.voxxml_v1.formatter import format_text
    >>> print(format_text("<Response><Pause length='2'></Pause><Say voice='Joanna' loop='2'>Hi</Say></Response>"), end="")
    <Response>
      <Pause length="2"/>
      <Say loop="2" voice="Joanna">Hi</Say>
    </Response>

Unlike the AST writer (voxxml.dialects.voxxml_v1.writer), which writes only what the AST holds, the
formatter works on the lxml tree itself, so comments, processing instructions,
unknown elements and attributes, stray text and attributes written with their
default value all survive. The layout:

* two spaces of indentation per level; one element, comment or processing
  instruction per line in elements that hold elements (Response, Gather, Dial,
  If, and unknown elements that hold only elements, comments or PIs); white
  space between them is dropped, any other stray text is kept on its own line
  (stripped of surrounding white space);
* attributes in the reference's order (the grammar's) for known elements, then
  the others in their original order; namespace declarations first; values in
  double quotes with &, <, >, " and tab, newline and CR written as references.
  ``quote_style`` (configuration ``[format] quote-style``) changes the quotes:
  "double" (the default) and "single" use that quote unless the value holds it
  and not the other (fewer references, as ruff does); "preserve" keeps each
  attribute's own quote. The quote used is the one written as a reference;
* the text of content elements (Say, Play, Number, Conference, Redirect) and of
  unknown elements kept exactly as parsed, re-escaped minimally (&amp; &lt; &gt;,
  and &#13; for a CR); character and entity references are written as the
  characters they stand for. CDATA sections are written as escaped text (the
  parsed text is the same, and the canonical form has one spelling per text).
  Mixed content (text with elements, comments or PIs inside a content element or
  an unknown element) is written inline exactly as parsed, on one line with the
  element, with no white space added or removed;
* an element with neither text nor children is self-closed: <Hangup/>, <Say/>;
* the XML declaration, when there is one, becomes
  <?xml version="V" encoding="UTF-8"?> (the declared version V; the output is
  UTF-8 text, so any other encoding or standalone declaration is dropped);
  comments and PIs before and after the root each get a line of their own;
* LF line ends and exactly one newline at the end.

The result parses to the same AST with the same diagnostic codes, keeps every
comment (text unchanged, in document order, so inline suppressions still cover
the element that follows them), and formatting it again changes nothing.
Documents that are not well-formed (or cannot be decoded, or carry a DOCTYPE)
are never reformatted: they raise FormatError with the VX001 diagnostics.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ...core import xmlparse
from ...core.diagnostics import Diagnostic, make
from .grammar import ElementSpec, grammar
from .reader import attribute_items
from ...core.source import SourceMap

__all__ = ["QUOTE_STYLES", "FormatError", "FormatResult", "format_bytes", "format_source", "format_text"]

QUOTE_STYLES = ("double", "single", "preserve")

INDENT = "  "
XML_SPACE = " \t\r\n"
_XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"

# Same hardening as voxxml.core.xmlparse (no entity expansion, no DTD, no network, no huge
# trees); comments, PIs and white space are kept, CDATA becomes text.
_PARSER = etree.XMLParser(**xmlparse.HARDENED, remove_blank_text=False, remove_comments=False, remove_pis=False, strip_cdata=True)

_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)
_SINGLE_QUOTED_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&apos;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)


class FormatError(ValueError):
    """The document cannot be formatted: it is not well-formed XML, cannot be decoded,
    or carries a DOCTYPE. ``diagnostics`` are its VX001 diagnostics (as ``voxxml lint``
    reports them); ``str()`` is the first one as ``LINE:COLUMN: VX001 message``."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        assert diagnostics
        self.diagnostics = diagnostics
        first = diagnostics[0]
        self.message = first.message
        self.line = first.span.line
        self.column = first.span.column
        super().__init__(f"{self.line}:{self.column}: {first.code} {first.message}")


@dataclass(frozen=True)
class FormatResult:
    """One document formatted: ``original`` is the input as text (decoded), ``data`` the input bytes."""

    original: str
    formatted: str
    data: bytes = field(repr=False, default=b"")
    path: str = "<stdin>"

    @property
    def changed(self) -> bool:
        """Whether the file must be rewritten (compares bytes: the output is UTF-8)."""
        return self.data != self.formatted.encode("utf-8")

    def diff(self, path: str | None = None) -> str:
        """A unified diff from the original to the formatted text: '' when the texts are the
        same (the bytes may still differ, by a BOM or the encoding: see ``changed``)."""
        path = self.path if path is None else path
        if not self.changed:
            return ""
        before, after = _lines(self.original), _lines(self.formatted)
        lines = list(difflib.unified_diff(before, after, f"{path} (original)", f"{path} (formatted)"))
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _lines(text: str) -> list[str]:
    """Lines as XML sees them (str.splitlines also splits at U+2028, U+0085, form feeds...)."""
    return [line for line in re.split(r"(?<=\n)", text) if line]


# ------------------------------------------------------------------------------ entry points


def format_bytes(data: bytes, quote_style: str = "double") -> str:
    """Format a document read from a file: decoded as ``voxxml lint`` decodes it
    (BOM, declared encoding, UTF-8). The result is UTF-8 text."""
    return format_source(data, quote_style=quote_style).formatted


def format_text(text: str, quote_style: str = "double") -> str:
    """Format a document given as text. Like ``voxxml.parse(text)``, the text is read
    as its UTF-8 encoding (``format_bytes(text.encode("utf-8"))``)."""
    return format_bytes(text.encode("utf-8"), quote_style)


def format_source(
    source: bytes | str, path: str = "<stdin>", quote_style: str = "double", vocabulary: Any = None, dialect: str = "voxxml-v1"
) -> FormatResult:
    """Format a document (bytes, or text as in format_text); raises FormatError.

    ``path`` names the document in the FormatError's diagnostics and in the diff;
    ``quote_style`` is one of QUOTE_STYLES. Another XML dialect formats with this layout by passing its
    ``vocabulary`` (attribute order, which elements hold text) and its registry name (``dialect``, for
    the syntax errors it reports).
    """
    if quote_style not in QUOTE_STYLES:
        raise ValueError(f"quote_style must be one of {QUOTE_STYLES}, not {quote_style!r}")
    data = source.encode("utf-8") if isinstance(source, str) else source
    text, problem = xmlparse.decode(data)
    if text is None:
        assert problem is not None
        raise FormatError(_syntax_diagnostics(data, None, path, dialect))
    if xmlparse.refused_declaration(text) is not None:
        raise FormatError(_syntax_diagnostics(data, text, path, dialect))
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        raise FormatError(_syntax_diagnostics(data, text, path, dialect)) from None
    elements = (vocabulary if vocabulary is not None else grammar()).elements
    return FormatResult(text, _Writer(quote_style, elements).document(root, text), data, path)


def _syntax_diagnostics(data: bytes, text: str | None, path: str, dialect: str = "voxxml-v1") -> list[Diagnostic]:
    """The VX001 diagnostics ``voxxml lint`` reports for a document the formatter refuses."""
    from ...pipeline import check  # the pipeline's read step is needed only for broken documents

    found = [d for d in check(data, path, flow=False, dialect=dialect).diagnostics if d.code == "VX001"]
    if found:
        return found
    # Unreachable while the formatter and the linter parse alike; kept so an error never goes unexplained.
    try:
        etree.fromstring(data, _PARSER)
        message = "the document cannot be formatted"
    except etree.XMLSyntaxError as error:
        message = f"XML syntax: {error.msg}"
    source = SourceMap(text if text is not None else data.decode("latin-1"))
    return [make("VX001", message, source.span(0, min(1, len(source.text)))).with_path(path)]


# ------------------------------------------------------------------------------ writing


def _is_space(text: str | None) -> bool:
    return not text or not text.strip(XML_SPACE)


def escape_text(text: str) -> str:
    return text.translate(_TEXT_ESCAPES)


def escape_attribute(value: str) -> str:
    return value.translate(_ATTRIBUTE_ESCAPES)


def quoted(value: str, quote: str) -> str:
    """``value`` as an attribute value in ``quote`` ('"' or "'"), escaped."""
    if quote == "'":
        return f"'{value.translate(_SINGLE_QUOTED_ESCAPES)}'"
    return f'"{escape_attribute(value)}"'


class _Writer:
    def __init__(self, quote_style: str = "double", elements: Any = None) -> None:
        self.elements = elements if elements is not None else grammar().elements
        self.lines: list[str] = []
        self.quote_style = quote_style
        self.source: SourceMap | None = None
        self.indexes: dict[etree._Element, int] = {}  # for "preserve": element -> its SourceMap index

    # -- the document
    def document(self, root: etree._Element, text: str) -> str:
        lines = self.lines
        if self.quote_style == "preserve":
            # The tokenizer and lxml see the same elements, in the same (document) order.
            self.source = SourceMap(text)
            self.indexes = {el: i for i, el in enumerate(root.iter(etree.Element))}
        declaration = xmlparse.xml_declaration(text)
        if declaration is not None and declaration.group("space") is not None:
            version = declaration.group("version")
            version = declaration.group("version_sq") if version is None else version
            number = "1.0" if version is None else version
            lines.append(f'<?xml version="{escape_attribute(number)}" encoding="UTF-8"?>')
        for node in reversed(list(root.itersiblings(preceding=True))):
            lines.append(self.inline(node))
        self.block(root, 0)
        for node in root.itersiblings():
            lines.append(self.inline(node))
        return "\n".join(lines) + "\n"

    # -- one node on lines of its own
    def block(self, el: etree._Element, depth: int) -> None:
        pad = INDENT * depth
        if not isinstance(el.tag, str):  # comment, PI (or entity)
            self.lines.append(pad + self.inline(el))
            return
        spec = self.elements.get(el.tag)
        head = self.start_tag(el, spec)
        if not el.text and not len(el):  # an empty CDATA section leaves the text "", not None
            self.lines.append(f"{pad}{head}/>")
        elif self.holds_lines(el, spec):
            children = list(el)
            if not children and _is_space(el.text):
                self.lines.append(f"{pad}{head}/>")  # only white space: <Gather> </Gather>
                return
            self.lines.append(f"{pad}{head}>")
            self.stray(el.text, depth + 1)
            for child in children:
                self.block(child, depth + 1)
                self.stray(child.tail, depth + 1)
            self.lines.append(f"{pad}</{self.name(el)}>")
        else:
            self.lines.append(pad + self.inline(el, head))

    def holds_lines(self, el: etree._Element, spec: ElementSpec | None) -> bool:
        """Containers and empty verbs (their text is stray) are laid out a child per line;
        content elements are written inline; unknown elements are laid out only when
        they hold nothing but elements, comments or PIs (and white space)."""
        if spec is not None:  # an element taking text or children (VoXML's Dial) is laid out when it holds elements
            return spec.content_field is None or (spec.content_node is not None and len(el) > 0)
        return len(el) > 0 and _is_space(el.text) and all(_is_space(child.tail) for child in el)

    def stray(self, text: str | None, depth: int) -> None:
        """Text directly inside a container: white space goes, anything else stays (stripped)."""
        if not _is_space(text):
            assert text is not None
            self.lines.append(INDENT * depth + escape_text(text.strip(XML_SPACE)))

    # -- one node inline, exactly as parsed
    def inline(self, node: etree._Element, head: str | None = None) -> str:
        tag = node.tag
        if tag is etree.Comment:
            return f"<!--{node.text or ''}-->"
        if tag is etree.ProcessingInstruction:
            return f"<?{node.target} {node.text}?>" if node.text else f"<?{node.target}?>"
        if tag is etree.Entity:
            return node.text or ""
        if head is None:
            head = self.start_tag(node, self.elements.get(tag))
        if not node.text and not len(node):
            return head + "/>"
        parts = [head, ">", escape_text(node.text or "")]
        for child in node:
            parts.append(self.inline(child))
            parts.append(escape_text(child.tail or ""))
        parts.append(f"</{self.name(node)}>")
        return "".join(parts)

    # -- tags
    def name(self, el: etree._Element) -> str:
        tag = el.tag
        if tag[0] != "{":
            return tag
        local = tag.rpartition("}")[2]
        return f"{el.prefix}:{local}" if el.prefix else local

    def start_tag(self, el: etree._Element, spec: ElementSpec | None) -> str:
        parts = ["<", self.name(el)]
        for prefix, uri in self.declared_namespaces(el):
            parts.append(f' xmlns:{prefix}="{escape_attribute(uri)}"' if prefix else f' xmlns="{escape_attribute(uri)}"')
        items = attribute_items(el)  # el.items() is quadratic in the number of attributes
        if spec is not None and len(items) > 1:
            order = {name: i for i, name in enumerate(spec.attributes)}
            last = len(order)
            # sorted() is stable: unknown attributes keep their original order
            items = sorted(items, key=lambda item: order.get(item[0], last))
        for name, value in items:
            written = self.attribute_name(el, name)
            parts.append(f" {written}={quoted(value, self.quote(el, written, value))}")
        return "".join(parts)

    def quote(self, el: etree._Element, name: str, value: str) -> str:
        if self.quote_style == "preserve":
            return self.original_quote(el, name) or '"'
        preferred, other = ('"', "'") if self.quote_style == "double" else ("'", '"')
        return other if preferred in value and other not in value else preferred

    def original_quote(self, el: etree._Element, name: str) -> str | None:
        source, index = self.source, self.indexes.get(el)
        if source is None or index is None:
            return None
        tokens = source.element(index)
        attribute = tokens.attributes(source.text).get(name) if tokens is not None else None
        if attribute is None or attribute.value_start == 0:
            return None
        quote = source.text[attribute.value_start - 1]
        return quote if quote in "'\"" else None

    def declared_namespaces(self, el: etree._Element) -> list[tuple[str | None, str]]:
        nsmap = el.nsmap
        parent = el.getparent()
        inherited = parent.nsmap if parent is not None else {}
        if not nsmap and not inherited:
            return []
        declared = [(prefix, uri) for prefix, uri in nsmap.items() if inherited.get(prefix) != uri]
        declared = [(p, u) for p, u in declared if not (p is None and u == "" and None not in inherited)]
        if None in inherited and inherited[None] and None not in nsmap:
            declared.append((None, ""))
        return declared

    def attribute_name(self, el: etree._Element, name: str) -> str:
        if name[0] != "{":
            return name
        uri, _, local = name[1:].partition("}")
        if uri == _XML_NAMESPACE:
            return f"xml:{local}"
        for prefix, known in el.nsmap.items():
            if prefix is not None and known == uri:
                return f"{prefix}:{local}"
        raise AssertionError(f"no prefix for the namespace of attribute {name!r}")  # lxml always has one
