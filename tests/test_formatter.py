"""The formatter (voxxml/dialects/voxxml_v1/formatter.py): golden outputs, the examples, and properties.

The properties: formatting is idempotent, keeps the AST and the diagnostics' codes,
keeps every comment (same texts, same order), and refuses (FormatError) exactly the
documents the linter reports as not well-formed (VX001).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import voxxml
from voxxml.ast import Response
from voxxml.dialects.voxxml_v1.formatter import FormatError, FormatResult, format_bytes, format_source, format_text
from voxxml.dialects.voxxml_v1.grammar import grammar

import strategies as vs
import support
from support import BROKEN, EXAMPLES, ROOT



def examples(n: int) -> settings:
    """The file runs in a few seconds; VOXXML_HYPOTHESIS_PROFILE=long runs 20 times the examples."""
    return support.examples(n, suppress=[HealthCheck.too_slow])


def codes(result: voxxml.Result) -> Counter[str]:
    return Counter(d.code for d in result.diagnostics)


def lint(data: str | bytes) -> voxxml.Result:
    return voxxml.parse(data)


def test_empty_say_diagnostic_does_not_depend_on_earlier_documents() -> None:
    """Regression: the reader's content cache once skipped the empty-content check (VX009)."""
    document = "<Response><Say><![CDATA[]]></Say></Response>"
    assert [d.code for d in lint(document).diagnostics] == ["VX009"]
    voxxml.parse("<Response><Say><![CDATA[]]></Say><Say>x</Response>")  # not well-formed: a recovered tree
    assert [d.code for d in voxxml.parse(document).diagnostics] == ["VX009"]


_COMMENTS = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def comments(data: bytes) -> list[str]:
    """Every comment's text, in document order (before, inside and after the root)."""
    root = etree.fromstring(data, _COMMENTS)
    return [c.text for c in root.getroottree().xpath("//comment()")]


def check_formatting(source: str | bytes, quote_style: str = "double") -> str:
    """Format ``source`` and check every property of the result; return the formatted text."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    out = format_bytes(data, quote_style)
    assert out.endswith("\n") and not out.endswith("\n\n"), out
    assert "\r" not in out
    assert format_text(out, quote_style) == out, "not idempotent"
    before, after = lint(data), lint(out)
    assert after.document == before.document, out
    assert codes(after) == codes(before), (out, before.diagnostics, after.diagnostics)
    assert comments(out.encode("utf-8")) == comments(data)
    return out


# Regression: suppression comments were once found inside CDATA sections (text, not comments).
def test_cdata_text_is_not_a_suppression() -> None:
    document = "<Response><Hangup/><Say><![CDATA[<!-- voxxml: ignore VX102 -->]]></Say><Say>x</Say></Response>"
    assert [d.code for d in lint(document).diagnostics] == ["VX102"]


# --------------------------------------------------------------------------- golden

GOLDEN_INPUT = """\
<?xml version='1.0' encoding='utf-8'?>
<!-- An unformatted menu. -->
<Response>
<Say language='en-US' loop = "2"   voice='Joanna'>Welcome to Acme &amp; Sons, caf&#233; "open" until 5 &lt; 6.</Say>
        <!--   before the menu   -->
      <Gather numDigits='1'
              input='dtmf speech'
              timeout='10' loop='3'><Say voice='Joanna'><![CDATA[Press 1 for <sales> & more.]]></Say><Say>  spaced   text  </Say>
   </Gather>
  <If value='1' variable='$GATHER' test='EQUAL'>
  <Number callerId='15550001000'>15550002000</Number><Pause length='2'></Pause>
  <Hangup></Hangup></If>
  <Widget mode='x' b="it's"><Part/>  <!-- inside an unknown element --> </Widget>
  <Say voice='Joanna'>A long announcement that goes on and on, well past any sensible line length, and which the formatter never wraps because Say text is spoken exactly as written.</Say>
  <Say></Say>
  <Say>Hello <!-- mid-sentence -->there</Say>
