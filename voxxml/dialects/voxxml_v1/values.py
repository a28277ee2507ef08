"""VoxXML v1's value types: its templates ($GATHER), its value languages (If values, Say text) and its
Polly voices, over the dialect-neutral types of ``dialects.common.values`` (re-exported here, so
``values.IntegerType`` and the rest keep their names).

Each type turns raw text into a typed Python value plus a list of Problems. A type
does not know which element or attribute it serves; the spec that owns it words the
message prefix and chooses the code (an invalid attribute is VX007, invalid content VX009).
"""

from __future__ import annotations

import re
from ...core import compiled
from ...core.records import dataclass
from functools import lru_cache
from typing import Any

from . import languages, voices
from ...hub import expressions
from ...hub.expressions import VarRef
from ..common.values import (  # noqa: F401 - re-exported: v1's value types are these and the ones below
    EnumType,
    IntegerType,
    KeywordsType,
    Parsed,
    PatternType,
    Problem,
    UrlType,
    ValueType,
    correction,
    did_you_mean,
    invalid_choice as _invalid_choice,
    near,
    quote_list,
)


# The variables v1 text and conditions can read, by how v1 writes them: '$GATHER' is the hub
# variable GATHER, the one a v1 Gather writes. The v1 dialect's boundary: nothing else spells '$GATHER'.
VARIABLES = {"$GATHER": "GATHER"}
WRITTEN = {hub: written for written, hub in VARIABLES.items()}


class Template(expressions.Template):
    """v1 Say text: '$GATHER' reads the variable GATHER; any other '$word' is literal text (and VX011).

    A ``str`` subclass, so it costs no more than the text itself to make.
    """

    __slots__ = ()
    MARK = "$"

    @classmethod
    def parse(cls, text: str) -> tuple[str | VarRef, ...]:
        return template_segments(text)


# The VARIABLE token of grammar/voxxml-v1/say_template.lark. That grammar is a lexer only: every text is
# valid, a '$' starts a VARIABLE exactly where LITERAL may not take it, and the rest is LITERAL. So the
# VARIABLE matches of this regex, left to right, are the grammar's VARIABLE tokens, and the text between
# them its LITERAL tokens (tests/test_languages.py holds the two equal): Say text is read without lark.
_SAY_VARIABLE = r"\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})"  # compiled when first used


def say_variables(text: str) -> list[tuple[str, int, int]]:
    """The '$name' and '${name}' references in Say text, known or not: (text, start, end)."""
    if "$" not in text:
        return []
    return [(match.group(), match.start(), match.end()) for match in compiled(_SAY_VARIABLE).finditer(text)]


def has_reference(text: str) -> bool:
    """Whether text writes a '$name' reference, known or not (an unknown one is VX011 and read literally)."""
    return "$" in text and compiled(_SAY_VARIABLE).search(text) is not None


@lru_cache(maxsize=4096)
def template_segments(text: str) -> tuple[str | VarRef, ...]:
    """Literal text and variable references, in order (adjacent literals joined)."""
    if "$" not in text:
        return (text,) if text else ()
    segments: list[str | VarRef] = []
    literal_start = 0
    for name, start, end in say_variables(text):
        variable = VARIABLES.get(name)
        if variable is None:
            continue  # an unknown reference is read out literally: part of the literal around it
        if start > literal_start:
            segments.append(text[literal_start:start])
        segments.append(VarRef(variable, start, end - start))
        literal_start = end
    if literal_start < len(text):
        segments.append(text[literal_start:])
    return tuple(segments)


