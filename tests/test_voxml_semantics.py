"""What the VoXML constructs do (hub/semantics.py, docs/semantics.md "Variables, loops and actions"):
the simulator's traces and variables, and the differential property: for generated hub documents with
Set, Unset, If expressions, Loops reading ``do.n``, Gathers with ``output`` and ``action``, the compiled
EnableX plan run on the mock platform gives the simulator's trace.

Documents are built with the hub builder API (templates and conditions in VoXML's syntax), so these
tests do not depend on the VoXML reader.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis import given, note, settings
from hypothesis import strategies as st

from voxxml.dialects.voxml.expression import parse_expression
from voxxml.dialects.voxml.template import VoxmlTemplate
from voxxml.hub import semantics
from voxxml.hub.expressions import Expr
from voxxml.hub.nodes import Answer, Connect, Dial, Flow, Gather, Hangup, If, Loop, Number, Pause, Play, Record, Redirect, Reject, Response, Say, Set, Unset, Verb
from voxxml.runtime.caller import CallerScript
from voxxml.runtime.simulator import simulate
from voxxml.runtime.trace import comparable, describe
from voxxml.targets.enablex import compile_document

from enablex_mock import run_plan, validate_plan

BASE = "https://example.com/ivr/start"


def T(text: str) -> VoxmlTemplate:
    return VoxmlTemplate(text)


@cache
def E(text: str) -> Expr:
    expr, problems = parse_expression(text)
    assert expr is not None and not problems, problems
    return expr


def script(*inputs: str, dials: tuple[str, ...] = (), fails: bool = False, hangup_after: int | None = None) -> CallerScript:
    return CallerScript.from_json({"inputs": list(inputs), "dials": list(dials), "redirect_fails": fails, "hangup_after": hangup_after})


def trace(document: Response, caller: CallerScript | None = None, loop_cap: int = 10) -> list[dict[str, Any]]:
    return simulate(document, caller or script(), loop_cap, BASE).trace


def said(events: list[dict[str, Any]]) -> list[str]:
    return [event["text"] for event in events if event["event"] == "say"]


# --------------------------------------------------------------------------- variables


def test_set_renders_its_value_when_it_runs_and_unset_removes_the_fields() -> None:
    document = Response([
        Gather(prompts=[Say("Code?")], output="menu", num_digits=4),
        Set(value=T("you said ${menu.digits}"), output="echo"),
        Unset(output="menu"),
        Say(T("${echo}; now [${menu.digits}]")),
    ])
    result = simulate(document, script("42"))
    assert said(result.trace)[-1] == "you said 42; now []"
    assert "menu" not in result.environment.values and "menu.digits" not in result.environment.values
    assert result.environment.get("echo") == "you said 42"


def test_a_gather_writes_digits_or_speech_and_none_without_output() -> None:
    speech = Gather(prompts=[Say("Say it")], output="m", input=("dtmf", "speech"))
    env = simulate(Response([speech]), script("speech:sales")).environment
    assert (env.get("m.digits"), env.get("m.speech")) == ("", "sales")
    quiet = Gather(prompts=[Say("Press")], output=None)
    assert simulate(Response([quiet]), script("1")).environment.values == {}


# --------------------------------------------------------------------------- loops


def test_a_loop_is_a_while_loop_counting_passes_from_zero() -> None:
    document = Response([Loop(body=[Say(T("pass ${do.n}"))], condition=E('${do.n}!="2"'), max_loops=5), Say(T("after [${do.n}]"))])
    assert said(trace(document)) == ["pass 0", "pass 1", "after []"]  # the test fails before pass 2; do.n is unset after


def test_a_loop_whose_condition_is_false_on_entry_never_runs_and_max_loops_bounds_it() -> None:
    assert said(trace(Response([Loop(body=[Say("x")], condition=E('"a"=="b"'), max_loops=3)]))) == []
    assert said(trace(Response([Loop(body=[Say("x")], condition=E('"a"=="a"'), max_loops=3)]))) == ["x"] * 3
    assert said(trace(Response([Loop(body=[Say("x")], condition=E('"a"=="a"'))]))) == ["x"]  # maxLoops defaults to 1


def test_nested_loops_read_their_own_counter_and_the_outer_one_after_the_inner() -> None:
    inner = Loop(body=[Say(T("${do.n}"))], condition=E('1==1'), max_loops=2)
    document = Response([Loop(body=[inner, Say(T("outer ${do.n}"))], condition=E('1==1'), max_loops=2)])
    assert said(trace(document)) == ["0", "1", "outer 0", "0", "1", "outer 1"]


def test_a_loop_beyond_the_cap_stops_the_simulation() -> None:
    events = trace(Response([Loop(body=[Pause(length=1)], condition=E('1==1'), max_loops=1000)]), loop_cap=3)
    assert events[-1] == {"event": "capped", "after": 3, "of": 1000}


def test_the_demo_menu_loop_reprompts_until_input() -> None:
    menu = Loop(
        body=[Gather(prompts=[Say("Press 1")], output="_main", timeout=5), If(body=[Pause(length=1)], condition=E("${do.n}==0"))],
        condition=E('${_main.digits}==""'),
        max_loops=2,
    )
    document = Response([Answer(), menu, If(body=[Redirect(url="weather")], condition=E('${_main.digits}=="1"')), Say("Goodbye")])
    events = trace(document, script("none", "1"))
    assert [e["event"] for e in events] == ["answer", "say", "gather", "pause", "say", "gather", "redirect"]
    assert events[-1]["url"] == "https://example.com/ivr/weather"  # relative routes resolve against the base URL
    assert said(trace(document, script("none", "none")))[-1] == "Goodbye"


# --------------------------------------------------------------------------- actions and other verbs


def test_a_gather_action_fetches_after_input_and_continues_without() -> None:
    gather = Gather(prompts=[Say("Press")], output="g", action="next")
    document = Response([gather, Say("no input")])
    assert trace(document, script("1"))[-1] == {"event": "fetch", "url": "https://example.com/ivr/next", "method": "POST", "element": "Gather"}
    assert said(trace(document, script("none"))) == ["Press", "no input"]
    always = Gather(prompts=[Say("Press")], action="next", action_on_empty_result=True)
    assert trace(Response([always, Say("x")]), script("none"))[-1]["event"] == "fetch"
    assert semantics.ends(always) == semantics.REDIRECT and semantics.ends(gather) is None


def test_a_failed_action_fetch_falls_through_like_a_redirect() -> None:
    document = Response([Record(action="saved"), Say("fallback")])
    events = trace(document, script(fails=True))
    assert [e["event"] for e in events] == ["record", "fetch", "say", "hangup"]
    assert describe(events[1]) == "fetch (POST) https://example.com/ivr/saved (Record action)"


def test_dial_output_status_and_action() -> None:
    dial = Dial(numbers=[Number("15556667777")], output="xfer", action="after-dial")
    document = Response([dial, Say(T("${xfer.status}"))])
    result = simulate(document, script(dials=("busy",), fails=True), 10, BASE)
    assert said(result.trace) == ["busy"] and result.trace[1]["event"] == "fetch"
    assert simulate(document, script(dials=("answered:5",), fails=True)).environment.get("xfer.status") == "completed"


def test_connect_hands_the_call_to_a_flow_unless_it_resumes() -> None:
    assert trace(Response([Connect(flows=[Flow(guid="abc")]), Say("never")])) == [{"event": "flow", "guid": "abc", "resume": False}]
    assert said(trace(Response([Connect(flows=[Flow(guid="abc", resume=True)]), Say("back")]))) == ["back"]
    assert semantics.never_continues(semantics.ends(Connect(flows=[Flow(guid="abc")])))


def test_reject_reason_is_in_the_trace_only_when_written() -> None:
    assert trace(Response([Reject(reason="busy")])) == [{"event": "reject", "reason": "busy"}]
    assert trace(Response([Reject()])) == [{"event": "reject"}]  # v1's Reject: as before


def test_answer_counts_as_a_verb_so_a_later_reject_has_no_effect() -> None:
    assert trace(Response([Answer(), Reject(), Say("hi")])) == [
        {"event": "answer"},
        {"event": "say", "text": "hi", "voice": "Joanna", "gender": "female", "language": "en-US", "separate_numbers": False},
        {"event": "hangup"},
    ]


# --------------------------------------------------------------------------- compiled plans


def both(document: Response, caller: CallerScript, entry: str = "inbound") -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    compilation = compile_document(document, "<test>", 3, BASE)
    validate_plan(compilation.plan)
    return comparable(simulate(document, caller, 3, BASE).trace), comparable(run_plan(compilation.plan, caller, entry, 3))


def test_the_demo_menu_runs_on_enablex_as_simulated() -> None:
    menu = Loop(
        body=[Gather(prompts=[Say("Press 1")], output="_main"), If(body=[Pause(length=1)], condition=E("${do.n}==0"))],
        condition=E('${_main.digits}==""'),
        max_loops=2,
    )
    document = Response([Answer(), Set(value=T("7"), output="c"), menu, If(body=[Say(T("${c}${_main.digits}"))], condition=E('${_main.digits}=~"^1$"')), Hangup()])
    compilation = compile_document(document, "<test>", 3, BASE)
    assert {d.code for d in compilation.diagnostics} <= set(), compilation.diagnostics
    kinds = [state["kind"] for state in compilation.plan["states"]]
    assert kinds.count("loop") == 1 and kinds.count("iterate") == 1 and kinds.count("set") == 1  # counted, never unrolled
    for inputs in ((), ("1",), ("none", "1"), ("2",), ("none", "none")):
        simulated, ran = both(document, script(*inputs))
        assert ran == simulated


def test_a_loop_of_a_million_passes_compiles_to_the_same_plan_size() -> None:
    def plan_size(n: int) -> int:
        return len(compile_document(Response([Loop(body=[Say("x")], condition=E("1==1"), max_loops=n)])).plan["states"])

    assert plan_size(2) == plan_size(1_000_000)


def test_gather_action_on_enablex_is_reported_and_runs_as_simulated() -> None:
    document = Response([Gather(prompts=[Say("Press")], output="g", action="next"), Say("none")])
    compilation = compile_document(document, "<test>", 3, BASE)
    assert [d.code for d in compilation.diagnostics] == ["EX206"]  # the runner fetches the reply
    for caller in (script("1"), script("none"), script("1", fails=True)):
        simulated, ran = both(document, caller)
        assert ran == simulated


def test_what_enablex_cannot_do_is_ex214() -> None:
    document = Response([Say("hi"), Record(), Connect(flows=[Flow(guid="g")])])
    assert [d.code for d in compile_document(document).diagnostics] == ["EX214", "EX214"]
    dial = Dial(numbers=[Number("15556667777")], output="xfer")
    assert [d.code for d in compile_document(Response([dial, Play(url="https://example.com/a.mp3", digits="1w2")])).diagnostics] == ["EX214", "EX214"]


# --------------------------------------------------------------------------- generated documents

VARIABLES = ("a", "b", "menu")
READS = ("a", "b", "menu.digits", "menu.speech", "do.n", "x")
LITERALS = ("", "1", "2", "0", "yes", "12")


@cache
def _operands() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(READS).map(lambda name: "${" + name + "}"), st.sampled_from(LITERALS).map(lambda v: f'"{v}"'))


@st.composite
def conditions(draw: Any) -> Expr:
    """An expression as VoXML writes it: comparisons joined by && and ||."""
    parts = []
    for index in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(("==", "!=", "==", "=~")))
        right = draw(_operands()) if op != "=~" else '"' + draw(st.sampled_from(("^1", "2$", "s", ""))) + '"'
        parts.append(f"{draw(_operands())}{op}{right}")
        if index:
            parts[-1] = draw(st.sampled_from(("&&", "||"))) + parts[-1]
    return E("".join(parts))


@st.composite
def templates(draw: Any) -> VoxmlTemplate:
    pieces = draw(st.lists(st.one_of(st.sampled_from(("Hi ", "press ", "1", " ")), st.sampled_from(READS).map(lambda n: "${" + n + "}")), min_size=1, max_size=3))
    text = "".join(pieces)
    return T(text if text.strip() else "Hi")


def verbs(depth: int) -> st.SearchStrategy[Verb]:
    """Hub verbs of VoXML's kinds that EnableX runs exactly (no action, no Record/Pay/Connect)."""
    leaves = st.one_of(
        templates().map(lambda text: Say(text)),
        st.builds(lambda text, name: Set(value=text, output=name), templates(), st.sampled_from(VARIABLES)),
        st.sampled_from(VARIABLES).map(lambda name: Unset(output=name)),
        st.builds(lambda output, modes, prompt: Gather(prompts=[Say(prompt)], output=output, input=modes, num_digits=2), st.sampled_from(("menu", "a", None)), st.sampled_from((("dtmf",), ("dtmf", "speech"))), templates()),
        st.integers(1, 2).map(lambda n: Pause(length=n)),
        st.just(Answer()),
    )
    if depth == 0:
        return leaves
    body = st.lists(verbs(depth - 1), max_size=3)
    return st.one_of(
        leaves,
        leaves,
        st.builds(lambda b, c: If(body=b, condition=c), body, conditions()),
        st.builds(lambda b, c, n: Loop(body=b, condition=c, max_loops=n), body, conditions(), st.integers(1, 3)),
    )


