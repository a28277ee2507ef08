"""VoXML → VoxXML v1, where v1 can say it (docs/convert.md).

v1 has one variable, ``$GATHER``, that every Gather writes, and one test, membership of its value in a
list. So a VoXML document converts when:

- its Gathers write one output name (or none is read), which becomes ``$GATHER``;
- every If expression is, on every value the Gathers can write, a membership test of that value:
  found by evaluating the expression on each value it names, on ``""`` and on a value it does not
  name, for digits and for speech (the expression may only compare the output's fields with values);
- Say text reads ``${out}``, ``${out.digits}`` (when no Gather takes speech, or beside
  ``${out.speech}``) or ``${out.speech}`` (when none takes DTMF);
- a Do is the retry loop the v1 → VoXML conversion writes (``convert.voxml.retry_loop``): it folds
  back into Gather ``loop``/``repeatDelay``.

Set, Unset, other Do loops, Answer, Record, Connect, Pay, actions, Dial output, history and the
other VoXML-only settings have no v1 form: CV101/CV102 (the generic pass) or CV105-CV107 here.
"""

from __future__ import annotations

import re
from typing import Any

from ..dialects.voxxml_v1.values import Template as V1Template
from ..dialects.voxxml_v1.voices import standard_voices, standard_voices_for
from ..hub import semantics
from ..hub.expressions import Compare, Environment, Expr, In, Literal, Var, VarRef, variables
from ..hub.nodes import Dial, Gather, If, Loop, Node, Number, Pause, Response, Say, node_fields
from .transforms import Context, Rules, reset, source_attribute, walk
from .voxml import retry_loop

INPUT = semantics.INPUT  # the hub variable v1's Gather writes ($GATHER)
MAX_DIGITS = 30  # VoXML's unlimited numDigits, approximated (v1 has no unlimited)
V1_MAX_TIMEOUT = 60  # v1 reads larger Gather timeouts as 60
_NOT_A_VALUE = "\x00"  # a value no expression names: how an expression treats every other input
_WORD = re.compile(r"[A-Za-z0-9_]")


def _prepare(document: Response, context: Context) -> None:
    gathers = [node for node in walk(document.verbs) if isinstance(node, Gather)]
    names = list(dict.fromkeys(g.output for g in gathers if g.output is not None))
    output = names[0] if names else None
    read = {r.name for node in walk(document.verbs) for r in semantics.reads(node)}
    if output is None:
        # No Gather writes: every variable read is "" throughout, as v1's $GATHER is before any Gather.
        # One variable read (with its fields) can therefore be $GATHER.
        bases = {name.rsplit(".", 1)[0] if name.endswith((".digits", ".speech")) else name for name in read}
        output = bases.pop() if len(bases) == 1 else None
    fields = {output, f"{output}.digits", f"{output}.speech"} if output else set()
    for gather in gathers:
        if gather.output is not None and gather.output != output:
            context.report(
                "CV106", gather,
                f"Gather output='{gather.output}' is a second input variable (the first is '{output}'); v1 has one, $GATHER, that every Gather writes",
                "use one output name for every Gather", source_attribute(gather, "output"),
            )
        elif gather.output is None and output is not None and read & fields:
            context.report(
                "CV106", gather,
                f"this Gather writes no variable, but in v1 it would overwrite $GATHER, which stands for '{output}' here",
                f"give it output='{output}'",
            )
    context.state.update(output=output, kinds=set())


def _enter(node: Node, context: Context) -> None:
    """Which input kinds the output may hold from here on: those of the Gathers before, and of every
    Gather in a Do being entered (its body may run again after them)."""
    if isinstance(node, (Gather, Loop)):
        output = context.state["output"]
        for gather in node.walk():
            if isinstance(gather, Gather) and (gather.output == output or gather.output is None):
                context.state["kinds"] |= set(gather.input)


def _gather(node: Gather, context: Context) -> list[Node]:
    changes: dict[str, Any] = {"output": INPUT}
    timeout = min(node.timeout, V1_MAX_TIMEOUT)
    if node.timeout > V1_MAX_TIMEOUT:
        context.report("CV102", node, f"Gather timeout='{node.timeout}' is more than v1's 60 seconds (written as 60)", None, source_attribute(node, "timeout"))
    changes["timeout"] = timeout
    speech = node.speech_timeout
    if "speech" not in node.input:
        speech = 30  # v1's default: a DTMF-only Gather does not use it
    elif speech is None:
        speech = timeout  # VoXML's default: the timeout
    elif not isinstance(speech, int):
        context.report("CV102", node, f"Gather speechTimeout='{speech}' has no v1 form (written as the timeout, {timeout})", "give a number of seconds", source_attribute(node, "speech_timeout"))
        speech = timeout
    elif speech > V1_MAX_TIMEOUT:
        context.report("CV102", node, f"Gather speechTimeout='{speech}' is more than v1's 60 seconds (written as 60)", None, source_attribute(node, "speech_timeout"))
        speech = V1_MAX_TIMEOUT
    changes["speech_timeout"] = speech
    if node.num_digits is None:
        context.report(
            "CV102", node,
            f"this Gather takes any number of digits ({context.source.name}'s default); v1's numDigits must be a number (written as {MAX_DIGITS})",
            "write numDigits", None,
        )
        changes["num_digits"] = MAX_DIGITS
    changes["prompts"] = _prompts(node.prompts, context)
    return [reset(node, **changes)]


