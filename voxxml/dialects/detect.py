"""Which dialect a ``.xml`` document is written in, when nothing names one (no ``--dialect``, no
``dialect`` setting, a suffix no dialect claims alone): decided from the document itself.

Every dialect writes ``<Response>``, so the root says nothing. Each dialect has constructs some other
lacks, listed below as data (an element, an attribute, a voice, text); a construct two dialects share
(TwiML and VoXML both write ``Gather action`` and ``Polly.Joanna``) is listed under both, as one
object. The scan is one pass over the tree already parsed, with the constructs indexed by the tag or
attribute they need, counting each dialect's constructs (linear, never a re-parse). The dialects that
have every construct found are the candidates; the first of them in ``PREFERENCE`` reads the document
(VoxXML v1, then VoXML, then TwiML: a document with only shared evidence keeps the older reading).
With no evidence, the default (VoxXML v1). When no dialect has them all, the document mixes dialects:
VX012 names the first construct of the dialect read with and the first one it lacks; the dialect with
more constructs reads the document (``PREFERENCE`` on a tie), and its reader then reports the other's
constructs as unknown.
"""

from __future__ import annotations

from ..core.records import NamedTuple, dataclass
from functools import cache
from typing import Any

from lxml import etree

CODE = "VX012"


@dataclass(frozen=True, eq=False)
class Construct:
    """Something only some dialects write, as data: an element (``tag``), an attribute on it (any of
    ``attributes``; on any element when ``tag`` is None), text holding ``text``, a voice that is (or
    is not) provider-qualified or one of ``voices`` (or none of ``not_voices``), an element directly in
    the root, or one whose parent is ``parent``."""

    what: str  # how a message names it
    tag: str | None = None
    attributes: tuple[str, ...] = ()
    text: str | None = None
    qualified_voice: bool | None = None
    top_level: bool = False
    parent: str | None = None
    voices: tuple[str, ...] = ()
    not_voices: tuple[str, ...] = ()

    def matches(self, el: etree._Element, root: etree._Element) -> bool:
        if self.tag is not None and el.tag != self.tag:
            return False
        if self.attributes and not any(el.get(name) is not None for name in self.attributes):
            return False
        if self.text is not None and self.text not in (el.text or ""):
            return False
        voice = el.get("voice") or ""
        if self.qualified_voice is not None and ("." in voice) != self.qualified_voice:
            return False
        if (self.voices and voice not in self.voices) or (self.not_voices and voice in self.not_voices):
            return False
        if self.parent is not None:
            parent = el.getparent()
            if parent is None or parent.tag != self.parent:
                return False
        return not self.top_level or el.getparent() is root


_BUILTIN_VOICES = ("man", "woman", "alice")  # TwiML's voices without a provider

# Shared constructs: one object under each dialect that has it.
_GATHER_ACTION = Construct("Gather action", "Gather", ("action",))
_QUALIFIED_VOICE = Construct("a provider-qualified voice", None, ("voice",), qualified_voice=True)
_RECORD = Construct("<Record>", "Record")
_CONNECT = Construct("<Connect>", "Connect")
_PAY = Construct("<Pay>", "Pay")
_STATUS_CALLBACK = Construct("a statusCallback attribute", None, ("statusCallback", "statusCallbackEvent", "statusCallbackMethod"))

# TwiML's own elements (grammar/twiml/vocabulary.toml, none in VoXML's or v1's vocabulary) and attributes.
_TWIML_ELEMENTS = (
    "Client", "Sip", "Queue", "Sim", "Application", "WhatsApp", "Enqueue", "Leave", "Start", "Stop", "Refer", "Echo", "Sms",
    "Stream", "Room", "Siprec", "Transcription", "VirtualAgent", "Conversation", "ConversationRelay", "Autopilot", "Identity",
    "say-as", "break", "prosody", "emphasis", "phoneme", "sub", "w", "p", "s", "lang",
)
_TWIML_ATTRIBUTES = {
    "Gather": ("hints", "speechModel", "enhanced", "bargeIn", "partialResultCallback", "maxSpeechTime"),
    "Dial": ("sequential", "referUrl", "callReason"),
    "Number": ("machineDetection", "amdStatusCallback", "byoc"),
    "Record": ("transcribe", "transcribeCallback", "trim"),
}

