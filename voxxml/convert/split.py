"""A branching document as a set of TwiML documents ("states") linked by action URLs, and the walk
that serves them (docs/convert.md "A set of documents", docs/serve.md "Serving TwiML").

TwiML has no variables, conditions or loops: the web application that answers an ``action`` URL
branches. So the source (VoxXML v1 or VoXML, read into the hub) is flattened into a ``Machine``: a
list of steps, where every verb is already in its TwiML form (convert/twiml.py's ``SERVED_RULES``
and the generic pass) and every If, Do loop, Set and Unset is a step the handler carries out with
the hub's own semantics (``hub.semantics.holds``, ``set_variable``, ``gathered``...), never a second
evaluator. A state is a step index; ``render`` walks from one:

- with the call's variables (the handler, ``voxxml serve --target twiml``): every decision is taken
  on the spot and the verbs of the branch taken follow in the same document, until a Gather (its
  ``action`` names the next state; a ``<Redirect>`` after it is the no-input path, so the source's
  "an empty result and go on" is kept), a Dial whose status the source reads, or the end;
- without them (``voxxml convert -o DIR``): a state stops at its first decision, written as a
  ``<Redirect>`` to the state the handler decides. Those files are the straight-line stretches;
  the handler serves the same stretches, joined along the branch the call takes.

Why the variables travel in the URLs' query (``v``) and not in a store: the state is then in the
request itself, so the handler keeps nothing between requests (any number of instances, a restart
loses no call, the same request gives the same document), and it is signed with the rest of the URL
when Twilio's request signature is checked (serve/twiml.py). The cost, accepted: the values are in
the platform's request logs (as ``Digits`` already are), and a URL grows with the variables
(``MAX_STATE`` characters at most; beyond that the handler refuses the request).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlencode

from ..core.diagnostics import Diagnostic
from ..dialects import get_dialect
from ..hub import semantics
from ..hub.expressions import Environment, Template
from ..hub.nodes import Dial, Gather, If, Loop, Node, Pause, Redirect, Reject, Response, Say, Set, Unset
from .transforms import Context, _rewrite, reset, unexpressible

START = "start"  # the state a call begins in (step 0)
WALK_LIMIT = 20_000  # steps one document may take; beyond, it ends with a Redirect to the handler to go on
MAX_STATE = 4096  # characters of the packed variables a URL may carry
# A hidden variable ('#' is in no dialect's variable names): nothing has run yet in a state other than START
# (a long walk went on in another document before its first verb), so a Reject there still rejects.
FIRST = "#first"

# Step kinds the handler decides (with the call's variables): a static state stops before them.
DECISIONS = frozenset({"if", "enter", "loop", "next", "exit", "set", "unset"})


class StateError(ValueError):
    """A request naming a state or variables this machine does not have."""


@dataclass
class Step:
    """One step of a document cut into TwiML documents: a verb to write, or the control flow around it."""

    kind: str  # verb, gather, dial, if, enter, loop, next, exit, set, unset
    node: Any = None  # what is written: the TwiML verb (gather: one attempt; dial: without the status variable)
    source: Any = None  # the converted source node (gather: loop, delay, output, action; if, loop: the condition)
    target: int = -1  # if, loop: the step when the condition does not hold; next: the loop's test
    frame: int = -1  # loop steps: the index of the loop's enter step (names its hidden variables)
    line: int | None = None  # the source line (for the manifest)

    @property
    def templated(self) -> bool:
        """Whether what it writes reads the call's variables (Say text, a Gather's prompts)."""
        nodes = self.node.prompts if isinstance(self.node, Gather) else [self.node]
        return any(isinstance(n, Say) and n.text.may_reference and n.text.variables for n in nodes)


@dataclass
class Machine:
    """A document as steps; its states are step indexes (0: START)."""

    steps: list[Step]
    target: str  # the TwiML dialect (twiml, texml, cxml)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Where the states are served (".../twiml/NAME/"): links are absolute under it (cXML takes no relative
    # URL); None: relative, resolved against the document's own URL by the platform.
    states_url: str | None = None

    def link(self, index: int, environment: Environment | None, **result: int) -> str:
        relative = link(index, environment, **result)
        return relative if self.states_url is None else self.states_url.rstrip("/") + "/" + relative

    def decides(self, index: int) -> bool:
        step = self.steps[index]
        return step.kind in DECISIONS or (step.kind in ("verb", "gather") and step.templated)

    @property
    def branches(self) -> bool:
        """Whether the document needs the handler (a decision, an input the call goes on after, a status read)."""
        return any(self.decides(i) or self.steps[i].kind in ("gather", "dial") for i in range(len(self.steps)))

    def write(self, nodes: list[Node]) -> str:
        return get_dialect(self.target).write(Response(nodes))  # type: ignore[arg-type]


def state_name(index: int) -> str:
    return START if index == 0 else f"s{index}"


def state_index(name: str, machine: Machine) -> int:
    """The step a state name names (the end of the document included: a Gather may be the last verb)."""
    if name == START:
        return 0
    if name[:1] == "s" and name[1:].isdigit() and len(name) < 12:
        index = int(name[1:])
        if 0 < index <= len(machine.steps):
            return index
    raise StateError(f"no state {name!r} (states: {START}, s1...s{len(machine.steps)})")


# ------------------------------------------------------------------------------ variables in URLs


def pack(environment: Environment) -> str:
    """The call's variables as one query value (JSON, base64url)."""
    data = json.dumps(environment.values, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unpack(text: str) -> Environment:
    if len(text) > MAX_STATE:
        raise StateError(f"the variables take {len(text)} characters; at most {MAX_STATE}")
    try:
        values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        raise StateError("the variables (v) are not this handler's encoding") from None
    if not isinstance(values, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
        raise StateError("the variables (v) must be names and string values")
    return Environment(values)


def link(index: int, environment: Environment | None, **result: int) -> str:
    """The URL of a state, relative (TwiML resolves it against the document's own URL, and every state
    is served beside the others); ``result``: g=the Gather (d=the Dial) whose result the request posts."""
    query: dict[str, Any] = dict(result)
    if environment is not None and environment.values:
        packed = pack(environment)
        if len(packed) > MAX_STATE:
            raise StateError(f"the call's variables take {len(packed)} characters in a URL; at most {MAX_STATE}")
        query["v"] = packed
    return state_name(index) + ("?" + urlencode(query) if query else "")


# ------------------------------------------------------------------------------------ the split


def split(document: Response, target: str, source: Any, base_url: str | None = None, states_url: str | None = None) -> Machine:
    """The document (read with ``source``) as a Machine for the TwiML dialect ``target``; what TwiML
    cannot express even so is a CV diagnostic on the machine, with its span in the source. ``base_url``:
    the source document's URL, which its relative URLs are resolved against (the states are served
    from another URL); ``states_url``: where the states are served (absolute links)."""
    from .twiml import SERVED_RULES

    context = Context(get_dialect(source), get_dialect(target))
    verbs = _rewrite(list(document.verbs), SERVED_RULES, context)
    steps: list[Step] = []
    _flatten(verbs, steps, context, base_url)
    return Machine(steps, target, context.diagnostics, states_url)


def _line(node: Node) -> int | None:
    span = node.name_span if node.source is not None else None
    return span.line if span is not None else None


def _absolute(node: Node, base_url: str | None) -> Node:
    """URLs the source wrote relative to itself, resolved against its URL (when known)."""
    if base_url is None:
        return node
    changes = {}
    for name in ("url", "action"):
        value = getattr(node, name, None)
        if isinstance(value, str) and value and not semantics.is_absolute(value):
            changes[name] = semantics.resolved(value, base_url)
    if isinstance(node, Gather):
        changes["prompts"] = [_absolute(p, base_url) for p in node.prompts]
    return reset(node, **changes) if changes else node


def _leaf(node: Node, context: Context, base_url: str | None) -> Node | None:
    kept = unexpressible([node], context)
    return _absolute(kept[0], base_url) if kept else None


def _flatten(verbs: list[Node], steps: list[Step], context: Context, base_url: str | None) -> None:
    for node in verbs:
        line = _line(node)
        if isinstance(node, If):
            test = Step("if", source=node, line=line)
            steps.append(test)
            _flatten(node.body, steps, context, base_url)
            test.target = len(steps)
        elif isinstance(node, Loop):
            enter = len(steps)
            steps.append(Step("enter", source=node, frame=enter, line=line))
            head = Step("loop", source=node, frame=enter, line=line)
            steps.append(head)
            _flatten(node.body, steps, context, base_url)
            steps.append(Step("next", source=node, target=enter + 1, frame=enter, line=line))
            head.target = len(steps)
            steps.append(Step("exit", source=node, frame=enter, line=line))
        elif isinstance(node, (Set, Unset)):
            steps.append(Step("set" if isinstance(node, Set) else "unset", source=node, line=line))
        elif isinstance(node, Gather):
            one = _leaf(reset(node, loop=1, repeat_delay=0, output="GATHER"), context, base_url)
            if one is not None:
                steps.append(Step("gather", node=one, source=_absolute(node, base_url), line=line))
        elif isinstance(node, Dial) and node.output is not None and node.action is None and node.numbers:
            one = _leaf(reset(node, output=None), context, base_url)
            if one is not None:
                steps.append(Step("dial", node=one, source=node, line=line))
        else:
            kept = _leaf(node, context, base_url)
            if kept is not None:
                steps.append(Step("verb", node=kept, source=node, line=line))


# -------------------------------------------------------------------------------------- the walk


def _filled(node: Node, environment: Environment) -> Node:
    """A verb with the call's variables filled into its text (TwiML has none)."""
    if isinstance(node, Say) and node.text.may_reference and node.text.variables:
        return reset(node, text=Template(environment.render(node.text)))
    if isinstance(node, Gather):
        return reset(node, prompts=[_filled(p, environment) for p in node.prompts])
    return node


def render(
    machine: Machine, index: int, environment: Environment | None, links: Callable[..., str] | None = None
) -> list[Node]:
    """The TwiML verbs of the state ``index``. With the call's variables (the handler): its decisions
    taken, up to the next input or the end. ``environment`` None (a file of the set): up to the first
    decision, which becomes a Redirect to the state that takes it. The environment is updated as the
    walk goes (Set, Unset, loop counters) and is what the links carry."""
    steps = machine.steps
    links = links or machine.link
    out: list[Node] = []
    static = environment is None
    env = environment if environment is not None else Environment()
    ran = index != 0 and env.get(FIRST) != "1"
    budget = WALK_LIMIT
    while index < len(steps):
        if static and machine.decides(index):
            out.append(Redirect(links(index, None), method="POST"))
            return out
        if budget == 0:  # a long loop without input: go on in another document
            if not ran:
                env.set(FIRST, "1")
            out.append(Redirect(links(index, env), method="POST"))
            return out
        budget -= 1
        step = steps[index]
        kind = step.kind
        if kind == "if":
            index = index + 1 if semantics.holds(step.source.condition, env) else step.target
            continue
        if kind in ("enter", "loop", "next", "exit"):
            index = _loop_step(step, index, env)
            continue
        first = not ran  # a Reject rejects only when nothing ran before it (hub.semantics REJECT)
        if first:
            ran = True
            env.values.pop(FIRST, None)
        if kind == "set":
            semantics.set_variable(env, step.source)
            if len(env.get(step.source.output)) > MAX_STATE:  # a value doubled in a loop: refused before it floods
                raise StateError(f"the variable {step.source.output!r} grew beyond {MAX_STATE} characters")
        elif kind == "unset":
            semantics.unset_variable(env, step.source)
        elif kind == "verb":
            if first or not isinstance(step.node, Reject):
                out.append(_filled(step.node, env))
        elif kind == "gather":
            out.extend(_attempts(step, index, None if static else env, links))
            return out
        elif kind == "dial":
            out.append(reset(step.node, action=links(index + 1, None if static else env, d=index), method="POST"))
            return out
        index += 1
    return out


def _attempts(step: Step, index: int, env: Environment | None, links: Callable[..., str]) -> list[Node]:
    """A Gather's attempts (the source's loop), the delay before each retry, and the no-input path:
    a Redirect to the next state with an empty result, as the source goes on after a Gather."""
    source: Gather = step.source
    after = links(index + 1, env, g=index)
    one = _filled(step.node, env) if env is not None else step.node
    if source.action is None:
        one = reset(one, action=after, method="POST")
    out: list[Node] = []
    from .twiml import ATTEMPTS_LIMIT  # beyond it: CV111, reported by the conversion

    for attempt in range(min(max(source.loop, 1), ATTEMPTS_LIMIT)):
        if attempt and source.repeat_delay:
            out.append(Pause(length=source.repeat_delay))
        out.append(one)
    out.append(Redirect(after, method="POST"))
    return out


def _loop_step(step: Step, index: int, env: Environment) -> int:
    """A Do loop as the simulator runs it (runtime/simulator.py ``loop``): the counter is the pass number
    when the condition is tested; at most max_loops passes; afterwards the counter is as before. The
    pass count and the counter's value before the loop are hidden variables named by the loop's step."""
    loop: Loop = step.source
    passes_key, before_key = f"#l{step.frame}", f"#b{step.frame}"
    if step.kind == "enter":
        before = env.values.get(loop.counter)
        if before is not None:
            env.set(before_key, before)
        env.set(passes_key, "0")
        return index + 1
    if step.kind == "loop":
        passes = _count(env, passes_key)
        if passes < loop.max_loops:
            env.set(loop.counter, str(passes))
            if semantics.holds(loop.condition, env):
                return index + 1
        return step.target
    if step.kind == "next":
        env.set(passes_key, str(_count(env, passes_key) + 1))
        return step.target
    before = env.values.pop(before_key, None)  # exit
    env.values.pop(passes_key, None)
    if before is None:
        env.unset(loop.counter)
    else:
        env.set(loop.counter, before)
    return index + 1


def _count(env: Environment, key: str) -> int:
    """A loop's pass count from the variables (a request's: checked, never trusted)."""
    text = env.get(key) or "0"
    if not text.isdigit() or len(text) > 9:
        raise StateError(f"the loop's pass count {text[:20]!r} is not a number")
    return int(text)


def apply_result(machine: Machine, index: int, environment: Environment, form: dict[str, str], gather: int | None, dial: int | None) -> None:
    """What a request for the state ``index`` posts: the input of the Gather ``gather`` (Digits or
    SpeechResult; neither: no input) or the status of the Dial ``dial`` (DialCallStatus), written to the
    source's variables with the hub's semantics."""
    if gather is not None:
        if not (0 <= gather < len(machine.steps) and machine.steps[gather].kind == "gather" and index == gather + 1):
            raise StateError(f"state {state_name(index)} does not follow a Gather at step {gather}")
        speech, digits = form.get("SpeechResult", ""), form.get("Digits", "")
        value, kind = (speech, "speech") if speech else (digits, "dtmf") if digits else ("", "none")
        semantics.gathered(environment, machine.steps[gather].source, value, kind)
    if dial is not None:
        if not (0 <= dial < len(machine.steps) and machine.steps[dial].kind == "dial" and index == dial + 1):
            raise StateError(f"state {state_name(index)} does not follow a Dial at step {dial}")
        output = machine.steps[dial].source.output
        environment.set(output + ".status", form.get("DialCallStatus", "") or "failed")


# ------------------------------------------------------------------------------ the set as files


def _successors(machine: Machine, index: int) -> list[int]:
    """The states a decision (taken by the handler) may lead to."""
    step = machine.steps[index]
    if step.kind in ("if", "loop"):
        return [index + 1, step.target]
    if step.kind == "next":
        return [step.target]
    return [index + 1]


def states(machine: Machine) -> dict[int, list[int]]:
    """Every state a call can reach, in order, with the states each one links to (a state the handler
    decides links to the states of its branches)."""
    found: dict[int, list[int]] = {}
    queue = [0]
    while queue:
        index = queue.pop()
        if index in found:
            continue
        if index < len(machine.steps) and machine.decides(index):
            targets = _successors(machine, index)
        else:
            targets = []

            def record(target: int, environment: Environment | None, **result: int) -> str:
                targets.append(target)
                return machine.link(target, environment, **result)

            render(machine, index, None, record)
        found[index] = list(dict.fromkeys(targets))
        queue.extend(t for t in targets if t not in found)
    return dict(sorted(found.items()))


def files(machine: Machine, source_name: str) -> tuple[dict[str, str], dict[str, Any]]:
    """The set as files: each state the handler does not decide as a TwiML document (``NAME.twiml``,
    its decisions written as Redirects to the states that take them), and the manifest that names
    every state, where it starts in the source, and what it links to."""
    texts: dict[str, str] = {}
    entries = []
    for index, targets in states(machine).items():
        name = state_name(index)
        entry: dict[str, Any] = {"name": name}
        step = machine.steps[index] if index < len(machine.steps) else None
        if step is not None and step.line is not None:
            entry["line"] = step.line
        if step is not None and machine.decides(index):
            what = {"if": "If", "enter": "loop", "loop": "loop", "next": "loop", "exit": "loop", "set": "Set", "unset": "Unset"}
            entry["handler"] = what.get(step.kind, "text that reads variables")
        else:
            entry["file"] = f"{name}.twiml"
            texts[entry["file"]] = machine.write(render(machine, index, None))
            if step is None:
                entry["end"] = True
        entry["next"] = [state_name(t) for t in targets]
        entries.append(entry)
    manifest = {"format": "voxxml.twiml-states", "version": 1, "source": source_name, "dialect": machine.target, "start": START, "states": entries}
    return texts, manifest


__all__ = [
    "DECISIONS", "MAX_STATE", "START", "Machine", "files", "states", "StateError", "Step", "apply_result", "link", "pack", "render", "split",
    "state_index", "state_name", "unpack",
]
