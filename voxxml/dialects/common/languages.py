"""Value mini-languages defined by lark grammars in ``grammar/<folder>/*.lark``, one parser per file.

lark is imported on first use, not with this module: the readers' regexes accept the common values,
so most lints never need a grammar, and importing lark (with ``regex``) costs more than a short lint.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from ...core.resources import grammar_file

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

    return Lark(grammar_file(folder, filename).read_text(encoding="utf-8"), parser="lalr", maybe_placeholders=False)


def tokens(folder: str, filename: str, text: str) -> list[Token]:
    """Parse ``text`` with ``grammar/<folder>/<filename>`` and return its tokens in order, or raise LanguageError."""
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
