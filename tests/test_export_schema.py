"""The exported schemas (voxxml/export/schema.py) against voxxml itself.

voxxml is the reference. A document is valid against the XSD and the RELAX NG schema
exactly when voxxml reports none of the errors a schema can express (VX002-VX007,
VX009), apart from the deliberate differences listed in the module docstring of
voxxml.export.schema; each of those has a test here (``test_difference_*``).

1. The schemas compile, are deterministic and ASCII.
2. Examples: every examples/*.voxxml is valid; the broken examples are not.
3. Small documents, good and bad, both schemas and voxxml agree.
4. Value types, one at a time: every simple type of the schema accepts exactly what
   voxxml's value type accepts (Hypothesis, with values near the valid ones).
5. Whole documents (Hypothesis): valid ASTs written with to_xml() and valid documents
   written by hand are accepted; on mutated and random well-formed documents the
   schema accepts => no VX002-VX007/VX009 error, and the converse.
"""

from __future__ import annotations

import re
import urllib.parse
from functools import cache
from pathlib import Path

import pytest
from hypothesis import example, given, note
from hypothesis import strategies as st
from lxml import etree

import strategies as vs
from voxxml.dialects.voxxml_v1 import voices
from voxxml.export import export_schema
from voxxml.export.schema import INTEGER_DIGITS, model, white_space, xsd_char_class, xsd_regex
from voxxml.dialects.voxxml_v1.grammar import grammar
from voxxml.lint import parse_bytes
from voxxml.dialects.voxxml_v1.values import IntegerType, LanguageType, PatternType, UrlType

from support import EXAMPLES, ROOT, SLOW, examples

SEEDS = tuple(path.read_bytes() for path in EXAMPLES)

#: The errors a schema can express: root, elements, children, attributes, values, content.
SCHEMA_CODES = frozenset({"VX002", "VX003", "VX004", "VX005", "VX006", "VX007", "VX009"})

XSI = "http://www.w3.org/2001/XMLSchema-instance"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)

PROPERTY = examples(150, suppress=SLOW)  # whole documents
PER_TYPE = examples(50, suppress=SLOW)  # one value type


@cache
def xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.fromstring(export_schema("xsd")))


@cache
def rng() -> etree.RelaxNG:
    return etree.RelaxNG(etree.fromstring(export_schema("rng")))


def parse_xml(data: bytes | str) -> etree._Element | None:
    """The document as lxml reads it (as voxxml does), or None if it is not well-formed."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        return etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError:
        return None


def verdicts(data: bytes | str) -> tuple[bool, bool]:
    """(valid against the XSD, valid against the RELAX NG schema)."""
    root = parse_xml(data)
    assert root is not None, "not well-formed"
    return xsd().validate(root), rng().validate(root)


def codes(data: bytes | str) -> set[str]:
    """voxxml's diagnostic codes, without inline suppressions and without the flow checks."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return {d.code for d in parse_bytes(data, flow=False).diagnostics}


def doc(body: str) -> str:
    return f"<Response>{body}</Response>"


# --------------------------------------------------------------------------- 1. the schemas


@pytest.mark.parametrize("fmt", ["xsd", "rng"])
def test_schema_compiles_and_is_deterministic_ascii(fmt: str) -> None:
    text = export_schema(fmt)
    assert text.isascii()
    assert text.startswith('<?xml version="1.0"?>\n')
    assert export_schema(fmt) == text
    tree = etree.fromstring(text)
    (etree.XMLSchema if fmt == "xsd" else etree.RelaxNG)(tree)


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="xsd, rng"):
        export_schema("dtd")  # type: ignore[arg-type]


def test_every_element_and_attribute_is_in_both_schemas_with_documentation() -> None:
    xs = {"xs": "http://www.w3.org/2001/XMLSchema"}
    r = {"r": "http://relaxng.org/ns/structure/1.0", "a": "http://relaxng.org/ns/compatibility/annotations/1.0"}
    xsd_tree = etree.fromstring(export_schema("xsd"))
    rng_tree = etree.fromstring(export_schema("rng"))
    # only <Response> may be the root
    assert [e.get("name") for e in xsd_tree.findall("xs:element", xs)] == ["Response"]
    assert rng_tree.find("r:start/r:ref", r).get("name") == "Response"
    for name, spec in grammar().elements.items():
        complex_type = xsd_tree.find(f"xs:complexType[@name='{name}']", xs)
        assert spec.summary.rstrip(".") in complex_type.findtext("xs:annotation/xs:documentation", namespaces=xs)
        element = rng_tree.find(f"r:define[@name='{name}']/r:element", r)
        assert element.get("name") == name
        assert spec.summary.rstrip(".") in element.findtext("a:documentation", namespaces=r)
        for attribute in spec.attributes.values():
            node = complex_type.find(f".//xs:attribute[@name='{attribute.name}']", xs)
            assert node is not None, (name, attribute.name)
            assert node.get("use") == ("required" if attribute.required else None)
            text = node.findtext("xs:annotation/xs:documentation", namespaces=xs)
            assert attribute.description.rstrip(".") in text
            rng_attribute = element.find(f".//r:attribute[@name='{attribute.name}']", r)
            assert (rng_attribute.getparent().tag == f"{{{r['r']}}}optional") != attribute.required
            assert attribute.description.rstrip(".") in rng_attribute.findtext("a:documentation", namespaces=r)


