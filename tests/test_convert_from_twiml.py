"""voxxml convert from TwiML (and TeXML, cXML) to VoxXML v1 and VoXML (docs/convert.md, "From TwiML";
``voxxml/convert/from_twiml.py``): each transform with its code and span, and Twilio's 149 samples.

The corpus is read from ``../shared/corpus/twiml/`` beside the checkout (never copied in); the corpus
tests skip, saying so, when it is not there. Every sample converts to both targets without a traceback and
without CV100 (no value is written that the target would refuse); with every CV code accepted, what is
written lints without error in the target; every CV code has a place in the source; and a sample that
converts exactly simulates as its source does, for several callers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import re

import pytest

from voxxml import pipeline
from voxxml.config import Settings
from voxxml.convert import CODES
from voxxml.convert.from_twiml import builtin_voice, e164
from voxxml.core.catalog import Severity
from voxxml.runtime.caller import CallerScript
from voxxml.runtime.simulator import simulate
from voxxml.runtime.trace import heard

from support import ROOT, SHARED_CORPUS, run
from test_convert import read

CORPUS = SHARED_CORPUS / "twiml"
SAMPLES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".twiml", ".xml")) if CORPUS.is_dir() else []
needs_corpus = pytest.mark.skipif(not SAMPLES, reason=f"the TwiML corpus is not at {CORPUS} (../shared/corpus/ beside the checkout)")
TARGETS = ("voxxml-v1", "voxml")
BASE = "https://example.com/ivr/start.xml"
ACCEPTING = Settings(severity=dict.fromkeys(CODES, Severity.WARNING))  # what --allow-approximate does
CALLERS = [
    CallerScript.from_json(script)
    for script in ({}, {"inputs": ["1"], "dials": ["answered:30"]}, {"inputs": ["speech:sales", "1234#"], "dials": ["busy"]}, {"redirect_fails": True})
]


def from_twiml(source: str, to: str, dialect: str = "twiml", settings: Settings | None = None) -> pipeline.Result:
    return pipeline.convert(source.encode("utf-8"), "<test>.twiml", to, settings, dialect=dialect)


def cv(result: pipeline.Result) -> list[Any]:
    return [d for d in result.diagnostics if d.code in CODES]


def cv_codes(result: pipeline.Result) -> set[str]:
    return {d.code for d in cv(result)}


def normalised(trace: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the dialects spell differently and a caller does not hear: a number's format (``415-123-4567``
    is ``14151234567``, ``+1...`` too), the voice's name (compared by gender and language), and joining a
    conference (TwiML dials it: a dial event naming ``conference:ROOM``; v1 joins it: a conference event), and
    the layout of Say text (``heard``)."""
    out = []
    for item in trace:
        if item["event"] == "dial":
            item = {**item, "numbers": [e164(number, plus=False) or number for number in item["numbers"]]}
        if item["event"] == "dial" and len(item["numbers"]) == 1 and item["numbers"][0].startswith("conference:"):
            item = {"event": "conference", "name": item["numbers"][0].split(":", 1)[1]}  # TwiML's Dial > Conference is v1's Conference
        if item["event"] == "say":
            item = {k: (heard(v) if k == "text" else v) for k, v in item.items() if k != "voice"}
        out.append(item)
    return out


def traced(text: str | bytes, dialect: str, caller: CallerScript) -> list[dict[str, Any]]:
    result = pipeline.check(text.encode("utf-8") if isinstance(text, str) else text, "<test>", dialect=dialect)
    assert result.document is not None and not result.error_count, result.diagnostics
    return normalised(simulate(result.document, caller, 10, BASE).trace)


# ------------------------------------------------------------------------ numbers and voices


@pytest.mark.parametrize(
    ("written", "plus", "expected"),
    [
        ("415-123-4567", False, "14151234567"),  # an unformatted US number (twiml.md: accepted)
        ("(415) 123.4567", True, "+14151234567"),
        ("+14155555555", False, "14155555555"),
        ("+14155555555", True, "+14155555555"),
        ("15556667777", True, "15556667777"),  # plain digits are kept as written
        ("4151234567", False, "4151234567"),
        ("+1888XXXXXXX", False, None),
        ("bob", True, None),
        ("", False, None),
    ],
)
def test_numbers_are_written_as_e164(written: str, plus: bool, expected: str | None) -> None:
    assert e164(written, plus) == expected


