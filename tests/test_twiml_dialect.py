"""The twiml dialect and its texml and cxml profiles (issue 13 items 1, 2, 4, 5): read into the hub,
written back, linted (Twilio's 149 samples lint with no error, and each warning is the one the README
lists), compiled to EnableX with every loss coded, simulated with action URLs and Redirects as fetches,
and detected in a ``.xml`` file.

The corpus is read from ``../shared/corpus/twiml/`` (Twilio's documentation samples, valid TwiML by
definition); the tests that need it skip with a reason when it is absent.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from voxxml import pipeline
from voxxml.ast import Dial, Gather, Hangup, Number, Pause, Play, Redirect, Response, Say
from voxxml.core.diagnostics import Severity
from voxxml.dialects import DETECT, get_dialect
from voxxml.dialects.twiml.grammar import PROFILES, data, grammar, merge_profile, profile_data
from voxxml.hub import semantics
from voxxml.hub.expressions import Template
from voxxml.hub.nodes import Conference, Endpoint, Opaque, Parameter, Property, Ssml
from voxxml.runtime.caller import CallerScript, DialOutcome, Input
from voxxml.runtime.simulator import simulate
from voxxml.targets.enablex import compile_document

from support import ROOT, SHARED_CORPUS, TWIML_EXAMPLES, examples, run

CORPUS = SHARED_CORPUS / "twiml"
SAMPLES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".twiml", ".xml")) if CORPUS.is_dir() else []  # 145 .twiml, 4 .xml
needs_corpus = pytest.mark.skipif(not SAMPLES, reason=f"the TwiML corpus is not at {CORPUS} (../shared/corpus/ beside the checkout)")
BASE = "https://example.com/ivr/main.twiml"

# The warnings Twilio's own samples get, each defended in README.md ("TwiML corpus warnings").
CORPUS_WARNINGS = {
    "autopilot.twiml": ["TW004"],
    "conference-2.twiml": ["VX110"],
    "dial-3.twiml": ["VX113"],
    "gather-1.twiml": ["TW003"],
    "gather-2.twiml": ["TW003", "VX108"],
    "record-1.twiml": ["TW003"],
    "record-2.twiml": ["TW003"],
    "record-3.twiml": ["VX113"],
    "record-4.twiml": ["TW003"],
}


def read(text: str | bytes, dialect: str = "twiml") -> pipeline.Result:
    return pipeline.check(text.encode() if isinstance(text, str) else text, "<string>", dialect=dialect)


def codes(result: pipeline.Result) -> list[str]:
    return sorted(d.code for d in result.diagnostics)


# ------------------------------------------------------------------ registry and loader


def test_twiml_and_its_profiles_are_dialects_with_their_suffixes() -> None:
    for name, suffix in (("twiml", ".twiml"), ("texml", ".texml"), ("cxml", ".cxml")):
        dialect = get_dialect(name)
        assert dialect.name == name and dialect.claims(Path(f"a{suffix}")) and not dialect.claims(Path("a.xml"), "Response")
        assert dialect.code_prefix == "TW" and set(dialect.codes()) == {"TW001", "TW002", "TW003", "TW004", "TW005"}
    assert get_dialect("twiml").vocabulary() is grammar("twiml")  # cached per vocabulary
    assert grammar("twiml:texml") is grammar("twiml:texml") and grammar("twiml:texml") is not grammar("twiml")


def test_the_loader_merges_each_profile_as_the_readme_says() -> None:
    for profile in PROFILES:
        merged = merge_profile(data("twiml"), profile_data(profile))
        assert merged == data(profile) and merged["dialect"] == profile and merged["profile_of"] == "twiml"
        vocabulary = grammar(f"twiml:{profile}")
        assert set(vocabulary.elements) == set(merged["elements"])
        for name in merged.get("removed_elements", {}):
            assert name not in vocabulary.elements and name in vocabulary.removed_elements
    texml = grammar("twiml:texml")
    assert "Pay" not in texml.elements and "Pay" in grammar("twiml").elements
    assert texml.elements["Dial"].attributes["timeout"].type.describe() == "an integer from 5 to 120"


def test_every_element_reads_into_the_hub_class_its_vocabulary_names() -> None:
    vocabulary = grammar("twiml")
    for name, spec in vocabulary.elements.items():
        assert spec.node_class.__name__ == spec.node
        if hasattr(spec.node_class, "kind") or spec.node in ("Endpoint", "Property", "Opaque", "Ssml"):
            assert spec.unmapped["kind"] == name
    assert vocabulary.elements["Refer"].child_tags == {"Sip": "ReferSip"}  # a child is resolved among its parent's


# ------------------------------------------------------------------ reading


def test_say_ssml_is_kept_as_typed_extras_and_spoken_as_words() -> None:
    text = '<Response><Say voice="Polly.Joanna">Hello <emphasis level="strong">dear</emphasis> caller,<break time="1s"/> <sub alias="World Wide Web">WWW</sub>.</Say></Response>'
    result = read(text)
    assert codes(result) == []
    (say,) = result.document.verbs
    assert isinstance(say.text, Template) and str(say.text) == "Hello dear caller, World Wide Web ."
    segments = say.extras["ssml"]
    assert segments[0] == "Hello " and isinstance(segments[1], Ssml) and segments[1].kind == "emphasis" and segments[1].text == "dear"
    assert segments[1].extras["level"] == "strong" and [s.kind for s in segments if isinstance(s, Ssml)] == ["emphasis", "break", "sub"]
    written = get_dialect("twiml").write(result.document)
    assert '<emphasis level="strong">dear</emphasis> caller,<break time="1s"/> <sub alias="World Wide Web">WWW</sub>.</Say>' in written
    assert read(written).document == result.document
    trace = simulate(result.document).trace
    assert trace[0]["event"] == "say" and trace[0]["text"] == "Hello dear caller, World Wide Web ."


def test_ssml_is_validated_where_it_is_written() -> None:
    result = read('<Response><Say>Hi <prosody rate="fastest">there</prosody><say-as>1</say-as></Say></Response>')
    assert codes(result) == ["VX006", "VX007"]  # say-as needs interpret-as; a rate outside the pattern
    assert all(d.span.line == 1 for d in result.diagnostics)


def test_dial_nouns_read_into_numbers_conferences_and_endpoints() -> None:
    text = """<Response><Dial><Conference beep="false">Room 1234</Conference></Dial><Dial>415-123-4567</Dial>
    <Dial action="/done" callerId="+15550001111">
      <Number sendDigits="ww1">+15551234567</Number>
      <Client>alice<Parameter name="ticket" value="42"/></Client>
      <Sip username="u">sip:kate@example.com</Sip>
      <Queue>support</Queue>
    </Dial></Response>"""
    result = read(text)
    assert codes(result) == []
    second, third, first = result.document.verbs
    number, client, sip, queue = first.numbers
    assert isinstance(number, Number) and number.number == "+15551234567" and number.extras["sendDigits"] == "ww1"
    assert isinstance(client, Endpoint) and client.kind == "Client" and client.address == "alice"
    assert client.parts == [Parameter(name="ticket", value="42", explicit=frozenset({"name", "value"}))]
    assert (sip.kind, sip.address, sip.extras["username"], queue.kind) == ("Sip", "sip:kate@example.com", "u", "Queue")
    assert first.action == "/done" and first.caller_id == "+15550001111"
    assert isinstance(second.numbers[0], Conference) and second.numbers[0].name == "Room 1234" and second.numbers[0].beep == "false"
    assert third.numbers[0].number == "415-123-4567"  # Dial text is its one Number, as in VoXML
    assert semantics.dialled(first) == ["+15551234567", "client:alice", "sip:sip:kate@example.com", "queue:support"]
    assert read(get_dialect("twiml").write(result.document)).document == result.document


def test_client_identity_as_a_child_and_refer_sip_by_its_parent() -> None:
    result = read('<Response><Dial><Client><Identity>bob</Identity></Client></Dial><Refer action="/r"><Sip>sip:a@b.com</Sip></Refer></Response>')
    assert codes(result) == []
    dial, refer = result.document.verbs
    (client,) = dial.numbers
    assert client.parts == [Property(kind="Identity", value="bob")] and client.number == "client:bob"
    assert isinstance(refer, Opaque) and refer.kind == "Refer" and refer.flow == "action" and refer.action == "/r"
    assert refer.parts[0].kind == "ReferSip" and refer.parts[0].text == "sip:a@b.com"
    assert "<Sip>sip:a@b.com</Sip>" in get_dialect("twiml").write(result.document)


def test_defaults_are_twiml_s_and_described_defaults_get_hub_values() -> None:
    (gather, say) = read('<Response><Gather><Say>x</Say></Gather><Say>y</Say></Response>').document.verbs
    assert (gather.timeout, gather.finish_on_key, gather.num_digits, gather.action, gather.output) == (5, "#", grammar("twiml").elements["Gather"].attributes["numDigits"].default, "", None)
    assert gather.explicit == frozenset() and say.voice == "man" and say.language == "en-US"
    assert get_dialect("twiml").write(read('<Response><Gather><Say>x</Say></Gather></Response>').document) == "<Response>\n  <Gather>\n    <Say>x</Say>\n  </Gather>\n</Response>\n"


@pytest.mark.parametrize(
    "text, expected",
    [
        ('<Say voice="alice">Hi</Say>', []),
        ('<Say voice="Polly.Joanna-Neural">Hi</Say>', []),
        ('<Say voice="Google.en-US-Standard-C">Hi</Say>', []),
        ('<Say voice="Alice">Hi</Say>', ["VX010"]),
        ('<Say voice="Joanna">Hi</Say>', ["VX010"]),
        ('<Say voice="Polly.Jonna">Hi</Say>', ["VX010"]),
        ('<Say language="en-us">Hi</Say>', ["TW001"]),
        ('<Say language="xx-YY">Hi</Say>', ["TW001"]),
        ('<Gather finishOnKey="#*" action="/a"><Say>Hi</Say></Gather>', ["VX007"]),
        ('<Dial timeout="700">+15551234567</Dial>', ["VX007"]),
        ('<Dial><Number>call me</Number></Dial>', ["VX009"]),
        ('<Number>+15551234567</Number>', ["VX004"]),  # a noun: only inside Dial
        ('<Prompt for="security-code"><Say>Code.</Say></Prompt>', ["TW005"]),
        ('<Play/>', []),
        ('<Redirect/>', ["VX009"]),
        ('<Parameter value="x"/>', ["VX004", "VX006"]),
    ],
)
def test_values_and_places_are_checked(text: str, expected: list[str]) -> None:
    assert codes(read(f"<Response>{text}</Response>")) == expected


def test_open_enum_fix_is_safe_only_for_a_case_difference() -> None:
    (case,) = read('<Response><Say language="en-us">Hi</Say></Response>').diagnostics
    assert case.code == "TW001" and case.severity is Severity.WARNING and case.fix is not None and case.fix.safe
    (unknown,) = read('<Response><Say language="xx-YY">Hi</Say></Response>').diagnostics
    assert unknown.fix is None and "af-ZA" in unknown.message


def test_profiles_name_what_the_platform_lacks() -> None:
    (pay,) = read('<Response><Pay chargeAmount="1.00" action="/p"/></Response>', "texml").diagnostics
    assert pay.code == "TW002" and pay.severity is Severity.ERROR and pay.message.startswith("TeXML has no <Pay>: ")
    cxml = read('<Response><Dial><Client>alice</Client></Dial><Redirect>next.xml</Redirect></Response>', "cxml")
    assert codes(cxml) == ["TW002", "VX009", "VX108"]  # no Client (so the Dial rings nobody); cXML's URLs are absolute
    assert codes(read('<Response><Dial><Client>alice</Client></Dial><Redirect>next.xml</Redirect></Response>')) == []


def test_twiml_flow_codes() -> None:
    gather = read('<Response><Gather numDigits="1"><Say>Menu.</Say></Gather></Response>')
    (loop,) = gather.diagnostics
    assert loop.code == "TW003" and "posts the caller's input to this document's own URL" in loop.message and loop.span.column == 12
    assert "Telnyx posts" in read('<Response><Record/></Response>', "texml").diagnostics[0].message
    after = read('<Response><Dial action="/after">+15551234567</Dial><Say>Never.</Say></Response>')
    assert codes(after) == ["VX113"]
    assert codes(read('<Response><Hangup/><Say>Never.</Say></Response>')) == ["VX102"]
    assert codes(read('<Response><Redirect>/next</Redirect><Say>Never.</Say></Response>')) == ["VX103"]
    assert codes(read('<Response><Leave/><Say>Never.</Say></Response>')) == ["VX102"]  # Leave exits the document


# ------------------------------------------------------------------ the corpus


@needs_corpus
def test_there_are_149_samples() -> None:
    assert len(SAMPLES) == 149


@needs_corpus
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_corpus_sample_lints_without_error_and_with_the_listed_warnings(path: Path) -> None:
    result = pipeline.run(path.read_bytes(), str(path), dialect="twiml")
    assert [d for d in result.diagnostics if d.severity is Severity.ERROR] == []
    assert sorted(d.code for d in result.diagnostics) == sorted(CORPUS_WARNINGS.get(path.name, []))


@needs_corpus
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_corpus_sample_round_trips(path: Path) -> None:
    first = read(path.read_bytes())
    written = get_dialect("twiml").write(first.document)
    second = read(written)
    assert second.document == first.document, written
    assert [d for d in second.diagnostics if d.severity is Severity.ERROR] == []
    assert get_dialect("twiml").write(second.document) == written  # the writer's output is a fixed point


@needs_corpus
@pytest.mark.parametrize("profile", PROFILES)
def test_corpus_round_trips_under_the_profiles_where_it_is_valid(profile: str) -> None:
    valid = 0
    for path in SAMPLES:
        first = read(path.read_bytes(), profile)
        if any(d.severity is Severity.ERROR for d in first.diagnostics):
            assert any(d.code in ("TW002", "VX004", "VX005", "VX007", "VX009") for d in first.diagnostics)
            continue
        valid += 1
        assert read(get_dialect(profile).write(first.document), profile).document == first.document
    assert valid >= 80


@needs_corpus
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_corpus_sample_compiles_to_enablex_or_says_why_with_codes(path: Path) -> None:
    result = pipeline.run(path.read_bytes(), str(path), dialect="twiml", target="enablex", base_url=BASE)
    assert all(d.code[:2] in ("EX", "VX", "TW") for d in result.diagnostics)
    document = read(path.read_bytes()).document
    compiled = compile_document(document, base_url=BASE)
    reported = {(d.code, d.span.line) for d in compiled.diagnostics}
    for node in document.walk():  # nothing the plan cannot hold is dropped silently
        if isinstance(node, (Opaque, Endpoint)) or (node.extras and not isinstance(node, (Ssml, Property, Parameter))):
            assert any(code == "EX214" and line == node.name_span.line for code, line in reported) or _inside_reported(node, document, reported), node


def _inside_reported(node, document, reported) -> bool:  # type: ignore[no-untyped-def]
    """A node inside one reported whole (EX214 on a Connect covers its Stream)."""
    for outer in document.walk():
        if outer is not node and any(n is node for n in outer.walk()) and ("EX214", outer.name_span.line) in reported:
            return True
    return False


@needs_corpus
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_corpus_sample_simulates(path: Path) -> None:
    document = read(path.read_bytes()).document
    script = CallerScript(inputs=[Input.parse("1")], dials=[DialOutcome.parse("answered:10")])
    trace = simulate(document, script, base_url=BASE).trace
    assert trace and trace[-1]["event"] in ("hangup", "fetch", "redirect", "reject", "capped")
    for event in trace:
        if event["event"] in ("fetch", "redirect"):
            assert event["url"].startswith("http"), event  # relative URLs resolved against --base-url


# ------------------------------------------------------------------ compile and simulate


def test_enablex_reports_what_twiml_carries_beyond_the_plan() -> None:
    text = """<Response>
  <Say voice="Polly.Joanna">Hi <emphasis>there</emphasis></Say>
  <Dial timeLimit="600" sequential="true"><Number machineDetection="Enable">+15551234567</Number><Client>alice</Client></Dial>
  <Enqueue>support</Enqueue>
  <Hangup><Parameter name="a" value="b"/></Hangup>
