"""VoxXML v1 or VoXML → TwiML (and its TeXML and cXML profiles): straight-line documents
(docs/convert.md, MAPPING.md §2-§4).

- Voices: a bare Polly name (v1's ``Joanna``) is ``Polly.Joanna`` (a bare name is not a TwiML voice); a
  Say without ``language`` gets its voice's (TwiML's default is en-US, v1's the voice's).
- Say/Play ``loop`` maps as it is (TwiML's ``loop='0'`` repeats until hang-up too, twiml.md §2 Play);
  ``repeatDelay`` is unrolled into the element and a Pause per repetition, up to ``UNROLL_LIMIT``
  (CV104 beyond); a delay with ``loop='0'`` cannot be unrolled (CV103).
- A top-level Number is a Dial holding it (as for VoXML: ``convert.voxml``); a top-level Conference is CV101
  (TwiML's is a Dial noun; the hub's Dial holds Numbers).
- Gather: numDigits, timeout and speechTimeout are written by the writer where they differ from TwiML's
  defaults (unlimited, 5, the timeout). On input TwiML requests ``action`` (without one: this document
  again) and the reply replaces the rest, where v1 goes on with the next verb: no single document does
  that, so every Gather without an ``action`` is CV110. A multi-key finishOnKey is CV102 (its first key
  is written). ``loop`` N is N Gathers in a row (each falls through on no input) with the repeatDelay
  as a Pause before each retry; ``loop='0'`` is CV103 (written once).
- In-document branching (an If, a Do) has no TwiML form in one document: CV109, on the element, never
  dropped silently. The If's body is left out; a Do's body is written once.
- ``SERVED_RULES``: the same table for a set of documents (``convert/split.py``, ``voxxml convert -o
  DIR``, ``voxxml serve --target twiml``): Ifs, Dos, Set and Unset stay for the handler, a Gather stays
  one node (its attempts and links are the split's), Say text keeps its references (the handler fills
  them in). So CV106, CV109 and CV110 are never reported there.
- A variable read in Say text (``$GATHER``, ``${x}``): TwiML has no variables (CV106, left out).

Everything else is the generic pass's (CV101/CV102) or the read-back's (CV100).
"""

from __future__ import annotations

from typing import Any

from ..dialects.voxxml_v1.voices import voices
from ..hub.expressions import Template, VarRef
from ..hub.nodes import Conference, Dial, Gather, If, Loop, Node, Number, Pause, Play, Say
from .transforms import Context, Rules, number_as_dial, reset, source_attribute, unrolled

SERVE_HINT = (
    "write it as a set of TwiML documents linked by action URLs (voxxml convert FILE --to twiml -o DIR) and serve them "
    "with voxxml serve --target twiml FILE, whose handler takes the branches"
)


def _enter(node: Node, context: Context) -> None:
    if isinstance(node, Dial):
        context.state.setdefault("dialled", set()).update(id(number) for number in node.numbers)


def _voice(node: Say) -> tuple[str, str | None]:
    language = node.language
    if language is None:
        known = voices().get(node.voice)
        language = known.language if known is not None else None
    return (node.voice if "." in node.voice else f"Polly.{node.voice}"), language


def _text(node: Say, context: Context) -> Template:
    """The words without variable references (TwiML has no variables): each reference is CV106."""
    parts: list[str] = []
    for segment in node.text.segments:
        if isinstance(segment, VarRef):
            context.report(
                "CV106", node,
                f"the text reads the variable '{segment.name}'; TwiML has no variables (the input goes to the action URL), so it is left out",
                "speak the input from the page the action URL returns", None, (segment.offset, segment.offset + segment.length),
            )
        else:
            parts.append(segment)
    return Template("".join(parts))


def _repeated(node: Say | Play, context: Context, kind: str) -> list[Node]:
    if not node.repeat_delay:
        return [node]
    if node.loop == 0:
        context.report(
            "CV103", node,
            f"{kind} loop='0' with repeatDelay='{node.repeat_delay}' repeats with a pause until the caller hangs up; TwiML has no "
            "repeatDelay, and an endless repetition cannot be written out (written as loop='0' without the delay)",
            "give a number of repetitions", source_attribute(node, "repeat_delay"),
        )
        return [reset(node, repeat_delay=0)]
    return unrolled(node, context, kind, "TwiML")


def _say(node: Say, context: Context) -> list[Node]:
    voice, language = _voice(node)
    return _repeated(reset(node, voice=voice, language=language, text=_text(node, context)), context, "Say")


