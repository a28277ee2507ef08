"""The VoXML reader: the generic reader (``dialects.common.reader``) over VoXML's vocabulary.

Codes: a problem VoxXML v1 also has keeps v1's code (an unknown element is VX003, an invalid value
VX007, an unknown voice VX010, ...): the meaning, the fix and the rule page are the same, and
``--select``/``ignore`` settings carry over. Only what v1 has no counterpart for gets a VM code:
an unquoted pattern in an expression (VM001, a warning with a safe fix) and a pattern too long to
evaluate (VM002). An expression is read into the hub's ``condition`` (the vocabulary's ``field``);
a Dial's number written as its text becomes its one Number.
"""

from __future__ import annotations

from ..common.reader import ATTRIBUTE_CODES, CONTENT_CODES, Hooks
from ..common.reader import Reader as _Reader
from ..common.vocabulary import Grammar
from .grammar import grammar
from .values import check_voice_language

# The codes this reader adds to the generic reader's (rules/VM*.md).
CODES = ("VM001", "VM002")
_VOXML_KINDS = {"unquoted": "VM001", "limit": "VM002"}
_HOOKS = Hooks(ATTRIBUTE_CODES | _VOXML_KINDS, None, check_voice_language)


class Reader(_Reader):
    LANGUAGE = "VoXML"
    ATTRIBUTE_CODES = ATTRIBUTE_CODES | _VOXML_KINDS
    CONTENT_CODES = CONTENT_CODES | _VOXML_KINDS

    def vocabulary(self) -> Grammar:
        return grammar()

    def hooks(self) -> Hooks:
        return _HOOKS


__all__ = ["CODES", "Reader"]
