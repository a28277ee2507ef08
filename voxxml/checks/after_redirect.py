"""VX103 after-redirect: verbs after a Redirect run only if fetching its target fails.

VX103 keeps its meaning (verbs after a ``<Redirect>``); verbs after another verb whose action always
ends the document (a Record, Dial or Pay with action, a Gather with action and actionOnEmptyResult)
are VX113 (checks/after_action.py), so that a code never changes what it means."""

from __future__ import annotations

from typing import Iterator

from ..core.diagnostics import Diagnostic, make
from ..hub.nodes import Redirect
from .context import CheckContext

CODE = "VX103"


def check(context: CheckContext) -> Iterator[Diagnostic]:
    for region in context.analysis.after_redirect:
        redirect = region.redirect
        if redirect is not None and not isinstance(redirect, Redirect):
            continue  # an action's fetch: VX113
        target = f" to {redirect.url}" if redirect is not None and redirect.url else ""
        where = f" on line {redirect.line}" if redirect is not None and redirect.line else ""
        yield make(
            CODE,
            f"<{region.first.TAG}> runs only if the <Redirect>{where}{target} fails to fetch its document; "
            "when the fetch succeeds the fetched VoxXML replaces the rest of this one",
            region.first.span,
            "if these verbs are a fallback, add a suppression comment saying so; otherwise move them before the Redirect",
        )
