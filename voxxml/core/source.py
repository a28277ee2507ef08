"""Source text, positions and spans.

lxml reports only line numbers, so positions are recovered from the source text.
That work is lazy: a clean file never pays for it. The first span asked of a file
tokenizes it once; the i-th start tag found is the i-th element in document order
(true of any well-formed document without a DTD, and DTDs are refused).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from itertools import accumulate

from . import compiled
from .records import NamedTuple, dataclass


class Span(NamedTuple):
    """1-based line and column; columns count characters; the end is exclusive.

    ``start`` and ``end`` are the same place as character offsets into the decoded
    source text (what editors and fixes need); a span made by ``SourceMap.span``
    has both. A span known only by line and column (a node built in Python, a
    libxml2 position outside the text) has -1 for both: ``SourceMap.offsets``
    recovers them from its text.

    A tuple: spans are made by the hundred thousand (the compiler records one per plan
    state), ordered by position, and never change.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    start: int = -1
    end: int = -1

    @property
    def has_offsets(self) -> bool:
        return self.start >= 0

    def __str__(self) -> str:
        return f"{self.line}:{self.column}-{self.end_line}:{self.end_column}"


@dataclass(slots=True)
class AttributeTokens:
    """Where one attribute's name and value (inside the quotes) are in the source, as offsets."""

    name_start: int
    name_end: int
    value_start: int  # inside the quotes
    value_end: int


@dataclass(slots=True)
class ElementTokens:
    """Offsets of one element in the source text (a view of one entry of ``Tags``)."""

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
            self._attributes = _attributes_in(text, self.name_end, self.tag_end)
        return self._attributes


def _attributes_in(text: str, start: int, end: int) -> dict[str, AttributeTokens]:
    """The attributes of the start tag ``text[start:end]`` (after its name) by name, the first of duplicates."""
    found: dict[str, AttributeTokens] = {}
    for match in compiled(_ATTRIBUTE).finditer(text, start, end):
        group = "dq" if match.group("dq") is not None else "sq"
        found.setdefault(
            match.group("name"),
            AttributeTokens(match.start("name"), match.end("name"), match.start(group), match.end(group)),
        )
    return found


# The markup that holds no markup, one spelling each, for every scanner of the text
# (this tokenizer, the suppression reader, the DOCTYPE check, the editor's cursor
# context). Each is a lazy run up to its fixed terminator, or to the end of the text
# when it is never closed: one forward scan, linear.
COMMENT = r"<!--.*?(?:-->|\Z)"
CDATA = r"<!\[CDATA\[.*?(?:\]\]>|\Z)"
PROCESSING_INSTRUCTION = r"<\?.*?(?:\?>|\Z)"
DECLARATION = r"<![^>]*+>?"  # <!DOCTYPE ...>, <!ENTITY ...> and the like


def comment_closed(token: str) -> bool:
    """Whether a COMMENT token ends with its own '-->' ('<!--->' does not: the dashes are the opener's)."""
    return len(token) >= 7 and token.endswith("-->")


# One pass finds every tag. Comments, CDATA and processing instructions are matched
# so that tags inside them are not taken for elements. A start tag that is not
# well-formed still yields an element (broken documents still get positions). A
# start tag followed by plain text and its own end tag (<Say>Hello</Say>, most
# elements) is one match: half the matches, and the tokenizer's work is per match.
# The quantifiers are possessive (*+): what follows each is optional, so giving
# characters back could never change a match, and not keeping the option is faster.
# The optional tails are written as alternatives with an empty last one, ``(?:A|B|)``,
# not ``(?:A|B)?``: the same match (the empty one is tried last), but sre runs a group's
# ``?`` through its general repeat machinery, which cost 8% of the engine's work on
# typical documents (tests/test_source_token.py holds the two spellings equal).
# The tags come first and the markup without groups last: the alternatives exclude each
# other by the character after the '<', so their order changes no match, only how many
# are tried first, and the groups keep their numbers (they count the opening parentheses).
def _tag_pattern(space: str, name: str, end_name: str, attribute: str) -> str:
    """The tag pattern with its character classes given: white space, a name's characters, an
    end tag's name's characters, and a start tag's characters outside quotes."""
    return (
        rf"</{space}*+(?P<end>{end_name}*+){space}*+>?"
        rf"""|<(?P<start>{name}++){attribute}*+(?:(?:"[^"]*+"|'[^']*+'|/(?!>)){attribute}*+)*+"""
        rf"(?:(?P<close>/>)|>(?:(?P<text>[^<]*+)(?P<leaf></(?P=start){space}*+>)|)|)"
        f"|{COMMENT}|{CDATA}|{PROCESSING_INSTRUCTION}|{DECLARATION}"
    )


