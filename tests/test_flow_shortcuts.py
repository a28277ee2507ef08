"""The flow walk's and the checks' shortcuts (voxxml/analysis/states.py, voxxml/checks/) against the long way they replace.

The walk finds ``Analysis.ends_after`` without looking ahead at every verb (a Hangup marks the verb
before it and that verb's body's tails); these tests hold it to the definition: a verb of a sequence
the walk entered is in the set when the verb after it in execution order (its next sibling, or what
follows the enclosing body) is a Hangup or the end of the call.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import voxxml
from voxxml.analysis import analyse
from voxxml.analysis.reads import variable_reads
from voxxml.checks import empty_body
from voxxml.dialects.voxml.expression import parse_expression
from voxxml.dialects.voxml.template import VoxmlTemplate
from voxxml.dialects.voxxml_v1.values import Template as V1Template
from voxxml.hub import semantics
from voxxml.hub.expressions import In, Template as HubTemplate, Var
from voxxml.hub.nodes import Gather, Hangup, If, Loop, Pause, Play, Redirect, Response, Say, Verb
from voxxml.hub.semantics import INPUT

from strategies import responses
from support import ALL_EXAMPLES, ROOT

EXAMPLES = ALL_EXAMPLES + sorted((ROOT / "examples").rglob("*.voxml"))


def _ends_after(verbs: list[Verb], after: Verb | None, entered: set[int], found: set[int]) -> None:
    """The definition: every verb of an entered sequence whose next verb is a Hangup or nothing."""
    for position, verb in enumerate(verbs):
        following = verbs[position + 1] if position + 1 < len(verbs) else after
        if following is None or isinstance(following, Hangup):
            found.add(id(verb))
        if isinstance(verb, (If, Loop)) and id(verb) in entered:
            _ends_after(verb.body, following, entered, found)


def _expected(document: Response, variables: bool = True) -> set[int]:
    analysis = analyse(document, variables=variables)
    entered = {id(verb) for verb, _ in analysis.visits if isinstance(verb, (If, Loop))}  # the walk enters every reached body
    found: set[int] = set()
    _ends_after(document.verbs, None, entered, found)
    return found


def _condition(text: str) -> Any:
    expression, problems = parse_expression(text)
    assert not problems
    return expression


def _verbs(depth: int) -> st.SearchStrategy[Verb]:
    """Shapes that end the call or leave the walk in every place: Hangups, Redirects, endless Says, bodies."""
    leaves = st.one_of(
        st.just(0).map(lambda _: Say("hi")),
        st.just(0).map(lambda _: Say("forever", loop=0)),
        st.just(0).map(lambda _: Hangup()),
        st.just(0).map(lambda _: Redirect(url="https://example.com/next")),
        st.just(0).map(lambda _: Pause()),
        st.just(0).map(lambda _: Gather(prompts=[Say("press")], output="menu")),
    )
    if depth == 0:
        return leaves
    body = st.lists(_verbs(depth - 1), max_size=4)
    return st.one_of(
        leaves,
        st.builds(lambda b: If(body=b, condition=_condition('${menu}=="1"')), body),
        st.builds(lambda b, n: Loop(body=b, condition=_condition('${do.n}=="0"'), max_loops=n), body, st.integers(1, 3)),
        st.builds(lambda b: Loop(body=b, condition=_condition('${menu}==""'), max_loops=2), body),
    )


def test_ends_after_reaches_into_bodies_that_end_a_sequence() -> None:
    inner = Say("inner")
    branch = If(body=[Say("a"), inner], condition=_condition('${menu}=="1"'))
    loop = Loop(body=[branch], condition=_condition('${do.n}=="0"'), max_loops=2)
    first, hangup = Say("first"), Hangup()
    ends_after = analyse(Response([first, loop, hangup])).ends_after
    assert {id(loop), id(branch), id(inner), id(hangup)} <= ends_after
    assert id(first) not in ends_after and id(branch.body[0]) not in ends_after


@given(st.lists(_verbs(3), max_size=6).map(lambda verbs: Response(list(verbs))))
@settings(max_examples=300, deadline=None)
def test_ends_after_is_its_definition_on_nested_bodies(document: Response) -> None:
    assert analyse(document).ends_after == _expected(document)


@given(responses())
@settings(max_examples=200, deadline=None)
def test_ends_after_is_its_definition_on_generated_v1_documents(document: Response) -> None:
    assert analyse(document, variables=False).ends_after == _expected(document, variables=False)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_ends_after_is_its_definition_on_the_examples(path) -> None:
    document = voxxml.lint_file(path).document
    if document is None:
        pytest.skip("no document: the file does not parse")
    assert analyse(document).ends_after == _expected(document)


def _v1_facts(analysis: Any) -> list[object]:
    """What VoxXML v1's rules read: each kept verb's state (without the variables' clock), the regions, the conditions."""
    states = [(id(verb), s.reach, s.ran, s.gathered, s.inputs, s.excluded, id(s.redirect)) for verb, s in analysis.visits]
    regions = [(id(r.first), id(r.previous), id(r.parent), id(r.last), id(r.redirect)) for r in analysis.unreachable + analysis.after_redirect]
    conditions = [(id(c.verb), c.impossible, c.excluded, c.never_holds) for c in analysis.conditions]
    return [states, regions, conditions, sorted(analysis.ends_after)]


def _menus(depth: int) -> st.SearchStrategy[Verb]:
    """v1 menus: Gathers, Ifs testing $GATHER (equal or not) with bodies that change nothing, end or gather again."""
    leaves = st.one_of(
        st.just(0).map(lambda _: Play(url="https://example.com/a.mp3")),
        st.just(0).map(lambda _: Say("You pressed $GATHER")),
        st.just(0).map(lambda _: Hangup()),
        st.just(0).map(lambda _: Redirect(url="https://example.com/next")),
        st.builds(lambda digits, modes: Gather(prompts=[Say("press")], num_digits=digits, input=modes), st.integers(1, 2), st.sampled_from((("dtmf",), ("dtmf", "speech")))),
    )
    if depth == 0:
        return leaves
    values = st.lists(st.sampled_from(("1", "2", "12", "a", "#")), min_size=1, max_size=3, unique=True).map(tuple)
    return st.one_of(
        leaves,
        st.builds(lambda b, v, negated: If(body=b, condition=In(Var(INPUT), v, negated)), st.lists(_menus(depth - 1), max_size=3), values, st.booleans()),
    )


@given(st.one_of(responses(), st.lists(_menus(2), max_size=8).map(lambda verbs: Response(list(verbs)))))
@settings(max_examples=400, deadline=None)
def test_the_walk_without_variables_learns_what_the_long_way_learns(document: Response) -> None:
    """v1's walk (no variable histories) returns the state before an If when its body changed nothing, instead of
    joining; the walk with histories joins every time: what v1's rules read must be the same."""
    assert _v1_facts(analyse(document, variables=False)) == _v1_facts(analyse(document))


@given(st.sampled_from((HubTemplate, V1Template, VoxmlTemplate)), st.text(alphabet="ab ${}.$GATHER", max_size=12), st.sampled_from((0, 1, 2)))
@settings(max_examples=300, deadline=None)
def test_the_walk_keeps_a_say_exactly_when_it_may_read(template: type, text: str, loop: int) -> None:
    """The walk tests a Say's text for its syntax's mark inline, instead of the may_reference property."""
    say = Say(template(text), loop=loop)
    kept = [verb for verb, _ in analyse(Response([say])).visits]
    assert (say in kept) == (loop == 0 or semantics.may_read(say))


@pytest.mark.parametrize("kind", sorted(empty_body._WHY, key=lambda kind: kind.__name__))
def test_vx108_reads_the_field_that_children_returns(kind: type) -> None:
    """VX108 reads each kind's children as its content field, not through the property: they must be one list."""
    node = kind()
    fields = [children for tag, children, _, _ in empty_body._KINDS if tag == kind.TAG]
    assert len(fields) == 1
    assert getattr(node, fields[0]) is node.children


@given(st.sampled_from((V1Template, VoxmlTemplate)), st.text(alphabet="ab ${}.$GATHER", max_size=12))
@settings(max_examples=300, deadline=None)
def test_a_gathers_prompt_is_read_exactly_when_it_may_read(template: type, text: str) -> None:
    """The reads of a Gather's prompts (VX114's scan) test a prompt's text for its syntax's mark inline."""
    prompt = Say(template(text))
    document = Response([Gather(prompts=[prompt], output="menu")])
    found = variable_reads(analyse(document), only_unset=False)
    expected = [read.name for read in semantics.reads(prompt)] if semantics.may_read(prompt) else []
    assert [read.read.name for read in found if read.node is prompt] == expected
    assert all(read.node is prompt for read in found)
