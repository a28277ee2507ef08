"""The compiler's fast paths (issue 14's seventh round, docs/compile.md) give what its general paths give.

Each fast path makes the common case without the general path's calls and lists: a comparison of a
variable with a literal (``expression_data``), a Gather's one prompt played once (``Compiler.attempt``
without ``prompts`` and ``link``), an If's one-variable test (``semantics.tested`` inline), a Say's voice
as the Say before (``VoiceNaming``'s last pair), and diagnostics sorted by the
positions ``approximate`` recorded. Here each is switched off (or compared with what it replaces) on
Hypothesis documents, built in Python and read from their XML (with spans), and on the examples: the
plans and diagnostics must be equal, key order included.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any, Iterator
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from voxxml import pipeline
from voxxml.ast import Gather, If, Play, Response, Say
from voxxml.core.diagnostics import make
from voxxml.dialects.voxxml_v1.writer import to_xml
from voxxml.hub import semantics
from voxxml.hub.expressions import And, Compare, Expr, In, Literal, Or, Var
from voxxml.targets.enablex import compiler
from voxxml.targets.enablex.compiler import VoiceNaming, compile_document

import strategies as vs
from support import ALL_EXAMPLES


_NO_LAST_VOICE = property(lambda self: None, lambda self, value: None)  # a VoiceNaming that never has a last pair


@contextmanager
def general_paths() -> Iterator[None]:
    """The compiler with its fast paths off: every expression through the general recursion, every
    attempt through ``prompts`` and ``link``, every Say's voice looked up by its pair."""
    with (
        mock.patch.object(compiler, "expression_data", compiler._expression_data),
        mock.patch.object(compiler, "_played_once", lambda prompts: None),
        mock.patch.object(VoiceNaming, "voice", _NO_LAST_VOICE),
    ):
        yield


def _outcome(document: Response) -> tuple[str, list[Any]]:
    compiled = compile_document(document)
    return json.dumps(compiled.plan), list(compiled.diagnostics)  # json: key order counts


def _same_either_way(document: Response) -> None:
    fast = _outcome(document)
    with general_paths():
        general = _outcome(document)
    assert fast == general


def _parsed(document: Response) -> Response | None:
    result = pipeline.check(to_xml(document).encode(), "doc.voxxml", flow=False)
    return result.document if result.document is not None and not result.error_count else None


@settings(max_examples=150, deadline=None)
@given(vs.responses())
def test_documents_built_in_python_compile_the_same_without_the_fast_paths(document: Response) -> None:
    _same_either_way(document)


@settings(max_examples=100, deadline=None)
@given(vs.responses())
def test_documents_read_from_their_xml_compile_the_same_without_the_fast_paths(document: Response) -> None:
    parsed = _parsed(document)
    if parsed is not None:
        _same_either_way(parsed)


def test_the_examples_compile_the_same_without_the_fast_paths() -> None:
    compiled = 0
    for path in ALL_EXAMPLES:
        result = pipeline.check(path.read_bytes(), str(path), flow=False, dialect="detect")
        if result.document is not None and not result.error_count:
            _same_either_way(result.document)
            compiled += 1
    assert compiled > 5


def test_switching_the_fast_paths_off_reaches_the_general_paths() -> None:
    # The equality above would hold vacuously if the patches missed: the general paths must run.
    document = Response([Gather([Say("Press one")]), If([Say("One")], Compare("==", Var("GATHER"), Literal("1")))])
    with mock.patch.object(compiler.Compiler, "prompts", autospec=True, side_effect=compiler.Compiler.prompts) as prompts:
        compile_document(document)
        assert prompts.call_count == 0  # the fast path made the Gather's attempt
        with general_paths():
            compile_document(document)
        assert prompts.call_count == 1
    with mock.patch.object(compiler, "_expression_data", side_effect=compiler._expression_data) as general:
        compile_document(document)
        assert general.call_count == 0  # a variable against a literal: no recursion
    says = Response([Say("a"), Say("b"), Say("c", voice="Matthew"), Say("d")])

    def lookups() -> dict[Any, int]:
        looked_up: dict[Any, int] = {}

        def spy(key: Any, default: Any = None) -> Any:
            looked_up[key] = looked_up.get(key, 0) + 1
            return None

        with mock.patch.object(compiler.VoiceNaming, "__init__", autospec=True, side_effect=_spied_naming(spy)):
            compile_document(says)
        return looked_up

    assert lookups() == {("Joanna", None): 2, ("Matthew", None): 1}  # "b" as the Say before it
    with general_paths():
        assert lookups() == {("Joanna", None): 3, ("Matthew", None): 1}  # every Say by its pair


def _spied_naming(get: Any) -> Any:
    real = compiler.VoiceNaming.__init__

    def init(self: VoiceNaming, qualified: bool, genders: Any) -> None:
        real(self, qualified, genders)
        self.spoken = _Spied(get)

    return init


class _Spied(dict):  # type: ignore[type-arg]
    """A ``spoken`` table that reports each look-up and never remembers (each Say is spoken anew)."""

    def __init__(self, get: Any) -> None:
        super().__init__()
        self._get = get

    def get(self, key: Any, default: Any = None) -> Any:
        return self._get(key, default)


# -- expressions

_names = st.sampled_from(["GATHER", "menu.digits", "do.n", "x"])
_values = st.sampled_from(["", "1", "yes", "a b"])
_leaves = st.one_of(st.builds(Var, _names), st.builds(Literal, _values))