def test_integer_bounds_ignore_clamp_max() -> None:
    types = model().types
    timeout = next(a for a in model().elements["Gather"].attributes if a.name == "timeout")
    facets = dict(types[timeout.type].facets)
    assert facets["minInclusive"] == "1" and "maxInclusive" not in facets  # clamp_max=60 is a warning
    pause = next(a for a in model().elements["Pause"].attributes if a.name == "length")
    assert dict(types[pause.type].facets)["maxInclusive"] == "60"


# --------------------------------------------------------------------------- 2. examples


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_are_valid(path: Path) -> None:
    assert not codes(path.read_bytes()) & SCHEMA_CODES
    assert verdicts(path.read_bytes()) == (True, True)


BROKEN = ["vocabulary", "values", "content", "voices", "verb-as-root", "wrong-root", "suppressions"]


@pytest.mark.parametrize("name", BROKEN)
def test_broken_examples_are_invalid(name: str) -> None:
    assert verdicts((ROOT / "examples" / "broken" / f"{name}.voxxml").read_bytes()) == (False, False)


@pytest.mark.parametrize("name", ["flow", "loops", "attributes"])
def test_flow_problems_are_not_the_schema_s_business(name: str) -> None:
    """Files with only warnings and flow errors (VX1xx) are valid."""
    data = (ROOT / "examples" / "broken" / f"{name}.voxxml").read_bytes()
    assert not codes(data) & SCHEMA_CODES
    assert verdicts(data) == (True, True)


# --------------------------------------------------------------------------- 3. small documents

BAD = {
    "unknown element": ("<Record/>", "VX003"),
    "lower-case element": ("<say>Hi</say>", "VX003"),
    "Pause inside Gather": ("<Gather><Pause/></Gather>", "VX004"),
    "Say inside Dial": ("<Dial><Say>Hi</Say></Dial>", "VX004"),
    "element inside Number": ("<Number><Play>https://e.com/a.mp3</Play>15556667777</Number>", "VX004"),
    "element inside Hangup": ("<Hangup><Say>Hi</Say></Hangup>", "VX004"),
    "element inside Say": ("<Say>Hi <Pause/></Say>", "VX004"),
    "unknown attribute": ("<Hangup reason='done'/>", "VX005"),
    "attribute of another element": ("<Say numDigits='1'>Hi</Say>", "VX005"),
    "xml:lang": ("<Say xml:lang='en'>Hi</Say>", "VX005"),
    "missing If test": ("<If variable='$GATHER' value='1'/>", "VX006"),
    "missing If value": ("<If variable='$GATHER' test='EQUAL'/>", "VX006"),
    "loop='-1'": ("<Say loop='-1'>Hi</Say>", "VX007"),
    "loop='+1'": ("<Say loop='+1'>Hi</Say>", "VX007"),
    "loop='1.0'": ("<Say loop='1.0'>Hi</Say>", "VX007"),
    "repeatDelay='61'": ("<Say repeatDelay='61'>Hi</Say>", "VX007"),
    "repeatDelay='7s'": ("<Gather repeatDelay='7s'><Say>Hi</Say></Gather>", "VX007"),
    "numDigits='0'": ("<Gather numDigits='0'><Say>Hi</Say></Gather>", "VX007"),
    "input='speach'": ("<Gather input='speach'><Say>Hi</Say></Gather>", "VX007"),
    "input=''": ("<Gather input=''><Say>Hi</Say></Gather>", "VX007"),
    "input='dtmf,speech'": ("<Gather input='dtmf,speech'><Say>Hi</Say></Gather>", "VX007"),
    "callback event of another verb": ("<Gather statusCallbackEvent='answered'><Say>Hi</Say></Gather>", "VX007"),
    "method='PUT'": ("<Redirect method='PUT'>https://example.com/next.xml</Redirect>", "VX007"),
    "method='post'": ("<Redirect method='post'>https://example.com/next.xml</Redirect>", "VX007"),
    "boolean 'True'": ("<SetMute muted='True'/>", "VX007"),
    "boolean '1'": ("<SetMute muted='1'/>", "VX007"),
    "If value '1||2'": ("<If variable='$GATHER' test='EQUAL' value='1||2'/>", "VX007"),
    "If value ''": ("<If variable='$GATHER' test='EQUAL' value=''/>", "VX007"),
    "If variable": ("<If variable='$INPUT' test='EQUAL' value='1'/>", "VX007"),
    "finishOnKey='#A'": ("<Gather finishOnKey='#A'><Say>Hi</Say></Gather>", "VX007"),
    "callerId='+1555'": ("<Dial callerId='+15550001000'><Number>15556667777</Number></Dial>", "VX007"),
    "scheme-relative statusCallback": ("<Dial statusCallback='//e.com/cb'><Number>15556667777</Number></Dial>", "VX007"),
    "URL attribute with a space": ("<Dial statusCallback='https://e.com/a b'><Number>1</Number></Dial>", "VX007"),
    "Number '+1555'": ("<Number>+1555</Number>", "VX009"),
    "Number of 16 digits": ("<Number>1234567890123456</Number>", "VX009"),
    "empty Number": ("<Number> </Number>", "VX009"),
    "empty Say": ("<Say/>", "VX009"),
    "Say with only a comment": ("<Say><!-- hi --></Say>", "VX009"),
    "Conference 'room-1'": ("<Conference>room-1</Conference>", "VX009"),
    "ftp Play": ("<Play>ftp://example.com/a.mp3</Play>", "VX009"),
    "Play without host": ("<Play>https:///a.mp3</Play>", "VX009"),
    "javascript Redirect": ("<Redirect>javascript:alert(1)</Redirect>", "VX009"),
    "Redirect with a colon before the path": ("<Redirect>main:menu/next.xml</Redirect>", "VX009"),
    "text in Hangup": ("<Hangup>now</Hangup>", "VX009"),
    "text in Response": ("Welcome<Hangup/>", "VX009"),
    "text in Gather": ("<Gather>Press 1<Say>Hi</Say></Gather>", "VX009"),
}


