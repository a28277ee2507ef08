"""VoXML's value types: the kinds its vocabulary adds to the dialect-neutral ones
(``grammar/voxml/README.md``): provider-qualified voices, variable names, expressions, templates,
integers or a keyword, and free text. Every type is linear in its value and returns problems with
offsets inside it, so the reader can point at the exact characters."""

from __future__ import annotations

import re
from ...core.records import dataclass, field
from typing import Any

from ...hub.expressions import Template
from ..common import values as common
from ..common.values import IntegerType, Parsed, Problem, ValueType, near, quote_list
from ..voxxml_v1 import voices
from .expression import parse_expression, print_expression
from .template import VoxmlTemplate, template_problems

POLLY = "Polly"


@dataclass(frozen=True)
class QualifiedVoiceType(ValueType):
    """``<provider>.<name>``. Polly names are checked against the catalogue (an engine suffix must be
    an engine the voice has; no suffix is the Standard engine); other providers' names by shape only,
    since no catalogue of them is in the sources (the help says so)."""

    providers: dict[str, dict[str, Any]] = field(default_factory=dict, hash=False)

    def describe(self) -> str:
        return "a provider-qualified voice: " + ", ".join(f"{p}.<name>" for p in self.providers)

    def parse(self, raw: str) -> Parsed:
        provider, dot, name = raw.partition(".")
        if not dot:
            return raw, (self._bare(raw),)
        table = self.providers.get(provider)
        if table is None:
            match = near(provider, tuple(self.providers))
            if match is not None and match.casefold() == provider.casefold():
                fixed = f"{match}.{name}"
                return raw, (Problem("voice", f"has provider '{provider}'; provider names are case-sensitive", f"write '{fixed}'", (0, len(provider)), match, True),)
            return raw, (Problem("voice", f"has unknown provider '{provider}'; providers: {quote_list(tuple(self.providers))}", None, (0, len(provider))),)
        start = len(provider) + 1
        if "catalogue" in table:
            problem = self._polly(name, start, tuple(table.get("engine_suffixes", ())))
            return raw, (() if problem is None else (problem,))
        if not re.fullmatch(table["regex"], name):
            return raw, (
                Problem(
                    "voice",
                    f"is not a {provider} voice name; expected the shape {table['regex']}",
                    f"{provider} voice names are checked by shape only, not against a list",
                    (start, len(raw)),
                ),
            )
        return raw, ()

    def _bare(self, raw: str) -> Problem:
        expected = "; VoXML names voices with their provider, e.g. Polly.Joanna"
        name, _, engine = raw.partition("-")
        if name in voices.voices():
            fixed = f"{POLLY}.{raw}"
            return Problem("voice", f"has no provider{expected}", f"write '{fixed}'", None, fixed, True)
        return Problem("voice", f"has no provider{expected}")

    def _polly(self, name: str, start: int, engines: tuple[str, ...]) -> Problem | None:
        voice_id, dash, engine = name.partition("-")
        known = voices.voices()
        voice = known.get(voice_id)
        if voice is None:
            folded = {voices.fold(v): v for v in known}
            same = folded.get(voices.fold(voice_id))
            match = same or near(voice_id, tuple(known))
            sub = (start, start + len(voice_id))
            if same is not None:
                return Problem("voice", f"has Polly voice '{voice_id}'; voice IDs are case-sensitive", f"write '{same}'", sub, same, True)
            hint = f"did you mean '{match}'?" if match else None
            return Problem("voice", f"names no Polly voice '{voice_id}'; see grammar/voxxml-v1/polly-voices.json", hint, sub, match, None if match else True)
        if not dash:
            if voice.standard:
                return None
            return Problem(
                "voice",
                f"names Polly {voice_id} without an engine, which is its Standard voice; {voice_id} has no Standard voice",
                f"write 'Polly.{voice_id}-Neural'",
                (start, start + len(name)),
                f"{voice_id}-Neural",
                False,
            )
        if engine not in engines:
            return Problem(
                "voice",
                f"has engine '{engine}'; expected one of {quote_list(engines)}",
                None,
                (start + len(voice_id) + 1, start + len(name)),
            )
        if engine == "Neural" and not voice.neural:
            return Problem("voice", f"names Polly {voice_id}'s Neural voice; {voice_id} has no Neural voice", f"write 'Polly.{voice_id}'", None, f"Polly.{voice_id}", False)
        return None  # Generative and LongForm: the catalogue does not say which voices have them


def check_voice_language(voice: Any, language: Any) -> Problem | None:
    """A Polly voice and the Say's language checked together (VX010); other providers are not checked."""
    if not isinstance(voice, str) or not isinstance(language, str) or not voice.startswith(POLLY + "."):
        return None
    spoken = voices.voices().get(voice[len(POLLY) + 1 :].partition("-")[0])
    if spoken is None or language in spoken.languages:
        return None
    others = quote_list(tuple(sorted(v.id for v in voices.voices().values() if language in v.languages))) or "none"
    return Problem("voice", f"is not spoken by voice '{voice}' (it speaks {quote_list(spoken.languages)}); Polly voices for {language}: {others}")