</Response>
<!-- after the root -->
"""

GOLDEN_OUTPUT = """\
<?xml version="1.0" encoding="UTF-8"?>
<!-- An unformatted menu. -->
<Response>
  <Say loop="2" voice="Joanna" language="en-US">Welcome to Acme &amp; Sons, café "open" until 5 &lt; 6.</Say>
  <!--   before the menu   -->
  <Gather timeout="10" loop="3" numDigits="1" input="dtmf speech">
    <Say voice="Joanna">Press 1 for &lt;sales&gt; &amp; more.</Say>
    <Say>  spaced   text  </Say>
  </Gather>
  <If variable="$GATHER" test="EQUAL" value="1">
    <Number callerId="15550001000">15550002000</Number>
    <Pause length="2"/>
    <Hangup/>
  </If>
  <Widget mode="x" b="it's">
    <Part/>
    <!-- inside an unknown element -->
  </Widget>
  <Say voice="Joanna">A long announcement that goes on and on, well past any sensible line length, and which the formatter never wraps because Say text is spoken exactly as written.</Say>
  <Say/>
  <Say>Hello <!-- mid-sentence -->there</Say>
</Response>
<!-- after the root -->
"""


def test_golden() -> None:
    assert format_text(GOLDEN_INPUT) == GOLDEN_OUTPUT
    assert check_formatting(GOLDEN_INPUT) == GOLDEN_OUTPUT
    assert format_text(GOLDEN_OUTPUT) == GOLDEN_OUTPUT


SMALL = {
    # empty elements are self-closed; white space between elements goes
    "self-closing": ("<Response>\n\n\n<Hangup>  </Hangup><Gather>\n</Gather></Response>", "<Response>\n  <Hangup/>\n  <Gather/>\n</Response>\n"),
    "empty root": ("<Response></Response>", "<Response/>\n"),
    "empty CDATA": ("<Response><Say><![CDATA[]]></Say><Foo><![CDATA[]]></Foo></Response>", "<Response>\n  <Say/>\n  <Foo/>\n</Response>\n"),
    # no declaration stays without one; a declaration gets UTF-8 and keeps its version
    "declaration version kept": ("<?xml version='1.1' standalone='yes'?><Response/>", '<?xml version="1.1" encoding="UTF-8"?>\n<Response/>\n'),
    "BOM and CRLF": ("\ufeff<Response>\r\n  <Say>a\r\nb</Say>\r\n</Response>\r\n", "<Response>\n  <Say>a\nb</Say>\n</Response>\n"),
    # references: characters written as themselves, except & < > and CR
    "references in text": ("<Response><Say>&#13;&#10;&#9;&apos;&quot;&gt;&#x1F600;</Say></Response>", "<Response>\n  <Say>&#13;\n\t'\"&gt;\U0001F600</Say>\n</Response>\n"),
    "references in attributes": ("<Response><Say voice='J&amp;&quot;&apos;&#9;&#10;&#13;\n\t&lt;&gt;'>x</Say></Response>", "<Response>\n  <Say voice=\"J&amp;&quot;'&#9;&#10;&#13;  &lt;&gt;\">x</Say>\n</Response>\n"),
    # text in content elements is kept exactly, white space and all
    "content kept": ("<Response><Number>\n   15550001000\n</Number><Say> </Say></Response>", "<Response>\n  <Number>\n   15550001000\n</Number>\n  <Say> </Say>\n</Response>\n"),
    # stray text in a container is kept (stripped) on a line of its own
    "stray text": ("<Response>  oops <Hangup/> more\n text <Hangup>x</Hangup></Response>", "<Response>\n  oops\n  <Hangup/>\n  more\n text\n  <Hangup>\n    x\n  </Hangup>\n</Response>\n"),
    # mixed content inside a content element or an unknown element is written as parsed
    "mixed content": ("<Response><Say>a <Foo  x='1'>b</Foo> <?pi  z?>c</Say><Foo>t <Bar></Bar>\n</Foo></Response>", "<Response>\n  <Say>a <Foo x=\"1\">b</Foo> <?pi z?>c</Say>\n  <Foo>t <Bar/>\n</Foo>\n</Response>\n"),
    # unknown attributes follow the known ones, in their original order
    "unknown attributes": ("<Response><Pause z='1' length='2' a='3'/></Response>", '<Response>\n  <Pause length="2" z="1" a="3"/>\n</Response>\n'),
    "processing instructions": ("<?pi a?><Response><?x  y ?></Response><?z?>", "<?pi a?>\n<Response>\n  <?x y ?>\n</Response>\n<?z?>\n"),
    "namespaces": (
        "<Response xmlns:v='urn:v'><v:Say xml:lang='en' v:voice='J' xmlns:w='urn:w'>hi</v:Say><Say xmlns='urn:d'><Play xmlns=''/></Say></Response>",
        '<Response xmlns:v="urn:v">\n  <v:Say xmlns:w="urn:w" xml:lang="en" v:voice="J">hi</v:Say>\n'
        '  <Say xmlns="urn:d">\n    <Play xmlns=""/>\n  </Say>\n</Response>\n',
    ),
    "comment keeps its lines": ("<Response><!-- one\n      two --></Response>", "<Response>\n  <!-- one\n      two -->\n</Response>\n"),
    "suppression stays before its element": (
        "<Response><Hangup/><Say>x</Say> <!-- voxxml: ignore VX101 --> <Say>y</Say></Response>",
        "<Response>\n  <Hangup/>\n  <Say>x</Say>\n  <!-- voxxml: ignore VX101 -->\n  <Say>y</Say>\n</Response>\n",
    ),
}


@pytest.mark.parametrize("name", list(SMALL))
def test_small_cases(name: str) -> None:
    source, expected = SMALL[name]
    assert format_text(source) == expected
    check_formatting(source)


def test_attribute_order_follows_the_grammar() -> None:
    """Every known element's attributes, written reversed, come out in the grammar's order."""
    for name, spec in grammar().elements.items():
        attributes = list(spec.attributes)
        if not attributes:
            continue
        source = f"<{name} " + " ".join(f"{a}='1'" for a in reversed(attributes)) + "/>"
        assert format_text(source) == f"<{name} " + " ".join(f'{a}="1"' for a in attributes) + "/>\n"


def test_declared_encoding_is_decoded_and_rewritten_as_utf8() -> None:
    data = "<?xml version='1.0' encoding='ISO-8859-1'?><Response><Say>café</Say></Response>".encode("latin-1")
    out = format_bytes(data)
    assert out == '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <Say>café</Say>\n</Response>\n'
    assert voxxml.parse(out).document == voxxml.parse(data).document
    utf16 = "<?xml version='1.0' encoding='UTF-16'?><Response><Say>é</Say></Response>".encode("utf-16")
    assert format_bytes(utf16) == '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <Say>é</Say>\n</Response>\n'


def test_format_source_result() -> None:
    canonical = "<Response>\n  <Hangup/>\n</Response>\n"
    result = format_source(canonical, "a.voxxml")
    assert isinstance(result, FormatResult)
    assert not result.changed and result.diff() == ""
    result = format_source(b"<Response><Hangup/></Response>", "a.voxxml")
    assert result.changed and result.formatted == canonical
    assert result.diff() == (
        "--- a.voxxml (original)\n+++ a.voxxml (formatted)\n@@ -1 +1,3 @@\n"
        "-<Response><Hangup/></Response>\n\\ No newline at end of file\n+<Response>\n+  <Hangup/>\n+</Response>\n"
    )
    # the same text in another encoding or with a BOM must be rewritten too
    assert format_source("\ufeff" + canonical).changed
    # lines are split at LF only: U+2028 in a Say is no line end
    result = format_source("<Response><Say>a\u2028b</Say></Response>\r\n")
    assert result.diff("s") == (
        "--- s (original)\n+++ s (formatted)\n@@ -1 +1,3 @@\n"
        "-<Response><Say>a\u2028b</Say></Response>\r\n+<Response>\n+  <Say>a\u2028b</Say>\n+</Response>\n"
    )


# --------------------------------------------------------------------------- broken documents

BROKEN_TEXTS = {
    "unclosed": "<Response><Say>Hi</Response>",
    "bare ampersand": "<Response><Say>A & B</Say></Response>",
    "undefined entity": "<Response><Say>&nbsp;</Say></Response>",
    "doctype": "<!DOCTYPE Response><Response/>",
    "entity declaration": "<!DOCTYPE r [<!ENTITY e 'x'>]><Response>&e;</Response>",
    "two roots": "<Response/><Response/>",
    "empty": "",
    "white space only": "  \n",
    "text only": "hello",
    "duplicate attribute": "<Response><Pause length='1' length='2'/></Response>",
    "unquoted attribute": "<Response><Pause length=1/></Response>",
    "surrogate reference": "<Response><Say>&#xD800;</Say></Response>",
}


@pytest.mark.parametrize("name", list(BROKEN_TEXTS))
def test_broken_documents_raise(name: str) -> None:
    text = BROKEN_TEXTS[name]
    with pytest.raises(FormatError) as caught:
        format_text(text)
    expected = [d for d in voxxml.parse(text).diagnostics if d.code == "VX001"]
    error = caught.value
    assert [d.message for d in error.diagnostics] == [d.message for d in expected]
    assert str(error) == f"{error.line}:{error.column}: VX001 {error.message}"


def test_undecodable_bytes_raise() -> None:
    with pytest.raises(FormatError, match="not valid UTF-8"):
        format_bytes("<Response><Say>café</Say></Response>".encode("latin-1"))
    with pytest.raises(FormatError, match="binary data"):
        format_bytes(b"<Response>\x00</Response>")
    with pytest.raises(FormatError) as caught:
        format_source(b"<Response>", "x.voxxml")
    assert caught.value.diagnostics[0].path == "x.voxxml"


# --------------------------------------------------------------------------- the examples


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_format_to_a_fixed_point(path: Path) -> None:
    out = check_formatting(path.read_bytes())
    assert "='" not in out  # the examples quote with ' throughout


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: str(p.relative_to(ROOT / "examples" / "broken")))
def test_broken_examples_format_or_refuse(path: Path) -> None:
    """The deliberately broken examples keep their diagnostics, or are refused when not well-formed."""
    data = path.read_bytes()
    well_formed = "VX001" not in codes(voxxml.parse_bytes(data))
    if well_formed:
        check_formatting(data)
    else:
        with pytest.raises(FormatError):
            format_bytes(data)


# --------------------------------------------------------------------------- properties

_COMMENT_TEXT = vs.xml_text(max_size=12).map(lambda s: s.replace("-", "").replace("\r", ""))
_SPACE = st.sampled_from(["", "", " ", "\n", "\n    ", "\t", "\r\n  ", "\n\n"])


def _comment(draw) -> str:
    return f"<!--{draw(_COMMENT_TEXT)}-->"


def _attribute(draw, name: str, value: str) -> str:
    quote = draw(st.sampled_from(["'", '"']))
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")
    value = value.replace(quote, "&apos;" if quote == "'" else "&quot;")
    return f"{draw(st.sampled_from([' ', '  ', chr(10) + '    ', chr(9)]))}{name}{draw(st.sampled_from(['=', ' = ']))}{quote}{value}{quote}"


def _perturb(draw, el: etree._Element) -> str:
    """``el`` written back with random layout: shuffled attributes, either quote, odd white
    space and comments between elements and inside text, CDATA or references for text."""
    spec = grammar().elements[el.tag]
    attributes = draw(st.permutations(el.items()))
    head = f"<{el.tag}" + "".join(_attribute(draw, n, v) for n, v in attributes) + draw(st.sampled_from(["", " ", "\n"]))
    if spec.children_field is not None:
        inner = "".join(draw(_SPACE) + (_comment(draw) if draw(st.integers(0, 3)) == 0 else "") + draw(_SPACE) + _perturb(draw, child) for child in el)
        inner += draw(_SPACE) + (_comment(draw) if draw(st.integers(0, 4)) == 0 else "")
        if not len(el) and draw(st.booleans()):
            inner = ""
    elif el.text:
        text = el.text
        cut = draw(st.integers(0, len(text)))
        pieces = [text[:cut], text[cut:]]
        # a comment in the middle of the text is no part of it
        joiner = _comment(draw) if draw(st.integers(0, 4)) == 0 else ""
        spelt = []
        for piece in pieces:
            if piece and "]]>" not in piece and "\r" not in piece and draw(st.integers(0, 4)) == 0:
                spelt.append(f"<![CDATA[{piece}]]>")
            else:
                spelt.append(piece.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;"))
        inner = spelt[0] + joiner + spelt[1]
    else:
        inner = ""
    if not inner and draw(st.booleans()):
        return head + "/>"
    return f"{head}>{inner}</{el.tag}>"


@st.composite
def perturbed_documents(draw) -> tuple[Response, str]:
    """A valid AST and its to_xml() text rewritten with random layout and comments."""
    document = draw(vs.responses(max_depth=3, max_children=3))
    root = etree.fromstring(document.to_xml().encode("utf-8"))
    prolog = draw(st.sampled_from(["", "<?xml version='1.0'?>", '<?xml version="1.0" encoding="utf-8"?>\n']))
    before = "".join(draw(_SPACE) + _comment(draw) for _ in range(draw(st.integers(0, 2))))
    after = "".join(draw(_SPACE) + _comment(draw) for _ in range(draw(st.integers(0, 2))))
    return document, prolog + before + draw(_SPACE) + _perturb(draw, root) + after + draw(_SPACE)


@examples(60)
@given(perturbed_documents())
def test_perturbed_documents(case: tuple[Response, str]) -> None:
    document, text = case
    out = check_formatting(text)
    assert voxxml.parse(out).document == document
    # one layout for one AST, however it was written
    assert format_text(document.to_xml(indent=None)) == format_text(document.to_xml())


@examples(60)
@given(vs.written_documents(max_depth=3))
def test_written_documents(text: str) -> None:
    check_formatting(text)


@examples(60)
@given(vs.vocabulary_documents(max_depth=3))
def test_vocabulary_documents(case: tuple[str, str]) -> None:
    """Well-formed documents with errors of every kind keep their diagnostics' codes."""
    check_formatting(case[0])


