"""The compiler's eighth-round fast paths (issue 14, docs/compile.md) give what the plain ways give.

- States copied from their kind's shape (``_SHAPES``, ``_PLAY``, ``_PLAY_REQUEST``: the fields' keys in
  place) against states grown from bare shapes (id, kind, element, span, and every field added as it is
  set): a field listed in a shape that its maker does not always set, or sets out of order, shows.
- A lone play's exits as its ``on`` table (``Exits``) against every lowering returning its holes.
- A Say's body copied from its voice's shape (``VoiceNaming.shaped``) against the dict made per Say; the
  shapes stay as made.
- How a dialect names voices kept per vocabulary across compiles (``_NAMINGS``) against a fresh one per
  compile, whatever was compiled before.
- Name spans with the line starts kept per source against the source's own ``name_span``.

Each is checked on Hypothesis documents (built in Python, and read from their XML with spans) and on
the examples of every dialect; plans as JSON (key order counts) and diagnostics equal.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any, Iterator
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from voxxml import pipeline
from voxxml.ast import Hangup, Play, Response, Say
from voxxml.dialects.voxxml_v1.writer import to_xml
from voxxml.hub.nodes import Node
from voxxml.targets.enablex import compiler
from voxxml.targets.enablex.compiler import Compiler, compile_document

import strategies as vs
from support import ALL_EXAMPLES, TWIML_EXAMPLES, VOXML_EXAMPLES

_BASE = ("id", "kind", "element", "span")


def _bare(shape: dict[str, Any]) -> dict[str, Any]:
    return {key: shape[key] for key in _BASE}


def _listed(lowerings: dict[Any, Any]) -> dict[Any, Any]:
    """Every lowering, its exits as a list of holes (no ``on`` table handed on)."""

    def holes_of(lower: Any) -> Any:
        def lowered(self: Compiler, verb: Any) -> Any:
            first, exits = lower(self, verb)
            return first, (compiler._ends(exits) if isinstance(exits, dict) else exits)

        return lowered

    return {cls: holes_of(lower) for cls, lower in lowerings.items()}


@contextmanager
def plain_ways() -> Iterator[None]:
    """The compiler without this round's fast paths: bare shapes, holes as lists, a body made per Say, a
    naming per compile, the source's line starts."""

    def made_body(self: compiler.VoiceNaming, voice: str, language: str | None) -> tuple[dict[str, Any], bool]:
        language_spoken, speaker, unknown = self.speak(voice, language)
        return _FreshBody(prompt_ref=None, text="", language=language_spoken, voice=speaker), unknown

    with (
        mock.patch.object(compiler, "_SHAPES", {kind: _bare(shape) for kind, shape in compiler._SHAPES.items()}),
        mock.patch.object(compiler, "_PLAY", _bare(compiler._PLAY)),
        mock.patch.object(compiler, "_PLAY_REQUEST", {"method": "PUT", "path": compiler.PLAY}),
        mock.patch.object(compiler, "LOWERINGS", _listed(compiler.LOWERINGS)),
        mock.patch.object(compiler.VoiceNaming, "shaped", made_body),
        mock.patch.object(compiler, "_NAMINGS", _Forgetful()),
    ):
        yield


class _FreshBody(dict):  # type: ignore[type-arg]
    """A Say's body shape whose copy is a plain dict made anew (what ``say_body`` made per Say)."""

    def copy(self) -> dict[str, Any]:  # type: ignore[override]
        return dict(self)