# Only what some other dialect does not have. VoXML: docs/dialects/voxml.md and grammar/voxml/vocabulary.toml;
# v1: docs/dialects/voxml.md ("v1 features the newer code never uses"); TwiML: docs/dialects/twiml.md.
CONSTRUCTS: dict[str, tuple[Construct, ...]] = {
    "voxml": (
        Construct("<Set>", "Set"),
        Construct("<Unset>", "Unset"),
        Construct("<Do>", "Do"),
        Construct("<Answer>", "Answer"),
        _RECORD,
        _CONNECT,
        _PAY,
        Construct("If expression", "If", ("expression",)),
        Construct("an output attribute", None, ("output",)),
        Construct("a history attribute", None, ("history",)),
        _GATHER_ACTION,
        _QUALIFIED_VOICE,
        Construct("a ${...} reference", text="${"),
    ),
    "voxxml-v1": (
        Construct("If variable/test/value", "If", ("variable", "test", "value")),
        Construct("repeatDelay", None, ("repeatDelay",)),
        Construct("separateNumbers", None, ("separateNumbers",)),
        Construct("<SetMute>", "SetMute"),
        Construct("a top-level <Conference>", "Conference", top_level=True),
        Construct("a top-level <Number>", "Number", top_level=True),
        Construct("a voice without a provider", None, ("voice",), qualified_voice=False, not_voices=_BUILTIN_VOICES),
        _STATUS_CALLBACK,
        Construct("$GATHER", text="$GATHER"),
    ),
    "twiml": (
        *(Construct(f"<{tag}>", tag) for tag in _TWIML_ELEMENTS),
        *(Construct(f"{tag} {name}", tag, (name,)) for tag, names in _TWIML_ATTRIBUTES.items() for name in names),
        Construct("a <Conference> in <Dial>", "Conference", parent="Dial"),
        Construct("a <Parameter> in <Hangup>", "Parameter", parent="Hangup"),
        Construct("a <Parameter> in <Reject>", "Parameter", parent="Reject"),
        Construct("Connect action", "Connect", ("action",)),
        Construct("a built-in voice (man, woman, alice)", None, ("voice",), voices=_BUILTIN_VOICES),
        _GATHER_ACTION,
        _QUALIFIED_VOICE,
        _RECORD,
        _CONNECT,
        _PAY,
        _STATUS_CALLBACK,
    ),
}
# Which dialect reads a document whose evidence several dialects explain (and breaks ties in a mix).
PREFERENCE = ("voxxml-v1", "voxml", "twiml")


class Evidence(NamedTuple):
    dialect: str
    what: str
    element: Any  # the lxml element
    line: int | None
    count: int  # how many constructs of the dialect the document shows (counted only when both are found)
    index: int  # the element's index among the document's elements (the SourceMap's numbering)


class Detection(NamedTuple):
    dialect: str
    reason: str  # for --verbose
    conflict: tuple[Evidence, Evidence] | None  # (the one read with, the other): VX012


Index = tuple[dict[str, tuple[Construct, ...]], dict[str, tuple[Construct, ...]], tuple[Construct, ...]]


@cache
def _owners() -> dict[int, tuple[str, ...]]:
    """Each construct (by identity) and the dialects that have it, in ``PREFERENCE`` order."""
    found: dict[int, list[str]] = {}
    for dialect in PREFERENCE:
        for construct in CONSTRUCTS.get(dialect, ()):
            found.setdefault(id(construct), []).append(dialect)
    return {key: tuple(names) for key, names in found.items()}