def test_a_formatted_number_converts_exactly_and_dials_the_same_party() -> None:
    source = "<Response><Dial callerId='+15551112222'><Number>415-123-4567</Number></Dial></Response>"
    to_v1 = from_twiml(source, "voxxml-v1")
    assert cv(to_v1) == [] and "<Number>14151234567</Number>" in to_v1.output and 'callerId="15551112222"' in to_v1.output
    to_voxml = from_twiml(source, "voxml")
    assert cv(to_voxml) == [] and "+14151234567" in to_voxml.output and 'callerId="+15551112222"' in to_voxml.output
    for caller in CALLERS:
        assert traced(to_v1.output, "voxxml-v1", caller) == traced(source, "twiml", caller) == traced(to_voxml.output, "voxml", caller)


def test_voxml_numbers_lose_their_plus_in_v1() -> None:
    result = pipeline.convert(b"<Response><Dial callerId='+15550001000'>+15556667777</Dial></Response>", "<t>.voxml", "voxxml-v1", dialect="voxml")
    assert cv(result) == [] and ">15556667777<" in result.output and 'callerId="15550001000"' in result.output


@pytest.mark.parametrize(
    ("voice", "language", "chosen"),
    [("man", None, "Matthew"), ("woman", "en-US", "Joanna"), ("alice", "en-GB", "Amy"), ("man", "fr-FR", "Mathieu"), ("man", "ko-KR", "Seoyeon")],
)
def test_built_in_voices_become_the_nearest_standard_voice(voice: str, language: str | None, chosen: str) -> None:
    assert builtin_voice(voice, language)[0] == chosen


def test_twiml_s_default_voice_is_cv107_and_keeps_gender_and_language() -> None:
    source = "<Response><Say>Hello</Say><Say voice='alice' language='en-GB'>Hi</Say></Response>"
    result = from_twiml(source, "voxxml-v1")
    found = cv(result)
    assert [d.code for d in found] == ["CV107", "CV107"]
    assert "TwiML's default voice" in found[0].message and "'Matthew' (male, en-US)" in found[0].message
    assert (found[0].span.line, found[0].span.column) == (1, 12)  # no voice written: the Say's name
    assert source[found[1].span.column - 1 :].startswith("alice'")  # the voice attribute's value
    accepted = from_twiml(source, "voxxml-v1", settings=ACCEPTING)
    assert '<Say voice="Matthew">Hello</Say>' in accepted.output and '<Say voice="Amy">Hi</Say>' in accepted.output  # v1: the voice's language
    assert traced(accepted.output, "voxxml-v1", CALLERS[0]) == traced(source, "twiml", CALLERS[0])
    voxml = from_twiml(source, "voxml", settings=ACCEPTING)
    assert '<Say voice="Polly.Matthew" language="en-US">Hello</Say>' in voxml.output


def test_a_polly_voice_speaks_its_own_language() -> None:
    result = from_twiml("<Response><Say voice='Polly.Celine'>Bonjour</Say></Response>", "voxxml-v1")
    assert cv(result) == [] and '<Say voice="Celine">Bonjour</Say>' in result.output  # v1: the voice's language
    result = from_twiml("<Response><Say voice='Polly.Celine'>Bonjour</Say></Response>", "voxml")
    assert cv(result) == [] and 'language="fr-FR"' in result.output
    result = from_twiml("<Response><Say voice='Polly.Matthew-Neural'>Hi</Say></Response>", "voxxml-v1")
    assert cv_codes(result) == {"CV107"}


# ------------------------------------------------------------------------ Gather and actions


def test_gather_defaults_that_differ_are_written_out() -> None:
    source = "<Response><Gather action='https://example.com/menu' numDigits='1'><Say voice='Polly.Joanna'>Press 1</Say></Gather></Response>"
    result = from_twiml(source, "voxml")
    assert cv(result) == []
    assert 'action="https://example.com/menu"' in result.output and 'timeout="5"' in result.output and "output=" not in result.output
    for caller in CALLERS:
        assert traced(result.output, "voxml", caller) == traced(source, "twiml", caller)
    unlimited = from_twiml("<Response><Gather action='https://example.com/m'><Say voice='Polly.Joanna'>x</Say></Gather></Response>", "voxxml-v1")
    assert "CV102" in cv_codes(unlimited) and any("any number of digits" in d.message for d in cv(unlimited))


