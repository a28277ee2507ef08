"""VoxXML v1 → VoXML: the transforms (docs/convert.md; the mapping in voxml-current-docs.md §3).

- Every Gather writes one variable, ``gather`` (or the first free ``gatherN``): v1's ``$GATHER`` is
  the input of the last Gather, whichever it was, and so is a variable every Gather writes.
- ``If variable='$GATHER' test='EQUAL' value='1|2'`` becomes ``${gather.digits}=="1" ||
  ${gather.digits}=="2"``, with the ``.speech`` comparisons too when a Gather before it takes speech
  (v1's value is the digits or the transcript, whichever the caller gave; the other field is ``""``);
  NOTEQUAL becomes ``!=`` joined by ``&&``. ``$GATHER`` in Say text becomes ``${gather.digits}``,
  ``${gather.speech}``, or both side by side (one of them is always empty).
- A Gather with ``loop`` N > 1 becomes ``<Do expression='${do.n}=="0" || ${gather.digits}==""'
  maxLoops='N'>`` around it, with the repeatDelay as a Pause in an ``If ${do.n}!="0"`` before the
  Gather: v1 waits before each attempt but the first. The ``${do.n}=="0"`` makes the first pass run
  whatever an earlier Gather left in the variable. ``loop='0'`` has no bounded form (CV103).
- Bare Polly voices get ``Polly.``; a Say without ``language`` gets its voice's language (VoXML's
  default is en-US, v1's is the voice's).
- A top-level Number becomes a Dial holding it (its callerId moves to the Dial).
- Say/Play ``repeatDelay`` is unrolled into the element and a Pause per repetition, up to
  ``UNROLL_LIMIT`` repetitions (CV104 beyond); ``loop='0'`` is CV103; ``separateNumbers`` is CV102
  (VoXML's reader does not take SSML yet). Conference and SetMute are CV101 (the generic pass), as is
  every statusCallback setting (CV102).
- Defaults that differ (Gather numDigits 1, timeout 30, speechTimeout 30) are written out by the
  writer, which writes every value that differs from the target vocabulary's default.
"""

from __future__ import annotations

from typing import Any

from ..dialects.voxml.template import VoxmlTemplate
from ..dialects.voxxml_v1.voices import voices
from ..hub import semantics
from ..hub.expressions import And, Compare, Expr, Literal, Or, Var, VarRef
from ..hub.nodes import Dial, Gather, If, Loop, Node, Number, Pause, Play, Response, Say, Verb
from .transforms import Context, Rules, number_as_dial, reset, source_attribute, unrolled, walk

OUTPUT = "gather"  # the variable every converted Gather writes (another if the document uses it)
COUNTER = "do.n"
ENDLESS_APPROXIMATION = 1000  # loop='0' written as this many repetitions with --allow-approximate


def _prepare(document: Response, context: Context) -> None:
    used = {text for node in walk(document.verbs) for text in _strings(node)}
    name, n = OUTPUT, 1
    while any("${" + name in text or text == name for text in used):
        n += 1
        name = f"{OUTPUT}{n}"
    context.state.update(output=name, kinds=set())


def _strings(node: Node) -> list[str]:
    text = getattr(node, "text", None)
    return [str(text)] if text is not None else []


def _enter(node: Node, context: Context) -> None:
    """Which input kinds the Gathers so far take: what ``$GATHER`` may hold from here on."""
    if isinstance(node, Gather):
        context.state["kinds"] |= set(node.input)
    elif isinstance(node, Dial):
        context.state.setdefault("dialled", set()).update(id(number) for number in node.numbers)


def _fields(context: Context) -> list[str]:
    """The fields of the output that may hold v1's value here (digits when no Gather before takes speech)."""
    kinds = context.state["kinds"]
    output = context.state["output"]
    found = [f"{output}.digits"] if "dtmf" in kinds or not kinds else []
    if "speech" in kinds:
        found.append(f"{output}.speech")
    return found


def condition(expr: Expr | None, fields: list[str]) -> Expr | None:
    """v1's membership test as VoXML comparisons over the output's fields."""
    tested = semantics.tested(expr)
    if tested is None:
        return expr
    _, values, negated = tested
    op = "!=" if negated else "=="
    compares = tuple(Compare(op, Var(name), Literal(value)) for name in fields for value in values)  # type: ignore[arg-type]
    if len(compares) == 1:
        return compares[0]
    return And(compares) if negated else Or(compares)


def _if(node: If, context: Context) -> list[Node]:
    tested = semantics.tested(node.condition)
    if tested is not None and any('"' in value and "'" in value for value in tested[1]):
        context.report("CV105", node, "a value holds both quote characters; VoXML strings have no escapes", None, source_attribute(node, "condition"))
        return [node]
    return [reset(node, condition=condition(node.condition, _fields(context)))]


