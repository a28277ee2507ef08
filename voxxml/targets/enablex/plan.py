"""The types of an EnableX call plan, as plan.schema.json describes it.

TypedDicts, so a plan stays the plain dict the compiler builds and ``json.dumps``
writes (typing costs nothing at run time), while readers of a plan (the executor,
the runtime, the steps table) see its fields. tests/test_targets.py checks every
TypedDict against the schema's required and optional properties. (No ``from __future__ import
annotations`` here: TypedDict needs evaluated annotations to tell NotRequired keys.)
"""

from typing import Any, Literal, NotRequired, TypedDict, Union

from .names import INPUT_VARIABLE  # the plan's one variable (names.py says why it lives there)

StateId = str  # "s<number>"

Events = dict[str, StateId]  # "state:connected", "playstate:playfinished", "speech:timeout"... -> the next state


class Request(TypedDict):
    """An EnableX REST request; ``{voice_id}`` and the other placeholders are filled when it is sent."""

    method: Literal["POST", "PUT", "DELETE"]
    path: str
    body: NotRequired[dict[str, Any]]


class SpanDict(TypedDict):
    line: int
    column: int
    end_line: int
    end_column: int


class _Base(TypedDict):
    id: StateId
    element: str | None  # the VoxXML element the state comes from; None: the end of the document
    span: SpanDict | None


class PlayState(_Base):
    kind: Literal["play"]
    request: Request
    on: Events
    template: NotRequired[list[Any]]  # TTS text: strings and {"variable": name}, filled when sent


class AwaitState(_Base):
    kind: Literal["await"]
    seconds: int
    prompt: StateId
    on: Events
    timeout: StateId


class ConferenceState(_Base):
    kind: Literal["conference"]
    name: str
    settings: dict[str, Any]
    next: StateId


class ConnectState(_Base):
    kind: Literal["connect"]
    request: Request
    on: Events


class HangupState(_Base):
    kind: Literal["hangup"]
    request: Request
    reject: bool


class WaitState(_Base):
    kind: Literal["wait"]
    seconds: int
    next: StateId


class BranchState(_Base):
    kind: Literal["branch"]
    variable: str  # INPUT_VARIABLE for v1, or any variable's plan name
    test: Literal["EQUAL", "NOTEQUAL"]
    values: list[str]
    then: StateId
    otherwise: StateId


class AcceptState(_Base):
    kind: Literal["accept"]
    modes: list[Literal["dtmf", "speech"]]
    num_digits: int
    finish_on_key: str
    next: StateId
    none: StateId
    output: NotRequired[str | None]  # the variable written (with .digits, .speech) instead of INPUT_VARIABLE; None: none


class ObserveState(_Base):
    kind: Literal["observe"]
    observe: dict[str, Any]  # a trace event (voxxml.runtime.trace)
    next: StateId


class ClearState(_Base):
    kind: Literal["clear"]
    next: StateId
    output: NotRequired[str | None]  # as AcceptState's


class SetState(_Base):
    kind: Literal["set"]
    variable: str
    template: list[Any]  # strings and {"variable": name}, joined when the step runs
    next: StateId


class UnsetState(_Base):
    kind: Literal["unset"]
    variable: str  # removed with its fields
    next: StateId


class TestState(_Base):
    kind: Literal["test"]
    condition: dict[str, Any]  # an expression: {"var"}, {"literal"}, {"op", "left", "right"}, {"in", "values", "negated"}, {"and"}, {"or"}
    then: StateId
    otherwise: StateId


class LoopState(_Base):
    kind: Literal["loop"]
    counter: str  # set to the pass number (from 0) before each test
    limit: int
    condition: dict[str, Any]
    outer: StateId | None  # the enclosing loop with the same counter: its pass is the counter's value after this loop
    then: StateId
    done: StateId


class IterateState(_Base):
    kind: Literal["iterate"]
    loop: StateId


class ActionState(_Base):
    kind: Literal["action"]
    url: str
    method: Literal["GET", "POST"]
    next: StateId


class RetryState(_Base):
    kind: Literal["retry"]
    limit: int
    again: StateId
    done: StateId


class RedirectState(_Base):
    kind: Literal["redirect"]
    url: str
    method: Literal["GET", "POST"]
    next: StateId


State = Union[
    PlayState,
    AwaitState,
    ConferenceState,
    ConnectState,
    HangupState,
    WaitState,
    BranchState,
    AcceptState,
    ObserveState,
    ClearState,
    RetryState,
    RedirectState,
    SetState,
    UnsetState,
    TestState,
    LoopState,
    IterateState,
    ActionState,
]
STATE_TYPES: tuple[type, ...] = State.__args__  # type: ignore[attr-defined]


class InboundEntry(TypedDict):
    """Answer on ``incomingcall`` (``request``, then ``events``), or, for a first-verb Reject, go to ``next``."""

    trigger: Literal["incomingcall"]
    request: NotRequired[Request]
    events: NotRequired[Events]
    next: NotRequired[StateId]


class OutboundEntry(TypedDict):
    """Create the call; ``folds``: the state whose play or connect rides along as action_on_connect."""

    request: Request
    events: Events
    folds: StateId | None


class Entries(TypedDict):
    inbound: InboundEntry
    outbound: OutboundEntry


class Plan(TypedDict):
    format: Literal["voxxml.enablex-plan"]
    version: Literal[2]
    source: str
    placeholders: dict[str, str]
    start: StateId
    entries: Entries
    states: list[State]


__all__ = [
    "AcceptState",
    "ActionState",
    "IterateState",
    "LoopState",
    "SetState",
    "TestState",
    "UnsetState",
    "AwaitState",
    "BranchState",
    "ClearState",
    "ConferenceState",
    "ConnectState",
    "Entries",
    "Events",
    "HangupState",
    "InboundEntry",
    "ObserveState",
    "OutboundEntry",
    "Plan",
    "PlayState",
    "RedirectState",
    "Request",
    "RetryState",
    "STATE_TYPES",
    "SpanDict",
    "State",
    "StateId",
    "WaitState",
]
