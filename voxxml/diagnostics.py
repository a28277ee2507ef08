"""Diagnostics: what every check produces and every reporter prints."""

from __future__ import annotations

from typing import NamedTuple

from .catalog import Severity, rule
from .fixes import Fix
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

    def with_path(self, path: str) -> "Diagnostic":
        return self._replace(path=path)

    def sort_key(self) -> tuple:
        return (self.path or "", self.span.line, self.span.column, self.code, self.message)


NO_SPAN = Span(1, 1, 1, 1)


def make(code: str, message: str, span: Span | None, help: str | None = None, fix: Fix | None = None) -> Diagnostic:
    """Build a diagnostic, taking its name and default severity from the rule catalogue."""
    entry = rule(code)
    return Diagnostic(code, entry.name, entry.severity, message, span or NO_SPAN, help, None, fix)
