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
    Conference,
    Dial,
    Gather,
    Hangup,
    If,
    Node,
    Number,
    Pause,
    Play,
    Redirect,
    Reject,
    Response,
    Say,
    SetMute,
    Verb,
    loader,
    node_fields,
)

__all__ = [
    "NODE_CLASSES", "And", "Compare", "Conference", "ContentOffsets", "Dial", "Environment", "Expr", "Gather",
    "Hangup", "If", "In", "Literal", "Node", "Number", "Or", "Pause", "Play", "Redirect", "Reject", "Response",
    "Say", "SetMute", "Template", "Var", "VarRef", "Verb", "content_offsets", "loader", "node_fields",
]
