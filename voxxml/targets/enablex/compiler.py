"""VoxXML AST -> EnableX call plan (docs: README "Converting an IVR to EnableX").

Each state either issues one EnableX request (play, connect, hangup) or is a pure
step (a wait, a branch on the input, taking the collected input, a redirect, the
end). Transitions fire on webhook events, keyed ``state:<state>``,
``playstate:<playstate>`` or ``speech:<state>``; a caller's ``disconnected`` ends
the plan from any state. Every play carries ``prompt_ref`` = its state id.

Constructs with no exact EnableX equivalent are reported (EX2nn) and approximated;
none is dropped silently. Each code's default severity (rules/EX2*.md) says which kind
it is: an error changes what the caller hears or which branch runs, a warning only
timing or platform defaults. Loops are counted ``retry`` steps, never unrolled, so a
plan's size is linear in the document's whatever its loop counts.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, cast

from ...core.diagnostics import Diagnostic, make
from ...core.source import SourceMap, Span
from ...dialects import vocabulary_of
from ...dialects.voxxml_v1.values import did_you_mean
from ...dialects.voxxml_v1.voices import voices
from ...hub import semantics
from ...hub.expressions import And, Compare, Environment, Expr, In, Literal, Or, Template, Var, VarRef
from ...hub.nodes import (
    Answer, Conference, Dial, Gather, Hangup, If, Loop, Node, Number, Pause, Play, Redirect, Reject, Response, Say, Set, SetMute,
    Unset, Verb,
)
from ...runtime.simulator import DEFAULT_LOOP_CAP, catalogue_voice, is_absolute, qualified_voices, resolved, spoken_as, voice_genders
from .. import Compilation
from .names import INPUT_VARIABLE

if TYPE_CHECKING:  # the plan's TypedDicts cost as much to make as the rest of the compiler's imports
    from .plan import Plan

_NAME = re.compile(r"[^\s/>!?<]+")  # an element's name after its '<', as core.source's tag pattern reads it
_new = tuple.__new__
PLAN_FORMAT = "voxxml.enablex-plan"
PLAN_VERSION = 2
CODES = ("EX201", "EX202", "EX203", "EX204", "EX205", "EX206", "EX207", "EX208", "EX209", "EX210", "EX211", "EX212", "EX213", "EX214")
CALL = "/voice/v1/call/{voice_id}"
PLAY = f"{CALL}/play"
CONNECT = f"{CALL}/connect"
_CALLBACK_SETTINGS = ("status_callback", "status_callback_event", "status_callback_method")  # EX205 (hub fields)
# A Dial's settings the plan's connect request has no field for (EX214 when written: never dropped silently).
_DIAL_UNLOWERED = (
    "timeout", "time_limit", "answer_on_bridge", "hangup_on_star", "ring_tone", "record", "recording_track",
    "recording_status_callback", "recording_status_callback_method", "recording_status_callback_event", "trim",
)
_INPUT_SETTINGS = ("num_digits", "finish_on_key", "speech_timeout")  # EX204, and language for speech (timeout: a plan timer)

# Each kind of state ``Compiler.new`` makes and the fields its maker sets at once, always, in this order (a
# field set only sometimes, or later through a hole, is added after them as before). A state is a copy of
# its shape: a dict's copy clones its key table, so the fields' keys cost nothing more and a state of more
# than five keys is not grown again (a literal of four keys and inserts cost about 470 instructions more for a
# state of eight keys). tests/test_compile_speed_paths2.py holds plans to those made from bare shapes.
_FIELDS: dict[str, tuple[str, ...]] = {
    "retry": ("limit", "again"),
    "wait": ("seconds",),
    "observe": ("observe",),
    "hangup": ("request", "reject"),
    "branch": ("variable", "test", "values"),
    "test": ("condition",),
    "loop": ("counter", "limit", "condition", "outer"),
    "iterate": ("loop",),
    "set": ("variable", "template"),
    "unset": ("variable",),
    "action": ("url", "method"),
    "conference": ("name", "settings"),
    "redirect": ("url", "method"),
    "connect": ("request", "on"),
    "clear": (),
    "accept": ("modes", "num_digits", "finish_on_key"),
    "await": ("seconds", "prompt", "on", "timeout"),
}


def _shapes(fields: Mapping[str, tuple[str, ...]]) -> dict[str, dict[str, Any]]:
    """Each kind's shape: its id, kind, element and span, then its fields (None until set)."""
    return {kind: {"id": None, "kind": kind, "element": None, "span": None, **dict.fromkeys(names)} for kind, names in fields.items()}


_SHAPES = _shapes(_FIELDS)
_PLAY = _shapes({"play": ("on", "request")})["play"]  # ``Compiler.play``'s own (a play is not made by ``new``)
_PLAY_REQUEST: dict[str, Any] = {"method": "PUT", "path": PLAY, "body": None}


_IDS: list[str] = []  # "s0", "s1", ...: the state ids, each formatted once per process (an f-string per state cost a fifth of ``new``)
_MAX_IDS = 1 << 16  # ids kept at most (a bounded table: a bigger plan formats the rest as it goes)


def state_id(number: int) -> str:
    """The id of a plan's state ``number`` ("s12"), from ``_IDS`` (extended up to ``number`` when short)."""
    if number < len(_IDS):
        return _IDS[number]
    if number >= _MAX_IDS:
        return f"s{number}"
    _IDS.extend(f"s{n}" for n in range(len(_IDS), number + 1))
    return _IDS[number]


def plan_variable(name: str) -> str:
    """The plan's name for a hub variable: the input variable is the plan's INPUT_VARIABLE ('$GATHER');
    every other keeps its hub name ('menu.digits', 'do.n'). The one place the hub's names meet the plan's."""
    return INPUT_VARIABLE if name == semantics.INPUT else name


def expression_data(expr: Expr) -> dict[str, Any]:
    """A hub condition as plan data (executor.expression_of reads it back): {"var"}, {"literal"},
    {"op", "left", "right"}, {"in", "values", "negated"}, {"and"}, {"or"}; variables by their plan names.
    A comparison of a variable with a literal (most conditions, and every operand of VoXML's ``or``)
    is made without recursing (three calls and their tests per comparison cost more than its dicts);
    ``tests/test_compile_speed_paths.py`` holds it to the general way."""
    if type(expr) is Compare:
        left, right = expr.left, expr.right
        if type(left) is Var and type(right) is Literal:
            name = left.name
            return {"op": expr.op, "left": {"var": INPUT_VARIABLE if name == semantics.INPUT else name}, "right": {"literal": right.value}}
    elif type(expr) is Or:  # VoXML's conditions are mostly ors of such comparisons: no class tests first
        return {"or": [expression_data(operand) for operand in expr.operands]}
    return _expression_data(expr)


