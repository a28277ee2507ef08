"""A grammar of one terminal is read without lark (``languages._one_terminal``): held equal to lark.

Why it matters: lark costs about 170 M instructions to import and build, in every process of a pool,
and a misspelt phone number (``+1555...`` in v1, 16 digits) was enough to pay it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voxxml.core.resources import grammar_file
from voxxml.dialects.common import languages

GRAMMARS = [(folder, path.name) for folder in ("voxxml-v1", "voxml", "twiml") for path in sorted(grammar_file(folder, "any.lark").parent.glob("*.lark"))]
ONE_TERMINAL = [grammar for grammar in GRAMMARS if languages._one_terminal(*grammar) is not None]


def outcome(read, folder: str, filename: str, text: str) -> tuple:
    try:
        return ("ok", [(str(token), token.type, token.start_pos, token.end_pos) for token in read(folder, filename, text)])
    except languages.LanguageError as error:
        return ("error", error.position, error.found)


def test_the_one_terminal_grammars_are_the_ones_expected() -> None:
    """The shape test is strict: it takes the E.164 and finishOnKey grammars and nothing with a second rule."""
    assert sorted(ONE_TERMINAL) == [("voxml", "e164.lark"), ("voxml", "finish_on_key.lark"), ("voxxml-v1", "e164.lark"), ("voxxml-v1", "finish_on_key.lark")]


TEXTS = st.one_of(
    st.text(alphabet="0123456789+#* a\n", max_size=22),
    st.text(alphabet="0123456789", min_size=13, max_size=18),
    st.text(max_size=8),
)


@pytest.mark.parametrize("grammar", ONE_TERMINAL, ids=lambda grammar: "/".join(grammar))
@settings(max_examples=100, deadline=None)
@given(text=TEXTS)
def test_tokens_and_errors_equal_lark(grammar: tuple[str, str], text: str) -> None:
    assert outcome(languages.tokens, *grammar, text) == outcome(languages.lark_tokens, *grammar, text)


def test_a_v1_number_with_a_plus_does_not_load_lark(tmp_path) -> None:
    """The mistake that loaded lark in a pool's every worker: checked in a fresh process."""
    path = tmp_path / "ivr.voxxml"
    path.write_text('<Response><Dial><Number>+15551234567</Number><Number>1234567890123456</Number></Dial></Response>')
    code = (
        "import sys; from voxxml.lint import lint_file; "
        f"result = lint_file({str(path)!r}); "
        "print(sorted(d.code for d in result.diagnostics)); print('lark' in sys.modules)"
    )
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert printed[0].count("VX") >= 2 and printed[1] == "False"