@pytest.mark.parametrize("body, code", BAD.values(), ids=BAD.keys())
def test_bad_documents_are_invalid(body: str, code: str) -> None:
    text = doc(body)
    assert code in codes(text)
    assert verdicts(text) == (False, False)


@pytest.mark.parametrize(
    "text",
    ["<Say>Hi</Say>", "<Response xmlns='urn:x'/>", "<response/>", "<x:Response xmlns:x='urn:x'/>"],
)
def test_root_must_be_response(text: str) -> None:
    assert "VX002" in codes(text)
    assert verdicts(text) == (False, False)


GOOD = {
    "empty Response": "",
    "padded content": "<Number>\n   15556667777\n</Number><Conference> room1 </Conference><Play>\thttps://e.com/a.mp3\r\n</Play>",
    "Unicode white space around content": "<Number>\u00a015556667777\u3000</Number><Redirect>\u2028https://e.com/x\u0085</Redirect>",
    "comment inside content": "<Number>1555<!-- area -->6667777</Number><Say>Hello <!-- there --> you</Say>",
    "CDATA content": "<Say><![CDATA[<b>bold</b> & more]]></Say><Play><![CDATA[https://e.com/a.mp3?a=1&b=2]]></Play>",
    "white space in empty verbs": "<Hangup> </Hangup><Pause>\n</Pause><Reject>\u00a0</Reject><SetMute><!-- c --></SetMute>",
    "keyword lists": "<Gather input=' dtmf&#9;speech ' statusCallbackEvent=''><Say>Hi</Say></Gather>"
    "<Gather input='speech dtmf' statusCallbackEvent='fullResult  partialResult'><Say>Hi</Say></Gather>",
    "repeated keywords": "<Gather input='dtmf dtmf'><Say>Hi</Say></Gather>",
    "upper-case URL scheme": "<Play>HTTPS://EXAMPLE.COM/A.MP3</Play><Redirect>hTtP://x</Redirect>",
    "relative URLs": "<Redirect>main</Redirect><Play>/audio/hello.mp3</Play><Play>../a.mp3?x=1:2</Play><Play>?step=2</Play>"
    "<Dial statusCallback='/cb'><Number>15556667777</Number></Dial>",
    "URL with odd characters": "<Play>https://user:pw@ex.com:8080/a b/[1]?q=é#日</Play>".replace(" ", "%20"),
    "clamped timeout": "<Gather timeout='600' speechTimeout='61'><Say>Hi</Say></Gather>",
    "loop='0' and leading zeros": "<Say loop='0'>Hi</Say><Play loop='007'>https://e.com/a</Play><Pause length='060'/>",
    "integer of 1000 digits": f"<Say loop='{'9' * INTEGER_DIGITS}'>Hi</Say>",
    "If values": "<If variable='$GATHER' test='NOTEQUAL' value='1|english|#|* 2'><If variable='$GATHER' test='EQUAL' value='a'/></If>",
    "empty finishOnKey and label": "<Gather finishOnKey=''><Say>Hi</Say></Gather><Conference participantLabel=''>r</Conference>",
    "Standard voice and language": "<Say voice='Celine' language='fr-FR'>Bonjour</Say><Say voice='Aditi' language='hi-IN'>x</Say>",
    "comments and PIs everywhere": "<!-- a --><?pi x?><Gather><!-- b --><Say>Hi</Say><?pi?></Gather>",
    "unused namespace declaration": "<Hangup xmlns:x='urn:x'/>",
    "unknown variable (a warning)": "<Say>You said $INPUT</Say>",
}


