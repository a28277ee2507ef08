"""The EnableX target as the registry (``voxxml.targets``) loads it: compile and render."""

from __future__ import annotations

import json
from typing import Any

from ...ast import Response
from ...runtime.simulator import DEFAULT_LOOP_CAP
from .. import Compilation
from .compiler import CODES, compile_document
from .plan import Plan


class EnableX:
    """EnableX Core Voice: a document becomes a call plan (a state machine of REST requests and webhooks)."""

    name = "enablex"
    summary = "EnableX Core Voice"
    codes = CODES
    formats = ("json", "steps")

    def compile(self, document: Response, source_name: str = "<string>", *, loop_cap: int = DEFAULT_LOOP_CAP, base_url: str | None = None, **unknown: Any) -> Compilation[Plan]:
        """The plan; ``loop_cap`` caps endless loops, ``base_url`` resolves relative URLs."""
        if unknown:
            raise TypeError(f"the enablex target has no option {', '.join(sorted(unknown))}; its options: loop_cap, base_url")
        return compile_document(document, source_name, loop_cap, base_url)

    def render(self, plan: Plan, output_format: str = "json") -> str:
        """json: the plan itself; steps: a readable table of it."""
        if output_format == "json":
            return json.dumps(plan, indent=2, ensure_ascii=False)
        if output_format == "steps":
            from .steps import steps_table

            return steps_table(plan)
        raise ValueError(f"unknown output format {output_format!r}; the enablex formats are: {', '.join(self.formats)}")


TARGET = EnableX()

__all__ = ["TARGET", "EnableX"]
