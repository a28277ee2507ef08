"""The hub AST as VoxXML v1 reads it: defaults, explicit fields, templates, conditions, spans, and the builder API."""

from __future__ import annotations

import voxxml
from voxxml.ast import Dial, Gather, Hangup, If, In, Number, Play, Response, Say, Var, VarRef
from voxxml.dialects.voxxml_v1.values import Template

DOC = """<Response>
  <Say voice='Matthew' loop="2">You entered $GATHER, thanks</Say>
  <Gather numDigits='4' input='dtmf speech'>
    <Play>https://example.com/a.mp3</Play>
  </Gather>
  <If variable='$GATHER' test='EQUAL' value='1|english'><Hangup/></If>
</Response>
"""


def document() -> Response:
    result = voxxml.parse(DOC)
    assert [d.code for d in result.diagnostics] == ["VX104"]  # the first Say reads $GATHER before the Gather
    assert result.document is not None
    return result.document


def test_typed_fields_with_defaults_applied() -> None:
    say, gather, branch = document().verbs
    assert isinstance(say, Say) and say.loop == 2 and say.voice == "Matthew" and say.language is None
    assert say.repeat_delay == 0 and say.separate_numbers is False
    assert isinstance(gather, Gather)
    assert gather.num_digits == 4 and gather.input == ("dtmf", "speech") and gather.timeout == 30
    assert gather.finish_on_key == "#" and gather.status_callback is None
    assert isinstance(branch, If) and branch.condition == In(Var("GATHER"), ("1", "english"))
    assert branch.condition.operand.at == (0, 7)  # the characters of the variable attribute's value
    assert branch.body == [Hangup()]


def test_explicit_records_what_was_written() -> None:
    say, gather, _ = document().verbs
    assert say.explicit == {"voice", "loop"}
    assert gather.explicit == {"num_digits", "input"}  # hub fields, not attribute names
    assert gather.prompts[0].explicit == frozenset()


def test_say_text_is_split_into_literals_and_variables() -> None:
    say = document().verbs[0]
    assert say.text.segments == ("You entered ", VarRef("GATHER", 12, 7), ", thanks")
    assert say.text.variables == (VarRef("GATHER", 12, 7),)
    assert Template("$5 off").segments == ("$5 off",)
    assert Template("$FOO and $GATHER").segments == ("$FOO and ", VarRef("GATHER", 9, 7))  # $FOO: literal (VX011)


def test_spans_of_elements_attributes_and_text() -> None:
    say, gather, branch = document().verbs
    assert say.span[:4] == (2, 3, 2, 66)  # line, column, end line, end column
    assert say.name_span[:4] == (2, 4, 2, 7)
    assert say.attribute_span("voice")[:4] == (2, 15, 2, 22)
    assert say.attribute_span("loop")[:4] == (2, 30, 2, 31)
    assert say.content_span[:4] == (2, 33, 2, 60)
    assert gather.span[:4] == (3, 3, 5, 12)
    assert gather.prompts[0].content_span[:4] == (4, 11, 4, 36)
    assert branch.body[0].span[:4] == (6, 57, 6, 66)


def test_columns_count_characters_not_bytes() -> None:
    result = voxxml.parse("<Response><Say>Grüße, café</Say><Pause length='0'/></Response>")
    (diagnostic,) = result.diagnostics
    assert diagnostic.span[:4] == (1, 48, 1, 49)
    assert (diagnostic.start, diagnostic.end) == (47, 48)  # offsets count characters too


def test_builder_marks_non_default_values_explicit_and_writes_xml() -> None:
    built = Response(
        [
            Say("Welcome", voice="Amy", language="en-GB"),
            Gather([Say("Press 1")], num_digits=2, loop=1),
            Dial([Number("15556667777")], caller_id="15550001111"),
            Hangup(),
        ]
    )
    assert built.verbs[0].explicit == {"voice", "language"}
    assert built.verbs[1].explicit == {"num_digits"}
    assert built.to_xml() == (
        "<Response>\n"
        '  <Say voice="Amy" language="en-GB">Welcome</Say>\n'
        '  <Gather numDigits="2">\n'
        "    <Say>Press 1</Say>\n"
        "  </Gather>\n"
        '  <Dial callerId="15550001111">\n'
        "    <Number>15556667777</Number>\n"
        "  </Dial>\n"
        "  <Hangup/>\n"
        "</Response>\n"
    )


def test_explicit_default_is_kept_on_write() -> None:
    node = Say("Hi", loop=1, explicit=frozenset({"loop"}))
    assert 'loop="1"' in node.to_xml()
    assert voxxml.parse(Response([node]).to_xml()).document == Response([node])


def test_equality_ignores_positions() -> None:
    parsed = voxxml.parse("<Response>\n\n   <Play>https://example.com/x.wav</Play></Response>").document
    assert parsed == Response([Play("https://example.com/x.wav")])


def test_text_is_escaped_on_write() -> None:
    node = Response([Say("Tom & Jerry <3")])
    assert voxxml.parse(node.to_xml()).document == node


def test_walk_visits_in_document_order() -> None:
    tags = [type(n).__name__ for n in document().walk()]
    assert tags == ["Response", "Say", "Gather", "Play", "If", "Hangup"]
