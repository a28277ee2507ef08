"""Fixes: text edits attached to diagnostics, and applying them safely.

A fix is marked safe (it cannot change what the call does in a way the author did
not ask for: a name's case, a value the platform clamps anyway, an attribute with
no effect) or unsafe (renaming to a near match, removing verbs). ``voxxml lint --fix``
applies safe fixes; ``--unsafe-fixes`` applies the rest too. After each round the
text is linted again and the next round's fixes are computed on it; a fix that would
break the document or add an error is refused.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from .records import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from .source import SourceMap

if TYPE_CHECKING:
    from .diagnostics import Diagnostic


@dataclass(frozen=True, slots=True)
class Edit:
    """One replacement in the source text: characters ``start:end`` become ``text``."""

    start: int  # offsets into the source text; the end is exclusive
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A diagnostic's fix: its edits, applied together or not at all; ``safe`` fixes keep the document's meaning."""

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
    starts = source.line_starts  # not rfind/find: on a one-line document they scan it all, per fix
    line_start = starts[bisect_right(starts, start) - 1]
    if not text[line_start:start].strip():
        start = line_start
        following = bisect_right(starts, end)
        line_end = starts[following] - 1 if following < len(starts) else -1
        if line_end >= 0 and not text[end:line_end].strip():
            end = line_end + 1
    return (Edit(start, end, ""),)


def apply(text: str, fixes: Iterable[Fix]) -> tuple[str, list[Fix]]:
    """Apply the fixes that do not overlap an earlier one; return the text and the fixes applied.

    Every fix must have been computed on ``text``. The edits taken are kept sorted by
    start, so checking a fix costs two bisections, and the new text is built in one join.
    """
    starts: list[int] = []  # the taken edits, sorted by start (they are disjoint)
    taken: list[Edit] = []
    applied: list[Fix] = []
    for fix in fixes:
        if not fix.edits or any(_overlaps(starts, taken, edit) for edit in fix.edits) or _overlap_within(fix.edits):
            continue
        for edit in fix.edits:
            at = bisect_right(starts, edit.start)
            starts.insert(at, edit.start)  # fixes come mostly in document order: near the end
            taken.insert(at, edit)
        applied.append(fix)
    pieces: list[str] = []
    done = 0
    for edit in taken:
        pieces.append(text[done : edit.start])
        pieces.append(edit.text)
        done = edit.end
    pieces.append(text[done:])
    return "".join(pieces), applied


def _overlaps(starts: list[int], taken: list[Edit], edit: Edit) -> bool:
    """Whether ``edit`` overlaps a taken edit, or inserts where one starts."""
    at = bisect_right(starts, edit.start)
    if at and (starts[at - 1] == edit.start or taken[at - 1].end > edit.start):
        return True
    return at < len(starts) and starts[at] < max(edit.end, edit.start + 1)


def _overlap_within(edits: tuple[Edit, ...]) -> bool:
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    return any(b.start < a.end or b.start == a.start for a, b in zip(ordered, ordered[1:]))


@dataclass
class Fixed:
    """The text after applying fixes, the fixes applied, and those refused (their edits overlapped an applied one)."""

    text: str
    applied: list[Fix]
    refused: list[Fix]


MAX_ROUNDS = 10_000  # a safety cap only: rounds stop when one applies nothing


