"""Hypothesis strategies for VoxXML: valid ASTs, random documents, mutated bytes.

Reusable by any test (property tests of the parser, differential tests of a
compiler, ...). Everything that describes the language is read from the grammar
(``voxxml.dialects.voxxml_v1.grammar.grammar()``), the lark mini-languages and the Polly voice list,
so the strategies follow ``grammar/voxxml-v1/vocabulary.toml`` when it changes; a value type
the strategies do not know raises ``NotImplementedError`` instead of silently
generating nothing.

Valid ASTs (``parse(ast.to_xml()).document == ast`` with no vocabulary diagnostics,
VX0xx; the flow checks, VX1xx, may well find something in a random program, such as
verbs after a Hangup):

    responses(max_depth=4, max_children=4)  -> voxxml.ast.Response
    verbs(max_depth=3)                      -> any verb node
    nodes("Gather")                         -> one element's node
    attribute_values(spec)                  -> valid typed values of one AttributeSpec
    content_values("Say")                   -> valid typed content of one element
    say_texts(), urls(), relative_urls(),   -> building blocks
    xml_text()

Arbitrary input for totality tests:

    xml_fragment_documents()                -> text made of XML-ish fragments (often broken)
    vocabulary_documents()                  -> well-formed XML using VoxXML names, with
                                               valid and invalid values; (text, root tag)
    written_documents()                     -> valid VoxXML text written the many ways XML
                                               allows: quotes, white space, comments, PIs,
                                               character references, CDATA
    mutated(seeds)                          -> bytes: seeds with random edits applied
"""

from __future__ import annotations

