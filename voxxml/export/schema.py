"""Schemas of VoxXML for XML editors and validators: XML Schema 1.0 (``xsd``) and RELAX NG (``rng``).

    >>> from voxxml.export.schema import export_schema
    >>> xsd = export_schema("xsd")   # <xs:schema ...>, no namespace, root <Response>

Both are generated from the grammar (``voxxml.dialects.voxxml_v1.grammar.grammar()``, i.e.
grammar/voxxml-v1/vocabulary.toml) by one generic generator: the specs become a small model
(simple types, elements, child groups) and two writers print it. No element is
special-cased: a new element, attribute or type in the vocabulary shows up in both
schemas, and a value type the generator cannot express raises ``NotImplementedError``.

What the schemas say
--------------------
- The root is ``<Response>``: the XSD declares it as the only global element (every
  other element is declared locally, in the child groups), the RELAX NG starts with it.
- Each element allows its children in any order and any number; ``If`` nests.
  Elements with neither children nor content (``Hangup``, ``Pause``...) hold white
  space only. Comments and processing instructions are allowed anywhere, as in XML.
- Attribute types: integers are ``xs:integer`` with ``minInclusive`` / ``maxInclusive``
  (``clamp_max`` is only a warning in voxxml, VX008, so it is not a bound here) and the
  pattern ``-?[0-9]{1,1000}`` (xs:integer would also take '+1'; voxxml takes neither
  a sign nor more than 1000 digits); enumerations and booleans are enumerations;
  keyword lists are a pattern over their keywords; URLs, E.164 numbers, finish keys,
  If values, labels and conference names are patterns (the ``fast`` regexes of the
  grammar's types and the PatternType regexes, translated to the XSD regex dialect
  by ``xsd_regex``); voices enumerate the Polly Standard voice ids and Say languages
  the languages they speak.
- Content: Say text is any non-empty text; Play and Redirect take a URL, Number an
  E.164 number, Conference a name, each with leading and trailing white space allowed
  (voxxml strips it; "white space" is what Python's ``str.strip`` removes, written
  out as a character class).
- Documentation (``xs:documentation``, ``a:documentation``) comes from the element
  summaries, attribute descriptions, defaults and type descriptions.

Deliberate differences from voxxml
----------------------------------
voxxml is the reference. These are the places where the schema cannot, or on purpose
does not, say the same thing; tests/test_export_schema.py tests each one.

1. *Warnings are errors.* A Say voice outside the Polly Standard voices, or a Say
   language no Standard voice speaks, is a warning in voxxml (VX010) but not in the
   schema's enumerations. Conversely the schema cannot check warnings that relate
   values: whether the voice speaks the language (VX010), unknown ``$NAME`` in Say
   text (VX011), timeouts above 60 (VX008), nor any flow check (VX1xx).
2. *White space around integers.* ``xs:integer`` collapses white space, so an XSD
   validator accepts ``loop=' 3 '``, which voxxml rejects (VX007). (So would a
   conforming RELAX NG validator; libxml2's RELAX NG validator happens to reject it.)
3. *Unicode white space between elements.* voxxml ignores any white space
   (``str.isspace()``, e.g. a no-break space) between verbs; element-only content in
   XML Schema and RELAX NG allows only the XML white space characters (space, tab,
   CR, LF). The schemas reject ``<Response>&#160;<Hangup/></Response>``.
4. *xsi: attributes.* XML Schema validators allow ``xsi:schemaLocation``,
   ``xsi:noNamespaceSchemaLocation``, ``xsi:type`` and ``xsi:nil`` on any element;
   voxxml reports them as unknown attributes (VX005), and so does the RELAX NG schema.
5. *Bracketed hosts in URLs.* voxxml reads URLs with Python's ``urlsplit``, which
   accepts an IPv6 literal host (``https://[::1]/a.mp3``) and refuses a malformed one;
   the schemas refuse '[' and ']' in the host part altogether.
6. *Whole-document rules.* A DOCTYPE (refused by voxxml, VX001) and the encoding
   are outside what a schema validates.

In every other respect a document is valid against either schema exactly when voxxml
reports no VX002-VX007 or VX009 error on it (the tests check this both ways with
Hypothesis).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from lxml import etree

from ..core.version import __version__
from ..dialects.voxxml_v1.grammar import AttributeSpec, ElementSpec, grammar
from ..dialects.voxxml_v1.values import (
    EnumType,
    IntegerType,
    KeywordsType,
    LanguageType,
    PatternType,
    SayLanguageType,
    UrlType,
    ValueType,
    VoiceType,
)

SCHEMA_FORMATS = ("xsd", "rng")

XS = "http://www.w3.org/2001/XMLSchema"
RNG = "http://relaxng.org/ns/structure/1.0"
ANNOTATIONS = "http://relaxng.org/ns/compatibility/annotations/1.0"
DATATYPES = "http://www.w3.org/2001/XMLSchema-datatypes"

#: The most digits voxxml reads in an integer (voxxml.dialects.voxxml_v1.values.IntegerType.parse refuses longer ones).
INTEGER_DIGITS = 1000


# --------------------------------------------------------------------------- characters and regexes


def _is_xml_char(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


@cache
def white_space() -> tuple[str, ...]:
    """The characters Python's ``str.strip()`` and ``str.isspace()`` treat as white space, that XML allows."""
    return tuple(chr(c) for c in range(0x110000) if _is_xml_char(c) and chr(c).isspace())


