"""``--format json``: one JSON array, one object per diagnostic."""

from __future__ import annotations

from typing import Any, TextIO

from ..core.diagnostics import Diagnostic
from ..pipeline import Result


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
    out.write((dumps(records) if records else "[]") + "\n")  # no finding: json is not even imported


def dumps(records: list[dict[str, Any]]) -> str:
    """``json.dumps(records, indent=2, ensure_ascii=False)``, the same text: json indents with its
    pure-Python encoder (the C one writes no indentation), which took longer than the rest of the
    report. Records whose values are strings, integers, None, or tables of strings (all a diagnostic
    has) are written here with json's own string encoder; anything else goes to json."""
    import json
    from json.encoder import encode_basestring  # the C function json itself writes a string with (ensure_ascii=False)

    parts = []
    for record in records:
        fields = []
        for key, value in record.items():
            kind = type(value)
            if kind is str:
                text = encode_basestring(value)
            elif kind is int:
                text = int.__repr__(value)
            elif value is None:
                text = "null"
            elif kind is dict and value and all(type(k) is str and type(v) is str for k, v in value.items()):
                inner = ",\n".join(f"      {encode_basestring(k)}: {encode_basestring(v)}" for k, v in value.items())
                text = "{\n" + inner + "\n    }"
            else:
                return json.dumps(records, indent=2, ensure_ascii=False)
            if type(key) is not str:
                return json.dumps(records, indent=2, ensure_ascii=False)
            fields.append(f"    {encode_basestring(key)}: {text}")
        parts.append("  {\n" + ",\n".join(fields) + "\n  }" if fields else "  {}")
    return "[\n" + ",\n".join(parts) + "\n]" if parts else "[]"