ENCODINGS = st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1"])


@examples(150)
@given(
    st.one_of(
        st.builds(lambda text, encoding: text.encode(encoding, errors="replace"), vs.xml_fragment_documents(), ENCODINGS),
        vs.mutated([p.read_bytes() for p in EXAMPLES], max_mutations=3),
    )
)
def test_refuses_exactly_what_lint_reports_as_not_well_formed(data: bytes) -> None:
    well_formed = "VX001" not in codes(voxxml.parse_bytes(data))
    try:
        format_bytes(data)
    except FormatError as error:
        assert not well_formed
        assert all(d.code == "VX001" for d in error.diagnostics)
        return
    assert well_formed
    check_formatting(data)


# ------------------------------------------------------------------ quote style


QUOTED = """<Response><Say voice='Joanna' loop="2">Hi</Say><Play loop='1'>https://example.com/a.mp3</Play>\
<Redirect method="GET">https://example.com/it's</Redirect><Say voice='Ivy' language="en-US">x</Say></Response>"""


def test_quote_style_double_single_and_preserve() -> None:
    assert '<Say loop="2" voice="Joanna">Hi</Say>' in format_text(QUOTED)
    assert format_text(QUOTED) == format_text(QUOTED, "double")
    single = format_text(QUOTED, "single")
    assert "<Say loop='2' voice='Joanna'>Hi</Say>" in single and '"' not in single
    preserved = format_text(QUOTED, "preserve")
    assert "<Say loop=\"2\" voice='Joanna'>Hi</Say>" in preserved
    assert "<Say voice='Ivy' language=\"en-US\">x</Say>" in preserved
    assert "<Redirect method=\"GET\">" in preserved
    with pytest.raises(ValueError, match="quote_style"):
        format_text(QUOTED, "backtick")


