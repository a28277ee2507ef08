"""Flow diagnostics on VoXML documents (issue 11 item 4): every variable followed, not only v1's $GATHER.

docs/semantics.md ("Variables in the analysis") is the contract; each code has its page in rules/.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

import voxxml
from voxxml.hub import semantics
from voxxml.hub.nodes import If
from voxxml.runtime.simulator import simulate

from test_voxml_semantics import callers, documents


def lint(text: str, dialect: str = "voxml") -> list:
    return voxxml.lint_bytes(text.encode("utf-8"), "<string>", dialect=dialect).diagnostics


def codes(text: str, dialect: str = "voxml") -> list[str]:
    return [d.code for d in lint(text, dialect)]


def doc(body: str) -> str:
    return f"<Response>\n{body}\n</Response>"


def only(text: str, code: str):
    found = lint(text)
    assert [d.code for d in found] == [code], found
    return found[0]


def snippet(text: str, diagnostic) -> str:
    """The characters a diagnostic's span covers."""
    span = diagnostic.span
    return text[span.start:span.end]


# ------------------------------------------------------------------ item 0: verbs after an action
@pytest.mark.parametrize(
    "verb, named",
    [
        ('<Record action="done"/>', "<Record action='done'>"),
        ('<Dial action="after">+15551234567</Dial>', "<Dial action='after'>"),
        ('<Pay action="paid"/>', "<Pay action='paid'>"),
        ('<Gather output="m" action="next" actionOnEmptyResult="true"><Say>Press a key.</Say></Gather>', "<Gather action='next'>"),
    ],
)
def test_verbs_after_an_action_that_always_ends_the_document(verb: str, named: str) -> None:
    text = doc(f"  {verb}\n  <Say>Never heard.</Say>")
    found = only(text, "VX113")
    assert named in found.message and "line 2" in found.message
    assert snippet(text, found) == "<Say>Never heard.</Say>"


def test_a_gather_action_without_action_on_empty_result_leaves_a_no_input_path() -> None:
    text = doc('  <Gather output="m" action="next"><Say>Press a key.</Say></Gather>\n  <Say>We did not get that.</Say>')
    assert codes(text) == []


def test_a_redirect_keeps_vx103_in_voxml() -> None:
    text = doc("  <Redirect>next</Redirect>\n  <Say>Fallback.</Say>")
    found = only(text, "VX103")
    assert "<Redirect> on line 2 to next" in found.message


# ------------------------------------------------------------------ the acceptance cases
def test_the_demo_style_document_and_the_corpus_lint_clean() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    assert lint((root / "examples" / "weather-demo.voxml").read_text(encoding="utf-8")) == []
    for path in sorted((root.parent / "shared" / "corpus" / "voxml").glob("*")):
        found = voxxml.lint_bytes(path.read_bytes(), str(path), dialect="detect").diagnostics
        assert [d.code for d in found if d.code.startswith("VX11")] == [], (path, found)


MENU = '  <Gather output="menu" numDigits="1"><Say>Press 1.</Say></Gather>\n'


def test_a_misspelt_variable_gets_exactly_one_diagnostic_at_its_reference_with_did_you_mean() -> None:
    text = doc(MENU + '  <If expression="${mneu.digits}==&quot;1&quot;"><Say>Sales.</Say></If>')
    found = only(text, "VX114")
    assert snippet(text, found) == "${mneu.digits}"
    assert "${mneu.digits} is never set in this document" in found.message
    assert "did you mean ${menu.digits}? (the <Gather> on line 2 sets it)" in found.message


def test_a_variable_nothing_sets_lists_the_variables_that_are_set() -> None:
    text = doc(MENU + "  <Say>You said ${zzz}.</Say>")
    found = only(text, "VX114")
    assert snippet(text, found) == "${zzz}"
    assert "${menu}, ${menu.digits}, ${menu.speech}" in found.message


