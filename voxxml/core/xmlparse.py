"""Bytes to an lxml tree, safely.

The parser is hardened: no entity expansion, no DTD loading, no network, no huge
trees. A DOCTYPE or entity declaration is refused before lxml sees the document,
so nothing a document declares is ever fetched, read or expanded.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from functools import cache
from dataclasses import replace
from .deferred import deferring
from .records import dataclass

with deferring():  # lxml imports inspect, gzip and _elementpath for what voxxml never uses (core/deferred.py)
    from lxml import etree

from .source import CDATA, COMMENT, PROCESSING_INSTRUCTION, SourceMap, attribute_names as source_attribute_names


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """A VX001 finding: a message and where (a character offset, or a libxml2 line/column)."""

    message: str
    offset: int | None = None
    line: int | None = None
    column: int | None = None
    help: str | None = None
    encoding: str | None = None  # the encoding the offset counts characters of
    end: int | None = None  # where the span ends (an offset); one character if None


# The hardening every voxxml parser uses (the formatter's too).
HARDENED = dict(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    collect_ids=False,
)
_STRICT = etree.XMLParser(**HARDENED)
_RECOVER = etree.XMLParser(recover=True, **HARDENED)
# Patterns below scan forward only: possessive runs, lazy runs up to a fixed terminator.
# The XML declaration, the one pattern every reader of it uses (the decoder, the
# formatter, the language server), on text; the decoder reads bytes as Latin-1 (one
# character per byte). Groups: "space" is set when '<?xml' is followed by white space
# (a declaration, not a PI such as <?xml-stylesheet?>); "version"/"version_sq" is the
# version written first, in double or single quotes; "encoding" the declared encoding
# name, found anywhere before the first '>' (as libxml2 reads it, '<?xml' then
# anything); the whole match runs to the '?>' when there is one before a '>'. White
# space in the encoding part is ASCII's (as the byte pattern's \s was). No run can
# pass a '>', so a match is no longer than the text up to the first '>'. Kept as text and compiled (once,
# by re's cache) when a document starts with '<?xml': compiling it cost a one-verb lint half a millisecond.
_XML_DECLARATION = (
    r"\A(?P<bom>\ufeff?)<\?xml(?P<space>(?=[ \t\r\n]))?"
    r"""(?:[ \t\r\n]++version[ \t\r\n]*+=[ \t\r\n]*+(?:"(?P<version>[^"<>]*+)"|'(?P<version_sq>[^'<>]*+)'))?"""
    r"""(?:[^>]*?encoding[ \t\n\r\f\v]*+=[ \t\n\r\f\v]*+["'](?P<encoding>[A-Za-z0-9._:-]++)["'])?"""
    r"(?:[^>]*?\?>)?"
)


def xml_declaration(text: str) -> re.Match[str] | None:
    """The XML declaration at the start of ``text`` (see the pattern's groups above), or None."""
    return re.match(_XML_DECLARATION, text)


def declared_encoding(data: bytes) -> str | None:
    """The encoding name an 8-bit document's XML declaration gives, if any."""
    if not data.startswith(b"<?xml"):
        return None
    end = data.find(b">")
    match = xml_declaration(data[: end + 1 if end >= 0 else len(data)].decode("latin-1"))
    return None if match is None or match.group("bom") else match.group("encoding")


# A PI's content is text too: '<?pi <!DOCTYPE x> ?>' declares nothing (libxml2 agrees). Compiled when a
# document holds '<!DOCTYPE' or '<!ENTITY' (re's cache keeps it).
_DECLARED = f"(?s){COMMENT}|{CDATA}|{PROCESSING_INSTRUCTION}|<!(DOCTYPE|ENTITY)\\b"
MAX_SYNTAX_PROBLEMS = 25


# XML 1.0 Appendix F, as libxml2 applies it: a byte-order mark first (UTF-32 before
# UTF-16, whose mark is a prefix of UTF-32 LE's), then the first characters in a wide
# encoding without a mark; only an 8-bit document's declaration is read. A mark wins
# over a declared encoding, as in libxml2.
_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_UNMARKED = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_WIDE = frozenset(("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"))


def detect(data: bytes) -> tuple[str | None, SyntaxProblem | None]:
    """The encoding libxml2 reads ``data`` in (a Python codec name), or why it cannot."""
    for prefix, encoding in _MARKS + _UNMARKED:
        if data.startswith(prefix):
            return encoding, None
    name = declared_encoding(data)
    if name is None:
        return "utf-8", None
    try:
        info = codecs.lookup(name)
        if not getattr(info, "_is_text_encoding", True):
            raise LookupError(name)
    except LookupError:
        return None, SyntaxProblem(f"unknown encoding '{name}' in the XML declaration; expected e.g. UTF-8", offset=0)
    if info.name in _WIDE:
        return None, SyntaxProblem(
            f"the XML declaration says encoding '{name}', but the document is written in an 8-bit encoding",
            offset=0,
            help="save the file as UTF-8 and declare encoding='UTF-8' (or none)",
        )
    return info.name, None


