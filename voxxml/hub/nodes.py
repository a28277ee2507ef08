"""The hub AST: one class per construct, the same for every dialect, doubling as a builder API.

Fields hold typed values (ints, bools, enum strings, keyword tuples, URLs, templates,
conditions). The class defaults are the hub's own literals: no dialect is consulted when
this module is imported, so any number of dialects can read into these classes
(``tests/test_hub.py`` checks that VoxXML v1's vocabulary defaults equal them, so a
Python-built v1 document equals the parsed one). ``explicit`` holds the hub field names
that were written (a reader says which) or that differ from the default (the builder works
it out); a dialect maps them back onto its own attribute names. Spans come from the source
lazily and never take part in equality, so ``parse(to_xml(node)) == node``.

    >>> from voxxml.ast import Response, Say, Hangup
    >>> Response([Say("Thank you for calling", voice="Joanna"), Hangup()]).to_xml()
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from ..core.records import cached_exec, dataclass, field
from functools import cache
from typing import Any, Callable, ClassVar, Iterable, Iterator, Mapping

from ..core.registry import load
from ..core.source import SourceMap, Span, content_offsets
from .expressions import Expr, Template

# How the hub reaches the default dialect without importing it (the hub sits below the dialects):
# "module:attribute" paths, loaded on first use like every registry entry point.
_DEFAULT_TEMPLATE = "voxxml.dialects:default_template"  # the template class of a plain str given to the builder
_DEFAULT_WRITER = "voxxml.dialects:write"  # Node.to_xml()

_NO_CHILDREN: list = []
_POSITION = frozenset({"explicit", "source", "index"})
# Not settings: position, and the dialect-only details (``extras``), which ``explicit`` never names.
_NOT_SETTINGS = _POSITION | {"extras"}


class Extras(dict):  # type: ignore[type-arg]
    """A read-only dict of a node's dialect-only details: shared between nodes read from the same
    attributes, so nobody may change it; it copies and pickles (``copy.deepcopy`` of an AST)."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("a node's extras are read-only: build a new node")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (Extras, (dict(self),))

    def __copy__(self) -> "Extras":
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> "Extras":
        return self  # immutable, and its values are the value types' immutable values


# The shared empty ``extras``.
NO_EXTRAS: Mapping[str, Any] = Extras()


