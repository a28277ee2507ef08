"""TwiML's value types: the kinds grammar/twiml/README.md adds to the dialect-neutral ones. Voices are
VoXML's qualified voices plus the built-in names (man, woman, alice); an ``open`` enum (languages:
the SDK's list, which Twilio extends) takes an unknown value with a warning; text has optional
length bounds; Say's text is a hub Template without references (TwiML has no variables)."""

from __future__ import annotations

from ...core.records import dataclass, field
from typing import Any

from ...hub.expressions import Template
from ..common.values import EnumType, Parsed, Problem, ValueType, near, quote_list
from ..voxml.values import QualifiedVoiceType
from ..voxxml_v1 import voices


@dataclass(frozen=True)
class TwimlVoiceType(QualifiedVoiceType):
    """``man``, ``woman``, ``alice`` or ``<provider>.<name>`` (VoXML's kind, with TwiML's built-in names)."""

    builtin: tuple[str, ...] = field(default=())

    def describe(self) -> str:
        return f"{quote_list(self.builtin)}, or a provider-qualified voice: " + ", ".join(f"{p}.<name>" for p in self.providers)

    def parse(self, raw: str) -> Parsed:
        if raw in self.builtin:
            return raw, ()
        return super().parse(raw)

    def _bare(self, raw: str) -> Problem:
        expected = f"; TwiML's voices are {self.describe()}"
        folded = {name.casefold(): name for name in self.builtin}
        same = folded.get(raw.casefold())
        if same is not None:
            return Problem("voice", f"is not a voice (names are case-sensitive){expected}", f"write '{same}'", None, same, True)
        name = raw.partition("-")[0]
        if name in voices.voices() and "Polly" in self.providers:
            fixed = f"Polly.{raw}"
            return Problem("voice", f"has no provider{expected}", f"write '{fixed}'", None, fixed, True)
        match = near(raw, self.builtin)
        return Problem("voice", f"is not a voice{expected}", f"did you mean '{match}'?" if match else None, None, match, False if match else True)


@dataclass(frozen=True)
class OpenEnumType(EnumType):
    """An enum whose list is what the SDK knows (languages): Twilio adds values over time, so a value
    outside it is read as written and gets a warning (kind ``open``), not an error."""

    def parse(self, raw: str) -> Parsed:
        if raw in self.values:
            return raw, ()
        match = near(raw, self.values)
        if match is not None and match.casefold() == raw.casefold():
            return raw, (Problem("open", f"is not one of the values Twilio's SDK knows (values are case-sensitive); expected {self.describe()}", f"write '{match}'", None, match, True),)
        help = f"did you mean '{match}'?" if match else "if Twilio added it after the SDK this list comes from, ignore this warning"
        return raw, (Problem("open", f"is not one of the values Twilio's SDK knows; expected {self.describe()}", help, None, match, None if match else True),)

    def describe(self) -> str:
        shown = self.values if len(self.values) <= 12 else (*self.values[:12], f"... ({len(self.values)} in all)")
        return "one of: " + quote_list(shown)


@dataclass(frozen=True)
class TextType(ValueType):
    """Free text, optionally bounded in length."""

    min_length: int | None = None
    max_length: int | None = None
    description: str | None = None

    def describe(self) -> str:
        text = self.description or "text"
        if self.max_length is not None:
            return f"{text}, at most {self.max_length} characters"
        return text

    def parse(self, raw: str) -> Parsed:
        if self.min_length is not None and len(raw) < self.min_length:
            return None, (Problem("invalid", f"is empty; expected {self.describe()}"),)
        if self.max_length is not None and len(raw) > self.max_length:
            return None, (Problem("invalid", f"is {len(raw)} characters long; expected {self.describe()}", None, (self.max_length, len(raw))),)
        return raw, ()


@dataclass(frozen=True)
class SayTextType(TextType):
    """Say's words: a hub Template of the base syntax (TwiML has no variable references)."""

    def parse(self, raw: str) -> Parsed:
        value, problems = super().parse(raw)
        return (Template(raw) if value is not None else None), problems

    def empty(self) -> Any:
        return Template("")


__all__ = ["OpenEnumType", "SayTextType", "TextType", "TwimlVoiceType"]
