"""VX104 gather-undefined: $GATHER is read on a path with no Gather before it."""

from __future__ import annotations

from typing import Iterator

from ..ast import If, Say
from ..diagnostics import Diagnostic, make
from ..flow.analysis import GATHERED, NOT_GATHERED, State
from .context import CheckContext

CODE = "VX104"
HELP = "put a <Gather> before it on every path"


def _message(state: State, what: str) -> str:
    when = "on some paths no Gather has run" if state.gathered & GATHERED else "no Gather has run"
    return f"{what} reads $GATHER, but {when} before it, so $GATHER is empty there"


def _reads(say: Say, state: State) -> Iterator[Diagnostic]:
    for variable in say.text.variables:
        if variable.name == "$GATHER":
            span = say.content_sub_span((variable.offset, variable.offset + len(variable.name)))
            yield make(CODE, _message(state, "<Say>"), span, HELP)


def check(context: CheckContext) -> Iterator[Diagnostic]:
    states = context.analysis.states
    for say in context.of("Say"):
        if "$" in say.text:  # type: ignore[attr-defined]
            state = states.get(id(say))  # None for prompts: they run with their Gather, below
            if state is not None and state.gathered & NOT_GATHERED:
                yield from _reads(say, state)  # type: ignore[arg-type]
    for gather in context.of("Gather"):
        state = states.get(id(gather))
        if state is not None and state.gathered & NOT_GATHERED:
            for prompt in gather.children:
                if isinstance(prompt, Say) and "$" in prompt.text:
                    yield from _reads(prompt, state)
    for branch in context.of("If"):
        if isinstance(branch, If) and branch.variable == "$GATHER":
            state = states.get(id(branch))
            if state is not None and state.gathered & NOT_GATHERED:
                yield make(CODE, _message(state, "<If>"), branch.attribute_span("variable"), HELP)
