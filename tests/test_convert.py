"""voxxml convert (docs/convert.md): the transforms, the command, and the property that a conversion
that reports nothing changes nothing a caller experiences.

Traces of the two dialects are one format, and they are compared after one normalisation
(``normalised``): a voice is compared by its provider-qualified name, so v1's ``Joanna`` and VoXML's
``Polly.Joanna`` are the same voice (the catalogue entry both name; gender and language are compared as
they are). Nothing else is normalised: every other field must be equal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from voxxml import pipeline
from voxxml.convert import CODES
from voxxml.convert.v1 import membership
from voxxml.dialects.voxml.expression import parse_expression
from voxxml.hub.expressions import In, Var
from voxxml.runtime.caller import CallerScript
from voxxml.runtime.simulator import simulate
from voxxml.runtime.trace import heard

import test_equivalence as eq
import test_voxml_semantics as vs_voxml
from support import ROOT, run

BASE = "https://example.com/ivr/start"
LOOP_CAP = 10


def converted(source: str, to: str, dialect: str = "voxxml-v1", **options: Any) -> pipeline.Result:
    return pipeline.convert(source.encode("utf-8"), f"<test>.{'voxml' if dialect == 'voxml' else 'voxxml'}", to, dialect=dialect, **options)


def codes(result: pipeline.Result) -> set[str]:
    return {d.code for d in result.diagnostics}


def read(text: str, dialect: str) -> pipeline.Result:
    return pipeline.check(text.encode("utf-8"), "<test>", dialect=dialect)


def normalised(trace: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Voices by their qualified name (see the module docstring), Say text by its words (``heard``: the
    dialects keep or collapse its layout, which a caller does not hear)."""
    out = []
    for item in trace:
        if item["event"] == "say":
            item = {**item, "text": heard(item["text"])}
            if "." not in item["voice"]:
                item["voice"] = f"Polly.{item['voice']}"
        out.append(item)
    return out


def traced(text: str, dialect: str, caller: CallerScript) -> list[dict[str, Any]]:
    result = read(text, dialect)
    assert result.document is not None and not result.error_count, result.diagnostics
    return normalised(simulate(result.document, caller, LOOP_CAP, BASE).trace)


def script(*inputs: str) -> CallerScript:
    return CallerScript.from_json({"inputs": list(inputs)})


# ------------------------------------------------------------------------ v1 -> VoXML


def test_if_on_gather_becomes_an_expression_over_the_output_digits() -> None:
    result = converted("<Response><Gather><Say>Press</Say></Gather><If variable='$GATHER' test='EQUAL' value='1|2'><Say>ok</Say></If></Response>", "voxml")
    assert codes(result) == set()
    assert """<If expression='${gather.digits}=="1" || ${gather.digits}=="2"'>""" in result.output
    assert 'numDigits="1"' in result.output and 'timeout="30"' in result.output  # v1 defaults written out
    assert 'speechTimeout' not in result.output  # a DTMF-only Gather's means nothing


def test_notequal_and_speech_gathers_compare_both_fields() -> None:
    result = converted(
        "<Response><Gather input='dtmf speech'><Say>Say it</Say></Gather>"
        "<If variable='$GATHER' test='NOTEQUAL' value='yes|no'><Say>You said $GATHER</Say></If></Response>", "voxml",
    )
    assert codes(result) == set()
    assert """${gather.digits}!="yes" &amp;&amp; ${gather.digits}!="no" &amp;&amp; ${gather.speech}!="yes" &amp;&amp; ${gather.speech}!="no\"""" in result.output
    assert "You said ${gather.digits}${gather.speech}" in result.output  # one of the two is always empty


def test_the_output_name_avoids_names_the_text_uses() -> None:
    result = converted("<Response><Say>The word ${gather} is literal here</Say><Gather><Say>x</Say></Gather></Response>", "voxml")
    assert 'output="gather2"' in result.output


