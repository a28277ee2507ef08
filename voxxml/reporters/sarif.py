"""``--format sarif``: SARIF 2.1.0, with rule metadata and help from the rules/ pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from ..core.version import __version__
from ..core.catalog import rules
from ..lint import Result

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning"}


def _rule(entry: Any) -> dict[str, Any]:
    return {
        "id": entry.code,
        "name": entry.name,
        "shortDescription": {"text": entry.summary},
        "fullDescription": {"text": entry.summary},
        "help": {"text": entry.body, "markdown": entry.body},
        "defaultConfiguration": {"level": _LEVEL[entry.severity.value]},
        "properties": {"category": entry.category},
    }


def _uri(path: str | None) -> str:
    if not path or path.startswith("<"):
        return path or "<stdin>"
    return Path(path).as_posix()


def sarif_log(results: list[Result]) -> dict[str, Any]:
    catalogue = list(rules().values())
    index = {entry.code: position for position, entry in enumerate(catalogue)}
    findings = []
    for result in results:
        for d in result.diagnostics:
            findings.append(
                {
                    "ruleId": d.code,
                    "ruleIndex": index[d.code],
                    "level": _LEVEL[d.severity.value],
                    "message": {"text": d.message + (f" ({d.help})" if d.help else "")},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": _uri(d.path)},
                                "region": {
                                    "startLine": d.span.line,
                                    "startColumn": d.span.column,
                                    "endLine": d.span.end_line,
                                    "endColumn": d.span.end_column,
                                },
                            }
                        }
                    ],
                }
            )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "voxxml",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule(entry) for entry in catalogue],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": findings,
            }
        ],
    }


def report(results: list[Result], out: TextIO, options: object = None) -> None:
    """Always every diagnostic: ``options`` (max_diagnostics, quiet) do not apply to machine output."""
    json.dump(sarif_log(results), out, indent=2, ensure_ascii=False)
    out.write("\n")