def _expression_data(expr: Expr) -> dict[str, Any]:
    """``expression_data`` the general way: by the expression's class, each operand in turn."""
    if isinstance(expr, Var):
        return {"var": plan_variable(expr.name)}
    if isinstance(expr, Literal):
        return {"literal": expr.value}
    if isinstance(expr, Compare):
        return {"op": expr.op, "left": expression_data(expr.left), "right": expression_data(expr.right)}
    if isinstance(expr, In):
        return {"in": expression_data(expr.operand), "values": list(expr.values), "negated": expr.negated}
    if isinstance(expr, And):
        return {"and": [expression_data(operand) for operand in expr.operands]}
    return {"or": [expression_data(operand) for operand in expr.operands]}


def _attributes(node: Node, hub_fields: tuple[str, ...] | list[str]) -> list[str]:
    """Hub fields as the names the document wrote them with (messages and settings speak its language)."""
    attribute_of = vocabulary_of(node).spec_of(node).attribute_of
    return [attribute_of.get(name, name) for name in hub_fields]

State = dict[str, Any]


@cache
def plan_schema() -> dict[str, Any]:
    """The JSON Schema of plans (shipped in the package)."""
    return json.loads((Path(__file__).parent / "plan.schema.json").read_text(encoding="utf-8"))


