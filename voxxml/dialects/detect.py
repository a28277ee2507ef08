"""Which dialect a ``.xml`` document is written in, when nothing names one (no ``--dialect``, no
``dialect`` setting, a suffix no dialect claims alone): decided from the document itself.

Both dialects write ``<Response>``, so the root says nothing. Each dialect has constructs the other
lacks, listed below as data (an XPath step each). The scan is one pass over the tree already
parsed, with the constructs indexed by the tag or attribute they need; a dialect found is no longer
looked for, and the pass stops when both are found (linear, never a re-parse). Only a document that
shows both is scanned again, to count each dialect's constructs. The dialect with
evidence wins; with none, the default (VoxXML v1). Evidence for both is VX012, which names the first
construct of each; the dialect with more matching constructs reads the document (v1 on a tie), and
its reader then reports the other's constructs as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from lxml import etree

CODE = "VX012"


@dataclass(frozen=True)
class Construct:
    """Something only one dialect writes, as data: an element (``tag``), an attribute on it (any of
    ``attributes``; on any element when ``tag`` is None), text holding ``text``, a voice that is (or
    is not) provider-qualified, or an element directly in the root."""

    what: str  # how a message names it
    tag: str | None = None
    attributes: tuple[str, ...] = ()
    text: str | None = None
    qualified_voice: bool | None = None
    top_level: bool = False

    def matches(self, el: etree._Element, root: etree._Element) -> bool:
        if self.tag is not None and el.tag != self.tag:
            return False
        if self.attributes and not any(el.get(name) is not None for name in self.attributes):
            return False
        if self.text is not None and self.text not in (el.text or ""):
            return False
        if self.qualified_voice is not None and ("." in (el.get("voice") or "")) != self.qualified_voice:
            return False
        return not self.top_level or el.getparent() is root


# Only what the other dialect does not have. VoXML: docs/dialects/voxml.md and grammar/voxml/vocabulary.toml;
# v1: docs/dialects/voxml.md ("v1 features the newer code never uses").
CONSTRUCTS: dict[str, tuple[Construct, ...]] = {
    "voxml": (
        Construct("<Set>", "Set"),
        Construct("<Unset>", "Unset"),
        Construct("<Do>", "Do"),
        Construct("<Answer>", "Answer"),
        Construct("<Record>", "Record"),
        Construct("<Connect>", "Connect"),
        Construct("<Pay>", "Pay"),
        Construct("If expression", "If", ("expression",)),
        Construct("an output attribute", None, ("output",)),
        Construct("a history attribute", None, ("history",)),
        Construct("Gather action", "Gather", ("action",)),
        Construct("a provider-qualified voice", None, ("voice",), qualified_voice=True),
        Construct("a ${...} reference", text="${"),
    ),
    "voxxml-v1": (
        Construct("If variable/test/value", "If", ("variable", "test", "value")),
        Construct("repeatDelay", None, ("repeatDelay",)),
        Construct("separateNumbers", None, ("separateNumbers",)),
        Construct("<SetMute>", "SetMute"),
        Construct("<Conference>", "Conference"),
        Construct("a top-level <Number>", "Number", top_level=True),
        Construct("a voice without a provider", None, ("voice",), qualified_voice=False),
        Construct("a statusCallback attribute", None, ("statusCallback", "statusCallbackEvent", "statusCallbackMethod")),
        Construct("$GATHER", text="$GATHER"),
    ),
}


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


Index = tuple[dict[str, tuple[tuple[str, Construct], ...]], dict[str, tuple[tuple[str, Construct], ...]], tuple[tuple[str, Construct], ...]]


@cache
def _index(wanted: frozenset[str]) -> Index:
    """The constructs of the ``wanted`` dialects by the tag they need, by the attribute they need (on any
    element), and those on text."""
    by_tag: dict[str, list[tuple[str, Construct]]] = {}
    by_attribute: dict[str, list[tuple[str, Construct]]] = {}
    on_text: list[tuple[str, Construct]] = []
    for dialect, constructs in CONSTRUCTS.items():
        if dialect not in wanted:
            continue
        for construct in constructs:
            entry = (dialect, construct)
            if construct.tag is not None:
                by_tag.setdefault(construct.tag, []).append(entry)
            elif construct.attributes:
                for name in construct.attributes:
                    by_attribute.setdefault(name, []).append(entry)
            else:
                on_text.append(entry)
    return (
        {tag: tuple(found) for tag, found in by_tag.items()},
        {name: tuple(found) for name, found in by_attribute.items()},
        tuple(on_text),
    )


def _first(root: etree._Element) -> dict[str, tuple[int, Construct, Any]]:
    """Each dialect's first construct, in one pass over the parsed tree's elements. A dialect found is
    no longer looked for, and the pass stops when every dialect is found."""
    first: dict[str, tuple[int, Construct, Any]] = {}
    wanted = frozenset(CONSTRUCTS)
    by_tag, by_attribute, on_text = _index(wanted)
    for index, el in enumerate(root.iter(etree.Element)):
        hits = None
        candidates = by_tag.get(el.tag)
        if candidates is not None:
            hits = [entry for entry in candidates if entry[1].matches(el, root)]
        keys = el.keys()
        if keys and by_attribute:
            for name in keys:
                candidates = by_attribute.get(name)
                if candidates is not None:
                    found = [entry for entry in candidates if entry[1].matches(el, root)]
                    hits = found if hits is None else hits + found
        text = el.text
        if on_text and text and "$" in text:
            found = [entry for entry in on_text if entry[1].matches(el, root)]
            hits = found if hits is None else hits + found
        if hits:
            for dialect, construct in hits:
                first.setdefault(dialect, (index, construct, el))
            wanted = frozenset(CONSTRUCTS) - set(first)
            if not wanted:
                break
            by_tag, by_attribute, on_text = _index(wanted)
    return first


def _count(root: etree._Element, dialect: str) -> int:
    """How many constructs of the dialect a document shows (only for a document that shows both): one
    linear pass per construct."""
    total = 0
    for el in root.iter(etree.Element):
        total += sum(1 for construct in CONSTRUCTS[dialect] if construct.matches(el, root))
    return total


def _scan(root: etree._Element) -> dict[str, Evidence]:
    first = _first(root)
    both = len(first) > 1
    return {
        dialect: Evidence(dialect, construct.what, el, el.sourceline, _count(root, dialect) if both else 1, index)
        for dialect, (index, construct, el) in first.items()
    }


def detect(root: etree._Element, default: str = "voxxml-v1") -> Detection:
    """The dialect of a parsed document, why, and the conflict when it shows constructs of both."""
    scanned = _scan(root)
    found = [scanned[name] for name in CONSTRUCTS if name in scanned]
    if not found:
        return Detection(default, f"{default}: no construct only one dialect has (the default)", None)
    if len(found) == 1:
        (only,) = found
        return Detection(only.dialect, f"{only.dialect}: found {only.what}{_at(only)}, which only {only.dialect} has", None)
    voxml, v1 = found
    chosen, other = (voxml, v1) if voxml.count > v1.count else (v1, voxml)
    reason = (
        f"{chosen.dialect}: found constructs of both dialects ({chosen.count} of {chosen.dialect}, e.g. {chosen.what}{_at(chosen)}; "
        f"{other.count} of {other.dialect}, e.g. {other.what}{_at(other)}); read with the one with more"
    )
    return Detection(chosen.dialect, reason, (chosen, other))


def _at(evidence: Evidence) -> str:
    return f" at line {evidence.line}" if evidence.line else ""


__all__ = ["CODE", "CONSTRUCTS", "Construct", "Detection", "Evidence", "detect"]