def _prompts(prompts: list[Any], context: Context) -> list[Any]:
    """A Gather's prompts in v1 terms: a Pause after a Say or Play is that prompt's repeatDelay, and equal
    prompts in a row are one prompt's loop (the inverse of v1 -> VoXML's unrolling); any other Pause has
    no v1 form (v1's Gather holds Say and Play)."""
    out: list[Any] = []
    for prompt in prompts:
        if isinstance(prompt, Pause):
            last = out[-1] if out else None
            if last is not None and last.loop == 1 and not last.repeat_delay and not prompt.extras:
                out[-1] = reset(last, repeat_delay=prompt.length)
            else:
                context.report("CV101", prompt, "a Pause inside a Gather, not after a Say or Play, has no v1 form (v1's Gather holds Say and Play); it is left out", "move the wait before the Gather")
                continue
        else:
            out.append(prompt)
        if len(out) > 1 and _same(out[-2], out[-1]) and out[-1].loop == 1 and out[-1].repeat_delay:
            last = out.pop()
            out[-1] = reset(out[-1], loop=out[-1].loop + 1)
    return out


def _same(a: Any, b: Any) -> bool:
    """The same prompt but for how many times it plays."""
    return type(a) is type(b) and all(getattr(a, f) == getattr(b, f) for f in node_fields(type(a)) if f != "loop") and a.extras == b.extras


def _loop(node: Loop, context: Context) -> list[Node]:
    """The retry loop that v1 → VoXML writes folds back into a Gather's loop and repeatDelay;
    any other Do stays, and the generic pass reports it (CV101)."""
    output = context.state["output"]
    body = node.body
    if output is None or not body or not isinstance(body[-1], Gather) or len(body) > 2:
        return [node]
    gather = body[-1]
    delay = 0
    if len(body) == 2:
        first = body[0]
        if not (isinstance(first, If) and len(first.body) == 1 and isinstance(first.body[0], Pause) and not first.body[0].extras):
            return [node]
        delay = first.body[0].length
    fields = [f"{output}.digits"] if "dtmf" in gather.input else []
    if "speech" in gather.input:
        fields.append(f"{output}.speech")
    expected = retry_loop(gather, node.max_loops, delay, fields)
    if expected.condition != node.condition or (delay and expected.body[0].condition != body[0].condition):  # type: ignore[attr-defined]
        return [node]
    return [reset(gather, loop=node.max_loops, repeat_delay=delay)]


def membership(expr: Expr, output: str, kinds: set[str]) -> tuple[In | None, str]:
    """``expr`` as v1's test of the input (None and why not, when it is not one)."""
    fields = {output, f"{output}.digits", f"{output}.speech"}
    for var in variables(expr):
        if var.name not in fields:
            return None, f"it reads ${{{var.name}}}; v1 tests only the input ($GATHER, here ${{{output}}})"
    stack: list[Any] = [expr]
    named: list[str] = []
    while stack:
        item = stack.pop()
        if isinstance(item, Compare):
            if item.op in ("=~", "!~"):
                return None, f"it matches a pattern ({item.op}); v1 compares with listed values only"
            stack.extend((item.right, item.left))
        elif isinstance(item, Literal):
            named.append(item.value)
        elif hasattr(item, "operands"):
            stack.extend(reversed(item.operands))
        elif isinstance(item, In):
            named.extend(item.values)
    values = list(dict.fromkeys(named))

    def truth(value: str) -> bool:
        results = {
            Environment({output: value, f"{output}.digits": value if kind == "dtmf" else "", f"{output}.speech": value if kind == "speech" else ""}).holds(expr)
            for kind in (kinds or {"dtmf"})
        }
        if len(results) > 1:
            raise ValueError(value)
        return results.pop()

    try:
        holds = {value: truth(value) for value in values if value}
        other, empty = truth(_NOT_A_VALUE), truth("")
    except ValueError as told:
        return None, f"it tells digits from speech for the value {str(told)!r}; v1's $GATHER is either"
    if not other:
        chosen = [v for v, h in holds.items() if h]
        if empty or not chosen:
            return None, "it holds for no input at all" if not chosen and not empty else "it holds when there is no input, which v1's test cannot say"
        return In(Var(INPUT), tuple(chosen)), ""
    excluded = [v for v, h in holds.items() if not h]
    if not empty or not excluded:
        return None, "it holds for every input" if not excluded and empty else "it fails when there is no input, which v1's NOTEQUAL cannot say"
    return _listed(excluded, True)


