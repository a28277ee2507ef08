"""Value mini-languages, defined by the lark grammars in grammar/voxxml-v1/*.lark (the shared
machinery is ``dialects.common.languages``; this module names v1's folder)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..common import languages as _common
from ..common.languages import LanguageError
from . import DATA_FOLDER

if TYPE_CHECKING:
    from lark import Lark, Token


def parser(filename: str) -> Lark:
    return _common.parser(DATA_FOLDER, filename)


def tokens(filename: str, text: str) -> list[Token]:
    """Parse ``text`` and return its tokens in order, or raise LanguageError."""
    return _common.tokens(DATA_FOLDER, filename, text)


__all__ = ["LanguageError", "parser", "tokens"]
