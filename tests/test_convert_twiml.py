"""voxxml convert --to twiml|texml|cxml (docs/convert.md, TwiML section): each transform, the codes
for what one TwiML document cannot do (CV109 branching, CV110 a Gather the call goes on after), the
command, and the property that a conversion reporting nothing keeps the simulate trace (voices
normalised as tests/test_convert.py does: v1's ``Joanna`` is TwiML's ``Polly.Joanna``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, note, settings

from voxxml.convert import CODES, targets
from voxxml.hub.nodes import Gather, If, Node, Response
from voxxml.runtime.caller import CallerScript

import test_equivalence as eq
from support import ROOT, run
from test_convert import codes, converted, read, script, traced


def cv(result: Any) -> set[str]:
    return {d.code for d in result.diagnostics if d.code in CODES}


def test_twiml_and_its_profiles_are_targets() -> None:
    assert {"twiml", "texml", "cxml"} <= set(targets())


def test_bare_voices_get_polly_and_the_voice_language() -> None:
    result = converted("<Response><Say voice='Hans'>Hallo</Say><Say>Hi</Say></Response>", "twiml")
    assert codes(result) == set()
    assert '<Say voice="Polly.Hans" language="de-DE">Hallo</Say>' in result.output
    assert '<Say voice="Polly.Joanna" language="en-US">Hi</Say>' in result.output  # TwiML's default voice is man
    assert read(result.output, "twiml").error_count == 0


def test_loop_zero_maps_as_it_is_and_repeat_delay_unrolls() -> None:
    source = "<Response><Play loop='0'>https://example.com/a.mp3</Play></Response>"
    result = converted(source, "twiml")
    assert codes(result) == set() and '<Play loop="0">' in result.output  # TwiML's 0 is endless too
    assert traced(result.output, "twiml", script()) == traced(source, "voxxml-v1", script())
    delayed = "<Response><Say loop='2' repeatDelay='3'>Hold</Say><Say>Bye</Say></Response>"
    result = converted(delayed, "twiml")
    assert codes(result) == set()
    assert result.output.count('<Pause length="3"/>') == 2 and result.output.count(">Hold</Say>") == 2
    assert traced(result.output, "twiml", script()) == traced(delayed, "voxxml-v1", script())


def test_a_top_level_number_is_a_dial() -> None:
    source = "<Response><Number callerId='15550001000'>15556667777</Number></Response>"
    result = converted(source, "twiml")
    assert codes(result) == set()
    assert '<Dial callerId="15550001000"' in result.output and ">15556667777</Dial>" in result.output
    assert traced(result.output, "twiml", script()) == traced(source, "voxxml-v1", script())


def _numbers(output: str) -> list[dict[str, str]]:
    from lxml import etree

    return [dict(number.attrib) for number in etree.fromstring(output.encode()).iter("Number")]


def test_a_v1_dials_callbacks_go_onto_every_number_in_twilios_event_names() -> None:
    """v1's Dial carries its Numbers' callbacks (a Number's own have no effect: VX106); TwiML's are per
    Number. complete and noConnect together are exactly TwiML's completed."""
    source = (
        "<Response><Dial statusCallback='https://example.com/cb' statusCallbackEvent='ringing complete noConnect'>"
        "<Number statusCallback='https://example.com/ignored' statusCallbackEvent='queued'>15556667777</Number>"
        "<Number>15556668888</Number></Dial></Response>"
    )
    result = converted(source, "twiml")
    assert cv(result) == set()
    wanted = {"statusCallback": "https://example.com/cb", "statusCallbackEvent": "ringing completed"}
    assert _numbers(result.output) == [wanted, wanted]
    assert "statusCallback" not in result.output.split("<Number")[0]  # the Dial keeps none: TwiML's has none
    back = converted(result.output, "voxxml-v1", dialect="twiml")
    assert 'statusCallbackEvent="ringing complete noConnect"' in back.output  # and back onto v1's Dial


def test_a_v1_event_twiml_names_only_approximately_is_cv121_on_the_attribute() -> None:
    source = "<Response><Number statusCallback='https://example.com/top' statusCallbackEvent='queued complete'>15556669999</Number></Response>"
    result = converted(source, "twiml")
    assert [d.code for d in result.diagnostics if d.code in CODES] == ["CV121", "CV121"]  # queued, and complete alone
    assert all(d.span.line == 1 and source[d.span.column - 1 :].startswith("queued complete") for d in result.diagnostics if d.code == "CV121")


def test_a_number_callback_without_events_sends_nothing_in_either_dialect() -> None:
    """v1 sends no callback without events; TwiML would send completed: the URL is left out."""
    for source in (
        "<Response><Number statusCallback='https://example.com/cb'>15556667777</Number></Response>",
        "<Response><Dial><Number statusCallback='https://example.com/cb' statusCallbackEvent='ringing'>15556667777</Number></Dial></Response>",
    ):  # the second: in a v1 Dial the Number's own callback has no effect, and the Dial has none
        result = converted(source, "twiml")
        assert cv(result) == set() and "statusCallback" not in result.output


def test_gather_defaults_are_written_out_and_its_input_leaving_the_document_is_cv110() -> None:
    result = converted("<Response><Gather><Say>Press</Say></Gather><Say>Thanks</Say></Response>", "twiml")
    assert cv(result) == {"CV110"}
    assert 'timeout="30"' in result.output and 'numDigits="1"' in result.output  # TwiML's: 5 and unlimited
    [found] = [d for d in result.diagnostics if d.code == "CV110"]
    assert (found.span.line, found.span.column) == (1, 12)  # the Gather's name in the source


def test_gather_loop_is_gathers_in_a_row_with_the_delay_before_each_retry() -> None:
    result = converted("<Response><Gather loop='3' repeatDelay='2'><Say>Press</Say></Gather></Response>", "twiml")
    assert result.output.count("<Gather") == 3 and result.output.count('<Pause length="2"/>') == 2
    assert read(result.output, "twiml").error_count == 0


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("<Response><Say>Hi</Say><If variable='$GATHER' test='EQUAL' value='1'><Say>one</Say></If></Response>", "CV109"),
        ("<Response><Gather finishOnKey='#*'><Say>x</Say></Gather></Response>", "CV102"),
        ("<Response><Gather loop='0'><Say>x</Say></Gather></Response>", "CV103"),
        ("<Response><Say loop='0' repeatDelay='2'>Hold</Say></Response>", "CV103"),
        ("<Response><Say loop='12' repeatDelay='1'>Hold</Say></Response>", "CV104"),
        ("<Response><Say>You said $GATHER</Say></Response>", "CV106"),
        ("<Response><Conference>room1</Conference></Response>", "CV101"),
        ("<Response><Say separateNumbers='true'>1234</Say></Response>", "CV102"),
    ],
)
def test_what_twiml_cannot_say_is_a_diagnostic_in_the_source(source: str, code: str) -> None:
    found = [d for d in converted(source, "twiml").diagnostics if d.code in CODES]
    assert code in {d.code for d in found}
    assert all(d.span.line == 1 and d.span.column > 1 for d in found)