def unknown_variable(name: str, sub: tuple[int, int], variables: tuple[str, ...]) -> Problem:
    """VX011 for a ``$NAME`` or ``${NAME}`` that is not a variable, with a fix to the one it is near.

    Safe when it names a variable but for letter case or braces ('$gather', '${GATHER}'):
    nothing else can have been meant. Unsafe for a spelling neighbour ('$GATHERED'): the
    text may be meant literally.
    """
    bare = "$" + name[2:-1] if name.startswith("${") else name
    message = f"'{name}' is not a VoxXML variable and is read out literally; variables: {quote_list(variables)}"
    found = correction(bare, variables)
    if bare in variables:
        found = (bare, True)
    if found is None:
        return Problem("variable", message, None, sub)
    match, safe = found
    if name.startswith("${"):
        help = f"VoxXML variables take no braces: write '{match}'"
    else:
        help = f"variable names are case-sensitive: write '{match}'" if safe else f"did you mean '{match}'?"
    return Problem("variable", message, help, sub, match, safe)


@dataclass(frozen=True)
class LanguageType(ValueType):
    """A value mini-language defined by a lark grammar; ``shape`` says how to build the value."""

    grammar: str
    description: str
    variables: tuple[str, ...] = ()  # the variables a template may read
    fast: str | None = None  # a regex equal to the grammar: values it matches skip lark

    def describe(self) -> str:
        return self.description

    def parse(self, raw: str) -> Parsed:
        if self.grammar == "say_template.lark":  # every text is a template: no grammar to run (see say_variables)
            if "$" not in raw:  # no reference: the text as it is (most Say text)
                return Template(raw), ()
            unknown = [(name, (start, end)) for name, start, end in say_variables(raw) if name not in self.variables]
            return Template(raw), tuple(unknown_variable(name, sub, self.variables) for name, sub in unknown)
        fast = compiled(self.fast) if self.fast else None  # compiled when a value is first read
        if fast is not None and fast.fullmatch(raw):
            return self._build(raw, raw.split("|") if self.grammar == "if_value.lark" else [raw]), ()
        try:
            found = languages.tokens(self.grammar, raw)
        except languages.LanguageError as error:
            where = f"'{error.found}' at position {error.position + 1}" if error.found else "an unexpected end"
            if self.grammar == "e164.lark" and raw.startswith("+"):
                hint = "VoxXML writes E.164 numbers as digits only: " + "".join(ch for ch in raw if ch.isdigit())
            elif self.grammar == "e164.lark" and raw.isdigit():
                hint = f"it has {len(raw)} digits"
            else:
                hint = None
            if self.grammar == "if_value.lark" and (error.found == "|" or raw and error.found is None):
                at_end = error.position >= len(raw) - 1
                where = "an empty alternative at the end" if at_end else f"an empty alternative at the '|' at position {error.position + 1}"
            span = (error.position, error.position + 1) if error.found else None
            if not raw:
                return None, (Problem("invalid", f"is empty; expected {self.description}"),)
            return None, (Problem("invalid", f"has {where}; expected {self.description}", hint, span),)
        return self._build(raw, [str(token) for token in found]), ()

    def empty(self) -> Any:
        return {"say_template.lark": Template(""), "if_value.lark": ()}.get(self.grammar, "")

    def _build(self, raw: str, parts: list[str]) -> Any:
        if self.grammar == "if_value.lark":
            return tuple(parts)
        return raw

    def serialize(self, value: Any) -> str:
        if isinstance(value, tuple):
            return "|".join(value)
        return str(value)