@pytest.mark.parametrize("body", GOOD.values(), ids=GOOD.keys())
def test_good_documents_are_valid(body: str) -> None:
    text = doc(body)
    assert not codes(text) & SCHEMA_CODES, codes(text)
    assert verdicts(text) == (True, True)


def test_xml_model_processing_instruction_associates_the_schema() -> None:
    """How to point an editor at the schema without an attribute voxxml would report (see difference 4)."""
    text = '<?xml-model href="voxxml.rng" type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"?>\n' + doc("<Hangup/>")
    assert not codes(text)
    assert verdicts(text) == (True, True)


# --------------------------------------------------------------------------- deliberate differences


def test_difference_1_warnings_are_errors() -> None:
    """Non-Standard voices and languages are VX010 warnings in voxxml, schema errors."""
    for body in ["<Say voice='Kevin'>Hi</Say>", "<Say voice='Jonna'>Hi</Say>", "<Say voice='Joanna' language='xx-XX'>Hi</Say>"]:
        assert codes(doc(body)) == {"VX010"}
        assert verdicts(doc(body)) == (False, False)
    # and the warnings that relate values are not checked at all
    for body, code in [
        ("<Say voice='Joanna' language='fr-FR'>Hi</Say>", "VX010"),  # Joanna does not speak French
        ("<Say>You said $INPUT</Say>", "VX011"),
        ("<Gather timeout='90'><Say>Hi</Say></Gather>", "VX008"),
    ]:
        assert codes(doc(body)) == {code}
        assert verdicts(doc(body)) == (True, True)


def test_difference_2_white_space_around_integers() -> None:
    text = doc("<Say loop=' 3 '>Hi</Say><Pause length='&#9;2&#10;'/>")
    assert "VX007" in codes(text)
    xsd_ok, rng_ok = verdicts(text)
    assert xsd_ok  # xs:integer collapses white space
    assert not rng_ok  # libxml2's RELAX NG does not (a conforming validator would)
    assert verdicts(doc("<Say loop=' +3 '>Hi</Say>")) == (False, False)


def test_difference_3_unicode_white_space_between_elements() -> None:
    text = doc("\u00a0<Hangup/>\u3000")
    assert not codes(text)
    assert verdicts(text) == (False, False)


def test_difference_4_xsi_attributes() -> None:
    text = f"<Response xmlns:xsi='{XSI}' xsi:noNamespaceSchemaLocation='voxxml.xsd'><Hangup/></Response>"
    assert "VX005" in codes(text)
    assert verdicts(text) == (True, False)


def test_difference_5_bracketed_hosts() -> None:
    ipv6 = doc("<Play>https://[::1]/a.mp3</Play>")
    assert not codes(ipv6)
    assert verdicts(ipv6) == (False, False)
    broken = doc("<Play>https://[::1/a.mp3</Play>")
    assert "VX009" in codes(broken)
    assert verdicts(broken) == (False, False)
    # brackets after the host are fine for both
    assert not codes(doc("<Play>https://e.com/[1]</Play>"))
    assert verdicts(doc("<Play>https://e.com/[1]</Play>")) == (True, True)


@pytest.mark.parametrize("host", ["a\uff0fb.com", "\u2100.com", "x\ufe55y", "e.com\uff03"])
def test_hosts_that_nfkc_turns_into_delimiters(host: str) -> None:
    """urlsplit refuses them (voxxml: VX009), and so do the schemas."""
    text = doc(f"<Play>https://{host}/a.mp3</Play>")
    assert "VX009" in codes(text)
    assert verdicts(text) == (False, False)
    # elsewhere in the URL they are ordinary characters
    fine = doc(f"<Play>https://e.com/{host}</Play>")
    assert not codes(fine)
    assert verdicts(fine) == (True, True)