@cache
def nfkc_delimiters() -> tuple[str, ...]:
    """Characters that ``urlsplit`` refuses in a host because NFKC turns them into '/', '?', '#', '@' or ':'."""
    found = []
    for code in range(0x80, 0x110000):
        ch = chr(code)
        if _is_xml_char(code) and unicodedata.decomposition(ch):
            if any(d in unicodedata.normalize("NFKC", ch) for d in "/?#@:"):
                found.append(ch)
    return tuple(found)


# XSD 1.0 single-character escapes (besides \n \r \t): metacharacters written with a backslash.
_XSD_META = set("\\|.-^?*+{}()[]")
_CONTROL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def xsd_literal(ch: str) -> str:
    """One character as an XSD regex atom (valid both inside and outside a character class)."""
    if ch in _CONTROL_ESCAPES:
        return _CONTROL_ESCAPES[ch]
    return "\\" + ch if ch in _XSD_META else ch


def xsd_char_class(chars: tuple[str, ...] | str, negated: bool = False) -> str:
    """A character class of ``chars`` (runs of three or more consecutive characters become ranges)."""
    codes = sorted({ord(c) for c in chars})
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{xsd_literal(chr(codes[i]))}-{xsd_literal(chr(codes[j]))}")
        else:
            parts.extend(xsd_literal(chr(c)) for c in codes[i : j + 1])
        i = j + 1
    return "[" + ("^" if negated else "") + "".join(parts) + "]"


_QUANTIFIER = re.compile(r"\{(\d*)(?:,(\d*))?\}")