@dataclass(eq=True, slots=True)
class Node:
    """Any construct: what it says (``explicit``), dialect-only details (``extras``) and where it came from."""

    TAG: ClassVar[str] = ""  # the construct's name in the hub (and in plans: "element")
    CONTENT: ClassVar[tuple[str, ...]] = ()  # the fields holding content or children, not settings
    explicit: frozenset[str] = field(default=frozenset(), kw_only=True)
    # Details a dialect reads that have no meaning in the hub (VoXML's ``history``), by the dialect's
    # attribute name, typed. Part of equality (a round trip keeps them); never in ``explicit``; only
    # the dialect that wrote them writes them back.
    extras: Mapping[str, Any] = field(default_factory=lambda: NO_EXTRAS, kw_only=True, repr=False)
    # Where a parsed node came from: its file and its position among the file's elements.
    source: SourceMap | None = field(default=None, kw_only=True, compare=False, repr=False)
    index: int | None = field(default=None, kw_only=True, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.extras.__class__ is not Extras:
            self.extras = Extras(self.extras)  # a builder's dict: copied, read-only
        changed = {name for name, default in settings(type(self)) if getattr(self, name) != default}
        if not changed <= self.explicit:
            self.explicit = self.explicit | changed

    # -- source positions (None for nodes built in Python)
    @property
    def span(self) -> Span | None:
        return None if self.source is None else self.source.element_span(self.index)

    @property
    def name_span(self) -> Span | None:
        return None if self.source is None else self.source.name_span(self.index)

    def attribute_span(self, name: str) -> Span | None:
        """The value of the source attribute ``name`` (a dialect's name, not a hub field)."""
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
        """Characters ``sub`` of the text content (as parsed; trimmed where the dialect trims it)."""
        return self.content_sub_spans((sub,))[0]

    def content_sub_spans(self, subs: Iterable[tuple[int, int]]) -> list[Span | None]:
        """Characters ``subs`` of the content, mapped in one pass (the whole content where unmappable).

        Whether the content was trimmed is the reading dialect's to say: its vocabulary is on the source."""
        subs = list(subs)
        if self.source is None or self.index is None:
            return [None] * len(subs)
        source = self.source
        vocabulary: Any = source.vocabulary
        trimmed = vocabulary.trims(self.TAG) if vocabulary is not None else True
        offsets = content_offsets(source, self.index, trimmed)
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

    def to_xml(self, indent: str | None = "  ") -> str:
        """This node in the default dialect's syntax (VoxXML v1)."""
        return str(load(_DEFAULT_WRITER)(self, indent))


@cache
def settings(cls: type[Node]) -> tuple[tuple[str, Any], ...]:
    """A class's setting fields (not content, children or position) and their defaults."""
    found = []
    for f in fields(cls):
        if f.name in _NOT_SETTINGS or f.name in cls.CONTENT:
            continue
        default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
        found.append((f.name, default))
    return tuple(found)


def _template(text: Any) -> Template:
    """A plain str given to the builder, read with the default dialect's template syntax."""
    if isinstance(text, Template):
        return text
    return load(_DEFAULT_TEMPLATE)(text)  # type: ignore[no-any-return]


@dataclass(eq=True, slots=True)
class Verb(Node):
    """A construct that can stand in a document's sequence of instructions."""


@dataclass(eq=True, slots=True)
class Say(Verb):
    """Text spoken to the caller. ``text`` is a dialect's Template (its variable syntax); a plain str
    is read with the default dialect's syntax (``$GATHER`` in VoxXML v1)."""

    TAG: ClassVar[str] = "Say"
    CONTENT: ClassVar[tuple[str, ...]] = ("text",)
    text: Template = field(default_factory=lambda: Template(""))
    loop: int = 1  # 0: until the caller hangs up
    repeat_delay: int = 0
    voice: str = "Joanna"
    language: str | None = None
    separate_numbers: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.text, Template):
            self.text = _template(self.text)
        Node.__post_init__(self)


@dataclass(eq=True, slots=True)
class Play(Verb):
    """Audio played to the caller from ``url`` (or DTMF ``digits`` sent), ``loop`` times."""

    TAG: ClassVar[str] = "Play"
    CONTENT: ClassVar[tuple[str, ...]] = ("url",)
    url: str = ""
    loop: int = 1
    repeat_delay: int = 0
    digits: str | None = None  # DTMF tones to send instead of (VoXML: before) the audio; None: none


@dataclass(eq=True, slots=True)
class Number(Verb):
    """A phone number to call; inside a Dial, one of the numbers it rings."""

    TAG: ClassVar[str] = "Number"
    CONTENT: ClassVar[tuple[str, ...]] = ("number",)
    number: str = ""
    status_callback_event: tuple[str, ...] = ()
    status_callback: str | None = None
    status_callback_method: str = "POST"
    caller_id: str | None = None


@dataclass(eq=True, slots=True)
class Gather(Verb):
    """Collects input after its prompts and writes it to the variable ``output`` (with
    ``output.digits`` and ``output.speech``; see ``hub.semantics``); ``output`` None writes no
    variable (a VoXML Gather without ``output``). With ``action`` the input is posted there and the
    document fetched from it replaces this one (an empty result only with ``action_on_empty_result``)."""

    TAG: ClassVar[str] = "Gather"
    CONTENT: ClassVar[tuple[str, ...]] = ("prompts",)
    prompts: list[Say | Play | Pause] = field(default_factory=list)
    repeat_delay: int = 0
    timeout: int = 30
    speech_timeout: int = 30
    loop: int = 1
    num_digits: int | None = 1  # None: no limit (a VoXML Gather without numDigits)
    finish_on_key: str = "#"
    language: str = "en-US"
    input: tuple[str, ...] = ("dtmf",)
    status_callback_event: tuple[str, ...] = ()
    status_callback: str | None = None
    status_callback_method: str = "POST"
    output: str | None = "GATHER"  # the variable it writes: VoxXML v1's $GATHER
    action: str | None = None  # where the input is posted; the document fetched replaces this one
    method: str = "POST"
    action_on_empty_result: bool = False  # post to action even when nothing was entered

    @property
    def children(self) -> list[Node]:
        return self.prompts  # type: ignore[return-value]