def documents() -> st.SearchStrategy[Response]:
    return st.lists(verbs(2), min_size=1, max_size=5).map(lambda items: Response(list(items)))


def callers() -> st.SearchStrategy[CallerScript]:
    inputs = st.lists(st.sampled_from(("1", "2", "12", "none", "speech:yes", "speech:sales", "#")), max_size=6)
    return st.builds(lambda given, after: CallerScript.from_json({"inputs": given, "hangup_after": after}), inputs, st.one_of(st.none(), st.integers(0, 8)))


@settings(max_examples=150, deadline=None)
@given(documents(), callers(), st.sampled_from(("inbound", "outbound")))
def test_generated_voxml_documents_run_on_enablex_as_simulated(document: Response, caller: CallerScript, entry: str) -> None:
    compilation = compile_document(document, "<test>", 3, BASE)
    note(repr(document))
    assert not {d.code for d in compilation.diagnostics} - {"EX204"}, compilation.diagnostics  # numDigits only
    validate_plan(compilation.plan)
    simulated = comparable(simulate(document, caller, 3, BASE).trace)
    ran = comparable(run_plan(compilation.plan, caller, entry, 3))
    if simulated and simulated[-1].get("event") == "capped" and "of" in simulated[-1]:
        return  # the simulation stopped at the loop cap (loops here are at most 3 passes: only the Gathers' own)
    assert ran == simulated
