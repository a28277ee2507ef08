"""``--format json``: one JSON array, one object per diagnostic."""

from __future__ import annotations

import json
from typing import Any, TextIO

from ..core.diagnostics import Diagnostic
from ..lint import Result


def as_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    record: dict[str, Any] = {
        "path": diagnostic.path,
        "line": diagnostic.span.line,
        "column": diagnostic.span.column,
        "end_line": diagnostic.span.end_line,
        "end_column": diagnostic.span.end_column,
        "code": diagnostic.code,
        "name": diagnostic.name,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
    }
    if diagnostic.help:
        record["help"] = diagnostic.help
    fix = diagnostic.fix
    if fix is not None and fix.edits:  # as ruff's JSON: what --fix would do, and whether it needs --unsafe-fixes
        record["fix"] = {"message": fix.title, "applicability": "safe" if fix.safe else "unsafe"}
    return record


def report(results: list[Result], out: TextIO, options: object = None) -> None:
    """Always every diagnostic: ``options`` (max_diagnostics, quiet) do not apply to machine output."""
    records = [as_dict(d) for result in results for d in result.diagnostics]
    json.dump(records, out, indent=2, ensure_ascii=False)
    out.write("\n")
