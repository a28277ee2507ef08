"""What every check gets: the document, an index of its nodes by tag, and the flow analysis."""

from __future__ import annotations

from ..core.records import dataclass, field
from itertools import chain
from typing import Any, Callable, Generic, Iterable, Iterator, TypeVar

from ..analysis import Analysis, analyse
from ..analysis.reads import VariableRead, condition_reads, variable_reads  # condition_reads: the checks' import
from ..analysis.variables import Value
from ..dialects import vocabulary_of
from ..hub.expressions import Var
from ..hub.nodes import Node, Response
from ..hub.semantics import INPUT

# How VoxXML v1 writes the one input variable: a dialect whose vocabulary lists it has that fixed variable,
# and its rules are VX104, VX105 and VX109 (not the named-variable rules VX114-VX118).
FIXED_INPUT = "$GATHER"


T = TypeVar("T")


class cached_property(Generic[T]):
    """``functools.cached_property`` without its lock (Python 3.11 takes one at every first use, which each
    check context pays for every property its checks read: a context belongs to one lint, in one thread).
    A non-data descriptor: once computed, the value in the instance's dict is found first."""

    def __init__(self, function: Callable[[Any], T]) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __get__(self, instance: Any, owner: Any = None) -> T:
        if instance is None:
            return self  # type: ignore[return-value]
        value = instance.__dict__[self.name] = self.function(instance)
        return value


@dataclass
class CheckContext:
    """What the checks of one document share: the document, its resource, the reader's index, and the analysis (made once, on first use)."""

    document: Response
    resource: str = "call"  # what the VoxXML is sent to: call, conference or participant
    index: dict[str, list[Node]] | None = field(default=None, repr=False)  # nodes by tag, if the reader made one

    @cached_property
    def analysis(self) -> Analysis:
        # v1's one fixed variable has its own state (gathered, inputs): no rule reads the variables'
        # histories there (VX114-VX118 skip fixed-input documents), so the walk does not keep them.
        return analyse(self.document, variables=not self.fixed_input)

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

    @cached_property
    def fixed_input(self) -> bool:
        """Whether the document's dialect has v1's one fixed input variable ($GATHER) instead of named ones."""
        return FIXED_INPUT in vocabulary_of(self.document).variables

    @cached_property
    def variable_reads(self) -> list[VariableRead]:
        """Every variable read on a reached path, in execution order, with what it can hold there."""
        return variable_reads(self.analysis, only_unset=False)

    @cached_property
    def unset_reads(self) -> list[VariableRead]:
        """``variable_reads`` where the variable may be unset: the only reads VX114 and VX118 report (the
        rest cost a lookup each, not a record)."""
        return variable_reads(self.analysis, only_unset=True)

    @cached_property
    def counters(self) -> frozenset[str]:
        """The dialect's loop counters (VoXML: do.n), whether or not the document has a loop."""
        return frozenset() if self.fixed_input else frozenset(vocabulary_of(self.document).variables)

    @cached_property
    def reads_by_node(self) -> dict[int, list[VariableRead]]:
        """``variable_reads`` by id(node)."""
        index: dict[int, list[VariableRead]] = {}
        for read in self.variable_reads:
            index.setdefault(id(read.node), []).append(read)
        return index

    def reported_unset(self, read: VariableRead) -> str | None:
        """Which rule reports this read as unset: VX118 (a loop counter outside its loops), VX114, or None."""
        return self.unset_rule(read.read.name, read.value, read.compared_with_empty)

    def unset_rule(self, name: str, value: Value, compared_with_empty: bool) -> str | None:
        """``reported_unset`` for a read of ``name`` holding ``value`` there."""
        if self.fixed_input and name == INPUT:
            return None  # VX104's
        if not value.unset:
            return None
        if value.never_set and (name in self.analysis.counters or name in self.counters):
            return "VX118"
        if compared_with_empty:
            return None  # '${x}==""' tests whether x is set yet (the demo's loops do it); a misspelt x is VX116's or VX117's
        return "VX114"

    def children_of(self, parent_tag: str, child_tag: str) -> Iterator[tuple[Node, Node]]:
        """(child, parent) for every ``child_tag`` directly inside a ``parent_tag``."""
        for parent in self.of(parent_tag):
            for child in parent.children:
                if child.TAG == child_tag:
                    yield child, parent


SUGGESTIONS = 100  # "did you mean" searches per document (each compares with every variable set: bounded, so checks stay linear)


def did_you_mean(context: CheckContext, name: str) -> str:
    """For a variable nothing in the document sets: the closest one it does set, or the ones it sets."""
    from difflib import get_close_matches

    from ..analysis.truth import shown

    written_names = sorted(context.analysis.variables.writes)
    left = context.__dict__.setdefault("_suggestions_left", [SUGGESTIONS])
    guess: list[str] = []
    if written_names and left[0] > 0:
        left[0] -= 1
        guess = get_close_matches(name, written_names, n=1, cutoff=0.6)
    if guess:
        writer = context.analysis.variables.writers.get(guess[0])
        line = getattr(writer, "line", None)
        who = f"the <{element_name(writer)}> on line {line}" if writer is not None and line else "a verb"  # type: ignore[arg-type]
        return f"did you mean {shown(Var(guess[0]))}? ({who} sets it)"
    if written_names:
        listed = ", ".join(shown(Var(n)) for n in written_names[:8]) + (f" and {len(written_names) - 8} more" if len(written_names) > 8 else "")
        return f"the variables set here are {listed}"
    return "nothing in this document sets a variable"


def condition_attribute(node: Node) -> str:
    """The attribute a node's condition is written in (VoxXML v1: variable; VoXML: expression)."""
    attributes = condition_attributes(node)
    return attributes[0] if attributes else written(node, ("condition",))[0]


def read_span(read: VariableRead):  # type: ignore[no-untyped-def]
    """The exact reference: ``${name}`` inside the condition's attribute value, or inside the text."""
    node, at = read.node, read.read.at
    if read.read.where == "condition":
        return node.attribute_sub_span(condition_attribute(node), at) if at is not None else node.attribute_span(condition_attribute(node))
    return node.content_sub_span(at) if at is not None else node.content_span


def element_name(node: Node) -> str:
    """The element a node is written as in its dialect (a Loop is VoXML's Do)."""
    try:
        return str(vocabulary_of(node).spec_of(node).name)
    except (KeyError, AttributeError):
        return node.TAG


def written(node: Node, hub_fields: Iterable[str]) -> list[str]:
    """Hub fields as the attribute names the node's dialect writes them with (messages and spans name those)."""
    attribute_of = vocabulary_of(node).spec_of(node).attribute_of
    return [attribute_of.get(name, name) for name in hub_fields]


def condition_attributes(node: Node) -> tuple[str, ...]:
    """The attributes an If's condition is written with (VoxXML v1: variable, test, value)."""
    return tuple(vocabulary_of(node).spec_of(node).condition)


def document_order(nodes: list[Node]) -> list[Node]:
    return sorted(nodes, key=lambda node: node.index or 0)
