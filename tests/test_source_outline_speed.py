"""The span outline of a text lxml parsed well-formed (``SourceMap(text, well_formed=True)``) takes
``_well_formed_outline``: a simpler pattern (a start tag read up to its first '>', any end tag after an
element's text taken as its own) and no names kept, for a fifth less of the outline's work. It must give
the general walk's dicts (``_outline``) on every text lxml parses, or give up (None) and leave the text to
``_outline``: these properties hold it to that, on generated well-formed texts, texts built from pieces
that lxml happens to accept, the examples and the benchmark corpus (v1 and VoXML), and on the texts that
mislead its pattern ('>' and '/>' inside attribute values)."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from hypothesis import given, strategies as st
from lxml import etree

import strategies as vs
from support import EXAMPLES, examples
from voxxml.core.source import SourceMap, _line_starts, _outline, _well_formed_outline
from voxxml.core.xmlparse import HARDENED

sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))
from corpus import DEFAULT_SEED, corpus_ivr  # noqa: E402

_STRICT = etree.XMLParser(**HARDENED)


def _parses(text: str) -> bool:
    """Whether lxml parses ``text`` strictly, as the pipeline does before it marks a source well-formed."""
    try:
        etree.fromstring(text.encode("utf-8"), _STRICT)
    except etree.XMLSyntaxError:
        return False
    return "<!DOCTYPE" not in text  # the pipeline refuses a DTD before it parses


def _outlines(text: str) -> tuple[list[dict[str, int]] | None, list[dict[str, int]]]:
    lines = _line_starts(text)
    return _well_formed_outline(text, lines), _outline(text, lines)


def _holds(text: str) -> list[dict[str, int]] | None:
    """The well-formed walk gives the general walk's dicts or None; the source map's answer is the general one."""
    fast, general = _outlines(text)
    assert fast is None or fast == general
    assert SourceMap(text, well_formed=True).element_span_dicts() == general
    return fast


# Attribute values and text that mislead a start tag read up to its first '>': the walk must see it
_VALUES = ["'1'", "'>'", '">"', "'/>'", '"/>"', "'a>b'", "'x/>y'", "'\"/>'", '"\'>"', "''", "'&gt;'", "'it''s'"]
_TEXTS = ["", "t", "x > y", "a/>b", " ", "\n  ", "\r\n", "<!-- c/> -->", "<![CDATA[<a/>]]>", "<?pi x?>", "\xe9", "\u3000", "\U0001f600"]


@st.composite
def _misleading(draw: st.DrawFn, depth: int = 0) -> str:
    """A well-formed element whose attribute values and text may hold '>' and '/>'."""
    name = draw(st.sampled_from(["a", "b", "Say", "é"]))
    attributes = "".join(f" {key}={value}" for key, value in zip("xyz", draw(st.lists(st.sampled_from(_VALUES), max_size=3))))
    attributes = attributes.replace("'it''s'", "\"it's\"")
    space = draw(st.sampled_from(["", " ", "\n"]))
    if draw(st.integers(0, 2)) == 0:
        return f"<{name}{attributes}{space}/>"
    parts = [draw(st.sampled_from(_TEXTS))]
    if depth < 3:
        for _ in range(draw(st.integers(0, 3))):
            parts.append(draw(_misleading(depth + 1)))
            parts.append(draw(st.sampled_from(_TEXTS)))
    return f"<{name}{attributes}{space}>{''.join(parts)}</{name}{draw(st.sampled_from(['', ' ', chr(10)]))}>"


@examples(300)
@given(st.one_of(vs.vocabulary_documents().map(lambda doc: doc[0]), vs.written_documents()))
def test_generated_documents_take_the_well_formed_walk_and_get_the_same_dicts(text: str) -> None:
    """Without a '>' inside an attribute value (these write it '&gt;') the walk never gives up."""
    if _parses(text):
        assert _holds(text) is not None


@examples(500)
@given(_misleading())
def test_gt_and_empty_element_ends_inside_values_give_the_same_dicts_or_none(text: str) -> None:
    assert _parses(text), text
    _holds(text)


@examples(500)
@given(
    st.one_of(
        vs.xml_fragment_documents(),
        st.lists(st.sampled_from(["<a>", "</a>", "<b/>", "<b x='>'/>", "<c y='/>'>", "</c>", "t", "\n", "\r\n", "<!--/>-->", "<?p?>"]), max_size=30).map("".join),
    )
)
def test_texts_lxml_accepts_get_the_same_dicts(text: str) -> None:
    if _parses(text):
        _holds(text)


def test_texts_that_mislead_the_pattern_give_up() -> None:
    """An empty element with '/>' or '>' in a value is read as a start tag, or as an element whose end tag
    is its parent's; either leaves an element open (an empty element followed by text with a '>' too):
    the walk gives up and the general walk answers. A '>' or '/>' in the value of an element with text
    or children is read at the wrong '>' but gives the same dicts."""
    misleading = [
        "<r><a x='/>'/></r>",
        "<a x='/>'/>",
        "<r><a x='>'/></r>",
        "<r><a x='>'/>t</r>",
        "<r><a x='>'/><b y='/>'>t</b></r>",
        "<r><a/>x > y</r>",
    ]
    for text in misleading:
        assert _parses(text), text
        assert _holds(text) is None, text
    harmless = [
        "<r><a x='>'>t</a></r>",
        "<r><a y='/>'>t</a></r>",
        "<r><c x='a>b'>\n <d/>\n</c></r>",
        "<r><c x='/>'>\n<d/>\n</c></r>",
        "<r>\n<a x='1'/>\n<b>x</b>\r\n</r>",
    ]
    for text in harmless:
        assert _parses(text), text
        assert _holds(text) is not None, text


def test_the_examples_and_the_benchmark_corpus_take_the_walk_and_get_the_same_dicts() -> None:
    from voxxml.pipeline import convert

    texts = [path.read_text(encoding="utf-8") for path in EXAMPLES]
    v1 = [corpus_ivr(DEFAULT_SEED, index).text for index in range(40)]
    voxml = [convert(text.encode("utf-8"), "x.voxxml", "voxml").output for text in v1[:15]]
    texts += v1 + [text for text in voxml if text is not None]
    taken = [text for text in texts if _parses(text)]
    assert len(taken) > 40
    for text in taken:
        assert _holds(text) is not None


@examples(200)
@given(st.one_of(vs.written_documents(), _misleading()))
def test_a_well_formed_source_answers_spans_as_any_source(text: str) -> None:
    """Element and name spans from the well-formed walk's dicts, before and after tokenizing, and a
    pickled source keeps the flag."""
    plain, marked = SourceMap(text), SourceMap(text, well_formed=True)
    assert marked.element_span_dicts() == plain.element_span_dicts()
    indexes = range(-1, len(plain.element_span_dicts()) + 1)
    before = [(marked.element_span(i), marked.name_span(i)) for i in indexes]
    assert before == [(plain.element_span(i), plain.name_span(i)) for i in indexes]
    marked.tags
    assert [(marked.element_span(i), marked.name_span(i)) for i in indexes] == before
    copy = pickle.loads(pickle.dumps(marked))
    assert copy.well_formed and copy.text == text and not pickle.loads(pickle.dumps(plain)).well_formed


def test_hostile_well_formed_texts_outline_in_linear_time() -> None:
    """Every text the well-formed walk reads twice at most (an empty element's look ahead, an element's
    text before its end tag is known not to come): 8 times the input costs at most 20 times the time."""
    from bench_growth import best_of

    shapes = [
        lambda n: "<r>" + "<a x='>' y='/>'/>\n" * n + "</r>",  # gives up: every empty element misread
        lambda n: "<r>" + "<a x='1'/>" + " " * n + "<b>" + "t > " * n + "</b>" + "<c/>" * n + "</r>",
        lambda n: "<r>" + ("<g>" * 100 + "<a x='>'>t</a>" + "</g>" * 100) * (n // 50) + "</r>",  # lxml nests 256 deep at most
        lambda n: "<r><a " + " ".join(f"k{i}='v>/'" for i in range(n)) + ">t</a></r>",
    ]

    def outline(text: str) -> object:
        return SourceMap(text, well_formed=True).element_span_dicts()

    for make in shapes:
        size = 500
        small, large = make(size), make(size * 8)
        assert _parses(small)
        while best_of(outline, small) < 0.002 and len(large) < 8_000_000:
            size *= 2
            small, large = make(size), make(size * 8)
        ratio = best_of(outline, large) / max(best_of(outline, small), 1e-6)
        assert ratio <= 20, f"{ratio:.1f}x the time for 8x the input: {small[:60]!r}"