# The classes as written: white space, a name's characters, an end tag's name's characters, a start
# tag's characters outside quotes; any character of any text.
_CLASSES = (r"\s", r"[^\s/>!?<]", r"[^\s>]", r"""[^>"'</]""")
# The same classes on a text of one byte a character: the characters up to U+00FF each takes, as a
# bitmap's ranges (tests/test_source_token.py derives them from _CLASSES, character by character).
_LATIN1_CLASSES = (
    r"[\x09-\x0d\x1c-\x20\x85\xa0]",
    r"[\x00-\x08\x0e-\x1b\x22-\x2e\x30-\x3b\x3d\x40-\x84\x86-\x9f\xa1-\xff]",
    r"[\x00-\x08\x0e-\x1b\x21-\x3d\x3f-\x84\x86-\x9f\xa1-\xff]",
    r"[\x00-\x21\x23-\x26\x28-\x2e\x30-\x3b\x3d\x3f-\xff]",
)


# Compiled on first use (it takes milliseconds): a clean lint never needs positions.
@cache
def _token() -> re.Pattern[str]:
    """The tag pattern for any text."""
    return re.compile(_tag_pattern(*_CLASSES), re.S)


# sre tests a negated class (``[^...]``, with ``\s`` a Unicode category) per character through
# more steps than a bitmap of the characters it takes: on a text of one byte a character (most;
# ``str.isascii`` answers at once, ``encode`` says it of the rest) the classes are the same as
# bitmaps of \x00-\xff, and every match is the same (tests/test_source_token.py holds the two
# patterns equal), for about 5% fewer instructions in the outline. A wider text takes ``_token``:
# a bitmap over all of Unicode took sre 90 M instructions to compile.
@cache
def _latin1_token() -> re.Pattern[str]:
    """The tag pattern for a text whose characters are all up to U+00FF."""
    return re.compile(_tag_pattern(*_LATIN1_CLASSES), re.S)


def _token_for(text: str) -> re.Pattern[str]:
    """The tag pattern to scan ``text`` with (the same matches either way)."""
    if not text.isascii():
        try:
            text.encode("latin-1")
        except UnicodeEncodeError:
            return _token()
    return _latin1_token()


# The tag pattern for a text lxml parsed well-formed (``_well_formed_outline``), where much of the
# general pattern's care is not needed: a '<' starts markup only, a start tag's '<' is followed by its
# name, an end tag is ``</name S?>`` and closes the element open innermost, and an element's text is
# followed by its own end tag when it is followed by an end tag at all. So a start tag is read up to
# its first '>' (``[^>]*+``, sre's fastest run: no loop over quoted values, a third less work for sre
# than the general pattern) and a whole element's end tag as any end tag. That first '>' is the tag's own unless
# an attribute value holds a '>'. An empty element ('/>') is taken only when no '>' follows before the
# next '<' (a '/>' inside a value is always followed by the rest of its tag, '>' included); any other
# tag is read with its text and end tag, or left open, which gives the general pattern's dicts even
# when read at a '>' inside a value (the element's end is its end tag's either way). So a tag misread
# is an empty element (a '>' in a value, or text with a '>' after it) read as a start tag or as an
# element whose end tag is its parent's: either leaves an element open at the end of the text, and
# ``_well_formed_outline`` gives up (tests/test_source_outline_speed.py holds the two walks equal on
# texts lxml parses, '>' and '/>' in values among them). Groups: 1 an end tag, 2 an empty element,
# 3 an element with its text and end tag, 4 markup without elements; a start tag left open has none
# (lastindex None). The groups come after a '<': sre finds where a match may start from the pattern's
# first characters, which a group in front of an alternative hides (every position is tried).
_WELL_FORMED_TAGS = (
    r"</()[^>]*+>?"
    r"|<[^/!?][^>]*+(?:>(?:(?<=/>)(?=[^<>]*+(?:<|\Z))()|[^<]*+</[^>]*+>()|)|)"
    f"|(?:{COMMENT}|{CDATA}|{PROCESSING_INSTRUCTION}|{DECLARATION})()"
)


