"""What every check gets: the document, an index of its nodes by tag, and the flow analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from typing import Iterable, Iterator

from ..analysis import Analysis, analyse
from ..dialects import vocabulary_of
from ..hub.nodes import Node, Response


@dataclass
class CheckContext:
    document: Response
    resource: str = "call"  # what the VoxXML is sent to: call, conference or participant
    index: dict[str, list[Node]] | None = field(default=None, repr=False)  # nodes by tag, if the reader made one

    @cached_property
    def analysis(self) -> Analysis:
        return analyse(self.document)

    @cached_property
    def by_tag(self) -> dict[str, list[Node]]:
        if self.index is not None:
            return self.index
        found: dict[str, list[Node]] = {}
        for node in self.document.walk():
            found.setdefault(node.TAG, []).append(node)
        return found

    def of(self, *tags: str) -> Iterable[Node]:
        """The nodes with these tags."""
        index = self.by_tag
        if len(tags) == 1:
            return index.get(tags[0], ())
        return chain.from_iterable(index.get(tag, ()) for tag in tags)

    def children_of(self, parent_tag: str, child_tag: str) -> Iterator[tuple[Node, Node]]:
        """(child, parent) for every ``child_tag`` directly inside a ``parent_tag``."""
        for parent in self.of(parent_tag):
            for child in parent.children:
                if child.TAG == child_tag:
                    yield child, parent


def written(node: Node, hub_fields: Iterable[str]) -> list[str]:
    """Hub fields as the attribute names the node's dialect writes them with (messages and spans name those)."""
    attribute_of = vocabulary_of(node).spec_of(node).attribute_of
    return [attribute_of.get(name, name) for name in hub_fields]


def condition_attributes(node: Node) -> tuple[str, ...]:
    """The attributes an If's condition is written with (VoxXML v1: variable, test, value)."""
    return tuple(vocabulary_of(node).spec_of(node).condition)


def document_order(nodes: list[Node]) -> list[Node]:
    return sorted(nodes, key=lambda node: node.index or 0)