def test_gather_loop_becomes_a_do_with_the_delay_before_each_retry() -> None:
    source = "<Response><Gather loop='3' repeatDelay='2'><Say>Press</Say></Gather><Say>You pressed $GATHER</Say></Response>"
    result = converted(source, "voxml")
    assert codes(result) == set()
    assert """<Do expression='${do.n}=="0" || ${gather.digits}==""' maxLoops="3">""" in result.output
    assert """<If expression='${do.n}!="0"'>""" in result.output and '<Pause length="2"/>' in result.output
    for inputs in ((), ("",), ("none", "5"), ("none", "none", "7"), ("9",)):
        caller = script(*inputs)
        assert traced(result.output, "voxml", caller) == traced(source, "voxxml-v1", caller)


def test_voices_numbers_and_repeat_delays() -> None:
    source = "<Response><Say voice='Hans' loop='2' repeatDelay='1'>Hallo</Say><Number callerId='15550001000'>15556667777</Number></Response>"
    result = converted(source, "voxml")
    assert codes(result) == set()
    assert result.output.count('<Say voice="Polly.Hans" language="de-DE">Hallo</Say>') == 2 and result.output.count("<Pause/>") == 2
    assert '<Dial callerId="15550001000">15556667777</Dial>' in result.output


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("<Response><Say loop='0'>Hold</Say></Response>", "CV103"),
        ("<Response><Gather loop='0'><Say>Press</Say></Gather></Response>", "CV103"),
        ("<Response><Say loop='12' repeatDelay='1'>Hold</Say></Response>", "CV104"),
        ("<Response><Say separateNumbers='true'>1234</Say></Response>", "CV102"),
        ("<Response><Gather statusCallback='https://example.com/cb'><Say>x</Say></Gather></Response>", "CV102"),
        ("<Response><Conference>room1</Conference></Response>", "CV101"),
        ("<Response><Gather><Say>x</Say></Gather><Gather loop='2'><Say>You said $GATHER</Say></Gather></Response>", "CV106"),
    ],
)
def test_what_voxml_cannot_say_is_a_diagnostic_in_the_source(source: str, code: str) -> None:
    result = converted(source, "voxml")
    found = [d for d in result.diagnostics if d.code.startswith("CV")]
    assert {d.code for d in found} == {code}
    assert all(d.span.line == 1 and d.span.column > 1 for d in found)  # on the element or attribute, not the document


# ------------------------------------------------------------------------ VoXML -> v1


def E(text: str) -> Any:
    expr, problems = parse_expression(text)
    assert expr is not None and not problems
    return expr


def test_membership_tests_convert_and_others_say_why_not() -> None:
    assert membership(E('${m.digits}=="1" || ${m.digits}=="2"'), "m", {"dtmf"}) == (In(Var("GATHER"), ("1", "2")), "")
    assert membership(E('${m.digits}!="1" && ${m.speech}!="1"'), "m", {"dtmf", "speech"}) == (In(Var("GATHER"), ("1",), negated=True), "")
    assert membership(E('${m.digits}=="1"'), "m", {"dtmf", "speech"})[0] is None  # speech "1" would not hold
    assert membership(E('${m.digits}=~"1"'), "m", {"dtmf"})[0] is None
    assert membership(E('${m.digits}==""'), "m", {"dtmf"})[0] is None  # holds on no input
    assert membership(E('${x}=="1"'), "m", {"dtmf"})[0] is None


