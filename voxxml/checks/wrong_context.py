"""VX111 wrong-context: a verb the resource the VoxXML is sent to does not support.

VoxXML goes to calls, conferences and conference participants (--context). Which
verbs each accepts is data: `contexts` in grammar/vocabulary.toml, with the reasons.
"""

from __future__ import annotations

from typing import Iterator

from ..diagnostics import Diagnostic, make
from .context import CheckContext

CODE = "VX111"


def check(context: CheckContext) -> Iterator[Diagnostic]:
    resource = context.resource
    flagged: set[int] = set()
    for node, parent in context.with_parents():
        spec = node.spec()
        if resource not in spec.contexts:
            flagged.add(id(node))
            if id(parent) in flagged:
                continue  # the Numbers of an unsupported Dial: the Dial is reported
            where = ", ".join(spec.contexts)
            yield make(
                CODE,
                f"<{node.TAG}> is not supported when VoxXML is sent to a {resource}; it works for: {where}",
                node.name_span,
                spec.context_note,
            )
