"""A scripted caller: what the caller does, for the simulator and the mock platform.

Every time the call listens for input (each Gather attempt) the next entry of
``inputs`` is used: DTMF keys, speech text, or no input. Every dial uses the next
entry of ``dials``. ``hangup_after`` makes the caller hang up once that many events
have happened. Exhausted lists mean no input and no answer.
"""

from __future__ import annotations

import json
import re
from ..core.records import dataclass, field  # made from the cache's recipe (compile imports this module: issue 14)
from pathlib import Path
from typing import Any

DIAL_OUTCOMES = ("answered", "busy", "no-answer", "failed")


class ScriptError(ValueError):
    """A caller script that cannot be understood; the message says what and where."""


@dataclass(frozen=True)
class Input:
    """What the caller does when a verb waits for input: keys, speech or nothing."""

    kind: str  # dtmf, speech or none
    value: str = ""

    @classmethod
    def parse(cls, text: str) -> "Input":
        """``2``, ``dtmf:1234#``, ``speech:english``, ``none``."""
        if text in ("", "none", "-"):
            return cls("none")
        if text.startswith("speech:"):
            return cls("speech", text[len("speech:") :])
        if text.startswith("dtmf:"):
            text = text[len("dtmf:") :]
        if not re.fullmatch(r"[0-9#*]+", text):
            raise ScriptError(f"input {text!r} is not DTMF keys (0-9, #, *); write speech:{text} for speech, or none")
        return cls("dtmf", text)


@dataclass(frozen=True)
class DialOutcome:
    """How a dialled party answers (or does not), and for how long."""

    outcome: str  # answered, busy, no-answer, failed
    seconds: int = 0  # how long an answered call lasts

    @classmethod
    def parse(cls, text: str) -> "DialOutcome":
        """``answered:30``, ``answered``, ``busy``, ``no-answer``, ``failed``."""
        name, _, seconds = text.partition(":")
        if name not in DIAL_OUTCOMES:
            raise ScriptError(f"dial outcome {text!r} is not one of: {', '.join(DIAL_OUTCOMES)} (answered:SECONDS)")
        if seconds and (name != "answered" or not seconds.isdigit()):
            raise ScriptError(f"dial outcome {text!r}: only answered takes seconds, as answered:30")
        return cls(name, int(seconds or 0))


@dataclass
class CallerScript:
    """A simulated caller: inputs and dial outcomes in order, and when it hangs up."""

    inputs: list[Input] = field(default_factory=list)
    dials: list[DialOutcome] = field(default_factory=list)
    hangup_after: int | None = None  # the caller hangs up after experiencing this many events (trace.units)
    redirect_fails: bool = False  # fetching a Redirect's document fails

    @classmethod
    def from_json(cls, data: Any, where: str = "caller script") -> "CallerScript":
        if not isinstance(data, dict):
            raise ScriptError(f"{where}: expected a JSON object")
        unknown = set(data) - {"inputs", "dials", "hangup_after", "redirect_fails"}
        if unknown:
            raise ScriptError(f"{where}: unknown key {sorted(unknown)[0]!r}; keys: inputs, dials, hangup_after, redirect_fails")
        hangup_after = data.get("hangup_after")
        if hangup_after is not None and (type(hangup_after) is not int or hangup_after < 0):
            raise ScriptError(f"{where}: hangup_after must be a whole number of events")
        return cls(
            inputs=[Input.parse(str(item)) for item in data.get("inputs", [])],
            dials=[DialOutcome.parse(str(item)) for item in data.get("dials", [])],
            hangup_after=hangup_after,
            redirect_fails=bool(data.get("redirect_fails", False)),
        )

    @classmethod
    def load(cls, path: Path) -> "CallerScript":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ScriptError(f"{path}: {error}") from None
        return cls.from_json(data, str(path))

    def to_json(self) -> dict[str, Any]:
        return {
            "inputs": [i.value if i.kind == "dtmf" else f"speech:{i.value}" if i.kind == "speech" else "none" for i in self.inputs],
            "dials": [f"answered:{d.seconds}" if d.outcome == "answered" else d.outcome for d in self.dials],
            "hangup_after": self.hangup_after,
            "redirect_fails": self.redirect_fails,
        }


class Caller:
    """A script being played out: hands out inputs and dial outcomes in order."""

    def __init__(self, script: CallerScript) -> None:
        self.script = script
        self._inputs = iter(script.inputs)
        self._dials = iter(script.dials)

    def next_input(self) -> Input:
        return next(self._inputs, Input("none"))

    def next_dial(self) -> DialOutcome:
        return next(self._dials, DialOutcome("no-answer"))


def accept_input(given: Input, modes: tuple[str, ...], num_digits: int, finish_on_key: str) -> str:
    """The value $GATHER takes from one attempt's input ("" for none).

    DTMF stops at the first finish key (not included) and after numDigits keys;
    input of a kind the Gather does not take is no input.
    """
    if given.kind == "speech":
        return given.value.strip() if "speech" in modes else ""
    if given.kind != "dtmf" or "dtmf" not in modes:
        return ""
    keys = []
    for key in given.value:
        if key in finish_on_key:
            break
        keys.append(key)
        if len(keys) >= num_digits:
            break
    return "".join(keys)
