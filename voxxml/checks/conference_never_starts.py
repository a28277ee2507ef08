"""VX110 conference-never-starts: every Conference for a room has startConferenceOnEnter='false'."""

from __future__ import annotations

from typing import Iterator

from ..hub.nodes import Conference
from ..core.diagnostics import Diagnostic, make
from .context import CheckContext, document_order, written

CODE = "VX110"


def check(context: CheckContext) -> Iterator[Diagnostic]:
    rooms: dict[str, list[Conference]] = {}
    for node in context.of("Conference"):
        if isinstance(node, Conference) and node.name:
            rooms.setdefault(node.name, []).append(node)
    for name, joins in rooms.items():
        if all(not join.start_conference_on_enter for join in joins):
            first = document_order(joins)[0]
            yield make(
                CODE,
                f"no caller of this document can start conference '{name}': every <Conference> for it has "
                "startConferenceOnEnter='false', so callers wait until someone from elsewhere starts it",
                first.attribute_name_span(written(first, ("start_conference_on_enter",))[0]) if "start_conference_on_enter" in first.explicit else first.name_span,
                "let the host's <Conference> start it (startConferenceOnEnter='true'), or suppress this if a host joins from another document",
            )
