"""VX107 callback-without-url: statusCallbackEvent or statusCallbackMethod without statusCallback."""

from __future__ import annotations

from functools import cache
from typing import Iterator

from ..core.diagnostics import Diagnostic, make
from ..dialects import vocabulary_of
from ..dialects.voxxml_v1.grammar import grammar
from .context import CheckContext

CODE = "VX107"
_SETTINGS = ("statusCallbackEvent", "statusCallbackMethod")
_FIELDS = ("status_callback_event", "status_callback_method")  # the hub fields of _SETTINGS (explicit holds those)


def _exempt(context: CheckContext) -> set[int]:
    """Nodes whose callback settings VX106 already reports as ignored (a Number's inside a Dial)."""
    return {
        id(node)
        for entry in grammar().ignored_attributes
        if entry.when.get("parent") and set(_SETTINGS) <= set(entry.attributes)
        for node, _ in context.children_of(entry.when["parent"], entry.element)
    }


@cache
def _tags() -> tuple[str, ...]:
    return tuple(name for name, spec in grammar().elements.items() if "statusCallback" in spec.attributes)


def check(context: CheckContext) -> Iterator[Diagnostic]:
    exempt: set[int] | None = None
    for node in context.of(*_tags()):
        if node.explicit.isdisjoint(_FIELDS) or "status_callback" in node.explicit:
            continue
        written = [name for name, hub_field in zip(_SETTINGS, _FIELDS) if hub_field in node.explicit]
        exempt = _exempt(context) if exempt is None else exempt
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
