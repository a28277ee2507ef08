"""The lint pipeline: bytes -> decode -> parse -> typed AST + diagnostics.

Later stages (flow analysis, rules) plug in after the reader.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

from . import suppressions, xmlparse
from .catalog import Severity
from .config import Settings
from .ast import Response
from .checks import CheckContext, run_checks
from .diagnostics import Diagnostic, make
from .reader import Reader
from .source import SourceMap, Span


@dataclass
class Result:
    """Everything known about one document."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    document: Response | None = None
    source: SourceMap | None = None
    fail_on: Severity = Severity.ERROR

    @property
    def failed(self) -> bool:
        return any(d.severity.rank >= self.fail_on.rank for d in self.diagnostics)

    @property
    def error_count(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity.value == "error")


CODES = ("VX001",)  # reported here, from the decoder and the XML parser


def _syntax_diagnostic(problem: xmlparse.SyntaxProblem, source: SourceMap | None) -> Diagnostic:
    if source is not None and problem.offset is None and problem.line is not None:
        # libxml2's line and column, kept inside the text (it may read a declared encoding differently)
        problem = replace(problem, offset=source.offset(max(problem.line, 1), max(problem.column or 1, 1)))
    if source is not None and problem.offset is not None:
        end = problem.offset + 1 if problem.offset < len(source.text) else problem.offset
        if problem.end is not None:
            end = min(max(problem.end, problem.offset), len(source.text))
        span = source.span(problem.offset, end)
    elif problem.line is not None:
        line, column = max(problem.line, 1), max(problem.column or 1, 1)
        span = Span(line, column, line, column + 1)
    else:
        span = Span(1, 1, 1, 1)
    return make("VX001", problem.message, span, problem.help)


def parse_bytes(data: bytes, path: str = "<stdin>", resource: str = "call", flow: bool = True) -> Result:
    """Parse, validate and analyse one document. Total: never raises on any input.

    ``resource`` is what the VoxXML is sent to: call, conference or participant.
    ``flow=False`` stops after validation (VX0xx): no flow analysis, no VX1xx rules.
    """
    result = Result(path)
    text, problem = xmlparse.decode(data)
    if text is None:
        assert problem is not None
        # Positions count the characters decoded before the problem; show the rest as best we can.
        shown = xmlparse.lenient(data, problem.encoding or "latin-1")
        result.diagnostics.append(_syntax_diagnostic(problem, SourceMap(shown)))
        return _finish(result)
    source = result.source = SourceMap(text)
    refused = xmlparse.refused_declaration(text)
    if refused is not None:
        result.diagnostics.append(_syntax_diagnostic(refused, source))
        return _finish(result)
    parsed = xmlparse.parse(data, source)
    result.diagnostics.extend(_syntax_diagnostic(p, source) for p in parsed.problems)
    if parsed.root is not None:
        found: list[Diagnostic] = []
        reader = Reader(source, found, check_content=parsed.well_formed)
        try:
            document = reader.read(parsed.root)
        except UnicodeDecodeError:
            # Only a tree libxml2 recovered can hold text it cannot decode (a lone surrogate
            # such as &#xD800;); the syntax errors are reported, the tree is not trusted.
            if parsed.well_formed:
                raise
            return _finish(result)
        if document is not None and flow:
            found.extend(run_checks(CheckContext(document, resource, reader.by_tag)))
        if parsed.well_formed:
            result.document = document
        else:
            found = _trusted_only(found, source)
        result.diagnostics.extend(found)
    return _finish(result)


def _trusted_only(diagnostics: list[Diagnostic], source: SourceMap) -> list[Diagnostic]:
    """After a syntax error, the findings on elements closed as written (see xmlparse.trusted):
    anything inside an unclosed element may exist only because of how libxml2 recovered."""
    located = sorted((source.offset(d.span.line, d.span.column), i) for i, d in enumerate(diagnostics))
    doubtful = xmlparse.untrusted_at(source, [offset for offset, _ in located])
    return [diagnostics[i] for (_, i), doubt in zip(located, doubtful) if not doubt]


def _finish(result: Result) -> Result:
    result.diagnostics = sorted((d.with_path(result.path) for d in result.diagnostics), key=Diagnostic.sort_key)
    return result


def parse_text(text: str, path: str = "<string>") -> Result:
    return parse_bytes(text.encode("utf-8"), path)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """A lint creates no reference cycles (reference counting frees everything), so the
    cyclic collector would only rescan the growing AST; pause it for the duration."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def lint_bytes(data: bytes, path: str, settings: Settings | None = None) -> Result:
    """The full lint of one document: checks, then inline suppressions, then configuration."""
    settings = settings or Settings()
    with cyclic_gc_paused():
        return _lint(data, path, settings)


def _lint(data: bytes, path: str, settings: Settings) -> Result:
    result = parse_bytes(data, path, settings.context)
    diagnostics = result.diagnostics
    if result.source is not None:
        diagnostics = suppressions.apply(diagnostics, result.source)
    # Syntax errors are never suppressed, by a comment or by the configuration.
    syntax = [d if d.severity is Severity.ERROR else d._replace(severity=Severity.ERROR) for d in diagnostics if d.code in suppressions.UNSUPPRESSIBLE]
    kept = settings.apply([d for d in diagnostics if d.code not in suppressions.UNSUPPRESSIBLE], Path(path)) + syntax
    result.diagnostics = sorted((d if d.path == path else d.with_path(path) for d in kept), key=Diagnostic.sort_key)
    result.fail_on = settings.fail_on
    return result


def lint_file(path: Path | str, settings: Settings | None = None) -> Result:
    path = Path(path)
    return lint_bytes(path.read_bytes(), str(path), settings)