class Compiler:
    def __init__(self, source: str, loop_cap: int, base_url: str | None = None, lowerings: Mapping[type[Verb], Lowering] | None = None) -> None:
        self.source = source
        self.lowerings = LOWERINGS if lowerings is None else lowerings
        self.loop_cap = loop_cap
        self.base_url = base_url
        self.states: list[State] = []
        self.diagnostics: list[Diagnostic] = []
        self._spans: list[dict[str, int]] = []  # the spans of the elements of ``_spans_of``
        self._spans_of: SourceMap | None = None
        self._line_starts: list[int] | None = None  # ``_spans_of``'s line starts, once a name span needed them
        self._span_tables: dict[int, list[dict[str, int]]] = {}  # id(source) -> its spans: an AST may mix files
        self._reported: set[tuple[str, int]] = set()
        self._positions: list[tuple[int, int, str]] = []  # each diagnostic's (line, column, code), for the final sort
        self._loops: list[State] = []  # the loop states being compiled, innermost last (their counters)
        self._voices_of: dict[int, VoiceNaming] = {}  # id(source) -> how its dialect names voices
        self._naming_of: SourceMap | None = None  # the source of the last Say's naming (every Say of a file shares it)
        self._naming = VoiceNaming(False, None)

    # ----------------------------------------------------------------- states
    def span(self, node: Node) -> dict[str, int] | None:
        """Where a node came from (None: built in Python, or an index past the table). States of one node
        share the dict."""
        spans = self._spans if node.source is self._spans_of else self.span_table(node.source)
        try:  # an index is a position in the file, or None (a node built in Python): a lookup, not tests
            return spans[node.index]  # type: ignore[index]
        except (IndexError, TypeError):
            return None

    def span_table(self, source: SourceMap | None) -> list[dict[str, int]]:
        """Every element's span in ``source``, made once per file (the first node, or one from another
        file, switches to it): the states' ``span``s are entries of it."""
        self._spans_of, self._line_starts = source, None
        table = self._span_tables.get(id(source))
        if table is None:
            table = self._span_tables[id(source)] = source.element_span_dicts() if source is not None else []
        self._spans = table
        return table

    def new(self, kind: str, node: Node | None) -> State:
        """A state of ``kind`` made for ``node``: its id, kind, element and span. The caller sets its fields
        one by one, in the plan's order (keyword arguments cost a dict and a merge per state: a third of this).
        The state is a copy of its kind's shape (``_SHAPES``: those fields' keys already in place, so setting
        them makes no key and a state of more than five keys is not grown again)."""
        states = self.states
        number = len(states)
        try:  # the ids and spans are looked up, not tested first: a state is made per verb and more
            sid = _IDS[number]
        except IndexError:
            sid = state_id(number)
        state = _SHAPES[kind].copy()
        state["id"] = sid
        if node is not None:
            spans = self._spans if node.source is self._spans_of else self.span_table(node.source)  # self.span(node), inline
            try:
                span = spans[node.index]  # type: ignore[index]
            except (IndexError, TypeError):
                span = None
            state["element"], state["span"] = node.TAG, span
        states.append(state)
        return state

    def approximate(self, code: str, node: Node, message: str, span: Span | None = None, help: str | None = None) -> None:
        """Report an approximation once per construct (at the element's name unless ``span`` says where)."""
        reported = self._reported
        count = len(reported)
        reported.add((code, id(node)))  # one hash of the key, not a test and then an add
        if len(reported) == count:  # reported already
            return
        if span is None:
            span = self.name_span(node)
        diagnostic = make(code, message, span, help)
        self.diagnostics.append(diagnostic)
        where = diagnostic.span
        self._positions.append((where[0], where[1], code))  # the order compile_document sorts them in (line, column, code)

    def name_span(self, node: Node) -> Span | None:
        """The element name in its start tag (with its offsets: only reported nodes need it): what
        ``node.name_span`` gives, from the element's span dict that the states record (its '<' by line and
        column) and the name's length, without the source's binary searches (a compile reports thousands)."""
        source, index = node.source, node.index
        if source is None or index is None:
            return None
        spans = self._spans if source is self._spans_of else self.span_table(source)
        if not 0 <= index < len(spans):
            return source.name_span(index)
        where = spans[index]
        line, column = where["line"], where["column"]
        starts = self._line_starts  # the source's, kept: its property cost a tenth of a name span
        if starts is None:
            starts = self._line_starts = source.line_starts
        start = starts[line - 1] + column  # just after the '<'
        found = _NAME.match(source.text, start)
        if found is None:  # not a name the tokenizer would have found: ask the source
            return source.name_span(index)
        end = found.end()  # a name holds no line break: it ends on the line it starts on
        return _new(Span, (line, column + 1, line, column + 1 + end - start, start, end))

    # ------------------------------------------------------------------ plays
    def play(self, node: Node, body: dict[str, Any], template: list[Any] | None = None) -> State:
        """A play request; the commonest state, so made directly. ``body`` (from ``say_body`` or ``play_body``, its first key
        "prompt_ref") becomes the request's body, its prompt_ref set to the state's id: a body played twice
        is copied by the caller (a copy per play cost more than the rest of a Say's body). ``template``:
        text the runner fills at play time."""
        states = self.states
        number = len(states)
        try:
            play_id = _IDS[number]
        except IndexError:
            play_id = state_id(number)
        body["prompt_ref"] = play_id
        spans = self._spans if node.source is self._spans_of else self.span_table(node.source)  # self.span(node), inline
        try:
            span = spans[node.index]  # type: ignore[index]
        except (IndexError, TypeError):
            span = None
        request = _PLAY_REQUEST.copy()
        request["body"] = body
        state = _PLAY.copy()  # a copy of the shape and its keys set: cheaper than the dict literals
        state["id"] = play_id
        state["element"] = node.TAG
        state["span"] = span
        state["on"] = {}
        state["request"] = request
        if template is not None:
            state["template"] = list(template)
        states.append(state)
        return state

    def say_body(self, say: Say) -> tuple[dict[str, Any], list[Any] | None]:
        """A play body of TTS (the voice as EnableX takes it, a gender; its prompt_ref for ``play`` to set),
        and the text's template when it reads the input (the runner fills it in when it sends the play)."""
        naming = self._naming if say.source is self._naming_of else self.voice_naming(say)  # the lookup inline: once per Say
        voice, language = say.voice, say.language
        if voice == naming.voice and language == naming.language:  # as the Say before (most Says): no key to make
            spoken = naming.last
        else:
            found = naming.spoken.get((voice, language))
            if found is None:
                if len(naming.spoken) >= _MAX_MESSAGES:  # a dialect's naming lives on: bounded
                    naming.spoken.clear()
                found = naming.spoken[(voice, language)] = naming.shaped(voice, language)
            naming.voice, naming.language, naming.last = voice, language, found
            spoken = found
        shape, unknown = spoken
        if unknown:
            bare = voice.rpartition(".")[2]
            hint = f"write voice='{bare}'" if bare in voices() else did_you_mean(voice, tuple(voices()))
            self.approximate(
                "EX210",
                say,
                f"<Say voice='{voice}'>: the voice is not in the Polly voice catalogue, so its gender (EnableX's 'male' or 'female') is unknown; the plan speaks with 'female'",
                say.attribute_span("voice"),
                hint,
            )
        body = shape.copy()  # its language and voice in place: a copy and a key set, not a dict of four made
        body["text"] = str(say.text)
        if say.separate_numbers:
            body["text_to_speech_option"] = {"say-as": {"interpret-as": "number_digit"}}
        text = say.text
        mark = text.MARK  # template_of's first test (may_reference) inline: most Says read no variable
        return body, (template_of(text) if mark is None or mark in text else None)

    def voice_naming(self, say: Say) -> VoiceNaming:
        """How the reading dialect names voices: found once per dialect (its vocabulary) and process, so a
        file's Says are spoken as the files' before them were (the pairs and their bodies' shapes); once
        per compile for a node built in Python or a source no reader named."""
        source = say.source
        vocabulary = source.vocabulary if source is not None else None
        if vocabulary is None:
            key = id(source)
            naming = self._voices_of.get(key)
            if naming is None:
                naming = self._voices_of[key] = VoiceNaming(qualified_voices(say), voice_genders(say)) if source is not None else VoiceNaming(False, None)
        else:
            known = _NAMINGS.get(id(vocabulary))
            if known is None or known[0] is not vocabulary:  # the vocabulary is kept with it: its id is not reused meanwhile
                if len(_NAMINGS) >= _MAX_MESSAGES:
                    _NAMINGS.clear()
                known = _NAMINGS[id(vocabulary)] = (vocabulary, VoiceNaming(qualified_voices(say), voice_genders(say)))
            naming = known[1]
        self._naming_of, self._naming = source, naming
        return naming

    def play_body(self, play: Play) -> dict[str, Any]:
        self.digits(play)
        return {"prompt_ref": None, "url": self.url(play, play.url)}

    def url(self, node: Node, url: str) -> str:
        """A URL as the plan uses it: resolved against --base-url; a relative one without a base
        (EX213) or, for audio, one EnableX does not fetch (EX211, HTTPS only) is reported at the URL."""
        if url.startswith("https://"):  # the common case, absolute and fetched
            return url
        span = node.content_span
        if not is_absolute(url):
            if self.base_url is None:
                self.approximate("EX213", node, f"<{node.TAG}> URL '{url}' is relative and no base URL was given; the plan keeps it as written, which EnableX cannot fetch", span, "give the document's URL with --base-url")
                return url
            url = resolved(url, self.base_url)
        if node.__class__ is Play and not url.lower().startswith("https://"):
            self.approximate("EX211", node, f"<Play> URL '{url}' is not HTTPS; EnableX plays audio from HTTPS URLs only, so the play fails and the plan goes on", span, "serve the audio over HTTPS: " + ("https://" + url[7:] if url.lower().startswith("http://") else "an https:// URL"))
        return url

    def loop(self, node: Say | Play, body: dict[str, Any], template: list[Any] | None, rounds: int) -> tuple[str, list[Hole]]:
        """``rounds`` plays, each followed by a wait of repeatDelay: one play (and wait) and a counted
        ``retry`` step, whatever ``rounds`` is. Returns the first state and the holes after the last round."""
        play = self.play(node, body, template)
        first, on = play["id"], play["on"]
        if node.repeat_delay:  # the play leads to the wait (both of its ends), the wait on
            wait = self.wait(node, node.repeat_delay)
            on["playstate:playfinished"] = on["playstate:failed"] = wait["id"]
            holes: list[Hole] = [(wait, "next")]
        else:
            holes = [(on, "playstate:playfinished"), (on, "playstate:failed")]
        if rounds == 1:
            return first, holes
        retry = self.new("retry", node)
        retry["limit"], retry["again"] = rounds, first
        fill(holes, retry["id"])
        return first, [(retry, "done")]

    def wait(self, node: Node, seconds: int) -> State:
        state = self.new("wait", node)
        state["seconds"] = seconds
        return state

    def times(self, node: Say | Play, where: str = "") -> int:
        if node.loop == 0:
            if where:
                self.approximate("EX207", node, f"<{node.TAG} loop='0'> inside a Gather plays {self.loop_cap} times")
            else:
                self.approximate("EX207", node, f"<{node.TAG} loop='0'> repeats until the caller hangs up; EnableX has no endless play, so it plays {self.loop_cap} times and the call is hung up")
            return self.loop_cap
        return node.loop

    # -------------------------------------------------------------- sequences
    # States are made in the order a call meets them, so their ids read in that order.
    # A verb returns its first state and its holes: the links that lead on to whatever
    # comes after it, filled in once that is made. A verb that compiles to nothing
    # (skipped, or a Reject that is not first) returns None and leaves the holes open.

    def sequence(self, verbs: list[Verb], holes: list[Hole]) -> tuple[str | None, list[Hole]]:
        """Compile verbs in order, the first taking ``holes``; return the first state and the holes left.
        A lowering's exits are its holes, or a lone play's ``on`` table (``Exits``)."""
        entry = None
        lowering = self.lowerings.get
        exits: Any = holes  # an ``Exits``: the class test below tells which
        for verb in verbs:
            lower = lowering(verb.__class__)
            if lower is None:
                self.unsupported(verb)
                continue
            first, after = lower(self, verb)
            if first is None:
                continue
            if exits.__class__ is dict:  # a lone play before it: both its ends lead here
                exits[_FINISHED] = exits[_FAILED] = first
            else:
                for container, key in exits:  # fill(holes, first), inline: once per verb
                    container[key] = first
            entry = entry or first
            exits = after
        return entry, exits if exits.__class__ is list else _ends(exits)

    def digits(self, play: Play) -> None:
        if play.digits is not None:
            self.approximate("EX214", play, f"<Play digits='{play.digits}'>: EnableX's play sends no DTMF tones, so the plan leaves them out and plays only the URL", help="remove digits, or compile for a target that supports it")

    def say_or_play(self, verb: Say | Play) -> tuple[str | None, Exits]:
        body, template = self.say_body(verb) if verb.__class__ is Say else (self.play_body(verb), None)  # type: ignore[arg-type]
        if verb.loop == 1 and not verb.repeat_delay:  # the common case: one play
            state = self.play(verb, body, template)
            return state["id"], state["on"]  # its two holes as its "on" table (``Exits``)
        times = self.times(verb)
        first, holes = self.loop(verb, body, template, times)
        if verb.loop == 0:
            fill(holes, self.capped(verb, times))
            return first, []
        return first, holes

    def unsupported(self, node: Node, lowered: tuple[str, ...] | None = None, where: str = "") -> None:
        """A node this target has no lowering for: reported (EX214) and skipped, never a KeyError.
        ``lowered``: the elements that can stand there (default: every verb with a lowering)."""
        tag = getattr(node, "kind", "") or node.TAG or node.__class__.__name__  # a kept element (TwiML's Enqueue) by its name
        choices = lowered or sorted({cls.TAG for cls in self.lowerings if cls.TAG})
        self.approximate(
            "EX214",
            node,
            f"<{tag}>{where} has no lowering to EnableX; the plan skips it. The elements EnableX lowers{where}: {', '.join(choices)}",
            help=f"remove the <{tag}>, or compile for a target that supports it",
        )

    def dialect_details(self, document: Response) -> None:
        """What nodes carry beyond their hub fields (a dialect's extras: TwiML's hints or machineDetection, a
        Say's SSML markup, a Hangup's Parameters): EX214 when the reading vocabulary says such details
        change the call (``extras_change_the_call``), so nothing is dropped silently. A node already
        reported whole (EX214) is not reported again, nor what it holds."""
        if document.source is not None and not getattr(vocabulary_of(document), "extras_change_the_call", False):
            return  # a parsed document's nodes share its dialect, whose details change nothing (v1, VoXML)
        stack: list[Node] = list(document.verbs)
        while stack:
            node = stack.pop()
            if ("EX214", id(node)) in self._reported:
                continue
            stack.extend(node.children)
            extras = node.extras
            if not extras:
                continue
            vocabulary = vocabulary_of(node)
            if not getattr(vocabulary, "extras_change_the_call", False):
                continue
            spec = vocabulary.spec_of(node)
            parts = []
            for name, value in extras.items():
                if name == "ssml":
                    parts.append("its SSML markup (the plan speaks the words only)")
                elif name == "children":
                    parts.append("its " + ", ".join(sorted({f"<{vocabulary.spec_of(child).tag}>" for child in value})) + " children")
                elif name in spec.attributes:
                    parts.append(f"{name}='{spec.attributes[name].serialize(value)}'")
            if parts:
                self.approximate(
                    "EX214",
                    node,
                    f"<{spec.tag}> {', '.join(parts)}: EnableX has no equivalent, so the plan leaves {'it' if len(parts) == 1 else 'them'} out",
                    help="remove what the message names, or compile for a target that supports it",
                )

    def lowered(self, nodes: list[Any], classes: tuple[type[Node], ...], where: str) -> list[Any]:
        """The children of a Gather or Dial this target lowers; EX214 for the others."""
        for node in nodes:  # a loop, not all() of a generator: a Gather has a prompt or two
            if node.__class__ not in classes:
                break
        else:  # always, for a document read from VoxXML v1
            return nodes
        kept = []
        for node in nodes:
            if node.__class__ in classes:
                kept.append(node)
            else:
                self.unsupported(node, tuple(cls.TAG for cls in classes), where)
        return kept

    def pause(self, verb: Pause) -> tuple[str | None, list[Hole]]:
        state = self.wait(verb, verb.length)
        return state["id"], [(state, "next")]

    def hangup_verb(self, verb: Hangup) -> tuple[str | None, list[Hole]]:
        return self.hangup(verb), []

    def reject(self, verb: Reject) -> tuple[str | None, list[Hole]]:
        return None, []  # not first: no effect (VX101); the first-verb Reject is an entry

    def branch(self, verb: If) -> tuple[str | None, list[Hole]]:
        condition = verb.condition
        if isinstance(condition, In) and isinstance(condition.operand, Var):
            # One variable against values: ``semantics.tested``'s reading and ``plan_variable``, inline (an If is
            # a verb in ten, and the calls cost more than the state's fields; tests/test_compile_speed_paths.py
            # holds this to them).
            name = condition.operand.name
            branch = self.new("branch", verb)
            branch["variable"], branch["test"], branch["values"] = INPUT_VARIABLE if name == semantics.INPUT else name, "NOTEQUAL" if condition.negated else "EQUAL", list(condition.values)
        elif condition is not None:  # any other condition: evaluated when the call runs
            branch = self.new("test", verb)
            branch["condition"] = expression_data(condition)
        else:  # no condition could be read: never holds
            branch = self.new("branch", verb)
            branch["variable"], branch["test"], branch["values"] = INPUT_VARIABLE, "EQUAL", []
        then = [(branch, "then")]
        body, holes = self.sequence(verb.body, then)
        if body is None:
            holes = then
        return branch["id"], [(branch, "otherwise"), *holes]

    def loop_verb(self, verb: Loop) -> tuple[str | None, list[Hole]]:
        """A while loop as two counted steps, never unrolled: ``loop`` sets the counter to the pass
        number, tests the limit and the condition, and enters the body or leaves (restoring the counter
        to the enclosing loop's pass, ``outer``, or unsetting it); ``iterate`` after the body counts the pass."""
        outer = None  # the innermost enclosing loop with the same counter (a loop, not a generator: one per Loop)
        for enclosing in reversed(self._loops):
            if enclosing["counter"] == verb.counter:
                outer = enclosing
                break
        condition = expression_data(verb.condition) if verb.condition is not None else {"literal": ""}
        state = self.new("loop", verb)
        state["counter"], state["limit"], state["condition"], state["outer"] = plan_variable(verb.counter), verb.max_loops, condition, outer["id"] if outer else None
        self._loops.append(state)
        iterate = self.new("iterate", verb)
        iterate["loop"] = state["id"]
        body, holes = self.sequence(verb.body, [(state, "then")])
        self._loops.pop()
        if body is None:
            holes = [(state, "then")]
        fill(holes, iterate["id"])
        return state["id"], [(state, "done")]

    def set_verb(self, verb: Set) -> tuple[str | None, list[Hole]]:
        parts = template_of(verb.value) or ([str(verb.value)] if str(verb.value) else [])
        state = self.new("set", verb)
        state["variable"], state["template"] = plan_variable(verb.output), parts
        return state["id"], [(state, "next")]

    def unset_verb(self, verb: Unset) -> tuple[str | None, list[Hole]]:
        state = self.new("unset", verb)
        state["variable"] = plan_variable(verb.output)
        return state["id"], [(state, "next")]

    def answer(self, verb: Answer) -> tuple[str | None, list[Hole]]:
        """The plan answers every inbound call on incomingcall (and an outbound one is answered): the
        Answer itself is observed, nothing is sent."""
        state = self.new("observe", verb)
        state["observe"] = {"event": "answer"}
        return state["id"], [(state, "next")]

    def action(self, verb: Node, holes: list[Hole]) -> list[Hole]:
        """An action fetch after ``holes`` (a Gather's input, a Dial's end): the reply replaces the
        document; a failed fetch goes on to what follows."""
        url = self.url(verb, verb.action)  # type: ignore[arg-type, attr-defined]
        self.approximate("EX206", verb, f"<{verb.TAG} action> posts its result to {url} when the call runs; the VoXML it returns is not known when compiling, so the plan hands the call to the runner, which must fetch and compile it")
        state = self.new("action", verb)
        state["url"], state["method"] = url, verb.method  # type: ignore[attr-defined]
        fill(holes, state["id"])
        return [(state, "next")]

    def dial(self, verb: Number | Dial) -> tuple[str | None, list[Hole]]:
        if isinstance(verb, Dial) and verb.output is not None:
            self.approximate("EX214", verb, f"<Dial output='{verb.output}'>: the plan does not write {verb.output}.status (EnableX reports a failed bridge without saying busy or no-answer), so it reads ''; the Dial itself runs", help="test the outcome in the action's webhook instead, or compile for a target that supports it")
        if isinstance(verb, Dial) and not verb.explicit.isdisjoint(_DIAL_UNLOWERED):
            written = _attributes(verb, [name for name in _DIAL_UNLOWERED if name in verb.explicit])
            self.approximate(
                "EX214",
                verb,
                f"<Dial> {', '.join(written)}: EnableX's connect request takes only the numbers and the caller ID, so the plan leaves {'it' if len(written) == 1 else 'them'} out",
                help="remove them, or compile for a target that supports them",
            )
        first, holes = self.dial_only(verb)
        if isinstance(verb, Dial) and verb.action is not None:
            if first is None:
                url = self.url(verb, verb.action)
                state = self.new("action", verb)
                state["url"], state["method"] = url, verb.method
                return state["id"], [(state, "next")]
            holes = self.action(verb, holes)
        return first, holes

    def number(self, verb: Number) -> tuple[str | None, list[Hole]]:
        """A Number outside a Dial: one connect (``dial``'s way, without its Dial's tests and lists)."""
        if not verb.number:  # only when the document's own error (VX009) was suppressed: EX212
            return self.dial(verb)
        if not verb.explicit.isdisjoint(_CALLBACK_SETTINGS):  # ``callbacks``' own first test, before the call
            self.callbacks(verb)
        return self.connect(verb, [verb], verb.caller_id)

    def dial_only(self, verb: Number | Dial) -> tuple[str | None, list[Hole]]:
        numbers = [verb] if verb.__class__ is Number else self.lowered(verb.numbers, (Number,), " in a <Dial>")  # type: ignore[union-attr]
        for node in numbers if verb.__class__ is Number else [verb, *numbers]:
            if not node.explicit.isdisjoint(_CALLBACK_SETTINGS):  # ``callbacks``' own first test, before the call
                self.callbacks(node)  # type: ignore[arg-type]
        empty = False
        for number in numbers:
            if not number.number:  # only when the document's own error (VX009) was suppressed
                self.approximate("EX212", number, "<Number> is empty; the plan never connects to an empty number, so it dials nothing here", number.content_span or self.name_span(number))
                empty = True
        if empty:
            numbers = [number for number in numbers if number.number]
        if len(numbers) > 1:
            self.approximate("EX203", verb, f"<Dial> rings {len(numbers)} numbers at once and connects the first to answer; EnableX bridges one number at a time, so they are dialled one after another until one answers")
        if not numbers:
            return None, []
        return self.connect(verb, numbers, verb.caller_id)  # type: ignore[arg-type]

    def conference(self, verb: Conference) -> tuple[str | None, list[Hole]]:
        if not verb.explicit.isdisjoint(_CALLBACK_SETTINGS):  # ``callbacks``' own first test, before the call
            self.callbacks(verb)
        self.approximate("EX201", verb, f"<Conference>{verb.name}</Conference> has no EnableX Core Voice request (no conference rooms); the plan hands the call to the runner, which must join it to conference '{verb.name}' and go on when the caller leaves")
        spec = vocabulary_of(verb).spec_of(verb)
        settings = {name: spec.value(verb, name) for name in _conference_settings(verb, spec)}
        state = self.new("conference", verb)
        state["name"], state["settings"] = verb.name, settings
        return state["id"], [(state, "next")]

    def set_mute(self, verb: SetMute) -> tuple[str | None, list[Hole]]:
        self.approximate("EX202", verb, "<SetMute> has no EnableX Core Voice equivalent (mute is a conference control); it is skipped")
        return None, []

    def redirect(self, verb: Redirect) -> tuple[str | None, list[Hole]]:
        url = self.url(verb, verb.url)
        self.approximate("EX206", verb, f"<Redirect> fetches {url} when the call runs; its VoxXML is not known when compiling, so the plan hands the call to the runner, which must fetch and compile it")
        state = self.new("redirect", verb)
        state["url"], state["method"] = url, verb.method
        return state["id"], [(state, "next")]

    def hangup(self, node: Node | None, reject: bool = False) -> str:
        state = self.new("hangup", node)
        state["request"], state["reject"] = {"method": "DELETE", "path": CALL}, reject
        return state["id"]

    def capped(self, node: Node, times: int) -> str:
        """After a loop='0' reached the cap: the call is hung up, saying so."""
        note = self.new("observe", node)
        note["observe"] = {"event": "capped", "after": times}
        note["next"] = self.hangup(node)
        return note["id"]

    def callbacks(self, node: Number | Dial | Gather | Conference) -> None:
        if node.explicit.isdisjoint(_CALLBACK_SETTINGS):  # the usual case
            return
        message = _callbacks_message(node)
        if message is not None:
            self.approximate("EX205", node, message)

    def connect(self, verb: Node, numbers: list[Number], caller_id: str | None) -> tuple[str, list[Hole]]:
        """One connect per number; a failed one goes on to the next number, the last to what follows."""
        holes: list[Hole] = []
        first = None
        on: dict[str, Any] | None = None  # the previous number's events: its failure leads to this number
        several = len(numbers) > 1
        for number in numbers:
            state = self.new("connect", number if several else verb)
            if on is not None:
                on["state:failed"] = state["id"]
            on = {}
            state["request"], state["on"] = {"method": "PUT", "path": CONNECT, "body": {"from": number.caller_id or caller_id or "{cli}", "to": number.number}}, on
            first = first or state["id"]
            holes.append((on, "state:bridge_disconnected"))
        assert first is not None and on is not None
        holes.append((on, "state:failed"))
        return first, holes

    # ----------------------------------------------------------------- gather
    def gather(self, gather: Gather) -> tuple[str, list[Hole]]:
        if not gather.explicit.isdisjoint(_CALLBACK_SETTINGS):  # ``callbacks``' own first test, before the call
            self.callbacks(gather)
        message = _input_settings_message(gather)
        if message is not None:
            self.approximate("EX204", gather, message)
        attempts = gather.loop if gather.loop > 0 else self.loop_cap
        if gather.loop == 0:
            self.approximate("EX207", gather, f"<Gather loop='0'> prompts until input arrives; the plan prompts {self.loop_cap} times and then hangs up")
        if not gather.prompts:
            self.approximate("EX208", gather, f"<Gather> without Say or Play: EnableX collects input only with a play, so this Gather collects nothing and {INPUT_VARIABLE} is empty")
        prompts = self.lowered(gather.prompts, _PROMPTS, " in a <Gather>")
        # One attempt, replayed by a counted 'retry' step; repeatDelay comes before a repeat
        # only, never after the last attempt (docs/semantics.md).
        start, accept, none = self.attempt(gather, prompts)
        retry = None
        if attempts > 1:
            again = start
            if gather.repeat_delay:
                wait = self.wait(gather, gather.repeat_delay)
                wait["next"], again = start, wait["id"]
            retry = self.new("retry", gather)
            retry["limit"], retry["again"] = attempts, again
            none["next"] = retry["id"]
        if gather.loop == 0:
            done = self.capped(gather, attempts)
            holes: list[Hole] = [] if accept is None else [(accept, "next")]
        else:
            clear = self.new("clear", gather)  # no input at all: the input is empty
            if gather.output != semantics.INPUT:
                clear["output"] = _output(gather)
            done = clear["id"]
            holes = [(clear, "next")] if accept is None else [(accept, "next"), (clear, "next")]
        if retry is not None:
            retry["done"] = done
        else:
            none["next"] = done
        if gather.action is not None:  # the input is posted, and the reply replaces the document
            if gather.action_on_empty_result:
                holes = self.action(gather, holes)
            else:
                holes = self.action(gather, [hole for hole in holes if hole[0].get("kind") != "clear"]) + [hole for hole in holes if hole[0].get("kind") == "clear"]
        return start, holes

    def attempt(self, gather: Gather, prompts: list[Say | Play]) -> tuple[str, State | None, State]:
        """Prompts and the listening play; return the start, the state that takes the input (its "next"
        leads on; None without a prompt) and the state reached without input (its "next" retries or
        gives up). States, not lists of holes: each has one open link."""
        prompt = _played_once(prompts)
        if prompt is not None:
            # The common case, one prompt played once: what ``prompts`` and ``link`` make of it, straight
            # (no pieces, no tail). tests/test_compile_speed_paths.py holds it to the general way.
            body, template = self.say_body(prompt) if prompt.__class__ is Say else (self.play_body(prompt), None)  # type: ignore[arg-type]
            listen = self.play(prompt, body, template)
            start, tail = listen["id"], 0
        else:
            pieces, found, tail = self.prompts(prompts)
            if found is None:  # no prompt: EnableX cannot listen (EX208)
                none = self.new("observe", gather)
                none["observe"] = {"event": "gather", "input": ""}
                return none["id"], None, none
            listen = found
            first, holes = self.link(pieces)
            fill(holes, listen["id"])
            start = first or listen["id"]
        body = listen["request"]["body"]
        modes = gather.input
        if "dtmf" in modes:
            body["dtmf"] = True
        speech = "speech" in modes
        if speech:
            body["asr"] = True
        # The wait after the listening play (its repeatDelay) comes before the result, on both paths.
        result = self.wait(prompts[-1], tail) if tail else None  # the listening prompt's repeatDelay
        accept = self.new("accept", gather)
        accept["modes"], accept["num_digits"], accept["finish_on_key"] = list(modes), gather.num_digits, gather.finish_on_key
        if gather.output != semantics.INPUT:
            accept["output"] = _output(gather)
        no_input = self.wait(prompts[-1], tail) if tail else None
        none = self.new("observe", gather)
        none["observe"] = {"event": "gather", "input": ""}
        if result is not None and no_input is not None:
            result["next"], no_input["next"] = accept["id"], none["id"]
        accept["none"] = none["id"]
        heard, silent = (result or accept)["id"], (no_input or none)["id"]
        results = {"playstate:digitcollected": heard, "playstate:menutimeout": silent, "playstate:failed": silent}
        if speech:
            results["speech:recognized"], results["speech:timeout"], results["speech:unrecognized"] = heard, silent, silent
        # 'playfinished' ends the prompt, not the listening (the reference: dtmf "waits for the
        # caller to press a keypad digit after the prompt finishes"): the plan waits on, for at
        # most the Gather's timeout, which its own timer enforces. The await keeps ``results`` itself
        # (nothing else does), the listening play a copy with its own playfinished.
        waiting = self.new("await", gather)
        waiting["seconds"], waiting["prompt"], waiting["on"], waiting["timeout"] = gather.timeout, listen["id"], results, silent
        listen["on"] = {**results, "playstate:playfinished": waiting["id"]}
        return start, accept, none

    def link(self, pieces: list[tuple[str, list[Hole]]]) -> tuple[str | None, list[Hole]]:
        """Link pieces (a first state and its holes) in order; return the start and the last holes."""
        start = None
        holes: list[Hole] = []
        for first, exits in pieces:
            fill(holes, first)
            start = start or first
            holes = exits
        return start, holes

    def prompts(self, prompts: list[Say | Play]) -> tuple[list[tuple[str, list[Hole]]], State | None, int]:
        """The prompts of one attempt: the pieces before the listening play, the listening play
        (the last prompt's last round) and the wait after it. Consecutive Says in one voice merge
        into one play; loops are counted steps."""
        pieces: list[tuple[str, list[Hole]]] = []
        last: State | None = None  # the previous piece when it is a lone play that can take more text
        listen: State | None = None
        tail = 0
        count = len(prompts)
        for index, prompt in enumerate(prompts):
            times = prompt.loop or self.times(prompt, "prompt")  # ``times`` is called for loop='0' only (EX207)
            body, template = self.say_body(prompt) if prompt.__class__ is Say else (self.play_body(prompt), None)  # type: ignore[arg-type]
            final = index == count - 1
            looped = times - 1 if final else times  # the last round of the last prompt listens
            simple = times == 1 and not prompt.repeat_delay
            if simple and last is not None and prompt.__class__ is Say and _same_voice(last["request"]["body"], body):
                earlier = last["request"]["body"]
                if template is not None or "template" in last:
                    last["template"] = _joined(last.get("template") or [earlier["text"]], template or [body["text"]])
                earlier["text"] += " " + body["text"]
                listen = last if final else None
                continue
            at = len(self.states)  # where the loop's play is made (its first state)
            if looped:
                pieces.append(self.loop(prompt, body, template, looped))
            last = None
            if final:
                listen, tail = self.play(prompt, dict(body) if looped else body, template), prompt.repeat_delay  # a looped prompt's rounds played it
            elif simple and prompt.__class__ is Say:
                last = self.states[at]  # the piece just made: its play
        if listen is not None and pieces and pieces[-1][0] == listen["id"]:
            pieces.pop()  # the merged listening play was the last piece
        return pieces, listen, tail


