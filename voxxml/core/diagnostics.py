"""Diagnostics: what every check produces and every reporter prints.

Where a diagnostic is: its span, which carries character offsets into the decoded
source text (``start``, ``end``) and the line and column reporters print, derived
from them when the span was made (``SourceMap.span``). A diagnostic about a node
built in Python (no source text) has offsets -1 and only its line and column
(``SourceMap.offsets`` finds offsets from them where a text exists). A document
that cannot be decoded has no decoded text: its one VX001 is placed in a lenient
reading of the bytes (offsets, line and column alike).

What to do about it, as data: ``fix`` is an edit ``voxxml lint --fix`` may apply
(safe, or unsafe with ``--unsafe-fixes``); ``suggestion`` is an edit editors offer
and ``--fix`` never applies (a spelling neighbour that may not be what was meant, the
removal of an unused suppression). Both are ``voxxml.core.fixes.Fix``: a title and edits
by offsets. The message and help are for people; no tool reads them.
"""

from __future__ import annotations

from _contextvars import ContextVar  # what the contextvars module re-exports, without importing a module file
from itertools import repeat
from operator import attrgetter, countOf, itemgetter

from .catalog import Severity, rule
from .fixes import Fix
from .records import NamedTuple
from .source import Span


class Diagnostic(NamedTuple):
    """One finding. A tuple: immutable, and cheap to make (a compile reports thousands)."""

    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    help: str | None = None
    path: str | None = None
    fix: Fix | None = None
    suggestion: Fix | None = None

    @property
    def start(self) -> int:
        """The character offset the span starts at in the decoded source text; -1 if unknown."""
        return self.span.start

    @property
    def end(self) -> int:
        """The character offset just after the span; -1 if unknown."""
        return self.span.end

    def with_path(self, path: str) -> "Diagnostic":
        """This diagnostic in file ``path``: made with ``tuple.__new__`` from the fields, a third of what
        ``_replace`` costs (every diagnostic of a run is given its path, a compile's tens of thousands)."""
        code, name, severity, message, span, help, _, fix, suggestion = self
        return _new(self.__class__, (code, name, severity, message, span, help, path, fix, suggestion))

    def sort_key(self) -> tuple:
        return (self.path or "", self.span.line, self.span.column, self.code, self.message)


_new = tuple.__new__
NO_SPAN = Span(1, 1, 1, 1)
_POSITION = attrgetter("span.line", "span.column", "code", "message")  # sort_key within one file, in C
# A diagnostic's code, severity and path as functions in C, for ``map`` over a compile's thousands of findings.
get_code, get_severity, get_path = itemgetter(0), itemgetter(2), itemgetter(6)
# The file whose findings are being made, where a run knows it (``placing``); None elsewhere.
_PLACE: ContextVar[str | None] = ContextVar("voxxml_diagnostics_place", default=None)
_place = _PLACE.get


class placing:
    """``with placing(path):`` every diagnostic ``make`` makes in the block is in file ``path`` (a context
    variable: per thread and per task).

    Why: a compile's thousands of approximations came without their path, so ``placed`` made every one
    again to give it one (two thirds of the second finalize); made in place, they are only sorted."""

    __slots__ = ("path", "token")

    def __init__(self, path: str) -> None:
        self.path = path

    def __enter__(self) -> None:
        self.token = _PLACE.set(self.path)

    def __exit__(self, *exception: object) -> None:
        _PLACE.reset(self.token)


def placed(diagnostics: list[Diagnostic], path: str) -> list[Diagnostic]:
    """The diagnostics given ``path`` and sorted as ``sort_key`` sorts one file's (line, column, code,
    message; stable).

    Why in C: every run re-paths and sorts its findings, and a compile's are thousands per file. The
    sort's key is an ``attrgetter``, and the sorted rows are transposed, given the path column and
    rebuilt with ``zip`` and ``map``, instead of a ``sort_key`` and a ``with_path`` call per
    diagnostic; diagnostics already in file ``path`` (made under ``placing``, or placed before) are only
    sorted. ``tests/test_finalize_fast_paths.py`` and ``tests/test_compile_report_speed.py`` hold it to that
    per-diagnostic way."""
    if len(diagnostics) < 2:
        return [d.with_path(path) for d in diagnostics]
    ordered = sorted(diagnostics, key=_POSITION)
    if ordered[0][6] == path and countOf(map(get_path, ordered), path) == len(ordered):  # all in place already
        return ordered
    code, name, severity, message, span, help, _, fix, suggestion = zip(*ordered)
    return list(map(_new, repeat(Diagnostic), zip(code, name, severity, message, span, help, repeat(path), fix, suggestion)))


def make(
    code: str,
    message: str,
    span: Span | None,
    help: str | None = None,
    fix: Fix | None = None,
    suggestion: Fix | None = None,
) -> Diagnostic:
    """Build a diagnostic, taking its name and default severity from the rule catalogue; in the file ``placing``
    names, if any (else its path is None until ``placed`` gives it one)."""
    entry = rule(code)
    return _new(Diagnostic, (code, entry.name, entry.severity, message, span or NO_SPAN, help, _place(), fix, suggestion))  # Diagnostic(...) without its Python __new__
