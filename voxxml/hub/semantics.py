"""What each hub node does, said once: how it ends, what it reads and writes, what the caller observes.

The flow graph and analysis (``voxxml.analysis``), the simulator (``voxxml.runtime``), the
EnableX compiler and the graph export all read this table instead of coding the verbs
themselves; docs/semantics.md is the prose of the same contract.

- **Endings.** A node continues (``None``), ends the call (``HANGUP``), rejects it
  (``REJECT``: only when nothing ran before; otherwise it has no effect and the call
  continues), replaces the document (``REDIRECT``: the call continues after it only if the
  fetch fails), or repeats until the caller hangs up (``FOREVER``: a Say or Play with
  loop 0). An If branches: its body runs when its condition holds, then the call continues
  after the If.
- **Variables.** A Say reads the variables its text references; an If reads those of its
  condition; a Gather writes its ``output`` (the input), ``output.digits`` and
  ``output.speech`` (the one the caller used; the other is ``""``).
- **Observed events.** The trace events a caller experiences (``voxxml.runtime.trace``),
  built here so that every runner describes a verb the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, NamedTuple
from urllib.parse import urljoin, urlsplit

from .expressions import Environment, Expr, In, Var, variables
from .nodes import Conference, Dial, Gather, Hangup, If, Node, Number, Pause, Play, Redirect, Reject, Say, SetMute

HANGUP, REJECT, REDIRECT, FOREVER = "hangup", "reject", "redirect", "forever"

# The variable the flow analysis follows: the one a Gather writes unless told otherwise (Gather.output's
# default; VoxXML v1's $GATHER). Reads of other variables are not followed (their conditions may hold).
INPUT = "GATHER"


class Read(NamedTuple):
    """A variable read by a node: its hub name, where in the node (``text``: the content; ``condition``)
    and the characters of that place (None: not known)."""

    name: str
    where: str
    at: tuple[int, int] | None


def _text_reads(node: Any) -> Iterator[Read]:
    text = node.text
    if not text.may_reference:  # the common case, found without parsing the text
        return
    for reference in text.variables:
        yield Read(reference.name, "text", (reference.offset, reference.offset + reference.length))


def _condition_reads(node: Any) -> Iterator[Read]:
    if node.condition is not None:
        for var in variables(node.condition):
            yield Read(var.name, "condition", var.at)


def _gather_writes(node: Any) -> tuple[str, ...]:
    return (node.output, node.output + ".digits", node.output + ".speech")


@dataclass(frozen=True, slots=True)
class Behaviour:
    """One node class's meaning."""

    ends: str | None = None  # HANGUP, REJECT, REDIRECT, or None: continues
    loops: bool = False  # loop=0 repeats until the caller hangs up (FOREVER)
    branches: bool = False  # runs its body when its condition holds (If)
    dials: bool = False  # connects the caller to numbers (the caller's outcome decides what is heard)
    reads: Callable[[Any], Iterator[Read]] | None = None
    writes: Callable[[Any], tuple[str, ...]] | None = None
    label: str = ""  # how a flow edge out of it reads when it continues: "fetch failed", "not first"


BEHAVIOURS: dict[type[Node], Behaviour] = {
    Say: Behaviour(loops=True, reads=_text_reads),
    Play: Behaviour(loops=True),
    Pause: Behaviour(),
    Number: Behaviour(dials=True),
    Dial: Behaviour(dials=True),
    Conference: Behaviour(),
    SetMute: Behaviour(),
    Gather: Behaviour(writes=_gather_writes),
    If: Behaviour(branches=True, reads=_condition_reads),
    Hangup: Behaviour(ends=HANGUP),
    Reject: Behaviour(ends=REJECT, label="not first"),
    Redirect: Behaviour(ends=REDIRECT, label="fetch failed"),
}
_CONTINUES = Behaviour()


def behaviour(node: Node) -> Behaviour:
    return BEHAVIOURS.get(node.__class__, _CONTINUES)


def ends(node: Node) -> str | None:
    """How a node may end the call: HANGUP, REJECT (if first), REDIRECT (unless the fetch fails),
    FOREVER (loop 0), or None (it continues; an If continues after its body)."""
    meaning = BEHAVIOURS.get(node.__class__, _CONTINUES)
    if meaning.loops and node.loop == 0:  # type: ignore[attr-defined]
        return FOREVER
    return meaning.ends


def never_continues(ending: str | None) -> bool:
    """Whether nothing after a node with this ending can run (a Hangup, an endless loop)."""
    return ending == HANGUP or ending == FOREVER


def edge_label(ending: str | None) -> str | None:
    """How the edge to what follows reads for a node that may end the call (None: a plain edge)."""
    for meaning in BEHAVIOURS.values():
        if meaning.ends is not None and meaning.ends == ending and meaning.label:
            return meaning.label
    return None