def test_an_if_is_never_dropped_silently_and_its_span_is_the_condition() -> None:
    source = "<Response><Say>Hi</Say><If variable='$GATHER' test='EQUAL' value='1'><Say>one</Say></If></Response>"
    result = converted(source, "twiml")
    assert result.output is None or cv(result)
    [found] = [d for d in result.diagnostics if d.code == "CV109"]
    assert source[found.span.column - 1:].startswith("$GATHER' test")  # the If's variable attribute value
    assert "action URLs" in found.message and "voxxml serve --target twiml" in (found.help or "")


def test_voxml_if_and_do_are_branching_too() -> None:
    source = (
        '<Response><Do expression=\'${do.n}!="2"\' maxLoops="2"><Say voice="Polly.Joanna">x</Say></Do>'
        '<If expression=\'${do.n}=="0"\'><Say voice="Polly.Joanna">y</Say></If></Response>'
    )
    result = converted(source, "twiml", dialect="voxml")
    assert [d.code for d in result.diagnostics if d.code in CODES].count("CV109") == 2


def test_profiles_convert_with_the_same_table() -> None:
    source = "<Response><Say>Hi</Say><Pause length='2'/><Hangup/></Response>"
    for to in ("texml", "cxml"):
        result = converted(source, to)
        assert codes(result) == set() and '<Say voice="Polly.Joanna"' in result.output
        assert traced(result.output, to, script()) == traced(source, "voxxml-v1", script())


# ------------------------------------------------------------------------ the command


