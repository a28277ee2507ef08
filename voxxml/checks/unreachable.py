"""VX102 unreachable: verbs that no path reaches. One diagnostic per region, at its first verb."""

from __future__ import annotations

from typing import Iterator

from ..core import fixes
from ..core.diagnostics import Diagnostic, make
from ..core.fixes import Fix
from ..analysis.states import Region, ends_how
from .context import CheckContext

CODE = "VX102"

_AFTER = {
    "hangup": "the <Hangup> on line {line} has ended the call",
    "forever": "the <{tag} loop='0'> on line {line} repeats until the caller hangs up",
    "reject": "the <Reject> on line {line} rejects the call",
    "handoff": "the <{tag}> on line {line} hands the call over and nothing after it runs in this document",
}


def why(context: CheckContext, region: Region) -> str:
    previous = region.previous
    how = ends_how(previous) if previous is not None else None
    if previous is not None and how in _AFTER:
        return _AFTER[how].format(line=previous.line, tag=previous.TAG)
    if region.parent is not None:
        return f"the condition of the <If> on line {region.parent.line} can never hold"
    return "no path through the document reaches it"


def removal(region: Region) -> Fix | None:
    """Removing the region changes nothing that runs, but may remove what the author meant to run: unsafe."""
    first, last = region.first, region.last
    if first.source is None or first.index is None or last.index is None:
        return None
    return Fix("Remove the unreachable verbs", fixes.remove_elements(first.source, first.index, last.index), safe=False)


def check(context: CheckContext) -> Iterator[Diagnostic]:
    for region in context.analysis.unreachable:
        yield make(
            CODE,
            f"unreachable <{region.first.TAG}>: {why(context, region)}",
            region.first.span,
            "remove the unreachable verbs, or move them before the verb that ends the flow",
            removal(region),
        )