@pytest.mark.parametrize(
    ("style", "value", "written"),
    [
        ("double", "it's", "\"it's\""),
        ("double", 'say "hi"', "'say \"hi\"'"),  # the other quote when it saves references
        ("double", "both ' and \"", '"both \' and &quot;"'),
        ("single", "it's", '"it\'s"'),
        ("single", 'say "hi"', "'say \"hi\"'"),
        ("single", "both ' and \"", "'both &apos; and \"'"),
    ],
)
def test_quote_style_picks_the_quote_that_needs_no_reference(style: str, value: str, written: str) -> None:
    document = etree.Element("Response")
    etree.SubElement(document, "Say", voice=value).text = "x"
    out = format_bytes(etree.tostring(document), style)
    assert f"<Say voice={written}>x</Say>" in out
    assert etree.fromstring(out.encode("utf-8")).find("Say").get("voice") == value


@pytest.mark.parametrize("style", ["single", "preserve"])
@examples(30)
@given(case=perturbed_documents())
def test_every_quote_style_keeps_the_properties(style: str, case: tuple[Response, str]) -> None:
    document, text = case
    assert voxxml.parse(check_formatting(text, style)).document == document


@pytest.mark.parametrize("style", ["single", "preserve"])
@examples(30)
@given(text=vs.written_documents(max_depth=3))
def test_every_quote_style_keeps_the_properties_of_written_documents(style: str, text: str) -> None:
    check_formatting(text, style)


# ------------------------------------------------------------------ the README's promise: text kept exactly


def test_readme_promises_comments_and_text_content_kept() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Comments are kept exactly" in readme and "keeps every character, white space included" in readme
    document = (
        "<Response><!--  a comment,  spaced  -->\n"
        "<Say>  Hello,\n\tcaller  </Say><Say>caf&#233; &amp; <![CDATA[a < b]]>$GATHER</Say>"
        "<Play>\n https://example.com/a.mp3 </Play><Number> +15551234567</Number></Response>"
    )
    out = format_text(document)
    assert "<!--  a comment,  spaced  -->" in out
    texts = [el.text for el in etree.fromstring(out.encode("utf-8")).iter("Say", "Play", "Number")]
    assert texts == ["  Hello,\n\tcaller  ", "caf\u00e9 & a < b$GATHER", "\n https://example.com/a.mp3 ", " +15551234567"]
