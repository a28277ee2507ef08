"""Every plan state records the span of the element it came from (the EnableX issue, part 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

import voxxml
from voxxml.ast import Node, Response
from voxxml.core.source import Span
from voxxml.targets.enablex import compile_document

from support import EXAMPLES


def lines(span: Span) -> dict[str, int]:
    """A span as plans write it: lines and columns (a plan carries no offsets)."""
    return {"line": span.line, "column": span.column, "end_line": span.end_line, "end_column": span.end_column}


def spans_by_element(document: Node) -> dict[str, list[dict[str, int]]]:
    found: dict[str, list[dict[str, int]]] = {}
    for node in document.walk():
        assert node.span is not None
        found.setdefault(node.TAG, []).append(lines(node.span))
    return found


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_state_has_the_span_of_an_element_it_came_from(path: Path) -> None:
    document = voxxml.parse(path.read_bytes(), str(path)).document
    assert document is not None
    spans = spans_by_element(document)
    states = compile_document(document, str(path)).plan["states"]
    assert states
    for state in states:
        if state["element"] is None:  # the hang-up at the end of the document
            assert state["span"] is None
            continue
        assert state["span"] in spans[state["element"]], state


def test_a_document_assembled_from_two_files_keeps_each_files_spans() -> None:
    first = voxxml.parse("<Response>\n  <Say>One</Say>\n</Response>\n").document
    second = voxxml.parse("<Response><Pause length='1'/>\n\n\n    <Say>Two</Say></Response>").document
    assert first is not None and second is not None
    mixed = Response([first.verbs[0], *second.verbs, first.verbs[0]])
    states = compile_document(mixed).plan["states"]
    spans = [state["span"] for state in states if state["element"] is not None]
    one, pause, two = first.verbs[0].span, second.verbs[0].span, second.verbs[1].span
    assert spans == [lines(one), lines(pause), lines(two), lines(one)]
    assert (one.line, one.column, two.line, two.column) == (2, 3, 4, 5)


def test_a_document_built_in_python_has_no_spans() -> None:
    document = Response([voxxml.ast.Say("Hello")])
    states = compile_document(document).plan["states"]
    assert [state["span"] for state in states] == [None, None]