@cache
def _well_formed_token() -> re.Pattern[str]:
    """The tag pattern for a text parsed well-formed, of any characters (its classes are single ones)."""
    return re.compile(_WELL_FORMED_TAGS, re.S)


# An attribute name starts only where a name cannot continue from the left: without
# that look-behind, a run of n name characters with no '=' was tried from each of its
# n positions, each try scanning to the run's end (12 s for a 16 KB start tag).
# Compiled when first used (``core.compiled``): a clean lint asks for no span.
_ATTRIBUTE = r"""(?<![^\s=/>"'<])(?P<name>[^\s=/>"'<]++)\s*+=\s*+(?:"(?P<dq>[^"]*+)"?|'(?P<sq>[^']*+)'?)"""
_NEWLINE = r"\r\n?|\n"
_NAME = r"[^\s/>!?<]++"  # an element's name after its '<', as _token reads it (its ``start`` group)


def attribute_names(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Where every attribute name in ``text[start:end]`` (a start tag) is, duplicates included."""
    return [match.span("name") for match in compiled(_ATTRIBUTE).finditer(text, start, end)]


class SourceMap:
    """Maps offsets and document-order element indexes to spans."""

    __slots__ = ("text", "well_formed", "vocabulary", "_line_starts", "_tags", "_walk", "_outline", "_views", "_elements", "_start_attributes")

    def __init__(self, text: str, well_formed: bool = False) -> None:
        self.text = text
        # True when lxml parsed this text strictly (no recovery, no DTD): set by whoever parsed it, so that
        # the span outline may take the walk that holds only for well-formed XML (on other texts its pattern
        # may read wrong, and in more than linear time). False is always safe.
        self.well_formed = well_formed
        # The vocabulary of the dialect that read the text (its reader sets it): how the nodes read
        # from here map back onto elements and attributes. None until a reader has run.
        self.vocabulary: object | None = None
        self._line_starts: list[int] | None = None
        self._tags: Tags | None = None
        self._walk: _TagWalk | None = None  # the tokenizer's walk while it has gone only part of the way
        self._outline: list[dict[str, int]] | None = None  # the span dicts element_span_dicts made without tokenizing
        self._views: dict[int, ElementTokens] = {}  # element(index), kept: they cache their attributes
        self._elements: list[ElementTokens] | None = None
        self._start_attributes: dict[int, dict[str, AttributeTokens]] = {}  # found with the walk partly done

    def __reduce__(self) -> tuple[type[SourceMap], tuple[str, bool]]:
        """Pickled as its text and whether it was parsed well-formed (what ``lint`` sends back from a worker
        process): the rest is worked out again from them. Without this, a mypyc-compiled SourceMap does
        not unpickle."""
        return SourceMap, (self.text, self.well_formed)

    # -- lines and columns
    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = _line_starts(self.text)
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
        starts = self._line_starts or self.line_starts
        end = max(end, start)
        line, end_line = bisect_right(starts, start), bisect_right(starts, end)
        return Span(line, start - starts[line - 1] + 1, end_line, end - starts[end_line - 1] + 1, start, end)

    def offsets(self, span: Span) -> tuple[int, int]:
        """``span`` as character offsets into this text: its own, or found from its lines and columns."""
        if span.start >= 0:
            return span.start, span.end
        start = self.offset(span.line, span.column)
        return start, max(start, self.offset(span.end_line, span.end_column))

    def line_text(self, line: int) -> str:
        starts = self.line_starts
        if not 1 <= line <= len(starts):
            return ""
        end = starts[line] if line < len(starts) else len(self.text)
        return self.text[starts[line - 1] : end].rstrip("\r\n")

    # -- elements
    @property
    def tags(self) -> Tags:
        if self._tags is None:
            walk = self._walk or _TagWalk(self.text)
            walk.run()
            self._tags, self._walk = walk.tags, None
        return self._tags

    def _tags_through(self, index: int, closed: bool = False) -> Tags:
        """The tags with at least elements 0 to ``index`` found (their names, starts, start tag ends and
        parents, which are final when found) and, with ``closed``, element ``index``'s end too (its content
        end and end are final once found), walking the text no further than it takes."""
        if self._tags is not None:
            return self._tags
        walk = self._walk
        if walk is None:
            walk = self._walk = _TagWalk(self.text)
        walk.run(index, closed)
        if walk.done:
            self._tags, self._walk = walk.tags, None
        return walk.tags

    @property
    def elements(self) -> list[ElementTokens]:
        """Every element, in document order."""
        if self._elements is None:
            self._elements = [view for view in map(self.element, range(len(self.tags.starts))) if view is not None]
        return self._elements

    def element(self, index: int) -> ElementTokens | None:
        view = self._views.get(index)
        if view is None:
            tags = self._tags_through(index, True)
            if not 0 <= index < len(tags.starts):
                return None
            name, start, end = tags.names[index], tags.starts[index], tags.ends[index]
            tag_end = tags.tag_ends[index]
            view = ElementTokens(name, start, start + 1 + len(name), tag_end, tags.parents[index], end == tag_end, tags.content_ends[index], end, index=index)
            self._views[index] = view
        return view

    def element_span(self, index: int) -> Span | None:
        outline = self._outline
        if self._tags is None and outline is not None:  # found by element_span_dicts, without tokenizing
            if not 0 <= index < len(outline):
                return None
            where, starts = outline[index], self.line_starts
            line, column, end_line, end_column = where["line"], where["column"], where["end_line"], where["end_column"]
            return Span(line, column, end_line, end_column, starts[line - 1] + column - 1, starts[end_line - 1] + end_column - 1)
        tags = self._tags_through(index, True)
        if not 0 <= index < len(tags.starts):
            return None
        end = tags.ends[index]
        return self.span(tags.starts[index], end if end >= 0 else tags.tag_ends[index])

    def element_span_dicts(self) -> list[dict[str, int]]:
        """Every element's span as a JSON-ready dict (the keys of the JSON report and of
        compiled plans), in document order: one pass, for callers that need thousands.

        A text not tokenized yet is not: one pass finds the elements and makes only the dicts
        (``_outline``, or ``_well_formed_outline`` on a text parsed well-formed), which ``element_span``
        and ``name_span`` then read. A compiler asks for nothing else of most files, and the tags' other
        offsets cost as much again to record. The dicts are shared (the compiler puts them in its
        states): callers must not change them."""
        if self._tags is None:
            text, lines = self.text, self.line_starts
            spans = _well_formed_outline(text, lines) if self.well_formed else None
            if spans is None:
                spans = _outline(text, lines)
            self._outline = spans
            return spans
        tags, lines = self.tags, self.line_starts
        last_line = len(lines)
        spans = []
        append = spans.append
        for start, tag_end, end in zip(tags.starts, tags.tag_ends, tags.ends):
            if end < 0:
                end = tag_end
            append(_span_dict(lines, last_line, start, end))
        return spans

    def name_span(self, index: int) -> Span | None:
        outline = self._outline
        if self._tags is None and outline is not None:  # its '<' from the span dict, the name read there
            if not 0 <= index < len(outline):
                return None
            where = outline[index]
            start = self.line_starts[where["line"] - 1] + where["column"]  # just after the '<'
            found = compiled(_NAME).match(self.text, start)
            return self.span(start, start if found is None else found.end())
        tags = self._tags_through(index)
        if not 0 <= index < len(tags.starts):
            return None
        start = tags.starts[index]
        return self.span(start + 1, start + 1 + len(tags.names[index]))

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
        elif sub is not None:  # references (&quot;) or CRs: map the parsed value's offsets through them
            mapped = _offsets(self.text, start, end).span(sub)
            if mapped is not None:
                start, end = min(mapped[0], end), min(mapped[1], end)
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
        view = self._views.get(index)
        if view is not None or self._tags is not None:
            tokens = view or self.element(index)
            return None if tokens is None else tokens.attributes(self.text).get(name)
        found = self._start_attributes.get(index)  # its start tag is all it takes: the walk goes no further
        if found is None:
            tags = self._tags_through(index)
            if not 0 <= index < len(tags.starts):
                return None
            start = tags.starts[index]
            found = self._start_attributes[index] = _attributes_in(self.text, start + 1 + len(tags.names[index]), tags.tag_ends[index])
        return found.get(name)


def _raw_equals_logical(raw: str) -> bool:
    """Sub-spans index the parsed value; they map 1:1 onto raw text without references or newlines."""
    return "&" not in raw and "\n" not in raw and "\r" not in raw and "\t" not in raw


class Tags(NamedTuple):
    """Every element's tag offsets, in document order, as parallel arrays (cheap to build)."""

    names: list[str]
    starts: list[int]  # the '<'
    tag_ends: list[int]  # just after the start tag's '>'
    parents: list[int]  # the parent's index, -1 for the root
    content_ends: list[int]  # the '<' of the end tag; -1 if none was found
    ends: list[int]  # just after the end tag's '>' (the tag end if self-closing); -1 if none


