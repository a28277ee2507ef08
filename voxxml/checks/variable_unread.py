"""VX115 variable-unread: a Set whose variable nothing in the document reads.

Variables outlive the document: a Redirect or an action hands the call, with its variables, to the
next document, and the platform posts them (``Vars``) to webhooks. So only a document that hands
nothing on (no Redirect, no verb with an action or a status callback) is judged, and only Set (a
Gather's or Dial's output also records what happened). One diagnostic per variable, at its first Set.
The "did you mean" hint compares with every name read that nothing sets, for the first 100 findings of a
document (``context.SUGGESTIONS``): more would make the check quadratic.
"""

from __future__ import annotations

from typing import Iterator

from ..analysis.truth import shown
from ..core.diagnostics import Diagnostic, make
from ..hub import semantics
from ..hub.expressions import Var
from ..hub.nodes import Redirect, Set
from .context import SUGGESTIONS, CheckContext, document_order, element_name

CODE = "VX115"
_HANDS_ON = ("action", "status_callback", "recording_status_callback")


def check(context: CheckContext) -> Iterator[Diagnostic]:
    if context.fixed_input:
        return  # VoxXML v1 has no Set
    sets = [node for node in context.of("Set") if isinstance(node, Set) and node.output]
    if not sets:
        return
    read: set[str] = set()
    for node in context.document.walk():
        if isinstance(node, Redirect) or any(getattr(node, name, None) is not None for name in _HANDS_ON):
            return  # the variables go on to another document or a webhook
        if semantics.may_read(node):
            read.update(r.name for r in semantics.reads(node))
    reported: set[str] = set()
    unset_reads: list[str] | None = None  # the names read that nothing sets: made once, on the first finding
    for node in document_order(sets):  # type: ignore[arg-type]
        name = node.output  # type: ignore[attr-defined]
        if name in read or name in reported:
            continue
        reported.add(name)
        if unset_reads is None:
            unset_reads = sorted(n for n in read if n not in context.analysis.variables.writes)
        guess = _close(name, unset_reads) if len(reported) <= SUGGESTIONS else []
        hint = f"; did you mean to read it where {shown(Var(guess[0]))} is read?" if guess else ""
        yield make(
            CODE,
            f"<{element_name(node)} output='{name}'> stores a value nothing reads: no verb in this document reads {shown(Var(name))}, "
            f"and the document hands nothing on (no Redirect or action){hint}",
            node.attribute_span("output"),
            "read the variable where it is needed, or remove the Set",
        )


def _close(name: str, candidates: list[str]) -> list[str]:
    """The nearest name read (difflib, imported only when a Set is unread: not on a clean lint's path)."""
    from difflib import get_close_matches

    return get_close_matches(name, candidates, n=1, cutoff=0.6)
