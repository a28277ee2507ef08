"""Reporters turn diagnostics into output: one module per format.

Every reporter takes the results, the stream and the :class:`ReportOptions`. The
human formats (text, concise, github) print at most ``max_diagnostics`` findings
per file and say how many more there are; the machine formats (json, sarif) are
always complete.
"""

from __future__ import annotations

from ..core.records import dataclass
from collections.abc import Iterator, Mapping
from typing import Callable

from ..core.diagnostics import Diagnostic
from ..pipeline import Result

DEFAULT_MAX_DIAGNOSTICS = 100  # per file, in text, concise and github output


@dataclass(frozen=True)
class ReportOptions:
    """How reporters print: the per-file limit, fix markers, and whether to print the summary."""

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


class _Registry(Mapping[str, Reporter]):
    """Format name -> reporter, each module imported when its format is asked for (the text format's
    rich only when it prints to a terminal, the others never on a run that does not use them)."""

    _modules = {"text": "text", "concise": "concise", "json": "json_format", "sarif": "sarif", "github": "github"}

    def __getitem__(self, name: str) -> Reporter:
        from importlib import import_module

        return import_module(f"{__name__}.{self._modules[name]}").report  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


REPORTERS: Mapping[str, Reporter] = _Registry()
MACHINE_FORMATS = frozenset({"json", "sarif"})