def _span_dict(lines: list[int], last_line: int, start: int, end: int) -> dict[str, int]:
    """An element's span as plans and the JSON report write it (lines and columns from 1)."""
    line = bisect_right(lines, start)
    line_start = lines[line - 1]
    if line == last_line or end < lines[line]:  # it ends on the line it starts on
        return {"line": line, "column": start - line_start + 1, "end_line": line, "end_column": end - line_start + 1}
    end_line = bisect_right(lines, end)
    return {"line": line, "column": start - line_start + 1, "end_line": end_line, "end_column": end - lines[end_line - 1] + 1}


def _outline(text: str, lines: list[int]) -> list[dict[str, int]]:
    """Every element's span dict, in document order: ``_tokenize``'s walk (the same matches, the same
    pairing of end tags, so the same starts and ends) keeping nothing but the dicts. A whole element
    (most) gets its dict at once; an element with children gets its start's line and column and its
    start tag's end, its end moved to its end tag's when one closes it (the keys in the order plans
    write them). Its name is read again where its start is when a name span is asked for (``_NAME``,
    the pattern's own), which few are.

    Every match starts at or after the last one's end, so the lines are found by stepping on from the
    last place (one step per line, most lines hold one tag) instead of a binary search per offset; a
    column is the offset less ``base``, the offset just before its line's first character.

    An end tag that closes the innermost open element (every one, in a well-formed text) needs only
    the open names' list; how many open elements have each name is counted from the first end tag
    that does not (``counts``, None until then), so a well-formed text never keeps the counts."""
    spans: list[dict[str, int]] = []
    stack: list[dict[str, int]] = []  # the open elements' dicts, the innermost last
    names: list[str] = []  # their names
    counts: dict[str, int] | None = None  # how many open elements have each name, once an end tag did not pair
    steps = [*lines, len(text) + 1]  # each line's start, then one past every offset: where stepping stops
    line = 0  # the line of the last place stepped to (1-based; 0 before the first)
    base = -1  # that line's first offset, less one
    next_start = 0  # where the line after it starts (steps[line])
    for match in _token_for(text).finditer(text):
        kind = match.lastindex  # as in _tokenize; the commonest first
        if kind == 5 or kind == 3:  # a whole element: with its text and end tag, or self-closing
            start, end = match.span()
            while start >= next_start:
                base = next_start - 1
                line += 1
                next_start = steps[line]
            if end < next_start:  # it ends on the line it starts on
                spans.append({"line": line, "column": start - base, "end_line": line, "end_column": end - base})
            else:
                first, column = line, start - base
                while end >= next_start:
                    base = next_start - 1
                    line += 1
                    next_start = steps[line]
                spans.append({"line": first, "column": column, "end_line": line, "end_column": end - base})
        elif kind == 1:  # an end tag
            if not names:
                continue
            end_name = match[1]
            if names[-1] == end_name:
                end = match.end()
                while end >= next_start:
                    base = next_start - 1
                    line += 1
                    next_start = steps[line]
                where = stack.pop()
                where["end_line"] = line
                where["end_column"] = end - base
                names.pop()
                if counts is not None:
                    counts[end_name] -= 1
                continue
            if counts is None:  # the first end tag that does not close the innermost element: count once
                counts = {}
                for name in names:
                    counts[name] = counts.get(name, 0) + 1
            if not counts.get(end_name):
                continue
            end = match.end()
            while end >= next_start:
                base = next_start - 1
                line += 1
                next_start = steps[line]
            while True:
                where = stack.pop()
                where["end_line"] = line
                where["end_column"] = end - base
                name = names.pop()
                counts[name] -= 1
                if name == end_name:
                    break
        elif kind is not None:  # a start tag left open: it ends where its start tag does until an end tag closes it
            start, tag_end = match.span()
            while start >= next_start:
                base = next_start - 1
                line += 1
                next_start = steps[line]
            first, column = line, start - base
            while tag_end >= next_start:
                base = next_start - 1
                line += 1
                next_start = steps[line]
            where = {"line": first, "column": column, "end_line": line, "end_column": tag_end - base}
            spans.append(where)
            stack.append(where)
            name = match[2]
            names.append(name)
            if counts is not None:
                counts[name] = counts.get(name, 0) + 1
    return spans


