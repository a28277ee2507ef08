"""Fixes: text edits attached to diagnostics, and applying them safely.

A fix is marked safe (it cannot change what the call does in a way the author did
not ask for: a name's case, a value the platform clamps anyway, an attribute with
no effect) or unsafe (renaming to a near match, removing verbs). ``voxxml lint --fix``
applies safe fixes; ``--unsafe-fixes`` applies the rest too. After fixing, the text
is parsed again and a fix that would break the document is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from .source import SourceMap

if TYPE_CHECKING:
    from .diagnostics import Diagnostic


@dataclass(frozen=True, slots=True)
class Edit:
    start: int  # offsets into the source text; the end is exclusive
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    safe: bool


def rename_element(source: SourceMap, index: int, new: str) -> tuple[Edit, ...]:
    tokens = source.element(index)
    if tokens is None:
        return ()
    edits = [Edit(tokens.start + 1, tokens.name_end, new)]
    if not tokens.self_closing and tokens.content_end >= 0:
        name_at = source.text.find(tokens.name, tokens.content_end + 2)
        if name_at >= 0:
            edits.append(Edit(name_at, name_at + len(tokens.name), new))
    return tuple(edits)


def rename_attribute(source: SourceMap, index: int, name: str, new: str) -> tuple[Edit, ...]:
    attribute = source.attribute_tokens(index, name)
    return () if attribute is None else (Edit(attribute.name_start, attribute.name_end, new),)


def replace_value(source: SourceMap, index: int, name: str, new: str) -> tuple[Edit, ...]:
    attribute = source.attribute_tokens(index, name)
    return () if attribute is None else (Edit(attribute.value_start, attribute.value_end, new),)


def remove_attribute(source: SourceMap, index: int, name: str) -> tuple[Edit, ...]:
    """The attribute, its value's closing quote, and the white space before it."""
    attribute = source.attribute_tokens(index, name)
    if attribute is None:
        return ()
    text = source.text
    start = attribute.name_start
    while start > 0 and text[start - 1] in " \t\r\n":
        start -= 1
    return (Edit(start, attribute.value_end + 1, ""),)


def remove_elements(source: SourceMap, first: int, last: int) -> tuple[Edit, ...]:
    """Elements ``first`` to ``last`` (document-order indexes of siblings), whole lines where they stand alone."""
    head, tail = source.element(first), source.element(last)
    if head is None or tail is None:
        return ()
    text = source.text
    start, end = head.start, tail.end if tail.end >= 0 else tail.tag_end
    line_start = text.rfind("\n", 0, start) + 1
    if not text[line_start:start].strip():
        start = line_start
        line_end = text.find("\n", end)
        if line_end >= 0 and not text[end:line_end].strip():
            end = line_end + 1
    return (Edit(start, end, ""),)


def apply(text: str, fixes: Iterable[Fix]) -> tuple[str, list[Fix]]:
    """Apply the fixes that do not overlap an earlier one; return the text and the fixes applied."""
    taken: list[Edit] = []
    applied: list[Fix] = []
    for fix in fixes:
        if not fix.edits or any(e.start < t.end and t.start < e.end or e.start == t.start for e in fix.edits for t in taken):
            continue
        taken.extend(fix.edits)
        applied.append(fix)
    for edit in sorted(taken, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text, applied


@dataclass
class Fixed:
    text: str
    applied: list[Fix]
    refused: list[Fix]


def fix_text(text: str, lint: Callable[[str], "list[Diagnostic]"], unsafe: bool = False, rounds: int = 10) -> Fixed:
    """Apply the fixes ``lint`` offers, round after round, until none applies.

    A round applies every non-overlapping fix at once; if the result does not parse
    (new VX001 findings), the fixes are tried one at a time and those that break the
    document are refused.
    """
    applied: list[Fix] = []
    refused: list[Fix] = []
    diagnostics = lint(text)
    for _ in range(rounds):
        wanted = [d.fix for d in diagnostics if d.fix is not None and (d.fix.safe or unsafe) and d.fix not in refused]
        if not wanted:
            break
        syntax_before = _syntax_errors(diagnostics)
        candidate, taken = apply(text, wanted)
        after = lint(candidate)
        if _syntax_errors(after) > syntax_before:
            taken = []
            candidate = text
            for fix in wanted:
                attempt, one = apply(candidate, [fix])
                if one and _syntax_errors(lint(attempt)) <= syntax_before:
                    candidate = attempt
                    taken.extend(one)
                else:
                    refused.append(fix)
            after = lint(candidate)
        if not taken:
            break
        text, diagnostics = candidate, after
        applied.extend(taken)
    return Fixed(text, applied, refused)


def _syntax_errors(diagnostics: "list[Diagnostic]") -> int:
    return sum(1 for d in diagnostics if d.code == "VX001")