def _listed(values: list[str], negated: bool) -> tuple[In | None, str]:
    if any("|" in value for value in values):
        return None, "a value holds '|', which separates v1's values"
    return In(Var(INPUT), tuple(values), negated=negated), ""


def _if(node: If, context: Context) -> list[Node]:
    output = context.state["output"]
    if node.condition is None:
        return [node]
    found, why = membership(node.condition, output, context.state["kinds"]) if output else (None, "no Gather writes a variable it could test")
    if found is None:
        context.report(
            "CV105", node,
            f"this expression is not a v1 test of the input: {why}; the If is written without its body",
            "v1's If tests whether $GATHER is (EQUAL) or is not (NOTEQUAL) one of a list of values", source_attribute(node, "condition"),
        )
        return []
    return [reset(node, condition=found)]


def _voice(node: Say, context: Context) -> str:
    voice = node.voice
    provider, _, name = voice.partition(".")
    if provider == "Polly" and name in standard_voices():
        return name
    base = name.split("-", 1)[0] if provider == "Polly" else ""
    if base in standard_voices():
        written = base
    else:
        language = node.language or "en-US"
        written = next(iter(standard_voices_for(language)), "Joanna")
    context.report(
        "CV107", node,
        f"voice '{voice}' is not a v1 voice (v1 speaks Polly's standard voices by name); written as '{written}'",
        "choose a Polly standard voice", source_attribute(node, "voice"),
    )
    return written


def _template(node: Say, context: Context) -> V1Template:
    output, kinds = context.state["output"], context.state["kinds"]
    segments = list(node.text.segments)
    parts: list[str] = []
    i = 0
    while i < len(segments):
        segment = segments[i]
        following = segments[i + 1] if i + 1 < len(segments) else None
        if isinstance(segment, VarRef):
            pair = {segment.name, following.name} if isinstance(following, VarRef) else set()
            if output and pair == {f"{output}.digits", f"{output}.speech"}:
                parts.append("$GATHER")
                i += 2
                continue
            exact = output is not None and (
                segment.name == output
                or (segment.name == f"{output}.digits" and "speech" not in kinds)
                or (segment.name == f"{output}.speech" and "dtmf" not in kinds)
            )
            if not exact:
                context.report(
                    "CV106", node,
                    f"the text reads ${{{segment.name}}}, which v1 has no variable for (v1 reads only $GATHER, the input)",
                    None, None, (segment.offset, segment.offset + segment.length),
                )
                i += 1
                continue
            if isinstance(following, str) and _WORD.match(following):
                context.report("CV108", node, "text right after the variable would run into v1's '$GATHER' (v1 reads '$GATHERx' as another name)", "put a space after the variable", None, (segment.offset, segment.offset + segment.length))
            parts.append("$GATHER")
        else:
            if "$" in segment and V1Template.parse(segment) != ((segment,) if segment else ()):
                context.report("CV108", node, "the text holds '$GATHER', which v1 reads as its input variable; v1 text has no escape for it", "reword the text", None)
            parts.append(segment)
        i += 1
    return V1Template("".join(parts))


def _say(node: Say, context: Context) -> list[Node]:
    return [reset(node, voice=_voice(node, context), text=_template(node, context))]


def _unplussed(number: str | None) -> str | None:
    """v1 writes E.164 without the '+' (VoXML and TwiML may write it): the same number."""
    return number[1:] if number is not None and number.startswith("+") and number[1:].isdigit() else number


def _number(node: Number, context: Context) -> list[Node]:
    changes = {name: _unplussed(getattr(node, name)) for name in ("number", "caller_id")}
    changes = {name: value for name, value in changes.items() if value != getattr(node, name)}
    return [reset(node, **changes)] if changes else [node]


def _dial(node: Dial, context: Context) -> list[Node]:
    caller = _unplussed(node.caller_id)
    return [reset(node, caller_id=caller)] if caller != node.caller_id else [node]


RULES = Rules(
    dialect="voxxml-v1",
    transforms={Gather: _gather, If: _if, Say: _say, Number: _number, Dial: _dial},
    prepare=_prepare,
    enter=_enter,
    before={Loop: _loop},
)

__all__ = ["MAX_DIGITS", "RULES", "membership"]
