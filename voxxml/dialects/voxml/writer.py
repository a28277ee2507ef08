"""The VoXML writer: the hub AST back to VoXML, by the generic writer over VoXML's vocabulary
(expressions printed canonically by ``expression.print_expression``; a Dial's one plain Number as text)."""

from __future__ import annotations

from functools import cache

from ...hub.nodes import Node
from ..common.writer import Writer
from .grammar import grammar


def to_xml(node: Node, indent: str | None = "  ") -> str:
    return _writer().to_xml(node, indent)


@cache
def _writer() -> Writer:
    return Writer(grammar())


__all__ = ["to_xml"]