import encodings.aliases
import re
from functools import cache
from typing import Any, Callable
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from voxxml.dialects.voxxml_v1 import languages, voices
from voxxml.ast import NODE_CLASSES, Node, Response
from voxxml.dialects.voxxml_v1.grammar import AttributeSpec, ElementSpec, grammar
from voxxml.dialects.voxxml_v1.reader import read_condition
from voxxml.dialects.voxxml_v1.values import (
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

# --------------------------------------------------------------------------- characters

#: Characters XML 1.0 forbids outright (the C0 controls other than tab, LF and CR,
#: and U+FFFE/U+FFFF). Surrogates cannot be encoded as UTF-8 and are excluded by the codec.
XML_FORBIDDEN = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff"

#: Any character an XML 1.0 document may hold. A CR is among them: written raw, a
#: parser reads it (and CR LF) as LF, so a writer must spell it &#13; to keep it.
XML_CHARS = st.characters(codec="utf-8", exclude_characters=XML_FORBIDDEN)


def xml_text(*, min_size: int = 0, max_size: int = 20, exclude: str = "") -> SearchStrategy[str]:
    """Text an XML document can hold (escape &, < and >, and CR, which a parser reads as LF)."""
    chars = XML_CHARS if not exclude else st.characters(codec="utf-8", exclude_characters=XML_FORBIDDEN + exclude)
    return st.text(chars, min_size=min_size, max_size=max_size)


# --------------------------------------------------------------------------- mini-languages


@cache
def terminal_regex(grammar_file: str, terminal: str) -> str:
    """The regular expression of a terminal of one of the lark grammars under grammar/."""
    for definition in languages.parser(grammar_file).terminals:
        if definition.name == terminal:
            return definition.pattern.to_regexp()
    raise KeyError(f"{grammar_file} has no terminal {terminal}")


def _from_terminal(grammar_file: str, terminal: str, max_size: int | None = None) -> SearchStrategy[str]:
    strategy = st.from_regex(terminal_regex(grammar_file, terminal), fullmatch=True)
    if max_size is not None:
        strategy = strategy.filter(lambda s: len(s) <= max_size)
    return strategy


def variables() -> tuple[str, ...]:
    return grammar().variables


_WORD_CHAR = re.compile(r"[A-Za-z0-9_]")


@st.composite
def say_texts(draw: Any, min_segments: int = 1, max_segments: int = 5) -> str:
    """Say text that is valid and warning-free: literal text, the grammar's variables
    ($GATHER), and a literal '$' where no name follows it ("$5 off")."""
    literal = xml_text(min_size=1, max_size=12, exclude="$")
    variable = st.sampled_from(variables())
    dollar = st.sampled_from("0123456789 .,!?-").map(lambda c: "$" + c)
    segments = draw(
        st.lists(st.one_of(literal, variable, dollar), min_size=min_segments, max_size=max_segments)
    )
    text = ""
    previous_was_variable = False
    for segment in segments:
        # A name character right after a variable would lengthen the variable's name.
        if previous_was_variable and _WORD_CHAR.match(segment):
            text += " "
        text += segment
        previous_was_variable = segment in variables()
    if text.isspace():  # white space alone is an empty Say (VX009)
        text += "."
    return text


_URL_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@%éß日"


@st.composite
def urls(draw: Any, schemes: tuple[str, ...] = ("http", "https")) -> str:
    """An absolute URL with one of ``schemes``, a host name, and optional port, path, query, fragment."""
    scheme = draw(st.sampled_from(schemes))
    scheme = draw(st.sampled_from([scheme, scheme.upper()]))  # schemes are case-insensitive
    label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
    host = ".".join(draw(st.lists(label, min_size=1, max_size=3))) + "." + draw(st.sampled_from(["com", "org", "net", "example"]))
    if draw(st.booleans()):
        host = draw(st.sampled_from(["example.com", "localhost", "127.0.0.1", "ivr.example.com"]))
    port = draw(st.none() | st.integers(1, 65535))
    segment = st.text(st.sampled_from(_URL_CHARS), max_size=8)
    path = "".join("/" + s for s in draw(st.lists(segment, max_size=3)))
    query = draw(st.none() | st.text(st.sampled_from(_URL_CHARS + "/?"), max_size=12))
    fragment = draw(st.none() | st.text(st.sampled_from(_URL_CHARS + "/?"), max_size=6))
    url = f"{scheme}://{host}"
    if port is not None:
        url += f":{port}"
    url += path
    if query is not None:
        url += "?" + query
    if fragment is not None:
        url += "#" + fragment
    return url


@st.composite
def relative_urls(draw: Any) -> str:
    """A relative reference (RFC 3986): a path ('main', '../a.xml', '/audio/x.mp3'), a query or a fragment.

    No ':' before the first '/', '?' or '#' (it would be read as a scheme), and not '//'.
    """
    first = st.text(st.sampled_from(_URL_CHARS.replace(":", "")), min_size=1, max_size=8)
    segment = st.text(st.sampled_from(_URL_CHARS), max_size=8)
    more = "".join("/" + s for s in draw(st.lists(segment, max_size=2)))
    kind = draw(st.sampled_from(["path", "absolute-path", "up", "query", "fragment"]))
    if kind == "path":
        url = draw(first) + more
    elif kind == "absolute-path":
        url = "/" + draw(first) + more
    elif kind == "up":
        url = "../" + draw(first) + more
    else:
        url = ("?" if kind == "query" else "#") + draw(st.text(st.sampled_from(_URL_CHARS + "/?"), max_size=8))
    return url


# --------------------------------------------------------------------------- typed values


def type_values(value_type: ValueType, *, nonempty: bool = False) -> SearchStrategy[Any]:
    """Valid, warning-free typed values of one value type (as the AST holds them)."""
    if isinstance(value_type, IntegerType):
        # Values above clamp_max are accepted with a VX008 warning: stay at or below it.
        high = value_type.max if value_type.max is not None else value_type.clamp_max
        return st.integers(min_value=value_type.min, max_value=high)
    if isinstance(value_type, EnumType):
        if value_type.boolean:
            return st.booleans()
        return st.sampled_from(value_type.values)
    if isinstance(value_type, KeywordsType):
        if not value_type.values:
            return st.just(())
        return st.lists(
            st.sampled_from(value_type.values),
            unique=True,
            min_size=max(value_type.min_count, 1 if nonempty else 0),
            max_size=len(value_type.values),
        ).map(tuple)
    if isinstance(value_type, UrlType):
        return urls(value_type.schemes) | relative_urls() if value_type.relative else urls(value_type.schemes)
    if isinstance(value_type, PatternType):
        strategy = st.from_regex(value_type.regex, fullmatch=True)
        return strategy.filter(bool) if nonempty else strategy
    if isinstance(value_type, LanguageType):
        return _language_values(value_type.grammar, nonempty)
    if isinstance(value_type, VoiceType):
        return st.sampled_from(sorted(voices.standard_voices()))
    if isinstance(value_type, SayLanguageType):
        return st.sampled_from(voices.standard_languages())
    raise NotImplementedError(f"no strategy for value type {value_type!r}: teach tests/strategies.py about it")


def _language_values(grammar_file: str, nonempty: bool) -> SearchStrategy[Any]:
    if grammar_file == "e164.lark":
        return _from_terminal("e164.lark", "NUMBER")
    if grammar_file == "finish_on_key.lark":
        keys = st.lists(_from_terminal("finish_on_key.lark", "KEY"), min_size=1 if nonempty else 0, max_size=4)
        return keys.map("".join)
    if grammar_file == "if_value.lark":
        alternative = _from_terminal("if_value.lark", "ALTERNATIVE", max_size=12)
        return st.lists(alternative, min_size=1, max_size=4).map(tuple)
    if grammar_file == "say_template.lark":
        return say_texts()
    raise NotImplementedError(f"no strategy for the mini-language {grammar_file}: teach tests/strategies.py about it")


def attribute_values(attribute: AttributeSpec) -> SearchStrategy[Any]:
    """Valid, warning-free typed values of one attribute."""
    return type_values(attribute.type)


def content_values(tag: str) -> SearchStrategy[Any]:
    """Valid, warning-free typed content of an element that has content (Say text is a str)."""
    spec = grammar().elements[tag]
    assert spec.content_type is not None, f"<{tag}> has no content"
    return type_values(spec.content_type, nonempty=spec.content_required)


# --------------------------------------------------------------------------- AST nodes


def _voice_pair(spec: ElementSpec) -> tuple[AttributeSpec, AttributeSpec] | None:
    """A voice attribute and a language attribute checked against each other (Say)."""
    voice = [a for a in spec.attributes.values() if isinstance(a.type, VoiceType)]
    language = [a for a in spec.attributes.values() if isinstance(a.type, SayLanguageType)]
    return (voice[0], language[0]) if voice and language else None


@st.composite
def _attributes(draw: Any, tag: str) -> tuple[dict[str, Any], frozenset[str]]:
    """Builder keyword arguments for the attributes of ``tag`` and the hub fields to pass as ``explicit``.

    Each optional attribute is left out (default), written with its default value
    (passed in ``explicit``), or given a drawn value; required attributes always get one.
    An If's variable, test and value become its ``condition``, as the reader reads them.
    """
    spec = grammar().elements[tag]
    kwargs: dict[str, Any] = {}
    explicit: set[str] = set()
    pair = _voice_pair(spec)
    coupled = {a.name for a in pair} if pair else set()
    for name, attribute in spec.attributes.items():
        if name in coupled:
            continue
        # "explicit default" needs a default to write: an attribute whose default is None is simply absent
        modes = ["omit", "set", "explicit default"] if attribute.default is not None else ["omit", "set"]
        mode = "set" if attribute.required else draw(st.sampled_from(modes))
        if mode == "set":
            kwargs[attribute.field] = draw(attribute_values(attribute))
        elif mode == "explicit default":
            explicit.add(attribute.field)
    if pair is not None:
        voice_spec, language_spec = pair
        if draw(st.booleans()):
            voice = draw(attribute_values(voice_spec))
            kwargs[voice_spec.field] = voice
            if voice == voice_spec.default and draw(st.booleans()):
                explicit.add(voice_spec.field)
        else:
            voice = voice_spec.default
        spoken = voices.standard_voices()[voice].languages
        language = draw(st.none() | st.sampled_from(spoken))
        if language is not None:
            kwargs[language_spec.field] = language
    if spec.condition:
        parts = [spec.attributes[name].field for name in spec.condition]
        kwargs["condition"] = read_condition(*(kwargs.pop(part, None) for part in parts))
        explicit.difference_update(parts)
    return kwargs, frozenset(explicit)


@cache
def nodes(tag: str, depth: int = 0, max_depth: int = 4, max_children: int = 4) -> SearchStrategy[Node]:
    """Valid nodes of element ``tag`` built with the builder API (``Say("Hi", voice=...)``),
    with children nested at most ``max_depth`` levels below ``depth``."""
    spec = grammar().elements[tag]
    cls = spec.node_class

    @st.composite
    def build(draw: Any) -> Node:
        kwargs, explicit = draw(_attributes(tag))
        if spec.content_field is not None:
            kwargs[spec.content_field] = draw(content_values(tag))
        if spec.children_field is not None:
            children: list[Node] = []
            if spec.children and depth < max_depth:
                child = st.one_of([nodes(name, depth + 1, max_depth, max_children) for name in spec.children])
                children = draw(st.lists(child, max_size=max_children))
            kwargs[spec.children_field] = children
        return cls(**kwargs, explicit=explicit)

    return build()


def verbs(max_depth: int = 3, max_children: int = 4) -> SearchStrategy[Node]:
    """Any valid verb (a child of <Response>), nesting at most ``max_depth`` levels."""
    return st.one_of([nodes(name, 1, max_depth + 1, max_children) for name in grammar().verbs])


def responses(max_depth: int = 4, max_children: int = 4) -> SearchStrategy[Response]:
    """Valid VoxXML documents as ASTs: a Response whose tree is at most ``max_depth`` deep."""
    return nodes("Response", 0, max_depth, max_children)  # type: ignore[return-value]


# --------------------------------------------------------------------------- XML-ish text


def element_names() -> tuple[str, ...]:
    return tuple(grammar().elements)


def attribute_names() -> tuple[str, ...]:
    return tuple(sorted({name for spec in grammar().elements.values() for name in spec.attributes}))


#: Every codec name Python knows: real text encodings and also transforms
#: (rot13, base64, zlib, ...) and oddities (undefined, idna, punycode).
CODEC_NAMES = tuple(sorted(set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values()) | {"utf-8", "UTF-8", "utf-16", "latin-1", "ascii", "rot13", "undefined", "punycode", "idna", "no-such-codec"}))

