"""VX106 ignored-attribute: attributes that are valid but have no effect where they are.

The situations are data (grammar/vocabulary.toml, [[ignored_attributes]]); two
more need the flow: a repeatDelay with nothing after it, and separateNumbers on
text without digits.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..ast import Hangup, Node, Say
from ..diagnostics import Diagnostic, make
from ..flow.graph import END
from ..grammar import IgnoredAttributes, grammar
from .context import CheckContext

CODE = "VX106"
_DIGIT = re.compile(r"[0-9]")


def _holds(entry: IgnoredAttributes, node: Node, parent: Node | None) -> bool:
    for key, wanted in entry.when.items():
        if key == "parent":
            if parent is None or parent.TAG != wanted:
                return False
        elif _typed(node.attribute(key)) != _typed(wanted):
            return False
    return True


def _typed(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _diagnostic(node: Node, attribute: str, why: str) -> Diagnostic:
    shown = node.spec().attributes[attribute].serialize(node.attribute(attribute))
    return make(
        CODE,
        f"{node.TAG} {attribute}='{shown}' has no effect: {why}",
        node.attribute_name_span(attribute),
        f"remove {attribute}",
    )


def _nothing_follows(context: CheckContext, node: Node) -> bool:
    """A verb after which the call ends at once: the end of the document or a Hangup."""
    try:
        flow = context.graph.node_of(node)  # type: ignore[arg-type]
    except KeyError:
        return False  # a Gather prompt: the Gather's wait follows it
    if flow.next == END:
        return True
    return flow.next is not None and isinstance(context.graph.nodes[flow.next].verb, Hangup)


def check(context: CheckContext) -> Iterator[Diagnostic]:
    table: dict[str, list[IgnoredAttributes]] = {}
    for entry in grammar().ignored_attributes:
        table.setdefault(entry.element, []).append(entry)
    for node, parent in context.with_parents():
        for entry in table.get(node.TAG, ()):
            if _holds(entry, node, parent):
                for attribute in entry.attributes:
                    if attribute in node.explicit:
                        yield _diagnostic(node, attribute, entry.why)
        if "repeatDelay" in node.explicit and node.attribute("loop") == 1 and node.attribute("repeatDelay") > 0:
            if _nothing_follows(context, node):
                yield _diagnostic(node, "repeatDelay", "with loop='1' nothing is repeated, and the call ends right after it")
        if isinstance(node, Say) and node.separate_numbers and "separateNumbers" in node.explicit:
            if not _DIGIT.search(node.text.text) and not node.text.variables:
                yield _diagnostic(node, "separateNumbers", "the text has no digits to separate")
