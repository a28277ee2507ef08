"""The compiler's span table comes from ``_outline``, a walk that keeps only elements' span dicts (their
starts and ends by line and column; a name is read again at its start when asked for); every span it
gives must be the one the full tokenizer gives (the reader, the language server and the reporters use
the tokenizer's). These properties hold the two walks equal on any text."""

from __future__ import annotations

from hypothesis import given, strategies as st

import strategies as vs
from support import EXAMPLES, examples
from voxxml.core import compiled
from voxxml.core.source import _NAME, SourceMap, _outline, _tokenize

_TEXTS = st.one_of(
    vs.xml_fragment_documents(),
    st.lists(st.sampled_from(["<", ">", "/", "a", "Say", " ", "\n", "\r", "'", '"', "=", "<!--", "-->", "<![CDATA[", "]]>", "<?", "?>", "</a>", "<a>", "<b/>", "\xe9", "\x85", "\u3000"]), max_size=40).map("".join),
    # nesting, well-formed for a while and then not: the outline counts the open names only from the
    # first end tag that does not close the innermost element
    st.lists(st.sampled_from(["<a>", "</a>", "<b>", "</b>", "<c>x</c>", "<c/>", "\n  ", "</c>", "</d>"]), max_size=40).map("".join),
)


def _resolved_ends(text: str) -> list[int]:
    tags = _tokenize(text)
    return [end if end >= 0 else tag_end for end, tag_end in zip(tags.ends, tags.tag_ends)]


def _names_starts_ends(text: str) -> tuple[list[str], list[int], list[int]]:
    """What the outline's dicts say of each element, as offsets (and the name read at its start)."""
    lines = SourceMap(text).line_starts
    spans = _outline(text, lines)
    starts = [lines[where["line"] - 1] + where["column"] - 1 for where in spans]
    ends = [lines[where["end_line"] - 1] + where["end_column"] - 1 for where in spans]
    names = [found.group() if (found := compiled(_NAME).match(text, start + 1)) else "" for start in starts]
    return names, starts, ends


@examples(300)
@given(_TEXTS)
def test_the_outline_is_the_tokenizers_names_starts_and_ends(text: str) -> None:
    names, starts, ends = _names_starts_ends(text)
    tags = _tokenize(text)
    assert names == tags.names
    assert starts == tags.starts
    assert ends == _resolved_ends(text)
    spans = _outline(text, SourceMap(text).line_starts)
    assert all(list(where) == ["line", "column", "end_line", "end_column"] for where in spans)  # as plans write them


@examples(300)
@given(_TEXTS)
def test_spans_before_and_after_tokenizing_are_the_same(text: str) -> None:
    """A source whose span table was asked for first answers element and name spans from the outline;
    once tokenized (an attribute's span was asked for) from the tags: the same spans either way."""
    source = SourceMap(text)
    table = source.element_span_dicts()
    indexes = range(-1, len(table) + 1)
    before = [(source.element_span(i), source.name_span(i)) for i in indexes]
    assert source._tags is None  # answered without tokenizing
    source.tags
    assert [(source.element_span(i), source.name_span(i)) for i in indexes] == before
    assert source.element_span_dicts() == table


def test_the_examples_outline_equals_their_tokens() -> None:
    for path in EXAMPLES:
        text = path.read_bytes().decode("utf-8", "replace")
        assert _names_starts_ends(text) == (_tokenize(text).names, _tokenize(text).starts, _resolved_ends(text)), path


def test_broken_nesting_pairs_end_tags_as_the_tokenizer_does() -> None:
    """An end tag that matches no open element is passed over; one that matches an outer element closes
    every element inside it; an element never closed ends with its start tag."""
    text = "<a>\n <b><c>x</a>\n</d><e>"
    spans = _outline(text, SourceMap(text).line_starts)
    names, _, ends = _names_starts_ends(text)
    assert names == ["a", "b", "c", "e"]
    assert ends == [text.index("</a>") + 4] * 3 + [len(text)]
    assert spans[0] == {"line": 1, "column": 1, "end_line": 2, "end_column": 13}  # " <b><c>x</a>" is 12 characters
    assert spans[3] == {"line": 3, "column": 5, "end_line": 3, "end_column": 8}


def test_end_tags_pair_alike_before_and_after_the_first_that_does_not() -> None:
    """The first stray end tag comes after elements were opened and closed in order; after it, end tags
    still close the innermost element, or an outer one and everything inside it, or nothing."""
    text = "<r>\n<a><b></b>\n<c></x></c>\n<d><e></d>\n<f></f></e></r><g></g>"
    names, starts, ends = _names_starts_ends(text)
    tags = _tokenize(text)
    assert names == tags.names == ["r", "a", "b", "c", "d", "e", "f", "g"]
    assert ends == _resolved_ends(text)
    assert ends[names.index("c")] == text.index("</c>") + 4  # </x> closed nothing
    assert ends[names.index("e")] == ends[names.index("d")] == text.index("</d>") + 4  # </d> closed e too
    assert ends[names.index("a")] == ends[names.index("r")] == text.index("</r>") + 4  # </e> closed nothing; </r> closed a
    assert ends[names.index("g")] == len(text)


def test_a_source_map_pickles_as_its_text() -> None:
    """``lint`` sends a file's source map back from a worker process pickled; it must come back whole
    (in the mypyc build too, whose SourceMap is a C class: tests/test_compiled.py runs lint with -j2)."""
    import pickle

    text = "<Response>\n  <Say voice='Joanna'>hi</Say>\n  <Pause length='2'/>\n</Response>\n"
    original = SourceMap(text)
    original.element_span(1)  # caches made before pickling do not travel
    copy = pickle.loads(pickle.dumps(original))
    assert type(copy) is SourceMap and copy.text == text
    assert [copy.element_span(i) for i in range(3)] == [original.element_span(i) for i in range(3)]
    assert copy.vocabulary is None
