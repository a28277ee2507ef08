"""Dialect-neutral value types: how attribute values and element content are read, checked and written.

Each type turns raw text into a typed Python value plus a list of Problems. A type does not know which
element or attribute it serves, nor which dialect: the spec that owns it words the message prefix and
the reading dialect chooses the code (in VoxXML v1 an invalid attribute is VX007, invalid content VX009).
The types a dialect adds (v1's voices and templates, VoXML's qualified voices and expressions) live in
that dialect's ``values`` module.
"""

from __future__ import annotations

import re
from typing import Any

from ...core import compiled
from ...core.records import NamedTuple, dataclass

from . import languages


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
    import difflib  # only for a value that is wrong

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


def invalid_choice(raw: str, choices: tuple[str, ...], expected: str, sub: tuple[int, int] | None = None, what: str = "is not valid") -> Problem:
    """A value that is not one of ``choices``, with a fix to the one it was meant to be."""
    found = correction(raw, choices)
    if found is None:
        return Problem("invalid", f"{what}; expected {expected}", None, sub)
    match, safe = found
    if safe:
        return Problem("invalid", f"{what} (values are case-sensitive); expected {expected}", f"write '{match}'", sub, match, True)
    return Problem("invalid", f"{what}; expected {expected}", f"did you mean '{match}'?", sub, match, False)


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


# Patterns compiled when first used (``core.compiled``): a short file may have no value of their kind.
_INTEGER = r"-?[0-9]+"


@dataclass(frozen=True)
class IntegerType(ValueType):
    """A whole number in ``min..max``; above ``clamp_max`` the platform uses ``clamp_max`` (a warning, not an error)."""

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
        if not compiled(_INTEGER).fullmatch(raw):
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
    """One of fixed ``values`` (``boolean``: true/false, read as a bool)."""

    values: tuple[str, ...]
    boolean: bool = False

    def describe(self) -> str:
        return "one of: " + quote_list(self.values)

    def choices(self) -> tuple[str, ...]:
        return self.values

    def parse(self, raw: str) -> Parsed:
        if raw in self.values:
            return (raw == "true" if self.boolean else raw), ()
        return None, (invalid_choice(raw, self.values, self.describe()),)

    def serialize(self, value: Any) -> str:
        if self.boolean:
            return "true" if value else "false"
        return str(value)