def _play(node: Play, context: Context) -> list[Node]:
    return _repeated(node, context, "Play")


def _conference(node: Conference, context: Context) -> list[Node]:
    """TwiML's Conference is a Dial noun only; v1's top-level Conference (join the room) has no place."""
    if id(node) in context.state.get("dialled", ()):
        return [node]
    context.report(
        "CV101", node,
        f"<Conference> '{node.name}' at the top level has no TwiML form (TwiML's Conference is a noun of Dial); it is left out",
        "write <Dial><Conference> in the TwiML by hand",
    )
    return []


ATTEMPTS_LIMIT = 10  # a Gather's attempts written out one by one (TwiML's Gather has no loop)


def _attempts(node: Gather, context: Context) -> int:
    """How many Gathers in a row write the source's ``loop``: endless (0) is one (CV103), and more than
    ATTEMPTS_LIMIT are ATTEMPTS_LIMIT (CV111): a document is never flooded with copies."""
    if node.loop == 0:
        context.report(
            "CV103", node,
            "Gather loop='0' prompts until the caller answers or hangs up; TwiML's Gather has no loop (written once)",
            "give the number of attempts", source_attribute(node, "loop"),
        )
        return 1
    if node.loop > ATTEMPTS_LIMIT:
        context.report(
            "CV111", node,
            f"Gather loop='{node.loop}': TwiML's Gather has no loop, and more than {ATTEMPTS_LIMIT} attempts are not written out "
            f"one by one; {ATTEMPTS_LIMIT} are written",
            f"lower loop to {ATTEMPTS_LIMIT} or less", source_attribute(node, "loop"),
        )
        return ATTEMPTS_LIMIT
    return node.loop


def _gather_settings(node: Gather, context: Context) -> dict[str, Any]:
    """The settings every TwiML Gather writes differently (one document or a set): one finishing key, and
    no speechTimeout on a DTMF-only Gather (it means nothing there: left to TwiML's default)."""
    changes: dict[str, Any] = {}
    if len(node.finish_on_key) > 1:
        context.report(
            "CV102", node,
            f"Gather finishOnKey='{node.finish_on_key}' is a set of keys; TwiML takes one key or none (written as '{node.finish_on_key[0]}')",
            "choose one finishing key", source_attribute(node, "finish_on_key"),
        )
        changes["finish_on_key"] = node.finish_on_key[0]
    if "speech" not in node.input:
        changes["speech_timeout"] = None
    return changes


def _gather(node: Gather, context: Context) -> list[Node]:
    changes: dict[str, Any] = {"loop": 1, "repeat_delay": 0}
    if node.action is None:
        context.report(
            "CV110", node,
            "on input TwiML requests this Gather's action URL (without one: this document again) and the reply replaces the "
            "rest of the call; in the source the call goes on with the next verb. No single TwiML document does that",
            SERVE_HINT, None,
        )
    changes.update(_gather_settings(node, context))
    gather = reset(node, **changes)
    attempts = _attempts(node, context)
    out: list[Node] = [gather]
    for _ in range(attempts - 1):
        if node.repeat_delay:
            out.append(Pause(length=node.repeat_delay))
        out.append(gather)
    return out


def _branch(node: If | Loop, context: Context) -> list[Node]:
    what = "If" if isinstance(node, If) else "loop"
    context.report(
        "CV109", node,
        f"in-document branching (this {what}) has no TwiML form: it needs documents linked by action URLs; "
        + ("the If and its body are left out" if isinstance(node, If) else "its body is written once"),
        SERVE_HINT, source_attribute(node, "condition"),
    )
    return [] if isinstance(node, If) else list(node.body)


# v1's Number statusCallbackEvent -> TwiML's (MAPPING.md §2 Number). TwiML's completed is sent when any
# call ends, connected or not: it is exactly v1's complete and noConnect together, and either alone only
# approximately (the reason is the message).
TWIML_CALL_EVENTS: dict[str, tuple[str, str | None]] = {
    "queued": ("initiated", "v1's queued (the call is queued) is written as TwiML's initiated (the call is being placed)"),
    "ringing": ("ringing", None),
    "answered": ("answered", None),
    "complete": ("completed", "v1's complete alone is written as TwiML's completed, which is also sent when the call does not connect (v1's noConnect)"),
    "noConnect": ("completed", "v1's noConnect alone is written as TwiML's completed, which is also sent when a connected call ends (v1's complete)"),
}


