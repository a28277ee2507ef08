"""The tokenizer's walk run only as far as a span needs (``SourceMap._tags_through``): one element's
name, attributes, offsets and spans found part of the way give what the whole walk gives, in any
order of asking, and the walk finished later is the whole walk's."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

import strategies as vs
from support import examples
from test_source_token import _PIECES
from voxxml.core.source import SourceMap, _tokenize

_NAMES = ["a", "b", "x", "y", "voice", "numDigits", "action"]
_ATTRIBUTE_PIECES = [*_PIECES, " x='1'", ' y="2"', " voice='man'", ' numDigits="3"', " x=", "=", " a b"]
_TEXTS = st.one_of(vs.xml_fragment_documents(), st.lists(st.sampled_from(_ATTRIBUTE_PIECES), max_size=60).map("".join))


_ASKS = ("name", "attribute", "element", "span", "content")


def _ask(source: SourceMap, ask: str, index: int, name: str) -> object:
    if ask == "name":
        return source.name_span(index)
    if ask == "attribute":
        return source.attribute_tokens(index, name)
    if ask == "element":
        view = source.element(index)
        return None if view is None else (view.name, view.start, view.name_end, view.tag_end, view.parent, view.self_closing, view.content_end, view.end)
    if ask == "span":
        return source.element_span(index)
    return source.content_span(index)


def _whole(text: str, ask: str, index: int, name: str) -> object:
    """What a map that tokenized the whole text first answers."""
    source = SourceMap(text)
    source.tags  # noqa: B018 - the whole walk, first
    return _ask(source, ask, index, name)


@examples(500)
@given(_TEXTS, st.data())
def test_a_walk_part_of_the_way_answers_as_the_whole_walk(text: str, data: st.DataObject) -> None:
    count = len(_tokenize(text).starts)
    ask = st.tuples(st.sampled_from(_ASKS), st.integers(-1, count), st.sampled_from(_NAMES))  # the elements, one past each end
    asks = data.draw(st.lists(ask, max_size=8))
    source = SourceMap(text)
    for what, index, name in asks:
        assert _ask(source, what, index, name) == _whole(text, what, index, name)
    assert source.tags == _tokenize(text)  # the walk finished from where it stopped
    for what, index, name in asks:  # and asked again once it is whole
        assert _ask(source, what, index, name) == _whole(text, what, index, name)


@pytest.mark.parametrize("ask", _ASKS)
@pytest.mark.parametrize("text", ["<a x='1'><b y='2'>t</b><c/></a>", "<a><b x='1'><c></a><d y='2'/>", "<a><!-- <b x='1'> --><b x='2'>t</b>"])
def test_each_element_asked_first_answers_as_the_whole_walk(ask: str, text: str) -> None:
    for index in range(-1, len(_tokenize(text).starts) + 1):
        for name in ("x", "y"):
            assert _ask(SourceMap(text), ask, index, name) == _whole(text, ask, index, name)


def test_one_attribute_walks_only_up_to_its_element() -> None:
    text = "<Response><Gather numDigitz='3'/>" + "<Say>hi</Say>" * 1000 + "</Response>"
    source = SourceMap(text)
    found = source.attribute_tokens(1, "numDigitz")
    assert found is not None and text[found.name_start : found.name_end] == "numDigitz"
    assert source._tags is None and source._walk is not None
    assert len(source._walk.tags.starts) == 2  # the Response and the Gather: not the 1,000 Says
    assert source.name_span(1) == _whole(text, "name", 1, "")
    assert len(source._walk.tags.starts) == 2
    assert len(source.tags.starts) == 1002 and source._walk is None


def test_an_element_past_the_last_walks_the_whole_text_once() -> None:
    source = SourceMap("<a><b x='1'/></a>")
    assert source.attribute_tokens(5, "x") is None
    assert source._tags is not None and source._walk is None  # the walk reached the end: kept whole
    assert source.attribute_tokens(1, "x") is not None


def test_an_element_span_walks_only_to_its_end() -> None:
    text = "<Response><Gather><Say>a</Say><Say>b</Say></Gather>" + "<Say>hi</Say>" * 1000 + "</Response>"
    source = SourceMap(text)
    assert source.element_span(1) == _whole(text, "span", 1, "")
    assert source._tags is None and len(source._walk.tags.starts) == 4  # up to the Gather's end tag