_WHITESPACE_ISH = " \t\n\r\xa0\x85\u2028\u2029\u3000\u200b\ufeff"


def _random_attribute(name: SearchStrategy[str]) -> SearchStrategy[str]:
    quote = st.sampled_from(["'", '"', ""])
    value = st.one_of(st.text(max_size=10), st.sampled_from(["1", "true", "$GATHER", "dtmf speech", "https://x.com/a", "&amp;", "<", "'", '"']))
    return st.builds(lambda n, q, v: f" {n}={q}{v}{q}", name, quote, value)


def xml_fragments() -> SearchStrategy[str]:
    """One XML-ish fragment: tags (VoxXML and not), attributes, references, comments,
    CDATA, PIs, declarations, quotes, variables and plain text, well- or ill-formed."""
    names = st.one_of(st.sampled_from(element_names()), st.sampled_from(["response", "RESPONSE", "x:Say", "Foo", "_", "a-b"]), st.text(min_size=1, max_size=6))
    attribute_name = st.one_of(st.sampled_from(attribute_names()), st.sampled_from(["xmlns", "xmlns:x", "xml:lang", "x:voice"]), st.text(min_size=1, max_size=6))
    start_tag = st.builds(
        lambda n, attrs, close: f"<{n}{''.join(attrs)}{close}",
        names,
        st.lists(_random_attribute(attribute_name), max_size=3),
        st.sampled_from([">", "/>", "", " >", "/"]),
    )
    end_tag = st.builds(lambda n, ws: f"</{n}{ws}>", names, st.sampled_from(["", " ", "\n"]))
    declaration = st.builds(
        lambda v, e: f"<?xml version='{v}'" + ("" if e is None else f" encoding='{e}'") + "?>",
        st.sampled_from(["1.0", "1.1", "2"]),
        st.none() | st.sampled_from(CODEC_NAMES),
    )
    fixed = st.sampled_from(
        [
            "<Response>", "</Response>", "<Say voice='x'>", "<Say voice='Joanna' language='en-US'>", "</Say>", "</If>",
            "<If variable='$GATHER' test='EQUAL' value='1|2'>", "<Gather input='dtmf speech' numDigits='4'>",
            "<Number>15556667777</Number>", "<Dial>", "<Play>https://example.com/a.mp3</Play>", "<Hangup/>",
            "<Pause length='99999999999999999999'/>", "<!--", "-->", "<!-- c -->", "&amp;", "&lt;", "&gt;", "&quot;",
            "&apos;", "&#13;", "&#10;", "&#160;", "&#x2028;", "&#0;", "&#xD800;", "&#1114112;", "&nbsp;", "&unknown;", "&",
            "<![CDATA[", "]]>", "<![CDATA[x<y]]>", "<?pi data?>", "<?", "?>", "<!DOCTYPE Response>",
            "<!DOCTYPE r [<!ENTITY e 'x'>]>", "<!ENTITY", "&e;", "'", '"', "=", "<", ">", "/", "$GATHER", "$FOO", "$",
            "\ufeff", "\r\n", "\r", "\n", "\t", "\x00", "\x0c",
            # inline suppressions (voxxml/core/suppressions.py)
            "<!-- voxxml: ignore VX102 -->", "<!-- voxxml: ignore VX001 VX003, VX005 reason -->",
            "<!-- voxxml: file-ignore VX010 -->", "<!-- voxxml: file-ignore VX001 VX002 -->", "<!-- voxxml: ignore -->",
            "<!-- voxxml: ignore XX999 -->", "<!--voxxml:ignore VX104-->", "voxxml:",
        ]
    )
    return st.one_of(
        fixed,
        start_tag,
        end_tag,
        declaration,
        st.text(max_size=10),
        st.text(st.sampled_from(_WHITESPACE_ISH), min_size=1, max_size=3),
    )


