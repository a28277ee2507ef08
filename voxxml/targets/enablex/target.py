"""The EnableX target as the registry (``voxxml.targets``) loads it: compile and render."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable

from ...ast import Response
from ...runtime.simulator import DEFAULT_LOOP_CAP
from .. import Compilation
from .compiler import CODES, compile_document

if TYPE_CHECKING:  # the plan's types only (plan.py's TypedDicts cost as much to make as the compiler to import)
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
            return plan_json(plan)
        if output_format == "steps":
            from .steps import steps_table

            return steps_table(plan)
        raise ValueError(f"unknown output format {output_format!r}; the enablex formats are: {', '.join(self.formats)}")

    def render_bytes(self, plan: Plan, output_format: str = "json") -> bytes:
        """A plan file's bytes: ``render``'s text and a newline, in UTF-8 (what ``voxxml compile DIR -o
        OUTDIR`` writes). The json format comes from orjson as bytes, neither decoded nor encoded again
        (a tenth of what writing the corpus's plans cost as text)."""
        if output_format == "json":
            return plan_bytes(plan)
        return (self.render(plan, output_format) + "\n").encode("utf-8")


def plan_json(plan: Plan) -> str:
    """The plan as JSON, indented by two spaces, non-ASCII as is: what ``json.dumps(plan, indent=2,
    ensure_ascii=False)`` writes, made by orjson when it is installed (the ``fast`` extra).

    Why: with an indent, the standard library encodes in pure Python, about 2 ms for a plan of a
    hundred states, which was most of ``voxxml compile DIR``'s time after the compiler's own; orjson
    takes a twentieth of that. Its output is the same bytes for what a plan holds (strings, integers,
    booleans, null, lists and objects with string keys; plan.schema.json has no floats, which orjson
    would write differently, 1e16 for 1e+16). Whatever orjson refuses (an integer past 64 bits, a
    key that is not a string) goes to the standard library, so the result never depends on it.
    """
    encode = _orjson_encoder()
    if encode is not None:
        try:
            return encode(plan)[:-1].decode("utf-8")
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            pass
    return json.dumps(plan, indent=2, ensure_ascii=False)


def plan_bytes(plan: Plan) -> bytes:
    """``plan_json``'s text and a newline, in UTF-8: a plan file as ``voxxml compile`` writes it."""
    encode = _orjson_encoder()
    if encode is not None:
        try:
            return encode(plan)
        except TypeError:
            pass
    return (json.dumps(plan, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


_ORJSON: list[Callable[[Any], bytes] | None] = []  # the encoder, once looked for (empty: not yet)


def _orjson_encoder() -> Callable[[Any], bytes] | None:
    """orjson's indenting encoder (UTF-8 bytes, a newline last), or None when orjson is not installed
    (imported on first use only)."""
    if not _ORJSON:
        try:
            import orjson
        except ImportError:
            _ORJSON.append(None)
        else:
            dumps, option = orjson.dumps, orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
            _ORJSON.append(lambda value: dumps(value, option=option))
    return _ORJSON[0]


TARGET = EnableX()

__all__ = ["TARGET", "EnableX", "plan_bytes", "plan_json"]
