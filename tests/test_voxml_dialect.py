"""The ``voxml`` dialect (issue 11 items 1, 3 and 5, and the reading half of 4): registered, read into the
hub and written back, chosen by --dialect, configuration or detection, and precise about typical mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voxxml import pipeline
from voxxml.ast import Answer, Connect, Dial, Flow, Gather, If, Loop, Number, Pay, Redirect, Say, Set, Unset
from voxxml.cli.commands import reading
from voxxml.config import ConfigError, Resolver, parse
from voxxml.dialects import DETECT, dialects, get_dialect
from voxxml.dialects.voxml import DIALECT
from voxxml.dialects.voxml.template import VoxmlTemplate
from voxxml.hub.expressions import And, Compare, Literal, Var

from support import ROOT, SHARED_CORPUS, VOXML_EXAMPLES, examples, run

CORPUS = SHARED_CORPUS / "voxml"
DEMO = ROOT / "examples" / "weather-demo.voxml"


def read(text: str, dialect: str = "voxml") -> pipeline.Result:
    return pipeline.run(text.encode("utf-8"), "<test>", dialect=dialect)


def read_only(text: str) -> pipeline.Result:
    """Reading alone (VX0xx): the reader and writer are tested here, the flow checks elsewhere."""
    return pipeline.check(text.encode("utf-8"), "<test>", flow=False, dialect="voxml")


def codes(text: str, dialect: str = "voxml") -> list[str]:
    return [d.code for d in read(text, dialect).diagnostics]


def test_registered_with_its_own_vocabulary_and_prefix() -> None:
    assert "voxml" in dialects() and get_dialect("voxml") is DIALECT
    assert DIALECT.code_prefix == "VM" and DIALECT.codes() == ("VM001", "VM002")
    assert DIALECT.vocabulary().elements["Do"].node == "Loop"
    assert DIALECT.template_class() is VoxmlTemplate


def test_reads_into_hub_nodes() -> None:
    document = read(DEMO.read_text(encoding="utf-8")).document
    assert document is not None
    verbs = document.verbs
    assert isinstance(verbs[0], Answer)
    captcha, menu = [v for v in verbs if isinstance(v, Loop)]
    assert captcha.max_loops == 3 and captcha.counter == "do.n"
    assert captcha.condition == And(
        (Compare("==", Var("_captcha.digits"), Literal("")), Compare("==", Var("_captcha.speech"), Literal("")))
    )
    gather = menu.body[0]
    assert isinstance(gather, Gather) and gather.output == "_main" and gather.num_digits == 1
    assert gather.timeout == 5 and "timeout" not in gather.explicit  # VoXML's default, not v1's 30
    set_ = next(v for v in verbs if isinstance(v, Set))
    assert set_.output == "greeting" and set_.value.reads("_captcha.digits") and isinstance(set_.value, VoxmlTemplate)
    assert any(isinstance(v, Unset) and v.output == "greeting" for v in verbs)
    redirect = next(v for v in verbs if isinstance(v, If)).body[0]
    assert isinstance(redirect, Redirect) and redirect.url == "weather/zipcode"
    dial = next(v for v in verbs if isinstance(v, Dial))
    assert dial.numbers == [Number("+15551234567")] and dial.output == "call" and dial.timeout == 20
    say = verbs[-2]
    assert isinstance(say, Say) and say.extras == {"history": "compact"} and say.voice == "Polly.Matthew-Neural"


def test_a_gather_without_output_writes_no_variable() -> None:
    gather = read('<Response><Gather action="next"><Say>Hi</Say></Gather></Response>').document.verbs[0]
    assert gather.output is None and gather.action == "next"


def test_connect_pay_and_extras() -> None:
    text = (
        '<Response><Connect history="full"><Flow resume="true">abc-123</Flow></Connect>'
        '<Pay chargeAmount="10.00" tokenType="one-time"><Prompt for="payment-card-number" attempt="1 2">'
        '<Say>Card number?</Say></Prompt><Parameter name="k" value="v"/></Pay></Response>'
    )
    result = read(text)
    assert result.diagnostics == []
    connect, pay = result.document.verbs
    assert isinstance(connect, Connect) and connect.flows == [Flow("abc-123", resume=True)] and connect.extras == {"history": "full"}
    assert isinstance(pay, Pay) and pay.charge_amount == "10.00" and pay.extras == {"tokenType": "one-time"}
    prompt = pay.parts[0]
    assert prompt.step == "payment-card-number" and prompt.extras == {"attempt": "1 2"}


def test_writer_round_trips_the_examples() -> None:
    for path in [DEMO, *VOXML_EXAMPLES]:
        document = read(path.read_text(encoding="utf-8")).document
        written = DIALECT.write(document)
        again = read(written)
        assert again.diagnostics == [] and again.document == document, written
        assert "<Dial" in written and ">+15551234567</Dial>" in written  # one plain Number: as text


# A small grammar of valid VoXML, for the round-trip property.
_LEAVES = st.sampled_from([
    '<Say voice="Polly.Joanna">Hello ${menu.digits}</Say>',
    '<Say voice="Google.en-US-Standard-A" loop="2" history="compact">Hi</Say>',
    '<Play digits="12w3">https://example.com/a.mp3</Play>',
    '<Pause length="3"/>',
    '<Set output="x">v ${do.n}</Set>',
    '<Unset output="x" history="full"/>',
    '<Answer/>',
    '<Record maxLength="30" playBeep="false" action="rec"/>',
    '<Dial output="d" ringTone="uk">+15551234567</Dial>',
    '<Dial><Number sendDigits="1">+15551234567</Number><Number>+15557654321</Number></Dial>',
    '<Gather output="menu" input="dtmf speech" speechTimeout="auto"><Say>Press</Say><Pause/></Gather>',
    '<Gather action="next" actionOnEmptyResult="true" profanityFilter="true"><Play>a.mp3</Play></Gather>',
    '<Reject reason="busy"/>',
    '<Redirect method="GET">../menu</Redirect>',
    '<Hangup/>',
])
_EXPRESSIONS = st.sampled_from([
    '${menu.digits}==&quot;1&quot;', "${a}!='x' &amp;&amp; ${b}==''", "${do.n}==0 || ${x.speech}=~'^yes'", "${a.b}!~'[0-9]+'",
])


def _documents(depth: int = 2) -> st.SearchStrategy[str]:
    if depth == 0:
        return _LEAVES
    inner = st.lists(_documents(depth - 1), min_size=1, max_size=3).map("".join)
    wrapped = st.tuples(st.sampled_from(["If", "Do"]), _EXPRESSIONS, st.integers(1, 3), inner).map(
        lambda t: f'<{t[0]} expression="{t[1]}"{f" maxLoops={chr(34)}{t[2]}{chr(34)}" if t[0] == "Do" else ""}>{t[3]}</{t[0]}>'
    )
    return st.one_of(_LEAVES, wrapped)


@examples(60)
@given(st.lists(_documents(), min_size=1, max_size=5).map(lambda parts: "<Response>" + "".join(parts) + "</Response>"), st.sampled_from(["  ", None]))
def test_read_write_read_is_the_identity(text: str, indent: str | None) -> None:
    first = read_only(text)
    assert first.diagnostics == [], text
    written = DIALECT.write(first.document, indent)
    assert read_only(written).document == first.document, written


def test_typical_mistakes_each_get_one_precise_diagnostic() -> None:
    cases = {
        '<Response><If expression="${menu.digits==&quot;1&quot;"><Hangup/></If></Response>': ("VX007", 27, "unbalanced '${'"),
        '<Response><Say voice="Polly.Joanna">Hi ${name</Say></Response>': ("VX009", 40, "unbalanced '${'"),
        '<Response><Do expression="${a.b}==&quot;&quot;" maxLoops="0"><Hangup/></Do></Response>': ("VX007", 59, "maxLoops='0' is below 1"),
        '<Response><Say history="all" voice="Polly.Joanna">x</Say></Response>': ("VX007", 25, "disable, compact, full"),
        '<Response><Say voice="Polly.Jonna">x</Say></Response>': ("VX010", 29, "names no Polly voice 'Jonna'"),
        '<Response><Gather output="m" repeatDelay="2"><Say>x</Say></Gather></Response>': ("VX005", 30, "unknown attribute 'repeatDelay'"),
    }
    for text, (code, column, words) in cases.items():
        found = read(text).diagnostics
        assert [d.code for d in found] == [code], (text, found)
        assert found[0].span.column == column and words in found[0].message, found[0]


def test_bare_and_qualified_voices() -> None:
    bare = read('<Response><Say voice="Joanna">x</Say></Response>').diagnostics
    assert [d.code for d in bare] == ["VX010"] and bare[0].fix is not None and bare[0].fix.safe
    assert "Polly.Joanna" in bare[0].fix.edits[0].text
    assert codes('<Response><Say voice="Polly.Kevin">x</Say></Response>') == ["VX010"]  # Neural only
    assert codes('<Response><Say voice="Polly.Kevin-Neural">x</Say><Say voice="Deepgram.Asteria">y</Say></Response>') == []
    assert codes('<Response><Say voice="Acme.Bob">x</Say></Response>') == ["VX010"]
    assert codes('<Response><Say voice="Polly.Joanna" language="fr-FR">x</Say></Response>') == ["VX010"]


def test_unknown_elements_children_are_checked_in_both_dialects() -> None:
    for dialect, text in (
        ("voxml", '<Response><Loop><Gather timeout="0"><Say voice="Polly.Jonna">x</Say></Gather></Loop><Hangup/></Response>'),
        ("voxxml-v1", "<Response><Do><Gather timeout='0'><Say voice='Jonna'>x</Say></Gather></Do><Hangup/></Response>"),
    ):
        result = read(text, dialect)
        assert sorted(d.code for d in result.diagnostics) == ["VX003", "VX007", "VX010"], result.diagnostics
        assert [v.TAG for v in result.document.verbs] == ["Hangup"]  # they do not join the flow


# ------------------------------------------------------------------ which dialect


def test_detection() -> None:
    assert read(DEMO.read_text(encoding="utf-8"), DETECT).dialect == "voxml"
    v1 = read("<Response><Gather><Say>x</Say></Gather><Say>You said $GATHER</Say></Response>", DETECT)
    assert v1.dialect == "voxxml-v1" and "$GATHER" in v1.dialect_reason
    neither = read("<Response><Say>Hi</Say></Response>", DETECT)
    assert neither.dialect == "voxxml-v1" and "default" in neither.dialect_reason and neither.diagnostics == []
    both = read('<Response><Set output="a">1</Set><Unset output="a"/><Say>$GATHER</Say></Response>', DETECT)
    assert both.dialect == "voxml"
    (mixed,) = [d for d in both.diagnostics if d.code == "VX012"]
    assert "$GATHER is voxxml-v1" in mixed.message and "<Set> is voxml" in mixed.message and mixed.span.column == 54


def test_choice_order_option_configuration_suffix_detection(tmp_path: Path) -> None:
    settings = parse({"dialect": {"legacy/*.xml": "voxxml-v1", "*.xml": "voxml"}}, tmp_path / "voxxml.toml")
    assert settings.dialect_for(tmp_path / "legacy" / "a.xml") == "voxxml-v1"
    assert settings.dialect_for(tmp_path / "b.xml") == "voxml" and settings.dialect_for(tmp_path / "c.voxxml") is None
    assert reading(tmp_path / "b.xml", settings) is DIALECT
    assert reading(tmp_path / "b.xml", settings, "voxxml-v1").name == "voxxml-v1"
    assert reading(tmp_path / "b.xml") == DETECT and reading(tmp_path / "c.voxml") is DIALECT
    assert reading(tmp_path / "c.voxxml").name == "voxxml-v1"
    assert parse({"dialect": "voxml"}, tmp_path / "voxxml.toml").dialect_for(tmp_path / "c.voxxml") == "voxml"
    with pytest.raises(ConfigError, match="'plivo' is not valid.*twiml, voxml, voxxml-v1"):
        parse({"dialect": "plivo"}, tmp_path / "voxxml.toml")
    with pytest.raises(ConfigError, match="dialect name"):
        parse({"dialect": 3}, tmp_path / "voxxml.toml")


def test_cli_dialect_option_config_and_verbose(tmp_path: Path) -> None:
    doc = tmp_path / "menu.xml"
    doc.write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    detected = run("lint", "-v", "--isolated", str(doc))
    assert detected.exit_code == 0 and "as voxml (voxml: found <Answer> at line 5" in detected.stderr
    forced = run("lint", "--isolated", "--dialect", "voxxml-v1", "--format", "json", str(doc))
    assert forced.exit_code == 1 and "VX003" in forced.output
    (tmp_path / "voxxml.toml").write_text('dialect = "voxml"\n', encoding="utf-8")
    configured = run("lint", "-v", str(doc))
    assert configured.exit_code == 0 and "as voxml (dialect setting in" in configured.stderr
    assert run("format", "--check", "--dialect", "voxml", str(doc)).exit_code in (0, 1)
    bad = run("lint", "--dialect", "nope", str(doc))
    assert bad.exit_code == 2 and "voxml" in bad.stderr


def test_simulate_and_compile_take_the_option(tmp_path: Path) -> None:
    doc = tmp_path / "hello.xml"
    doc.write_text('<Response><Say voice="Polly.Joanna">Hello</Say><Hangup/></Response>', encoding="utf-8")
    simulated = run("simulate", "--dialect", "voxml", "--format", "json", str(doc))
    assert simulated.exit_code == 0, simulated.stderr
    assert json.loads(simulated.output)[0]["text"] == "Hello"
    v1 = run("simulate", "--dialect", "voxxml-v1", str(doc))
    assert v1.exit_code == 0 and "VX010" in v1.stderr  # v1 names Polly voices bare (a warning)
    compiled = run("compile", "--target", "enablex", "--dialect", "voxml", str(doc))
    assert "--dialect" not in compiled.stderr  # the option is accepted; what EnableX makes of VoXML is the compiler's


# ------------------------------------------------------------------ acceptance


def test_demo_style_document_lints_clean() -> None:
    for dialect in ("voxml", DETECT):
        result = read(DEMO.read_text(encoding="utf-8"), dialect)
        assert result.diagnostics == [], result.diagnostics


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared VoXML corpus (../shared/corpus/voxml) is not beside the checkout")
@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.xml")) if CORPUS.is_dir() else [])
def test_corpus_documents_lint_clean(name: str) -> None:
    """As `voxxml lint FILE` reads them: detected from the document (the n8n placeholder's bare
    'Joanna' is v1's spelling, so it reads as v1; the others have no construct of either)."""
    path = CORPUS / name
    settings = Resolver(isolated=True).for_path(path)
    result = pipeline.run(path.read_bytes(), str(path), settings, dialect=reading(path, settings))
    assert result.diagnostics == [], result.diagnostics