def xml_fragment_documents(max_fragments: int = 24) -> SearchStrategy[str]:
    """Text made by concatenating XML-ish fragments; mostly ill-formed, sometimes not."""
    return st.lists(xml_fragments(), max_size=max_fragments).map("".join)


# --------------------------------------------------------------------------- well-formed random documents


def _raw_values(attribute: AttributeSpec | None) -> SearchStrategy[str]:
    """Raw attribute text: a valid value of the attribute, or something near or far from one."""
    junk = st.one_of(
        xml_text(max_size=10),
        st.from_regex(r"-?[0-9]{1,4}", fullmatch=True),
        # digit runs at the sizes where integer handling changes: int64, float, Python's str->int limit
        st.sampled_from([1, 19, 20, 309, 4300, 4301, 5000]).map(lambda n: "9" * n),
        st.sampled_from(["", " ", "7s", "1e3", "TRUE", "yes", "$gather", "dtmf,speech", "+15556667777", "ftp://x.com/", "https://"]),
    )
    if attribute is None:
        return junk
    valid = attribute_values(attribute).map(attribute.serialize)
    separators = st.text(st.sampled_from(_WHITESPACE_ISH.replace("\r", "")), min_size=1, max_size=2)
    if isinstance(attribute.type, KeywordsType) and attribute.type.values:
        # keyword lists with odd separators and stray or misspelt keywords
        words = st.lists(st.one_of(st.sampled_from(attribute.type.values), xml_text(max_size=6)), max_size=4)
        near = st.builds(lambda ws, seps: "".join(w + s for w, s in zip(ws, seps)), words, st.lists(separators, min_size=4, max_size=4))
        return st.one_of(valid, near, junk)
    return st.one_of(valid, valid, junk)


