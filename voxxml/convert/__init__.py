"""``voxxml convert``: a document read into the hub in one dialect, written in another.

The sqlglot shape: the source dialect's reader builds the hub AST, a table of small hub-to-hub
transforms per target dialect (``convert/voxml.py``, ``convert/v1.py``) rewrites what the target says
differently, a generic pass (``transforms.unexpressible``) reports every node, setting or dialect-only
detail the target's vocabulary has no place for, and the target dialect's writer writes the result.
What cannot be converted, or only approximately, is a CV1xx diagnostic with a span in the source:
nothing is dropped silently. ``pipeline.convert`` puts this between the checks and finalize, so
suppressions and settings govern CV codes as they govern lint's.

Each target is a ``"module:attribute"`` path to its ``Rules``, imported when a conversion asks for it,
so adding a target (TwiML) is one module and one line in ``TARGETS``.
"""

from __future__ import annotations

from .transforms import CODES, Conversion, Rules, convert

# Target dialect name -> its transform table.
TARGETS: dict[str, str] = {
    "voxml": "voxxml.convert.voxml:RULES",
    "voxxml-v1": "voxxml.convert.v1:RULES",
    **{name: "voxxml.convert.twiml:RULES" for name in ("twiml", "texml", "cxml")},  # profiles: one table
}


def targets() -> tuple[str, ...]:
    """The dialects a document can be converted to (the --to choices)."""
    return tuple(sorted(TARGETS))


__all__ = ["CODES", "Conversion", "Rules", "TARGETS", "convert", "targets"]
