"""VX107 callback-without-url: statusCallbackEvent or statusCallbackMethod without statusCallback."""

from __future__ import annotations

from typing import Any, Iterator

from ..core.diagnostics import Diagnostic, make
from ..dialects import vocabulary_of
from .context import CheckContext

CODE = "VX107"
_SETTINGS = ("statusCallbackEvent", "statusCallbackMethod")
_FIELDS = ("status_callback_event", "status_callback_method")  # the hub fields of _SETTINGS (explicit holds those)


def _exempt(context: CheckContext, vocabulary: Any) -> set[int]:
    """Nodes whose callback settings VX106 already reports as ignored (in v1, a Number's inside a Dial)."""
    return {
        id(node)
        for entry in getattr(vocabulary, "ignored_attributes", ())
        if entry.when.get("parent") and set(_SETTINGS) <= set(entry.attributes)
        for node, _ in context.children_of(entry.when["parent"], entry.element)
    }


_TAGS: dict[int, tuple[str, ...]] = {}  # by id(vocabulary): a loaded vocabulary lives as long as the process


def _tags(vocabulary: Any) -> tuple[str, ...]:
    """The elements that take a statusCallback in the reading dialect (TwiML has more than v1)."""
    found = _TAGS.get(id(vocabulary))
    if found is None:
        found = _TAGS[id(vocabulary)] = tuple(name for name, spec in vocabulary.elements.items() if "statusCallback" in spec.attributes)
    return found


def check(context: CheckContext) -> Iterator[Diagnostic]:
    vocabulary = vocabulary_of(context.document)
    exempt: set[int] | None = None
    index = context.by_tag
    for node in (node for tag in _tags(vocabulary) for node in index.get(tag, ())):
        if node.explicit.isdisjoint(_FIELDS) or "status_callback" in node.explicit:
            continue
        written = [name for name, hub_field in zip(_SETTINGS, _FIELDS) if hub_field in node.explicit]
        exempt = _exempt(context, vocabulary) if exempt is None else exempt
        if id(node) in exempt:
            continue
        for name in written:
            spec = vocabulary_of(node).spec_of(node)
            shown = spec.attributes[name].serialize(spec.value(node, name))
            yield make(
                CODE,
                f"{node.TAG} {name}='{shown}' has no effect without statusCallback: there is no URL to send callbacks to",
                node.attribute_name_span(name),
                "add statusCallback='https://...', or remove the setting",
            )
