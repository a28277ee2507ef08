"""VX104 gather-undefined: $GATHER is read on a path with no Gather before it."""

from __future__ import annotations

from typing import Iterator

from ..ast import If, Node, Say
from ..diagnostics import Diagnostic, make
from ..flow.analysis import GATHERED, NOT_GATHERED, State
from .context import CheckContext

CODE = "VX104"
HELP = "put a <Gather> before it on every path"


def _message(state: State, what: str) -> str:
    when = "on some paths no Gather has run" if state.gathered & GATHERED else "no Gather has run"
    return f"{what} reads $GATHER, but {when} before it, so $GATHER is empty there"


def _reads(say: Say, state: State) -> Iterator[Diagnostic]:
    if "$" not in say.text.text:
        return
    for variable in say.text.variables:
        if variable.name == "$GATHER":
            span = say.content_sub_span((variable.offset, variable.offset + len(variable.name)))
            yield make(CODE, _message(state, "<Say>"), span, HELP)


def check(context: CheckContext) -> Iterator[Diagnostic]:
    analysis = context.analysis
    readers: list[tuple[Node, Node]] = [(say, say) for say in context.of("Say")]
    readers += [(prompt, gather) for gather in context.of("Gather") for prompt in gather.children]  # prompts run with the Gather's state
    readers += [(branch, branch) for branch in context.of("If")]
    for node, verb in readers:
        state = analysis.state(verb)  # type: ignore[arg-type]
        if state is None or not state.gathered & NOT_GATHERED:
            continue
        if isinstance(node, If) and node.variable == "$GATHER":
            yield make(CODE, _message(state, "<If>"), node.attribute_span("variable"), HELP)
        elif isinstance(node, Say):
            yield from _reads(node, state)