@cache
def _index() -> Index:
    """The constructs by the tag they need, by the attribute they need (on any element), and those on text."""
    by_tag: dict[str, dict[int, Construct]] = {}
    by_attribute: dict[str, dict[int, Construct]] = {}
    on_text: dict[int, Construct] = {}
    for constructs in CONSTRUCTS.values():
        for construct in constructs:
            if construct.tag is not None:
                by_tag.setdefault(construct.tag, {})[id(construct)] = construct
            elif construct.attributes:
                for name in construct.attributes:
                    by_attribute.setdefault(name, {})[id(construct)] = construct
            else:
                on_text[id(construct)] = construct
    return (
        {tag: tuple(found.values()) for tag, found in by_tag.items()},
        {name: tuple(found.values()) for name, found in by_attribute.items()},
        tuple(on_text.values()),
    )


class _Match(NamedTuple):
    index: int
    construct: Construct
    element: Any
    owners: tuple[str, ...]


def _matches(root: etree._Element) -> list[_Match]:
    """Every construct the document shows, in document order, in one pass over the parsed tree."""
    by_tag, by_attribute, on_text = _index()
    owners = _owners()
    found: list[_Match] = []
    for index, el in enumerate(root.iter(etree.Element)):
        hits: dict[int, Construct] = {}
        candidates = by_tag.get(el.tag)
        if candidates is not None:
            hits.update((id(c), c) for c in candidates if c.matches(el, root))
        keys = el.keys()
        if keys:
            for name in keys:
                candidates = by_attribute.get(name)
                if candidates is not None:
                    hits.update((id(c), c) for c in candidates if c.matches(el, root))
        text = el.text
        if text and "$" in text:
            hits.update((id(c), c) for c in on_text if c.matches(el, root))
        for key, construct in hits.items():
            found.append(_Match(index, construct, el, owners[key]))
    return found


def _evidence(dialect: str, match: _Match, count: int) -> Evidence:
    return Evidence(dialect, match.construct.what, match.element, match.element.sourceline, count, match.index)


def detect(root: etree._Element, default: str = "voxxml-v1") -> Detection:
    """The dialect of a parsed document, why, and the conflict when no dialect has all its constructs."""
    found = _matches(root)
    if not found:
        return Detection(default, f"{default}: no construct only one dialect has (the default)", None)
    counts = {dialect: sum(1 for match in found if dialect in match.owners) for dialect in PREFERENCE}
    candidates = [dialect for dialect in PREFERENCE if counts[dialect] == len(found)]
    if candidates:
        chosen = candidates[0]
        shown = next((match for match in found if match.owners == (chosen,)), found[0])
        only = f"which only {chosen} has" if shown.owners == (chosen,) else f"which {' and '.join(shown.owners)} have ({chosen} first)"
        return Detection(chosen, f"{chosen}: found {shown.construct.what}{_at(shown.element)}, {only}", None)
    chosen = max(PREFERENCE, key=lambda dialect: (counts[dialect], -PREFERENCE.index(dialect)))
    lacking = next(match for match in found if chosen not in match.owners)
    other = max(lacking.owners, key=lambda dialect: (counts[dialect], -PREFERENCE.index(dialect)))
    mine = next(match for match in found if chosen in match.owners)
    theirs = next(match for match in found if other in match.owners and chosen not in match.owners)
    chosen_evidence, other_evidence = _evidence(chosen, mine, counts[chosen]), _evidence(other, theirs, counts[other])
    reason = (
        f"{chosen}: found constructs of several dialects ({counts[chosen]} of {chosen}, e.g. {mine.construct.what}{_at(mine.element)}; "
        f"{counts[other]} of {other}, e.g. {theirs.construct.what}{_at(theirs.element)}); read with the one with more"
    )
    return Detection(chosen, reason, (chosen_evidence, other_evidence))


def _at(element: Any) -> str:
    line = element.sourceline
    return f" at line {line}" if line else ""


__all__ = ["CODE", "CONSTRUCTS", "PREFERENCE", "Construct", "Detection", "Evidence", "detect"]
