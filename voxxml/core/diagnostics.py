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

from itertools import repeat
from operator import attrgetter, itemgetter

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
# A diagnostic's code and severity as functions in C, for ``map`` over a compile's thousands of findings.
get_code, get_severity = itemgetter(0), itemgetter(2)


def placed(diagnostics: list[Diagnostic], path: str) -> list[Diagnostic]:
    """The diagnostics given ``path`` and sorted as ``sort_key`` sorts one file's (line, column, code,
    message; stable).

    Why in C: every run re-paths and sorts its findings, and a compile's are thousands per file. The
    sort's key is an ``attrgetter``, and the sorted rows are transposed, given the path column and
    rebuilt with ``zip`` and ``map``, instead of a ``sort_key`` and a ``with_path`` call per
    diagnostic. ``tests/test_finalize_fast_paths.py`` holds it to that per-diagnostic way."""
    if len(diagnostics) < 2:
        return [d.with_path(path) for d in diagnostics]
    code, name, severity, message, span, help, _, fix, suggestion = zip(*sorted(diagnostics, key=_POSITION))
    return list(map(_new, repeat(Diagnostic), zip(code, name, severity, message, span, help, repeat(path), fix, suggestion)))


def make(
    code: str,
    message: str,
    span: Span | None,
    help: str | None = None,
    fix: Fix | None = None,
    suggestion: Fix | None = None,
) -> Diagnostic:
    """Build a diagnostic, taking its name and default severity from the rule catalogue."""
    entry = rule(code)
    return _new(Diagnostic, (code, entry.name, entry.severity, message, span or NO_SPAN, help, None, fix, suggestion))  # Diagnostic(...) without its Python __new__