@dataclass(frozen=True)
class KeywordsType(ValueType):
    """A space-separated list of keywords from ``values``, at least ``min_count`` of them."""

    values: tuple[str, ...]
    min_count: int = 0
    grammar: str = "keyword_list.lark"
    folder: str = "voxxml-v1"  # grammar/<folder>/ holds the list's lark grammar

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
            found = languages.tokens(self.folder, self.grammar, raw)
        except languages.LanguageError as error:
            return None, (Problem("invalid", f"is not a space-separated list; expected {self.describe()}", sub=(error.position, error.position + 1)),)
        problems = [
            invalid_choice(str(token), self.values, self.describe(), (token.start_pos, token.end_pos), f"has unknown keyword '{token}'")  # type: ignore[arg-type]
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
_FIRST_COMPONENT = r"[^/?#]*"
_WHITE_SPACE = r"\s"
# A netloc (a host, with a user and a port, if any) that urlsplit takes as is: printable ASCII (so
# its NFKC check passes), no brackets (an IPv6 literal, which urlsplit checks), no '/', '?' or '#'
# (its end). A scheme, '://' and this are the scheme and the netloc that urlsplit finds.
_PLAIN_NETLOC = r"[!-\"$-.0->@-Z\\^-~]++"


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

    def __post_init__(self) -> None:
        # urlsplit lower-cases the scheme it finds: matched ignoring case, a lower-case one is in ``schemes``.
        schemes = "|".join(re.escape(scheme) for scheme in self.schemes if scheme.isascii() and scheme == scheme.lower()) or "(?!)"
        object.__setattr__(self, "_plain", rf"(?i:{schemes})://{_PLAIN_NETLOC}(?:[/?#]\S*+)?+")

    def parse(self, raw: str) -> Parsed:
        if compiled(self._plain).fullmatch(raw):  # type: ignore[attr-defined]
            return raw, ()  # what the checks below accept, without urlsplit (most URLs)
        expected = f"expected {self.describe()}, e.g. {self.example}"
        blank = compiled(_WHITE_SPACE).search(raw)  # \s is str.isspace(), character by character
        if blank is not None:
            space = blank.start()
            return None, (Problem("invalid", f"contains white space; {expected}", "write a space in a URL as %20", (space, space + 1)),)
        if self.relative and raw and ":" not in compiled(_FIRST_COMPONENT).match(raw).group():  # type: ignore[union-attr]
            if raw.startswith("//"):
                return None, (Problem("invalid", f"starts with '//' (a URL without its scheme); {expected}", f"write the scheme: 'https:{raw}'", (0, 2)),)
            return raw, ()
        from urllib.parse import urlsplit  # for what the regex above does not take (it imports ipaddress too)

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


_PATTERN_SCAN = 256  # characters of a value that fails a pattern searched for the one at fault


@dataclass(frozen=True)
class PatternType(ValueType):
    """A value matching ``regex`` in full; ``description`` says what it is in messages."""

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
        # The first character that fits neither alone nor as the end of a prefix (looked for in a bounded
        # head, so a long value stays linear); none: the value as a whole does not fit ('#*' for one key).
        head = raw[:_PATTERN_SCAN]
        bad = next((i for i, ch in enumerate(head) if not pattern.fullmatch(ch) and not pattern.fullmatch(head[: i + 1])), None)
        if bad is None:
            return None, (Problem("invalid", f"is not valid; expected {self.description}"),)
        return None, (Problem("invalid", f"contains '{raw[bad]}'; expected {self.description}", sub=(bad, bad + 1)),)


@dataclass(frozen=True)
class GrammarType(ValueType):
    """A value language defined by a lark grammar (``grammar/<folder>/<grammar>``); the value is the text.

    ``fast``: a regex equal to the grammar, so that the values it matches skip lark."""

    grammar: str
    description: str
    folder: str
    fast: str | None = None

    def describe(self) -> str:
        return self.description

    def parse(self, raw: str) -> Parsed:
        fast = compiled(self.fast) if self.fast else None  # compiled when a value is first read
        if fast is not None and fast.fullmatch(raw):
            return raw, ()
        if not raw:
            return None, (Problem("invalid", f"is empty; expected {self.description}"),)
        try:
            languages.tokens(self.folder, self.grammar, raw)
        except languages.LanguageError as error:
            where = f"'{error.found}' at position {error.position + 1}" if error.found else "an unexpected end"
            span = (error.position, error.position + 1) if error.found else None
            return None, (Problem("invalid", f"has {where}; expected {self.description}", None, span),)
        return raw, ()


__all__ = [
    "EnumType", "GrammarType", "IntegerType", "KeywordsType", "Parsed", "PatternType", "Problem", "UrlType", "ValueType",
    "correction", "did_you_mean", "near", "quote_list",
]


def shared_type(name: str, table: dict[str, Any], data_folder: str) -> ValueType | None:
    """The value type of one of the kinds every dialect writes alike (enum, keywords, url, pattern),
    from its vocabulary table; None for a dialect's own kinds. VoXML and TwiML both read these."""
    kind = table["kind"]
    if kind == "enum":
        return EnumType(tuple(table["values"]), boolean=table.get("python") == "bool")
    if kind == "keywords":
        return KeywordsType(tuple(table["values"]), table.get("min_count", 0), table["grammar"], data_folder)
    if kind == "url":
        return UrlType(tuple(table["schemes"]), table["example"], table.get("relative", False))
    if kind == "pattern":
        return PatternType(table["regex"], table.get("description", f"a value matching {table['regex']}"))
    return None
