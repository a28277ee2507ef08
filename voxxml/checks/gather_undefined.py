"""VX104 gather-undefined: $GATHER is read on a path with no Gather before it.

What reads the input variable comes from ``hub.semantics`` (a Say's text references, an If's
condition); '$GATHER' is how VoxXML v1 writes that variable."""

from __future__ import annotations

from typing import Iterator

from ..analysis.states import GATHERED, NOT_GATHERED, State
from ..core.diagnostics import Diagnostic, make
from ..dialects.voxxml_v1.values import WRITTEN
from ..hub import semantics
from ..hub.nodes import Node
from ..hub.semantics import INPUT
from .context import CheckContext, condition_attributes

CODE = "VX104"
HELP = "put a <Gather> before it on every path"


def _message(state: State, what: str) -> str:
    when = "on some paths no Gather has run" if state.gathered & GATHERED else "no Gather has run"
    name = WRITTEN[INPUT]
    return f"{what} reads {name}, but {when} before it, so {name} is empty there"


def _reads(node: Node, state: State) -> Iterator[Diagnostic]:
    """The node's reads of the input: in its text (each at its place), or in its condition (at the variable)."""
    reads = [read for read in semantics.reads(node) if read.name == INPUT]
    if not reads:
        return
    message = _message(state, f"<{node.TAG}>")
    in_text = [read.at for read in reads if read.where == "text" and read.at is not None]
    for span in node.content_sub_spans(in_text):  # one pass over the text for all of them
        yield make(CODE, message, span, HELP)
    if any(read.where == "condition" for read in reads):
        yield make(CODE, message, node.attribute_span(condition_attributes(node)[0]), HELP)


def check(context: CheckContext) -> Iterator[Diagnostic]:
    if not context.fixed_input:
        return  # a dialect with named variables: VX114 (which names the variable as that dialect writes it)
    for verb, state in context.analysis.visits:  # the reached Says that read a variable, Gathers and Ifs
        if not state.gathered & NOT_GATHERED:
            continue
        if semantics.may_read(verb):
            yield from _reads(verb, state)
        for prompt in verb.children if semantics.writes(verb) else ():  # a Gather's prompts run with it
            if semantics.may_read(prompt):
                yield from _reads(prompt, state)