def xsd_regex(python: str) -> str:
    """Translate a Python regular expression (as used with ``re.fullmatch``) into the XSD 1.0 dialect.

    XSD patterns are implicitly anchored (a leading '^' and trailing '$' are dropped),
    have no non-capturing groups ('(?:' becomes '('), no lazy quantifiers, no '$'
    escape, and a '.' that also excludes CR ('.' becomes '[^\\n]'). Constructs whose
    meaning differs (\\s, \\w, \\b, lookarounds, back-references...) raise ValueError
    rather than being translated approximately.
    """
    out: list[str] = []
    i, end = 0, len(python)
    if python.startswith("^"):
        i = 1
    if end > i and python[end - 1] == "$" and _unescaped_at(python, end - 1):
        end -= 1
    after_atom = False
    while i < end:
        c = python[i]
        if c == "\\":
            piece, i = _escape(python, i, end)
            out.append(piece)
            after_atom = True
            continue
        if c == "[":
            piece, i = _char_class(python, i, end)
            out.append(piece)
            after_atom = True
            continue
        if c == "(":
            if python.startswith("(?:", i):
                out.append("(")
                i += 3
            elif python.startswith("(?", i):
                raise ValueError(f"cannot translate {python[i:i + 3]!r} in {python!r} to an XSD pattern")
            else:
                out.append("(")
                i += 1
            after_atom = False
            continue
        if c in "*+?{":
            quantifier = c
            if c == "{":
                match = _QUANTIFIER.match(python, i, end)
                if match is None or not after_atom:
                    out.append("\\{")
                    i += 1
                    after_atom = True
                    continue
                low, high = match.group(1), match.group(2)
                if match.group(0).count(",") == 0:
                    quantifier = "{" + (low or "0") + "}"
                else:
                    quantifier = "{" + (low or "0") + "," + (high or "") + "}"
                i = match.end()
            else:
                if not after_atom:
                    raise ValueError(f"quantifier {c!r} without an atom in {python!r}")
                i += 1
            if i < end and python[i] in "?+":
                raise ValueError(f"lazy or possessive quantifier in {python!r}: XSD has none")
            out.append(quantifier)
            after_atom = False
            continue
        if c in ")|":
            out.append(c)
            i += 1
            after_atom = c == ")"
            continue
        if c == ".":
            out.append("[^\\n]")
        elif c in "^$":
            raise ValueError(f"anchor {c!r} inside {python!r}: XSD patterns are anchored as a whole")
        else:
            out.append(xsd_literal(c))
        i += 1
        after_atom = True
    return "".join(out)


def _unescaped_at(text: str, index: int) -> bool:
    """Whether text[index] is not escaped by an odd number of backslashes before it."""
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 0


def _escape(python: str, i: int, end: int) -> tuple[str, int]:
    """The escape at python[i] ('\\'): its XSD spelling and the index after it."""
    if i + 1 >= end:
        raise ValueError(f"trailing backslash in {python!r}")
    d = python[i + 1]
    if d in "nrt":
        return "\\" + d, i + 2
    if d in "dD":
        return "\\" + d, i + 2  # both mean Unicode decimal digits (\p{Nd})
    if d in "xuU":
        width = {"x": 2, "u": 4, "U": 8}[d]
        digits = python[i + 2 : i + 2 + width]
        if len(digits) != width or not all(h in "0123456789abcdefABCDEF" for h in digits):
            raise ValueError(f"bad \\{d} escape in {python!r}")
        return xsd_literal(chr(int(digits, 16))), i + 2 + width
    if d.isalnum() or d == "_":
        raise ValueError(f"cannot translate \\{d} in {python!r} to an XSD pattern (its meaning differs or XSD lacks it)")
    return xsd_literal(d), i + 2  # an escaped punctuation character is that character


def _char_class(python: str, i: int, end: int) -> tuple[str, int]:
    """The character class starting at python[i] ('['): its XSD spelling and the index after it."""
    out = ["["]
    i += 1
    if i < end and python[i] == "^":
        out.append("^")
        i += 1
    first = True
    while True:
        if i >= end:
            raise ValueError(f"unterminated character class in {python!r}")
        c = python[i]
        if c == "]" and not first:
            out.append("]")
            return "".join(out), i + 1
        if c == "\\":
            piece, i = _escape(python, i, end)
            out.append(piece)
        elif c == "-" and not first and i + 1 < end and python[i + 1] != "]":
            out.append("-")  # a range
            i += 1
        else:
            out.append(xsd_literal(c))
            i += 1
        first = False


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class SimpleType:
    """A named simple type: ``base`` (integer | string) restricted by facets, or an enumeration."""

    name: str
    documentation: str
    base: str = "string"
    facets: tuple[tuple[str, str], ...] = ()  # (facet, value): pattern, minInclusive, maxInclusive, minLength
    enumeration: tuple[str, ...] = ()

    def definition(self) -> tuple:
        return (self.base, self.facets, self.enumeration)


@dataclass(frozen=True)
class Attribute:
    """An attribute of an element in the exported schema."""

    name: str
    type: str  # a SimpleType name
    required: bool
    documentation: str


@dataclass(frozen=True)
class Element:
    """An element of the exported schema: its attributes and what it may contain."""

    name: str
    documentation: str
    attributes: tuple[Attribute, ...]
    children: str | None  # a child group name: children in any order and number
    content: str | None  # or a SimpleType name: the element's text (white space only for empty elements)