def test_a_gather_action_is_a_redirect_in_v1_and_cv120() -> None:
    source = (
        "<Response><Gather action='https://example.com/menu' method='GET' numDigits='1' input='dtmf'>"
        "<Say voice='Polly.Joanna'>Press 1</Say></Gather><Say voice='Polly.Joanna'>Bye</Say></Response>"
    )
    result = from_twiml(source, "voxxml-v1")
    [found] = cv(result)
    assert found.code == "CV120" and "Redirect" in found.message and "no input" in found.message
    assert source[found.span.column - 1 :].startswith("https://example.com/menu'")
    accepted = from_twiml(source, "voxxml-v1", settings=ACCEPTING)
    assert '<Redirect method="GET">https://example.com/menu</Redirect>' in accepted.output
    assert accepted.output.index("</Gather>") < accepted.output.index("<Redirect") < accepted.output.index(">Bye<")
    assert read(accepted.output, "voxxml-v1").error_count == 0
    # What the approximation changes: with input both fetch the page (a redirect for v1); without, v1 fetches too.
    with_input = traced(accepted.output, "voxxml-v1", CALLERS[1])
    assert with_input[-1] == {"event": "redirect", "url": "https://example.com/menu", "method": "GET"}
    assert traced(source, "twiml", CALLERS[1])[-1]["event"] == "fetch"
    assert traced(source, "twiml", CALLERS[0])[-2]["text"] == "Bye"


def test_a_relative_action_is_a_relative_redirect_and_a_missing_one_is_left_out_for_v1() -> None:
    for gather, redirect in (("<Gather action='/next' numDigits='1'>", "<Redirect>/next</Redirect>"), ("<Gather numDigits='1'>", None)):
        result = from_twiml(f"<Response>{gather}<Say voice='Polly.Joanna'>x</Say></Gather></Response>", "voxxml-v1", settings=ACCEPTING)
        [found] = cv(result)
        assert found.code == "CV120" and ("same document" in found.message) is (redirect is None)
        assert (redirect in result.output) if redirect else "<Redirect" not in result.output
        assert read(result.output, "voxxml-v1").error_count == 0


def test_a_missing_gather_or_record_action_is_cv120_for_voxml() -> None:
    result = from_twiml("<Response><Gather numDigits='1'><Say voice='Polly.Joanna'>x</Say></Gather><Record/></Response>", "voxml", settings=ACCEPTING)
    assert [d.code for d in cv(result)] == ["CV120", "CV120"]
    assert "action=" not in result.output and read(result.output, "voxml").error_count == 0


def test_a_dial_action_is_a_redirect_in_v1() -> None:
    source = "<Response><Dial action='https://example.com/after'>415-123-4567</Dial><Say voice='Polly.Joanna'>x</Say></Response>"
    result = from_twiml(source, "voxxml-v1", settings=ACCEPTING)
    assert cv_codes(result) == {"CV120"} and "DialCallStatus" in cv(result)[0].message
    assert '<Redirect>https://example.com/after</Redirect>' in result.output
    assert cv(from_twiml(source, "voxml")) == []  # VoXML's Dial has the action


# ------------------------------------------------------------------------ dialling


def test_a_dial_conference_is_v1_s_conference_verb() -> None:
    source = "<Response><Dial><Conference beep='false' statusCallback='https://example.com/c' statusCallbackEvent='start mute'>Room1234</Conference></Dial></Response>"
    result = from_twiml(source, "voxxml-v1")
    assert cv(result) == []
    assert '<Conference beep="false" statusCallbackEvent="start mute unmute" statusCallback="https://example.com/c">Room1234</Conference>' in result.output
    assert "<Dial" not in result.output
    assert traced(result.output, "voxxml-v1", CALLERS[0]) == [{"event": "conference", "name": "Room1234"}, {"event": "hangup"}]
    assert cv_codes(from_twiml(source, "voxml")) == {"CV101"}  # VoXML has no conference
    held = from_twiml(source.replace("start mute", "start hold"), "voxxml-v1")
    assert cv_codes(held) == {"CV121"} and "'hold'" in cv(held)[0].message
    spaced = from_twiml("<Response><Dial><Conference>Room 1234</Conference></Dial></Response>", "voxxml-v1", settings=ACCEPTING)
    assert cv_codes(spaced) == {"CV121"} and "<Conference" not in spaced.output


