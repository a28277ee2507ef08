"""VX108 empty-body: a Dial without Numbers, an If without verbs, a Gather without prompts."""

from __future__ import annotations

from typing import Iterator

from ..ast import Dial, Gather, If
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


def check(context: CheckContext) -> Iterator[Diagnostic]:
    for node in context.of(*(kind.TAG for kind in _WHY)):
        entry = _WHY[type(node)]
        if not node.children:
            yield make(CODE, entry[0], node.name_span, entry[1])