def test_voxml_converts_back_where_v1_can_say_it() -> None:
    source = (
        '<Response><Gather output="menu" numDigits="1" timeout="5"><Say voice="Polly.Joanna">Press</Say></Gather>'
        '<If expression=\'${menu.digits}=="1"\'><Say>One: ${menu.digits}</Say></If></Response>'
    )
    result = converted(source, "voxxml-v1", dialect="voxml")
    assert codes(result) == set(), result.diagnostics
    assert "<If variable=\"$GATHER\" test=\"EQUAL\" value=\"1\">" in result.output and "One: $GATHER" in result.output
    assert 'timeout="5"' in result.output and 'speechTimeout' not in result.output  # a DTMF-only Gather's means nothing
    speech = converted(source.replace('numDigits="1"', 'numDigits="1" input="dtmf speech"').replace('${menu.digits}=="1"', '${menu.digits}=="1" || ${menu.speech}=="1"').replace('One: ${menu.digits}', 'One'), "voxxml-v1", dialect="voxml")
    assert codes(speech) == set() and 'speechTimeout="5"' in speech.output  # VoXML's default: the timeout
    for inputs in ((), ("1",), ("2",)):
        assert traced(result.output, "voxxml-v1", script(*inputs)) == traced(source, "voxml", script(*inputs))


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ('<Response><Set output="x">1</Set></Response>', "CV101"),
        ('<Response><Answer/></Response>', "CV101"),
        ('<Response><Gather output="m" numDigits="1" action="next"><Say>x</Say></Gather></Response>', "CV102"),
        ('<Response><Gather output="m"><Say>x</Say></Gather></Response>', "CV102"),  # numDigits unlimited
        ('<Response><Say history="full">x</Say></Response>', "CV102"),
        ('<Response><Gather output="m" numDigits="1"><Say>x</Say></Gather><If expression=\'${m.digits}=~"1"\'><Say>x</Say></If></Response>', "CV105"),
        ('<Response><Gather output="a" numDigits="1"><Say>x</Say></Gather><Gather output="b" numDigits="1"><Say>x</Say></Gather></Response>', "CV106"),
        ('<Response><Say voice="Polly.Matthew-Neural">x</Say></Response>', "CV107"),
        ("<Response><Gather output='m' numDigits='1' input='dtmf speech'><Say>x</Say></Gather><If expression='${m}==\"a-b\"'><Say>x</Say></If></Response>", "CV100"),
        ('<Response><Gather output="m" numDigits="1" language="cy-GB"><Say>x</Say></Gather></Response>', "CV121"),
    ],
)
def test_what_v1_cannot_say_is_a_diagnostic(source: str, code: str) -> None:
    assert {d.code for d in converted(source, "voxxml-v1", dialect="voxml").diagnostics if d.code.startswith("CV")} == {code}


# ------------------------------------------------------------------------ suppressions and settings


def test_a_suppression_accepts_an_approximation_and_an_unused_one_is_reported() -> None:
    source = "<Response>\n<!-- voxxml: ignore CV103 -->\n<Say loop='0'>Hold</Say>\n</Response>"
    result = converted(source, "voxml")
    assert codes(result) == set() and 'loop="1000"' in result.output
    unused = converted("<Response>\n<!-- voxxml: ignore CV103 -->\n<Say>Hi</Say>\n</Response>", "voxml")
    assert codes(unused) == {"VX112"}
    assert codes(pipeline.run(source.encode(), "<test>.voxxml")) == set()  # lint does not judge CV suppressions


def test_the_configuration_ignores_cv_codes_as_lint_codes() -> None:
    from voxxml.config import Settings

    result = converted("<Response><Say loop='0'>Hold</Say></Response>", "voxml", settings=Settings(ignore=("CV1",)))
    assert codes(result) == set()


def test_a_source_with_errors_is_not_converted() -> None:
    result = converted("<Response><Say loop='x'>Hold</Say></Response>", "voxml")
    assert result.output is None and "VX007" in codes(result)


# ------------------------------------------------------------------------ the command


def test_cli_writes_stdout_or_a_file_and_refuses_lossy_conversions(tmp_path: Path) -> None:
    source = tmp_path / "menu.voxxml"
    source.write_text("<Response><Gather><Say>Press</Say></Gather><If variable='$GATHER' test='EQUAL' value='1'><Say>One</Say></If></Response>")
    written = run("convert", str(source), "--to", "voxml")
    assert written.exit_code == 0 and "${gather.digits}" in written.output
    out = tmp_path / "menu.voxml"
    assert run("convert", str(source), "--to", "voxml", "-o", str(out)).exit_code == 0
    assert read(out.read_text(), "voxml").error_count == 0
    lossy = tmp_path / "hold.voxxml"
    lossy.write_text("<Response><Say loop='0'>Hold</Say></Response>")
    target = tmp_path / "hold.voxml"
    refused = run("convert", str(lossy), "--to", "voxml", "-o", str(target))
    assert refused.exit_code == 1 and "CV103" in refused.stderr and not target.exists()
    allowed = run("convert", str(lossy), "--to", "voxml", "-o", str(target), "--allow-approximate")
    assert allowed.exit_code == 0 and "CV103" in allowed.stderr and "warning" in allowed.stderr and target.exists()