def _raw_content(spec: ElementSpec | None) -> SearchStrategy[str]:
    junk = xml_text(max_size=16)
    if spec is None or spec.content_type is None:
        return st.one_of(st.just(""), st.sampled_from([" ", "\n  "]), junk)
    valid = content_values(spec.name).map(spec.content_type.serialize)
    return st.one_of(valid, valid, junk, st.just(""))


@st.composite
def _random_element(draw: Any, depth: int, max_depth: int, name: str | None = None) -> str:
    elements = grammar().elements
    if name is None:
        name = draw(st.one_of(st.sampled_from(element_names()), st.sampled_from(element_names()), st.sampled_from(["response", "Foo", "say"])))
    spec = elements.get(name)
    # attributes: mostly the element's own, sometimes another element's or an unknown one
    own = tuple(spec.attributes) if spec is not None else ()
    names = draw(st.lists(st.one_of(st.sampled_from(own or ("x",)), st.sampled_from(attribute_names()), st.sampled_from(["foo", "Voice", "num_digits"])), unique=True, max_size=4))
    attrs = ""
    for attr_name in names:
        attribute = spec.attributes.get(attr_name) if spec is not None else None
        raw = draw(_raw_values(attribute))
        attrs += f" {attr_name}={quoteattr(raw)}"
    if draw(st.integers(0, 9)) == 0:
        attrs += " " + draw(st.sampled_from(["a='&#160;'", "b='&#13;&#10;'", "c='&amp;&lt;'"]))
    parts: list[str] = []
    if spec is not None and spec.content_type is not None and draw(st.integers(0, 3)):
        text = draw(_raw_content(spec))
        if draw(st.integers(0, 5)):
            # character references too, which the parser expands into the content
            parts.append(escape(text) + draw(st.sampled_from(["", "", "", "&amp;", "&#160;", "&#13;", "&#x1F600;", "&#9;"])))
        else:
            parts.append(f"<![CDATA[{text.replace(']]>', '')}]]>")
    elif depth < max_depth:
        for _ in range(draw(st.integers(0, 3))):
            kind = draw(st.integers(0, 9))
            if kind == 0:
                parts.append(escape(draw(xml_text(max_size=6))))
            elif kind == 1:
                parts.append(f"<!--{draw(xml_text(max_size=6)).replace('-', '')}-->")
            elif kind == 2:
                parts.append(draw(st.sampled_from(["&#13;", "&#160;", "&amp;", "<?pi x?>", "\n  "])))
            else:
                parts.append(draw(_random_element(depth + 1, max_depth)))
    body = "".join(parts)
    if not body and draw(st.booleans()):
        return f"<{name}{attrs}/>"
    return f"<{name}{attrs}>{body}</{name}>"


