"""Value diagnostics: what they say, where they point, and the fixes they offer (issue 9)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import voxxml
from voxxml.core.diagnostics import Diagnostic
from voxxml.core.fixes import apply
from voxxml.dialects.voxxml_v1.grammar import grammar

from support import examples


def found(text: str, code: str) -> list[Diagnostic]:
    return [d for d in voxxml.parse(text).diagnostics if d.code == code]


def pointed(text: str, diagnostic: Diagnostic) -> str:
    """The source text a single-line span covers."""
    span = diagnostic.span
    assert span.line == span.end_line
    line = text.split("\n")[span.line - 1]
    return line[span.column - 1 : span.end_column - 1]


def fixed(text: str, diagnostic: Diagnostic) -> str:
    assert diagnostic.fix is not None, diagnostic
    return apply(text, [diagnostic.fix])[0]


# ------------------------------------------------------------ VX011 variables

@pytest.mark.parametrize(
    "written, safe",
    [("${GATHER}", True), ("$gather", True), ("$Gather", True), ("${gather}", True), ("$GATHERED", False)],
)
def test_near_misses_of_gather_get_vx011_and_a_fix(written: str, safe: bool) -> None:
    text = f"<Response><Gather><Say>Enter it.</Say></Gather><Say>You entered {written} today</Say></Response>"
    (diagnostic,) = found(text, "VX011")
    assert f"'{written}'" in diagnostic.message and "$GATHER" in diagnostic.message
    assert pointed(text, diagnostic) == written
    assert diagnostic.fix is not None and diagnostic.fix.safe is safe
    result = fixed(text, diagnostic)
    assert "You entered $GATHER today" in result
    assert not found(result, "VX011")


def test_a_variable_near_no_variable_gets_no_fix() -> None:
    (diagnostic,) = found("<Response><Say>Your PIN is $PIN</Say></Response>", "VX011")
    assert diagnostic.fix is None


def test_dollar_text_that_is_not_a_variable_stays_quiet() -> None:
    assert not found("<Response><Say>It costs $5, ${ or $ {GATHER}</Say></Response>", "VX011")


def test_variable_spans_are_exact_after_references_and_line_breaks() -> None:
    text = "<Response><Gather><Say>x</Say></Gather><Say>\r\n  Tom &amp; Jerry &#233;\r\n  said $gather</Say></Response>"
    (diagnostic,) = found(text, "VX011")
    assert (diagnostic.span.line, diagnostic.span.column, diagnostic.span.end_column) == (3, 8, 15)
    assert "said $GATHER</Say>" in fixed(text, diagnostic)


def test_a_variable_written_with_a_reference_is_fixed_whole() -> None:
    text = "<Response><Gather><Say>x</Say></Gather><Say>You said $gath&#101;r.</Say></Response>"
    (diagnostic,) = found(text, "VX011")
    assert pointed(text, diagnostic) == "$gath&#101;r"
    assert "You said $GATHER." in fixed(text, diagnostic)


def test_variables_after_markup_point_at_the_whole_text() -> None:
    text = "<Response><Gather><Say>x</Say></Gather><Say>Hi <!-- c --> $gather</Say></Response>"
    (diagnostic,) = found(text, "VX011")
    assert pointed(text, diagnostic) == "Hi <!-- c --> $gather"
    assert diagnostic.fix is None  # offsets past the comment are not mapped


@examples(100)
@given(
    parts=st.lists(
        st.sampled_from(["$gather", "${GATHER}", "$GATHER", " ", "a", "&amp;", "\n", "$5", "&#36;", "é"]),
        max_size=12,
    )
)
def test_every_variable_span_covers_the_variable(parts: list[str]) -> None:
    """Wherever a misspelt variable sits, its span is exactly it and the safe fix yields $GATHER."""
    text = "<Response><Gather><Say>x</Say></Gather><Say>" + " ".join(parts) + "</Say></Response>"
    for diagnostic in found(text, "VX011"):
        if diagnostic.span.line == diagnostic.span.end_line:
            assert pointed(text, diagnostic) in ("$gather", "${GATHER}")
        result = fixed(text, diagnostic)
        assert len(found(result, "VX011")) == len(found(text, "VX011")) - 1


# ------------------------------------------------------------ enum case

@pytest.mark.parametrize(
    "body, attribute, written, canonical",
    [
        ("<Redirect method='get'>https://e.com/x.xml</Redirect>", "method", "get", "GET"),
        ("<Conference muted='False'>room1</Conference>", "muted", "False", "false"),
        ("<Conference beep='onenter'>room1</Conference>", "beep", "onenter", "onEnter"),
        ("<Gather input='DTMF'><Say>x</Say></Gather>", "input", "DTMF", "dtmf"),
        ("<Gather input='dtmf SPEECH'><Say>x</Say></Gather>", "input", "SPEECH", "speech"),
        ("<Gather language='en-us' input='speech'><Say>x</Say></Gather>", "language", "en-us", "en-US"),
        ("<If variable='$gather' test='equal' value='1'/>", "test", "equal", "EQUAL"),
    ],
)
def test_wrong_case_values_get_a_safe_fix(body: str, attribute: str, written: str, canonical: str) -> None:
    text = f"<Response>{body}</Response>"
    (diagnostic,) = [d for d in found(text, "VX007") if f"{attribute}=" in d.message]
    assert pointed(text, diagnostic) == written
    assert diagnostic.fix is not None and diagnostic.fix.safe
    assert "case-sensitive" in diagnostic.message and f"'{canonical}'" in (diagnostic.help or "")
    assert f"{attribute}='" in fixed(text, diagnostic)
    assert not [d for d in found(fixed(text, diagnostic), "VX007") if f"{attribute}=" in d.message]


@pytest.mark.parametrize(
    "body, canonical",
    [
        ("<Gather language='en_US' input='speech'><Say>x</Say></Gather>", "en-US"),
        ("<If variable='$GATHER' test='EQUALS' value='1'/>", "EQUAL"),
        ("<Gather input='speach'><Say>x</Say></Gather>", "speech"),
    ],
)
def test_spelling_neighbours_get_an_unsafe_fix(body: str, canonical: str) -> None:
    text = f"<Response>{body}</Response>"
    (diagnostic,) = found(text, "VX007")
    assert diagnostic.fix is not None and not diagnostic.fix.safe
    assert f"'{canonical}'" in fixed(text, diagnostic)


def test_unrelated_values_get_no_fix() -> None:
    (diagnostic,) = found("<Response><SetMute muted='1'/></Response>", "VX007")
    assert diagnostic.fix is None


@pytest.mark.parametrize("written, canonical, safe", [("en-us", "en-US", True), ("EN-US", "en-US", True), ("en_US", "en-US", False)])
def test_say_languages_get_did_you_mean_and_a_fix(written: str, canonical: str, safe: bool) -> None:
    text = f"<Response><Say voice='Joanna' language='{written}'>Hello</Say></Response>"
    (diagnostic,) = found(text, "VX010")
    assert pointed(text, diagnostic) == written
    assert f"'{canonical}'" in (diagnostic.help or "")
    assert diagnostic.fix is not None and diagnostic.fix.safe is safe
    assert not found(fixed(text, diagnostic), "VX010")


# ------------------------------------------------------------ URLs

@pytest.mark.parametrize(
    "body",
    [
        "<Redirect>main</Redirect>",
        "<Redirect method='GET'>../menus/main.xml?lang=en</Redirect>",
        "<Play>/audio/hello.mp3</Play>",
        "<Play>?clip=2</Play>",
        "<Gather statusCallback='/callbacks/gather' statusCallbackEvent='fullResult'><Say>x</Say></Gather>",
        "<Play>https://example.com/a.mp3</Play>",
    ],
)
def test_relative_urls_are_accepted(body: str) -> None:
    codes = {d.code for d in voxxml.parse(f"<Response>{body}</Response>").diagnostics}
    assert not codes & {"VX007", "VX009"}


@pytest.mark.parametrize(
    "body, bad",
    [
        ("<Play>javascript:alert(1)</Play>", "scheme 'javascript'"),
        ("<Play>ftp://example.com/a.mp3</Play>", "scheme 'ftp'"),
        ("<Play>file:///etc/passwd</Play>", "scheme 'file'"),
        ("<Redirect>main menu.xml</Redirect>", "white space"),
        ("<Redirect>//example.com/next.xml</Redirect>", "'//'"),
        ("<Redirect>https:///next.xml</Redirect>", "no host"),
        ("<Dial statusCallback='mailto:ops@example.com'><Number>15556667777</Number></Dial>", "scheme 'mailto'"),
    ],
)
def test_garbage_urls_are_still_refused(body: str, bad: str) -> None:
    problems = found(f"<Response>{body}</Response>", "VX009") + found(f"<Response>{body}</Response>", "VX007")
    assert len(problems) == 1 and bad in problems[0].message


@pytest.mark.parametrize(
    "body, example",
    [
        ("<Redirect>ftp://x/y</Redirect>", "https://example.com/myscript.xml"),
        ("<Play>ftp://x/y</Play>", "https://example.com/myfile.mp3"),
        ("<Dial statusCallback='ftp://x/y'><Number>15556667777</Number></Dial>", "https://example.com/callback"),
    ],
)
def test_url_examples_fit_the_element(body: str, example: str) -> None:
    (problem,) = found(f"<Response>{body}</Response>", "VX009") + found(f"<Response>{body}</Response>", "VX007")
    assert f"e.g. {example}" in problem.message


# ------------------------------------------------------------ voices

@pytest.mark.parametrize(
    "voice, bare, safe",
    [
        ("Polly.Joanna", "Joanna", True),
        ("polly.joanna", "Joanna", True),
        ("Polly.Mathieu", "Mathieu", True),
        ("Polly.Céline", "Celine", True),
        ("Polly.Joanna-Standard", "Joanna", True),
        ("Polly.Joanna-Neural", "Joanna", False),
        ("Polly.Matthew-Generative", "Matthew", False),
        ("joanna", "Joanna", True),
        ("Jonna", "Joanna", False),
    ],
)
def test_qualified_and_miscased_voices_get_a_fix_to_the_voice_id(voice: str, bare: str, safe: bool) -> None:
    text = f"<Response><Say voice='{voice}'>Hello</Say></Response>"
    (diagnostic,) = found(text, "VX010")
    assert pointed(text, diagnostic) == voice
    assert diagnostic.fix is not None and diagnostic.fix.safe is safe
    assert f"'{bare}'" in (diagnostic.help or "") + diagnostic.message
    assert not found(fixed(text, diagnostic), "VX010")


def test_a_qualified_voice_message_says_what_is_wrong() -> None:
    (prefixed,) = found("<Response><Say voice='Polly.Joanna'>Hello</Say></Response>", "VX010")
    assert "'Polly.'" in prefixed.message
    (neural,) = found("<Response><Say voice='Polly.Joanna-Neural'>Hello</Say></Response>", "VX010")
    assert "Neural" in neural.message and "Standard voices only" in neural.message


@pytest.mark.parametrize("voice", ["Polly.Kevin", "Polly.Kevin-Neural", "Kevin"])
def test_neural_only_voices_get_the_standard_ones_and_no_fix(voice: str) -> None:
    (diagnostic,) = found(f"<Response><Say voice='{voice}'>Hello</Say></Response>", "VX010")
    assert "Neural only" in diagnostic.message and "Joanna" in diagnostic.message
    assert diagnostic.fix is None


def test_an_unknown_qualified_voice_gets_no_fix() -> None:
    (diagnostic,) = found("<Response><Say voice='Polly.Xyzzy'>Hello</Say></Response>", "VX010")
    assert "not a Polly voice" in diagnostic.message and diagnostic.fix is None


# ------------------------------------------------------------ messages

@pytest.mark.parametrize("inner", ["<b>bold</b>", "<Play>https://e.com/a.mp3</Play>"])
def test_an_element_inside_say_says_say_takes_no_elements(inner: str) -> None:
    (diagnostic,) = [d for d in voxxml.parse(f"<Response><Say>Hi {inner}</Say></Response>").diagnostics if d.code in ("VX003", "VX004")]
    assert "<Say> takes no elements" in diagnostic.message
    assert "Gather" not in diagnostic.message  # not Response's list of verbs


def test_an_unknown_element_in_a_container_lists_what_it_takes() -> None:
    (diagnostic,) = found("<Response><Gather><Bold/><Say>x</Say></Gather></Response>", "VX003")
    assert diagnostic.message.endswith("valid elements here: Say, Play")


@pytest.mark.parametrize("root", ["Foo", "Say", "response"])
def test_an_unknown_root_is_named_as_the_root(root: str) -> None:
    (diagnostic,) = found(f"<{root}><Hangup/></{root}>", "VX002")
    assert diagnostic.message == f"the root element must be <Response>, found <{root}>"
    assert diagnostic.help


@pytest.mark.parametrize(
    "body, accepted",
    [
        ("<Dial callerId='+15550001000'><Number>15556667777</Number></Dial>", "(A-Z, a-z, 0-9)"),
        ("<Conference participantLabel='bob-1'>room1</Conference>", "(A-Z, a-z, 0-9)"),
        ("<Conference>room-1</Conference>", "(A-Z, a-z, 0-9)"),
        ("<Gather finishOnKey='#A'><Say>x</Say></Gather>", "0-9, '#' and '*'"),
        ("<Gather numDigits='0'><Say>x</Say></Gather>", "at least 1"),
    ],
)
def test_label_messages_state_what_is_accepted(body: str, accepted: str) -> None:
    (problem,) = found(f"<Response>{body}</Response>", "VX007") + found(f"<Response>{body}</Response>", "VX009")
    assert accepted in problem.message


def test_label_descriptions_match_their_patterns() -> None:
    """What a label message promises is exactly what the pattern accepts: upper case too, and nothing else."""
    label = grammar().elements["Dial"].attributes["callerId"]
    assert label.parse("Acme2")[0] == "Acme2" and label.parse("")[0] == ""
    assert label.parse("é")[0] is None and "ASCII" in label.type.describe()


@pytest.mark.parametrize("value, where", [("1||2", "at the '|' at position 3"), ("1|", "at the end"), ("|1", "at the '|' at position 1")])
def test_if_value_with_an_empty_alternative_says_so(value: str, where: str) -> None:
    (problem,) = found(f"<Response><If variable='$GATHER' test='EQUAL' value='{value}'><Hangup/></If></Response>", "VX007")
    assert f"has an empty alternative {where}" in problem.message and "none empty" in problem.message


def test_a_long_value_is_not_copied_into_every_message() -> None:
    """A value with thousands of problems gets thousands of messages of bounded length."""
    text = "<Response><Gather statusCallbackEvent='" + "fullresult " * 500 + "'><Say>x</Say></Gather></Response>"
    problems = found(text, "VX007")
    assert len(problems) == 500
    assert max(len(p.message) for p in problems) < 300
    assert all(pointed(text, p) == "fullresult" for p in problems)
    assert all(p.fix is not None and p.fix.safe and len(p.fix.title) < 100 for p in problems)


ENUMS = [
    (spec.name, attribute)
    for spec in grammar().elements.values()
    for attribute in spec.attributes.values()
    if attribute.type.choices() and attribute.type_name not in ("voice", "say_language")
]


@examples(200)
@given(data=st.data())
def test_any_choice_in_another_case_gets_a_safe_fix_to_that_choice(data: st.DataObject) -> None:
    """For every enumerated attribute: a choice written in another case is fixed, safely, to exactly it."""
    _, attribute = data.draw(st.sampled_from(ENUMS), label="attribute")
    choice = data.draw(st.sampled_from(attribute.type.choices()), label="choice")
    flips = data.draw(st.lists(st.booleans(), min_size=len(choice), max_size=len(choice)), label="flips")
    written = "".join(c.swapcase() if flip else c for c, flip in zip(choice, flips))
    if written in attribute.type.choices():
        return
    value, problems = attribute.parse(written)
    fixes = [p for p in problems if p.replacement is not None]
    assert len(problems) == 1 and fixes and fixes[0].safe
    sub = fixes[0].sub or (0, len(written))
    assert written[: sub[0]] + fixes[0].replacement + written[sub[1] :] == choice
