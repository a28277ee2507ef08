"""The value mini-languages: lark grammars are the definition; fast regexes must agree with them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voxxml.dialects.voxxml_v1 import languages
from voxxml.dialects.voxxml_v1.grammar import grammar
from voxxml.dialects.voxxml_v1.values import KeywordsType, LanguageType, has_reference, say_variables, template_segments

from support import examples

FAST = {name: table for name, table in grammar().types.items() if "fast" in table}
ALPHABET = st.sampled_from(list("0123456789#*| abcXYZ$\t\n-+é") + ["", "||"])


def lark_accepts(filename: str, text: str) -> bool:
    try:
        languages.tokens(filename, text)
    except languages.LanguageError:
        return False
    return True


def test_the_fast_paths_cover_the_value_languages() -> None:
    assert set(FAST) == {"if_value", "finish_on_key", "e164"}


@pytest.mark.parametrize("name", sorted(FAST))
@examples(300)
@given(text=st.lists(ALPHABET, max_size=20).map("".join))
def test_fast_regex_accepts_exactly_what_the_grammar_accepts(name: str, text: str) -> None:
    table = FAST[name]
    assert bool(re.fullmatch(table["fast"], text)) == lark_accepts(table["grammar"], text)


@pytest.mark.parametrize("name", sorted(FAST))
@examples(200)
@given(text=st.lists(ALPHABET, max_size=20).map("".join))
def test_fast_and_slow_paths_build_the_same_value(name: str, text: str) -> None:
    table = FAST[name]
    fast = LanguageType(table["grammar"], table["description"], (), table["fast"])
    slow = LanguageType(table["grammar"], table["description"])
    assert fast.parse(text) == slow.parse(text)


@examples(300)
@given(words=st.lists(st.sampled_from(["dtmf", "speech", "speach", "", " ", "\t", "DTMF"]), max_size=5))
def test_keyword_fast_path_matches_the_grammar(words: list[str]) -> None:
    raw = " ".join(words)
    keywords = KeywordsType(("dtmf", "speech"), 1)
    value, problems = keywords.parse(raw)
    tokens = [str(t) for t in languages.tokens("keyword_list.lark", raw)]
    assert value == tuple(t for t in tokens if t in ("dtmf", "speech"))
    assert bool(problems) == (any(t not in ("dtmf", "speech") for t in tokens) or not tokens)


def test_e164_digits_only_at_most_fifteen() -> None:
    assert lark_accepts("e164.lark", "1" * 15) and not lark_accepts("e164.lark", "1" * 16)
    assert not lark_accepts("e164.lark", "+15556667777") and not lark_accepts("e164.lark", "")


def test_if_value_alternatives() -> None:
    assert [str(t) for t in languages.tokens("if_value.lark", "1|english|press 2")] == ["1", "english", "press 2"]
    assert not lark_accepts("if_value.lark", "1||2") and not lark_accepts("if_value.lark", "|1")


def test_say_template_segments() -> None:
    tokens = languages.tokens("say_template.lark", "You said $GATHER, $5 off")
    assert [(t.type, str(t)) for t in tokens] == [("LITERAL", "You said "), ("VARIABLE", "$GATHER"), ("LITERAL", ", $5 off")]


def test_say_template_reads_braced_names_as_variables() -> None:
    """'${GATHER}' is a variable token (reported as VX011, read out literally); a '${' without a name is text."""
    tokens = languages.tokens("say_template.lark", "a ${GATHER} b ${ c ${1} $}")
    assert [(t.type, str(t)) for t in tokens] == [("LITERAL", "a "), ("VARIABLE", "${GATHER}"), ("LITERAL", " b ${ c ${1} $}")]


_SAY_ALPHABET = st.sampled_from(["$", "{", "}", "G", "A", "_", "x", "1", " ", "é", "\n", "GATHER", "$GATHER", "${GATHER}"])


@given(st.lists(_SAY_ALPHABET, max_size=12).map("".join))
def test_say_variables_are_the_grammars_variable_tokens(text: str) -> None:
    """Say text is read with a regex (values.say_variables), not lark: the same VARIABLE tokens, at the same places."""
    tokens = languages.tokens("say_template.lark", text)
    expected = [(str(t), t.start_pos, t.end_pos) for t in tokens if t.type == "VARIABLE"]
    assert say_variables(text) == expected
    assert has_reference(text) == bool(expected)


@given(st.lists(_SAY_ALPHABET, max_size=12).map("".join))
def test_say_template_segments_join_back_to_the_text(text: str) -> None:
    segments = template_segments(text)
    assert "".join(s if isinstance(s, str) else text[s.offset : s.offset + s.length] for s in segments) == text
    assert all(not isinstance(a, str) or not isinstance(b, str) for a, b in zip(segments, segments[1:]))  # literals joined
