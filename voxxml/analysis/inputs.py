"""What $GATHER (or a Gather's ``output.digits``) can hold after a Gather: a summary that joins in O(1).

The flow analysis carries one summary per program point instead of the set of
Gathers that reach it, so it stays linear however many Gathers there are.
"""

from __future__ import annotations

from functools import lru_cache

from ..hub.nodes import Gather
from ..core.records import NamedTuple

DTMF_KEYS = frozenset("0123456789#*")
UNLIMITED = 1 << 30  # numDigits not written (VoXML): any number of keys


@lru_cache(maxsize=64)
def _keys(finish_on_key: str) -> frozenset[str]:
    return frozenset(finish_on_key)


class InputSummary(NamedTuple):
    """The union of what the reaching Gathers can produce (a tuple: cheap to make)."""

    dtmf: bool
    speech: bool
    max_digits: int  # the most DTMF keys any reaching Gather accepts
    finish_keys: frozenset[str]  # keys that end input in every reaching Gather (never in $GATHER)
    source: Gather  # the Gather that sets max_digits, for messages

    @classmethod
    def of(cls, gather: Gather) -> "InputSummary":
        modes = gather.input
        digits = gather.num_digits if gather.num_digits is not None else UNLIMITED  # VoXML: no numDigits, no limit
        return cls("dtmf" in modes, "speech" in modes, digits, _keys(gather.finish_on_key), gather)

    @classmethod
    def digits_of(cls, gather: Gather) -> "InputSummary":
        """What a Gather's ``output.digits`` can hold: its DTMF input only (speech goes to ``output.speech``)."""
        digits = gather.num_digits if gather.num_digits is not None else UNLIMITED
        return cls("dtmf" in gather.input, False, digits, _keys(gather.finish_on_key), gather)

    def join(self, other: "InputSummary | None") -> "InputSummary":
        if other is None or other is self or other[:4] == self[:4]:
            return self
        widest = self if self.max_digits >= other.max_digits else other
        return InputSummary(
            self.dtmf or other.dtmf,
            self.speech or other.speech,
            widest.max_digits,
            self.finish_keys & other.finish_keys,
            widest.source,
        )

    def impossible_among(self, values: tuple[str, ...]) -> dict[str, str]:
        """``impossible`` of each value that no reaching Gather can produce (value -> why), in order: one call per
        If, and the common case (a few digits) decided inline."""
        found: dict[str, str] = {}
        if self.speech:
            return found  # speech recognition can return any words or digits
        max_digits = self.max_digits
        for value in values:
            if value.isdigit() and value.isascii() and len(value) <= max_digits:
                continue
            reason = self.impossible(value)
            if reason is not None:
                found[value] = reason
        return found

    def impossible(self, value: str, variable: str = "$GATHER") -> str | None:
        """Why no reaching Gather can produce ``value``, or None if one can (``variable``: how messages name it)."""
        if self.speech:
            return None  # speech recognition can return any words or digits
        if value.isdigit() and value.isascii() and len(value) <= self.max_digits:
            return None  # the common case: a few digits
        if not self.dtmf:
            return "the Gather collects no input"
        outside = sorted(set(value) - DTMF_KEYS)
        if outside:
            shown = "spaces" if outside == [" "] else "letters or spaces"
            return f"it has {shown}, but the Gather takes DTMF only (input='dtmf')"
        if len(value) > self.max_digits:
            return f"it has {len(value)} keys, but the Gather stops after numDigits='{self.max_digits}'"
        finishing = sorted(set(value) & self.finish_keys)
        if finishing:
            return f"'{finishing[0]}' ends the input (finishOnKey) and never appears in {variable}"
        return None