def _extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.one_of(
        st.builds(Compare, st.sampled_from(["==", "!=", "=~", "!~"]), children, children),
        st.builds(In, children, st.lists(_values, max_size=3).map(tuple), st.booleans()),
        st.builds(And, st.lists(children, min_size=1, max_size=3).map(tuple)),
        st.builds(Or, st.lists(children, min_size=1, max_size=3).map(tuple)),
    )


expressions = st.recursive(_leaves, _extend, max_leaves=12)


@settings(max_examples=300)
@given(expressions)
def test_an_expression_is_the_same_data_either_way(expression: Expr) -> None:
    fast = compiler.expression_data(expression)
    with mock.patch.object(compiler, "expression_data", compiler._expression_data):
        general = compiler.expression_data(expression)
    assert json.dumps(fast) == json.dumps(general)


# -- an If's test, read inline

@settings(max_examples=200)
@given(expressions)
def test_an_if_reads_its_condition_as_semantics_tested_does(condition: Expr) -> None:
    state = compile_document(Response([If([Say("x")], condition)])).plan["states"][0]
    test = semantics.tested(condition)
    if test is None:
        assert state["kind"] == "test" and state["condition"] == compiler.expression_data(condition)
    else:
        name, values, negated = test
        assert state["kind"] == "branch"
        assert (state["variable"], state["test"], state["values"]) == (compiler.plan_variable(name), "NOTEQUAL" if negated else "EQUAL", list(values))


def test_an_if_without_a_condition_never_holds() -> None:
    state = compile_document(Response([If([Say("x")], None)])).plan["states"][0]
    assert (state["kind"], state["variable"], state["test"], state["values"]) == ("branch", "$GATHER", "EQUAL", [])


# -- voices

_voices = st.sampled_from(["Joanna", "Matthew", "Polly.Joanna", "Nobody", "woman"])
_languages = st.sampled_from([None, "en-US", "en-GB", "de-DE"])


@settings(max_examples=150)
@given(st.lists(st.tuples(_voices, _languages), min_size=1, max_size=8))
def test_each_say_is_spoken_as_its_own_voice_and_language_say(pairs: list[tuple[str, str | None]]) -> None:
    # Whatever the Say before it was: the last pair is reused only when it is this Say's pair.
    plan = compile_document(Response([Say(f"text {i}", voice=voice, language=language) for i, (voice, language) in enumerate(pairs)])).plan
    plays = [state for state in plan["states"] if state["kind"] == "play"]
    assert len(plays) == len(pairs)
    for state, (voice, language) in zip(plays, pairs):
        spoken_language, speaker, _ = VoiceNaming(False, None).speak(voice, language)
        body = state["request"]["body"]
        assert (body["language"], body["voice"]) == (spoken_language, speaker)


# -- diagnostics

def test_each_diagnostic_is_what_make_gives_in_position_order() -> None:
    documents = []
    for path in ALL_EXAMPLES:
        result = pipeline.check(path.read_bytes(), str(path), flow=False, dialect="detect")
        if result.document is not None and not result.error_count:
            documents.append(result.document)
    reported = 0
    for document in documents:
        diagnostics = compile_document(document).diagnostics
        for diagnostic in diagnostics:
            assert diagnostic == make(diagnostic.code, diagnostic.message, diagnostic.span, diagnostic.help)
        keys = [(d.span.line, d.span.column, d.code) for d in diagnostics]
        assert keys == sorted(keys)
        reported += len(diagnostics)
    assert reported > 10


@settings(max_examples=100, deadline=None)
@given(vs.responses())
def test_diagnostics_are_in_position_order_with_ties_as_reported(document: Response) -> None:
    parsed = _parsed(document)
    if parsed is None:
        return
    compiled = compile_document(parsed).diagnostics
    reported: list[Any] = []
    real = compiler.Compiler.approximate

    def recording(self: compiler.Compiler, *args: Any, **kwargs: Any) -> None:
        before = len(self.diagnostics)
        real(self, *args, **kwargs)
        reported.extend(self.diagnostics[before:])

    with mock.patch.object(compiler.Compiler, "approximate", recording):
        compile_document(parsed)
    assert compiled == sorted(reported, key=lambda d: (d.span.line, d.span.column, d.code))  # sorted is stable: ties as reported
    for diagnostic in compiled:
        assert diagnostic == make(diagnostic.code, diagnostic.message, diagnostic.span, diagnostic.help)


def test_a_diagnostic_added_without_approximate_is_still_sorted() -> None:
    # A lowering of a test may append to ``diagnostics`` itself: the keys are made anew then.
    def loud_play(self: compiler.Compiler, verb: Play) -> Any:
        self.diagnostics.append(make("EX214", "first in the list, last in the document", compiler.Span(9, 1, 9, 2)))
        return compiler.Compiler.say_or_play(self, verb)

    lowerings = {**compiler.LOWERINGS, Play: loud_play}
    document = _parsed(Response([Play("http://x.example/a.mp3"), Gather([Say("Press one")], num_digits=2)]))
    assert document is not None
    diagnostics = compile_document(document, lowerings=lowerings).diagnostics
    keys = [(d.span.line, d.span.column, d.code) for d in diagnostics]
    assert keys == sorted(keys) and diagnostics[-1].message == "first in the list, last in the document"
