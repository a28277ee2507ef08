"""Lint editor text and place the diagnostics in it.

An editor holds text, not bytes: the document is linted as UTF-8. A document that
declares another encoding (``<?xml version='1.0' encoding='ISO-8859-1'?>``) has
the declaration's encoding name replaced by UTF-8 before linting, or the UTF-8
bytes would be decoded as Latin-1; a leading byte order mark is dropped. Both are
on the first line, so positions are mapped back there; every other line is the
same in the linted text and in the editor.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types

from ..core import xmlparse
from ..core.catalog import Severity
from ..config import Settings
from ..core.diagnostics import Diagnostic
from ..dialects import DEFAULT, Dialect, dialects, get_dialect
from ..pipeline import run
from .positions import LineIndex

SOURCE = "voxxml"
# Codes whose span is text that has no effect: editors show it faded.
UNNECESSARY = frozenset({"VX102", "VX106", "VX112"})

_UTF8 = "UTF-8"


@dataclass(frozen=True, slots=True)
class Finding:
    """A voxxml diagnostic and its character offsets in the editor text."""

    diagnostic: Diagnostic
    start: int
    end: int
    edits: tuple[tuple[int, int, str], ...] = ()  # the diagnostic's fix, placed in the editor text
    suggested: tuple[tuple[int, int, str], ...] = ()  # its suggestion, placed in the editor text


@dataclass(frozen=True)
class Prepared:
    """The text that is linted, and how its offsets map back to the editor's."""

    text: str
    bom: int  # 1 if the editor text starts with U+FEFF (dropped)
    value_start: int = -1  # where the replaced encoding name starts, in the linted text
    old_length: int = 0  # the length of the encoding name it replaced

    def to_editor(self, offset: int) -> int:
        if self.value_start >= 0 and offset > self.value_start:
            if offset >= self.value_start + len(_UTF8):
                offset += self.old_length - len(_UTF8)
            else:
                offset = min(offset, self.value_start + self.old_length)
        return offset + self.bom


def _other_encoding(name: str) -> bool:
    """A known text encoding that is not UTF-8 (an unknown one is left for the linter to report)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return False
    return getattr(info, "_is_text_encoding", True) and info.name != "utf-8"


def prepare(text: str) -> Prepared:
    bom = 1 if text.startswith("\ufeff") else 0
    body = text[bom:]
    match = xmlparse.xml_declaration(body)
    if match is None or match.group("bom") or match.group("encoding") is None or not _other_encoding(match.group("encoding")):
        return Prepared(body, bom)
    start, end = match.span("encoding")
    return Prepared(body[:start] + _UTF8 + body[end:], bom, start, end - start)


def dialect_for(path: str) -> Dialect:
    """The dialect that reads a document: the registered one (first by name) whose suffixes claim its
    path, else the default. By suffix only: the editor's text, not the file on disk, is what is linted."""
    file = Path(path)
    return next((d for d in map(get_dialect, dialects()) if d.claims(file)), None) or get_dialect(DEFAULT)


