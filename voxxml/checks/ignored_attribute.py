"""VX106 ignored-attribute: attributes that are valid but have no effect where they are.

The situations are data (grammar/voxxml-v1/vocabulary.toml, [[ignored_attributes]]); two
more need the flow: a repeatDelay with nothing after it, and separateNumbers on
text without digits.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Iterator

from ..core import compiled, fixes
from ..core.diagnostics import Diagnostic, make
from ..core.fixes import Fix
from ..dialects import vocabulary_of
from ..dialects.voxxml_v1.grammar import IgnoredAttributes, grammar
from ..dialects.voxxml_v1.values import has_reference
from ..hub.nodes import Node
from .context import CheckContext

CODE = "VX106"
_DIGIT = r"[0-9]"  # compiled when first used (core.compiled)


# One ``[[ignored_attributes]]`` entry, worked out for its vocabulary's element: the element; the element it is
# placed directly in (``when.parent``) or None; its (attribute, hub field) pairs (``explicit`` holds hub fields);
# their hub fields; the rest of ``when``, on the element's own attributes, as (hub field, typed value); why.
Situation = tuple[str, "str | None", tuple[tuple[str, str], ...], frozenset[str], tuple[tuple[str, Any], ...], str]


_SITUATIONS: dict[int, tuple[Situation, ...]] = {}  # by id(vocabulary): a loaded vocabulary lives as long as the process


def _situations(vocabulary: Any) -> tuple[Situation, ...]:
    """The reading dialect's situations, worked out once (a check of a short document cost more in
    looking them up per entry than in its nodes)."""
    found = _SITUATIONS.get(id(vocabulary))
    if found is None:
        found = _SITUATIONS[id(vocabulary)] = tuple(
            _situation(entry, vocabulary.elements[entry.element]) for entry in getattr(vocabulary, "ignored_attributes", ())
        )
    return found


def _situation(entry: IgnoredAttributes, spec: Any) -> Situation:
    pairs = tuple((name, spec.attributes[name].field) for name in entry.attributes)
    conditions = tuple((spec.attributes[key].field, _typed(wanted)) for key, wanted in entry.when.items() if key != "parent")
    return entry.element, entry.when.get("parent"), pairs, frozenset(field for _, field in pairs), conditions, entry.why


def _typed(value: Any) -> Any:
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _diagnostic(node: Node, attribute: str, why: str) -> Diagnostic:
    spec = vocabulary_of(node).spec_of(node)
    shown = spec.attributes[attribute].serialize(spec.value(node, attribute))
    fix = None
    if node.source is not None and node.index is not None:
        fix = Fix(f"Remove {attribute}", fixes.remove_attribute(node.source, node.index, attribute), safe=True)
    return make(
        CODE,
        f"{node.TAG} {attribute}='{shown}' has no effect: {why}",
        node.attribute_name_span(attribute),
        f"remove {attribute}",
        fix,
    )


def _nothing_follows(context: CheckContext, node: Node) -> bool:
    """A verb after which the call ends at once: the end of the document or a Hangup."""
    return id(node) in context.analysis.ends_after  # never a Gather prompt: the Gather's wait follows it


def check(context: CheckContext) -> Iterator[Diagnostic]:
    # The situations are the reading dialect's data: v1's "a Number in a Dial uses the Dial's callbacks"
    # is not TwiML's rule (Twilio calls back per leg).
    index = context.by_tag
    for element, parent, pairs, field_set, conditions, why in _situations(vocabulary_of(context.document)):
        if not index.get(element):
            continue
        placed = (node for node, _ in context.children_of(parent, element)) if parent else index[element]
        for node in placed:
            if node.explicit.isdisjoint(field_set):
                continue
            for field, wanted in conditions:  # whether the situation holds (the parent was chosen above)
                if getattr(node, field) != wanted:
                    break
            else:
                yield from (_diagnostic(node, a, why) for a, hub_field in pairs if hub_field in node.explicit)
    for tag in _with("repeatDelay"):
        for node in index.get(tag, ()):
            explicit = node.explicit
            if not explicit or _FLOW_DEPENDENT.isdisjoint(explicit):
                continue  # the common case: one set test
            if "repeat_delay" in explicit and node.loop == 1 and node.repeat_delay > 0:  # type: ignore[attr-defined]
                if _nothing_follows(context, node):
                    yield _diagnostic(node, "repeatDelay", "with loop='1' nothing is repeated, and the call ends right after it")
            if "separate_numbers" in explicit and node.separate_numbers:  # type: ignore[attr-defined]
                if not compiled(_DIGIT).search(node.text) and not has_reference(node.text):  # type: ignore[attr-defined]
                    yield _diagnostic(node, "separateNumbers", "the text has no digits to separate")


_FLOW_DEPENDENT = frozenset({"repeat_delay", "separate_numbers"})  # hub fields


@cache
def _with(attribute: str) -> tuple[str, ...]:
    return tuple(name for name, spec in grammar().elements.items() if attribute in spec.attributes)
