"""The VoXML vocabulary (grammar/voxml/vocabulary.toml) loaded by the shared loader with VoXML's type kinds."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..common import values as common
from ..common.vocabulary import Grammar, load_vocabulary
from . import values
from .template import DATA_FOLDER


def _make_type(name: str, table: dict[str, Any], element: dict[str, Any], variables: tuple[str, ...] = (), attribute: Any = None) -> common.ValueType:
    kind = table["kind"]
    shared = common.shared_type(name, table, DATA_FOLDER)
    if shared is not None:
        return shared
    if kind == "language":
        description = table.get("description", {"e164.lark": "a phone number in E.164 form, e.g. +15551234567", "finish_on_key.lark": "keys from 0-9, # and *, or empty"}.get(table["grammar"], name))
        return common.GrammarType(table["grammar"], description, DATA_FOLDER, table.get("fast"))
    if kind == "qualified_voice":
        return values.QualifiedVoiceType(dict(table["providers"]))
    if kind == "say_language":
        return values.SayLanguageType()
    if kind == "variable_name":
        return values.VariableNameType(table["regex"], table["max_length"], tuple(table.get("reserved", ())))
    if kind == "expression":
        return values.ExpressionType()
    if kind == "template":
        return values.TemplateType(table.get("max_length"), table.get("max_bytes"))
    if kind == "integer_or_keyword":
        attribute = attribute or {}
        return values.IntegerOrKeywordType(common.IntegerType(attribute.get("min"), attribute.get("max")), tuple(table["keywords"]))
    if kind == "text":
        return values.TextType()
    raise ValueError(f"unknown type kind {kind!r} for type {name!r}")


def grammar(folder: str = DATA_FOLDER) -> Grammar:
    """The VoXML vocabulary, loaded once per folder."""
    return _load(folder)


@cache
def _load(folder: str) -> Grammar:
    return load_vocabulary(folder, _make_type, lambda content: content != "say_text")


__all__ = ["grammar"]