</Response>"""
    compiled = compile_document(read(text).document)
    messages = sorted((d.span.line, d.code, d.message.split(":")[0]) for d in compiled.diagnostics if d.code == "EX214")
    assert messages == [
        (2, "EX214", "<Say> its SSML markup (the plan speaks the words only)"),
        (3, "EX214", "<Dial> timeLimit"),
        (3, "EX214", "<Number> machineDetection='Enable'"),
        (3, "EX214", "<Client> in a <Dial> has no lowering to EnableX; the plan skips it. The elements EnableX lowers in a <Dial>"),
        (4, "EX214", "<Enqueue> has no lowering to EnableX; the plan skips it. The elements EnableX lowers"),
        (5, "EX214", "<Hangup> its <Parameter> children"),
    ] or messages


def test_compile_command_takes_twiml() -> None:
    result = run("compile", "--target", "enablex", "--base-url", BASE, str(ROOT / "examples" / "simple-ivr.twiml"))
    assert result.exit_code == 0, result.output
    assert '"format"' in result.output and "EX206" in result.stderr  # the Gather's action is fetched by the runner


IVR = """<Response>
  <Say voice="Polly.Joanna">Welcome.</Say>
  <Gather numDigits="1" action="menu" method="GET" timeout="3">
    <Say voice="Polly.Joanna">Press 1 for sales.</Say>
  </Gather>
  <Say voice="Polly.Joanna">We did not get your choice.</Say>
  <Redirect method="GET">../start.xml</Redirect>