@dataclass
class Model:
    """A dialect's vocabulary as a schema model: its elements, child groups and value types."""

    root: str
    documentation: str
    elements: dict[str, Element] = field(default_factory=dict)
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # group name -> element names
    types: dict[str, SimpleType] = field(default_factory=dict)

    def add_type(self, simple: SimpleType) -> str:
        """Register a simple type and return its name. A type identical to one of the same
        family already registered (the callback events of Dial and of Number) is reused."""
        for existing in self.types.values():
            if existing.definition() == simple.definition() and existing.name.split(".")[0] == simple.name.split(".")[0]:
                return existing.name
        if simple.name in self.types:
            raise AssertionError(f"two different simple types named {simple.name!r}")
        self.types[simple.name] = simple
        return simple.name


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?")) else text + "."


def _integer_name(value_type: IntegerType) -> str:
    low, high = value_type.min, value_type.max
    if low is not None and high is not None:
        return f"integer_{low}_to_{high}".replace("-", "minus")
    if low is not None:
        return f"integer_from_{low}".replace("-", "minus")
    if high is not None:
        return f"integer_to_{high}".replace("-", "minus")
    return "integer"


def _keywords_pattern(value_type: KeywordsType) -> str:
    space = "[ \\t\\n\\r]"  # the separators of grammar/voxxml-v1/keyword_list.lark
    if not value_type.values:
        return space + "*"
    keyword = "(" + "|".join("".join(xsd_literal(c) for c in word) for word in value_type.values) + ")"
    more = f"({space}+{keyword})"
    if value_type.min_count <= 1:
        words = f"{keyword}{more}*"
    else:
        words = f"{keyword}{more}{{{value_type.min_count - 1},}}"
    if value_type.min_count == 0:
        words = f"({words})?"
    return f"{space}*{words}{space}*"


def _url_pattern(value_type: UrlType) -> str:
    """What ``urlsplit`` reads as <scheme>://<non-empty host>..., with no white space anywhere; or a relative reference."""
    schemes = "|".join("".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else xsd_literal(c) for c in s) for s in value_type.schemes)
    space = white_space()
    host = xsd_char_class(("/", "?", "#", "[", "]", *space, *nfkc_delimiters()), negated=True)
    rest = xsd_char_class(space, negated=True)
    absolute = f"({schemes})://{host}+([/?#]{rest}*)?"
    if not value_type.relative:
        return absolute
    # relative references (voxxml.dialects.voxxml_v1.values.UrlType): no ':' before the first '/', '?' or '#', not '//'
    segment = xsd_char_class((":", "/", "?", "#", *space), negated=True)
    not_slash = xsd_char_class(("/", *space), negated=True)
    return f"{absolute}|{segment}+([/?#]{rest}*)?|/({not_slash}{rest}*)?|[?#]{rest}*"


def _regex_of(value_type: ValueType) -> str | None:
    """The value type as one XSD pattern, or None when any string is valid.

    Enumerations become alternations (for content, where white space is allowed around
    them); integers have no pattern form here.
    """
    if isinstance(value_type, KeywordsType):
        return _keywords_pattern(value_type)
    if isinstance(value_type, UrlType):
        return _url_pattern(value_type)
    if isinstance(value_type, PatternType):
        return xsd_regex(value_type.regex)
    if isinstance(value_type, LanguageType):
        return xsd_regex(value_type.fast) if value_type.fast else None
    if isinstance(value_type, (EnumType, VoiceType, SayLanguageType)):
        return "|".join("".join(xsd_literal(c) for c in choice) for choice in value_type.choices())
    raise NotImplementedError(f"no schema pattern for value type {value_type!r}: teach voxxml/export/schema.py about it")


