"""Source text, positions and spans.

lxml reports only line numbers, so positions are recovered from the source text.
That work is lazy: a clean file never pays for it. The first span asked of a file
tokenizes it once; the i-th start tag found is the i-th element in document order
(true of any well-formed document without a DTD, and DTDs are refused).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """1-based line and column; columns count characters; the end is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}-{self.end_line}:{self.end_column}"


@dataclass(slots=True)
class AttributeTokens:
    name_start: int
    name_end: int
    value_start: int  # inside the quotes
    value_end: int


@dataclass(slots=True)
class ElementTokens:
    """Offsets of one element in the source text."""

    name: str
    start: int  # the '<'
    name_end: int
    tag_end: int  # just after the start tag's '>'
    parent: int  # document-order index of the parent element, -1 for the root
    self_closing: bool = False
    content_end: int = -1  # the '<' of the end tag
    end: int = -1  # just after the end tag's '>'
    _attributes: dict[str, AttributeTokens] | None = None
    index: int = -1  # its position among the elements, in document order

    def attributes(self, text: str) -> dict[str, AttributeTokens]:
        """The attributes' positions, found the first time they are asked for."""
        if self._attributes is None:
            found: dict[str, AttributeTokens] = {}
            for match in _ATTRIBUTE.finditer(text, self.name_end, self.tag_end):
                group = "dq" if match.group("dq") is not None else "sq"
                found.setdefault(
                    match.group("name"),
                    AttributeTokens(match.start("name"), match.end("name"), match.start(group), match.end(group)),
                )
            self._attributes = found
        return self._attributes


# One pass finds every tag. Comments, CDATA and processing instructions are matched
# so that tags inside them are not taken for elements. A start tag that is not
# well-formed still yields an element (broken documents still get positions).
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|<\?.*?(?:\?>|\Z)"
    r"|<![^>]*>?"
    r"|</\s*(?P<end>[^\s>]*)\s*>?"
    r"""|<(?P<start>[^\s/>!?<]+)(?:\s+[^\s=/>"'<]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(?P<close>/?>)?""",
    re.S,
)
_ATTRIBUTE = re.compile(r"""\s*(?P<name>[^\s=/>"'<]+)\s*=\s*(?:"(?P<dq>[^"]*)"?|'(?P<sq>[^']*)'?)""")
_NEWLINE = re.compile(r"\r\n?|\n")


