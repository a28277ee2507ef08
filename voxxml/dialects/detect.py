"""Which dialect a ``.xml`` document is written in, when nothing names one (no ``--dialect``, no
``dialect`` setting, a suffix no dialect claims alone): decided from the document itself.

Both dialects write ``<Response>``, so the root says nothing. Each dialect has constructs the other
lacks, listed below as data (an XPath step each). The scan runs in libxml2 over the tree already
parsed (one ``count`` and one first match per dialect: linear, never a re-parse). The dialect with
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
    what: str  # how a message names it
    step: str  # an XPath step matching the element that shows it ("Set", "If[@expression]")


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
        Construct("If expression", "If[@expression]"),
        Construct("an output attribute", "*[@output]"),
        Construct("a history attribute", "*[@history]"),
        Construct("a provider-qualified voice", "*[@voice][contains(@voice, '.')]"),
        Construct("a ${...} reference", "*[text()[contains(., '${')]]"),
        Construct("Gather action", "Gather[@action]"),
    ),
    "voxxml-v1": (
        Construct("If variable/test/value", "If[@variable or @test or @value]"),
        Construct("$GATHER", "*[text()[contains(., '$GATHER')]]"),
        Construct("repeatDelay", "*[@repeatDelay]"),
        Construct("separateNumbers", "*[@separateNumbers]"),
        Construct("<SetMute>", "SetMute"),
        Construct("<Conference>", "Conference"),
        Construct("a top-level <Number>", "Number[parent::Response]"),
        Construct("a voice without a provider", "*[@voice][not(contains(@voice, '.'))]"),
        Construct("a statusCallback attribute", "*[@statusCallback or @statusCallbackEvent or @statusCallbackMethod]"),
    ),
}


class Evidence(NamedTuple):
    dialect: str
    what: str
    element: Any  # the lxml element
    line: int | None
    count: int  # how many elements show one of the dialect's constructs


class Detection(NamedTuple):
    dialect: str
    reason: str  # for --verbose
    conflict: tuple[Evidence, Evidence] | None  # (the one read with, the other): VX012


@cache
def _queries() -> dict[str, tuple[etree.XPath, etree.XPath, tuple[tuple[Construct, etree.XPath], ...]]]:
    queries = {}
    for dialect, constructs in CONSTRUCTS.items():
        union = " | ".join(f"//{c.step}" for c in constructs)
        queries[dialect] = (
            etree.XPath(f"count({union})"),
            etree.XPath(f"({union})[1]"),
            tuple((c, etree.XPath(f"self::{c.step}")) for c in constructs),
        )
    return queries


def _evidence(root: etree._Element, dialect: str) -> Evidence | None:
    count_query, first_query, constructs = _queries()[dialect]
    count = int(count_query(root))
    if not count:
        return None
    element = first_query(root)[0]
    what = next((c.what for c, test in constructs if test(element)), constructs[0][0].what)
    return Evidence(dialect, what, element, element.sourceline, count)


def detect(root: etree._Element, default: str = "voxxml-v1") -> Detection:
    """The dialect of a parsed document, why, and the conflict when it shows constructs of both."""
    found = [e for e in (_evidence(root, name) for name in CONSTRUCTS) if e is not None]
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


def element_index(root: etree._Element, element: etree._Element) -> int:
    """An element's index among the document's elements in document order (the SourceMap's numbering)."""
    if element is root:
        return 0
    return int(element.xpath("count(preceding::*) + count(ancestor::*)"))


__all__ = ["CODE", "CONSTRUCTS", "Construct", "Detection", "Evidence", "detect", "element_index"]
