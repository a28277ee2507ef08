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
- **Variables.** A Say reads the variables its text references; an If or a Loop reads those of
  its condition; a Gather writes its ``output`` (the input), ``output.digits`` and
  ``output.speech`` (the one the caller used; the other is ``""``); a Set writes its ``output``
  (its value, a template rendered when it runs) and reads the variables its value references;
  an Unset removes its ``output`` and the fields under it; a Dial with ``output`` writes
  ``output.status``; a Loop writes its ``counter`` (``do.n``), visible in its body only.
- **Loops.** A Loop is a while loop: its condition is tested before each pass, the first
  included, with the counter set to the pass number (from 0); at most ``max_loops`` passes
  run. After the loop the counter has its value from before the loop again (the enclosing
  loop's pass, or unset).
- **Actions.** A Gather, Dial, Record or Pay with ``action`` posts its result there and the
  document fetched replaces this one, like a Redirect (``REDIRECT``: the call continues after
  it only if the fetch fails). A Gather fetches only when it got input, unless
  ``action_on_empty_result``: without input it continues. A Connect hands the call to its
  Flows (``HANDOFF``: nothing after it runs) unless a Flow says ``resume``.
- **Observed events.** The trace events a caller experiences (``voxxml.runtime.trace``),
  built here so that every runner describes a verb the same way.
"""

from __future__ import annotations

from ..core.records import NamedTuple, dataclass
from typing import Any, Callable, Iterator

from .expressions import Environment, Expr, In, Var, variables
from .nodes import (
    Answer, Conference, Connect, Dial, Gather, Hangup, If, Loop, Node, Number, Opaque, Pause, Pay, Play, Record, Redirect, Reject,
    Say, Set, SetMute, Unset,
)

HANGUP, REJECT, REDIRECT, FOREVER, HANDOFF = "hangup", "reject", "redirect", "forever", "handoff"

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


def _value_reads(node: Any) -> Iterator[Read]:
    value = node.value
    if not value.may_reference:
        return
    for reference in value.variables:
        yield Read(reference.name, "text", (reference.offset, reference.offset + reference.length))


def _gather_writes(node: Any) -> tuple[str, ...]:
    output = node.output
    return () if output is None else (output, output + ".digits", output + ".speech")


def _dial_writes(node: Any) -> tuple[str, ...]:
    return () if node.output is None else (node.output + ".status",)


def _set_writes(node: Any) -> tuple[str, ...]:
    return (node.output,) if node.output else ()


def _loop_writes(node: Any) -> tuple[str, ...]:
    return (node.counter,)


def _gather_ending(node: Any) -> str | None:
    """A Gather with action fetches when it gets input: always only with action_on_empty_result."""
    return REDIRECT if node.action is not None and node.action_on_empty_result else None


def _action_ending(node: Any) -> str | None:
    return REDIRECT if node.action is not None else None


def _connect_ending(node: Any) -> str | None:
    return None if any(flow.resume for flow in node.flows) else HANDOFF


def _opaque_ending(node: Any) -> str | None:
    """A construct the hub keeps whole (TwiML's Enqueue, Leave, Connect...) ends as its vocabulary's ``flow`` says:
    ``end`` hangs up, ``exit`` leaves the document (nothing after it runs here), ``action`` fetches when set."""
    flow = node.flow
    if flow == "action":
        return REDIRECT if node.action is not None else None
    return HANGUP if flow == "end" else HANDOFF if flow == "exit" else None


@dataclass(frozen=True, slots=True)
class Behaviour:
    """One node class's meaning."""

    ends: str | None = None  # HANGUP, REJECT, REDIRECT, or None: continues
    ending: Callable[[Any], str | None] | None = None  # how it ends, when that depends on its settings (an action)
    loops: bool = False  # loop=0 repeats until the caller hangs up (FOREVER)
    branches: bool = False  # runs its body when its condition holds (If, Loop)
    repeats: bool = False  # runs its body again while its condition holds, up to max_loops passes (Loop)
    unsets: bool = False  # removes the variables it names (and their fields) instead of writing them (Unset)
    dials: bool = False  # connects the caller to numbers (the caller's outcome decides what is heard)
    reads: Callable[[Any], Iterator[Read]] | None = None
    writes: Callable[[Any], tuple[str, ...]] | None = None
    label: str = ""  # how a flow edge out of it reads when it continues: "fetch failed", "not first"


BEHAVIOURS: dict[type[Node], Behaviour] = {
    Say: Behaviour(loops=True, reads=_text_reads),
    Play: Behaviour(loops=True),
    Pause: Behaviour(),
    Number: Behaviour(dials=True),
    Dial: Behaviour(dials=True, writes=_dial_writes, ending=_action_ending),
    Conference: Behaviour(),
    SetMute: Behaviour(),
    Gather: Behaviour(writes=_gather_writes, ending=_gather_ending),
    If: Behaviour(branches=True, reads=_condition_reads),
    Loop: Behaviour(branches=True, repeats=True, reads=_condition_reads, writes=_loop_writes),
    Set: Behaviour(reads=_value_reads, writes=_set_writes),
    Unset: Behaviour(writes=_set_writes, unsets=True),
    Answer: Behaviour(),
    Record: Behaviour(ending=_action_ending),
    Pay: Behaviour(ending=_action_ending),
    Connect: Behaviour(ending=_connect_ending),
    Hangup: Behaviour(ends=HANGUP),
    Reject: Behaviour(ends=REJECT, label="not first"),
    Redirect: Behaviour(ends=REDIRECT, label="fetch failed"),
    Opaque: Behaviour(ending=_opaque_ending),
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
    if meaning.ending is not None:
        return meaning.ending(node)
    return meaning.ends


def never_continues(ending: str | None) -> bool:
    """Whether nothing after a node with this ending can run (a Hangup, an endless loop, a hand-off to a Flow)."""
    return ending == HANGUP or ending == FOREVER or ending == HANDOFF


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


# The classes whose reads ``may_read`` tests, by where they read (the exact class, as ``BEHAVIOURS`` is keyed).
_READS_CONDITION = frozenset(kind for kind, meaning in BEHAVIOURS.items() if meaning.reads is not None and meaning.branches)
_READS_VALUE = frozenset(kind for kind, meaning in BEHAVIOURS.items() if meaning.reads is not None and not meaning.branches and kind is Set)
_READS_TEXT = frozenset(kind for kind, meaning in BEHAVIOURS.items() if meaning.reads is not None and not meaning.branches and kind is not Set)


def may_read(node: Node) -> bool:
    """A cheap test before ``reads``: whether a node can read a variable at all."""
    kind = node.__class__
    if kind in _READS_TEXT:
        return bool(node.text.may_reference)  # type: ignore[attr-defined]
    if kind in _READS_CONDITION:
        return node.condition is not None  # type: ignore[attr-defined]
    if kind in _READS_VALUE:
        return bool(node.value.may_reference)  # type: ignore[attr-defined]
    return False


def reads_its_text(kind: type) -> bool:
    """Whether ``may_read`` of a node of this class is its text's ``may_reference`` (a Say)."""
    return kind in _READS_TEXT


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
    (``kind``: "dtmf" or "speech"; no input clears all three). A Gather without output writes nothing."""
    output = gather.output
    if output is None:
        return
    environment.set(output, value)
    environment.set(output + ".digits", value if value and kind == "dtmf" else "")
    environment.set(output + ".speech", value if value and kind == "speech" else "")


def set_variable(environment: Environment, node: Set) -> None:
    """A Set: its value, rendered now, stored in its output."""
    if node.output:
        environment.set(node.output, environment.render(node.value))


def unset_variable(environment: Environment, node: Unset) -> None:
    if node.output:
        environment.unset(node.output)


def dial_status(outcome: str) -> str:
    """What a Dial's ``output.status`` holds after a dial outcome (TwiML's DialCallStatus values:
    "completed" for a call that was answered, else busy, no-answer or failed; the VoXML docs name none)."""
    return "completed" if outcome == "answered" else outcome


def fetches(node: Node, got_input: bool = True) -> str | None:
    """The action URL a node posts to when it has run (None: it continues): a Gather only with input
    or action_on_empty_result; a Dial, Record or Pay with action always."""
    action = getattr(node, "action", None)
    if action is None:
        return None
    if isinstance(node, Gather) and not got_input and not node.action_on_empty_result:
        return None
    return action  # type: ignore[no-any-return]


# ------------------------------------------------------------------ observed events
def resolved(url: str, base_url: str | None) -> str:
    """A URL resolved against the document's URL (RFC 3986); as written without a base or when absolute."""
    if base_url is None or is_absolute(url):
        return url
    from urllib.parse import urljoin  # only a run that observes events resolves URLs (a lint does not)

    return urljoin(base_url, url)


def is_absolute(url: str) -> bool:
    from urllib.parse import urlsplit

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
    if play.digits is not None:  # DTMF tones sent (VoXML), before the audio if any
        return {"event": "play", "url": resolved(play.url, base_url) if play.url else "", "digits": play.digits}
    return {"event": "play", "url": resolved(play.url, base_url)}


def dialled(node: Number | Dial) -> list[str]:
    """The numbers a dialling node rings (an empty Dial rings none: VX108)."""
    return [node.number] if isinstance(node, Number) else [number.number for number in node.numbers]


def dial_event(numbers: list[str], outcome: str, seconds: int | None) -> dict[str, Any]:
    event: dict[str, Any] = {"event": "dial", "numbers": numbers, "outcome": outcome}
    if outcome == "answered":
        event["seconds"] = seconds
    return event


def fetch_event(node: Node, base_url: str | None) -> dict[str, Any]:
    """An action's fetch: the node posts its result to ``action`` and the reply replaces the document.
    The redirect event's fields, and the element that fetched."""
    return {"event": "fetch", "url": resolved(node.action, base_url), "method": node.method, "element": node.TAG}  # type: ignore[attr-defined]


def reject_event(node: Reject, base_url: str | None = None) -> dict[str, Any]:
    """A Reject; its reason only when the document gives one (v1 has none: its traces stay as they were)."""
    return {"event": "reject", "reason": node.reason} if "reason" in node.explicit else {"event": "reject"}


def record_event(node: Record, base_url: str | None = None) -> dict[str, Any]:
    return {"event": "record", "beep": node.play_beep, "max_length": node.max_length}


def pay_event(node: Pay, base_url: str | None = None) -> dict[str, Any]:
    return {"event": "pay", "charge_amount": node.charge_amount, "currency": node.currency, "payment_method": node.payment_method}


def flow_events(node: Connect) -> list[dict[str, Any]]:
    """The Flows a Connect hands the call to, in order, until one that does not resume."""
    events = []
    for flow in node.flows:
        events.append({"event": "flow", "guid": flow.guid, "resume": flow.resume})
        if not flow.resume:
            break
    return events


_EVENTS: dict[type[Node], Callable[[Any, str | None], dict[str, Any]]] = {
    Conference: lambda node, base: {"event": "conference", "name": node.name},
    SetMute: lambda node, base: {"event": "mute", "muted": node.muted},
    Pause: lambda node, base: {"event": "pause", "seconds": node.length},
    Redirect: lambda node, base: {"event": "redirect", "url": resolved(node.url, base), "method": node.method},
    Reject: reject_event,
    Hangup: lambda node, base: {"event": "hangup"},
    Answer: lambda node, base: {"event": "answer"},
    Record: record_event,
    Pay: pay_event,
    Play: play_event,
    Opaque: lambda node, base: {"event": "element", "element": node.kind},
}


def observed(node: Node, base_url: str | None = None) -> dict[str, Any] | None:
    """The one event a caller observes when a node that needs no input runs (None: it has no such event:
    a Say (see ``say_event``), a Gather, a dialling node, an If)."""
    build = _EVENTS.get(node.__class__)
    return build(node, base_url) if build is not None else None


__all__ = [
    "BEHAVIOURS", "FOREVER", "HANDOFF", "HANGUP", "INPUT", "REDIRECT", "REJECT", "Behaviour", "Read", "behaviour", "dial_event",
    "dial_status", "dialled", "edge_label", "ends", "fetch_event", "fetches", "flow_events", "gathered", "holds", "is_absolute",
    "may_read", "never_continues", "reads_its_text", "observed", "pay_event", "play_event", "reads", "record_event", "reject_event", "resolved",
    "say_event", "set_variable", "spoken", "tested", "unset_variable", "writes",
]
