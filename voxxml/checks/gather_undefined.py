"""VX104 gather-undefined: $GATHER is read on a path with no Gather before it."""

from __future__ import annotations

from typing import Iterator

from ..ast import Gather, If, Say
from ..diagnostics import Diagnostic, make
from ..flow.analysis import GATHERED, NOT_GATHERED, State
from .context import CheckContext

CODE = "VX104"


def _message(state: State, what: str) -> str:
    when = "on some paths no Gather has run" if state.gathered & GATHERED else "no Gather has run"
    return f"{what} reads $GATHER, but {when} before it, so $GATHER is empty there"


def check(context: CheckContext) -> Iterator[Diagnostic]:
    help = "put a <Gather> before it on every path"
    for node in context.graph.nodes:
        state = context.analysis.state(node)
        if state is None or not state.gathered & NOT_GATHERED:
            continue
        verb = node.verb
        if isinstance(verb, If) and verb.variable == "$GATHER":
            yield make(CODE, _message(state, "<If>"), verb.attribute_span("variable"), help)
        says = [verb] if isinstance(verb, Say) else [p for p in verb.prompts if isinstance(p, Say)] if isinstance(verb, Gather) else []
        for say in says:
            for variable in say.text.variables:
                if variable.name == "$GATHER":
                    span = say.content_sub_span((variable.offset, variable.offset + len(variable.name)))
                    yield make(CODE, _message(state, "<Say>"), span, help)