class _Forgetful(dict):  # type: ignore[type-arg]
    """A ``_NAMINGS`` that never remembers: each compile finds its naming anew."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass

    def get(self, key: Any, default: Any = None) -> Any:
        return default


def _outcome(document: Response) -> tuple[str, list[Any]]:
    compiled = compile_document(document)
    return json.dumps(compiled.plan), list(compiled.diagnostics)  # json: key order counts


def _same_either_way(document: Response) -> None:
    fast = _outcome(document)
    with plain_ways():
        plain = _outcome(document)
    assert fast == plain


def _parsed(document: Response) -> Response | None:
    result = pipeline.check(to_xml(document).encode(), "doc.voxxml", flow=False)
    return result.document if result.document is not None and not result.error_count else None


def _example_documents() -> list[Response]:
    documents = []
    for path in [*ALL_EXAMPLES, *VOXML_EXAMPLES, *TWIML_EXAMPLES]:
        result = pipeline.check(path.read_bytes(), str(path), flow=False, dialect="detect")
        if result.document is not None and not result.error_count:
            documents.append(result.document)
    return documents


@settings(max_examples=150, deadline=None)
@given(vs.responses())
def test_documents_built_in_python_compile_the_same_the_plain_ways(document: Response) -> None:
    _same_either_way(document)


@settings(max_examples=100, deadline=None)
@given(vs.responses())
def test_documents_read_from_their_xml_compile_the_same_the_plain_ways(document: Response) -> None:
    parsed = _parsed(document)
    if parsed is not None:
        _same_either_way(parsed)


def test_the_examples_of_every_dialect_compile_the_same_the_plain_ways() -> None:
    documents = _example_documents()
    assert len(documents) > 6
    for document in documents:
        _same_either_way(document)


def test_the_plain_ways_are_what_runs_under_the_switch() -> None:
    # The equalities above would hold vacuously if the patches missed.
    document = Response([Say("a"), Play("https://x.example/a.mp3"), Hangup()])
    with plain_ways():
        assert compiler._SHAPES["hangup"] == {"id": None, "kind": "hangup", "element": None, "span": None}
        compiler_ = Compiler("x", 10)
        first, exits = compiler.LOWERINGS[Say](compiler_, Say("a"))
        assert isinstance(exits, list)
        compile_document(document)
        assert not compiler._NAMINGS
    compiler_ = Compiler("x", 10)
    first, exits = compiler.LOWERINGS[Say](compiler_, Say("a"))
    assert isinstance(exits, dict)  # the fast path hands the play's "on" table on


@settings(max_examples=100, deadline=None)
@given(st.permutations(range(8)), st.integers(0, 7))
def test_each_file_compiles_the_same_whatever_was_compiled_before(order: list[int], first: int) -> None:
    documents = _EXAMPLES[:8]
    alone = []
    for document in documents:
        compiler._NAMINGS.clear()
        alone.append(_outcome(document))
    compiler._NAMINGS.clear()
    _outcome(documents[first % len(documents)])
    for index in order:
        if index < len(documents):
            assert _outcome(documents[index]) == alone[index]


def test_the_shapes_stay_as_made() -> None:
    # A body, request or state handed out is a copy: compiling leaves every shape as it was made.
    shapes = json.dumps([compiler._SHAPES, compiler._PLAY, compiler._PLAY_REQUEST])
    for document in _EXAMPLES:
        plan = compile_document(document).plan
        bodies = [state["request"]["body"] for state in plan["states"] if state["kind"] == "play"]
        assert len({id(body) for body in bodies}) == len(bodies)
    assert json.dumps([compiler._SHAPES, compiler._PLAY, compiler._PLAY_REQUEST]) == shapes
    for _, naming in compiler._NAMINGS.values():
        for shape, _ in naming.spoken.values():
            assert shape["prompt_ref"] is None and shape["text"] == "" and list(shape) == ["prompt_ref", "text", "language", "voice"]


def _nodes(nodes: list[Any]) -> Iterator[Node]:
    for node in nodes:
        yield node
        yield from _nodes(node.children)


def test_name_spans_are_the_sources_even_when_an_ast_mixes_files() -> None:
    documents = _EXAMPLES
    mixed = [node for document in documents for node in _nodes(document.verbs)]
    checked = 0
    for nodes in [*([list(_nodes(document.verbs))] for document in documents), [mixed, mixed[::-1]]]:
        for group in nodes:
            compiler_ = Compiler("x", 10)
            for node in group:
                assert compiler_.name_span(node) == node.name_span
                checked += 1
    assert checked > 100


@settings(max_examples=60, deadline=None)
@given(vs.responses(), vs.responses())
def test_name_spans_of_two_parsed_documents_interleaved(one: Response, two: Response) -> None:
    first, second = _parsed(one), _parsed(two)
    if first is None or second is None:
        return
    nodes = [*_nodes(first.verbs), *_nodes(second.verbs)]
    nodes[::2], nodes[1::2] = nodes[: (len(nodes) + 1) // 2], nodes[(len(nodes) + 1) // 2 :]
    compiler_ = Compiler("x", 10)
    for node in nodes:
        assert compiler_.name_span(node) == node.name_span


_EXAMPLES = _example_documents()