def test_cli_reads_stdin_and_chooses_the_dialect_as_lint_does(tmp_path: Path) -> None:
    voxml = '<Response><Gather output="m" numDigits="1"><Say>x</Say></Gather></Response>'
    piped = run("convert", "-", "--to", "voxxml-v1", "--dialect", "voxml", stdin=voxml)
    assert piped.exit_code == 0 and "<Gather timeout=\"5\"" in piped.output
    named = run("convert", "-", "--to", "voxxml-v1", "--stdin-filename", "menu.voxml", stdin=voxml)
    assert named.exit_code == 0 and named.output == piped.output
    detected = tmp_path / "menu.xml"
    detected.write_text(voxml)
    assert run("convert", str(detected), "--to", "voxxml-v1").output == piped.output
    assert run("convert", str(tmp_path / "missing.voxxml"), "--to", "voxml").exit_code == 2
    assert run("convert", str(detected), "--to", "klingon").exit_code == 2


# ------------------------------------------------------------------------ the properties


def _roundtrip(document: Any, caller: CallerScript) -> None:
    source = document.to_xml()
    note(f"source:\n{source}")
    result = converted(source, "voxml")
    if result.error_count and result.output is None:
        event("the generated source has errors")
        return
    if any(d.code in CODES for d in result.diagnostics):
        event("not exact: " + " ".join(sorted({d.code for d in result.diagnostics if d.code in CODES})))
        return
    event("exact")
    note(f"voxml:\n{result.output}")
    expected = traced(source, "voxxml-v1", caller)
    assert traced(result.output, "voxml", caller) == expected
    back = converted(result.output, "voxxml-v1", dialect="voxml")
    assert not any(d.code in CODES for d in back.diagnostics), back.diagnostics
    note(f"back:\n{back.output}")
    assert traced(back.output, "voxxml-v1", caller) == expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(eq.calls(eq.ivr_documents()))
def test_exact_conversions_keep_the_trace_and_round_trip(call: tuple[Any, CallerScript]) -> None:
    """v1 -> VoXML reporting nothing: the same trace, the VoXML lints without errors, and converting it
    back reports nothing and keeps the trace (v1 -> VoXML -> v1)."""
    _roundtrip(*call)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(eq.calls(eq.documents(max_depth=3, max_children=3)))
def test_exact_conversions_of_any_valid_document_keep_the_trace(call: tuple[Any, CallerScript]) -> None:
    _roundtrip(*call)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(eq.calls(eq.ivr_documents().map(eq.supported)))
def test_exact_conversions_of_supported_ivrs_keep_the_trace(call: tuple[Any, CallerScript]) -> None:
    """The IVRs cut down to what EnableX does exactly: fewer callbacks, so more exact conversions."""
    _roundtrip(*call)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vs_voxml.documents(), vs_voxml.callers())
def test_exact_voxml_to_v1_conversions_keep_the_trace(document: Any, caller: CallerScript) -> None:
    """Generated VoXML (Set, Unset, If expressions, Do loops reading do.n, Gathers with output): where the
    conversion to v1 reports nothing, the v1 document lints without errors and traces the same."""
    from voxxml.dialects import get_dialect

    source = get_dialect("voxml").write(document)
    note(f"source:\n{source}")
    result = converted(source, "voxxml-v1", dialect="voxml")
    if result.output is None:
        event("the generated source has errors")
        return
    if any(d.code in CODES for d in result.diagnostics):
        event("not exact")
        return
    event("exact")
    note(f"v1:\n{result.output}")
    assert traced(result.output, "voxxml-v1", caller) == traced(source, "voxml", caller)


def test_the_readme_lists_each_dialects_elements_from_its_vocabulary() -> None:
    from voxxml.dialects import get_dialect

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("voxxml-v1", "voxml"):
        elements = ", ".join(sorted(e for e in get_dialect(name).vocabulary().elements if e != "Response"))
        assert f"| `{name}` | `{get_dialect(name).extensions[0]}` | {elements} |" in readme
