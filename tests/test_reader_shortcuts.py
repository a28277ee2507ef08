"""The reader's shortcuts (issue 14) decide exactly what the long way decides.

Each shortcut skips work only where the skipped work cannot change the result: a URL that the
plain-URL regex accepts is one urlsplit accepts; a document with few '=' reads its attributes with
``el.items()`` as ``attribute_items`` would; a node loaded from a row equals one loaded from the
field dict; blank text never enters the content memo (the reader reports blank content)."""

from __future__ import annotations


from hypothesis import given, settings
from hypothesis import strategies as st

import voxxml
from voxxml.dialects.common import reader as common_reader
from voxxml.dialects.common.values import UrlType
from voxxml.dialects.voxxml_v1.grammar import grammar
from voxxml.hub.nodes import NODE_CLASSES, loader, row_fields, row_loader

import strategies as vs

_URL_PIECES = ["https://", "http://", "HTTPS://", "ftp://", "https:", "//", "", "a", "example.com", ":8080", "@", "[", "]",
               "/", "?", "#", " ", "\t", "\x01", "é", "．", "%20", "x=1", "..", "-"]


def _slow(value_type: UrlType, raw: str) -> object:
    """The parse without the plain-URL shortcut."""
    plain = value_type._plain  # type: ignore[attr-defined]
    object.__setattr__(value_type, "_plain", "(?!)")  # a pattern that takes nothing (compiled when used)
    try:
        return value_type.parse(raw)
    finally:
        object.__setattr__(value_type, "_plain", plain)


@settings(max_examples=400)
@given(st.lists(st.sampled_from(_URL_PIECES), max_size=8).map("".join) | vs.urls() | vs.relative_urls(), st.booleans())
def test_the_plain_url_shortcut_decides_as_urlsplit_does(raw: str, relative: bool) -> None:
    value_type = UrlType(relative=relative)
    assert value_type.parse(raw) == _slow(value_type, raw)


def test_the_shortcut_takes_the_common_urls_and_leaves_the_rest() -> None:
    from voxxml.core import compiled

    plain = compiled(UrlType()._plain)  # type: ignore[attr-defined]
    assert plain.fullmatch("https://pioneer-energy.example.net/voice/callbacks?x=1#y")
    assert plain.fullmatch("HTTP://user:pw@host:8080")
    for raw in ("https://[::1]/", "https://exämple.com/", "https:///path", "ftp://host/", "https://host/a b", "https://"):
        assert not plain.fullmatch(raw), raw


def _diagnostics(text: str) -> list[tuple[str, str, str]]:
    result = voxxml.parse(text)
    return [(d.code, d.message, str(d.span)) for d in result.diagnostics]