def _simple_type(name: str, value_type: ValueType) -> SimpleType:
    """A simple type equal to what ``value_type.parse`` accepts without an error."""
    documentation = _sentence(value_type.describe()[0].upper() + value_type.describe()[1:])
    if isinstance(value_type, IntegerType):
        facets = [("pattern", f"-?[0-9]{{1,{INTEGER_DIGITS}}}")]
        if value_type.min is not None:
            facets.append(("minInclusive", str(value_type.min)))
        if value_type.max is not None:
            facets.append(("maxInclusive", str(value_type.max)))
        return SimpleType(name, documentation, "integer", tuple(facets))
    if isinstance(value_type, (EnumType, VoiceType, SayLanguageType)):
        return SimpleType(name, documentation, enumeration=value_type.choices())
    if isinstance(value_type, LanguageType) and not value_type.fast:
        # A mini-language without a fast regex (Say text): every string is valid; what
        # voxxml finds in it is a warning (tests/test_export_schema.py checks this).
        return SimpleType(name, documentation)
    pattern = _regex_of(value_type)
    return SimpleType(name, documentation, facets=(("pattern", pattern),) if pattern is not None else ())


def _content_type(spec: ElementSpec) -> SimpleType:
    """The text of an element with content, as voxxml reads it: stripped first unless
    the type keeps white space (Say), and empty only when content is not required."""
    value_type = spec.content_type
    assert value_type is not None
    base = _simple_type(spec.content_type_name, value_type)
    description = value_type.describe()
    if not spec.content_trim:
        if spec.content_required:
            if dict(base.facets).get("pattern") is not None or base.enumeration:
                raise NotImplementedError(f"required untrimmed content of type {spec.content_type_name!r} with a pattern")
            # Not empty and not white space only (str.isspace), as voxxml reads it.
            space = xsd_char_class(white_space())
            solid = (("pattern", f"{space}*{xsd_char_class(white_space(), negated=True)}[\\s\\S]*"),)
            return SimpleType(f"{spec.content_type_name}.content", _sentence(f"{description[0].upper()}{description[1:]}, not empty or white space only"), base.base, base.facets + solid, base.enumeration)
        if base.base != "string" or base.enumeration:
            raise NotImplementedError(f"optional content of type {spec.content_type_name!r}")
        pattern = dict(base.facets).get("pattern")
        facets = (("pattern", f"({pattern})?"),) if pattern is not None else ()
        return SimpleType(f"{spec.content_type_name}.content", base.documentation, facets=facets)
    if isinstance(value_type, IntegerType):
        raise NotImplementedError(f"trimmed integer content in <{spec.name}>")
    space = xsd_char_class(white_space())
    inner = _regex_of(value_type)
    if inner is None:  # any text: required means something other than white space
        pattern = f"{space}*{xsd_char_class(white_space(), negated=True)}[\\s\\S]*" if spec.content_required else "[\\s\\S]*"
    else:
        if spec.content_required and value_type.parse("")[0] is not None:
            raise NotImplementedError(f"required content of <{spec.name}> whose type accepts an empty value")
        pattern = f"{space}*({inner}){'' if spec.content_required else '?'}{space}*"
    documentation = _sentence(f"{description[0].upper()}{description[1:]}; white space around it is ignored")
    return SimpleType(f"{spec.content_type_name}.content", documentation, facets=(("pattern", pattern),))


def _no_content() -> SimpleType:
    return SimpleType("white_space", "White space only: this element has no content.", facets=(("pattern", xsd_char_class(white_space()) + "*"),))


def _attribute_documentation(spec: AttributeSpec) -> str:
    parts = [_sentence(spec.description)] if spec.description else []
    parts.append(_sentence(f"Value: {spec.type.describe()}"))
    if spec.required:
        parts.append("Required.")
    elif spec.default is not None:
        default = spec.serialize(spec.default)
        parts.append(f"Default: '{default}'." if default else "Default: empty.")
    return " ".join(parts)


def _element_documentation(spec: ElementSpec) -> str:
    parts = [_sentence(spec.summary)]
    if spec.content_type is not None:
        parts.append(_sentence(f"Content: {spec.content_type.describe()}"))
    if spec.children:
        parts.append(_sentence(f"Contains: {', '.join(spec.children)}, in any order"))
    parts.append(f"(Reference: {spec.section}.)")
    return " ".join(parts)


