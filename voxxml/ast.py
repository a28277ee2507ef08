"""The typed VoxXML AST: one class per element, doubling as a builder API.

Fields hold typed values (ints, bools, enum strings, keyword tuples, URLs,
templates) with the reference's defaults applied; ``explicit`` records which
attributes were written. Spans come from the source lazily and never take part
in equality, so ``parse(to_xml(node)) == node``.

    >>> from voxxml.ast import Response, Say, Hangup
    >>> Response([Say("Thank you for calling", voice="Joanna"), Hangup()]).to_xml()
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, fields
from typing import Any, Callable, ClassVar, Iterable, Iterator

from .dialects.voxxml_v1.grammar import ElementSpec, element
from .core.source import SourceMap, Span
from .dialects.voxxml_v1.values import Template


def _default(tag: str, attribute: str) -> Any:
    return element(tag).attributes[attribute].default


# What makes parsed content differ from its source text: a reference (one character
# written as '&amp;' or '&#233;'), a CR (\r\n and \r read as \n), and markup (a comment,
# CDATA or a child element), after which offsets are not mapped at all.
_SHIFTS = re.compile(r"&#?[A-Za-z0-9]+;|\r\n?|<")


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
    for match in _SHIFTS.finditer(text, start, end):
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


_NO_CHILDREN: list = []


@dataclass(eq=True, slots=True)
class Node:
    TAG: ClassVar[str] = ""
    explicit: frozenset[str] = field(default=frozenset(), kw_only=True)
    # Where a parsed node came from: its file and its position among the file's elements.
    source: SourceMap | None = field(default=None, kw_only=True, compare=False, repr=False)
    index: int | None = field(default=None, kw_only=True, compare=False, repr=False)

    def __post_init__(self) -> None:
        spec = self.spec()
        changed = {name for name, a in spec.attributes.items() if getattr(self, a.field) != a.default}
        if spec.content_type_name == "say_text" and not isinstance(getattr(self, "text", None), Template):
            self.text = Template(self.text)  # type: ignore[attr-defined]
        if not changed <= self.explicit:
            self.explicit = self.explicit | changed

    @classmethod
    def spec(cls) -> ElementSpec:
        return element(cls.TAG)

    # -- source positions (None for nodes built in Python)
    @property
    def span(self) -> Span | None:
        return None if self.source is None else self.source.element_span(self.index)

    @property
    def name_span(self) -> Span | None:
        return None if self.source is None else self.source.name_span(self.index)

    def attribute_span(self, name: str) -> Span | None:
        return None if self.source is None else self.source.attribute_value_span(self.index, name)

    @property
    def content_span(self) -> Span | None:
        return None if self.source is None else self.source.content_span(self.index)

    def attribute_name_span(self, name: str) -> Span | None:
        return None if self.source is None else self.source.attribute_name_span(self.index, name)

    def attribute_sub_span(self, name: str, sub: tuple[int, int]) -> Span | None:
        """Characters ``sub`` of an attribute's value."""
        return None if self.source is None else self.source.attribute_value_span(self.index, name, sub)

    def content_sub_span(self, sub: tuple[int, int]) -> Span | None:
        """Characters ``sub`` of the text content (as parsed; trimmed where the element trims it)."""
        return self.content_sub_spans((sub,))[0]

    def content_sub_spans(self, subs: Iterable[tuple[int, int]]) -> list[Span | None]:
        """Characters ``subs`` of the content, mapped in one pass (the whole content where unmappable)."""
        subs = list(subs)
        if self.source is None or self.index is None:
            return [None] * len(subs)
        source = self.source
        offsets = content_offsets(source, self.index, self.spec().content_trim)
        whole: list[Span | None] = []  # the whole content's span, found once if needed
        spans: list[Span | None] = []
        for sub in subs:
            mapped = offsets.span(sub) if offsets is not None else None
            if mapped is not None:
                spans.append(source.span(*mapped))
            else:
                if not whole:
                    whole.append(source.content_span(self.index))
                spans.append(whole[0])
        return spans

    @property
    def line(self) -> int | None:
        span = self.span
        return None if span is None else span.line

    # -- structure
    @property
    def children(self) -> list["Node"]:
        """The child nodes (the list itself: do not modify it)."""
        return _NO_CHILDREN

    def walk(self) -> Iterator["Node"]:
        """This node and its descendants in document order."""
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def attribute(self, name: str) -> Any:
        """The typed value of an attribute by its VoxXML name (default applied)."""
        return getattr(self, self.spec().attributes[name].field)

    def to_xml(self, indent: str | None = "  ") -> str:
        from .dialects.voxxml_v1.writer import to_xml  # lazy: the writer imports ast (tests/test_layers.py)

        return to_xml(self, indent=indent)


@dataclass(eq=True, slots=True)
class Verb(Node):
    pass


@dataclass(eq=True, slots=True)
class Say(Verb):
    TAG: ClassVar[str] = "Say"
    text: Template = field(default_factory=lambda: Template(""))
    loop: int = _default("Say", "loop")
    repeat_delay: int = _default("Say", "repeatDelay")
    voice: str = _default("Say", "voice")
    language: str | None = _default("Say", "language")
    separate_numbers: bool = _default("Say", "separateNumbers")


@dataclass(eq=True, slots=True)
class Play(Verb):
    TAG: ClassVar[str] = "Play"
    url: str = ""
    loop: int = _default("Play", "loop")
    repeat_delay: int = _default("Play", "repeatDelay")