def _well_formed_outline(text: str, lines: list[int]) -> list[dict[str, int]] | None:
    """``_outline`` of a text lxml parsed well-formed, or None when it finds the text was not read as
    ``_outline`` reads it (``_WELL_FORMED_TAGS``: an element left open at the end, or an end tag with
    none open); then ``_outline`` must walk it.

    In a well-formed text every end tag closes the element open innermost, so the open elements are a
    stack of their dicts: no names read, kept or compared. A start tag's dict gets its end when its end
    tag comes (every element is closed, else the walk gives up), so its start tag's end is not looked
    for. Lines are stepped to as in ``_outline``."""
    spans: list[dict[str, int]] = []
    stack: list[dict[str, int]] = []  # the open elements' dicts, the innermost last
    steps = [*lines, len(text) + 1]  # as in _outline
    line = 0
    base = -1
    next_start = 0
    try:
        for match in _well_formed_token().finditer(text):
            kind = match.lastindex  # the commonest first
            if kind == 3 or kind == 2:  # a whole element: with its text and end tag, or empty
                start, end = match.span()
                while start >= next_start:
                    base = next_start - 1
                    line += 1
                    next_start = steps[line]
                if end < next_start:  # it ends on the line it starts on
                    spans.append({"line": line, "column": start - base, "end_line": line, "end_column": end - base})
                else:
                    first, column = line, start - base
                    while end >= next_start:
                        base = next_start - 1
                        line += 1
                        next_start = steps[line]
                    spans.append({"line": first, "column": column, "end_line": line, "end_column": end - base})
            elif kind is None:  # a start tag: its end is its end tag's, filled in there
                start = match.start()
                while start >= next_start:
                    base = next_start - 1
                    line += 1
                    next_start = steps[line]
                where = {"line": line, "column": start - base, "end_line": 0, "end_column": 0}
                spans.append(where)
                stack.append(where)
            elif kind == 1:  # an end tag: it closes the innermost element
                end = match.end()
                while end >= next_start:
                    base = next_start - 1
                    line += 1
                    next_start = steps[line]
                where = stack.pop()  # IndexError: none is open
                where["end_line"] = line
                where["end_column"] = end - base
    except IndexError:  # only stack.pop(): stepping stops at the last step, which is past every offset
        return None
    return None if stack else spans