def _attribute_type_names() -> dict[int, str]:
    """A simple type name per attribute spec (by id): the vocabulary's type name, made
    unique where one type name has several definitions (integer ranges, per-verb keyword lists)."""
    by_type: dict[str, list[AttributeSpec]] = {}
    for spec in grammar().elements.values():
        for attribute in spec.attributes.values():
            by_type.setdefault(attribute.type_name, []).append(attribute)
    names: dict[int, str] = {}
    for type_name, attributes in by_type.items():
        distinct = {a.type for a in attributes}
        for attribute in attributes:
            if isinstance(attribute.type, IntegerType):
                names[id(attribute)] = _integer_name(attribute.type)
            elif len(distinct) == 1:
                names[id(attribute)] = type_name
            else:
                names[id(attribute)] = f"{type_name}.{attribute.element}"
    return names


@cache
def model() -> Model:
    """The schema model of the grammar (both writers print this)."""
    g = grammar()
    root = "Response"
    documentation = (
        f"VoxXML, vocabulary version {g.version}: generated by voxxml {__version__} from grammar/voxxml-v1/vocabulary.toml. "
        "Do not edit; regenerate with voxxml. voxxml is the reference: see the module voxxml.export.schema "
        "for what a schema cannot check (warnings, flow checks)."
    )
    result = Model(root, documentation)
    attribute_types = _attribute_type_names()
    group_names: dict[tuple[str, ...], str] = {}
    for name, spec in g.elements.items():
        attributes = []
        for attribute in spec.attributes.values():
            type_name = result.add_type(_simple_type(attribute_types[id(attribute)], attribute.type))
            attributes.append(Attribute(attribute.name, type_name, attribute.required, _attribute_documentation(attribute)))
        children: str | None = None
        content: str | None = None
        if spec.children:
            if spec.children not in group_names:
                group_names[spec.children] = f"{name}.children"
                result.groups[f"{name}.children"] = spec.children
            children = group_names[spec.children]
        if spec.content_type is not None:
            if spec.children:
                raise NotImplementedError(f"<{name}> has both children and content (mixed content)")
            content = result.add_type(_content_type(spec))
        elif not spec.children:
            content = result.add_type(_no_content())
        result.elements[name] = Element(name, _element_documentation(spec), tuple(attributes), children, content)
    for members in result.groups.values():
        unknown = [c for c in members if c not in result.elements]
        if unknown:
            raise AssertionError(f"children {unknown} are not elements of the vocabulary")
    clashes = set(result.types) & (set(result.elements) | set(result.groups))
    if clashes:
        raise AssertionError(f"simple type names clash with element or group names: {sorted(clashes)}")
    return result


# --------------------------------------------------------------------------- writers


def _xs(tag: str) -> str:
    return f"{{{XS}}}{tag}"


def _xsd_annotation(parent: etree._Element, text: str) -> None:
    annotation = etree.SubElement(parent, _xs("annotation"))
    etree.SubElement(annotation, _xs("documentation")).text = text


def _xsd_simple_type(parent: etree._Element, simple: SimpleType) -> None:
    node = etree.SubElement(parent, _xs("simpleType"), name=simple.name)
    _xsd_annotation(node, simple.documentation)
    restriction = etree.SubElement(node, _xs("restriction"), base=f"xs:{simple.base}")
    for value in simple.enumeration:
        etree.SubElement(restriction, _xs("enumeration"), value=value)
    for facet, value in simple.facets:
        etree.SubElement(restriction, _xs(facet), value=value)


def _xsd(m: Model) -> etree._Element:
    schema = etree.Element(_xs("schema"), nsmap={"xs": XS})
    _xsd_annotation(schema, m.documentation)
    root = etree.SubElement(schema, _xs("element"), name=m.root, type=m.root)
    _xsd_annotation(root, m.elements[m.root].documentation)
    for group_name, children in m.groups.items():
        group = etree.SubElement(schema, _xs("group"), name=group_name)
        choice = etree.SubElement(group, _xs("choice"))
        for child in children:
            local = etree.SubElement(choice, _xs("element"), name=child, type=child)
            _xsd_annotation(local, m.elements[child].documentation)
    for element in m.elements.values():
        complex_type = etree.SubElement(schema, _xs("complexType"), name=element.name)
        _xsd_annotation(complex_type, element.documentation)
        if element.content is not None:
            simple_content = etree.SubElement(complex_type, _xs("simpleContent"))
            holder = etree.SubElement(simple_content, _xs("extension"), base=element.content)
        else:
            holder = complex_type
            if element.children is not None:
                etree.SubElement(holder, _xs("group"), ref=element.children, minOccurs="0", maxOccurs="unbounded")
        for attribute in element.attributes:
            node = etree.SubElement(holder, _xs("attribute"), name=attribute.name, type=attribute.type)
            if attribute.required:
                node.set("use", "required")
            _xsd_annotation(node, attribute.documentation)
    for simple in m.types.values():
        _xsd_simple_type(schema, simple)
    return schema


