"""Inline suppressions, written as XML comments.

``<!-- voxxml: ignore VX103 reason -->`` silences VX103 on the next element and its
subtree; ``<!-- voxxml: file-ignore VX010 -->`` silences VX010 in the whole file.
A suppression that silences nothing is itself reported (VX112).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from .catalog import rules
from .diagnostics import Diagnostic, make
from .source import SourceMap

CODES = ("VX112",)
# Suppression comments; CDATA sections are matched too, so that text that only looks
# like a comment inside one is passed over.
_COMMENT = re.compile(r"<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--\s*voxxml:\s*(?P<kind>file-ignore|ignore)\b(?P<rest>.*?)-->", re.S)
_CODE = re.compile(r"[A-Z]{2}[0-9]{3}")


@dataclass
class Suppression:
    kind: str  # "ignore" or "file-ignore"
    codes: tuple[str, ...]
    reason: str
    start: int  # the comment, as offsets into the source
    end: int
    scope: tuple[int, int] | None  # the element an "ignore" covers; None for the whole file
    used: set[str] = field(default_factory=set)

    def covers(self, code: str, offset: int) -> bool:
        if code not in self.codes:
            return False
        return self.scope is None or self.scope[0] <= offset < self.scope[1]


def find(source: SourceMap) -> list[Suppression]:
    if "voxxml:" not in source.text:
        return []
    found = []
    for match in _COMMENT.finditer(source.text):
        if match.group("kind") is None:
            continue  # a CDATA section
        words = match.group("rest").replace(",", " ").split()
        codes = []
        while words and _CODE.fullmatch(words[0]):
            codes.append(words.pop(0))
        scope = None
        if match.group("kind") == "ignore":
            tags = source.tags
            following = bisect_left(tags.starts, match.end())
            if following < len(tags.starts):
                end = tags.ends[following]
                scope = (tags.starts[following], end if end >= 0 else tags.tag_ends[following])
            else:
                scope = (match.end(), match.end())  # nothing follows: covers nothing
        found.append(Suppression(match.group("kind"), tuple(codes), " ".join(words), match.start(), match.end(), scope))
    return found


def apply(diagnostics: list[Diagnostic], source: SourceMap) -> list[Diagnostic]:
    """Drop suppressed diagnostics and add one VX112 per suppression (or code) that silenced nothing."""
    suppressions = find(source)
    if not suppressions:
        return diagnostics
    kept = []
    for diagnostic in diagnostics:
        offset = source.offset(diagnostic.span.line, diagnostic.span.column)
        covering = [s for s in suppressions if s.covers(diagnostic.code, offset)]
        for suppression in covering:
            suppression.used.add(diagnostic.code)
        if not covering:
            kept.append(diagnostic)
    unused = [d for s in suppressions for d in _unused(s, source)]
    file_ignored = {code for s in suppressions if s.kind == "file-ignore" for code in s.codes}
    return kept + [d for d in unused if d.code not in file_ignored]


def _unused(suppression: Suppression, source: SourceMap) -> list[Diagnostic]:
    span = source.span(suppression.start, suppression.end)
    where = "in this file" if suppression.scope is None else "in the element that follows"
    if not suppression.codes:
        return [make("VX112", f"'voxxml: {suppression.kind}' names no code, so it suppresses nothing", span, "write the code: <!-- voxxml: ignore VX103 reason -->")]
    problems = []
    known = rules()
    for code in suppression.codes:
        if code not in known:
            message = f"suppression of unknown code {code} suppresses nothing; known codes: {', '.join(known)}"
        elif code not in suppression.used:
            message = f"suppression of {code} suppresses nothing: there is no {code} {where}"
        else:
            continue
        problems.append(make("VX112", message, span, "remove the code from the comment, or the comment"))
    return problems
