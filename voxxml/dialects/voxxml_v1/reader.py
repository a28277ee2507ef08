"""The VoxXML v1 reader: the generic reader (``dialects.common.reader``) over v1's vocabulary, with v1's
hooks: an If's variable, test and value become its ``condition``, and a Say's voice and language are
checked together against the Polly catalogue."""

from __future__ import annotations

from ...hub.expressions import Expr, In, Var
from ..common.reader import (  # noqa: F401 - re-exported: v1's reader is the generic one
    CODES,
    AttributeReading,
    Finding,
    Hooks,
    attribute_items,
    read_attributes,
)
from ..common.reader import Reader as _Reader
from ..common.vocabulary import Grammar
from . import values
from .grammar import grammar


def read_condition(variable: str | None, test: str | None, value: tuple[str, ...] | None) -> Expr | None:
    """An If's condition: ``$GATHER`` is (or, with NOTEQUAL, is not) one of the values. None when the
    variable could not be read (reported): the body never runs. A missing test is EQUAL, as the platform
    reads it; missing values (reported) are none, so EQUAL never holds and NOTEQUAL always does, as
    before the hub (and the read of $GATHER is still seen, for VX104)."""
    read = _VARIABLES.get(variable) if variable is not None else None  # type: ignore[arg-type]
    if read is None:
        name = values.VARIABLES.get(variable) if variable is not None else None
        if name is None:
            return None
        read = _VARIABLES[variable] = Var(name, at=(0, len(variable)))  # type: ignore[arg-type]
    return In(read, tuple(value or ()), test == "NOTEQUAL")


# Each variable's read, made once: a Var is immutable (frozen), and Ifs with the same attributes already
# share their whole condition (the reader's readings are memoized). Keys are values.VARIABLES' own.
_VARIABLES: dict[str, Var] = {}


_HOOKS = Hooks(_Reader.ATTRIBUTE_CODES, read_condition, values.check_voice_language)


class Reader(_Reader):
    LANGUAGE = "VoxXML"

    def vocabulary(self) -> Grammar:
        return grammar()

    def hooks(self) -> Hooks:
        return _HOOKS


__all__ = ["CODES", "Reader", "attribute_items", "read_attributes", "read_condition"]