def reads(node: Node) -> tuple[Read, ...]:
    """The variables a node reads itself (a Gather's prompts read theirs: they are nodes too)."""
    found = BEHAVIOURS.get(node.__class__, _CONTINUES).reads
    return tuple(found(node)) if found is not None else ()


def may_read(node: Node) -> bool:
    """A cheap test before ``reads``: whether a node can read a variable at all."""
    meaning = BEHAVIOURS.get(node.__class__, _CONTINUES)
    if meaning.reads is None:
        return False
    if meaning.branches:
        return node.condition is not None  # type: ignore[attr-defined]
    return bool(node.text.may_reference)  # type: ignore[attr-defined]


def writes(node: Node) -> tuple[str, ...]:
    """The variables a node writes."""
    found = BEHAVIOURS.get(node.__class__, _CONTINUES).writes
    return found(node) if found is not None else ()


def tested(condition: Expr | None) -> tuple[str, tuple[str, ...], bool] | None:
    """A condition that compares one variable with values (``In(Var)``): (name, values, negated); else None."""
    if isinstance(condition, In) and isinstance(condition.operand, Var):
        return condition.operand.name, condition.values, condition.negated
    return None


def holds(condition: Expr | None, environment: Environment) -> bool:
    """Whether an If's body runs now. A condition that could not be read never holds."""
    return condition is not None and environment.holds(condition)


def gathered(environment: Environment, gather: Gather, value: str, kind: str) -> None:
    """A Gather's result written to the environment: its output, and the digits or the speech
    (``kind``: "dtmf" or "speech"; no input clears all three)."""
    output = gather.output
    environment.set(output, value)
    environment.set(output + ".digits", value if value and kind == "dtmf" else "")
    environment.set(output + ".speech", value if value and kind == "speech" else "")


# ------------------------------------------------------------------ observed events
def resolved(url: str, base_url: str | None) -> str:
    """A URL resolved against the document's URL (RFC 3986); as written without a base or when absolute."""
    if base_url is None or is_absolute(url):
        return url
    return urljoin(base_url, url)


def is_absolute(url: str) -> bool:
    try:
        return bool(urlsplit(url).scheme)
    except ValueError:
        return False


def spoken(say: Say, environment: Environment) -> str:
    """Say text as the caller hears it: each reference gives its variable's value (unset: "")."""
    text = say.text
    return environment.render(text) if text.may_reference else str(text)


def say_event(say: Say, environment: Environment, gender: str, language: str) -> dict[str, Any]:
    """A Say as heard (``gender`` and ``language``: how its voice speaks, from the voice catalogue)."""
    return {
        "event": "say",
        "text": spoken(say, environment),
        "voice": say.voice,
        "gender": gender,
        "language": language,
        "separate_numbers": say.separate_numbers,
    }


def play_event(play: Play, base_url: str | None) -> dict[str, Any]:
    return {"event": "play", "url": resolved(play.url, base_url)}


def dialled(node: Number | Dial) -> list[str]:
    """The numbers a dialling node rings (an empty Dial rings none: VX108)."""
    return [node.number] if isinstance(node, Number) else [number.number for number in node.numbers]


def dial_event(numbers: list[str], outcome: str, seconds: int | None) -> dict[str, Any]:
    event: dict[str, Any] = {"event": "dial", "numbers": numbers, "outcome": outcome}
    if outcome == "answered":
        event["seconds"] = seconds
    return event


_EVENTS: dict[type[Node], Callable[[Any, str | None], dict[str, Any]]] = {
    Conference: lambda node, base: {"event": "conference", "name": node.name},
    SetMute: lambda node, base: {"event": "mute", "muted": node.muted},
    Pause: lambda node, base: {"event": "pause", "seconds": node.length},
    Redirect: lambda node, base: {"event": "redirect", "url": resolved(node.url, base), "method": node.method},
    Reject: lambda node, base: {"event": "reject"},
    Hangup: lambda node, base: {"event": "hangup"},
    Play: play_event,
}


def observed(node: Node, base_url: str | None = None) -> dict[str, Any] | None:
    """The one event a caller observes when a node that needs no input runs (None: it has no such event:
    a Say (see ``say_event``), a Gather, a dialling node, an If)."""
    build = _EVENTS.get(node.__class__)
    return build(node, base_url) if build is not None else None


__all__ = [
    "BEHAVIOURS", "FOREVER", "HANGUP", "INPUT", "REDIRECT", "REJECT", "Behaviour", "Read", "behaviour", "dial_event",
    "dialled", "edge_label", "ends", "gathered", "holds", "is_absolute", "may_read", "never_continues", "observed",
    "play_event", "reads", "resolved", "say_event", "spoken", "tested", "writes",
]
