"""The default, human-readable format: location, code and message, then the
source line with the span underlined, then help; a summary line last.

Colours only on a terminal; NO_COLOR (and FORCE_COLOR) are honoured by rich.
"""

from __future__ import annotations

import os
from typing import TextIO

from rich.console import Console
from rich.text import Text

from ..diagnostics import Diagnostic
from ..lint import Result
from ..source import SourceMap

_STYLE = {"error": "bold red", "warning": "bold yellow"}


def _console(out: TextIO) -> Console:
    # NO_COLOR means no styling at all (rich alone would keep bold and underline).
    plain = {"color_system": None} if os.environ.get("NO_COLOR") else {}
    return Console(file=out, highlight=False, soft_wrap=True, emoji=False, **plain)


def snippet(diagnostic: Diagnostic, source: SourceMap | None) -> list[Text]:
    if source is None:
        return []
    span = diagnostic.span
    line = source.line_text(span.line).replace("\t", " ")
    if not line.strip():
        return []
    number = str(span.line)
    gutter = " " * len(number)
    end = span.end_column if span.end_line == span.line else len(line) + 1
    width = max(1, min(end, len(line) + 1) - span.column)
    style = _STYLE.get(diagnostic.severity.value, "bold")
    return [
        Text(f"{gutter} |", style="blue"),
        Text.assemble((f"{number} | ", "blue"), line),
        Text.assemble((f"{gutter} | ", "blue"), " " * (span.column - 1), ("^" * width, style)),
    ]


def render(diagnostic: Diagnostic, source: SourceMap | None) -> list[Text]:
    span = diagnostic.span
    head = Text.assemble(
        (f"{diagnostic.path}:{span.line}:{span.column}:", "bold"),
        " ",
        (diagnostic.code, _STYLE.get(diagnostic.severity.value, "bold")),
        " ",
        diagnostic.message,
    )
    lines = [head, *snippet(diagnostic, source)]
    if diagnostic.help:
        lines.append(Text.assemble(("  = help: ", "cyan"), diagnostic.help))
    return lines


def summary(results: list[Result]) -> Text:
    errors = sum(1 for r in results for d in r.diagnostics if d.severity.value == "error")
    warnings = sum(1 for r in results for d in r.diagnostics if d.severity.value == "warning")
    files = len(results)
    noun = "file" if files == 1 else "files"
    if not errors and not warnings:
        return Text(f"All checks passed: {files} {noun}, no problems.", style="green")
    affected = sum(1 for r in results if r.diagnostics)
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return Text(f"Found {' and '.join(parts)} in {affected} of {files} {noun}.", style="bold")


def report(results: list[Result], out: TextIO) -> None:
    console = _console(out)
    for result in results:
        for diagnostic in result.diagnostics:
            for line in render(diagnostic, result.source):
                console.print(line)
            console.print()
    console.print(summary(results))
