"""What every check gets: the document, its flow graph and the analysis."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterator

from ..ast import Node, Response
from ..flow import Analysis, FlowGraph, FlowNode, analyse, build
from ..flow.analysis import UNREACHED


@dataclass
class CheckContext:
    document: Response
    resource: str = "call"  # what the VoxXML is sent to: call, conference or participant

    @cached_property
    def graph(self) -> FlowGraph:
        return build(self.document)

    @cached_property
    def analysis(self) -> Analysis:
        return analyse(self.graph)

    def with_parents(self) -> Iterator[tuple[Node, Node | None]]:
        """Every node below the root with its parent, in document order."""
        stack: list[tuple[Node, Node | None]] = [(child, self.document) for child in reversed(self.document.children)]
        while stack:
            node, parent = stack.pop()
            yield node, parent
            stack.extend((child, node) for child in reversed(node.children))

    def regions(self, wanted: int) -> Iterator[tuple[FlowNode, FlowNode | None]]:
        """The first verb of each run of verbs whose reach is ``wanted`` while what leads
        into the run is not, with the verb just before it (None at the top of a body)."""
        analysis = self.analysis
        for parent_id, nodes in self.graph.sequences():
            parent_reach = 2 if parent_id < 0 else analysis.reach(self.graph.nodes[parent_id])
            if parent_reach == UNREACHED or (wanted != UNREACHED and parent_reach == wanted):
                continue
            previous: FlowNode | None = None
            for node in nodes:
                reach = analysis.reach(node)
                before = parent_reach if previous is None else analysis.reach(previous)
                if reach == wanted and before != wanted:
                    yield node, previous
                    break
                previous = node