def _template(text: Any, node: Node, context: Context) -> VoxmlTemplate:
    """v1 text with ``$GATHER`` as VoXML text reading the output's fields."""
    parts: list[str] = []
    for segment in text.segments:
        if isinstance(segment, VarRef):
            parts.append("".join("${" + name + "}" for name in _fields(context)))
        else:
            if "${" in segment:
                at = str(text).find("${")
                context.report(
                    "CV108", node,
                    "the text holds '${', which VoXML reads as a variable reference; VoXML text has no escape for it",
                    "reword the text (for example '$ {')", None, (at, at + 2),
                )
            parts.append(segment)
    return VoxmlTemplate("".join(parts))


def _voice(name: str) -> str:
    return name if "." in name else f"Polly.{name}"


def _repeated(node: Say | Play, context: Context, kind: str) -> list[Node]:
    """loop and repeatDelay: VoXML has loop (> 0) but no repeatDelay; unroll when there is a delay."""
    if node.loop == 0:
        context.report(
            "CV103", node,
            f"{kind} loop='0' repeats until the caller hangs up; VoXML's loop must be > 0 (written as loop='{ENDLESS_APPROXIMATION}')",
            "give a number of repetitions, or end the call another way", source_attribute(node, "loop"),
        )
        node = reset(node, loop=ENDLESS_APPROXIMATION)
    if not node.repeat_delay:
        return [reset(node, repeat_delay=0)]
    return unrolled(node, context, kind, "VoXML")


def _say(node: Say, context: Context) -> list[Node]:
    language = node.language
    if language is None:
        voice = voices().get(node.voice)
        language = voice.language if voice is not None else None
    if node.separate_numbers:
        context.report(
            "CV102", node,
            "Say separateNumbers='true' has no VoXML form (SSML <say-as interpret-as='digits'> is not read by voxxml's VoXML reader yet); it is left out",
            "write the digits apart in the text (1 2 3 4)", source_attribute(node, "separate_numbers"),
        )
    converted = reset(node, voice=_voice(node.voice), language=language, text=_template(node.text, node, context), separate_numbers=False)
    return _repeated(converted, context, "Say")


def _play(node: Play, context: Context) -> list[Node]:
    return _repeated(node, context, "Play")


def _gather(node: Gather, context: Context) -> list[Node]:
    output = context.state["output"]
    loop, delay = node.loop, node.repeat_delay
    if loop == 0:
        context.report(
            "CV103", node,
            f"Gather loop='0' prompts until the caller answers or hangs up; VoXML's Do needs maxLoops (written as maxLoops='{ENDLESS_APPROXIMATION}')",
            "give the number of attempts", source_attribute(node, "loop"),
        )
        loop = ENDLESS_APPROXIMATION
    if loop > 1 and any(isinstance(p, Say) and p.text.variables for p in node.prompts):
        context.report(
            "CV106", node,
            "a prompt of this repeating Gather reads $GATHER: v1 keeps the earlier input between attempts, VoXML's Gather clears it on each",
            "read the input after the Gather, not in its prompts", source_attribute(node, "loop"),
        )
    # speechTimeout means nothing to a DTMF-only Gather: left to VoXML's default rather than written out.
    speech = node.speech_timeout if "speech" in node.input else None
    # A Gather that writes no variable (TwiML's: its input goes to the action URL) is written without one.
    gather = reset(node, output=None if node.output is None else output, loop=1, repeat_delay=0, speech_timeout=speech)
    if loop == 1:
        return [gather]
    fields = [f"{output}.digits"] if "dtmf" in node.input else []
    if "speech" in node.input:
        fields.append(f"{output}.speech")
    return [retry_loop(gather, loop, delay, fields)]


def retry_loop(gather: Gather, attempts: int, delay: int, fields: list[str]) -> Loop:
    """A Gather tried up to ``attempts`` times until it gets input, waiting ``delay`` s before each retry."""
    first = Compare("==", Var(COUNTER), Literal("0"))
    empty = [Compare("==", Var(name), Literal("")) for name in fields]
    nothing: Expr = empty[0] if len(empty) == 1 else And(tuple(empty))
    body: list[Verb] = [gather]
    if delay:
        body.insert(0, If([Pause(length=delay)], condition=Compare("!=", Var(COUNTER), Literal("0"))))
    return Loop(body, condition=Or((first, nothing)), max_loops=attempts)


RULES = Rules(
    dialect="voxml",
    transforms={If: _if, Say: _say, Play: _play, Number: number_as_dial, Gather: _gather},
    enter=_enter,
    prepare=_prepare,
)

__all__ = ["RULES", "condition", "retry_loop"]