def test_a_document_with_many_equals_signs_reads_as_one_with_few(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Above the limit each element is asked for its count first (lxml's items() is quadratic)."""
    text = "<Response><Say voice='Jonna' lopp='2'>Hi</Say>" + "<Pause length='1'/>" * 600 + "<Say " + " ".join(f"a{i}='x'" for i in range(20)) + ">x</Say></Response>"
    many = _diagnostics(text)
    monkeypatch.setattr(common_reader, "_FEW_EQUALS", 10**9)
    assert _diagnostics(text) == many
    assert [code for code, _, _ in many].count("VX005") == 21


@given(vs.xml_fragment_documents())
@settings(max_examples=60)
def test_the_attribute_guard_changes_no_finding(text: str) -> None:
    few = _diagnostics(text)
    limit = common_reader._FEW_EQUALS
    common_reader._FEW_EQUALS = -1  # every element is asked for its count
    try:
        assert _diagnostics(text) == few
    finally:
        common_reader._FEW_EQUALS = limit


def test_a_node_from_a_row_equals_one_from_the_field_dict() -> None:
    document = voxxml.parse(
        "<Response><Say voice='Amy' language='en-GB' loop='2'>Hello</Say><Gather numDigits='3'><Play>https://e.com/a.mp3</Play></Gather>"
        "<Hangup/></Response>"
    ).document
    for node in document.walk():
        cls = type(node)
        content = next((name for name in cls.CONTENT), None)
        values = {name: getattr(node, name) for name in row_fields(cls, content)}
        by_dict = loader(cls, content)(values, node.source, node.index, getattr(node, content)) if content else loader(cls)({**values, "source": node.source, "index": node.index})
        by_row = row_loader(cls, content)(tuple(values.values()), node.source, node.index, *((getattr(node, content),) if content else ()))
        assert by_row == by_dict == node and by_row.index == node.index and by_row.source is node.source
    assert set(NODE_CLASSES) >= {"Say", "Gather", "Play", "Hangup"}


def test_blank_content_is_reported_every_time_never_memoized() -> None:
    """A blank text read without checks (a recovered tree) must not make a later clean read skip VX009."""
    spec = grammar().elements["Say"]
    spec.parse_content("   ")
    assert "   " not in spec.content_cache
    assert [code for code, _, _ in _diagnostics("<Response><Number>   </Number></Response>")] == ["VX009"]


def _grammars():  # type: ignore[no-untyped-def]
    from voxxml.dialects.twiml.grammar import grammar as twiml
    from voxxml.dialects.voxml.grammar import grammar as voxml

    return [grammar(), voxml(), twiml()]


def _hooks(index: int):  # type: ignore[no-untyped-def]
    from voxxml.dialects.twiml.reader import _HOOKS as twiml_hooks
    from voxxml.dialects.voxml.reader import _HOOKS as voxml_hooks
    from voxxml.dialects.voxxml_v1.reader import _HOOKS as v1_hooks

    return (v1_hooks, voxml_hooks, twiml_hooks)[index]


def _long_row(spec, fields):  # type: ignore[no-untyped-def]
    """The row as the reader made it before ``row_of``: each field looked up, ``extras`` defaulted."""
    from voxxml.hub.nodes import NO_EXTRAS

    return tuple(fields.get(name, NO_EXTRAS) if name == "extras" else fields[name] for name in spec.row_fields)


@st.composite
def _element_attributes(draw):  # type: ignore[no-untyped-def]
    which = draw(st.integers(0, 2))
    vocabulary = _grammars()[which]
    plans = common_reader._static_plans(vocabulary)
    spec = vocabulary.elements[draw(st.sampled_from(sorted(name for name, plan in plans.items() if plan[1] != common_reader._OTHER)))]
    names = sorted(spec.attributes) + ["bogus", "Voice"]
    raws = ["", "1", "0", "-3", "true", "Amy", "en-US", "$GATHER", "EQUAL", "NOTEQUAL", "1|2", "https://e.com/a", "dtmf speech", "#", "x y"]
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=6))
    return which, spec, tuple((name, draw(st.sampled_from(raws))) for name in chosen)


@given(_element_attributes())
@settings(max_examples=300)
def test_the_row_of_a_reading_is_the_row_looked_up_field_by_field(case) -> None:  # type: ignore[no-untyped-def]
    """``ElementSpec.row_of`` (one itemgetter) gives the row the field-by-field lookup gave, for any
    element of any dialect that the reader loads from a row, and any attributes; the reading's fields
    and findings are the public ones."""
    which, spec, items = case
    hooks = _hooks(which)
    fields, findings = common_reader._read_attributes(spec, items, hooks)
    assert spec.row_of(fields) == _long_row(spec, fields)
    assert "extras" in fields
    public = common_reader.read_attributes(spec, items, hooks)
    assert (public.fields, public.findings) == (fields, findings)


def test_every_row_of_has_the_length_of_its_fields() -> None:
    """One field, none or many: ``row_of`` always gives a tuple as long as ``row_fields``."""
    for vocabulary in _grammars():
        for spec in vocabulary.elements.values():
            fields = {name: object() for name in spec.row_fields}
            row = spec.row_of(fields)
            assert isinstance(row, tuple) and row == tuple(fields[name] for name in spec.row_fields), spec.name


@given(st.sampled_from(["$GATHER", "$gather", "GATHER", "", "$X"]), st.sampled_from([None, "EQUAL", "NOTEQUAL", "equal"]),
       st.none() | st.lists(st.sampled_from(["1", "2", "sales"]), max_size=3).map(tuple))
def test_a_v1_condition_reads_as_one_made_afresh(variable: str, test: str | None, value: tuple[str, ...] | None) -> None:
    """The variable's read is made once per variable and shared (a Var is immutable): the condition
    equals the one built afresh, position included."""
    from voxxml.dialects.voxxml_v1 import values
    from voxxml.dialects.voxxml_v1.reader import read_condition
    from voxxml.hub.expressions import In, Var

    name = values.VARIABLES.get(variable)
    fresh = None if name is None else In(Var(name, at=(0, len(variable))), tuple(value or ()), negated=test == "NOTEQUAL")
    for _ in range(2):  # made, then shared
        condition = read_condition(variable, test, value)
        assert condition == fresh
        if fresh is not None:
            assert condition.operand.at == fresh.operand.at and condition.negated is fresh.negated  # type: ignore[union-attr]