@st.composite
def vocabulary_documents(draw: Any, max_depth: int = 4) -> tuple[str, str]:
    """A well-formed XML document (no DTD) built from VoxXML element and attribute names
    with valid and invalid values: ``(text, root element name)``."""
    root = draw(st.sampled_from(["Response"] * 8 + ["Say", "response", "Foo"]))
    prolog = draw(st.sampled_from(["", "<?xml version='1.0'?>\n", "<?xml version='1.0' encoding='UTF-8'?>", "<!-- c -->\n", "\ufeff"]))
    element = draw(_random_element(0, max_depth, root))
    return prolog + element + draw(st.sampled_from(["", "\n", "<!-- end -->"])), root


# --------------------------------------------------------------------------- valid documents, written by hand


def _char_reference(draw: Any, ch: str) -> str:
    style = draw(st.sampled_from(["decimal", "hex", "HEX"]))
    if style == "decimal":
        return f"&#{ord(ch)};"
    return f"&#x{ord(ch):x};" if style == "hex" else f"&#x{ord(ch):X};"


def _spell(draw: Any, text: str, specials: dict[str, str]) -> str:
    """``text`` as XML source: ``specials`` must be escaped; any other character may be
    written as a character reference instead."""
    spelt = set(draw(st.lists(st.integers(0, max(len(text) - 1, 0)), max_size=3))) if text else set()
    out = []
    for i, ch in enumerate(text):
        if i in spelt:
            out.append(_char_reference(draw, ch))
        elif ch in specials:
            out.append(specials[ch] if draw(st.integers(0, 3)) else _char_reference(draw, ch))
        else:
            out.append(ch)
    return "".join(out)


_TEXT_SPECIALS = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_BETWEEN = st.sampled_from(["", "", "\n", "\n  ", "\t", " ", "<!-- note -->", "<?pi data?>", "\n<!-- a\nlonger comment -->\n", "\r\n"])
_ATTRIBUTE_SPACE = st.sampled_from([" ", " ", "  ", "\n    ", "\t", "\r\n "])


def _attribute_source(draw: Any, name: str, raw: str) -> str:
    quote = draw(st.sampled_from(["'", '"']))
    # white space in attribute values is normalised to spaces unless written as references
    specials = {"&": "&amp;", "<": "&lt;", quote: "&quot;" if quote == '"' else "&apos;", "\n": "&#10;", "\t": "&#9;", "\r": "&#13;"}
    equals = draw(st.sampled_from(["=", "=", " = ", "=\n"]))
    return f"{draw(_ATTRIBUTE_SPACE)}{name}{equals}{quote}{_spell(draw, raw, specials)}{quote}"


