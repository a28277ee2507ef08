"""``--output-format concise``: one line per diagnostic (``[*]`` when fixable), then the summary."""

from __future__ import annotations

from typing import TextIO

from ..pipeline import Result
from . import ReportOptions, omitted_note, shown
from .text import marker, plain, shorten, summary


def report(results: list[Result], out: TextIO, options: ReportOptions = ReportOptions()) -> None:
    for result in results:
        diagnostics, omitted = shown(result, options)
        for d in diagnostics:
            message = shorten(d.message)
            out.write(f"{d.path}:{d.span.line}:{d.span.column}: {d.code} {marker(d, options)}[{d.severity.value}] {message}\n")
        if omitted:
            out.write(omitted_note(result, omitted) + "\n")
    if not options.quiet:
        out.write(plain(summary(results, options)) + "\n")
