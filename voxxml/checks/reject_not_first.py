"""VX101 reject-not-first: a Reject after any other verb has no effect."""

from __future__ import annotations

from typing import Iterator

from ..hub.nodes import Reject
from ..core.diagnostics import Diagnostic, make
from ..analysis.states import NOTHING_RAN, SOMETHING_RAN
from .context import CheckContext

CODE = "VX101"


def check(context: CheckContext) -> Iterator[Diagnostic]:
    if not context.of(Reject.TAG):
        return  # no Reject (the reader's index): the visits need not be sorted by class
    for verb, state in context.analysis.visited.get(Reject, ()):  # a reached Reject's state is kept
        if not state.ran & SOMETHING_RAN:
            continue
        how = "on some paths other verbs have" if state.ran & NOTHING_RAN else "other verbs have"
        yield make(
            CODE,
            f"<Reject> has no effect here: {how} already run and answered the call; Reject works only as the first verb",
            verb.name_span,
            "move the Reject to the top of the document, or use <Hangup/> to end an answered call",
        )