def _tokenize(text: str) -> Tags:
    """Find every element's tags. Total: never raises, even on broken XML."""
    walk = _TagWalk(text)
    walk.run()
    return walk.tags


class _TagWalk:
    """The tokenizer's walk over a text, run as far as it is asked to (``run``) and resumable.

    An element's name, start, start tag's end and parent are final when the walk finds its start tag;
    only its content end and end wait for its end tag. So one element's attributes (a finding's span,
    most often) need the walk only up to that element, not over the whole text: a 2,000-line document
    in the editor with one finding on its first Gather was tokenized whole, 16 M of the lint's 77 M
    instructions (docs/lsp.md, ninth round).

    A match says what it is by its last group (``lastindex``, one attribute read instead of four
    groups): 5 a start tag with its text and end tag, 3 a self-closing tag, 1 an end tag, None
    markup without groups (a comment, CDATA, ...); any other (2) a start tag left open."""

    __slots__ = ("tags", "done", "_matches", "_stack", "_parent", "_open_names")

    def __init__(self, text: str) -> None:
        self.tags = Tags([], [], [], [], [], [])
        self.done = False  # the whole text walked: every element found, every end tag paired
        self._matches = _token_for(text).finditer(text)
        self._stack: list[int] = []  # the open elements
        self._parent = -1  # the innermost open element (stack[-1]), -1 for none
        # How many open elements have each name: an end tag that matches none is passed over at
        # once, not after a scan of the whole stack.
        self._open_names: dict[str, int] = {}

    def run(self, through: int = -1, closed: bool = False) -> None:
        """Walk on until element ``through`` (document order) is found, and with ``closed`` until its end
        is found too (its own end tag, or in broken XML an enclosing element's); -1: to the end of the text."""
        names, starts, tag_ends, parents, content_ends, ends = self.tags
        if self.done or (0 <= through < len(starts) and (not closed or ends[through] >= 0)):
            return
        wanted = through + 1 if through >= 0 else -1  # the element count to stop at (-1: never)
        stack, parent, open_names = self._stack, self._parent, self._open_names
        for match in self._matches:
            kind = match.lastindex
            if kind is None:  # a comment, CDATA, a processing instruction, a declaration
                continue
            if kind == 5:  # a start tag with its text and end tag (most elements): the match runs to the element's end
                start, end = match.span()
                names.append(match.group(2))
                starts.append(start)
                parents.append(parent)
                tag_ends.append(match.start(4))
                content_ends.append(match.start(5))
                ends.append(end)
            elif kind == 1:  # an end tag
                if parent < 0:
                    continue
                end_name = match.group(1)
                if names[parent] == end_name:  # the usual case
                    content_ends[parent], ends[parent] = match.span()
                    stack.pop()
                    open_names[end_name] -= 1
                    parent = stack[-1] if stack else -1
                elif not open_names.get(end_name):
                    continue  # broken XML: an end tag that matches no open element is ignored
                else:  # broken XML: pop to the matching start tag (each element is popped once)
                    content_end, end = match.span()
                    while True:
                        index = stack.pop()
                        content_ends[index], ends[index] = content_end, end
                        open_names[names[index]] -= 1
                        if names[index] == end_name:
                            break
                    parent = stack[-1] if stack else -1
            else:  # a start tag: self-closing (3), or left open (any other)
                start, tag_end = match.span()
                name = match.group(2)
                names.append(name)
                starts.append(start)
                parents.append(parent)
                tag_ends.append(tag_end)
                if kind == 3:
                    content_ends.append(tag_end)
                    ends.append(tag_end)
                else:
                    content_ends.append(-1)
                    ends.append(-1)
                    parent = len(starts) - 1
                    stack.append(parent)
                    open_names[name] = open_names.get(name, 0) + 1
            if len(starts) >= wanted >= 0 and (not closed or ends[through] >= 0):  # what was asked for is found
                self._parent = parent
                return
        self._parent = parent
        self.done = True


