"""Where is the cursor? Read from text that may be broken: the user is typing.

Nothing here needs well-formed XML. The text before the cursor is scanned once
for comments, CDATA, processing instructions, end tags and start tags (a tag that
is not finished reaches the cursor); complete start tags open elements and end
tags close them, so the innermost open element before the cursor is known even
when nothing after the cursor is written yet. '<' cannot occur in an attribute
value, so a tag the cursor is in starts at the last '<' before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core import suppressions
from ..core.source import CDATA, COMMENT, DECLARATION, PROCESSING_INSTRUCTION, comment_closed

# One token; a token the text ends inside runs to the end (\Z), so "the cursor is
# inside it" is "it ends at the cursor and is not closed". Comments, CDATA, PIs and
# declarations are spelled as the linter's tokenizer spells them (voxxml.core.source);
# tags differ on purpose: text being typed has unfinished tags and unclosed quotes,
# so here a tag or a quoted value stops at the next '<' (the linter's runs on, as a
# well-formed document's never meets one).
_TOKEN = re.compile(
    f"(?P<comment>{COMMENT})|{CDATA}|{PROCESSING_INSTRUCTION}|{DECLARATION}"
    r"|</(?P<end>[^\s<>]*)\s*(?P<end_close>>)?"
    r"""|<(?P<start>[^\s/<>!?"'=]*)(?P<body>(?:[^<>"'/]|/(?!>)|"[^"<]*(?:"|\Z)|'[^'<]*(?:'|\Z))*)(?P<close>/?>)?""",
    re.DOTALL,
)
# Unlike the linter's attribute pattern (voxxml.core.source), a name may have no value yet
# and a value no closing quote: both are being typed.
_ATTRIBUTE = re.compile(
    r"""(?P<name>[^\s=/<>"']+)(?:\s*=\s*(?:(?P<quote>["'])(?P<value>(?:(?!(?P=quote))[^<])*)(?P<closing>(?P=quote))?)?)?"""
)
_NAME_CHAR = re.compile(r"[^\s/<>!?\"'=]*")
_CODE_CHARS = re.compile(r"[A-Za-z0-9]*")


@dataclass(frozen=True)
class Attribute:
    """An attribute of the start tag at the cursor, with the offsets of its name and value."""

    name: str
    name_start: int
    name_end: int
    quote: str | None = None
    value: str | None = None
    value_start: int = -1
    value_end: int = -1
    closed: bool = False  # the closing quote is written


@dataclass
class Tag:
    """A start tag as written (maybe unfinished), with its attributes."""

    name: str
    start: int  # the '<'
    end: int  # after the '>', or where the unfinished tag stops
    closed: bool
    self_closing: bool
    attributes: list[Attribute] = field(default_factory=list)

    @property
    def name_end(self) -> int:
        return self.start + 1 + len(self.name)

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)


@dataclass
class Context:
    """What is being written at the cursor.

    kind: "element" (a name after '<'), "end-tag" (a name after '</'),
    "attribute" (an attribute name in a start tag), "value" (inside an attribute
    value), "suppression" (a code in a voxxml comment), "comment", or "content".
    ``replace`` is the text a completion replaces: the word at the cursor.
    """

    kind: str
    parent: str | None = None  # the innermost open element
    tag: Tag | None = None  # the start tag the cursor is in
    attribute: Attribute | None = None
    replace: tuple[int, int] = (0, 0)
    needs_quotes: bool = False  # a value after '=' with no quote yet
    stack: list[str] = field(default_factory=list)


def _attributes(text: str, start: int, end: int) -> list[Attribute]:
    found = []
    for match in _ATTRIBUTE.finditer(text, start, end):
        quote = match.group("quote")
        found.append(
            Attribute(
                match.group("name"),
                match.start("name"),
                match.end("name"),
                quote,
                match.group("value"),
                match.start("value") if quote else -1,
                match.end("value") if quote else -1,
                match.group("closing") is not None,
            )
        )
    return found


def _tag(text: str, match: re.Match[str]) -> Tag:
    close = match.group("close")
    tag = Tag(match.group("start"), match.start(), match.end(), close is not None, close == "/>")
    tag.attributes = _attributes(text, match.start("body"), match.end("body"))
    return tag


def _open_elements(text: str, cursor: int) -> tuple[list[str], re.Match[str] | None]:
    """The element names open at ``cursor`` (outermost first), and the token the cursor is inside."""
    stack: list[str] = []
    last = None
    for match in _TOKEN.finditer(text, 0, cursor):
        if match.end() == cursor and not _finished(match):
            last = match
            break
        name = match.group("start")
        if name:
            if match.group("close") == ">":
                stack.append(name)
            continue
        end_name = match.group("end")
        if end_name is not None and match.group("end_close") and end_name in stack:
            del stack[len(stack) - 1 - stack[::-1].index(end_name) :]
    return stack, last


def _finished(match: re.Match[str]) -> bool:
    """Whether a token is complete (its closing delimiter written)."""
    if match.group("start") is not None:
        return match.group("close") is not None
    if match.group("end") is not None:
        return match.group("end_close") is not None
    token = match.group()
    if match.group("comment") is not None:
        return comment_closed(token)
    if token.startswith("<![CDATA["):
        return len(token) >= 12 and token.endswith("]]>")
    if token.startswith("<?"):
        return len(token) >= 4 and token.endswith("?>")
    return token.endswith(">")