def _twiml_events(node: Node, events: tuple[str, ...], context: Context) -> tuple[str, ...]:
    """A call's callback events in TwiML's names; an approximation is CV121 on the source attribute."""
    both = {"complete", "noConnect"} <= set(events)
    out: list[str] = []
    for event in events:
        mapped, approximation = TWIML_CALL_EVENTS.get(event, (event, None))  # already TwiML's (a TwiML or VoXML source)
        if approximation is not None and not (event in ("complete", "noConnect") and both):
            context.report("CV121", node, f"{node.TAG} statusCallbackEvent '{event}': {approximation}",
                           "TwiML's events are initiated, ringing, answered, completed", source_attribute(node, "status_callback_event"))
        if mapped not in out:
            out.append(mapped)
    return tuple(out)


def _dial_owns_callbacks(context: Context) -> bool:
    """Whether the source dialect ignores a Dial's Numbers' own callbacks (v1: the Dial's apply to every
    number), as its vocabulary says (``ignored_attributes``: Number's callbacks when the parent is a Dial)."""
    entries = getattr(context.source.vocabulary(), "ignored_attributes", ())
    return any(e.element == "Number" and e.when.get("parent") == "Dial" and "statusCallback" in e.attributes for e in entries)


def _callbacks(number: Number, url: str | None, method: str, events: tuple[str, ...]) -> Number:
    """A Number with these callbacks; no events means no callback in v1, where TwiML would send completed."""
    if url is None or not events:
        return reset(number, status_callback=None, status_callback_method="POST", status_callback_event=())
    return reset(number, status_callback=url, status_callback_method=method, status_callback_event=events)


def _number(node: Number, context: Context) -> list[Node]:
    """A Number: in a Dial of a source whose Dial owns the callbacks, left to ``_dial``; otherwise its own
    callbacks in TwiML's event names, and a top-level one dialled (``number_as_dial``)."""
    dialled = id(node) in context.state.get("dialled", ())
    if dialled and _dial_owns_callbacks(context):
        return [node]
    own = _callbacks(node, node.status_callback, node.status_callback_method, _twiml_events(node, node.status_callback_event, context))
    if dialled:
        return [own]
    return number_as_dial(own, context)


def _dial(node: Dial, context: Context) -> list[Node]:
    """v1's Dial carries its Numbers' callbacks (MAPPING.md §2 Dial: TwiML has them per Number): they are
    copied onto every Number, whose own have no effect in v1, and the Dial keeps none."""
    if not _dial_owns_callbacks(context):
        return [node]
    events = _twiml_events(node, node.status_callback_event, context) if node.status_callback is not None else ()
    numbers = [_callbacks(n, node.status_callback, node.status_callback_method, events) if isinstance(n, Number) else n for n in node.numbers]
    return [reset(node, numbers=numbers, status_callback=None, status_callback_method="POST", status_callback_event=())]


RULES = Rules(
    dialect="twiml",
    transforms={Say: _say, Play: _play, Number: _number, Dial: _dial, Conference: _conference, Gather: _gather},
    enter=_enter,
    before={If: _branch, Loop: _branch},
)


# ------------------------------------------------- served: a set of documents (convert/split.py)


def _say_served(node: Say, context: Context) -> list[Node]:
    """As ``_say``, but the text keeps its variable references: the handler fills them in when it serves the state."""
    voice, language = _voice(node)
    return _repeated(reset(node, voice=voice, language=language), context, "Say")


def _gather_served(node: Gather, context: Context) -> list[Node]:
    """As ``_gather``, but one node: its attempts, their action (the next state) and the no-input path are
    written by ``split`` when a state is served (no CV110: the next state is the rest of the call)."""
    changes = _gather_settings(node, context)
    attempts = _attempts(node, context)
    if attempts != node.loop:
        changes["loop"] = attempts  # split.py writes this many
    return [reset(node, **changes)]


# The table for a set of documents: Ifs, Do loops, Set and Unset stay (split.py makes them the handler's
# decisions), a Gather stays one node, Say text keeps its references.
SERVED_RULES = Rules(
    dialect="twiml",
    transforms={Say: _say_served, Play: _play, Number: _number, Dial: _dial, Conference: _conference, Gather: _gather_served},
    enter=_enter,
)

__all__ = ["ATTEMPTS_LIMIT", "RULES", "SERVED_RULES", "SERVE_HINT"]
