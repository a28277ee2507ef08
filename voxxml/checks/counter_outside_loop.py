"""VX118 counter-outside-loop: a Loop's counter (VoXML's ``${do.n}``) read where no Loop runs.

A Loop's counter holds its pass number in its body only, and after the Loop it has its value from
before again (``hub.semantics``): outside every Loop it is unset and reads "".
"""

from __future__ import annotations

from typing import Iterator

from ..analysis.truth import shown
from ..core.diagnostics import Diagnostic, make
from ..hub.expressions import Var
from ..hub.nodes import Loop
from ..dialects import vocabulary_of
from .context import CheckContext, read_span

CODE = "VX118"


def _loop_element(context: CheckContext) -> str:
    """How the document's dialect writes a Loop (VoXML: Do)."""
    spec = getattr(vocabulary_of(context.document), "by_node", {}).get(Loop.__name__)  # specs by hub class name
    return str(spec.name) if spec is not None else Loop.TAG


def check(context: CheckContext) -> Iterator[Diagnostic]:
    if context.fixed_input:
        return  # VoxXML v1: one fixed variable, VX104's
    loop_name = None
    for read in context.unset_reads:
        if context.reported_unset(read) != CODE:
            continue
        if loop_name is None:
            loop_name = _loop_element(context)
        name = shown(Var(read.read.name))
        yield make(
            CODE,
            f"{name} is read outside any <{loop_name}>: it holds the pass number only inside a {loop_name}'s body, so it reads '' here",
            read_span(read),
            f"move the read into the <{loop_name}>, or store the pass number with <Set> inside the loop",
        )
