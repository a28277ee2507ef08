"""Value mini-languages defined by lark grammars in ``grammar/<folder>/*.lark``, one parser per file.

lark is imported on first use, not with this module: the readers' regexes accept the common values,
so most lints never need a grammar, and importing lark (with ``regex``) costs more than a short lint.
A grammar of one terminal (``start: T``, ``T*`` or ``T+``, where ``T`` is one regex: the E.164 numbers,
the finishOnKey keys) is not given to lark even for a bad value: its tokens and its error position are
what lark's lexer finds by matching that regex at each position (``_one_terminal``; a property test holds
them equal to lark's). Why: a misspelt number is a common mistake, and lark (about 170 M instructions
to import and build, in every worker of a pool) costs more than linting a hundred files.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from ...core.resources import grammar_text

if TYPE_CHECKING:
    from lark import Lark, Token


class LanguageError(ValueError):
    """A value is not in the language; ``position`` is the offending character's index."""

    def __init__(self, position: int, found: str | None) -> None:
        self.position = position
        self.found = found
        super().__init__(f"unexpected {found!r} at {position}" if found else f"unexpected end at {position}")


@cache
def parser(folder: str, filename: str) -> Lark:
    from lark import Lark

    return Lark(grammar_text(folder, filename), parser="lalr", maybe_placeholders=False)


class Lexeme(str):
    """A token of a one-terminal grammar, with the attributes of lark's ``Token`` that callers read."""

    type: str
    start_pos: int
    end_pos: int

    def __new__(cls, value: str, type: str, start: int, end: int) -> Lexeme:
        token = super().__new__(cls, value)
        token.type, token.start_pos, token.end_pos = type, start, end
        return token


# The whole of a one-terminal grammar once its comments and blank lines are gone: the start rule
# names one terminal (with * or + or nothing), which is one regex literal without flags or slashes.
_ONE_TERMINAL = r"start: ([A-Z][A-Z0-9_]*+)([*+]?+)\n([A-Z][A-Z0-9_]*+): /([^/\n]++)/\n?"


@cache
def _one_terminal(folder: str, filename: str) -> tuple[str, re.Pattern[str], str] | None:
    """(terminal name, its regex, '' or '*' or '+') for a one-terminal grammar; None for any other."""
    lines = grammar_text(folder, filename).splitlines()
    rules = "".join(line + "\n" for line in lines if line.strip() and not line.lstrip().startswith("//"))
    match = re.fullmatch(_ONE_TERMINAL, rules)
    if match is None or match.group(1) != match.group(3):
        return None
    return match.group(1), re.compile(match.group(4)), match.group(2)


def _one_terminal_tokens(name: str, pattern: re.Pattern[str], repeat: str, text: str) -> list[Token]:
    """What lark's lexer and parser make of ``text`` for ``start: NAME<repeat>``: the regex matched at
    each position in turn; the error is where it does not match, or where a token comes that the
    rule has no room for, or the end if the rule needs a token that did not come."""
    found: list[Lexeme] = []
    position = 0
    while position < len(text):
        match = pattern.match(text, position)
        if match is None or match.end() == position or (repeat == "" and found):  # no token here, or no room for one
            raise LanguageError(position, text[position])
        found.append(Lexeme(match.group(), name, position, match.end()))
        position = match.end()
    if repeat != "*" and not found:
        raise LanguageError(len(text), None)
    return found  # type: ignore[return-value]


def tokens(folder: str, filename: str, text: str) -> list[Token]:
    """Parse ``text`` with ``grammar/<folder>/<filename>`` and return its tokens in order, or raise LanguageError."""
    one = _one_terminal(folder, filename)
    if one is not None:
        return _one_terminal_tokens(*one, text)
    return lark_tokens(folder, filename, text)


def lark_tokens(folder: str, filename: str, text: str) -> list[Token]:
    """``tokens`` as lark parses it, whatever the grammar's shape."""
    from lark import Token, Tree
    from lark.exceptions import UnexpectedInput

    try:
        tree = parser(folder, filename).parse(text)
    except UnexpectedInput as error:
        position = getattr(error, "pos_in_stream", None)
        if position is None or position < 0:
            position = len(text)
        found = text[position] if position < len(text) else None
        raise LanguageError(position, found) from None
    return [token for token in tree.scan_values(lambda value: isinstance(value, Token))] if isinstance(tree, Tree) else []
