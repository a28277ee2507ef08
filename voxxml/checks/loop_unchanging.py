"""VX117 loop-unchanging: a Loop (VoXML's Do) whose expression holds on entry and that nothing in its
body can change: it runs all its maxLoops passes, each like the first.

maxLoops is at least 1 and defaults to 1 (docs/dialects/voxml.md), so no VoXML loop is endless; the
mistake this finds is the loop meant to stop when something happens (a Gather writing the variable the
expression tests) that cannot: usually the Gather's ``output`` and the expression name different
variables. Reported when maxLoops > 1 (one pass repeats nothing), the expression certainly holds on
entry, no verb in the body writes a variable it reads, it does not read the counter (which changes
every pass), and no verb in the body can leave (a Hangup, Redirect or action ends the loop another way).
"""

from __future__ import annotations

from typing import Iterator

from ..analysis.truth import names_of, shown
from ..core.diagnostics import Diagnostic, make
from ..hub.expressions import Var
from .constant_condition import verdict
from .context import CheckContext, condition_attribute, did_you_mean, element_name

CODE = "VX117"


def check(context: CheckContext) -> Iterator[Diagnostic]:
    analysis = context.analysis
    for fact in analysis.loops:
        verb = fact.verb
        if fact.holds is not True or verb.max_loops <= 1 or not fact.falls_through or fact.leaves or verb.condition is None:
            continue
        names = names_of(verb.condition)
        if verb.counter in names:
            continue  # the counter changes every pass
        if any(not analysis.trusted(name, fact.state) for name in names):
            continue  # the body (or an enclosing Loop's) writes one of them
        found = verdict(context, verb, fact.state, verb.counter)
        if found.holds is not True:
            continue
        loop = element_name(verb)
        tested = ", ".join(shown(Var(name)) for name in names) or "nothing"
        unknown = [name for name in names if not analysis.variables.written(name)]
        hint = f"; {shown(Var(unknown[0]))} is never set in this document: {did_you_mean(context, unknown[0])}" if unknown else ""
        yield make(
            CODE,
            f"<{loop}> runs its body maxLoops='{verb.max_loops}' times, each pass like the first: its expression holds on entry "
            f"({found.reason}) and nothing in its body sets {tested}{hint}",
            verb.attribute_span(condition_attribute(verb)),
            "write the tested variable in the body (a <Gather> whose output the expression reads, or a <Set>), "
            f"or drop maxLoops if one pass is meant",
        )
