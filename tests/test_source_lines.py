"""``SourceMap.line_starts`` (every span's line and column) is found from the text's bytes where each
character is one byte (``bytes.splitlines`` ends lines where XML does) and by splitting at \\n otherwise;
these properties hold it to the plain definition on any text: a line starts at offset 0 and after every
\\r\\n, lone \\r and \\n, and nowhere else (not at \\v, \\f, \\x1c-\\x1e, \\x85, \\u2028 or \\u2029, where
``str.splitlines`` would end a line), for texts of one, two and four bytes a character."""

from __future__ import annotations

import re

from hypothesis import given, strategies as st

from support import examples
from voxxml.core.source import SourceMap, _line_starts


def _by_definition(text: str) -> list[int]:
    return [0] + [match.end() for match in re.finditer(r"\r\n|\r|\n", text)]


_BREAKS = ["\n", "\r", "\r\n", "\n\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
_TEXTS = st.one_of(
    st.lists(st.sampled_from(_BREAKS + ["a", "<Say>", " ", "é", "\u3042", "\U0001f600"]), max_size=40).map("".join),
    st.text(max_size=80),
)


@examples(500)
@given(_TEXTS)
def test_line_starts_are_where_xml_lines_start(text: str) -> None:
    assert _line_starts(text) == _by_definition(text)


@examples(200)
@given(_TEXTS)
def test_positions_round_trip_through_the_line_starts(text: str) -> None:
    source = SourceMap(text)
    for offset in range(len(text) + 1):
        line, column = source.position(offset)
        assert source.offset(line, column) == offset


def test_the_edges() -> None:
    assert _line_starts("") == [0]
    assert _line_starts("a") == [0]
    assert _line_starts("a\n") == [0, 2]
    assert _line_starts("\n\n") == [0, 1, 2]
    assert _line_starts("a\u2028b\nc") == [0, 4]  # U+2028 is not an XML line break
    assert _line_starts("a\x85b\x0c\n") == [0, 5]
    assert _line_starts("a\r\nb\rc") == [0, 3, 5]
    assert _line_starts("a\r") == [0, 2]
    assert _line_starts("\u0100\r\n\n") == [0, 3, 4]  # two bytes a character: the other way
    assert _line_starts("\ud800\nx") == [0, 2]  # a lone surrogate has no latin-1 byte either