def test_a_read_before_the_set_and_a_read_on_some_paths() -> None:
    text = doc(
        '  <Say>Hello ${name}.</Say>\n'
        '  <Set output="name">Ada</Set>\n'
        '  <Say>Hello again ${name}.</Say>\n'
        + MENU
        + '  <If expression="${menu.digits}==&quot;1&quot;"><Set output="extra">x</Set></If>\n'
        '  <Say>Extra ${extra}.</Say>'
    )
    found = lint(text)
    assert [d.code for d in found] == ["VX114", "VX114"]
    assert [snippet(text, d) for d in found] == ["${name}", "${extra}"]
    assert "nothing sets ${name} before this <Say> on any path (the <Set> on line 3 sets it)" in found[0].message
    assert found[1].message.startswith("on some paths nothing sets ${extra}")


def test_set_on_every_branch_or_after_an_unset_is_followed() -> None:
    both = doc(
        MENU
        + '  <If expression="${menu.digits}==&quot;1&quot;"><Set output="x">a</Set></If>\n'
        '  <If expression="${menu.digits}!=&quot;1&quot;"><Set output="x">b</Set></If>\n'
        '  <Say>${x}</Say>'
    )
    assert [snippet(both, d) for d in lint(both)] == ["${x}"]  # the analysis does not relate two conditions
    unset = doc('  <Set output="x">a</Set>\n  <Unset output="x"/>\n  <Say>${x}</Say>')
    assert codes(unset) == ["VX114"]
    fields = doc(MENU + '  <Unset output="menu"/>\n  <Say>${menu.digits}</Say>')
    assert codes(fields) == ["VX114"]  # an Unset removes the fields too


def test_comparing_with_empty_is_a_deliberate_test_of_being_set() -> None:
    text = doc(
        '  <Do expression="${menu.digits}==&quot;&quot;" maxLoops="2">\n  ' + MENU + "  </Do>\n"
        '  <If expression="${menu.digits}==&quot;1&quot;"><Say>One.</Say></If>'
    )
    assert codes(text) == []  # the Do runs at least once: its condition holds on entry


def test_a_loop_that_may_not_run_leaves_its_writes_unset_on_some_paths() -> None:
    text = doc(MENU + '  <Do expression="${menu.digits}==&quot;1&quot;" maxLoops="2"><Set output="x">a</Set></Do>\n  <Say>${x}</Say>')
    found = only(text, "VX114")
    assert found.message.startswith("on some paths")


# ------------------------------------------------------------------ VX116
def test_an_if_that_a_gathers_settings_make_always_false() -> None:
    text = doc(MENU + '  <If expression="${menu.digits}==&quot;12&quot;"><Say>Twelve.</Say></If>')
    found = only(text, "VX116")
    assert snippet(text, found) == "${menu.digits}==&quot;12&quot;"
    assert "always false" in found.message and "can never be '12'" in found.message and "numDigits='1'" in found.message


def test_an_if_on_a_set_constant_names_the_value_it_holds() -> None:
    text = doc('  <Set output="lang">en</Set>\n  <If expression="${lang}==&quot;fr&quot;"><Say>Bonjour ${lang}.</Say></If>')
    found = only(text, "VX116")
    assert "${lang} is always 'en' here (the <Set> on line 2 sets it)" in found.message
    text = doc('  <Set output="lang">en</Set>\n  <If expression="${lang}!=&quot;fr&quot;"><Say>Hello ${lang}.</Say></If>')
    assert "always true" in only(text, "VX116").message


def test_verdicts_over_joins_and_connectives() -> None:
    two = doc(
        MENU
        + '  <Set output="lang">en</Set>\n'
        '  <If expression="${menu.digits}==&quot;1&quot;"><Set output="lang">fr</Set></If>\n'
        '  <If expression="${lang}==&quot;de&quot;"><Say>${lang}</Say></If>'
    )
    found = only(two, "VX116")
    assert "${lang} can only be 'en', 'fr' here" in found.message  # joined over both paths
    ors = doc('  <Set output="a">1</Set>\n  <If expression="${a}==&quot;2&quot; || ${a}==&quot;3&quot;"><Say>${a}</Say></If>')
    assert codes(ors) == ["VX116"]
    ands = doc(MENU + '  <Set output="a">1</Set>\n  <If expression="${menu.digits}==&quot;1&quot; &amp;&amp; ${a}==&quot;2&quot;"><Say>${a}</Say></If>')
    found = only(ands, "VX116")
    assert snippet(ands, found) == "${a}==&quot;2&quot;"  # the comparison that decides it
    unknown = doc(MENU + '  <If expression="${menu.digits}==&quot;1&quot; || ${menu.digits}==&quot;2&quot;"><Say>x</Say></If>')
    assert codes(unknown) == []