def decode(data: bytes) -> tuple[str | None, SyntaxProblem | None]:
    """Decode the document as XML does: BOM, then the declared encoding, then UTF-8."""
    if not data or data.isspace():
        return None, SyntaxProblem("document is empty; expected a <Response> element", offset=0)
    encoding, problem = detect(data)
    if encoding is None:
        return None, problem
    if encoding not in _WIDE and b"\x00" in data:
        at = data.index(b"\x00")
        return None, SyntaxProblem(
            f"binary data (a NUL byte at byte {at}); expected a VoxXML text document",
            offset=len(lenient(data[:at], encoding)),
            encoding=encoding,
        )
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as error:
        return None, _undecodable(data, encoding, error)
    except (UnicodeError, LookupError):
        return None, SyntaxProblem(f"the document cannot be decoded as {encoding}; expected e.g. UTF-8", offset=0)


def _undecodable(data: bytes, encoding: str, error: UnicodeDecodeError) -> SyntaxProblem:
    prefix = lenient(data[: error.start], encoding)
    byte = data[error.start : error.start + 1].hex()
    label = "UTF-8" if encoding.startswith("utf-8") else encoding
    return SyntaxProblem(
        f"the document is not valid {label}: byte 0x{byte} cannot be decoded",
        offset=len(prefix),
        help="save the file as UTF-8, or declare its encoding: <?xml version='1.0' encoding='ISO-8859-1'?>",
        encoding=encoding,
    )


def lenient(data: bytes, encoding: str) -> str:
    """Decode for showing and locating, whatever the bytes; some codecs (idna) cannot replace errors."""
    try:
        return data.decode(encoding, errors="replace")
    except (UnicodeError, LookupError):
        return data.decode("latin-1")


def refused_declaration(text: str) -> SyntaxProblem | None:
    """A DOCTYPE or ENTITY declaration outside comments, CDATA and PIs; documents that carry one are refused."""
    if "<!DOCTYPE" not in text and "<!ENTITY" not in text:
        return None
    for match in re.finditer(_DECLARED, text):
        if match.group(1):
            return SyntaxProblem(
                f"<!{match.group(1)}> is not allowed in VoxXML: DTDs and entities are refused and never expanded or fetched",
                offset=match.start(),
                help="remove the DOCTYPE; VoxXML needs no DTD",
            )
    return None


@dataclass
class Parsed:
    """lxml's tree (None when nothing could be recovered), the syntax problems, and whether the text was well formed."""

    root: etree._Element | None
    problems: list[SyntaxProblem]
    well_formed: bool


def parse(data: bytes, source: SourceMap) -> Parsed:
    """Parse ``data``; on a syntax error collect every error and keep a recovered tree when trustworthy."""
    try:
        root = etree.fromstring(data, _STRICT)
        return _without_dtd(Parsed(root, [], True), source)
    except etree.XMLSyntaxError as error:
        first = error
    recovered = None
    try:
        recovered = etree.fromstring(data, _RECOVER)
        log = _RECOVER.error_log
    except etree.XMLSyntaxError as error:
        log = error.error_log
    problems = [
        _problem(entry)
        for entry in log
        if entry.level_name in ("ERROR", "FATAL") and not entry.message.strip().startswith(_NOISE)
    ]
    if not problems:
        problems = [SyntaxProblem(_rephrase(str(first.msg)), line=first.lineno, column=first.offset)]
    problems = [_located(p, source) for p in _dedupe(problems)[:MAX_SYNTAX_PROBLEMS]]
    if recovered is not None and not _agrees(recovered, source):
        recovered = None
    return _without_dtd(Parsed(recovered, problems, False), source)


def _without_dtd(parsed: Parsed, source: SourceMap) -> Parsed:
    """Defence in depth: a tree libxml2 built with a DTD is refused, whatever the text check saw
    (the decoder and libxml2 could disagree on an encoding; nothing is loaded either way)."""
    root = parsed.root
    if root is None:
        return parsed
    info = root.getroottree().docinfo
    if info.internalDTD is None and not info.doctype and info.externalDTD is None:
        return parsed
    at = source.text.find("<!DOCTYPE")
    problem = SyntaxProblem(
        "<!DOCTYPE> is not allowed in VoxXML: DTDs and entities are refused and never expanded or fetched",
        offset=max(at, 0),
        help="remove the DOCTYPE; VoxXML needs no DTD",
    )
    return Parsed(None, [problem], False)


def _problem(entry: etree._LogEntry) -> SyntaxProblem:
    return SyntaxProblem(_rephrase(entry.message), line=entry.line, column=entry.column)