class SourceMap:
    """Maps offsets and document-order element indexes to spans."""

    __slots__ = ("text", "_line_starts", "_elements")

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts: list[int] | None = None
        self._elements: list[ElementTokens] | None = None

    # -- lines and columns
    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(self.text)]
        return self._line_starts

    def position(self, offset: int) -> tuple[int, int]:
        starts = self.line_starts
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    def offset(self, line: int, column: int) -> int:
        starts = self.line_starts
        line = max(1, min(line, len(starts)))
        return min(starts[line - 1] + max(column, 1) - 1, len(self.text))

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(max(end, start))
        return Span(line, column, end_line, end_column)

    def line_text(self, line: int) -> str:
        starts = self.line_starts
        if not 1 <= line <= len(starts):
            return ""
        end = starts[line] if line < len(starts) else len(self.text)
        return self.text[starts[line - 1] : end].rstrip("\r\n")

    # -- elements
    @property
    def elements(self) -> list[ElementTokens]:
        if self._elements is None:
            self._elements = _tokenize(self.text)
        return self._elements

    def element(self, index: int) -> ElementTokens | None:
        elements = self.elements
        return elements[index] if 0 <= index < len(elements) else None

    def element_span(self, index: int) -> Span | None:
        tokens = self.element(index)
        if tokens is None:
            return None
        end = tokens.end if tokens.end >= 0 else tokens.tag_end
        return self.span(tokens.start, end)

    def name_span(self, index: int) -> Span | None:
        tokens = self.element(index)
        return None if tokens is None else self.span(tokens.start + 1, tokens.name_end)

    def attribute_name_span(self, index: int, name: str) -> Span | None:
        attribute = self.attribute_tokens(index, name)
        if attribute is None:
            return self.name_span(index)
        return self.span(attribute.name_start, attribute.name_end)

    def attribute_value_span(self, index: int, name: str, sub: tuple[int, int] | None = None) -> Span | None:
        """The value inside its quotes; ``sub`` narrows it to characters of the raw value."""
        attribute = self.attribute_tokens(index, name)
        if attribute is None:
            return self.name_span(index)
        start, end = attribute.value_start, attribute.value_end
        if sub is not None and _raw_equals_logical(self.text[start:end]):
            start, end = min(start + sub[0], end), min(start + sub[1], end)
        return self.span(start, end)

    def content_span(self, index: int) -> Span | None:
        """The text between the start and end tags, trimmed of surrounding white space."""
        tokens = self.element(index)
        if tokens is None:
            return None
        if tokens.self_closing or tokens.content_end < 0:
            return self.element_span(index)
        return self._trimmed(tokens.tag_end, tokens.content_end) or self.element_span(index)

    def content_sub_span(self, index: int, raw: str, sub: tuple[int, int] | None, trimmed: bool = True) -> Span | None:
        """Characters ``sub`` of element ``index``'s content ``raw`` (as parsed); the whole content if unmappable."""
        whole = self.content_span(index)
        tokens = self.element(index)
        if sub is None or whole is None or tokens is None:
            return whole
        start = self.text.find(raw, tokens.tag_end) if trimmed else tokens.tag_end
        if start < 0 or (tokens.content_end >= 0 and start + sub[1] > tokens.content_end):
            return whole
        if not _raw_equals_logical(self.text[start : start + sub[1]]):
            return whole
        return self.span(start + sub[0], start + sub[1])

    def text_span_after(self, offset: int) -> Span | None:
        """The run of text that starts at ``offset`` (up to the next tag), trimmed."""
        end = self.text.find("<", offset)
        return self._trimmed(offset, len(self.text) if end < 0 else end)

    def stray_text_span(self, index: int, after_child: int | None) -> Span | None:
        """Text directly inside element ``index``: before its first child, or after child ``after_child``."""
        if after_child is None:
            tokens = self.element(index)
            return None if tokens is None else self.text_span_after(tokens.tag_end)
        child = self.element(after_child)
        if child is None:
            return None
        return self.text_span_after(child.end if child.end >= 0 else child.tag_end)

    def _trimmed(self, start: int, end: int) -> Span | None:
        chunk = self.text[start:end]
        stripped = chunk.strip()
        if not stripped:
            return None
        lead = len(chunk) - len(chunk.lstrip())
        return self.span(start + lead, start + lead + len(stripped))

    def attribute_tokens(self, index: int, name: str) -> AttributeTokens | None:
        tokens = self.element(index)
        return None if tokens is None else tokens.attributes(self.text).get(name)


def _raw_equals_logical(raw: str) -> bool:
    """Sub-spans index the parsed value; they map 1:1 onto raw text without references or newlines."""
    return "&" not in raw and "\n" not in raw and "\r" not in raw and "\t" not in raw


def _tokenize(text: str) -> list[ElementTokens]:
    """Find every element's tags. Total: never raises, even on broken XML."""
    elements: list[ElementTokens] = []
    stack: list[ElementTokens] = []
    new = ElementTokens
    for match in _TOKEN.finditer(text):
        name = match.group(2)  # a start tag
        if name is not None:
            start, tag_end = match.span()
            if match.group(3) == "/>":
                tokens = new(name, start, start + 1 + len(name), tag_end, stack[-1].index if stack else -1, True, tag_end, tag_end)
            else:
                tokens = new(name, start, start + 1 + len(name), tag_end, stack[-1].index if stack else -1)
                stack.append(tokens)
            tokens.index = len(elements)
            elements.append(tokens)
            continue
        end_name = match.group(1)  # an end tag
        if end_name is not None and stack:
            if stack[-1].name == end_name:  # the usual case
                tokens = stack.pop()
                tokens.content_end, tokens.end = match.span()
                continue
            # Broken XML: pop to the matching start tag; an end tag that matches none is ignored.
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth].name == end_name:
                    content_end, end = match.span()
                    for tokens in stack[depth:]:
                        tokens.content_end, tokens.end = content_end, end
                    del stack[depth:]
                    break
    return elements