Hole = tuple[dict[str, Any], str]  # (a state or its 'on' table, the key) that names the next state
# What a lowering leaves open: its holes, or the "on" table of a lone play, both of whose ends (played to the end,
# failed) lead on. A play is a verb in two; its table instead of a list of two holes costs about 1,200 instructions less a Say.
Exits = list[Hole] | dict[str, Any]
_FINISHED, _FAILED = "playstate:playfinished", "playstate:failed"


def _ends(on: dict[str, Any]) -> list[Hole]:
    """A lone play's exits as its two holes."""
    return [(on, _FINISHED), (on, _FAILED)]


class VoiceNaming:
    """How one source's dialect names voices, and what each (voice, language) of its Says is spoken as:
    a corpus's Says use a handful of voices, so the catalogue is asked once per pair, not per Say."""

    __slots__ = ("qualified", "genders", "spoken", "voice", "language", "last")

    def __init__(self, qualified: bool, genders: Mapping[str, str] | None) -> None:
        self.qualified = qualified  # voices named with their provider ('Polly.Joanna': VoXML)
        self.genders = genders  # the dialect's own voices without a provider and their genders (TwiML's man, woman)
        self.spoken: dict[tuple[str, str | None], tuple[dict[str, Any], bool]] = {}  # (voice, language) -> shaped(...)
        # The last Say's pair and what it is spoken as (consecutive Says mostly share a voice): no
        # (voice, language) key made and hashed per Say. None for the voice matches no Say at first.
        self.voice: str | None = None
        self.language: str | None = None
        self.last: tuple[dict[str, Any], bool] = ({}, False)

    def speak(self, voice: str, language: str | None) -> tuple[str, str, bool]:
        """The language a Say is spoken in, the voice EnableX takes (a built-in voice, or the Polly voice's
        gender) and whether the voice is unknown (EX210: spoken as 'female')."""
        builtin = self.genders.get(voice) if self.genders else None
        unknown = builtin is None and voice not in voices() and catalogue_voice(voice, self.qualified) is None
        gender, spoken_language = spoken_as(voice, language, self.qualified)
        return spoken_language, builtin or gender, unknown

    def shaped(self, voice: str, language: str | None) -> tuple[dict[str, Any], bool]:
        """What ``speak`` says, as the shape of a Say's play body (prompt_ref, text, language, voice: the
        first two for the Say to set; ``say_body`` copies it, never hands it out) and whether the voice is unknown."""
        spoken_language, speaker, unknown = self.speak(voice, language)
        return {"prompt_ref": None, "text": "", "language": spoken_language, "voice": speaker}, unknown

