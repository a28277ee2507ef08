"""``--format github``: GitHub Actions workflow commands, so findings annotate the diff.

    ::error file=ivr.voxxml,line=3,col=5,endLine=3,endColumn=9,title=VX005::message
"""

from __future__ import annotations

from typing import TextIO

from ..pipeline import Result
from . import ReportOptions, omitted_note, shown
from .text import shorten


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def report(results: list[Result], out: TextIO, options: ReportOptions = ReportOptions()) -> None:
    for result in results:
        diagnostics, omitted = shown(result, options)
        if omitted:  # one notice, on the file
            out.write(f"::notice file={_property(result.path)},title=voxxml::{_data(omitted_note(result, omitted))}\n")
        for d in diagnostics:
            span = d.span
            fields = ",".join(
                [
                    f"file={_property(d.path or '')}",
                    f"line={span.line}",
                    f"col={span.column}",
                    f"endLine={span.end_line}",
                    f"endColumn={span.end_column}",
                    f"title={_property(d.code)}",
                ]
            )
            message = shorten(d.message) + (f"\n{shorten(d.help)}" if d.help else "")
            out.write(f"::{d.severity.value} {fields}::{_data(f'{d.name}: {message}')}\n")