@dataclass(eq=True, slots=True)
class Dial(Verb):
    """Calls its numbers and bridges the caller. A number written as the Dial's text (VoXML) is read
    as one ``Number`` child. With ``action`` the outcome is posted there and the document fetched
    replaces this one; ``output`` names the variable that gets ``output.status``."""

    TAG: ClassVar[str] = "Dial"
    CONTENT: ClassVar[tuple[str, ...]] = ("numbers",)
    numbers: list[Number] = field(default_factory=list)
    status_callback_event: tuple[str, ...] = ()
    status_callback: str | None = None
    status_callback_method: str = "POST"
    caller_id: str | None = None
    action: str | None = None
    method: str = "POST"
    output: str | None = None
    timeout: int = 30  # seconds of ringing
    time_limit: int = 14400  # seconds of bridged call
    answer_on_bridge: bool = False
    hangup_on_star: bool = False
    ring_tone: str = "us"
    record: str = "do-not-record"
    recording_track: str = "both"
    recording_status_callback: str | None = None
    recording_status_callback_method: str = "POST"
    recording_status_callback_event: tuple[str, ...] = ("completed",)
    trim: str = "do-not-trim"

    @property
    def children(self) -> list[Node]:
        return self.numbers  # type: ignore[return-value]


@dataclass(eq=True, slots=True)
class Conference(Verb):
    """The caller joins the conference room ``name``."""

    TAG: ClassVar[str] = "Conference"
    CONTENT: ClassVar[tuple[str, ...]] = ("name",)
    name: str = ""
    muted: bool = False
    beep: str = "true"
    start_conference_on_enter: bool = True
    end_conference_on_exit: bool = False
    participant_label: str = ""
    status_callback_event: tuple[str, ...] = ()
    status_callback: str | None = None
    status_callback_method: str = "POST"

    @property
    def number(self) -> str:
        """What a dial event names when a Dial joins the conference (TwiML's Dial > Conference): ``conference:name``."""
        return f"conference:{self.name}"


@dataclass(eq=True, slots=True)
class Hangup(Verb):
    """Ends the call."""

    TAG: ClassVar[str] = "Hangup"


@dataclass(eq=True, slots=True)
class If(Verb):
    """Runs ``body`` when ``condition`` holds. None: a condition that could not be read (the
    document has an error): the body never runs in a call, and may run for the analysis."""

    TAG: ClassVar[str] = "If"
    CONTENT: ClassVar[tuple[str, ...]] = ("body",)
    body: list[Verb] = field(default_factory=list)
    condition: Expr | None = None

    @property
    def children(self) -> list[Node]:
        return self.body  # type: ignore[return-value]


@dataclass(eq=True, slots=True)
class Pause(Verb):
    """Silence for ``length`` seconds."""

    TAG: ClassVar[str] = "Pause"
    length: int = 1


@dataclass(eq=True, slots=True)
class Redirect(Verb):
    """Fetches the document at ``url``, which replaces this one."""

    TAG: ClassVar[str] = "Redirect"
    CONTENT: ClassVar[tuple[str, ...]] = ("url",)
    url: str = ""
    method: str = "POST"


@dataclass(eq=True, slots=True)
class Reject(Verb):
    """Refuses an incoming call without answering it."""

    TAG: ClassVar[str] = "Reject"
    reason: str = "rejected"  # or "busy": what the caller's network is told


@dataclass(eq=True, slots=True)
class SetMute(Verb):
    """Mutes or unmutes the caller in a conference."""

    TAG: ClassVar[str] = "SetMute"
    muted: bool = False


@dataclass(eq=True, slots=True)
class Answer(Verb):
    """Answers the call explicitly (a platform answers at the first verb that needs it otherwise)."""

    TAG: ClassVar[str] = "Answer"