def test_dial_status_and_loop_counter_values() -> None:
    dial = doc('  <Dial output="call">+15551234567</Dial>\n  <If expression="${call.status}==&quot;answered&quot;"><Say>x</Say></If>')
    found = only(dial, "VX116")
    assert "'busy', 'completed', 'failed', 'no-answer'" in found.message
    counter = doc(MENU.replace("<Gather", '<Do expression="${menu.digits}==&quot;&quot;" maxLoops="2"><Gather').replace("</Gather>", "</Gather><If expression=\"${do.n}==5\"><Pause/></If></Do>"))
    assert codes(counter) == ["VX116"]


def test_a_variable_the_loop_body_changes_is_not_judged_inside_the_loop() -> None:
    text = doc(
        '  <Set output="x">a</Set>\n'
        '  <Do expression="${do.n}!=&quot;9&quot;" maxLoops="3">\n'
        '    <If expression="${x}==&quot;b&quot;"><Say>second pass</Say></If>\n'
        '    <Set output="x">b</Set>\n'
        "  </Do>"
    )
    assert codes(text) == []


def test_a_do_false_on_entry_never_runs() -> None:
    text = doc('  <Set output="x">a</Set>\n  <Do expression="${x}==&quot;b&quot;" maxLoops="2"><Say>${x}</Say></Do>')
    found = only(text, "VX116")
    assert "false on entry" in found.message and "its body never runs" in found.message


def test_an_unusable_pattern_is_not_a_verdict() -> None:
    text = doc(MENU + "  <If expression=\"${menu.speech}=~'('\"><Say>x</Say></If>")
    assert "VX116" not in codes(text)


# ------------------------------------------------------------------ VX117, VX118, VX115
def test_a_do_whose_body_cannot_change_its_expression() -> None:
    text = doc(
        '  <Do expression="${choice}==&quot;&quot;" maxLoops="3">\n  '
        + MENU.replace('"menu"', '"choise"')
        + "  </Do>"
    )
    found = only(text, "VX117")
    assert "maxLoops='3'" in found.message and "nothing in its body sets ${choice}" in found.message
    assert "did you mean ${choise}?" in found.message
    assert snippet(text, found) == "${choice}==&quot;&quot;"
    for fine in (
        text.replace('maxLoops="3"', 'maxLoops="1"'),  # one pass repeats nothing
        text.replace('"choise"', '"choice"').replace("${choice}", "${choice.digits}"),  # the body writes it
        text.replace("${choice}==&quot;&quot;", "${do.n}!=&quot;7&quot;"),  # the counter changes every pass
        text.replace("</Do>", "<Redirect>next</Redirect></Do>"),  # the body leaves another way
    ):
        assert "VX117" not in codes(fine), fine


def test_the_counter_outside_any_do() -> None:
    text = doc('  <Do expression="${do.n}!=&quot;5&quot;" maxLoops="2"><Say>Pass ${do.n}.</Say></Do>\n  <Say>Done after ${do.n}.</Say>')
    found = only(text, "VX118")
    assert snippet(text, found) == "${do.n}"
    assert "outside any <Do>" in found.message
    assert codes(doc("  <Say>Pass ${do.n}.</Say>")) == ["VX118"]  # no Do at all