def test_cli_refuses_the_branching_example_and_converts_a_straight_line_one(tmp_path: Path) -> None:
    example = ROOT / "examples" / "simple-ivr.voxxml"
    target = tmp_path / "simple.twiml"
    refused = run("convert", str(example), "--to", "twiml", "-o", str(target))
    assert refused.exit_code == 1 and "CV109" in refused.stderr and "CV110" in refused.stderr and not target.exists()
    allowed = run("convert", str(example), "--to", "twiml", "-o", str(target), "--allow-approximate")
    assert allowed.exit_code == 0 and target.exists() and read(target.read_text(), "twiml").error_count == 0
    straight = tmp_path / "hours.voxxml"
    straight.write_text("<Response><Say voice='Amy'>We are closed.</Say><Play>https://example.com/a.mp3</Play><Hangup/></Response>")
    written = run("convert", str(straight), "--to", "twiml")
    assert written.exit_code == 0 and '<Say voice="Polly.Amy" language="en-GB">We are closed.</Say>' in written.output


# ------------------------------------------------------------------------ the property


def _without(nodes: list[Any], kinds: tuple[type[Node], ...]) -> list[Any]:
    out = []
    for node in nodes:
        if isinstance(node, kinds):
            continue
        if isinstance(node, Gather):
            node = dataclasses.replace(node, prompts=_without(node.prompts, kinds))
        out.append(node)
    return out


def straight(document: Response) -> Response:
    """The IVR without its Ifs (straight-line); now and then Gathers stay (they must report CV110)."""
    return Response(_without(list(document.verbs), (If,)))


def straight_without_input(document: Response) -> Response:
    return Response(_without(list(document.verbs), (If, Gather)))


def _same_trace(document: Response, caller: CallerScript, to: str = "twiml") -> None:
    source = document.to_xml()
    note(f"source:\n{source}")
    result = converted(source, to)
    if result.output is None and not cv(result):
        event("the generated source has errors")
        return
    if any(isinstance(node, Gather) for node in document.walk()):
        assert "CV110" in cv(result)  # a Gather the call goes on after is never exact
    if cv(result):
        event("not exact: " + " ".join(sorted(cv(result))))
        return
    event("exact")
    note(f"{to}:\n{result.output}")
    assert read(result.output, to).error_count == 0
    assert traced(result.output, to, caller) == traced(source, "voxxml-v1", caller)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(eq.calls(eq.ivr_documents().map(straight_without_input)))
def test_exact_conversions_of_straight_line_documents_keep_the_trace(call: tuple[Any, CallerScript]) -> None:
    _same_trace(*call)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(eq.calls(eq.ivr_documents().map(straight)))
def test_straight_line_documents_with_gathers_report_or_keep_the_trace(call: tuple[Any, CallerScript]) -> None:
    _same_trace(*call)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(eq.calls(eq.ivr_documents().map(eq.supported).map(straight_without_input)))
def test_exact_conversions_to_the_profiles_keep_the_trace(call: tuple[Any, CallerScript]) -> None:
    _same_trace(*call, to="texml")


@pytest.mark.parametrize("loop", [11, 100_000, 10**12])
def test_a_gather_loop_is_never_unrolled_past_the_limit(loop: int) -> None:
    """Hostile input: a loop of any size writes at most ATTEMPTS_LIMIT Gathers (CV111), one document or a set."""
    from voxxml.convert.twiml import ATTEMPTS_LIMIT

    source = f"<Response><Gather loop='{loop}'><Say>Press 1</Say></Gather></Response>"
    result = converted(source, "twiml")
    assert "CV111" in codes(result) and result.error_count  # refused by default (the CLI writes nothing)
    assert result.output is not None and result.output.count("<Gather") == ATTEMPTS_LIMIT  # what --allow-approximate writes
    (finding,) = [d for d in result.diagnostics if d.code == "CV111"]
    assert source[finding.span.column - 1 :].startswith(f"{loop}'")
    from voxxml.convert.split import split, files
    from voxxml.hub.nodes import Gather as GatherNode

    document = read(source, "voxxml-v1").document
    texts, _ = files(split(document, "twiml", "voxxml-v1"), "m.voxxml")
    assert sum(text.count("<Gather") for text in texts.values()) == ATTEMPTS_LIMIT
    assert isinstance(document.verbs[0], GatherNode)
