"""The flow graph and the one-pass analysis follow the documented semantics (docs/semantics.md)."""

from __future__ import annotations

import pytest

import voxxml
from voxxml.ast import Response
from voxxml.analysis import END, analyse, build
from voxxml.analysis.states import GATHERED, NOT_GATHERED, NOTHING_RAN, REACHED, SOMETHING_RAN

from support import ALL_EXAMPLES
from test_grammar import GROWTH_LIMIT, growth_ratio


def doc(body: str) -> Response:
    result = voxxml.parse(f"<Response>{body}</Response>")
    assert result.document is not None, result.diagnostics
    return result.document


def codes(body: str) -> list[str]:
    return [d.code for d in voxxml.parse(f"<Response>{body}</Response>").diagnostics]


def test_graph_edges_follow_document_order() -> None:
    graph = build(doc("<Say>a</Say><If variable='$GATHER' test='EQUAL' value='1'><Say>b</Say><Hangup/></If><Say>c</Say>"))
    say_a, branch, say_b, hangup, say_c = graph.nodes
    assert (say_a.next, branch.branch, branch.next) == (1, 2, 4)
    assert (say_b.next, hangup.next, hangup.ends) == (3, None, "hangup")
    assert say_c.next == END
    assert all(target > node.id or target == END for node in graph.nodes for target, _ in node.edges())
    assert [label for _, label in branch.edges()] == ["true", "false"]


def test_empty_if_branches_to_its_continuation() -> None:
    graph = build(doc("<If variable='$GATHER' test='EQUAL' value='1'/><Hangup/>"))
    assert graph.nodes[0].branch == graph.nodes[0].next == 1


def test_reach_after_hangup_loop_forever_and_redirect() -> None:
    document = doc("<Redirect>https://e.com/x</Redirect><Say>a</Say><Say loop='0'>b</Say><Say>c</Say><Reject/>")
    analysis = analyse(document)
    redirect = document.verbs[0]
    assert [(r.first, r.redirect) for r in analysis.after_redirect] == [(document.verbs[1], redirect)]
    assert [(r.first, r.previous) for r in analysis.unreachable] == [(document.verbs[3], document.verbs[2])]
    assert analysis.state(document.verbs[4]) is None  # unreached
    assert analysis.state(document.verbs[1]) is None  # a plain Say's state is not kept
    assert analysis.state(redirect).reach == REACHED


def test_ends_after_marks_verbs_the_end_of_the_call_follows() -> None:
    document = doc("<Say>a</Say><If variable='$GATHER' test='EQUAL' value='1'><Say>b</Say></If><Hangup/>")
    say, branch, hangup = document.verbs
    ends_after = analyse(document).ends_after
    assert id(say) not in ends_after
    assert {id(branch), id(branch.body[0]), id(hangup)} <= ends_after


def test_gathered_and_ran_bits_join_over_paths() -> None:
    document = doc(
        "<Gather><Say>1</Say></Gather>"
        "<If variable='$GATHER' test='EQUAL' value='1'><Gather><Say>2</Say></Gather></If>"
        "<Say>You said $GATHER</Say>"
    )
    analysis = analyse(document)
    first = analysis.state(document.verbs[0])
    last = analysis.state(document.verbs[-1])
    assert (first.ran, first.gathered) == (NOTHING_RAN, NOT_GATHERED)
    assert (last.ran, last.gathered) == (SOMETHING_RAN, GATHERED)


def test_reject_first_ends_the_call_and_later_reject_is_an_error() -> None:
    assert codes("<Reject/><Say>after</Say>") == ["VX102"]
    assert codes("<Say>hi</Say><Reject/>") == ["VX101"]
    diagnostics = voxxml.parse(
        "<Response><Gather><Say>x</Say></Gather>"
        "<If variable='$GATHER' test='EQUAL' value='1'><Say>one</Say></If><Reject/></Response>"
    ).diagnostics
    assert [d.code for d in diagnostics] == ["VX101"]


def test_reject_after_a_first_verb_only_on_some_paths() -> None:
    document = doc("<Reject/>")
    assert analyse(document).state(document.verbs[0]).ran == NOTHING_RAN
    (diagnostic,) = voxxml.parse(
        "<Response><If variable='$GATHER' test='EQUAL' value='1'><Say>x</Say></If><Reject/></Response>"
    ).diagnostics[1:]
    assert diagnostic.code == "VX101" and "on some paths" in diagnostic.message


def test_gather_undefined_on_some_paths() -> None:
    body = (
        "<Gather><Say>1</Say></Gather>"
        "<If variable='$GATHER' test='EQUAL' value='1'><Hangup/></If>"
        "<Say>You said $GATHER</Say>"
    )
    assert codes(body) == []
    diagnostics = voxxml.parse(
        "<Response><If variable='$GATHER' test='EQUAL' value='2'><Gather><Say>1</Say></Gather></If>"
        "<Say>You said $GATHER</Say></Response>"
    ).diagnostics
    assert [d.code for d in diagnostics] == ["VX104", "VX104"]
    assert "on some paths" in diagnostics[1].message
    assert diagnostics[1].span.column == diagnostics[1].span.end_column - len("$GATHER")


