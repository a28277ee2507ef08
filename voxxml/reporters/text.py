"""The default, human-readable format: location, code and message, then the
source line with the span underlined, then help; a summary line last.

Bounded output, whatever the input: a source line longer than ``MAX_LINE``
characters is cut to a window around the span (``...`` marks the cuts, as ruff
does), long messages are shortened, and at most ``max_diagnostics`` findings are
printed per file (the rest are counted). Fixable findings carry ``[*]``.

Colours only on a terminal; NO_COLOR (and FORCE_COLOR) are honoured by rich.
"""

from __future__ import annotations

import os
from typing import TextIO

from rich.console import Console
from rich.text import Text

from ..core.diagnostics import Diagnostic
from ..lint import Result
from ..core.source import SourceMap
from . import ReportOptions, applicable, omitted_note, shown

_STYLE = {"error": "bold red", "warning": "bold yellow"}
MAX_LINE = 160  # a source line up to this long is shown whole
BEFORE = 40  # characters kept before the span in a cut line
WINDOW = 140  # characters of a cut line shown (the terminal width ruff assumes)
MAX_MESSAGE = 500  # characters of a message or help shown
CUT = "..."


def console(out: TextIO) -> Console:
    """A console that writes plain text when NO_COLOR is set or ``out`` is not a terminal."""
    # NO_COLOR means no styling at all (rich alone would keep bold and underline).
    plain = {"color_system": None} if os.environ.get("NO_COLOR") else {}
    return Console(file=out, highlight=False, soft_wrap=True, emoji=False, **plain)


def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - len(CUT)] + CUT


def window(source: SourceMap, line: int, column: int, end_column: int | None) -> tuple[str, int, int] | None:
    """The shown part of ``line``, the caret's start in it (0-based) and the caret's width.

    Slices only the window: a 1 MB line costs the same as a short one.
    """
    starts = source.line_starts
    if not 1 <= line <= len(starts):
        return None
    text = source.text
    start = starts[line - 1]
    stop = starts[line] if line < len(starts) else len(text)
    while stop > start and text[stop - 1] in "\r\n":
        stop -= 1
    length = stop - start
    column = max(1, min(column, length + 1))
    end = length + 1 if end_column is None else max(column + 1, min(end_column, length + 1))
    if length <= MAX_LINE:
        first, last, prefix, suffix = 0, length, "", ""
    else:
        first = max(0, min(column - 1 - BEFORE, length - WINDOW))
        last = min(length, first + WINDOW)
        prefix, suffix = (CUT if first > 0 else ""), (CUT if last < length else "")
    shown_text = text[start + first : start + last].replace("\t", " ")
    if not shown_text.strip():
        return None
    caret = len(prefix) + column - 1 - first
    width = max(1, min(end, last + 1) - column)
    return prefix + shown_text + suffix, caret, width


def snippet(diagnostic: Diagnostic, source: SourceMap | None) -> list[Text]:
    if source is None:
        return []
    span = diagnostic.span
    cut = window(source, span.line, span.column, span.end_column if span.end_line == span.line else None)
    if cut is None:
        return []
    line, caret, width = cut
    number = str(span.line)
    gutter = " " * len(number)
    style = _STYLE.get(diagnostic.severity.value, "bold")
    return [
        Text(f"{gutter} |", style="blue"),
        Text.assemble((f"{number} | ", "blue"), line),
        Text.assemble((f"{gutter} | ", "blue"), " " * caret, ("^" * width, style)),
    ]


def marker(diagnostic: Diagnostic, options: ReportOptions) -> str:
    return "[*] " if applicable(diagnostic, options) else ""


def render(diagnostic: Diagnostic, source: SourceMap | None, options: ReportOptions = ReportOptions()) -> list[Text]:
    span = diagnostic.span
    head = Text.assemble(
        (f"{diagnostic.path}:{span.line}:{span.column}:", "bold"),
        " ",
        (diagnostic.code, _STYLE.get(diagnostic.severity.value, "bold")),
        " ",
        (marker(diagnostic, options), "cyan"),
        shorten(diagnostic.message),
    )
    lines = [head, *snippet(diagnostic, source)]
    if diagnostic.help:
        lines.append(Text.assemble(("  = help: ", "cyan"), shorten(diagnostic.help)))
    return lines


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def fixable_note(results: list[Result], options: ReportOptions) -> str | None:
    """``[*] N fixable with `--fix` (M more with `--unsafe-fixes`).``; None when nothing is fixable."""
    if not options.fixable:
        return None
    fixes = [d.fix for r in results for d in r.diagnostics if d.fix is not None and d.fix.edits]
    safe = sum(1 for fix in fixes if fix.safe)
    unsafe = len(fixes) - safe
    if not fixes:
        return None
    if options.unsafe_fixes:
        return f"[*] {len(fixes)} fixable with `--fix --unsafe-fixes`."
    more = f" ({unsafe} more with `--unsafe-fixes`)" if unsafe else ""
    return f"[*] {safe} fixable with `--fix`{more}." if safe else f"No fixes available{more}."


def summary(results: list[Result], options: ReportOptions = ReportOptions()) -> Text:
    errors = sum(1 for r in results for d in r.diagnostics if d.severity.value == "error")
    warnings = sum(1 for r in results for d in r.diagnostics if d.severity.value == "warning")
    files = len(results)
    noun = "file" if files == 1 else "files"
    if not errors and not warnings:
        return Text(f"All checks passed: {files} {noun}, no problems.", style="green")
    affected = sum(1 for r in results if r.diagnostics)
    parts = []
    if errors:
        parts.append(_plural(errors, "error"))
    if warnings:
        parts.append(_plural(warnings, "warning"))
    text = Text(f"Found {' and '.join(parts)} in {affected} of {files} {noun}.", style="bold")
    note = fixable_note(results, options)
    if note:
        text.append("\n" + note)
    return text


def report(results: list[Result], out: TextIO, options: ReportOptions = ReportOptions()) -> None:
    output = console(out)
    for result in results:
        diagnostics, omitted = shown(result, options)
        for diagnostic in diagnostics:
            for line in render(diagnostic, result.source, options):
                output.print(line)
            output.print()
        if omitted:
            output.print(Text(omitted_note(result, omitted), style="bold"))
            output.print()
    if not options.quiet:
        output.print(summary(results, options))
