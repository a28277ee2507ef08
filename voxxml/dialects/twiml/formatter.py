"""The TwiML formatter: v1's layout (``voxxml_v1.formatter``, which works on the lxml tree and keeps
comments, unknown elements and stray text) with a TwiML vocabulary for attribute order and content."""

from __future__ import annotations

from typing import Any

from ..voxxml_v1.formatter import format_source as _format_source
from .grammar import grammar


def format_source(source: bytes | str, path: str = "<stdin>", quote_style: str = "double") -> Any:
    return _format_source(source, path, quote_style, vocabulary=grammar("twiml"), dialect="twiml")


def format_texml(source: bytes | str, path: str = "<stdin>", quote_style: str = "double") -> Any:
    return _format_source(source, path, quote_style, vocabulary=grammar("twiml:texml"), dialect="texml")


def format_cxml(source: bytes | str, path: str = "<stdin>", quote_style: str = "double") -> Any:
    return _format_source(source, path, quote_style, vocabulary=grammar("twiml:cxml"), dialect="cxml")


__all__ = ["format_cxml", "format_source", "format_texml"]