def _line_starts(text: str) -> list[int]:
    """The offset of every line's first character (lines end at \\n, \\r\\n or \\r, as in XML).

    A text of one byte a character (most) is copied to bytes, whose ``splitlines`` ends lines exactly
    there (str's also ends them at \\x0b, \\x85, \\u2028 and more), and the lines' lengths are summed
    in C: 22% fewer instructions than splitting the str at \\n and adding each \\n's 1, which wider
    texts still do (tests/test_source_lines.py holds every way to XML's definition)."""
    try:
        octets = text.encode("latin-1")  # a copy when every character is one byte; else it fails
    except UnicodeEncodeError:
        if "\r" in text:
            return [0] + [match.end() for match in compiled(_NEWLINE).finditer(text)]
        starts = list(accumulate(map((1).__add__, map(len, text.split("\n"))), initial=0))  # each line's length and its \n
        starts.pop()  # the offset after the last line
        return starts
    starts = list(accumulate(map(len, octets.splitlines(True)), initial=0))
    if octets and octets[-1] != 10 and octets[-1] != 13:
        starts.pop()  # the text's end, which no line break precedes: not a line's start
    return starts


# What makes parsed content differ from its source text: a reference (one character
# written as '&amp;' or '&#233;'), a CR (\r\n and \r read as \n), and markup (a comment,
# CDATA or a child element), after which offsets are not mapped at all.
_SHIFTS = r"&#?[A-Za-z0-9]+;|\r\n?|<"


