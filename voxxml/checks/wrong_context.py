"""VX111 wrong-context: a verb the resource the VoxXML is sent to does not support.

VoxXML goes to calls, conferences and conference participants (--context). Which
verbs each accepts is data: `contexts` in grammar/voxxml-v1/vocabulary.toml, with the reasons.
"""

from __future__ import annotations

from functools import cache
from typing import Iterator

from ..core.diagnostics import Diagnostic, make
from ..dialects import vocabulary_of
from ..dialects.voxxml_v1.grammar import grammar
from .context import CheckContext

CODE = "VX111"


def check(context: CheckContext) -> Iterator[Diagnostic]:
    resource = context.resource
    index = context.by_tag
    unsupported = _unsupported(resource)
    if not any(map(index.get, unsupported)):
        return  # the common case, tested in C
    nodes = [node for tag in unsupported for node in index.get(tag, ())]
    inside = {id(child) for node in nodes for child in node.children}
    for node in nodes:
        spec = vocabulary_of(node).spec_of(node)
        if id(node) not in inside:  # the Numbers of an unsupported Dial: the Dial is reported
            where = ", ".join(spec.contexts)
            yield make(
                CODE,
                f"<{node.TAG}> is not supported when VoxXML is sent to a {resource}; it works for: {where}",
                node.name_span,
                spec.context_note,
            )


@cache
def _unsupported(resource: str) -> tuple[str, ...]:
    """The elements the resource does not support (the grammar's data, read once per resource)."""
    return tuple(name for name, spec in grammar().elements.items() if resource not in spec.contexts)