def _word_end(text: str, offset: int, pattern: re.Pattern[str] = _NAME_CHAR) -> int:
    return pattern.match(text, offset).end()  # type: ignore[union-attr]


def whole_tag(text: str, start: int) -> Tag | None:
    """The start tag at ``start`` read to its end (past the cursor), or None."""
    match = _TOKEN.match(text, start)
    if match is None or match.group("start") is None:
        return None
    return _tag(text, match)


def at_cursor(text: str, cursor: int) -> Context:
    """The context at character offset ``cursor``."""
    cursor = max(0, min(cursor, len(text)))
    stack, token = _open_elements(text, cursor)
    parent = stack[-1] if stack else None
    if token is None:
        return Context("content", parent, replace=(cursor, cursor), stack=stack)
    if token.group("comment") is not None:
        code = suppressions.code_at(text, token.start(), cursor)
        if code is not None:
            end = _word_end(text, cursor, _CODE_CHARS)
            return Context("suppression", parent, replace=(code[0], end), stack=stack)
        return Context("comment", parent, replace=(cursor, cursor), stack=stack)
    if token.group("end") is not None:
        name_start = token.start("end")
        return Context("end-tag", parent, replace=(name_start, _word_end(text, name_start)), stack=stack)
    if token.group("start") is None:
        return Context("comment", parent, replace=(cursor, cursor), stack=stack)  # CDATA, PI, declaration
    # In a start tag: its name, an attribute name, or a value. Read the whole tag (past the cursor).
    tag = whole_tag(text, token.start()) or _tag(text, token)
    name_end = token.start() + 1 + len(token.group("start"))
    if cursor <= name_end:
        return Context(
            "element", parent, tag, replace=(token.start() + 1, _word_end(text, token.start() + 1)), stack=stack
        )
    body = token.group("body")
    for attribute in _attributes(text, token.start("body"), cursor):
        if attribute.quote and not attribute.closed and attribute.value_end == cursor:
            # Inside an open value: the value as written runs on past the cursor.
            full = tag.attribute(attribute.name) if tag is not None else None
            if full is None or full.value_start != attribute.value_start:
                full = attribute
            return Context("value", parent, tag, full, replace=(attribute.value_start, full.value_end), stack=stack)
    if re.search(r"=\s*\Z", body):
        named = re.search(r"([^\s=/<>\"']+)\s*=\s*\Z", body)
        if named:
            name = named.group(1)
            attribute = Attribute(name, -1, -1, None, "", cursor, cursor)
            return Context("value", parent, tag, attribute, replace=(cursor, cursor), needs_quotes=True, stack=stack)
    if body and not body[-1].isspace():
        partial = re.search(r"(?<=\s)[^\s=/<>\"']+\Z", body)
        if partial is None:
            return Context("content", parent, tag, replace=(cursor, cursor), stack=stack)  # e.g. right after a quote
        return Context(
            "attribute",
            parent,
            tag,
            replace=(token.start("body") + partial.start(), _word_end(text, cursor)),
            stack=stack,
        )
    return Context("attribute", parent, tag, replace=(cursor, _word_end(text, cursor)), stack=stack)


# -------------------------------------------------------------- hover targets


@dataclass
class Target:
    """What a hover points at: an element name, an attribute name or value, or a code in a comment."""

    kind: str  # "element" | "attribute" | "value" | "code"
    start: int
    end: int
    element: str = ""
    attribute: str = ""
    value: str = ""
    code: str = ""
    tag: Tag | None = None


def target_at(text: str, offset: int) -> Target | None:
    """The named thing under ``offset`` in the full text, or None."""
    for match in _TOKEN.finditer(text):
        if match.start() > offset:
            return None
        if match.end() < offset or (match.end() == offset and _finished(match)):
            continue
        if match.group("comment") is not None:
            body_end = match.end() - 3 if _finished(match) else match.end()
            directive = suppressions.read_directive(text, match.start(), body_end)
            for code, (start, end) in zip(directive.codes, directive.code_spans) if directive else ():
                if start <= offset <= end:
                    return Target("code", start, end, code=code)
            return None
        if match.group("end") is not None:
            start = match.start("end")
            if start <= offset <= match.end("end") and match.group("end"):
                return Target("element", start, match.end("end"), element=match.group("end"))
            return None
        name = match.group("start")
        if not name:
            return None
        tag = _tag(text, match)
        if match.start() < offset <= tag.name_end:
            return Target("element", match.start() + 1, tag.name_end, element=name, tag=tag)
        for attribute in tag.attributes:
            if attribute.name_start <= offset <= attribute.name_end:
                return Target("attribute", attribute.name_start, attribute.name_end, name, attribute.name, tag=tag)
            if attribute.quote and attribute.value_start <= offset <= attribute.value_end:
                return Target(
                    "value",
                    attribute.value_start,
                    attribute.value_end,
                    name,
                    attribute.name,
                    attribute.value or "",
                    tag=tag,
                )
        return None
    return None
