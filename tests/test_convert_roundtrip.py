"""Round trips through TwiML (issue 13 acceptance): VoxXML v1 → TwiML → VoxXML v1 keeps the simulate
trace wherever the conversion to TwiML reported no approximation, for generated documents and callers;
and so does VoXML → TwiML → VoXML, for generated straight-line VoXML with Gather and Dial actions.

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

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from voxxml.config import Settings
from voxxml.convert import CODES
from voxxml.core.catalog import Severity
from voxxml.hub.nodes import Gather, If, Node, Response
from voxxml.runtime.caller import CallerScript

import strategies
import test_equivalence as eq
from test_convert import converted, read, traced


ACCEPTING = Settings(severity=dict.fromkeys(CODES, Severity.WARNING))  # what --allow-approximate does


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
    if cv(back):
        # Only a v1 setting that has no effect (VX106: a Number's callbacks inside a Dial, which TwiML then
        # obeys) may come back approximately; it is not heard, so the trace must still be the same.
        assert "VX106" in {d.code for d in read(source, "voxxml-v1").diagnostics}, "TwiML -> v1 reported an approximation for what v1 -> TwiML wrote exactly"
        event("back not exact: a v1 setting without effect")
        back = converted(there.output, "voxxml-v1", dialect="twiml", settings=ACCEPTING)
    else:
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


@pytest.mark.parametrize("text", [" .", "Hello ", "  Press 1\n  for sales  ", "a \t b"])
def test_say_text_layout_is_not_heard_so_v1_to_twiml_and_back_keeps_the_words(text: str) -> None:
    """Found by the property test above (``<Say> .</Say>``): TwiML's reader collapses Say text's white
    space, v1's keeps it. The words are the same, which is what a caller hears (``trace.heard``)."""
    source = f"<Response>\n  <Say>{text}</Say>\n</Response>\n"
    there = converted(source, "twiml")
    assert there.output is not None and not cv(there)
    back = converted(there.output, "voxxml-v1", dialect="twiml")
    caller = CallerScript()
    spoken = [event["text"] for event in traced(back.output, "voxxml-v1", caller) if event["event"] == "say"]
    assert spoken == [" ".join(text.split())]
    assert traced(back.output, "voxxml-v1", caller) == traced(source, "voxxml-v1", caller)


# ------------------------------------------------------------------------ VoXML -> TwiML -> VoXML

VOICES = (("Polly.Joanna", "en-US"), ("Polly.Matthew", "en-US"), ("Polly.Celine", "fr-FR"), ("Polly.Hans", "de-DE"))
URLS = ("https://example.com/next.xml", "/menu/choice", "https://example.com/a.mp3")


@st.composite
def _voxml_say(draw: Any) -> str:
    voice, language = draw(st.sampled_from(VOICES))
    loop = draw(st.sampled_from(("", ' loop="2"')))
    return f'<Say voice="{voice}" language="{language}"{loop}>{draw(st.sampled_from(("Hello", "Press 1 for sales", "Goodbye")))}</Say>'


@st.composite
def _voxml_gather(draw: Any) -> str:
    """A Gather with an action: VoXML's and TwiML's are the same (the input leaves the document)."""
    attributes = [f'action="{draw(st.sampled_from(URLS[:2]))}"', f'input="{draw(st.sampled_from(("dtmf", "speech", "dtmf speech")))}"']
    attributes.append(f'numDigits="{draw(st.integers(1, 4))}"')
    attributes.append(f'timeout="{draw(st.integers(1, 10))}"')
    if draw(st.booleans()):
        attributes.append('actionOnEmptyResult="true"')
    if draw(st.booleans()):
        attributes.append('method="GET"')
    return f"<Gather {' '.join(attributes)}>{draw(_voxml_say())}</Gather>"


def _voxml_verbs() -> st.SearchStrategy[str]:
    return st.one_of(
        _voxml_say(),
        _voxml_gather(),
        st.integers(1, 3).map(lambda n: f'<Pause length="{n}"/>'),
        st.sampled_from(('<Play>https://example.com/a.mp3</Play>', '<Play loop="3">https://example.com/b.wav</Play>')),
        st.sampled_from(("<Dial>+15556667777</Dial>", '<Dial callerId="+15550001000"><Number>+15556668888</Number></Dial>', '<Dial action="/after">+15556667777</Dial>')),
        st.sampled_from(URLS[:2]).map(lambda url: f"<Redirect>{url}</Redirect>"),
        st.sampled_from(("<Hangup/>", "<Reject/>")),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_voxml_verbs(), min_size=1, max_size=6), eq.caller_scripts(("1", "2")))
def test_voxml_to_twiml_and_back_keeps_the_trace(verbs: list[str], caller: CallerScript) -> None:
    """VoXML's Gather and Dial actions are TwiML's: straight-line VoXML with actions goes to TwiML and back
    exactly, and the trace (fetches included) is kept."""
    source = "<Response>" + "".join(verbs) + "</Response>"
    note(f"source:\n{source}")
    there = converted(source, "twiml", dialect="voxml")
    if there.output is None and not cv(there):
        event("the generated source has errors")
        return
    if cv(there):
        event("to TwiML not exact: " + " ".join(sorted(cv(there))))
        return
    note(f"twiml:\n{there.output}")
    back = converted(there.output, "voxml", dialect="twiml")
    note(f"back:\n{back.output}\n{[(d.code, d.message) for d in back.diagnostics]}")
    assert cv(back) == set()
    event("exact both ways")
    assert read(back.output, "voxml").error_count == 0
    assert traced(back.output, "voxml", caller) == traced(source, "voxml", caller)