@dataclass(eq=True, slots=True)
class Record(Verb):
    """Records the caller until silence (``timeout``), a key of ``finish_on_key`` or ``max_length``.
    With ``action`` the recording is posted there and the document fetched replaces this one;
    without it the document continues."""

    TAG: ClassVar[str] = "Record"
    action: str | None = None
    method: str = "POST"
    timeout: int = 5  # seconds of silence that end it (0: none)
    finish_on_key: str = "1234567890*#"
    max_length: int = 3600  # seconds
    play_beep: bool = True
    recording_status_callback: str | None = None
    recording_status_callback_method: str = "POST"
    recording_status_callback_event: tuple[str, ...] = ("completed",)


@dataclass(eq=True, slots=True)
class Set(Verb):
    """Stores ``value`` (a dialect's Template, evaluated when the verb runs) in the variable ``output``."""

    TAG: ClassVar[str] = "Set"
    CONTENT: ClassVar[tuple[str, ...]] = ("value",)
    value: Template = field(default_factory=lambda: Template(""))
    output: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.value, Template):
            self.value = _template(self.value)
        Node.__post_init__(self)


@dataclass(eq=True, slots=True)
class Unset(Verb):
    """Removes the variable ``output`` and its fields (``menu`` removes ``menu.digits``)."""

    TAG: ClassVar[str] = "Unset"
    output: str = ""


@dataclass(eq=True, slots=True)
class Loop(Verb):
    """Runs ``body`` while ``condition`` holds (tested before each pass; None: a condition that could
    not be read, the body never runs in a call), at most ``max_loops`` times. The variable ``counter``
    holds the pass number, from 0 (VoXML's ``do.n``; another dialect names its own)."""

    TAG: ClassVar[str] = "Loop"
    CONTENT: ClassVar[tuple[str, ...]] = ("body",)
    body: list[Verb] = field(default_factory=list)
    condition: Expr | None = None
    max_loops: int = 1
    counter: str = "do.n"

    @property
    def children(self) -> list[Node]:
        return self.body  # type: ignore[return-value]


@dataclass(eq=True, slots=True)
class Flow(Node):
    """A flow built on the platform (by its ``guid``) that a Connect hands the call to; with ``resume``
    the document continues after it."""

    TAG: ClassVar[str] = "Flow"
    CONTENT: ClassVar[tuple[str, ...]] = ("guid",)
    guid: str = ""
    resume: bool = False


@dataclass(eq=True, slots=True)
class Connect(Verb):
    """Hands the call to the platform's flows (VoXML ``<Connect><Flow>``)."""

    TAG: ClassVar[str] = "Connect"
    CONTENT: ClassVar[tuple[str, ...]] = ("flows",)
    flows: list[Flow] = field(default_factory=list)

    @property
    def children(self) -> list[Node]:
        return self.flows  # type: ignore[return-value]


@dataclass(eq=True, slots=True)
class Prompt(Node):
    """What a Pay says at one step (``step``: VoXML's and TwiML's ``for``); the rest of its
    selectors (error type, card type, attempt) are a dialect's extras."""

    TAG: ClassVar[str] = "Prompt"
    CONTENT: ClassVar[tuple[str, ...]] = ("prompts",)
    prompts: list[Say | Play | Pause] = field(default_factory=list)
    step: str = ""

    @property
    def children(self) -> list[Node]:
        return self.prompts  # type: ignore[return-value]


@dataclass(eq=True, slots=True)
class Parameter(Node):
    """A name and value passed to the payment connector."""

    TAG: ClassVar[str] = "Parameter"
    name: str = ""
    value: str = ""


@dataclass(eq=True, slots=True)
class Pay(Verb):
    """Collects a payment. The core settings are hub fields; the connector's many options (token
    type, card types, postal code, ...) are a dialect's extras. With ``action`` the result is posted
    there and the document fetched replaces this one."""

    TAG: ClassVar[str] = "Pay"
    CONTENT: ClassVar[tuple[str, ...]] = ("parts",)
    parts: list[Prompt | Parameter] = field(default_factory=list)
    action: str | None = None
    method: str = "POST"
    input: tuple[str, ...] = ("dtmf",)
    timeout: int = 5
    max_attempts: int = 1
    charge_amount: str | None = None  # None: tokenize only
    currency: str = "usd"
    payment_method: str = "credit-card"
    status_callback: str | None = None
    status_callback_method: str = "POST"

    @property
    def children(self) -> list[Node]:
        return self.parts  # type: ignore[return-value]