def test_number_callbacks_in_v1_terms_on_the_dial() -> None:
    source = "<Response><Dial><Number statusCallback='https://example.com/s' statusCallbackEvent='ringing completed'>15556667777</Number></Dial></Response>"
    result = from_twiml(source, "voxxml-v1")
    assert cv(result) == []  # v1's Numbers in a Dial report to the Dial's callback: the settings move there
    assert '<Dial statusCallbackEvent="ringing complete noConnect" statusCallback="https://example.com/s">' in result.output
    assert read(result.output, "voxxml-v1").diagnostics == []  # no VX106: nothing written that has no effect
    unwritten = from_twiml(source.replace(" statusCallbackEvent='ringing completed'", ""), "voxxml-v1")
    assert cv(unwritten) == [] and 'statusCallbackEvent="complete noConnect"' in unwritten.output  # TwiML's default, written out
    two = source.replace("</Dial>", "<Number statusCallback='https://example.com/other'>15556668888</Number></Dial>")
    [found] = cv(from_twiml(two, "voxxml-v1"))
    assert found.code == "CV102" and "differ from the first's" in found.message
    assert two[found.span.column - 1 :].startswith("https://example.com/other'")
    initiated = from_twiml(source.replace("ringing completed", "initiated"), "voxxml-v1")
    assert cv_codes(initiated) == {"CV121"} and 'statusCallbackEvent="queued"' in from_twiml(source.replace("ringing completed", "initiated"), "voxxml-v1", settings=ACCEPTING).output
    no_callback = from_twiml("<Response><Dial><Number statusCallbackEvent='initiated'>15556667777</Number></Dial></Response>", "voxxml-v1")
    assert cv(no_callback) == [] and "statusCallbackEvent" not in no_callback.output  # sent nowhere either way


def test_dial_settings_twiml_defaults_are_not_losses_but_written_ones_are() -> None:
    plain = from_twiml("<Response><Dial>15556667777</Dial></Response>", "voxxml-v1")
    assert cv(plain) == []  # TwiML's default trim and ringTone: nothing the author chose
    timed = from_twiml("<Response><Dial timeout='10' record='record-from-answer'>15556667777</Dial></Response>", "voxxml-v1")
    assert {d.message.split("=")[0] for d in cv(timed)} == {"Dial timeout", "Dial record"}
    assert all(d.code == "CV102" for d in cv(timed))


def test_a_value_the_target_type_refuses_is_cv121_and_left_out() -> None:
    result = from_twiml("<Response><Dial callerId='bob'><Number>15556667777</Number></Dial></Response>", "voxml", settings=ACCEPTING)
    [found] = cv(result)
    assert found.code == "CV121" and "callerId='bob'" in found.message and "callerId" not in result.output
    assert read(result.output, "voxml").error_count == 0


def test_endpoints_and_opaque_verbs_have_no_form_even_where_the_target_has_an_element_of_that_name() -> None:
    source = "<Response><Connect><Stream url='wss://example.com/s'/></Connect><Dial><Client>alice</Client></Dial></Response>"
    for to in TARGETS:
        result = from_twiml(source, to, settings=ACCEPTING)
        assert {d.message.split(">")[0] for d in cv(result) if d.code == "CV101"} == {"<Connect", "<Client"}
        assert "<Connect" not in result.output and read(result.output, to).error_count == 0


# ------------------------------------------------------------------------ what has no form


@pytest.mark.parametrize(
    ("source", "code", "words"),
    [
        ("<Response><Say voice='Polly.Joanna'>Hi <break time='1s'/> there</Say></Response>", "CV102", "<break>"),
        ("<Response><Hangup><Parameter name='why' value='done'/></Hangup></Response>", "CV102", "'why'"),
        ("<Response><Reject reason='busy'/></Response>", "CV102", "reason='busy'"),
        ("<Response><Play digits='wwww3'/></Response>", "CV101", "'wwww3'"),
        ("<Response><Record action='https://example.com/r'/></Response>", "CV101", "<Record>"),
        ("<Response><Gather language='sv-SE' numDigits='1' action='https://example.com/g' actionOnEmptyResult='true'><Say voice='Polly.Joanna'>x</Say></Gather></Response>", "CV121", "language='sv-SE'"),
    ],
)
def test_what_v1_cannot_say_from_twiml_is_reported_in_the_source(source: str, code: str, words: str) -> None:
    result = from_twiml(source, "voxxml-v1", settings=ACCEPTING)
    found = [d for d in cv(result) if d.code == code]
    assert found and any(words in d.message for d in found), [(d.code, d.message) for d in cv(result)]
    assert all(d.span.line == 1 and d.span.column > 1 for d in cv(result))
    assert read(result.output, "voxxml-v1").error_count == 0