def test_a_set_nothing_reads_in_a_document_that_hands_nothing_on() -> None:
    text = doc('  <Set output="greeting">Hi</Set>\n  <Set output="greeting">Hello</Set>\n  <Say>Bye.</Say>')
    found = only(text, "VX115")
    assert snippet(text, found) == "greeting" and "<Set output='greeting'>" in found.message
    assert codes(text.replace("<Say>Bye.</Say>", "<Say>Bye.</Say><Redirect>next</Redirect>")) == []
    assert codes(text.replace("<Say>Bye.</Say>", '<Record action="r"/>')) == []
    assert codes(text.replace("Bye.", "${greeting}")) == []


# ------------------------------------------------------------------ v1 flow rules on VoXML documents
@pytest.mark.parametrize(
    "body, code, at",
    [
        ("  <Hangup/>\n  <Say>Never.</Say>", "VX102", "<Say>Never.</Say>"),
        ('  <Reject reason="busy"/>\n  <Say>Never.</Say>', "VX102", "<Say>Never.</Say>"),
        ('  <Connect><Flow>0f8fad5b-d9cb-469f-a165-70867728950e</Flow></Connect>\n  <Say>Never.</Say>', "VX102", "<Say>Never.</Say>"),
        ("  <Answer/>\n  <Reject/>", "VX101", "Reject"),
        ("  <Say>Hi.</Say>\n  <Redirect>next</Redirect>\n  <Say>Fallback.</Say>", "VX103", "<Say>Fallback.</Say>"),
        (MENU + '  <If expression="${menu.digits}==&quot;&quot;"></If>', "VX108", "If"),
        ('  <Do expression="${x}==&quot;&quot;" maxLoops="2"><Hangup/></Do>\n  <Say>Never.</Say>', "VX102", "<Say>Never.</Say>"),
    ],
)
def test_v1_flow_rules_hold_on_voxml(body: str, code: str, at: str) -> None:
    text = doc(body)
    found = lint(text)
    assert [d.code for d in found] == [code], found
    assert snippet(text, found[0]) == at


def test_the_connect_handoff_says_why() -> None:
    text = doc('  <Connect><Flow>0f8fad5b-d9cb-469f-a165-70867728950e</Flow></Connect>\n  <Say>Never.</Say>')
    assert "the <Connect> on line 2 hands the call over" in only(text, "VX102").message


def test_v1_documents_keep_their_own_rules() -> None:
    text = "<Response><Say>You pressed $GATHER</Say><Gather><Say>Press</Say></Gather></Response>"
    assert codes(text, "voxxml-v1") == ["VX104"]
    assert "VX114" not in codes("<Response><Say>${x}</Say></Response>", "voxxml-v1")


# ------------------------------------------------------------------ the flow graph
def test_a_loop_has_a_back_edge_and_an_action_ends_like_a_redirect() -> None:
    from voxxml.analysis import build
    from voxxml.export.graph import diagram

    text = doc('  <Do expression="${m.digits}==&quot;&quot;" maxLoops="2">\n    <Gather output="m"><Say>Press.</Say></Gather>\n    <Pause/>\n  </Do>\n  <Record action="done"/>\n  <Say>x</Say>')
    document = voxxml.lint_bytes(text.encode(), "<s>", dialect="voxml").document
    graph = build(document)
    edges = {(graph.nodes[n.id].verb.TAG, label, graph.nodes[t].verb.TAG if t >= 0 else "end") for n in graph.nodes for t, label in n.edges()}
    assert ("Loop", "true", "Gather") in edges and ("Loop", "false", "Record") in edges
    assert ("Pause", "repeat", "Loop") in edges  # the back edge
    assert ("Record", "fetch failed", "Say") in edges
    drawn = diagram(document)
    assert any(node.label == "redirected to done" for node in drawn.nodes)


# ------------------------------------------------------------------ soundness against the simulator
def _context(document):  # type: ignore[no-untyped-def]
    """A check context for a hub document built in Python, judged as VoXML (named variables, do.n)."""
    from voxxml.checks.context import CheckContext

    context = CheckContext(document)
    context.__dict__["fixed_input"] = False  # a builder's document has no source: say which rules apply
    context.__dict__["counters"] = frozenset({"do.n"})
    return context