@dataclass(frozen=True)
class VoiceType(ValueType):
    """A Polly Standard voice ID ('Joanna').

    Other platforms qualify the name ('Polly.Joanna', 'Polly.Joanna-Neural'): ``prefix``
    and ``engines`` (from grammar/voxxml-v1/vocabulary.toml) say how, so such names are recognised
    and fixed rather than only called unknown.
    """

    prefix: str = ""
    engines: tuple[str, ...] = ()

    def describe(self) -> str:
        return "an Amazon Polly Standard voice"

    def choices(self) -> tuple[str, ...]:
        return tuple(sorted(voices.standard_voices()))

    def unqualified(self, raw: str) -> tuple[str, str | None]:
        """The voice name without the provider prefix and engine suffix, and the engine named."""
        name = raw
        if self.prefix and name.casefold().startswith(self.prefix.casefold()):
            name = name[len(self.prefix) :]
        dash = name.rfind("-")
        if dash > 0:
            engine = {e.casefold(): e for e in self.engines}.get(name[dash + 1 :].casefold())
            if engine is not None:
                return name[:dash], engine
        return name, None

    def parse(self, raw: str) -> Parsed:
        standard = voices.standard_voices()
        if raw in standard:
            return raw, ()
        name, engine = self.unqualified(raw)
        if name != raw:
            return raw, (self._qualified(raw, name, engine),)
        known = voices.voices()
        if raw in known:
            return raw, (self._neural_only(known[raw]),)
        same = voices.folded_standard().get(voices.fold(raw))
        if same is not None:  # only case or accents differ: the same voice
            message = f"is not a Polly voice; did you mean '{same}'?"
            return raw, (Problem("voice", message, f"voice IDs are ASCII and case-sensitive: write '{same}'", None, same, True),)
        everyone = quote_list(tuple(sorted(standard)))
        match = near(raw, tuple(standard))
        if match is not None:
            return raw, (Problem("voice", f"is not a Polly voice; did you mean '{match}'?", f"Standard voices: {everyone}", None, match, False),)
        return raw, (Problem("voice", f"is not a Polly voice; Standard voices: {everyone}"),)

    def _neural_only(self, voice: voices.Voice) -> Problem:
        alternatives = quote_list(voices.standard_voices_for(voice.language)) or "none"
        return Problem("voice", f"is not a Polly Standard voice (it is Neural only); Standard voices for {voice.language}: {alternatives}")

    def _qualified(self, raw: str, name: str, engine: str | None) -> Problem:
        """'Polly.Joanna': VoxXML names the voice alone. Safe to fix when that is the same
        Standard voice; unsafe when another engine was named ('-Neural' sounds different)."""
        target = name if name in voices.standard_voices() else voices.folded_standard().get(voices.fold(name))
        qualified = f"'{self.prefix}'" if raw.casefold().startswith(self.prefix.casefold()) else "an engine suffix"
        if target is None:
            known = voices.voices().get(name)
            if known is not None:
                return self._neural_only(known)
            match = near(name, tuple(voices.standard_voices()))
            hint = f"did you mean '{match}'?" if match else None
            return Problem("voice", f"is not a Polly voice; VoxXML names Polly Standard voices without {qualified}", hint, None, match, False)
        if engine is None or engine.casefold() == "standard":
            message = f"is a provider-qualified voice name; VoxXML names Polly voices without {qualified}"
            return Problem("voice", message, f"write '{target}'", None, target, True)
        message = f"names {target}'s {engine} voice; VoxXML's Say speaks Polly Standard voices only"
        return Problem("voice", message, f"write '{target}' for its Standard voice, which sounds different", None, target, False)


@dataclass(frozen=True)
class SayLanguageType(ValueType):
    """A Say's language: a code that some Polly Standard voice speaks."""

    def describe(self) -> str:
        return "a language code spoken by a Polly Standard voice"

    def choices(self) -> tuple[str, ...]:
        return voices.standard_languages()

    def parse(self, raw: str) -> Parsed:
        languages = voices.standard_languages()
        if raw in languages:
            return raw, ()
        message = f"has no Polly Standard voice; languages: {quote_list(languages)}"
        found = correction(raw, languages)
        if found is None:
            return raw, (Problem("voice", message),)
        match, safe = found
        help = f"language codes are case-sensitive: write '{match}'" if safe else f"did you mean '{match}'?"
        return raw, (Problem("voice", message, help, None, match, safe),)


def check_voice_language(voice: str, language: str | None) -> Problem | None:
    """The cross-check of a Say's voice and language (VX010)."""
    spoken = voices.standard_voices().get(voice)
    if spoken is None or language is None or language in spoken.languages:
        return None
    if language not in voices.standard_languages():
        return None  # already reported on the language itself
    others = quote_list(voices.standard_voices_for(language))
    return Problem(
        "voice",
        f"is not spoken by voice '{voice}' (it speaks {quote_list(spoken.languages)}); Standard voices for {language}: {others}",
    )