def test_long_pauses_are_several_in_v1() -> None:
    source = "<Response><Pause length='150'/></Response>"
    result = from_twiml(source, "voxxml-v1")
    assert cv(result) == [] and result.output.count("<Pause") == 3 and '<Pause length="30"/>' in result.output
    assert traced(result.output, "voxxml-v1", CALLERS[0])[:3] == [{"event": "pause", "seconds": s} for s in (60, 60, 30)]


@pytest.mark.parametrize("length", [14_401, 10**12])
def test_a_pause_longer_than_a_call_is_not_a_flood_of_pauses(length: int) -> None:
    """TwiML's Pause has no maximum: past a call's four hours it is four hours (CV121 on the length), at most 240 v1 Pauses."""
    source = f"<Response><Pause length='{length}'/></Response>"
    result = from_twiml(source, "voxxml-v1")
    assert [d.code for d in cv(result)] == ["CV121"] and source[cv(result)[0].span.column - 1 :].startswith(str(length))
    assert result.output.count("<Pause") == 240


def test_texml_and_cxml_sources_take_the_same_table() -> None:
    source = "<Response><Say voice='Polly.Joanna'>Hi</Say><Dial>415-123-4567</Dial></Response>"
    for dialect in ("texml", "cxml"):
        for to in TARGETS:
            result = from_twiml(source, to, dialect=dialect)
            assert cv(result) == [] and "14151234567" in result.output


def test_the_command_converts_twiml_and_refuses_a_lossy_conversion(tmp_path: Path) -> None:
    exact = tmp_path / "hours.twiml"
    exact.write_text("<Response><Say voice='Polly.Amy'>We are closed.</Say><Hangup/></Response>")
    written = run("convert", str(exact), "--to", "voxxml-v1")
    assert written.exit_code == 0 and '<Say voice="Amy">We are closed.</Say>' in written.output
    lossy = tmp_path / "menu.twiml"
    lossy.write_text("<Response><Gather action='https://example.com/m' numDigits='1'><Say>Press 1</Say></Gather></Response>")
    refused = run("convert", str(lossy), "--to", "voxxml-v1", "-o", str(tmp_path / "menu.voxxml"))
    assert refused.exit_code == 1 and "CV120" in refused.output and "CV107" in refused.output and not (tmp_path / "menu.voxxml").exists()
    allowed = run("convert", str(lossy), "--to", "voxml", "--allow-approximate")
    assert allowed.exit_code == 0 and 'action="https://example.com/m"' in allowed.stdout


# ------------------------------------------------------------------------ the corpus


@needs_corpus
def test_the_corpus_is_there() -> None:
    assert len(SAMPLES) == 149


@needs_corpus
@pytest.mark.parametrize("to", TARGETS)
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_corpus_sample_converts_or_says_why(path: Path, to: str) -> None:
    data = path.read_bytes()
    lines = data.decode("utf-8").count("\n") + 1
    result = pipeline.convert(data, str(path), to, dialect="twiml")
    assert result.output is not None, [(d.code, d.message) for d in result.diagnostics]
    assert "CV100" not in cv_codes(result), [d.message for d in cv(result) if d.code == "CV100"]
    for found in cv(result):
        assert 1 <= found.span.line <= lines and found.message and found.help
    accepted = pipeline.convert(data, str(path), to, ACCEPTING, dialect="twiml")
    assert accepted.error_count == 0 and read(accepted.output, to).error_count == 0
    if cv(result):
        return
    assert read(result.output, to).error_count == 0
    for caller in CALLERS:
        assert traced(result.output, to, caller) == traced(data, "twiml", caller), result.output


@needs_corpus
def test_the_readme_counts_the_samples_that_convert_exactly() -> None:
    exact = {to: [p.name for p in SAMPLES if not cv(pipeline.convert(p.read_bytes(), str(p), to, dialect="twiml"))] for to in TARGETS}
    assert {"say-voice.twiml", "dial-1.twiml", "redirect-1.twiml", "conference-5.twiml"} <= set(exact["voxxml-v1"])
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    counted = re.search(r"Of Twilio's (\d+) documentation samples, (\d+) convert to v1 exactly and (\d+) to VoXML", text)
    assert counted is not None and counted.groups() == (str(len(SAMPLES)), str(len(exact["voxxml-v1"])), str(len(exact["voxml"])))