@dataclass(eq=True, slots=True)
class Endpoint(Node):
    """A party a Dial rings that is neither a phone number nor a conference (TwiML's Client, Sip, Queue,
    Sim, Application, WhatsApp): ``kind`` is the dialect's element (what it is, not a setting),
    ``address`` how it is reached (its text), ``parts`` its settings written as children; its
    attributes are the dialect's extras. For flow and simulation it rings and answers like a Number."""

    TAG: ClassVar[str] = "Endpoint"
    CONTENT: ClassVar[tuple[str, ...]] = ("kind", "address", "parts")
    kind: str = ""
    address: str = ""
    parts: list[Node] = field(default_factory=list)

    @property
    def children(self) -> list[Node]:
        return self.parts

    @property
    def number(self) -> str:
        """What a dial event names: ``kind:address`` (the address may be written as a child setting)."""
        address = self.address or next((part.value for part in self.parts if isinstance(part, Property) and part.value), "")
        return f"{self.kind.lower()}:{address}"


@dataclass(eq=True, slots=True)
class Property(Node):
    """A setting of its parent written as a child element (TwiML's Identity, Uri, Header, Config...):
    ``kind`` is the element, ``value`` its text, ``parts`` its own children; attributes are extras."""

    TAG: ClassVar[str] = "Property"
    CONTENT: ClassVar[tuple[str, ...]] = ("kind", "value", "parts")
    kind: str = ""
    value: str = ""
    parts: list[Node] = field(default_factory=list)

    @property
    def children(self) -> list[Node]:
        return self.parts


@dataclass(eq=True, slots=True)
class Ssml(Node):
    """Speech markup inside a Say (SSML's break, emphasis, prosody, say-as...): ``kind`` is the element,
    ``text`` the words it holds as spoken, ``segments`` its mixed content in order (text and Ssml
    nodes; empty when it holds text only). Kept so a dialect with SSML writes it back; a Say's
    ``text`` holds the words alone, which is what a runner without SSML speaks."""

    TAG: ClassVar[str] = "Ssml"
    CONTENT: ClassVar[tuple[str, ...]] = ("kind", "text", "segments")
    kind: str = ""
    text: str = ""
    segments: tuple[Any, ...] = ()

    @property
    def children(self) -> list[Node]:
        return [segment for segment in self.segments if isinstance(segment, Node)]


@dataclass(eq=True, slots=True)
class Opaque(Verb):
    """A construct with no hub meaning yet (TwiML's Enqueue, Leave, Start, Stop, Refer, Connect, Sms,
    and their nouns): kept whole for round trips; converting it to a dialect without it is a
    diagnostic. ``kind`` is the element and ``flow`` how it ends, both the vocabulary's, not settings:
    ``next`` (the next verb runs), ``end`` (the call ends), ``exit`` (control leaves the document),
    ``action`` (with ``action``, the document fetched from it replaces this one). ``text`` is its
    content, ``parts`` its children; attributes other than action and method are extras."""

    TAG: ClassVar[str] = "Opaque"
    CONTENT: ClassVar[tuple[str, ...]] = ("kind", "flow", "text", "parts")
    kind: str = ""
    flow: str = "next"
    text: str = ""
    parts: list[Node] = field(default_factory=list)
    action: str | None = None
    method: str = "POST"

    @property
    def children(self) -> list[Node]:
        return self.parts


@dataclass(eq=True, slots=True)
class Response(Node):
    """A whole document: its verbs in order."""

    TAG: ClassVar[str] = "Response"
    CONTENT: ClassVar[tuple[str, ...]] = ("verbs",)
    verbs: list[Verb] = field(default_factory=list)

    @property
    def children(self) -> list[Node]:
        return self.verbs  # type: ignore[return-value]