Lowering = Callable[[Compiler, Any], tuple[str | None, Exits]]
_PROMPTS: tuple[type[Node], ...] = (Say, Play)  # what a Gather's prompts lower from

# Each verb class and the method that lowers it: (first state id or None, holes). A verb
# whose exact class is not here is reported (EX214) and skipped.
LOWERINGS: dict[type[Verb], Lowering] = {
    Say: Compiler.say_or_play,
    Play: Compiler.say_or_play,
    Pause: Compiler.pause,
    Hangup: Compiler.hangup_verb,
    Reject: Compiler.reject,
    If: Compiler.branch,
    Loop: Compiler.loop_verb,
    Set: Compiler.set_verb,
    Unset: Compiler.unset_verb,
    Answer: Compiler.answer,
    Number: Compiler.number,
    Dial: Compiler.dial,
    Gather: Compiler.gather,
    Conference: Compiler.conference,
    SetMute: Compiler.set_mute,
    Redirect: Compiler.redirect,
}


# Messages (and a Conference's settings' names) that depend only on a node's class, its dialect's vocabulary
# and the attributes it wrote, made once per process for each (a corpus's Gathers write a handful of sets of
# attributes; making EX204's message per Gather was a tenth of a Gather's lowering). Key: (what, id(vocabulary
# or spec), class, explicit, ...); the value keeps that vocabulary or spec, so its id is not reused while the
# entry lives; at most _MAX_MESSAGES entries. A returned list is shared: read it, never change it.
_MESSAGES: dict[tuple[Any, ...], tuple[Any, Any]] = {}
_MAX_MESSAGES = 4096
_NAMINGS: dict[int, tuple[Any, VoiceNaming]] = {}  # id(vocabulary) -> (it, how it names voices): Compiler.voice_naming


