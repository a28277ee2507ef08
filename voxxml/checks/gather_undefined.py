"""VX104 gather-undefined: $GATHER is read on a path with no Gather before it."""

from __future__ import annotations

from typing import Iterator

from ..ast import Gather, If, Say
from ..core.diagnostics import Diagnostic, make
from ..analysis.states import GATHERED, NOT_GATHERED, State
from .context import CheckContext

CODE = "VX104"
HELP = "put a <Gather> before it on every path"


def _message(state: State, what: str) -> str:
    when = "on some paths no Gather has run" if state.gathered & GATHERED else "no Gather has run"
    return f"{what} reads $GATHER, but {when} before it, so $GATHER is empty there"


def _reads(say: Say, state: State) -> Iterator[Diagnostic]:
    reads = [(v.offset, v.offset + len(v.name)) for v in say.text.variables if v.name == "$GATHER"]
    message = _message(state, "<Say>")
    for span in say.content_sub_spans(reads):  # one pass over the text for all of them
        yield make(CODE, message, span, HELP)


def check(context: CheckContext) -> Iterator[Diagnostic]:
    for verb, state in context.analysis.visits:  # the reached Says that read a variable, Gathers and Ifs
        if not state.gathered & NOT_GATHERED:
            continue
        kind = verb.__class__
        if kind is Say:
            yield from _reads(verb, state)  # type: ignore[arg-type]
        elif kind is Gather:
            for prompt in verb.children:  # the prompts run with their Gather
                if isinstance(prompt, Say) and "$" in prompt.text:
                    yield from _reads(prompt, state)
        elif kind is If and verb.variable == "$GATHER":  # type: ignore[attr-defined]
            yield make(CODE, _message(state, "<If>"), verb.attribute_span("variable"), HELP)
