r"""The tag pattern (``_token``) is spelt for sre's speed: its optional tails as alternatives with an
empty last one, ``(?:A|B|)``, where the plain spelling is ``(?:A|B)?``, the tags' alternatives before the
markup without groups, and, for a text of one byte a character (``_latin1_token``), its classes as
bitmaps of \x00-\xff instead of negated classes and ``\s``. These properties hold every spelling to the
same matches on any text it is used for (every group's span and ``lastindex``, which the tokenizer and
the outline dispatch on), and the outline that walks them to linear work on hostile shapes."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

import strategies as vs
from support import examples
from voxxml.core.source import _CLASSES, _LATIN1_CLASSES, CDATA, COMMENT, DECLARATION, PROCESSING_INSTRUCTION, SourceMap, _latin1_token, _token, _token_for

sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))
from bench_growth import SHAPES, Shape, best_of  # noqa: E402

# The pattern as first written (before the speed spelling): the reference.
_PLAIN = re.compile(
    f"{COMMENT}|{CDATA}|{PROCESSING_INSTRUCTION}|{DECLARATION}"
    r"|</\s*+(?P<end>[^\s>]*+)\s*+>?"
    r"""|<(?P<start>[^\s/>!?<]++)[^>"'</]*+(?:(?:"[^"]*+"|'[^']*+'|/(?!>))[^>"'</]*+)*+"""
    r"(?:(?P<close>/>)|>(?:(?P<text>[^<]*+)(?P<leaf></(?P=start)\s*+>))?)?",
    re.S,
)

_PIECES = ["<", ">", "/", "/>", "a", "Say", "b", " ", "\t", "\n", "\r", "\u3000", "'", '"', "=", "x='>'", 'y="/"', "<!--", "-->", "<![CDATA[", "]]>", "<?", "?>", "<!", "</a>", "</a >", "<a>", "<b/>", "</Say>", "<Say>", "hi"]
_TEXTS = st.one_of(vs.xml_fragment_documents(), st.lists(st.sampled_from(_PIECES), max_size=50).map("".join), st.text(max_size=60))


def _matches(pattern: re.Pattern[str], text: str) -> list[tuple[int | None, tuple[tuple[int, int], ...]]]:
    return [(match.lastindex, tuple(match.span(group) for group in range(pattern.groups + 1))) for match in pattern.finditer(text)]


@examples(300)
@given(_TEXTS)
def test_the_token_pattern_matches_as_the_plain_spelling_does(text: str) -> None:
    assert _token().groupindex == _PLAIN.groupindex
    assert _matches(_token(), text) == _matches(_PLAIN, text)


# Every character up to U+00FF that a class tells apart: white space of every kind (\x1c-\x1f, \x85,
# \xa0 are white space to ``\s``), the delimiters, and letters on both sides of \x7f.
_LATIN1_PIECES = [*_PIECES[:12], *_PIECES[13:], "\x85", "\xa0", "\x1c", "\x1f", "\x0b", "\x0c", "\x7f", "\x80", "\x9f", "\xe9", "\xff", "<\xe9>", "</\xe9>", "<a\x85>", "</a\xa0>", "<a\xa0b='1'>"]
_LATIN1_TEXTS = st.one_of(
    st.lists(st.sampled_from(_LATIN1_PIECES), max_size=50).map("".join),
    st.text(st.characters(max_codepoint=0xFF), max_size=60),
    vs.xml_fragment_documents().filter(lambda text: max(text, default="a") <= "\xff"),
)


@examples(300)
@given(_LATIN1_TEXTS)
def test_the_latin1_pattern_matches_as_the_plain_spelling_does(text: str) -> None:
    assert _latin1_token().groupindex == _PLAIN.groupindex
    assert _matches(_latin1_token(), text) == _matches(_PLAIN, text)


def test_the_latin1_classes_take_the_same_characters_up_to_ff() -> None:
    """Each bitmap class is its class of any text, character by character, for every character a text
    of one byte a character can hold (and takes none above: it is used on no other text)."""
    assert len(_LATIN1_CLASSES) == len(_CLASSES)
    for general, latin1 in zip(_CLASSES, _LATIN1_CLASSES):
        wide, narrow = re.compile(general), re.compile(latin1)
        assert [chr(code) for code in range(256) if wide.fullmatch(chr(code))] == [chr(code) for code in range(256) if narrow.fullmatch(chr(code))], general
        assert not narrow.fullmatch("\u0100") and not narrow.fullmatch("\u3000")


def test_each_text_is_scanned_with_a_pattern_that_holds_its_characters() -> None:
    assert _token_for("<Say>hi</Say>") is _latin1_token()
    assert _token_for("<Say>caf\xe9\xa0</Say>") is _latin1_token()  # latin-1 beyond ASCII
    assert _token_for("<Say>\u3000</Say>") is _token()
    assert _token_for("<Say>\U0001f600</Say>") is _token()
    assert _token_for("\ud800") is _token()  # a lone surrogate has no latin-1 byte
    # why: on a wide text the bitmap classes would be wrong (U+3000 is a start tag's character outside quotes)
    wide = "<a\u3000b='1'>x</a>"
    assert _matches(_token(), wide) == _matches(_PLAIN, wide) != _matches(_latin1_token(), wide)


def test_the_plain_spelling_is_a_real_reference() -> None:
    """The property above can fail: a tail that differed (the leaf's end tag made optional) is caught."""
    broken = re.compile(_PLAIN.pattern.replace("(?P<leaf></(?P=start)\\s*+>))?)?", "(?P<leaf></(?P=start)\\s*+>)?)?)?"), re.S)
    assert broken.pattern != _PLAIN.pattern
    assert _matches(broken, "<a>x</b>") != _matches(_PLAIN, "<a>x</b>")


@pytest.mark.parametrize("shape", [shape for shape in SHAPES if shape.name in ("one-line", "deep-nesting", "attribute-name-run", "many-attributes", "unclosed", "unclosed-comments", "syntax-errors")], ids=lambda shape: shape.name)
def test_the_span_outline_grows_linearly(shape: Shape) -> None:
    """The compiler's span table (``element_span_dicts``) on the growth benchmark's hostile shapes: 8 times
    the input costs at most 20 times the time (linear gives about 8; quadratic 64)."""
    size = max(1, shape.size // 64)

    def outline(text: str) -> object:
        return SourceMap(text).element_span_dicts()

    small, large = shape.make(size), shape.make(size * 8)
    while best_of(outline, small) < 0.002 and len(large) < 8_000_000:
        size *= 2
        small, large = shape.make(size), shape.make(size * 8)
    ratio = best_of(outline, large) / max(best_of(outline, small), 1e-6)
    if ratio > 20:
        ratio = min(ratio, best_of(outline, large) / max(best_of(outline, small), 1e-6))
    assert ratio <= 20, f"{shape.name}: {ratio:.1f}x the time for 8x the input"


def test_a_megabyte_on_one_line_and_deep_nesting_outline_quickly() -> None:
    import time

    one_line = "<Response>" + "<Say voice='Joanna'>hello</Say><Pause length='1'/>" * 20_000 + "</Response>"
    deep = "<Gather>" * 20_000 + "</Gather>" * 20_000
    for text in (one_line, deep):
        start = time.process_time()
        spans = SourceMap(text).element_span_dicts()
        assert time.process_time() - start < 2.0
        assert spans[0] == {"line": 1, "column": 1, "end_line": 1, "end_column": len(text) + 1}
