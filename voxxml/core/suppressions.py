"""Inline suppressions, written as XML comments.

``<!-- voxxml: ignore VX103 reason -->`` silences VX103 on the next element and its
subtree; ``<!-- voxxml: file-ignore VX010 -->`` silences VX010 in the whole file.
A suppression that silences nothing is itself reported (VX112), and so is one that
names VX001: syntax errors are never suppressed. Codes are read in any case.

``read_directive`` is the one reader of that syntax: the linter, the language
server's completion, hover and code actions all use it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cache
from .records import dataclass, field
from typing import Callable

from .catalog import rules
from .diagnostics import Diagnostic, make
from .fixes import Edit, Fix
from .source import CDATA, COMMENT, PROCESSING_INSTRUCTION, SourceMap, comment_closed

CODES = ("VX112",)
# Markup that can hold text looking like a suppression: comments, CDATA sections and
# processing instructions. Only a closed comment's body is read; the other two are
# matched so that what they hold is passed over. Each alternative scans forward once
# (a lazy run up to a fixed terminator or the end), so the pass is linear.
# The patterns compile on first use: only a text that holds "voxxml:" (or the editor) reads them.
@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return (
        re.compile(f"(?P<comment>{COMMENT})|{CDATA}|{PROCESSING_INSTRUCTION}", re.S),  # markup
        re.compile(r"<!--\s*+voxxml:\s*+(?P<kind>file-ignore|ignore)\b"),  # a directive
        re.compile(r"[^\s,]++"),  # the words after the kind: codes, then the reason
        re.compile(r"[A-Za-z]{2}[0-9]{3}"),  # a code
        re.compile(r"[A-Za-z]{1,2}|[A-Za-z]{2}[0-9]{1,3}"),  # a code being typed
    )


# Codes no comment can silence: a document that does not parse is not checked at all.
UNSUPPRESSIBLE = frozenset({"VX001"})


@dataclass(frozen=True, slots=True)
class Directive:
    """A ``voxxml:`` comment read; offsets are into the text it was read from."""

    kind: str  # "ignore" or "file-ignore"
    codes: tuple[str, ...]  # upper case (codes are read case-insensitively)
    code_spans: tuple[tuple[int, int], ...]  # where each code is written
    codes_end: int  # just after the last code (after the kind if none): where another code goes
    reason: str
    reason_start: int  # the reason's first character; -1 without a reason


def read_directive(text: str, start: int, end: int) -> Directive | None:
    """The directive in the comment at ``start`` (its ``<!--``) whose body ends at ``end``
    (the ``-->``, or the cursor in a comment being typed); None if it is no directive."""
    _, directive, word_pattern, code_pattern, _ = _patterns()
    match = directive.match(text, start, end)
    if match is None:
        return None
    codes: list[str] = []
    spans: list[tuple[int, int]] = []
    codes_end, reason, reason_start = match.end(), [], -1
    for word in word_pattern.finditer(text, match.end(), end):
        if reason_start < 0 and code_pattern.fullmatch(word.group()):
            codes.append(word.group().upper())
            spans.append(word.span())
            codes_end = word.end()
        else:
            reason_start = word.start() if reason_start < 0 else reason_start
            reason.append(word.group())
    return Directive(match.group("kind"), tuple(codes), tuple(spans), codes_end, " ".join(reason), reason_start)


def code_at(text: str, start: int, cursor: int) -> tuple[int, int] | None:
    """The code being written at ``cursor`` in the code list of the comment at ``start``
    (its characters before the cursor), or None if the cursor is not in the code list."""
    directive = read_directive(text, start, cursor)
    if directive is None:
        return None
    if directive.reason_start < 0:  # only codes so far
        last = directive.code_spans[-1] if directive.code_spans else None
        return last if last is not None and last[1] == cursor else (cursor, cursor)
    typed = text[directive.reason_start : cursor]
    return (directive.reason_start, cursor) if _patterns()[4].fullmatch(typed) else None


@dataclass
class Suppression:
    """One suppression comment: which codes it silences, why, and where it is."""

    kind: str  # "ignore" or "file-ignore"
    codes: tuple[str, ...]  # upper case (codes are read case-insensitively)
    reason: str
    start: int  # the comment, as offsets into the source
    end: int
    scope: tuple[int, int] | None  # the element an "ignore" covers; None for the whole file
    used: set[str] = field(default_factory=set)
    code_spans: tuple[tuple[int, int], ...] = ()  # where each code is written
    codes_end: int = -1  # where another code goes


_WITHOUT = [""]  # the last text found to hold no directive (the very object: a compile finalizes its text twice)


def find(source: SourceMap) -> list[Suppression]:
    text = source.text
    if text is _WITHOUT[0]:  # the same str object searched before (a str never changes)
        return []
    if "voxxml:" not in text:
        _WITHOUT[0] = text
        return []
    found = []
    for match in _patterns()[0].finditer(source.text):
        comment = match.group("comment")
        if comment is None or not comment_closed(comment):
            continue  # CDATA, a processing instruction, or a comment never closed
        directive = read_directive(source.text, match.start(), match.end() - 3)
        if directive is None:
            continue
        scope = None
        if directive.kind == "ignore":
            tags = source.tags
            following = bisect_left(tags.starts, match.end())
            if following < len(tags.starts):
                end = tags.ends[following]
                scope = (tags.starts[following], end if end >= 0 else tags.tag_ends[following])
            else:
                scope = (match.end(), match.end())  # nothing follows: covers nothing
        found.append(
            Suppression(
                directive.kind, directive.codes, directive.reason, match.start(), match.end(), scope,
                code_spans=directive.code_spans, codes_end=directive.codes_end,
            )
        )
    return found


def apply(diagnostics: list[Diagnostic], source: SourceMap, judged: Callable[[str], bool] = lambda code: True) -> list[Diagnostic]:
    """Drop suppressed diagnostics and add one VX112 per suppression (or code) that silenced nothing.

    A known code for which ``judged`` is false is never called unused: the step that
    reports it did not run (a target's code when the document was only linted).

    n log n in the diagnostics and suppressions: per code, the diagnostics' offsets are
    sorted once; a suppression is used if one falls in its scope (two bisections), and a
    diagnostic is dropped if it falls in the union of the scopes of its code (one).
    """
    suppressions = find(source)
    if not suppressions:
        return diagnostics
    offsets: dict[str, list[int]] = {}
    located = []
    for diagnostic in diagnostics:
        span = diagnostic.span
        offset = span.start if span.start >= 0 else source.offset(span.line, span.column)
        located.append(offset)
        offsets.setdefault(diagnostic.code, []).append(offset)
    for found in offsets.values():
        found.sort()
    whole_file: set[str] = set()
    scopes: dict[str, list[tuple[int, int]]] = {}
    for suppression in suppressions:
        for code in suppression.codes:
            if code in UNSUPPRESSIBLE or code not in offsets:
                continue
            if suppression.scope is None:
                whole_file.add(code)
                suppression.used.add(code)
                continue
            low, high = suppression.scope
            found = offsets[code]
            if bisect_left(found, low) < bisect_left(found, high):
                suppression.used.add(code)
                scopes.setdefault(code, []).append((low, high))
    merged = {code: _union(spans) for code, spans in scopes.items()}
    kept = [
        diagnostic
        for diagnostic, offset in zip(diagnostics, located)
        if diagnostic.code in UNSUPPRESSIBLE
        or (diagnostic.code not in whole_file and not _inside(merged.get(diagnostic.code), offset))
    ]
    unused = [d for s in suppressions for d in _unused(s, source, judged)]
    file_ignored = {code for s in suppressions if s.kind == "file-ignore" for code in s.codes}
    return kept + [d for d in unused if d.code not in file_ignored]


def _union(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Half-open intervals merged into disjoint ones, as sorted starts and their ends."""
    starts: list[int] = []
    ends: list[int] = []
    for low, high in sorted(spans):
        if ends and low <= ends[-1]:
            ends[-1] = max(ends[-1], high)
        else:
            starts.append(low)
            ends.append(high)
    return starts, ends


def _inside(union: tuple[list[int], list[int]] | None, offset: int) -> bool:
    if union is None:
        return False
    starts, ends = union
    at = bisect_right(starts, offset) - 1
    return at >= 0 and offset < ends[at]


def _unused(suppression: Suppression, source: SourceMap, judged: Callable[[str], bool]) -> list[Diagnostic]:
    span = source.span(suppression.start, suppression.end)
    where = "in this file" if suppression.scope is None else "in the element that follows"
    if not suppression.codes:
        message = f"'voxxml: {suppression.kind}' names no code, so it suppresses nothing"
        return [make("VX112", message, span, "write the code: <!-- voxxml: ignore VX103 reason -->", suggestion=_removal(suppression, source))]
    problems = []
    known = rules()
    for code in suppression.codes:
        if code in UNSUPPRESSIBLE:
            problems.append(
                make(
                    "VX112",
                    f"{code} cannot be suppressed: a syntax error means the document is not checked at all",
                    span,
                    "fix the XML and remove the code from the comment",
                    suggestion=_removal(suppression, source, code),
                )
            )
            continue
        if code not in known:
            message = f"suppression of unknown code {code} suppresses nothing; known codes: {', '.join(known)}"
        elif code not in suppression.used and judged(code):
            message = f"suppression of {code} suppresses nothing: there is no {code} {where}"
        else:
            continue
        problems.append(make("VX112", message, span, "remove the code from the comment, or the comment", suggestion=_removal(suppression, source, code)))
    return problems


def _removal(suppression: Suppression, source: SourceMap, code: str | None = None) -> Fix:
    """The edit an editor offers for an unused suppression: the one ``code`` (with the
    separator before it) when the comment names others, else the comment (with its
    line when the comment stands alone on it)."""
    text = source.text
    if code is not None and len(suppression.codes) > 1:
        start, end = suppression.code_spans[suppression.codes.index(code)]
        while text[start - 1] in ", \t\r\n":  # the comment's "<!--" comes first
            start -= 1
        return Fix(f"Remove {code} from the suppression", (Edit(start, end, ""),), False)
    start, end = suppression.start, suppression.end
    starts = source.line_starts
    first, last = bisect_right(starts, start) - 1, bisect_right(starts, end) - 1
    following = starts[last + 1] if last + 1 < len(starts) else len(text)
    line_end = len(text[end:following].rstrip("\r\n")) + end
    if not text[starts[first] : start].strip() and not text[end:line_end].strip():
        start, end = starts[first], following
    return Fix("Remove the unused suppression", (Edit(start, end, ""),), False)
