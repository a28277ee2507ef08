"""Round trips through TwiML (issue 13 acceptance): VoxXML v1 → TwiML → VoxXML v1 keeps the simulate
trace wherever the conversion to TwiML reported no approximation, for generated documents and callers.

Straight-line documents only (no If: in-document branching is split into linked documents by
``voxxml serve --target twiml``, tested elsewhere). The documents are the IVR-shaped ones of
tests/test_equivalence.py and the vocabulary-driven ones of tests/strategies.py, with their Ifs removed.
A generated document that converts to TwiML exactly must convert back exactly: TwiML → v1 reports
nothing for what v1 → TwiML wrote. The corpus round trip (read → write → read gives the same AST) is
tests/test_twiml_dialect.py's ``test_corpus_sample_round_trips``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from voxxml.convert import CODES
from voxxml.hub.nodes import Gather, If, Node, Response
from voxxml.runtime.caller import CallerScript

import strategies
import test_equivalence as eq
from test_convert import converted, read, traced


def cv(result: Any) -> set[str]:
    return {d.code for d in result.diagnostics if d.code in CODES}


def _without_ifs(nodes: list[Any]) -> list[Any]:
    out = []
    for node in nodes:
        if isinstance(node, If):
            continue
        if isinstance(node, Gather):
            node = dataclasses.replace(node, prompts=_without_ifs(node.prompts))
        out.append(node)
    return out


def straight(document: Response) -> Response:
    return Response(_without_ifs(list(document.verbs)))


def _round_trip(document: Node, caller: CallerScript) -> None:
    source = document.to_xml()
    note(f"source:\n{source}")
    there = converted(source, "twiml")
    if there.output is None and not cv(there):
        event("the generated source has errors")
        return
    if cv(there):
        event("to TwiML not exact: " + " ".join(sorted(cv(there))))
        return
    note(f"twiml:\n{there.output}")
    back = converted(there.output, "voxxml-v1", dialect="twiml")
    note(f"back:\n{back.output}\n{[(d.code, d.message) for d in back.diagnostics]}")
    assert cv(back) == set(), "TwiML -> v1 reported an approximation for what v1 -> TwiML wrote exactly"
    event("exact both ways")
    assert read(back.output, "voxxml-v1").error_count == 0
    assert traced(back.output, "voxxml-v1", caller) == traced(source, "voxxml-v1", caller)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(eq.calls(eq.ivr_documents().map(straight)))
def test_v1_to_twiml_and_back_keeps_the_trace_of_ivr_documents(call: tuple[Any, CallerScript]) -> None:
    _round_trip(*call)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.responses(max_depth=3, max_children=4).map(straight), st.data())
def test_v1_to_twiml_and_back_keeps_the_trace_of_vocabulary_documents(document: Response, data: st.DataObject) -> None:
    _round_trip(document, data.draw(eq.caller_scripts(eq.if_values(document))))