def _content_source(draw: Any, spec: ElementSpec, raw: str) -> str:
    if spec.content_trim and draw(st.booleans()):
        raw_padding = draw(st.sampled_from([("\n    ", "\n  "), (" ", ""), ("\t", "\n"), ("", " ")]))
    else:
        raw_padding = ("", "")
    if draw(st.integers(0, 4)) == 0:
        # a CDATA section (split where the text itself holds ']]>')
        body = "<![CDATA[" + raw.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    else:
        body = _spell(draw, raw, _TEXT_SPECIALS)
    return raw_padding[0] + body + raw_padding[1]


@st.composite
def _written(draw: Any, tag: str, depth: int, max_depth: int) -> str:
    spec = grammar().elements[tag]
    attributes: list[tuple[str, str]] = []
    for name, attribute in spec.attributes.items():
        if attribute.required or draw(st.integers(0, 3)) == 0:
            attributes.append((name, attribute.serialize(draw(attribute_values(attribute)))))
    attributes = draw(st.permutations(attributes))
    head = f"<{tag}" + "".join(_attribute_source(draw, name, raw) for name, raw in attributes) + draw(st.sampled_from(["", " ", "\n"]))
    inner = ""
    if spec.content_type is not None:
        raw = spec.content_type.serialize(draw(content_values(tag)))
        inner = _content_source(draw, spec, raw)
    elif spec.children and depth < max_depth:
        children = draw(st.lists(st.sampled_from(spec.children), max_size=3))
        inner = "".join(draw(_BETWEEN) + draw(_written(child, depth + 1, max_depth)) for child in children) + draw(_BETWEEN)
    else:
        inner = draw(st.sampled_from(["", "", "\n", "<!-- nothing -->"]))
    if not inner and draw(st.booleans()):
        return head + "/>"
    return f"{head}>{inner}</{tag}{draw(st.sampled_from(['', ' ', chr(10)]))}>"


@st.composite
def written_documents(draw: Any, max_depth: int = 4) -> str:
    """A valid VoxXML document (no VX0xx errors; voice/language warnings possible) in
    any of the ways XML may spell it: either quote, white space inside tags, comments
    and processing instructions between verbs, character references, CDATA content,
    padded content, an XML declaration, CRLF line ends."""
    prolog = draw(st.sampled_from(["", "<?xml version='1.0'?>\n", '<?xml version="1.0" encoding="utf-8"?>\r\n', "<!-- header -->\n", "\n\n"]))
    return prolog + draw(_written("Response", 0, max_depth)) + draw(st.sampled_from(["", "\n", "\n<!-- end -->\n"]))


# --------------------------------------------------------------------------- mutations


def _mutation(data: bytes, draw: Callable[[SearchStrategy[Any]], Any]) -> bytes:
    kind = draw(st.sampled_from(["delete", "duplicate", "insert", "flip", "swap", "truncate", "replace"]))
    n = len(data)
    index = st.integers(0, n)
    if kind == "truncate":
        return data[: draw(index)]
    if kind == "flip":
        if not n:
            return data
        i = draw(st.integers(0, n - 1))
        return data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]
    if kind == "insert":
        at = draw(index)
        inserted = draw(st.one_of(st.binary(min_size=1, max_size=8), xml_fragments().map(lambda s: s.encode("utf-8"))))
        return data[:at] + inserted + data[at:]
    if kind == "replace":
        # one byte becomes a character that matters to XML
        if not n:
            return data
        i = draw(st.integers(0, n - 1))
        return data[:i] + draw(st.sampled_from([b"<", b">", b"&", b"'", b'"', b"/", b"=", b"!", b"?", b"-", b"[", b"]", b" ", b"\n", b"\x00", b"\xff", b"\xc3"])) + data[i + 1 :]
    a, b = sorted((draw(index), draw(index)))
    if kind == "delete":
        return data[:a] + data[b:]
    if kind == "duplicate":
        return data[:b] + data[a:b] + data[b:]
    # swap two slices
    c, d = sorted((draw(st.integers(b, n)), draw(st.integers(b, n))))
    return data[:a] + data[c:d] + data[b:c] + data[a:b] + data[d:]


@st.composite
def mutated(draw: Any, seeds: list[bytes] | tuple[bytes, ...], max_mutations: int = 6) -> bytes:
    """One of ``seeds`` with 1..max_mutations random edits: delete, duplicate or swap slices,
    insert random bytes or XML fragments, flip or replace a byte, truncate."""
    data = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, max_mutations))):
        data = _mutation(data, draw)
    return data
