"""VX113 after-action: verbs after a verb whose action always ends the document.

A Record, Dial or Pay with ``action`` (and a Gather with ``action`` and ``actionOnEmptyResult``) posts
its result there, and the document fetched replaces the rest of this one (``hub.semantics``: the
REDIRECT ending), so the verbs after it run only if that fetch fails. A Gather with ``action`` but
without ``actionOnEmptyResult`` continues when the caller enters nothing: the verbs after it are its
no-input path, and nothing is reported. VX103 stays the code for verbs after a ``<Redirect>``.
"""

from __future__ import annotations

from typing import Iterator

from ..core.diagnostics import Diagnostic, make
from ..hub.nodes import Gather, Redirect
from .context import CheckContext, written

CODE = "VX113"


def check(context: CheckContext) -> Iterator[Diagnostic]:
    for region in context.analysis.after_redirect:
        verb = region.redirect
        if verb is None or isinstance(verb, Redirect):
            continue  # VX103
        try:
            action_name = written(verb, ("action",))[0]
        except (KeyError, AttributeError):  # a node no vocabulary spec describes (built in Python)
            action_name = "action"
        action = getattr(verb, "action", None) or ""
        where = f" on line {verb.line}" if verb.line else ""
        always = ""
        if isinstance(verb, Gather) and verb.action_on_empty_result:
            always = f" (with {written(verb, ('action_on_empty_result',))[0]}='true' it fetches even when the caller enters nothing)"
        yield make(
            CODE,
            f"<{region.first.TAG}> runs only if the <{verb.TAG} {action_name}='{action}'>{where} fails to fetch its document: "
            f"{verb.TAG} posts its result to '{action}' and the document fetched replaces the rest of this one{always}",
            region.first.span,
            f"move these verbs before the {verb.TAG}, or into the document at '{action}'; "
            "if they are a fallback for a failed fetch, add a suppression comment saying so",
        )