def _remembered(key: tuple[Any, ...], vocabulary: Any, message: Any) -> Any:
    if len(_MESSAGES) >= _MAX_MESSAGES:
        _MESSAGES.clear()
    _MESSAGES[key] = (vocabulary, message)
    return message


def _conference_settings(verb: Conference, spec: Any) -> list[str]:
    """The attributes a Conference wrote (``spec.written``), sorted, without its callbacks (EX205)."""
    key = ("conference", id(spec), _hashable(verb.explicit), tuple(verb.extras))
    known = _MESSAGES.get(key)
    if known is not None and known[0] is spec:
        return known[1]
    callbacks = set(_attributes(verb, _CALLBACK_SETTINGS))
    names = [name for name in sorted(spec.written(verb)) if name not in callbacks]
    _remembered(key, spec, names)
    return names


def _hashable(explicit: frozenset[str]) -> frozenset[str]:
    """``explicit`` as a key (a builder may have been given a set)."""
    return explicit if explicit.__class__ is frozenset else frozenset(explicit)


def _input_settings_message(gather: Gather) -> str | None:
    """EX204's message for a Gather's input settings as written (None: it wrote none that EnableX lacks)."""
    source = gather.source
    vocabulary = source.vocabulary if source is not None else None  # None: the default dialect's (vocabulary_of)
    speech = "speech" in gather.input
    explicit = gather.explicit
    key = ("EX204", id(vocabulary), Gather, explicit if explicit.__class__ is frozenset else frozenset(explicit), speech)
    known = _MESSAGES.get(key)
    if known is not None and known[0] is vocabulary:
        return known[1]
    settings = [a for a in _INPUT_SETTINGS if a in gather.explicit]
    if "language" in gather.explicit and speech:
        settings.append("language")
    if not settings:
        return _remembered(key, vocabulary, None)
    written = _attributes(gather, settings)
    return _remembered(key, vocabulary, f"<Gather> {', '.join(written)}: EnableX play has no input settings; the plan applies numDigits and finishOnKey to the digits EnableX reports, and EnableX's own end of collection, speech timeout and recognition language apply")


