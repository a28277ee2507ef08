"""Value types: how attribute values and element content are read, checked and written.

Each type turns raw text into a typed Python value plus a list of Problems. A type
does not know which element or attribute it serves; the spec that owns it words the
message prefix and chooses the code (an invalid attribute is VX007, invalid content VX009).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from . import languages, voices
from ...hub import expressions
from ...hub.expressions import VarRef


class Problem(NamedTuple):
    """What is wrong with a value. ``kind``: invalid | clamped | voice | variable. ``sub`` indexes the raw value.

    ``replacement`` is the fix: new text for the characters ``sub`` (the whole value when
    ``sub`` is None). ``safe``: the fix cannot change what the author meant (a name's case,
    a value the platform clamps anyway); a spelling neighbour is unsafe. None: only a
    suggestion, which editors offer and ``--fix`` never applies (a guess at the meaning).
    """

    kind: str
    message: str
    help: str | None = None
    sub: tuple[int, int] | None = None
    replacement: str | None = None
    safe: bool | None = True


Parsed = tuple[Any, tuple[Problem, ...]]


def quote_list(values: list[str] | tuple[str, ...]) -> str:
    return ", ".join(values)


def near(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """A close match: the same word in another case first, then a spelling neighbour."""
    folded = {choice.casefold(): choice for choice in choices}
    if word.casefold() in folded:
        return folded[word.casefold()]
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not matches:
        lowered = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
        matches = [folded[m] for m in lowered]
    return matches[0] if matches else None


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """Help text that proposes a near match, or None."""
    match = near(word, choices)
    return f"did you mean '{match}'?" if match and match != word else None


def correction(word: str, choices: list[str] | tuple[str, ...]) -> tuple[str, bool] | None:
    """The choice ``word`` was meant to be, and whether writing it is safe.

    Safe only when the two differ in letter case: the platform compares exactly, and
    nothing else can have been meant. Any other neighbour ('en_US' for 'en-US',
    'GATHERED' for 'GATHER') is offered as an unsafe fix: it may be another word.
    """
    match = near(word, choices)
    if match is None or match == word:
        return None
    return match, match.casefold() == word.casefold()


def _invalid_choice(raw: str, choices: tuple[str, ...], expected: str, sub: tuple[int, int] | None = None, what: str = "is not valid") -> Problem:
    """A value that is not one of ``choices``, with a fix to the one it was meant to be."""
    found = correction(raw, choices)
    if found is None:
        return Problem("invalid", f"{what}; expected {expected}", None, sub)
    match, safe = found
    if safe:
        return Problem("invalid", f"{what} (values are case-sensitive); expected {expected}", f"write '{match}'", sub, match, True)
    return Problem("invalid", f"{what}; expected {expected}", f"did you mean '{match}'?", sub, match, False)


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


def has_reference(text: str) -> bool:
    """Whether text writes a '$name' reference, known or not (an unknown one is VX011 and read literally)."""
    return "$" in text and any(token.type == "VARIABLE" for token in languages.tokens("say_template.lark", text))


@lru_cache(maxsize=4096)
def template_segments(text: str) -> tuple[str | VarRef, ...]:
    """Literal text and variable references, in order (adjacent literals joined)."""
    if "$" not in text:
        return (text,) if text else ()
    segments: list[str | VarRef] = []
    for token in languages.tokens("say_template.lark", text):
        name = VARIABLES.get(str(token)) if token.type == "VARIABLE" else None
        if name is not None:
            segments.append(VarRef(name, token.start_pos, len(token)))
        elif segments and isinstance(segments[-1], str):
            segments[-1] += str(token)
        else:
            segments.append(str(token))
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


class ValueType:
    """Base: a type reads raw text into a value and writes a value back to text."""

    def parse(self, raw: str) -> Parsed:  # pragma: no cover - abstract
        raise NotImplementedError

    def serialize(self, value: Any) -> str:
        return str(value)

    def empty(self) -> Any:
        """The value of empty or unusable content."""
        return ""

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def choices(self) -> tuple[str, ...]:
        """Enumerated values, for completion and schema export; empty when open-ended."""
        return ()


_INTEGER = re.compile(r"-?[0-9]+")


@dataclass(frozen=True)
class IntegerType(ValueType):
    min: int | None = None
    max: int | None = None
    clamp_max: int | None = None

    def describe(self) -> str:
        if self.min is not None and self.max is not None:
            return f"an integer from {self.min} to {self.max}"
        text = "an integer" if self.min is None else f"an integer of at least {self.min}"
        if self.clamp_max is not None:
            text += f" (values above {self.clamp_max} act as {self.clamp_max})"
        return text

    def parse(self, raw: str) -> Parsed:
        if not _INTEGER.fullmatch(raw):
            hint = number = None
            unit = re.fullmatch(r"\s*(-?[0-9]+)\s*(s|sec|secs|seconds?)\s*", raw)
            if unit:
                number = unit.group(1)
                hint = f"values are whole seconds without a unit: write '{number}'"
            return None, (Problem("invalid", f"is not an integer; expected {self.describe()}", hint, None, number, None),)
        if len(raw.lstrip("-")) > 1000:  # int() refuses very long digit strings
            return None, (Problem("invalid", f"is far too large; expected {self.describe()}"),)
        value = int(raw)
        if self.min is not None and value < self.min:
            return None, (Problem("invalid", f"is below {self.min}; expected {self.describe()}"),)
        if self.max is not None and value > self.max:
            return None, (Problem("invalid", f"is above {self.max}; expected {self.describe()}"),)
        if self.clamp_max is not None and value > self.clamp_max:
            return value, (
                Problem(
                    "clamped",
                    f"is above {self.clamp_max}; the platform uses {self.clamp_max}",
                    f"write '{self.clamp_max}'",
                    replacement=str(self.clamp_max),
                ),
            )
        return value, ()


@dataclass(frozen=True)
class EnumType(ValueType):
    values: tuple[str, ...]
    boolean: bool = False

    def describe(self) -> str:
        return "one of: " + quote_list(self.values)

    def choices(self) -> tuple[str, ...]:
        return self.values

    def parse(self, raw: str) -> Parsed:
        if raw in self.values:
            return (raw == "true" if self.boolean else raw), ()
        return None, (_invalid_choice(raw, self.values, self.describe()),)

    def serialize(self, value: Any) -> str:
        if self.boolean:
            return "true" if value else "false"
        return str(value)


@dataclass(frozen=True)
class KeywordsType(ValueType):
    values: tuple[str, ...]
    min_count: int = 0
    grammar: str = "keyword_list.lark"

    def describe(self) -> str:
        listed = quote_list(self.values) if self.values else "(none for this verb)"
        if self.min_count:
            return f"one or more of {listed}, separated by spaces"
        return f"space-separated keywords from: {listed}"

    def choices(self) -> tuple[str, ...]:
        return self.values

    def parse(self, raw: str) -> Parsed:
        words = raw.split()
        if len(words) >= self.min_count and all(word in self.values for word in words) and raw.isascii():
            return tuple(words), ()  # every valid list: no need for the grammar's positions
        try:
            found = languages.tokens(self.grammar, raw)
        except languages.LanguageError as error:
            return None, (Problem("invalid", f"is not a space-separated list; expected {self.describe()}", sub=(error.position, error.position + 1)),)
        problems = [
            _invalid_choice(str(token), self.values, self.describe(), (token.start_pos, token.end_pos), f"has unknown keyword '{token}'")
            for token in found
            if str(token) not in self.values
        ]
        if len(found) < self.min_count:
            problems.append(Problem("invalid", f"is empty; expected {self.describe()}"))
        value = tuple(str(token) for token in found if str(token) in self.values)
        return value, tuple(problems)

    def serialize(self, value: Any) -> str:
        return " ".join(value)


# The first component of a URL reference: up to the first '/', '?' or '#'. A ':' in it
# makes the reference absolute (scheme ':' ...); without one it is relative (RFC 3986 4.2).
_FIRST_COMPONENT = re.compile(r"[^/?#]*")


@dataclass(frozen=True)
class UrlType(ValueType):
    """An absolute URL with one of ``schemes`` and a host, or (``relative``) a relative reference.

    Relative references are resolved against the document's own URL, which is HTTP(S),
    so they stay HTTP(S): a path ('main', '/audio/hello.mp3', '../menu.xml'), a query
    ('?step=2') or a fragment. Network-path references ('//host/x') are refused: they
    leave out only the scheme, and writing it costs nothing.
    """

    schemes: tuple[str, ...] = ("http", "https")
    example: str = "https://example.com/file"
    relative: bool = False

    def describe(self) -> str:
        absolute = "an " + " or ".join(s.upper() for s in self.schemes) + " URL"
        return absolute + " (absolute, or relative to the document's URL)" if self.relative else absolute

    def parse(self, raw: str) -> Parsed:
        expected = f"expected {self.describe()}, e.g. {self.example}"
        space = next((i for i, ch in enumerate(raw) if ch.isspace()), None)
        if space is not None:
            return None, (Problem("invalid", f"contains white space; {expected}", "write a space in a URL as %20", (space, space + 1)),)
        if self.relative and raw and ":" not in _FIRST_COMPONENT.match(raw).group():  # type: ignore[union-attr]
            if raw.startswith("//"):
                return None, (Problem("invalid", f"starts with '//' (a URL without its scheme); {expected}", f"write the scheme: 'https:{raw}'", (0, 2)),)
            return raw, ()
        try:
            parts = urlsplit(raw)
        except ValueError:
            parts = None
        if parts is None:
            return None, (Problem("invalid", f"is not a valid URL; {expected}"),)
        if parts.scheme.lower() not in self.schemes:
            what = f"has scheme '{parts.scheme}'" if parts.scheme else f"is not {self.describe()}"
            allowed = " or ".join(s.upper() for s in self.schemes)
            return None, (Problem("invalid", f"{what}; {expected}", f"URLs are fetched over {allowed} only" if parts.scheme else None),)
        if not parts.netloc:
            return None, (Problem("invalid", f"has no host after '{parts.scheme}:'; {expected}"),)
        return raw, ()


@dataclass(frozen=True)
class PatternType(ValueType):
    regex: str
    description: str

    def describe(self) -> str:
        return self.description

    def parse(self, raw: str) -> Parsed:
        pattern = re.compile(self.regex)
        if pattern.fullmatch(raw):
            return raw, ()
        if not raw:
            return None, (Problem("invalid", f"is empty; expected {self.description}"),)
        bad = next(i for i, ch in enumerate(raw) if not pattern.fullmatch(ch) and not pattern.fullmatch(raw[: i + 1]))
        return None, (Problem("invalid", f"contains '{raw[bad]}'; expected {self.description}", sub=(bad, bad + 1)),)


@dataclass(frozen=True)
class LanguageType(ValueType):
    """A value mini-language defined by a lark grammar; ``shape`` says how to build the value."""

    grammar: str
    description: str
    variables: tuple[str, ...] = ()  # the variables a template may read
    fast: str | None = None  # a regex equal to the grammar: values it matches skip lark

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fast", re.compile(self.fast) if self.fast else None)

    def describe(self) -> str:
        return self.description

    def parse(self, raw: str) -> Parsed:
        if self.grammar == "say_template.lark" and "$" not in raw:
            return Template(raw), ()
        fast = self._fast  # type: ignore[attr-defined]
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
        if self.grammar == "say_template.lark":
            return Template(raw), tuple(self._unknown_variables(found))
        return self._build(raw, [str(token) for token in found]), ()

    def _unknown_variables(self, found: list[Any]) -> list[Problem]:
        return [
            unknown_variable(str(token), (token.start_pos, token.end_pos), self.variables)
            for token in found
            if token.type == "VARIABLE" and str(token) not in self.variables
        ]

    def empty(self) -> Any:
        return {"say_template.lark": Template(""), "if_value.lark": ()}.get(self.grammar, "")

    def _build(self, raw: str, parts: list[str]) -> Any:
        if self.grammar == "say_template.lark":
            return Template(raw)
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