_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*+")


@dataclass(frozen=True)
class SayLanguageType(ValueType):
    """A BCP-47 language tag, checked by shape: Google and Deepgram voices speak languages the Polly
    catalogue does not list; a Polly voice's language is checked with the voice (``check_voice_language``)."""

    def describe(self) -> str:
        return "a language tag such as en-US"

    def parse(self, raw: str) -> Parsed:
        if _LANGUAGE.fullmatch(raw):
            return raw, ()
        return None, (Problem("invalid", f"is not a language tag; expected {self.describe()}"),)


@dataclass(frozen=True)
class VariableNameType(ValueType):
    """A VoXML variable name: ``regex``, at most ``max_length`` characters, not one of the ``reserved`` names."""

    regex: str
    max_length: int
    reserved: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"a variable name of ASCII letters, digits and '_', not starting with a digit, at most {self.max_length} characters"

    def parse(self, raw: str) -> Parsed:
        if not raw:
            return None, (Problem("invalid", f"is empty; expected {self.describe()}"),)
        match = re.compile(self.regex).match(raw)
        end = match.end() if match else 0
        if end < len(raw):
            return None, (Problem("invalid", f"contains '{raw[end]}'; expected {self.describe()}", None, (end, end + 1)),)
        if len(raw) > self.max_length:
            return None, (Problem("invalid", f"is {len(raw)} characters long; expected {self.describe()}", None, (self.max_length, len(raw))),)
        if raw in self.reserved:
            return None, (Problem("invalid", f"is reserved (the platform writes {raw}.n); expected another name"),)
        return raw, ()


@dataclass(frozen=True)
class ExpressionType(ValueType):
    """An If's or Do's expression, read into a hub condition (``expression.py``)."""

    def describe(self) -> str:
        return 'a VoXML expression such as ${menu.digits}=="1"'

    def parse(self, raw: str) -> Parsed:
        expression, problems = parse_expression(raw)
        return expression, tuple(problems)

    def serialize(self, value: Any) -> str:
        return print_expression(value)

    def empty(self) -> Any:
        return None


@dataclass(frozen=True)
class TemplateType(ValueType):
    """Text with ``${name}`` references (Say text, Set values); a broken ``${`` is reported with its
    offsets and read as literal text. ``max_length`` counts characters, ``max_bytes`` UTF-8 bytes."""

    max_length: int | None = None
    max_bytes: int | None = None

    def describe(self) -> str:
        if self.max_bytes is not None:
            return f"text with ${{name}} references, at most {self.max_bytes} bytes"
        if self.max_length is not None:
            return f"text with ${{name}} references, at most {self.max_length} characters"
        return "text with ${name} references"

    def parse(self, raw: str) -> Parsed:
        value = VoxmlTemplate(raw)
        problems = template_problems(raw) if "${" in raw or "$" in raw and "{" in raw else []
        if self.max_length is not None and len(raw) > self.max_length:
            problems.append(Problem("invalid", f"is {len(raw)} characters long; expected at most {self.max_length}"))
        if self.max_bytes is not None and len(raw) * 4 > self.max_bytes and len(raw.encode("utf-8")) > self.max_bytes:
            problems.append(Problem("invalid", f"is {len(raw.encode('utf-8'))} bytes long; expected at most {self.max_bytes}"))
        return value, tuple(problems)

    def empty(self) -> Any:
        return VoxmlTemplate("")


@dataclass(frozen=True)
class IntegerOrKeywordType(ValueType):
    """A whole number in a range, or one of a few keywords."""

    integer: IntegerType
    keywords: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.integer.describe()} or {quote_list(self.keywords)}"

    def choices(self) -> tuple[str, ...]:
        return self.keywords

    def parse(self, raw: str) -> Parsed:
        if raw in self.keywords:
            return raw, ()
        value, problems = self.integer.parse(raw)
        if problems:
            match = near(raw, self.keywords)
            help = f"did you mean '{match}'?" if match and not raw.lstrip("-").isdigit() else None
            return value, (Problem("invalid", f"is not valid; expected {self.describe()}", help, None, match if help else None, False),)
        return value, ()


@dataclass(frozen=True)
class TextType(ValueType):
    """Any text: nothing to check."""

    def describe(self) -> str:
        return "text"

    def parse(self, raw: str) -> Parsed:
        return raw, ()


__all__ = [
    "ExpressionType", "IntegerOrKeywordType", "QualifiedVoiceType", "SayLanguageType", "TemplateType", "TextType",
    "VariableNameType", "check_voice_language", "common",
]
