"""VX114 variable-unset: a variable read on a path where nothing has set it (it reads "").

The named-variable form of VX104 (which stays VoxXML v1's rule for $GATHER). What each verb reads and
writes comes from ``hub.semantics``; what is set where from the one walk (``analysis.variables``).
A comparison with "" (``${x}==""``) is a deliberate test of whether ``x`` is set yet and is not
reported (a misspelt ``x`` there makes the If constant, VX116, or the Do unchanging, VX117). A loop
counter read outside its loops is VX118's.
"""

from __future__ import annotations

from typing import Iterator

from ..analysis.truth import shown
from ..core.diagnostics import Diagnostic, make
from ..hub.expressions import Var
from .context import CheckContext, did_you_mean, element_name, read_span

CODE = "VX114"
HELP = "set it before this on every path (a <Set>, or a <Gather> with that output), or compare it with \"\" if being unset is expected"


def _writer(context: CheckContext, name: str) -> str:
    writer = context.analysis.variables.writers.get(name)
    line = getattr(writer, "line", None)
    return f"the <{element_name(writer)}> on line {line}" if writer is not None and line else "a verb"  # type: ignore[arg-type]


def check(context: CheckContext) -> Iterator[Diagnostic]:
    if context.fixed_input:
        return  # VoxXML v1: one fixed variable, VX104's
    for read in context.unset_reads:
        if context.reported_unset(read) != CODE:
            continue
        name = read.read.name
        where = f"<{element_name(read.node)}>"
        if not context.analysis.variables.written(name):
            message = f"{shown(Var(name))} is never set in this document, so it reads ''; {did_you_mean(context, name)}"
        elif read.value.never_set:
            message = f"nothing sets {shown(Var(name))} before this {where} on any path ({_writer(context, name)} sets it), so it reads '' here"
        else:
            message = f"on some paths nothing sets {shown(Var(name))} before this {where} ({_writer(context, name)} sets it), so it may read ''"
        yield make(CODE, message, read_span(read), HELP)