@dataclass(eq=True, slots=True)
class Number(Verb):
    TAG: ClassVar[str] = "Number"
    number: str = ""
    status_callback_event: tuple[str, ...] = _default("Number", "statusCallbackEvent")
    status_callback: str | None = _default("Number", "statusCallback")
    status_callback_method: str = _default("Number", "statusCallbackMethod")
    caller_id: str | None = _default("Number", "callerId")


@dataclass(eq=True, slots=True)
class Gather(Verb):
    TAG: ClassVar[str] = "Gather"
    prompts: list[Say | Play] = field(default_factory=list)
    repeat_delay: int = _default("Gather", "repeatDelay")
    timeout: int = _default("Gather", "timeout")
    speech_timeout: int = _default("Gather", "speechTimeout")
    loop: int = _default("Gather", "loop")
    num_digits: int = _default("Gather", "numDigits")
    finish_on_key: str = _default("Gather", "finishOnKey")
    language: str = _default("Gather", "language")
    input: tuple[str, ...] = _default("Gather", "input")
    status_callback_event: tuple[str, ...] = _default("Gather", "statusCallbackEvent")
    status_callback: str | None = _default("Gather", "statusCallback")
    status_callback_method: str = _default("Gather", "statusCallbackMethod")

    @property
    def children(self) -> list[Node]:
        return self.prompts  # type: ignore[return-value]


@dataclass(eq=True, slots=True)
class Dial(Verb):
    TAG: ClassVar[str] = "Dial"
    numbers: list[Number] = field(default_factory=list)
    status_callback_event: tuple[str, ...] = _default("Dial", "statusCallbackEvent")
    status_callback: str | None = _default("Dial", "statusCallback")
    status_callback_method: str = _default("Dial", "statusCallbackMethod")
    caller_id: str | None = _default("Dial", "callerId")

    @property
    def children(self) -> list[Node]:
        return self.numbers  # type: ignore[return-value]


@dataclass(eq=True, slots=True)
class Conference(Verb):
    TAG: ClassVar[str] = "Conference"
    name: str = ""
    muted: bool = _default("Conference", "muted")
    beep: str = _default("Conference", "beep")
    start_conference_on_enter: bool = _default("Conference", "startConferenceOnEnter")
    end_conference_on_exit: bool = _default("Conference", "endConferenceOnExit")
    participant_label: str = _default("Conference", "participantLabel")
    status_callback_event: tuple[str, ...] = _default("Conference", "statusCallbackEvent")
    status_callback: str | None = _default("Conference", "statusCallback")
    status_callback_method: str = _default("Conference", "statusCallbackMethod")


@dataclass(eq=True, slots=True)
class Hangup(Verb):
    TAG: ClassVar[str] = "Hangup"


@dataclass(eq=True, slots=True)
class If(Verb):
    TAG: ClassVar[str] = "If"
    body: list[Verb] = field(default_factory=list)
    variable: str | None = _default("If", "variable")
    test: str | None = _default("If", "test")
    value: tuple[str, ...] | None = _default("If", "value")

    @property
    def children(self) -> list[Node]:
        return self.body  # type: ignore[return-value]


@dataclass(eq=True, slots=True)
class Pause(Verb):
    TAG: ClassVar[str] = "Pause"
    length: int = _default("Pause", "length")


@dataclass(eq=True, slots=True)
class Redirect(Verb):
    TAG: ClassVar[str] = "Redirect"
    url: str = ""
    method: str = _default("Redirect", "method")


@dataclass(eq=True, slots=True)
class Reject(Verb):
    TAG: ClassVar[str] = "Reject"


@dataclass(eq=True, slots=True)
class SetMute(Verb):
    TAG: ClassVar[str] = "SetMute"
    muted: bool = _default("SetMute", "muted")


@dataclass(eq=True, slots=True)
class Response(Node):
    TAG: ClassVar[str] = "Response"
    verbs: list[Verb] = field(default_factory=list)

    @property
    def children(self) -> list[Node]:
        return self.verbs  # type: ignore[return-value]


NODE_CLASSES: dict[str, type[Node]] = {
    cls.TAG: cls for cls in (Response, Say, Play, Gather, Dial, Number, Conference, Hangup, If, Pause, Redirect, Reject, SetMute)
}


def loader(cls: type[Node]) -> Callable[[dict[str, Any]], Node]:
    """A constructor from a dict holding every field, typed, with ``explicit`` worked out.

    The reader builds each node this way: it skips ``__post_init__`` (the reader
    already knows what was written) and the keyword-argument call. Generated like
    dataclasses' own ``__init__``; a loop of ``setattr`` calls costs the reader's
    hot path three times as much.
    """
    names = [f.name for f in fields(cls)]
    assignments = "".join(f"    node.{name} = values[{name!r}]\n" for name in names)
    code = f"def load(values):\n    node = new(cls)\n{assignments}    return node\n"
    namespace: dict[str, Any] = {"new": cls.__new__, "cls": cls}
    exec(code, namespace)  # noqa: S102 - the names are our own dataclass fields
    load: Callable[[dict[str, Any]], Node] = namespace["load"]
    load.__qualname__ = f"{cls.__name__}.load"
    return load


for _tag, _cls in NODE_CLASSES.items():
    element(_tag).node_class = _cls
    element(_tag).load = loader(_cls)


def node_fields(cls: type[Node]) -> list[str]:
    return [f.name for f in fields(cls) if f.name not in ("explicit", "source", "index")]