def test_difference_6_doctype() -> None:
    text = "<!DOCTYPE Response><Response><Hangup/></Response>"
    assert codes(text) == {"VX001"}
    assert verdicts(text) == (True, True)


def test_integer_digits_limit_matches_voxxml() -> None:
    """INTEGER_DIGITS mirrors voxxml.dialects.voxxml_v1.values.IntegerType.parse: one digit more is invalid for both."""
    too_long = doc(f"<Say loop='{'1' * (INTEGER_DIGITS + 1)}'>Hi</Say>")
    assert "VX007" in codes(too_long)
    assert verdicts(too_long) == (False, False)


# --------------------------------------------------------------------------- regex translation


@pytest.mark.parametrize(
    "python, expected",
    [
        ("[A-Za-z0-9#* ]+(?:\\|[A-Za-z0-9#* ]+)*", "[A-Za-z0-9#\\* ]+(\\|[A-Za-z0-9#\\* ]+)*"),
        ("^[0-9]{1,15}$", "[0-9]{1,15}"),
        ("a{,3}b{2}c{2,}", "a{0,3}b{2}c{2,}"),
        ("\\$[a-]x", "$[a\\-]x"),
        ("[]a]", "[\\]a]"),
        ("[^^]", "[^\\^]"),
        ("x.y", "x[^\\n]y"),
        ("\\x41\\u00e9\\.\\/", "Aé\\./"),
        ("a{b", "a\\{b"),
        ("\\d+", "\\d+"),
    ],
)
def test_xsd_regex(python: str, expected: str) -> None:
    assert xsd_regex(python) == expected


@pytest.mark.parametrize("python", ["\\s", "\\w+", "a\\b", "(?=a)", "(?i)a", "a*?", "a+?", "(a)\\1", "a^b", "a$b", "[a"])
def test_xsd_regex_refuses_what_it_cannot_translate(python: str) -> None:
    with pytest.raises(ValueError):
        xsd_regex(python)


def _pattern_schema(pattern: str) -> etree.XMLSchema:
    return etree.XMLSchema(_pattern_schema_tree(pattern))


def _pattern_schema_tree(pattern: str) -> etree._Element:
    tree = etree.fromstring(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="v"><xs:simpleType>'
        '<xs:restriction base="xs:string"><xs:pattern value=""/></xs:restriction></xs:simpleType></xs:element></xs:schema>'
    )
    tree.find(".//{http://www.w3.org/2001/XMLSchema}pattern").set("value", pattern)
    return tree


def _vocabulary_regexes() -> list[str]:
    found = {"(?:ab|c)+\\.d{2,3}", "[^a-c\\]]x?", "a.b"}
    for spec in grammar().elements.values():
        types = [a.type for a in spec.attributes.values()] + [spec.content_type]
        for value_type in types:
            if isinstance(value_type, PatternType):
                found.add(value_type.regex)
            if isinstance(value_type, LanguageType) and value_type.fast:
                found.add(value_type.fast)
    return sorted(found)


REGEX_ALPHABET = "abcdAZz09#*| .-]\\\n\r\t\u00e9+/:"


@pytest.mark.parametrize("python", _vocabulary_regexes())
@examples(150)
@given(data=st.data())
def test_translated_regexes_match_what_python_matches(python: str, data: st.DataObject) -> None:
    schema = _pattern_schema(xsd_regex(python))
    text = data.draw(st.one_of(st.from_regex(python, fullmatch=True), st.text(st.sampled_from(REGEX_ALPHABET), max_size=8)))
    element = etree.Element("v")
    try:
        element.text = text
    except ValueError:  # not an XML character
        return
    assert schema.validate(element) == bool(re.fullmatch(python, text)), (python, text)


def test_white_space_class() -> None:
    space = white_space()
    assert {" ", "\t", "\n", "\r", "\u00a0", "\u2028", "\u3000", "\u0085"} <= set(space)
    assert "\u200b" not in space and "\u180e" not in space
    assert "".join(space).strip() == ""
    schema = _pattern_schema(xsd_char_class(space) + "*")
    for ch in space:
        element = etree.Element("v")
        element.text = "a" + ch
        assert not schema.validate(element)
        element.text = ch * 2
        assert schema.validate(element), hex(ord(ch))


# --------------------------------------------------------------------------- 4. value types one by one