def lint_text(
    text: str,
    path: str,
    settings: Settings,
    index: LineIndex | None = None,
    dialect: Dialect | None = None,
    keep: list[object] | None = None,
) -> list[Finding]:
    """Lint editor text, read with ``dialect`` (by default the one for ``path``); every finding is
    placed by character offsets into ``text``.

    ``keep``, when given, receives the pipeline's result (the AST, the source map): the server
    frees them after it has published the diagnostics, not before (freeing a 2,000-line
    document's tree is a measurable part of a lint)."""
    index = index if index is not None and index.text == text else LineIndex(text)
    prepared = prepare(text)
    data = prepared.text.encode("utf-8", "surrogatepass")
    result = run(data, path, settings, dialect=dialect if dialect is not None else dialect_for(path))
    if keep is not None:
        keep.append(result)
    if result.source is not None and prepared.bom == 0 and prepared.value_start < 0:
        starts = index.starts
    elif result.source is not None:
        starts = result.source.line_starts
    else:
        starts = LineIndex(prepared.text).starts
    length = len(prepared.text)
    undecodable = _undecodable_offset(data) if result.source is None else None

    def offset(line: int, column: int) -> int:
        line = max(1, min(line, len(starts)))
        start = starts[line - 1]
        end = starts[line] if line < len(starts) else length
        while end > start and prepared.text[end - 1] in "\r\n":
            end -= 1
        return min(start + max(column, 1) - 1, end)

    findings = []
    for diagnostic in result.diagnostics:
        span = diagnostic.span
        if undecodable is not None and diagnostic.code == "VX001":
            start, end = undecodable, min(undecodable + 1, length)
        elif result.source is not None and span.start >= 0:  # offsets into the linted text
            start, end = span.start, max(span.start, span.end)
        else:
            start = offset(span.line, span.column)
            end = max(start, offset(span.end_line, span.end_column))
        edits: tuple[tuple[int, int, str], ...] = ()
        suggested: tuple[tuple[int, int, str], ...] = ()
        if result.source is not None:
            if diagnostic.fix is not None:
                edits = tuple((prepared.to_editor(e.start), prepared.to_editor(e.end), e.text) for e in diagnostic.fix.edits)
            if diagnostic.suggestion is not None:
                suggested = tuple((prepared.to_editor(e.start), prepared.to_editor(e.end), e.text) for e in diagnostic.suggestion.edits)
        findings.append(Finding(diagnostic, prepared.to_editor(start), prepared.to_editor(end), edits, suggested))
    return findings


def _undecodable_offset(data: bytes) -> int | None:
    """Where the text stops being decodable (a NUL or a lone surrogate), as a character offset.

    The linter places that error itself, but by counting characters of a Latin-1
    reading of the bytes, which is off after any non-ASCII character; here the
    offset is recomputed from the decoder's own report.
    """
    _, problem = xmlparse.decode(data)
    return None if problem is None else problem.offset


def _message(diagnostic: Diagnostic) -> str:
    return diagnostic.message if not diagnostic.help else f"{diagnostic.message}\nhelp: {diagnostic.help}"


def to_json(finding: Finding, index: LineIndex) -> dict[str, Any]:
    """The finding as the JSON object of an LSP Diagnostic: exactly what pygls's converter makes of
    ``to_lsp(finding, index)`` (tests/test_lsp_equivalence.py compares them), built directly. Building
    lsprotocol objects and unstructuring them with cattrs took longer than the lint of a document
    with hundreds of findings."""
    diagnostic = finding.diagnostic
    found: dict[str, Any] = {
        "range": index.range_json(finding.start, finding.end),
        "message": _message(diagnostic),
        "severity": _ERROR if diagnostic.severity is Severity.ERROR else _WARNING,
        "code": diagnostic.code,
        "source": SOURCE,
    }
    if diagnostic.code in UNNECESSARY:
        found["tags"] = [_UNNECESSARY_TAG]
    found["data"] = {"name": diagnostic.name, "help": diagnostic.help}
    return found


_ERROR = types.DiagnosticSeverity.Error.value
_WARNING = types.DiagnosticSeverity.Warning.value
_UNNECESSARY_TAG = types.DiagnosticTag.Unnecessary.value


def to_lsp(finding: Finding, index: LineIndex) -> types.Diagnostic:
    diagnostic = finding.diagnostic
    message = _message(diagnostic)
    return types.Diagnostic(
        range=index.range(finding.start, finding.end),
        message=message,
        severity=types.DiagnosticSeverity.Error
        if diagnostic.severity is Severity.ERROR
        else types.DiagnosticSeverity.Warning,
        code=diagnostic.code,
        source=SOURCE,
        tags=[types.DiagnosticTag.Unnecessary] if diagnostic.code in UNNECESSARY else None,
        data={"name": diagnostic.name, "help": diagnostic.help},
    )