@settings(max_examples=200, deadline=None)
@given(documents(), callers())
def test_verdicts_and_set_variables_hold_in_every_simulated_call(document, caller) -> None:  # type: ignore[no-untyped-def]
    """VX116's verdict on an If is what the simulator finds whenever that If runs, and a variable that
    VX114/VX118 do not report at an If (not compared with "", and not written in an enclosing Loop's
    body: the body is walked once) is set whenever the If runs."""
    from voxxml.analysis.reads import condition_reads
    from voxxml.analysis.truth import names_of
    from voxxml.checks import constant_condition
    from voxxml.runtime import simulator as simulator_module

    context = _context(document)
    verdicts = {}
    must_be_set: dict[int, set[str]] = {}
    for verb, state in context.analysis.visits:
        if isinstance(verb, If) and verb.condition is not None:
            # the verdict lines up its values with names_of by condition_reads' order: the two must agree
            assert tuple(name for name, _ in condition_reads(verb)) == names_of(verb.condition)
            verdicts[id(verb)] = constant_condition.verdict(context, verb, state).holds
            must_be_set[id(verb)] = {
                read.read.name for read in context.reads_by_node.get(id(verb), [])
                if not read.compared_with_empty and context.reported_unset(read) is None
                and context.analysis.trusted(read.read.name, state)  # a Loop's later passes are not followed for it
            } - {"do.n"}
    original = simulator_module.Simulator.branch
    seen = []

    def branch(self, verb):  # type: ignore[no-untyped-def]
        holds = semantics.holds(verb.condition, self.environment)
        seen.append((id(verb), holds, dict(self.environment.values)))
        return original(self, verb)

    simulator_module.Simulator.branch = branch  # type: ignore[method-assign]
    try:
        simulate(document, caller, 3)
    finally:
        simulator_module.Simulator.branch = original  # type: ignore[method-assign]
    for key, holds, values in seen:
        if verdicts.get(key) is not None:
            assert verdicts[key] == holds, (document, values)
        for name in must_be_set.get(key, ()):
            assert name in values, (name, document, values)


# ------------------------------------------------------------------ growth: thousands of variables and Ifs
def _many_variables(n: int) -> bytes:
    """n Sets, n Ifs that test them and set and unset others, Dos around some, a nest of n/8 Ifs that
    each unset a top-level variable (the changes every enclosing join sees), and reads of them all."""
    parts = ["<Response>"]
    parts += [f'<Set output="v{i}">{i % 3}</Set>' for i in range(n)]
    for i in range(n):
        body = f'<Set output="w{i}">x</Set><Unset output="v{(i * 7) % n}"/>'
        if_ = f'<If expression="${{v{i}}}==&quot;1&quot; || ${{w{i - 1}}}!=&quot;&quot;">{body}</If>'
        parts.append(f'<Do expression="${{w{i}}}==&quot;&quot;" maxLoops="2">{if_}</Do>' if i % 10 == 0 else if_)
    depth = max(1, n // 8)
    parts += [f'<If expression="${{v{i}}}==&quot;2&quot;"><Unset output="v{(i * 3) % n}"/>' for i in range(depth)]
    parts += ["</If>"] * depth
    parts += [f"<Say>${{w{i}}} ${{v{i}}}</Say>" for i in range(0, n, 4)]
    parts.append("</Response>")
    return "\n".join(parts).encode()


def _lint_seconds(data: bytes) -> float:
    import time

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        voxxml.lint_bytes(data, "<growth>", dialect="voxml")
        best = min(best, time.perf_counter() - start)
    return best


def test_the_variable_analysis_grows_near_linearly() -> None:
    """Linear work gives a ratio near 8 for 8x the input, quadratic 64 (tests/test_growth.py's bar: 20)."""
    small, large = _many_variables(250), _many_variables(2000)
    ratio = _lint_seconds(large) / _lint_seconds(small)
    if ratio > 20:  # one noisy neighbour on the machine: measure once more
        ratio = min(ratio, _lint_seconds(large) / _lint_seconds(small))
    assert ratio <= 20, ratio
