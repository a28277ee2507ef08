"""The per-file shortcuts of issue 14's fifth round decide exactly what the long way decides.

- v1 Say text without a '$' is read without looking for references (``LanguageType.parse``);
- the reader's loop looks a leaf's text up in ``ElementSpec.clean_content``, which must hold exactly
  the problem-free readings of ``content_cache`` (a text with problems is read again and reported);
- stray text after an element names that element, after a comment none (the loop keeps the index of
  the last element it read instead of a per-element variable);
- an If's condition is made from ``ElementSpec.condition_fields``, the fields of its condition attributes.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import voxxml
from voxxml.dialects.voxxml_v1 import values as v1_values
from voxxml.dialects.voxxml_v1.grammar import grammar
from voxxml.dialects.voxxml_v1.reader import read_condition
from voxxml.pipeline import run

import strategies as vs

_TEXT = st.text(st.sampled_from(list("ab $GATHER{}_9.é\t")), max_size=24)


def _say_type() -> v1_values.LanguageType:
    content_type = grammar().elements["Say"].content_type
    assert isinstance(content_type, v1_values.LanguageType) and content_type.grammar == "say_template.lark"
    return content_type


def _long_say(content_type: v1_values.LanguageType, raw: str) -> object:
    """The Say reading with the reference search always run (the code before the shortcut)."""
    unknown = [(name, (start, end)) for name, start, end in v1_values.say_variables(raw) if name not in content_type.variables]
    return v1_values.Template(raw), tuple(v1_values.unknown_variable(name, sub, content_type.variables) for name, sub in unknown)


@settings(max_examples=300)
@given(_TEXT)
def test_say_text_reads_as_the_long_way(raw: str) -> None:
    content_type = _say_type()
    value, problems = content_type.parse(raw)
    expected_value, expected_problems = _long_say(content_type, raw)  # type: ignore[misc]
    assert type(value) is v1_values.Template and value == expected_value
    assert problems == expected_problems


@settings(max_examples=200)
@given(st.lists(st.sampled_from(["Say", "Number", "Play", "Pause"]), min_size=1, max_size=6), st.lists(_TEXT, min_size=1, max_size=6))
def test_clean_content_holds_exactly_the_clean_readings(tags: list[str], texts: list[str]) -> None:
    vocabulary = grammar()
    for tag, raw in zip(tags, texts):
        spec = vocabulary.elements[tag]
        if spec.content_type is None:
            continue
        spec.parse_content(raw)
        for key, (value, problems) in spec.content_cache.items():
            assert (key in spec.clean_content) == (value is not None and not problems)
            if key in spec.clean_content:
                assert spec.clean_content[key] is value
        assert set(spec.clean_content) <= set(spec.content_cache)


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(d.code, d.message, str(d.span)) for d in voxxml.parse(text).diagnostics]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["<Say>Hi</Say>", "<Say>$gather</Say>", "<!-- c -->", " stray ", "<Pause length='1'/>", "<Number>x1</Number>"]), max_size=6))
def test_a_document_reads_the_same_with_warm_caches(parts: list[str]) -> None:
    """Read twice: the second read finds every text in the caches and must report the same (spans too)."""
    text = "<Response><Gather>" + "".join(parts) + "</Gather>" + "".join(parts) + "</Response>"
    first = _found(text)
    assert _found(text) == first


def test_stray_text_names_the_element_before_it_or_none_after_a_comment() -> None:
    after_element = _found("<Response>\n<Pause/>left over\n</Response>")
    after_comment = _found("<Response>\n<!-- note -->left over\n</Response>")
    assert [code for code, _, _ in after_element] == ["VX009"] and [code for code, _, _ in after_comment] == ["VX009"]
    assert "left over" in after_element[0][1] and "left over" in after_comment[0][1]
    # (spans as the code before this round gave them) the text itself after an element; after a comment,
    # with no element to name, the parent's name
    assert after_element[0][2] == "2:9-2:18" and after_comment[0][2] == "1:2-1:10"


def test_condition_fields_are_the_condition_attributes_fields() -> None:
    spec = grammar().elements["If"]
    assert spec.condition_fields == tuple(spec.attributes[name].field for name in spec.condition)
    document = voxxml.parse("<Response><If variable='$GATHER' test='NOTEQUAL' value='1|2'><Hangup/></If></Response>").document
    assert document is not None
    assert document.verbs[0].condition == read_condition("$GATHER", "NOTEQUAL", ("1", "2"))  # type: ignore[attr-defined]


_VALUE = st.text(st.sampled_from(list("a=b ==&")), max_size=8).map(lambda v: v.replace("&", "&amp;"))


@st.composite
def _tagged(draw):  # type: ignore[no-untyped-def]
    """Elements with attributes whose values and text hold runs of '=' (comparisons, query strings)."""
    parts = []
    for element in range(draw(st.integers(1, 4))):
        attributes = " ".join(f"a{i}{draw(st.sampled_from(['=', ' = ', '= ']))}'{draw(_VALUE)}'" for i in range(draw(st.integers(0, 5))))
        parts.append(f"<e{element} {attributes}>{draw(_VALUE)}</e{element}>")
    return "<r>" + "".join(parts) + "<!-- == -->" + "</r>"


@settings(max_examples=300)
@given(_tagged() | vs.xml_fragment_documents())
def test_no_element_of_a_well_formed_text_has_more_attributes_than_the_guard_counts(text: str) -> None:
    """What ``_few_attributes`` relies on: in a well-formed text, each '==' holds no attribute's '='."""
    from lxml import etree

    from voxxml.core.xmlparse import HARDENED

    try:
        root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(**HARDENED))
    except etree.XMLSyntaxError:
        return
    bound = text.count("=") - 2 * text.count("==")
    assert all(len(el.attrib) <= bound for el in root.iter())


def test_a_voxml_document_full_of_comparisons_reads_as_with_the_guard_off(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from voxxml.dialects.common import reader as common_reader

    body = "".join(f"<If expression='${{choice}} == \"{i}\"'><Say>Option {i}.</Say></If>" for i in range(300))
    text = f"<Response><Gather name='choice' numDigits='1'><Say bogus='1'>Pick</Say></Gather>{body}</Response>"
    assert common_reader._few_attributes(text, True) and not common_reader._few_attributes(text, False)
    def found() -> list[tuple[str, str, str]]:
        return [(d.code, d.message, str(d.span)) for d in run(text.encode("utf-8"), "x.voxml", dialect="voxml").diagnostics]

    read = found()
    monkeypatch.setattr(common_reader, "_FEW_EQUALS", -1)  # every element asked for its count
    assert found() == read
    assert any(code == "VX005" for code, _, _ in read)
