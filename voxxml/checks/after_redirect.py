"""VX103 after-redirect: verbs after a Redirect run only if fetching its target fails."""

from __future__ import annotations

from typing import Iterator

from ..ast import Redirect
from ..diagnostics import Diagnostic, make
from ..flow.analysis import AFTER_REDIRECT
from .context import CheckContext

CODE = "VX103"


def check(context: CheckContext) -> Iterator[Diagnostic]:
    for first, _ in context.regions(AFTER_REDIRECT):
        state = context.analysis.state(first)
        redirect = context.graph.nodes[state.redirect].verb if state and state.redirect >= 0 else None
        target = f" to {redirect.url}" if isinstance(redirect, Redirect) and redirect.url else ""
        where = f" on line {redirect.line}" if redirect is not None and redirect.line else ""
        yield make(
            CODE,
            f"<{first.verb.TAG}> runs only if the <Redirect>{where}{target} fails to fetch its document; "
            "when the fetch succeeds the fetched VoxXML replaces the rest of this one",
            first.verb.span,
            "if these verbs are a fallback, add a suppression comment saying so; otherwise move them before the Redirect",
        )