@dataclass(frozen=True, slots=True)
class ContentOffsets:
    """Maps offsets into an element's parsed content onto its source text.

    Built in one pass over the content, so mapping many offsets (every ``$GATHER`` of a
    long Say) costs a binary search each, never a rescan.
    """

    start: int  # where the content starts in the source
    limit: int  # offsets up to here map (markup follows)
    after: tuple[int, ...]  # the content offset just after each reference or CR
    extra: tuple[int, ...]  # source characters more than content characters, up to there

    def source(self, offset: int) -> int | None:
        if offset > self.limit:
            return None
        at = bisect_right(self.after, offset)
        return self.start + offset + (self.extra[at - 1] if at else 0)

    def span(self, sub: tuple[int, int]) -> tuple[int, int] | None:
        first, last = self.source(sub[0]), self.source(sub[1])
        return None if first is None or last is None else (first, last)


def _offsets(text: str, start: int, end: int) -> ContentOffsets:
    """The offset map of the source text ``start:end`` (content, or an attribute's value) as parsed."""
    after: list[int] = []
    extra: list[int] = []
    more = 0
    for match in compiled(_SHIFTS).finditer(text, start, end):
        offset = match.start() - start - more
        if text[match.start()] == "<":
            return ContentOffsets(start, offset, tuple(after), tuple(extra))
        more += match.end() - match.start() - 1
        after.append(offset + 1)
        extra.append(more)
    return ContentOffsets(start, end - start - more, tuple(after), tuple(extra))


def content_offsets(source: SourceMap, index: int, trimmed: bool) -> ContentOffsets | None:
    """The offset map of element ``index``'s content (``trimmed``: as the reader strips it)."""
    tokens = source.element(index)
    if tokens is None or tokens.self_closing:
        return None
    text = source.text
    end = tokens.content_end if tokens.content_end >= 0 else len(text)
    start = tokens.tag_end
    if trimmed:
        while start < end and text[start].isspace():
            start += 1
    after: list[int] = []
    extra: list[int] = []
    more = 0
    limit = None
    for match in compiled(_SHIFTS).finditer(text, start, end):
        offset = match.start() - start - more
        if text[match.start()] == "<":
            limit = offset
            break
        more += match.end() - match.start() - 1
        after.append(offset + 1)
        extra.append(more)
    if limit is None:
        limit = end - start - more
    return ContentOffsets(start, limit, tuple(after), tuple(extra))
