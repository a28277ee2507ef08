"""Reporters turn diagnostics into output: one module per format.

Every reporter takes the results, the stream and the :class:`ReportOptions`. The
human formats (text, concise, github) print at most ``max_diagnostics`` findings
per file and say how many more there are; the machine formats (json, sarif) are
always complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..core.diagnostics import Diagnostic
from ..lint import Result

DEFAULT_MAX_DIAGNOSTICS = 100  # per file, in text, concise and github output


@dataclass(frozen=True)
class ReportOptions:
    max_diagnostics: int | None = DEFAULT_MAX_DIAGNOSTICS  # per file; None: no limit
    fixable: bool = False  # mark fixable findings [*] and count them (voxxml lint: its --fix)
    unsafe_fixes: bool = False  # unsafe fixes count as applicable ([*]) too
    quiet: bool = False  # diagnostics only: no summary


def applicable(diagnostic: Diagnostic, options: ReportOptions) -> bool:
    """Whether ``--fix`` (with ``--unsafe-fixes`` when given) would apply this diagnostic's fix."""
    fix = diagnostic.fix
    return options.fixable and fix is not None and bool(fix.edits) and (fix.safe or options.unsafe_fixes)


def shown(result: Result, options: ReportOptions) -> tuple[list[Diagnostic], int]:
    """The diagnostics to print for one file and how many are left out."""
    limit = options.max_diagnostics
    if limit is None or len(result.diagnostics) <= limit:
        return result.diagnostics, 0
    return result.diagnostics[:limit], len(result.diagnostics) - limit


def omitted_note(result: Result, omitted: int) -> str:
    noun = "diagnostic" if omitted == 1 else "diagnostics"
    return f"{result.path}: {omitted:,} more {noun} not shown (--max-diagnostics 0 shows all)"


Reporter = Callable[..., None]  # (results, out, options=ReportOptions()) -> None


def _registry() -> dict[str, Reporter]:
    from . import concise, github, json_format, sarif, text

    return {
        "text": text.report,
        "concise": concise.report,
        "json": json_format.report,
        "sarif": sarif.report,
        "github": github.report,
    }


REPORTERS: dict[str, Reporter] = _registry()
MACHINE_FORMATS = frozenset({"json", "sarif"})