def test_impossible_values_reported_per_alternative_with_spans() -> None:
    result = voxxml.parse(
        "<Response><Gather numDigits='2'><Say>x</Say></Gather>\n"
        "<If variable='$GATHER' test='EQUAL' value='12|345|ab'><Say>y</Say></If></Response>"
    )
    found = [(d.code, d.span.column, d.span.end_column) for d in result.diagnostics]
    line = "<If variable='$GATHER' test='EQUAL' value='12|345|ab'>"
    start = line.index("345") + 1
    assert found == [("VX105", start, start + 3), ("VX105", start + 4, start + 6)]


def test_speech_input_makes_any_value_possible() -> None:
    assert codes("<Gather input='speech'><Say>x</Say></Gather><If variable='$GATHER' test='EQUAL' value='yes please'><Say>ok</Say></If>") == []


def test_input_summary_joins_the_widest_gather() -> None:
    body = (
        "<Gather numDigits='1'><Say>a</Say></Gather>"
        "<If variable='$GATHER' test='EQUAL' value='9'><Gather numDigits='4'><Say>b</Say></Gather></If>"
        "<If variable='$GATHER' test='EQUAL' value='1234|12345'><Say>c</Say></If>"
    )
    assert codes(body) == ["VX105"]  # only 12345: four keys are possible through the inner Gather


def test_duplicate_condition_after_an_if_that_ends_the_call() -> None:
    body = (
        "<Gather><Say>a</Say></Gather>"
        "<If variable='$GATHER' test='EQUAL' value='1'><Hangup/></If>"
        "<If variable='$GATHER' test='EQUAL' value='1'><Say>b</Say></If>"
    )
    assert codes(body) == ["VX109", "VX102"]
    falls_through = body.replace("<Hangup/>", "<Say>no hangup</Say>")
    assert codes(falls_through) == []
    regathered = body.replace("</If><If", "</If><Gather><Say>again</Say></Gather><If")
    assert codes(regathered) == []


def test_analysis_is_linear_in_nested_ifs() -> None:
    """Deeply nested and long documents analyse without path enumeration (a count, not a timing)."""
    import voxxml.analysis.states as module

    depth = 200
    nested = "<Gather><Say>x</Say></Gather>" + "<If variable='$GATHER' test='EQUAL' value='1'><Say>y</Say>" * depth + "</If>" * depth
    document = doc(nested * 20)
    verbs = sum(1 for _ in document.walk()) - 1
    calls = 0
    original = module.join

    def counting(a, b):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return original(a, b)

    module.join = counting
    try:
        analysis = analyse(document)
    finally:
        module.join = original
    assert 0 < calls <= verbs
    assert len(analysis.states) == 20 + 20 * depth  # the states kept: every Gather and If, once


IF = "<If variable='$GATHER' test='EQUAL' value='{}'><{}/></If>"
IF_SHAPES = {
    # every If repeats the value of one that ends the call: each a VX109 naming the earlier If
    "repeated values": lambda n: "<Gather><Say>x</Say></Gather>" + IF.format("1", "Hangup") * n,
    "repeated among others": lambda n: "<Gather><Say>x</Say></Gather>" + "".join(IF.format(f"{i}|1", "Hangup") for i in range(n)),
    # values no Gather can produce, repeated: VX105 and VX109 on every If
    "impossible and repeated": lambda n: "<Gather><Say>x</Say></Gather>" + IF.format("abc", "Pause") * n,
}


@pytest.mark.parametrize("shape", sorted(IF_SHAPES))
def test_checks_on_many_ifs_grow_linearly(shape: str) -> None:
    assert growth_ratio(lambda n: f"<Response>{IF_SHAPES[shape](n)}</Response>", 500) < GROWTH_LIMIT


def _facts(analysis: object) -> list[object]:
    """What VoxXML v1's rules read from an analysis: each kept verb's fixed-input state, the regions, the conditions."""
    states = [(id(verb), s.reach, s.ran, s.gathered, s.inputs, s.excluded, id(s.redirect)) for verb, s in analysis.visits]  # type: ignore[attr-defined]
    regions = [(id(r.first), id(r.last), id(r.redirect)) for r in analysis.unreachable + analysis.after_redirect]  # type: ignore[attr-defined]
    conditions = [(id(c.verb), c.impossible, c.excluded, c.never_holds) for c in analysis.conditions]  # type: ignore[attr-defined]
    return [states, regions, conditions, sorted(analysis.ends_after)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=lambda p: p.name)
def test_v1_documents_analyse_alike_without_variable_histories(path) -> None:
    """v1 documents skip the variables' histories (no rule of theirs reads them: CheckContext.analysis);
    everything v1's rules read must be the same as with them."""
    document = voxxml.lint_file(path).document
    if document is None:
        pytest.skip("no document: the file does not parse")
    assert _facts(analyse(document, variables=False)) == _facts(analyse(document))