def _r(tag: str) -> str:
    return f"{{{RNG}}}{tag}"


def _rng_annotation(parent: etree._Element, text: str) -> None:
    etree.SubElement(parent, f"{{{ANNOTATIONS}}}documentation").text = text


def _rng_simple_type(parent: etree._Element, simple: SimpleType) -> None:
    define = etree.SubElement(parent, _r("define"), name=simple.name)
    _rng_annotation(define, simple.documentation)
    if simple.enumeration:
        choice = etree.SubElement(define, _r("choice"))
        for value in simple.enumeration:
            # type="string": without it a value is a token, compared after white space normalisation
            etree.SubElement(choice, _r("value"), type="string").text = value
        return
    data = etree.SubElement(define, _r("data"), type=simple.base)
    for facet, value in simple.facets:
        etree.SubElement(data, _r("param"), name=facet).text = value


def _rng(m: Model) -> etree._Element:
    grammar_node = etree.Element(_r("grammar"), nsmap={None: RNG, "a": ANNOTATIONS}, datatypeLibrary=DATATYPES)
    _rng_annotation(grammar_node, m.documentation)
    start = etree.SubElement(grammar_node, _r("start"))
    etree.SubElement(start, _r("ref"), name=m.root)
    for group_name, children in m.groups.items():
        define = etree.SubElement(grammar_node, _r("define"), name=group_name)
        choice = etree.SubElement(define, _r("choice"))
        for child in children:
            etree.SubElement(choice, _r("ref"), name=child)
    for element in m.elements.values():
        define = etree.SubElement(grammar_node, _r("define"), name=element.name)
        node = etree.SubElement(define, _r("element"), name=element.name)
        _rng_annotation(node, element.documentation)
        for attribute in element.attributes:
            holder = node if attribute.required else etree.SubElement(node, _r("optional"))
            attr = etree.SubElement(holder, _r("attribute"), name=attribute.name)
            _rng_annotation(attr, attribute.documentation)
            etree.SubElement(attr, _r("ref"), name=attribute.type)
        if element.children is not None:
            many = etree.SubElement(node, _r("zeroOrMore"))
            etree.SubElement(many, _r("ref"), name=element.children)
        else:
            assert element.content is not None
            etree.SubElement(node, _r("ref"), name=element.content)
    for simple in m.types.values():
        _rng_simple_type(grammar_node, simple)
    return grammar_node


def export_schema(fmt: Literal["xsd", "rng"] = "xsd") -> str:
    """The VoxXML schema as text: ``xsd`` (XML Schema 1.0) or ``rng`` (RELAX NG, XML syntax).

    Deterministic. The text is ASCII (other characters are written as character
    references), so it can be saved in any ASCII-compatible encoding.
    """
    return _export(fmt)


@cache
def _export(fmt: str) -> str:
    if fmt == "xsd":
        tree = _xsd(model())
    elif fmt == "rng":
        tree = _rng(model())
    else:
        raise ValueError(f"unknown schema format {fmt!r}; expected one of: {', '.join(SCHEMA_FORMATS)}")
    body = etree.tostring(tree, encoding="us-ascii", pretty_print=True).decode("ascii")
    body = re.sub(r"&#([0-9]+);", lambda m: f"&#x{int(m.group(1)):X};", body)  # hexadecimal reads better
    return '<?xml version="1.0"?>\n' + body


__all__ = ["SCHEMA_FORMATS", "export_schema", "model", "white_space", "xsd_char_class", "xsd_regex"]
