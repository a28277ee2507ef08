"""VX108 empty-body: a Dial without Numbers, an If without verbs, a Gather without prompts."""

from __future__ import annotations

from typing import Iterator

from ..hub.nodes import Dial, Gather, If
from ..core.diagnostics import Diagnostic, make
from .context import CheckContext

CODE = "VX108"

_WHY = {
    Dial: ("<Dial> has no <Number>: it dials nothing", "add the <Number> elements to dial"),
    If: ("<If> has no verbs: the comparison does nothing", "add the verbs to run, or remove the If"),
    Gather: (
        "<Gather> has no <Say> or <Play>: the caller hears nothing while it waits for input",
        "add a prompt that tells the caller what to enter",
    ),
}


# Per kind: its tag, its children's field (its one content field, ``CONTENT``, read as a field: the ``children``
# property is a Python call per node, and this check reads every If, Gather and Dial of every document), and
# the message and help; worked out once, not per document.
_KINDS = tuple((kind.TAG, kind.CONTENT[0], message, help) for kind, (message, help) in _WHY.items())


def check(context: CheckContext) -> Iterator[Diagnostic]:
    index = context.by_tag
    for tag, children, message, help in _KINDS:
        for node in index.get(tag, ()):
            if not getattr(node, children):
                yield make(CODE, message, node.name_span, help)
