"""``--format concise``: one line per diagnostic, then the summary."""

from __future__ import annotations

from typing import TextIO

from ..lint import Result
from .text import summary


def report(results: list[Result], out: TextIO) -> None:
    for result in results:
        for d in result.diagnostics:
            out.write(f"{d.path}:{d.span.line}:{d.span.column}: {d.code} [{d.severity.value}] {d.message}\n")
    out.write(summary(results).plain + "\n")