# libxml2's wording, rephrased for people who write IVRs; unmatched messages pass through. Compiled on
# the first syntax error, not at every start (a clean document never needs them).
_REPHRASE: tuple[tuple[str, str], ...] = (
    (r"Excessive depth in document.*", "elements are nested too deeply (more than 256 levels)"),
    (r"(Document is empty|Start tag expected.*)", "no root element; expected a <Response> element"),
    (r"""AttValue: " or ' expected""", "attribute value must be quoted with \" or '"),
    (r"xmlParseEntityRef: no name", "a bare '&' must be written as &amp;"),
    (r"Entity '([^']*+)' not defined", r"undefined entity '&\1;'; VoxXML knows only &amp; &lt; &gt; &quot; &apos; and &#NN;"),
    (r"Opening and ending tag mismatch: (\S++) line (\d++) and (\S++)", r"end tag </\3> does not match start tag <\1> from line \2"),
    (r"Premature end of data in tag (\S++) line (\d++)", r"the document ends before </\1> (opened on line \2)"),
    (r"EndTag: '</' not found", "missing end tag"),
    (r"Extra content at the end of the document", "content after the root element; a document has one <Response>"),
    (r"Attribute (\S++) redefined", r"attribute '\1' is written twice on one element; write it once"),
)
_NOISE = ("attributes construct error",)


@cache
def _rephrasings() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(pattern), replacement) for pattern, replacement in _REPHRASE]


def _rephrase(message: str) -> str:
    message = message.strip()
    for pattern, replacement in _rephrasings():
        match = pattern.fullmatch(message)
        if match:
            return match.expand(replacement)
    return "XML syntax: " + message


_DUPLICATE = r"attribute '([^'\s]++)' is written twice"  # compiled (and kept by re's cache) on the first syntax error


def _located(problem: SyntaxProblem, source: SourceMap) -> SyntaxProblem:
    """A duplicate attribute's span: libxml2 points after the start tag, not at the name."""
    duplicate = re.match(_DUPLICATE, problem.message)
    if duplicate is None or problem.line is None:
        return problem
    at = source.offset(max(problem.line, 1), max(problem.column or 1, 1))
    tags = source.tags
    index = bisect_right(tags.starts, max(at - 1, 0)) - 1
    tokens = source.element(index)
    if tokens is None:
        return problem
    name = duplicate.group(1)
    seen = 0
    for start, end in source_attribute_names(source.text, tokens.name_end, tokens.tag_end):
        if source.text[start:end] == name:
            seen += 1
            if seen == 2:
                return replace(problem, offset=start, end=end, line=None, column=None)
    return problem


def _dedupe(problems: list[SyntaxProblem]) -> list[SyntaxProblem]:
    seen: set[tuple] = set()
    unique = []
    for problem in problems:
        key = (problem.message, problem.line, problem.column)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def _agrees(root: etree._Element, source: SourceMap) -> bool:
    """A recovered tree is validated only if its elements and nesting are the ones written."""
    elements = [el for el in root.iter(etree.Element)]
    tags = source.tags
    if len(elements) != len(tags.names):
        return False
    index = {el: i for i, el in enumerate(elements)}
    for el, name, parent_index in zip(elements, tags.names, tags.parents):
        parent = el.getparent()
        if el.tag != name or (index[parent] if parent is not None else -1) != parent_index:
            return False
    return True


def trusted(source: SourceMap) -> list[bool]:
    """Per element (document order): whether it and every ancestor were closed by their own
    end tag (or self-closed). After a syntax error, libxml2's recovery re-nests what follows
    an unclosed element (an unclosed <Say> makes the next verb its child), and the source
    tokenizer nests it the same way; only trusted elements are validated."""
    tags, text = source.tags, source.text
    ok: list[bool] = []
    for name, parent, tag_end, content_end, end in zip(tags.names, tags.parents, tags.tag_ends, tags.content_ends, tags.ends):
        closed = end >= 0 and (end == tag_end or text.startswith(name, content_end + 2))
        ok.append(closed and (parent < 0 or ok[parent]))
    return ok


def untrusted_at(source: SourceMap, offsets: list[int]) -> list[bool]:
    """For each offset (ascending), whether the innermost element holding it is untrusted.

    One sweep over the elements and the offsets together (a stack of open elements), so
    linear however deep the nesting. Text outside every element is trusted."""
    tags = source.tags
    ok = trusted(source)
    infinity = len(source.text) + 1
    stack: list[int] = []
    answers: list[bool] = []
    following = 0
    count = len(tags.starts)
    for offset in offsets:
        while following < count and tags.starts[following] <= offset:
            start = tags.starts[following]
            while stack and _end(tags, stack[-1], infinity) <= start:
                stack.pop()
            stack.append(following)
            following += 1
        while stack and _end(tags, stack[-1], infinity) <= offset:
            stack.pop()
        answers.append(bool(stack) and not ok[stack[-1]])
    return answers


def _end(tags, index: int, infinity: int) -> int:
    end = tags.ends[index]
    return infinity if end < 0 else end