def _callbacks_message(node: Number | Dial | Gather | Conference) -> str | None:
    """EX205's message for the per-verb callbacks a node wrote (None: none)."""
    source = node.source
    vocabulary = source.vocabulary if source is not None else None
    key = ("EX205", id(vocabulary), node.__class__, _hashable(node.explicit))
    known = _MESSAGES.get(key)
    if known is not None and known[0] is vocabulary:
        return known[1]
    written = _attributes(node, [a for a in _CALLBACK_SETTINGS if a in node.explicit])
    return _remembered(key, vocabulary, f"<{node.TAG}> {', '.join(written)}: EnableX sends every event of the call to the plan's event_url; per-verb callbacks are dropped" if written else None)


def _output(gather: Gather) -> str | None:
    """The variable an accept or clear step writes when it is not the plan's INPUT_VARIABLE (the step has
    no "output" then: v1 plans stay as they were): its plan name (the step also writes its .digits and
    .speech), or None for none."""
    return None if gather.output is None else plan_variable(gather.output)


def _played_once(prompts: list[Say | Play]) -> Say | Play | None:
    """An attempt's prompt when it is its only one and plays once (no loop, no repeatDelay): most Gathers'
    case, which ``Compiler.attempt`` makes without ``prompts`` and ``link``; None for any other."""
    if len(prompts) == 1:
        prompt = prompts[0]
        if prompt.loop == 1 and not prompt.repeat_delay:
            return prompt
    return None


