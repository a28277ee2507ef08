"""The VoxXML v1 vocabulary (grammar/voxxml-v1/vocabulary.toml) loaded into specs, with v1's type kinds.

Everything the reader, validator, writer, docs and completions know about VoxXML
comes from here; no element is special-cased in code. The loader and the specs are
``dialects.common.vocabulary``'s (re-exported here).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from . import values
from ..common.vocabulary import (  # noqa: F401 - re-exported
    SUBJECT_LIMIT,
    AttributeSpec,
    ElementSpec,
    Grammar,
    IgnoredAttributes,
    load_vocabulary,
    snake,
)
from . import DATA_FOLDER
from .values import Problem, ValueType


def _make_type(name: str, table: dict[str, Any], element: dict[str, Any], variables: tuple[str, ...] = (), attribute: Any = None) -> ValueType:
    kind = table["kind"]
    if kind == "integer":
        raise AssertionError("integers are parameterised per attribute")
    if kind == "enum":
        return values.EnumType(tuple(table["values"]), boolean=table.get("python") == "bool")
    if kind == "keywords":
        allowed = table.get("values") or element.get(table.get("values_from", ""), [])
        return values.KeywordsType(tuple(allowed), table.get("min_count", 0), table["grammar"])
    if kind == "url":
        return values.UrlType(tuple(table["schemes"]), table["example"], table.get("relative", False))
    if kind == "pattern":
        return values.PatternType(table["regex"], table["description"])
    if kind == "language":
        return values.LanguageType(table["grammar"], table["description"], variables, table.get("fast"))
    if kind == "voice":
        return values.VoiceType(table.get("provider_prefix", ""), tuple(table.get("engine_suffixes", ())))
    if kind == "say_language":
        return values.SayLanguageType()
    raise ValueError(f"unknown type kind {kind!r} for type {name!r}")


def grammar(folder: str = DATA_FOLDER) -> Grammar:
    """The vocabulary in ``grammar/<folder>/``, loaded once per folder (v1's by default)."""
    return _load(folder)


@cache
def _load(folder: str) -> Grammar:
    return load_vocabulary(folder, _make_type, lambda content: content != "say_text")


def element(name: str) -> ElementSpec:
    return grammar().elements[name]


__all__ = ["AttributeSpec", "ElementSpec", "Grammar", "Problem", "element", "grammar", "snake"]