@cache
def probes() -> tuple[etree.XMLSchema, etree.RelaxNG]:
    """The exported schemas plus an element <p.TYPE> of every simple type TYPE, to validate values alone."""
    x = etree.fromstring(export_schema("xsd"))
    xs = "{http://www.w3.org/2001/XMLSchema}"
    for name in model().types:
        etree.SubElement(x, f"{xs}element", name=f"p.{name}", type=name)
    r = etree.fromstring(export_schema("rng"))
    ns = "{http://relaxng.org/ns/structure/1.0}"
    start = r.find(f"{ns}start")
    for child in list(start):
        start.remove(child)
    choice = etree.SubElement(start, f"{ns}choice")
    etree.SubElement(choice, f"{ns}ref", name=model().root)
    for name in model().types:
        element = etree.SubElement(choice, f"{ns}element", name=f"p.{name}")
        etree.SubElement(element, f"{ns}ref", name=name)
    return etree.XMLSchema(x), etree.RelaxNG(r)


def probe(type_name: str, raw: str) -> tuple[bool, bool] | None:
    element = etree.Element(f"p.{type_name}")
    try:
        element.text = raw
    except ValueError:  # a character XML cannot hold
        return None
    x, r = probes()
    return x.validate(element), r.validate(element)


def accepted(problems: tuple) -> bool:
    """A value voxxml takes without an error, and without a voice warning (difference 1)."""
    return not any(p.kind in ("invalid", "voice") for p in problems)


TRICKY = " \t\n\r\u0085\u00a0\u2028\u3000\u180e\u200b+-.,:/?#@[]|*$_0129aAzZé日／＃ｆ⁇℀"