NODE_CLASSES: dict[str, type[Node]] = {
    cls.__name__: cls
    for cls in (
        Response, Say, Play, Gather, Dial, Number, Conference, Hangup, If, Pause, Redirect, Reject, SetMute,
        Answer, Record, Set, Unset, Loop, Connect, Flow, Pay, Prompt, Parameter, Endpoint, Property, Ssml, Opaque,
    )
}


def loader(cls: type[Node], content: str | None = None) -> Callable[..., Node]:
    """A constructor from a dict holding every field, typed, with ``explicit`` worked out.

    ``extras`` may be left out (no dialect-only details). A reader builds each node this way: it skips ``__post_init__`` (the reader
    already knows what was written) and the keyword-argument call. Generated like
    dataclasses' own ``__init__``; a loop of ``setattr`` calls costs the reader's
    hot path three times as much. Each dialect's vocabulary keeps its own loaders.

    With ``content`` (a field name) the constructor is ``load(values, source, index, content)``: the
    content or children field, the source and the index come as arguments, so the reader can pass the
    same shared ``values`` (an element's memoized attribute reading) for every element, uncopied.
    """
    names = [f.name for f in fields(cls)]
    given = {content, "source", "index"} if content is not None else set()
    assignments = "".join(
        f"    node.{name} = {name}\n" if name in given
        else f"    node.{name} = values.get('extras', NO_EXTRAS)\n" if name == "extras"
        else f"    node.{name} = values[{name!r}]\n"
        for name in names
    )
    parameters = f"values, source, index, {content}" if content is not None else "values"
    code = f"def load({parameters}):\n    node = new(cls)\n{assignments}    return node\n"
    namespace: dict[str, Any] = {"__name__": __name__, "new": cls.__new__, "cls": cls, "NO_EXTRAS": NO_EXTRAS}
    cached_exec(code, namespace)  # the names are our own dataclass fields; compiled once (core.records)
    built: Callable[..., Node] = namespace["load"]
    built.__qualname__ = f"{cls.__name__}.load"
    return built


def row_fields(cls: type[Node], content: str | None = None) -> tuple[str, ...]:
    """The fields a ``row_loader`` takes from its row, in its order: every field but ``content``, source and index."""
    given = {content, "source", "index"}
    return tuple(f.name for f in fields(cls) if f.name not in given)


def row_loader(cls: type[Node], content: str | None = None) -> Callable[..., Node]:
    """A constructor ``load(row, source, index[, content])``: ``row`` holds the values of ``row_fields``
    in order (``extras`` included), typed, with ``explicit`` worked out. What a reader builds every
    element with: the row is the element's memoized attribute reading, shared and uncopied, and
    unpacking it costs less than looking each field up in a dict (``loader``)."""
    targets = "".join(f"node.{name}, " for name in row_fields(cls, content))
    parameters = "row, source, index" + (f", {content}" if content is not None else "")
    assign = f"    node.{content} = {content}\n" if content is not None else ""
    code = f"def load({parameters}):\n    node = new(cls)\n    {targets}= row\n    node.source = source\n    node.index = index\n{assign}    return node\n"
    namespace: dict[str, Any] = {"__name__": __name__, "new": cls.__new__, "cls": cls}
    cached_exec(code, namespace)  # the names are our own dataclass fields; compiled once (core.records)
    built: Callable[..., Node] = namespace["load"]
    built.__qualname__ = f"{cls.__name__}.load"
    return built


def node_fields(cls: type[Node]) -> list[str]:
    """A class's hub fields: settings, content and children (not position, not ``extras``)."""
    return [f.name for f in fields(cls) if f.name not in _NOT_SETTINGS]


__all__ = [
    "NODE_CLASSES", "NO_EXTRAS", "Extras", "Answer", "Conference", "Connect", "Dial", "Endpoint", "Flow", "Gather", "Hangup", "If",
    "Loop", "Node", "Number", "Opaque", "Property", "Ssml", "Parameter", "Pause", "Pay", "Play", "Prompt", "Record", "Redirect", "Reject", "Response", "Say",
    "Set", "SetMute", "Unset", "Verb", "loader", "node_fields", "row_fields", "row_loader", "settings",
]
