"""VX107 callback-without-url: statusCallbackEvent or statusCallbackMethod without statusCallback."""

from __future__ import annotations

from typing import Iterator

from ..diagnostics import Diagnostic, make
from ..grammar import grammar
from .context import CheckContext

CODE = "VX107"
_SETTINGS = ("statusCallbackEvent", "statusCallbackMethod")


def _exempt(tag: str, parent_tag: str | None) -> bool:
    """Settings VX106 already reports as ignored (a Number's inside a Dial)."""
    return any(
        entry.element == tag and entry.when.get("parent") == parent_tag and set(_SETTINGS) <= set(entry.attributes)
        for entry in grammar().ignored_attributes
    )


def check(context: CheckContext) -> Iterator[Diagnostic]:
    for node, parent in context.with_parents():
        written = [name for name in _SETTINGS if name in node.explicit]
        if not written or "statusCallback" in node.explicit or _exempt(node.TAG, parent.TAG if parent else None):
            continue
        for name in written:
            shown = node.spec().attributes[name].serialize(node.attribute(name))
            yield make(
                CODE,
                f"{node.TAG} {name}='{shown}' has no effect without statusCallback: there is no URL to send callbacks to",
                node.attribute_name_span(name),
                "add statusCallback='https://...', or remove the setting",
            )