def near(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Valid values, values one or two edits away from them, and short junk."""

    @st.composite
    def edit(draw: st.DrawFn) -> str:
        text = draw(valid)
        for _ in range(draw(st.integers(1, 2))):
            at = draw(st.integers(0, len(text)))
            kind = draw(st.sampled_from(["insert", "delete", "replace", "pad"]))
            ch = draw(st.sampled_from(TRICKY))
            if kind == "insert":
                text = text[:at] + ch + text[at:]
            elif kind == "delete":
                text = text[:at] + text[at + 1 :]
            elif kind == "replace":
                text = text[:at] + ch + text[at + 1 :]
            else:
                text = ch + text + draw(st.sampled_from(["", ch]))
        return text

    return st.one_of(valid, edit(), st.text(st.sampled_from(TRICKY), max_size=6), vs.xml_text(max_size=8))


#: URL-shaped text with tricky characters in the scheme, host and rest.
URL_LIKE = st.builds(
    "{}://{}{}".format,
    st.sampled_from(["http", "https", "HTTPS", "hTtP", "ftp", "http:", ""]),
    st.text(st.sampled_from(TRICKY + "abc"), max_size=5),
    st.text(st.sampled_from(TRICKY + "abc"), max_size=5),
)


def raw_values(value_type, valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(near(valid), URL_LIKE) if isinstance(value_type, UrlType) else near(valid)


def _bracketed_host(raw: str) -> bool:
    try:
        netloc = urllib.parse.urlsplit(raw.strip()).netloc
    except ValueError:
        return False
    return "[" in netloc or "]" in netloc


ATTRIBUTES = [(spec.name, attribute) for spec in grammar().elements.values() for attribute in spec.attributes.values()]


@pytest.mark.parametrize("element, attribute", ATTRIBUTES, ids=[f"{e}.{a.name}" for e, a in ATTRIBUTES])
@PER_TYPE
@given(data=st.data())
def test_attribute_types_accept_what_voxxml_accepts(element: str, attribute, data: st.DataObject) -> None:
    type_name = next(a.type for a in model().elements[element].attributes if a.name == attribute.name)
    raw = data.draw(raw_values(attribute.type, vs.attribute_values(attribute).map(attribute.serialize)), label="raw")
    result = probe(type_name, raw)
    if result is None:
        return
    xsd_ok, rng_ok = result
    value, problems = attribute.parse(raw)
    ok = value is not None and accepted(problems)
    if isinstance(attribute.type, UrlType) and ok and _bracketed_host(raw):
        ok = False  # difference 5
    assert rng_ok == ok, (raw, problems)
    if isinstance(attribute.type, IntegerType):
        stripped = raw.strip(" \t\n\r")  # difference 2: XSD collapses white space around integers
        ok = attribute.parse(stripped)[0] is not None and accepted(attribute.parse(stripped)[1])
    assert xsd_ok == ok, (raw, problems)


CONTENT = [spec for spec in grammar().elements.values() if spec.content_type is not None]


@pytest.mark.parametrize("spec", CONTENT, ids=[spec.name for spec in CONTENT])
@PER_TYPE
@given(data=st.data())
def test_content_types_accept_what_voxxml_accepts(spec, data: st.DataObject) -> None:
    type_name = model().elements[spec.name].content
    raw = data.draw(raw_values(spec.content_type, vs.content_values(spec.name).map(spec.content_type.serialize)), label="raw")
    result = probe(type_name, raw)
    if result is None:
        return
    # what voxxml.dialects.voxxml_v1.reader.Reader.content does
    text = raw.strip() if spec.content_trim else raw
    if not text or text.isspace():  # white space only is empty, trimmed or not
        ok = not spec.content_required
    else:
        value, problems = spec.content_type.parse(text)
        ok = value is not None and accepted(problems)
    if isinstance(spec.content_type, UrlType) and ok and _bracketed_host(raw):
        ok = False  # difference 5
    assert result == (ok, ok), (raw, spec.name)


@PROPERTY
@given(raw=st.text(st.sampled_from(TRICKY + "<>&"), max_size=6) | vs.xml_text(max_size=6))
def test_empty_elements_hold_white_space_only(raw: str) -> None:
    empty = [name for name, element in model().elements.items() if element.children is None and grammar().elements[name].content_type is None]
    assert empty
    result = probe(model().elements[empty[0]].content, raw)
    if result is not None:
        ok = not raw or raw.isspace()  # voxxml.dialects.voxxml_v1.reader: stray text is what is not white space
        assert result == (ok, ok), repr(raw)


@PROPERTY
@given(text=vs.xml_text(max_size=30))
def test_mini_languages_without_fast_regex_never_fail(text: str) -> None:
    """The schema exports a mini-language without a ``fast`` regex (Say text) as any string:
    that is exact only while voxxml finds nothing invalid in any string of it."""
    for spec in grammar().elements.values():
        types = [spec.content_type] + [a.type for a in spec.attributes.values()]
        for value_type in types:
            if isinstance(value_type, LanguageType) and not value_type.fast and text:
                value, problems = value_type.parse(text)
                assert value is not None and not any(p.kind == "invalid" for p in problems)


# --------------------------------------------------------------------------- 5. whole documents


@PROPERTY
@given(document=vs.responses())
def test_schemas_accept_valid_asts(document) -> None:
    text = document.to_xml()
    note(text)
    assert not codes(text) & SCHEMA_CODES
    assert verdicts(text) == (True, True)


@PROPERTY
@given(text=vs.written_documents())
def test_schemas_accept_valid_documents_however_written(text: str) -> None:
    note(text)
    assert not codes(text) & SCHEMA_CODES
    assert verdicts(text) == (True, True)


def _canonical_for_xsd(root: etree._Element) -> etree._Element | None:
    """The document with the XSD-only differences undone (2: white space around integers,
    4: xsi attributes), or None if it has none."""
    changed = False
    root = etree.fromstring(etree.tostring(root))  # a copy
    for el in root.iter(etree.Element):
        spec = grammar().elements.get(el.tag) if isinstance(el.tag, str) else None
        for name, raw in list(el.items()):
            if name.startswith(f"{{{XSI}}}"):
                del el.attrib[name]
                changed = True
            elif spec is not None and name in spec.attributes and isinstance(spec.attributes[name].type, IntegerType):
                if raw != raw.strip(" \t\n\r"):
                    el.set(name, raw.strip(" \t\n\r"))
                    changed = True
    return root if changed else None


def _has_unexpressed_features(root: etree._Element) -> bool:
    """Documents voxxml accepts and the schemas refuse on purpose: 3 (Unicode white space
    between elements) and 5 (bracketed URL hosts)."""
    for el in root.iter(etree.Element):
        spec = grammar().elements.get(el.tag)
        if spec is None:
            continue
        if spec.children:
            texts = [el.text] + [child.tail for child in el]
            if any(t and t.strip(" \t\n\r") for t in texts):
                return True
        for name, raw in el.items():
            attribute = spec.attributes.get(name)
            if attribute is not None and isinstance(attribute.type, UrlType) and _bracketed_host(raw):
                return True
        if isinstance(spec.content_type, UrlType) and _bracketed_host("".join(el.itertext())):
            return True
    return False


def check_agreement(data: bytes) -> None:
    """On any document: valid against a schema <=> voxxml reports no error a schema can
    express, up to the deliberate differences."""
    root = parse_xml(data)
    if root is None:
        return  # not well-formed: no schema accepts it, and voxxml reports VX001
    result = parse_bytes(data, flow=False)
    found = {d.code for d in result.diagnostics}
    if "VX001" in found:
        return  # a DOCTYPE (difference 6), or an encoding lxml reads differently
    note(data.decode("utf-8", errors="replace"))
    note(f"voxxml: {sorted(found)}")
    errors = found & SCHEMA_CODES
    xsd_ok, rng_ok = xsd().validate(root), rng().validate(root)
    # the schema accepts => voxxml has no such error
    if rng_ok:
        assert not errors, f"RELAX NG accepts, voxxml reports {sorted(errors)}"
    if xsd_ok:
        canonical = _canonical_for_xsd(root)
        if canonical is None:
            assert not errors, f"XSD accepts, voxxml reports {sorted(errors)}"
        else:
            assert not codes(etree.tostring(canonical, encoding="utf-8")) & SCHEMA_CODES
    # voxxml accepts => the schemas accept
    if not errors and "VX010" not in found and not _has_unexpressed_features(root):
        assert (xsd_ok, rng_ok) == (True, True), (str(xsd().error_log.last_error), str(rng().error_log.last_error))


@PER_TYPE
@given(data=vs.mutated(SEEDS))
@example(data=b"<Response><Say loop=' 3'>Hi</Say></Response>")
@example(data=b"<Response><Hangup>\xc2\xa0</Hangup>\xc2\xa0</Response>")
def test_schema_and_voxxml_agree_on_mutated_examples(data: bytes) -> None:
    check_agreement(data)


ELEMENT_NAMES = tuple(grammar().elements)
ATTRIBUTE_NAMES = tuple(sorted({a.name for spec in grammar().elements.values() for a in spec.attributes.values()}))
ALL_ATTRIBUTES = tuple(a for _, a in ATTRIBUTES)
CONTENT_ELEMENTS = tuple(spec.name for spec in CONTENT)


def _raw_value(draw: st.DrawFn) -> str:
    attribute = draw(st.sampled_from(ALL_ATTRIBUTES))
    return draw(near(vs.attribute_values(attribute).map(attribute.serialize)))


def _raw_content(draw: st.DrawFn) -> str:
    spec = grammar().elements[draw(st.sampled_from(CONTENT_ELEMENTS))]
    return draw(near(vs.content_values(spec.name).map(spec.content_type.serialize)))


def _mutate_tree(draw: st.DrawFn, root: etree._Element) -> None:
    """One edit of the kind people make: a value, an attribute, a name, a misplaced element, stray text."""
    elements = list(root.iter(etree.Element))
    el = draw(st.sampled_from(elements))
    kind = draw(st.sampled_from(["value", "value", "attribute", "delete attribute", "rename", "move", "text", "tail", "content"]))
    if kind == "value" and el.attrib:
        el.set(draw(st.sampled_from(sorted(el.attrib))), _raw_value(draw))
    elif kind in ("value", "attribute"):
        name = draw(st.one_of(st.sampled_from(ATTRIBUTE_NAMES), st.sampled_from(["foo", "Voice", "num_digits", f"{{{XSI}}}type"])))
        el.set(name, _raw_value(draw))
    elif kind == "delete attribute" and el.attrib:
        del el.attrib[draw(st.sampled_from(sorted(el.attrib)))]
    elif kind == "rename":
        el.tag = draw(st.one_of(st.sampled_from(ELEMENT_NAMES), st.sampled_from(["say", "Record", "GATHER"])))
    elif kind == "move" and el is not root:
        target = draw(st.sampled_from([e for e in elements if e is not el and el not in e.iterancestors()]))
        el.getparent().remove(el)
        target.insert(draw(st.integers(0, len(target))), el)
    elif kind in ("text", "tail"):
        text = draw(st.one_of(st.sampled_from(["", " ", "\n  ", "\u00a0", "x", "\u3000"]), vs.xml_text(max_size=6)))
        setattr(el, kind, text)
    elif kind == "content":
        for child in list(el):
            el.remove(child)
        el.text = _raw_content(draw)


@st.composite
def mutated_trees(draw: st.DrawFn) -> bytes:
    """Valid documents (built with the builder API, or the examples) with one to three edits."""
    if draw(st.integers(0, 3)):
        seed = draw(vs.responses(max_depth=3, max_children=3)).to_xml().encode("utf-8")
    else:
        seed = draw(st.sampled_from(SEEDS))
    root = etree.fromstring(seed, PARSER)
    for _ in range(draw(st.integers(1, 3))):
        _mutate_tree(draw, root)
    return etree.tostring(root, encoding="utf-8")


@PROPERTY
@given(data=mutated_trees())
def test_schema_and_voxxml_agree_on_mutated_valid_documents(data: bytes) -> None:
    check_agreement(data)


@PROPERTY
@given(generated=vs.vocabulary_documents())
def test_schema_and_voxxml_agree_on_random_documents(generated: tuple[str, str]) -> None:
    check_agreement(generated[0].encode("utf-8"))


def test_voices_are_the_standard_voices() -> None:
    voice = next(a for a in model().elements["Say"].attributes if a.name == "voice")
    assert model().types[voice.type].enumeration == tuple(sorted(voices.standard_voices()))
