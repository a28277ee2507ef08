"""The flow graph, made explicit: one node per verb, in document order, with its successors.

For drawing call flows and for reading the execution model; the analysis
(analysis/states.py) walks the same structure without building it. Every edge goes
forward in document order except one per Loop (VoXML's Do): from the end of its body
back to the Loop, which tests its condition again ("repeat"); the Loop's true edge
enters its body and its false edge leaves it. A verb whose action ends the document
(a Record, Dial or Pay with action; a Gather with action and actionOnEmptyResult)
ends like a Redirect: its edge to what follows is "fetch failed". Gather prompts and
the Numbers of a Dial belong to their verb and are not nodes of their own.
"""

from __future__ import annotations

from ..core.records import dataclass, field
from typing import Iterator

from ..hub import semantics
from ..hub.nodes import Response, Verb

END = -1  # the end of the document: the call ends


@dataclass(slots=True)
class FlowNode:
    """One verb of the flow graph and its edges (node ids; END ends the call)."""

    id: int
    verb: Verb
    parent: int  # the enclosing If's node, or -1 at the top level
    next: int | None = None  # where execution continues; None if this verb never continues
    branch: int | None = None  # If only: where the true edge goes
    ends: str | None = None  # how this verb may end the call: hangup, reject, forever, redirect

    def edges(self) -> Iterator[tuple[int, str]]:
        """Successors with labels, for drawing and for the executor."""
        if self.branch is not None:
            yield self.branch, "true"
        if self.next is not None:
            label = semantics.edge_label(self.ends) or ("false" if self.branch is not None else "repeat" if self.next != END and self.next < self.id else "next")
            yield self.next, label


@dataclass
class FlowGraph:
    """A document's verbs as nodes with edges: what `voxxml graph` draws and the executor walks."""

    document: Response
    nodes: list[FlowNode] = field(default_factory=list)
    entry: int = END
    _by_verb: dict[int, int] = field(default_factory=dict)

    def node_of(self, verb: Verb) -> FlowNode:
        return self.nodes[self._by_verb[id(verb)]]


def build(document: Response) -> FlowGraph:
    graph = FlowGraph(document)
    top = _add(graph, document.verbs, -1)
    _link(graph, top, END)
    graph.entry = top[0] if top else END
    return graph


def _add(graph: FlowGraph, verbs: list[Verb], parent: int) -> list[int]:
    """Create nodes in document order: an If, then its body, then its next sibling."""
    ids: list[int] = []
    for verb in verbs:
        node = FlowNode(len(graph.nodes), verb, parent, ends=semantics.ends(verb))
        graph.nodes.append(node)
        graph._by_verb[id(verb)] = node.id
        ids.append(node.id)
        if semantics.behaviour(verb).branches:
            _add(graph, verb.body, node.id)  # type: ignore[attr-defined]
    return ids


def _link(graph: FlowGraph, ids: list[int], continuation: int) -> None:
    for position, node_id in enumerate(ids):
        node = graph.nodes[node_id]
        after = ids[position + 1] if position + 1 < len(ids) else continuation
        if not semantics.never_continues(node.ends):
            node.next = after
        meaning = semantics.behaviour(node.verb)
        if meaning.branches:
            body = [graph.node_of(v).id for v in node.verb.body]  # type: ignore[attr-defined]
            again = node_id if meaning.repeats else after  # a Loop's body goes back to its test (the back edge)
            _link(graph, body, again)
            node.branch = body[0] if body else again
