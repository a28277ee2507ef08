"""The public builder API: the hub AST's node classes and expressions, under their usual names.

    >>> from voxxml.ast import Response, Say, Hangup
    >>> Response([Say("Thank you for calling", voice="Joanna"), Hangup()]).to_xml()

The classes live in ``voxxml.hub`` (``nodes`` and ``expressions``); this module only
re-exports them, so ``from voxxml.ast import ...`` keeps working. A condition is built
from expressions: ``If([Hangup()], condition=In(Var("GATHER"), ("1",)))``.
"""

from __future__ import annotations

from .core.source import ContentOffsets, content_offsets
from .hub.expressions import And, Compare, Environment, Expr, In, Literal, Or, Template, Var, VarRef
from .hub.nodes import (
    NODE_CLASSES,
    Answer,
    Conference,
    Connect,
    Dial,
    Flow,
    Gather,
    Hangup,
    If,
    Loop,
    Node,
    Number,
    Parameter,
    Pause,
    Pay,
    Play,
    Prompt,
    Record,
    Redirect,
    Reject,
    Response,
    Say,
    Set,
    SetMute,
    Unset,
    Verb,
    loader,
    node_fields,
)

__all__ = [
    "NODE_CLASSES", "And", "Answer", "Compare", "Conference", "Connect", "ContentOffsets", "Dial", "Environment", "Expr",
    "Flow", "Gather", "Hangup", "If", "In", "Literal", "Loop", "Node", "Number", "Or", "Parameter", "Pause", "Pay",
    "Play", "Prompt", "Record", "Redirect", "Reject", "Response", "Say", "Set", "SetMute", "Template", "Unset", "Var",
    "VarRef", "Verb", "content_offsets", "loader", "node_fields",
]