def fill(holes: list[Hole], target: str) -> None:
    for container, key in holes:
        container[key] = target


def template_of(text: Template) -> list[Any] | None:
    """Say text as the runner fills it: strings and {"variable": name}; None when it reads no variable a
    plan has. (A reference to another variable stays as the text wrote it: VX011 reported it.)"""
    if not text.may_reference:
        return None
    parts: list[Any] = []
    for segment in text.segments:
        if isinstance(segment, VarRef):
            parts.append({"variable": plan_variable(segment.name)})
        elif parts and isinstance(parts[-1], str):
            parts[-1] += segment
        else:
            parts.append(segment)
    return parts if any(isinstance(part, dict) for part in parts) else None


def _joined(first: list[Any], second: list[Any]) -> list[Any]:
    """Two templates spoken as one text, a space between them (as merged Says)."""
    parts = list(first)
    for part in [" ", *second]:
        if isinstance(part, str) and parts and isinstance(parts[-1], str):
            parts[-1] += part
        else:
            parts.append(part)
    return parts


def _same_voice(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two TTS bodies (a play's, and one from say_body) that differ only in their text."""
    return (
        a["voice"] == b["voice"]
        and a["language"] == b["language"]
        and a.get("text_to_speech_option") == b.get("text_to_speech_option")
        and len(a) == len(b)  # both have a prompt_ref, and nothing else
    )


def _entries(compiler: Compiler, document: Response, first: str, rejected: tuple[str, str] | None) -> dict[str, Any]:
    """Inbound (accept, or reject without accepting) and outbound (the first play or connect folded in)."""
    if rejected is not None:
        inbound: dict[str, Any] = {"trigger": "incomingcall", "next": rejected[0]}
        outbound_first = rejected[1]
    else:
        inbound = {"trigger": "incomingcall", "request": {"method": "PUT", "path": f"{CALL}/accept"}, "events": {"state:connected": first}}
        outbound_first = first
    body: dict[str, Any] = {"from": "{cli}", "to": "{to}", "event_url": "{event_url}"}
    start = compiler.states[int(outbound_first[1:])]
    folds = None
    if start["kind"] in ("play", "connect"):
        folded = dict(start["request"]["body"])
        if "template" in start:  # nothing has been gathered yet when the call is answered
            folded["text"] = filled_template(start["template"], "")
        body["action_on_connect"] = {start["kind"]: folded}
        folds = outbound_first
    outbound = {
        "request": {"method": "POST", "path": "/voice/v1/call", "body": body},
        "events": {"state:connected": outbound_first},
        "folds": folds,
    }
    return {"inbound": inbound, "outbound": outbound}


def filled_template(template: list[Any], gather: str) -> str:
    return "".join(part if isinstance(part, str) else gather for part in template)


def first_executed(verbs: list[Verb]) -> Verb | None:
    """The verb a call runs first. Before it, every variable is empty, so the Ifs on the way are
    decided now: a Reject nested in them, or after them, can still be the first verb."""
    for verb in verbs:
        if semantics.behaviour(verb).branches:
            empty = Environment({verb.counter: "0"}) if isinstance(verb, Loop) else Environment()  # a loop's first test
            if semantics.holds(verb.condition, empty):  # type: ignore[attr-defined]
                inner = first_executed(verb.body)  # type: ignore[attr-defined]  # a branching verb (If, Loop) has a body
                if inner is not None:
                    return inner
            continue
        return verb
    return None


def compile_document(
    document: Response,
    source: str = "<string>",
    loop_cap: int = DEFAULT_LOOP_CAP,
    base_url: str | None = None,
    lowerings: Mapping[type[Verb], Lowering] | None = None,
) -> Compilation[Plan]:
    """Compile a document (parsed without errors) into an EnableX call plan; relative URLs
    are resolved against ``base_url`` (the document's own URL). ``lowerings`` replaces
    LOWERINGS (tests: a target without some lowering)."""
    compiler = Compiler(source, loop_cap, base_url, lowerings)
    verbs = document.verbs
    rejected = None
    opening = first_executed(verbs)
    if isinstance(opening, Reject):
        rejected = (compiler.hangup(opening, reject=True), compiler.hangup(opening))
        compiler.approximate("EX209", opening, "a <Reject> that runs first rejects an incoming call without answering; an outbound call cannot be rejected, so the outbound entry hangs up")
        if "reason" in opening.explicit and opening.reason != "rejected":
            compiler.approximate("EX214", opening, f"<Reject reason='{opening.reason}'>: EnableX's reject gives the caller's network no reason, so the caller is not told '{opening.reason}'", help="remove reason, or compile for a target that supports it")
    first, holes = compiler.sequence(verbs, [])
    compiler.dialect_details(document)
    if first is None or holes:
        end = compiler.hangup(None)  # the end of the document hangs up
        fill(holes, end)
        first = first or end
    plan = {
        "format": PLAN_FORMAT,
        "version": PLAN_VERSION,
        "source": source,
        "placeholders": {
            "{voice_id}": "the call's voice_id, from the webhook or the create-call response",
            "{cli}": "a number provisioned in the EnableX project, presented as the caller ID",
            "{to}": "the number an outbound call dials",
            "{event_url}": "the HTTPS URL EnableX posts webhook events to",
        },
        "start": rejected[0] if rejected else first,
        "entries": _entries(compiler, document, first, rejected),
        "states": compiler.states,
    }
    found = compiler.diagnostics  # by position and code (a stable sort of the keys ``approximate`` recorded, not a call each)
    positions = compiler._positions
    if len(positions) != len(found):  # a diagnostic added without ``approximate`` (a test's lowering): the keys anew
        positions = [(d.span.line, d.span.column, d.code) for d in found]
    diagnostics = [found[i] for i in sorted(range(len(found)), key=positions.__getitem__)] if len(found) > 1 else found
    return Compilation(cast("Plan", plan), diagnostics)