def fix_text(text: str, lint: Callable[[str], "list[Diagnostic]"], unsafe: bool = False, rounds: int = MAX_ROUNDS) -> Fixed:
    """Apply the fixes ``lint`` offers, round after round, until a round applies none.

    A round applies the fixes of one lint, all computed on the same text, to that
    text; then the text is linted again, so the next round's fixes are computed on the
    new text (a fix is never applied to text it was not computed on). If the result
    has more errors of some code than before (a broken document, or a new error), the
    fixes nearest the errors of a grown code are set aside and the rest tried again,
    then the suspects, split in halves until a single fix that makes things worse is
    refused. Refused fixes are offered again by the next round's lint, in other company.
    Each round either changes the text to one not seen before or ends the run, so
    fixing terminates; ``rounds`` is only a safety cap.
    """
    applied: list[Fix] = []
    refused: list[Fix] = []
    diagnostics = lint(text)
    seen = {_digest(text)}  # every text the run has produced: a round must make a new one
    for _ in range(rounds):
        wanted = [d.fix for d in diagnostics if d.fix is not None and (d.fix.safe or unsafe)]
        if not wanted:
            break
        _, chosen = apply(text, _one_name_each(text, wanted))  # the non-overlapping ones, in order
        before = _errors(diagnostics)
        accepted: list[Fix] = []
        state = [text, diagnostics]

        def attempt(group: list[Fix], blame: bool) -> None:
            candidate, _ = apply(text, accepted + group)
            after = lint(candidate)
            if _digest(candidate) not in seen and not _worse(before, after):
                accepted.extend(group)
                state[:] = [candidate, after]
                return
            if len(group) == 1:
                refused.append(group[0])
                return
            guilty = _nearest_to_new_errors(group, accepted + group, candidate, before, after) if blame else set()
            if 0 < len(guilty) < len(group):
                # the rest first, then the suspects on top of what was accepted (each step
                # drops one fix at least; a suspect is refused only when it fails alone)
                attempt([fix for fix in group if id(fix) not in guilty], True)
                attempt([fix for fix in group if id(fix) in guilty], False)
                return
            attempt(group[: len(group) // 2], False)
            attempt(group[len(group) // 2 :], False)

        attempt(chosen, True)
        if not accepted:
            break
        text, diagnostics = state
        seen.add(_digest(text))
        applied.extend(accepted)
    return Fixed(text, applied, refused)


def _one_name_each(text: str, fixes: list[Fix]) -> list[Fix]:
    """Without the fixes that would write an attribute name a fix before them writes in the
    same start tag (two wrong-case spellings of one name): together they would make a
    duplicate attribute. The one left out is offered again by the next round's lint."""
    source = SourceMap(text)
    tags = source.tags
    written: set[tuple[int, str]] = set()
    kept = []
    for fix in fixes:
        keys = []
        for edit in fix.edits:
            at = bisect_right(tags.starts, edit.start) - 1
            renames = edit.text and text[edit.end : edit.end + 1] in ("=", " ", "\t", "\r", "\n")
            if at >= 0 and edit.start < tags.tag_ends[at] and renames:
                keys.append((at, edit.text))
        if any(key in written for key in keys):
            continue
        written.update(keys)
        kept.append(fix)
    return kept


def _nearest_to_new_errors(
    group: list[Fix], used: list[Fix], candidate: str, before: Counter[str], after: "list[Diagnostic]"
) -> set[int]:
    """The ids of the fixes in ``group`` with the edit nearest to each error of a code that
    grew (the errors' positions mapped back through the edits ``used`` made)."""
    grown = {code for code, count in _errors(after).items() if count > before[code]}
    if not grown:
        return set()
    edits = sorted((edit for fix in used for edit in fix.edits), key=lambda e: e.start)
    new_starts: list[int] = []
    shifts: list[int] = []  # the shift of the text after each edit
    shift = 0
    for edit in edits:
        new_starts.append(edit.start + shift)
        shift += len(edit.text) - (edit.end - edit.start)
        shifts.append(shift)
    mine = sorted(((edit.start, id(fix)) for fix in group for edit in fix.edits))
    starts = [start for start, _ in mine]
    source = SourceMap(candidate)
    guilty: set[int] = set()
    for diagnostic in after:
        if diagnostic.code not in grown or diagnostic.severity.value != "error":
            continue
        offset = source.offsets(diagnostic.span)[0]
        at = bisect_right(new_starts, offset) - 1
        if at >= 0:
            edit = edits[at]
            inside = offset < new_starts[at] + len(edit.text)
            offset = edit.start if inside else offset - shifts[at]
        near = bisect_right(starts, offset)
        options = [i for i in (near - 1, near) if 0 <= i < len(mine)]
        if options:
            guilty.add(mine[min(options, key=lambda i: abs(starts[i] - offset))][1])
    return guilty


def _digest(text: str) -> bytes:
    import hashlib  # only when fixes are applied

    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _errors(diagnostics: "list[Diagnostic]") -> Counter[str]:
    return Counter(d.code for d in diagnostics if d.severity.value == "error")


def _worse(before: Counter[str], diagnostics: "list[Diagnostic]") -> bool:
    """Whether some code has more errors than ``before`` (a fix must not add an error)."""
    return any(count > before[code] for code, count in _errors(diagnostics).items())