</Response>"""


@pytest.mark.parametrize(
    "inputs, tail",
    [
        (["1"], [{"event": "gather", "input": "1"}, {"event": "fetch", "url": "https://example.com/ivr/menu", "method": "GET", "element": "Gather"}]),
        ([], [{"event": "gather", "input": ""}, "say", {"event": "redirect", "url": "https://example.com/start.xml", "method": "GET"}]),
    ],
)
def test_actions_and_redirects_are_fetches_resolved_against_the_base_url(inputs: list[str], tail: list) -> None:
    trace = simulate(read(IVR).document, CallerScript(inputs=[Input.parse(i) for i in inputs]), base_url=BASE).trace
    got = [event if isinstance(expected, dict) else event["event"] for event, expected in zip(trace[-len(tail):], tail)]
    assert got == tail


def test_a_gather_without_action_fetches_its_own_document() -> None:
    trace = simulate(read('<Response><Gather numDigits="1"><Say>Menu.</Say></Gather></Response>').document, CallerScript(inputs=[Input.parse("5")]), base_url=BASE).trace
    assert trace[-1] == {"event": "fetch", "url": BASE, "method": "POST", "element": "Gather"}


def test_a_record_and_a_dial_with_action_end_the_document_with_a_fetch() -> None:
    text = '<Response><Dial action="status" timeout="10">+15551234567</Dial><Say>Not reached.</Say></Response>'
    trace = simulate(read(text).document, CallerScript(dials=[DialOutcome.parse("busy")]), base_url=BASE).trace
    assert [e["event"] for e in trace] == ["dial", "fetch"] and trace[1]["url"] == "https://example.com/ivr/status"
    trace = simulate(read('<Response><Record action="/saved" maxLength="20"/></Response>').document, base_url=BASE).trace
    assert trace == [{"event": "record", "beep": True, "max_length": 20}, {"event": "fetch", "url": "https://example.com/saved", "method": "POST", "element": "Record"}]


def test_simulate_command_reads_twiml_by_suffix() -> None:
    result = run("simulate", "--base-url", BASE, "--input", "2", str(ROOT / "examples" / "simple-ivr.twiml"))
    assert result.exit_code == 0 and "fetch (POST) https://example.com/ivr/support-choice (Gather action)" in result.output


# ------------------------------------------------------------------ examples and detection


def test_twiml_examples_lint_clean() -> None:
    assert [p.name for p in TWIML_EXAMPLES] == ["simple-ivr.twiml"]
    for path in TWIML_EXAMPLES:
        result = pipeline.run(path.read_bytes(), str(path), dialect="twiml")
        assert result.diagnostics == [] and result.document is not None


@pytest.mark.parametrize(
    "text, dialect",
    [
        ('<Response><Dial><Client>alice</Client></Dial></Response>', "twiml"),
        ('<Response><Say voice="alice">Hi</Say></Response>', "twiml"),
        ('<Response><Say>Hi <break time="1s"/></Say></Response>', "twiml"),
        ('<Response><Dial><Conference>Room</Conference></Dial></Response>', "twiml"),
        ('<Response><Gather action="/a"><Say voice="Polly.Joanna">Hi</Say></Gather></Response>', "voxml"),  # shared: VoXML first
        ('<Response><Gather output="m" action="/a"><Say>Hi</Say></Gather></Response>', "voxml"),
        ('<Response><Say voice="Joanna">Hi</Say></Response>', "voxxml-v1"),
        ('<Response><Say>Hi</Say></Response>', "voxxml-v1"),
    ],
)
def test_detection_of_twiml_in_xml_files(text: str, dialect: str) -> None:
    result = read(text, DETECT)
    assert result.dialect == dialect, result.dialect_reason
    assert "VX012" not in codes(result)


def test_mixed_twiml_and_voxml_is_vx012() -> None:
    result = read('<Response><Set output="a">1</Set><Dial><Client>alice</Client></Dial><Enqueue>q</Enqueue><Leave/></Response>', DETECT)
    assert result.dialect == "twiml"  # three TwiML constructs against two of VoXML (<Set>, its output)
    (mixed,) = [d for d in result.diagnostics if d.code == "VX012"]
    assert "<Set> is voxml" in mixed.message and "twiml" in mixed.message


# ------------------------------------------------------------------ property: hub documents round-trip through TwiML

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30).map(str.strip).filter(bool)
_NUMBER = st.from_regex(r"\+1[2-9][0-9]{9}", fullmatch=True)
_VOICE = st.sampled_from(["man", "woman", "alice", "Polly.Joanna", "Polly.Matthew-Neural"])
_PROMPT = st.one_of(
    st.builds(lambda t, v, loop: Say(Template(t), voice=v, loop=loop), _TEXT, _VOICE, st.integers(0, 5)),
    st.builds(lambda n: Play("https://example.com/a.mp3", loop=n), st.integers(0, 3)),
    st.builds(lambda n: Pause(length=n), st.integers(1, 20)),
)
_VERB = st.one_of(
    _PROMPT,
    st.builds(
        lambda prompts, digits, timeout, action: Gather(prompts, num_digits=digits, timeout=timeout, action=action, output=None),
        st.lists(_PROMPT, max_size=3), st.integers(1, 9), st.integers(1, 30), st.sampled_from(["/menu", "https://example.com/next"]),
    ),
    st.builds(lambda numbers, timeout: Dial([Number(n) for n in numbers], timeout=timeout), st.lists(_NUMBER, min_size=1, max_size=3), st.integers(5, 600)),
    st.builds(lambda url: Redirect(url), st.sampled_from(["/next", "https://example.com/x.xml"])),
    st.just(Hangup()),
)


@given(st.lists(_VERB, max_size=6))
@examples(100)
def test_hub_documents_round_trip_through_twiml(verbs: list) -> None:
    document = Response(verbs)
    text = get_dialect("twiml").write(document)
    result = read(text)
    assert [d for d in result.diagnostics if d.severity is Severity.ERROR] == [], text
    again = read(get_dialect("twiml").write(result.document)).document
    assert again == result.document
    assert simulate(result.document, base_url=BASE).trace == simulate(again, base_url=BASE).trace


@needs_corpus
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_corpus_sample_formats_to_the_same_document(path: Path) -> None:
    before = read(path.read_bytes())
    formatted = get_dialect("twiml").format(path.read_bytes(), str(path)).formatted
    after = read(formatted)
    assert after.document == before.document and codes(after) == codes(before)


def test_dialect_option_and_setting_choose_twiml(tmp_path: Path) -> None:
    from voxxml.config import parse

    doc = tmp_path / "menu.xml"
    doc.write_text('<Response><Say voice="alice">Hi</Say><Gather numDigits="1"><Say>Menu.</Say></Gather></Response>', encoding="utf-8")
    as_twiml = run("lint", "--isolated", "--dialect", "twiml", "--format", "concise", str(doc))
    assert as_twiml.exit_code == 0 and "TW003" in as_twiml.output
    as_v1 = run("lint", "--isolated", "--dialect", "voxxml-v1", "--format", "concise", str(doc))
    assert "VX010" in as_v1.output and "TW003" not in as_v1.output  # 'alice' is no v1 voice
    detected = run("lint", "-v", "--isolated", str(doc))
    assert "as twiml (twiml: found a built-in voice (man, woman, alice) at line 1" in detected.stderr
    settings = parse({"dialect": {"*.xml": "cxml"}}, tmp_path / "voxxml.toml")
    assert settings.dialect_for(doc) == "cxml"


def test_built_in_voices_have_their_gender_in_simulation_and_in_the_plan() -> None:
    document = read('<Response><Say>Hi</Say><Say voice="alice">Hello</Say><Say voice="Google.en-US-Standard-C">Hey</Say></Response>').document
    assert [(e["voice"], e["gender"]) for e in simulate(document).trace if e["event"] == "say"] == [
        ("man", "male"), ("alice", "female"), ("Google.en-US-Standard-C", "female"),
    ]
    compiled = compile_document(document)
    assert [d.code for d in compiled.diagnostics] == ["EX210"]  # only the Google voice, whose gender is unknown
    bodies = [s["request"]["body"] for s in compiled.plan["states"] if s.get("request") and "text" in s["request"].get("body", {})]
    assert [b["voice"] for b in bodies] == ["male", "female", "female"]


def test_a_number_in_a_dial_keeps_its_own_callbacks_in_twiml() -> None:
    """VX106's situations are the reading dialect's data: v1's 'a Number inside a Dial uses the Dial's
    callback settings' is not TwiML's rule (Twilio calls back per leg), so TwiML gets no VX106 there."""
    text = (
        "<Response><Dial><Number statusCallbackEvent='initiated ringing' statusCallback='https://e.com/cb'"
        " statusCallbackMethod='POST'>+14155550100</Number></Dial></Response>"
    )
    assert "VX106" not in codes(read(text))
    v1 = "<Response><Dial><Number statusCallback='https://e.com/cb'>14155550100</Number></Dial></Response>"
    assert "VX106" in codes(read(v1, dialect="voxxml-v1"))


def test_callback_settings_without_a_url_are_reported_with_the_reading_dialects_data() -> None:
    """VX107 takes the elements with callbacks, and VX106's exemptions, from the reading dialect: a TwiML
    Number's callback settings without statusCallback have no effect (VX107), where v1 says VX106."""
    text = "<Response><Dial><Number statusCallbackEvent='answered'>+14155550100</Number></Dial></Response>"
    assert codes(read(text)) == ["VX107"]
    v1 = "<Response><Dial><Number statusCallbackEvent='answered'>14155550100</Number></Dial></Response>"
    assert codes(read(v1, dialect="voxxml-v1")) == ["VX106"]
