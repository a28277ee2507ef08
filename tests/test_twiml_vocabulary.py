"""The TwiML vocabulary (grammar/twiml/) is well-formed, self-consistent, and covers Twilio's own samples.

The data is the foundation the TwiML reader is built on, so these tests check it before any code
reads it: the schema, every reference, every default against its own type, the profiles merged onto
the base, and — the acceptance — every element, attribute, nesting and value written in the 149
corpus documents (../shared/corpus/twiml/, Twilio's valid samples; skipped when absent).

`merge_profile` is the loader's (voxxml/dialects/twiml/grammar.py), tested here on the data as written;
`value_problem` is the reference semantics of the value kinds described in grammar/twiml/README.md.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import jsonschema
import pytest
from hypothesis import given, strategies as st
from lxml import etree

from voxxml.core.resources import grammar_file
from voxxml.dialects.twiml.grammar import merge_profile  # the loader's merge (grammar/twiml/README.md, 'Profiles')

FOLDER = "twiml"
PROFILES = ("texml", "cxml")
ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "twiml"
TWIML_FACTS = ROOT.parent / "shared" / "spec" / "dialects" / "twiml.md"
XML_NS = "{http://www.w3.org/XML/1998/namespace}"


# ---------------------------------------------------------------- loading and merging


@cache
def _base_text() -> str:
    return grammar_file(FOLDER, "vocabulary.toml").read_text(encoding="utf-8")


def base() -> dict[str, Any]:
    """A fresh copy each time: tests may not share mutable data."""
    return tomllib.loads(_base_text())


def profile_data(name: str) -> dict[str, Any]:
    return tomllib.loads(grammar_file(FOLDER, f"profiles/{name}.toml").read_text(encoding="utf-8"))


def vocabularies() -> Iterator[tuple[str, dict[str, Any]]]:
    yield "twiml", base()
    for name in PROFILES:
        yield name, merge_profile(base(), profile_data(name))


ALL = ["twiml", *PROFILES]


def vocabulary(name: str) -> dict[str, Any]:
    return base() if name == "twiml" else merge_profile(base(), profile_data(name))


# ---------------------------------------------------------------- values


def _type_table(vocab: dict[str, Any], type_name: str) -> dict[str, Any]:
    return vocab["types"][type_name]


def value_problem(vocab: dict[str, Any], spec: dict[str, Any], raw: str) -> str | None:
    """Why ``raw`` is not a valid value of an attribute (or content) spec, or None.

    ``spec`` holds ``type`` and, for integers, ``min``/``max``. An open enum accepts any value
    (a value outside its list is a check's warning, not a type error).
    """
    type_name = spec["type"]
    if type_name == "integer":
        if not re.fullmatch(r"-?[0-9]+", raw):
            return f"'{raw}' is not an integer"
        number = int(raw)
        if "min" in spec and number < spec["min"]:
            return f"{number} < min {spec['min']}"
        if "max" in spec and number > spec["max"]:
            return f"{number} > max {spec['max']}"
        return None
    table = _type_table(vocab, type_name)
    kind = table["kind"]
    if kind == "enum":
        if table.get("open") or raw in table["values"]:
            return None
        return f"'{raw}' is not one of {table['values']}"
    if kind == "keywords":
        words = raw.split()
        if len(words) < table.get("min_count", 0):
            return f"'{raw}' has fewer than {table['min_count']} keywords"
        unknown = [word for word in words if word not in table["values"]]
        return f"unknown keywords {unknown} (valid: {table['values']})" if unknown else None
    if kind == "pattern":
        return None if re.fullmatch(table["regex"], raw) else f"'{raw}' does not match {table['regex']}"
    if kind == "text":
        if len(raw) < table.get("min_length", 0):
            return f"'{raw}' is shorter than {table['min_length']}"
        if "max_length" in table and len(raw) > table["max_length"]:
            return f"'{raw[:40]}...' is longer than {table['max_length']}"
        return None
    if kind == "url":
        if raw == "":
            return None  # an empty URL means 'none' (Conference waitUrl='' is silence)
        scheme = urlsplit(raw).scheme
        if not scheme:
            return None if table.get("relative") else f"'{raw}' is relative; an absolute URL is required"
        return None if scheme.lower() in table["schemes"] else f"'{raw}' has scheme {scheme}, not one of {table['schemes']}"
    if kind == "qualified_voice":
        return voice_problem(table, raw)
    return f"unknown type kind {kind}"


@cache
def polly_engines() -> dict[str, frozenset[str]]:
    """Polly voice names and their engines, from v1's catalogue (bare = Standard)."""
    data = json.loads(grammar_file("voxxml-v1", "polly-voices.json").read_text(encoding="utf-8"))
    engines: dict[str, frozenset[str]] = {}
    for voice in data["voices"]:
        flags = {"": voice.get("standard"), "Neural": voice.get("neural"), "Generative": voice.get("generative", True), "LongForm": voice.get("long_form", True)}
        engines[voice["id"]] = frozenset(engine for engine, has in flags.items() if has)
    return engines


def voice_problem(table: dict[str, Any], raw: str) -> str | None:
    """VoXML's qualified_voice (grammar/voxml/README.md), plus the provider-less `builtin` names.

    A catalogue provider checks the name and the engine suffix the voice has; a regex provider
    checks the part after '<provider>.' for shape only.
    """
    if raw in table.get("builtin", ()):
        return None
    provider_name, dot, name = raw.partition(".")
    provider = table["providers"].get(provider_name)
    if not dot or provider is None:
        return f"voice '{raw}' is neither {table.get('builtin', [])} nor <provider>.<name> with provider in {sorted(table['providers'])}"
    if "regex" in provider:
        return None if re.fullmatch(provider["regex"], name) else f"'{name}' is not a {provider_name} voice name"
    base_name, dash, engine = name.partition("-")
    if dash and engine not in provider.get("engine_suffixes", ()):
        return f"engine '{engine}' is not one of {provider.get('engine_suffixes', [])}"
    engines = polly_engines().get(base_name)
    if engines is None:
        return f"'{base_name}' is not in the Polly catalogue"
    if engine not in engines:
        return f"{base_name} has no {engine or 'Standard'} engine"
    return None


def default_as_text(value: Any) -> str:
    """A TOML default as the attribute text that means it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


# ---------------------------------------------------------------- schema and references


@pytest.mark.parametrize("name", ALL)
def test_vocabulary_matches_its_schema(name: str) -> None:
    schema = json.loads(grammar_file(FOLDER, "vocabulary.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(vocabulary(name), schema)


@pytest.mark.parametrize("name", PROFILES)
def test_profile_matches_the_profile_schema(name: str) -> None:
    schema = json.loads(grammar_file(FOLDER, "profiles/profile.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(profile_data(name), schema)


def test_the_schema_is_v1s_extended_not_narrowed() -> None:
    """Every key v1's schema allows is allowed here too, so one loader can read both."""
    v1 = json.loads(grammar_file("voxxml-v1", "vocabulary.schema.json").read_text(encoding="utf-8"))
    ours = json.loads(grammar_file(FOLDER, "vocabulary.schema.json").read_text(encoding="utf-8"))
    assert set(v1["properties"]) <= set(ours["properties"])
    type_keys = ours["properties"]["types"]["additionalProperties"]["properties"]
    assert set(v1["properties"]["types"]["additionalProperties"]["properties"]) <= set(type_keys)
    assert set(v1["properties"]["types"]["additionalProperties"]["properties"]["kind"]["enum"]) <= set(type_keys["kind"]["enum"])
    element = ours["properties"]["elements"]["additionalProperties"]["properties"]
    assert set(v1["properties"]["elements"]["additionalProperties"]["properties"]) <= set(element)
    attribute = element["attributes"]["additionalProperties"]["properties"]
    assert set(v1["properties"]["elements"]["additionalProperties"]["properties"]["attributes"]["additionalProperties"]["properties"]) <= set(attribute)


@pytest.mark.parametrize("name", ALL)
def test_every_reference_resolves(name: str) -> None:
    vocab = vocabulary(name)
    elements, types = vocab["elements"], vocab["types"]
    for element_name, element in elements.items():
        assert set(element["children"]) <= set(elements), (element_name, set(element["children"]) - set(elements))
        assert len(element["children"]) == len(set(element["children"])), element_name
        assert set(element.get("meaningful_parents", ())) <= set(elements), element_name
        assert element["node"] in vocab["node_kinds"], (element_name, element["node"])
        assert element["content"] == "none" or element["content"] in types, (element_name, element["content"])
        for attr_name, attr in element.get("attributes", {}).items():
            assert attr["type"] == "integer" or attr["type"] in types, (element_name, attr_name, attr["type"])
            if "min" in attr or "max" in attr:
                assert attr["type"] == "integer", (element_name, attr_name)
    for type_name, table in types.items():
        if "grammar" in table:
            assert grammar_file(FOLDER, table["grammar"]).is_file(), type_name
        for provider in table.get("providers", {}).values():
            assert ("regex" in provider) != ("catalogue" in provider), type_name
            if "regex" in provider:
                re.compile(provider["regex"])
            else:  # relative to grammar/, as VoXML writes it
                folder, _, file_name = provider["catalogue"].partition("/")
                assert grammar_file(folder, file_name).is_file(), type_name
        if "regex" in table:
            re.compile(table["regex"])
    if name == "twiml":  # no dead types: each is used by an element here or by a profile's change
        used = {t for e in elements.values() for t in _types_used(e)}
        for profile in PROFILES:
            used |= {t for e in profile_data(profile).get("elements", {}).values() for t in _types_used(e)}
        assert not set(types) - used, set(types) - used


def _types_used(element: dict[str, Any]) -> set[str]:
    used = {attr["type"] for attr in element.get("attributes", {}).values() if "type" in attr} - {"integer"}
    return used | ({element.get("content", "none")} - {"none"})


@pytest.mark.parametrize("name", ALL)
def test_every_element_is_reachable_from_response(name: str) -> None:
    elements = vocabulary(name)["elements"]
    seen, stack = {"Response"}, ["Response"]
    while stack:
        for child in elements[stack.pop()]["children"]:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    assert seen == set(elements), set(elements) - seen


@pytest.mark.parametrize("name", ALL)
def test_flow_is_given_for_verbs_and_only_for_verbs(name: str) -> None:
    """The flow graph needs to know how every verb ends; a noun has no flow of its own."""
    elements = vocabulary(name)["elements"]
    verbs = set(elements["Response"]["children"])
    for element_name, element in elements.items():
        meaningful_elsewhere = set(element.get("meaningful_parents", ())) - {"Response"}
        if element_name in verbs and not meaningful_elsewhere:
            assert "flow" in element, element_name
        if element_name not in verbs:
            assert "flow" not in element, element_name
        assert ("without_action" in element) == (element.get("flow") == "action"), element_name
        if element.get("flow") == "action":
            assert "action" in element.get("attributes", {}), element_name


@pytest.mark.parametrize("name", ALL)
def test_every_default_is_valid_for_its_type(name: str) -> None:
    vocab = vocabulary(name)
    checked = 0
    for element_name, element in vocab["elements"].items():
        for attr_name, attr in element.get("attributes", {}).items():
            if "default" not in attr:
                continue
            assert "default_description" not in attr, (element_name, attr_name, "a default is a value or a description, not both")
            problem = value_problem(vocab, attr, default_as_text(attr["default"]))
            assert problem is None, (element_name, attr_name, problem)
            table = vocab["types"].get(attr["type"], {})
            if table.get("kind") == "enum":  # even an open list must contain its own default
                assert default_as_text(attr["default"]) in table["values"], (element_name, attr_name)
            if table.get("python") == "bool":
                assert isinstance(attr["default"], bool), (element_name, attr_name, "boolean defaults are TOML booleans")
            checked += 1
    assert checked > 50


def test_defaults_that_differ_from_v1_say_so() -> None:
    """MAPPING.md names these defaults; a converter must write them out, so the data must flag them."""
    elements = base()["elements"]
    for element, attribute in [("Say", "voice"), ("Gather", "timeout"), ("Gather", "numDigits"), ("Gather", "finishOnKey"), ("Gather", "action"), ("Gather", "speechTimeout")]:
        assert elements[element]["attributes"][attribute].get("v1_differs"), (element, attribute)
    assert elements["Say"]["attributes"]["voice"]["default"] == "man"
    assert elements["Gather"]["attributes"]["timeout"]["default"] == 5
    assert "default" not in elements["Gather"]["attributes"]["numDigits"]


# ---------------------------------------------------------------- the value checker itself


def test_value_problem_rejects_what_twiml_md_rejects() -> None:
    """The checker must be able to fail: values twiml.md calls invalid are refused."""
    vocab = base()
    gather = vocab["elements"]["Gather"]["attributes"]
    assert value_problem(vocab, gather["finishOnKey"], "#*") is not None  # error 13310: one key only
    assert value_problem(vocab, gather["finishOnKey"], "") is None
    assert value_problem(vocab, gather["input"], "dtmf voice") is not None
    assert value_problem(vocab, gather["numDigits"], "0") is not None
    assert value_problem(vocab, gather["speechTimeout"], "auto") is None
    assert value_problem(vocab, gather["speechTimeout"], "soon") is not None
    say = vocab["elements"]["Say"]["attributes"]
    assert value_problem(vocab, say["voice"], "Polly.Joanna-Neural") is None
    assert value_problem(vocab, say["voice"], "Joanna") is not None  # v1's bare name is not TwiML
    assert value_problem(vocab, vocab["elements"]["Reject"]["attributes"]["reason"], "declined") is not None
    assert value_problem(vocab, vocab["elements"]["Redirect"] | {"type": "document_url"}, "ftp://x/y") is not None
    assert value_problem(vocab, {"type": "e164"}, "15551234567") is not None
    assert value_problem(vocab, {"type": "e164"}, "+15551234567") is None


@given(st.text(max_size=30))
def test_a_closed_enum_accepts_exactly_its_values(raw: str) -> None:
    vocab = base()
    spec = vocab["elements"]["Dial"]["attributes"]["ringTone"]
    assert (value_problem(vocab, spec, raw) is None) == (raw in vocab["types"]["ring_tone"]["values"])


@given(st.text(alphabet="0123456789#*wW a", max_size=12))
def test_dtmf_digits_are_exactly_keys_and_w(raw: str) -> None:
    vocab = base()
    spec = vocab["elements"]["Play"]["attributes"]["digits"]
    assert (value_problem(vocab, spec, raw) is None) == (bool(raw) and set(raw) <= set("0123456789#*w"))


def test_an_empty_profile_changes_nothing_but_its_name() -> None:
    empty = {"profile": "same", "base": "twiml", "reference": "none", "summary": "nothing"}
    merged = merge_profile(base(), empty)
    for key in ("dialect", "profile_of", "reference"):
        merged.pop(key)
    original = base()
    original.pop("dialect")
    original.pop("reference")
    assert merged == original


# ---------------------------------------------------------------- profiles say what the facts say


def test_texml_differences() -> None:
    texml = vocabulary("texml")
    elements = texml["elements"]
    for gone in ("Pay", "Prompt", "Client", "Room", "VirtualAgent", "Connect", "Echo", "Sms", "Sim", "Application"):
        assert gone not in elements
        assert all(gone not in e["children"] for e in elements.values())
    assert {"AIGather", "AIAssistant", "HttpRequest"} <= set(elements["Response"]["children"])
    assert "method" not in elements["Gather"]["attributes"]
    assert "Pause" not in elements["Gather"]["children"]
    assert elements["Say"]["attributes"]["loop"]["max"] == 10
    assert elements["Record"]["attributes"]["timeout"]["default"] == 0
    assert elements["Dial"]["attributes"]["timeout"]["max"] == 120
    assert value_problem(texml, elements["Say"]["attributes"]["voice"], "ElevenLabs.eleven_v2.Rachel") is None
    assert value_problem(texml, elements["Say"]["attributes"]["voice"], "Google.en-US-Neural2-A") is not None
    assert value_problem(texml, elements["Dial"]["attributes"]["callerId"], "bob") is not None
    # The untouched parts are TwiML's.
    assert elements["Conference"]["attributes"]["beep"] == base()["elements"]["Conference"]["attributes"]["beep"]


def test_cxml_differences() -> None:
    cxml = vocabulary("cxml")
    elements = cxml["elements"]
    assert "Client" not in elements and "Verto" in elements["Dial"]["children"]
    assert elements["Say"]["attributes"]["voice"]["default"] == "woman"
    assert value_problem(cxml, elements["Redirect"] | {"type": "document_url"}, "/next") is not None
    assert value_problem(cxml, elements["Redirect"] | {"type": "document_url"}, "https://example.com/next") is None
    assert value_problem(cxml, {"type": "audio_url"}, "rtmp://example.com/live") is None
    assert cxml["undocumented_attributes"][0]["attributes"] == ["bargeIn", "maxSpeechTime", "debug"]
    assert elements["Gather"]["attributes"]["bargeIn"] == base()["elements"]["Gather"]["attributes"]["bargeIn"]


# ---------------------------------------------------------------- the corpus


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"the TwiML corpus is not here ({CORPUS}); it lives in ../shared/corpus/ beside the checkout")
    return sorted(CORPUS.iterdir())


def attribute_name(raw: str) -> str:
    return "xml:" + raw[len(XML_NS):] if raw.startswith(XML_NS) else raw


def child_spec(vocab: dict[str, Any], parent: str, tag: str) -> str | None:
    """The element a child tag means under ``parent`` (children are resolved in their parent)."""
    for name in vocab["elements"][parent]["children"]:
        if vocab["elements"][name].get("tag", name) == tag:
            return name
    return None


def audit(vocab: dict[str, Any], root: etree._Element) -> Iterator[tuple[str, str]]:
    """(kind, detail) for everything in a document the vocabulary does not allow. Iterative."""
    if root.tag != "Response":
        yield "root", f"<{root.tag}> is not Response"
        return
    stack: list[tuple[etree._Element, str]] = [(root, "Response")]
    while stack:
        node, name = stack.pop()
        spec = vocab["elements"][name]
        for raw_name, value in node.attrib.items():
            attr_name = attribute_name(raw_name)
            attr = spec.get("attributes", {}).get(attr_name)
            if attr is None:
                if not spec.get("open_attributes"):
                    yield "attribute", f"{name}@{attr_name}"
                continue
            problem = value_problem(vocab, attr, value)
            if problem:
                yield "value", f"{name}@{attr_name}: {problem}"
        texts = [node.text or ""] + [child.tail or "" for child in node]
        text = "".join(texts).strip()
        if text and spec["content"] == "none":
            yield "content", f"{name} has text '{text[:30]}' but takes none"
        elif text and not spec.get("mixed"):
            problem = value_problem(vocab, {"type": spec["content"]}, text)
            if problem:
                yield "content", f"{name}: {problem}"
        elements = [child for child in node if isinstance(child.tag, str)]
        if not text and not elements and spec.get("content_required"):
            yield "content", f"{name} is empty"
        if text and elements and spec.get("content_or_children") and not spec.get("mixed"):
            texty = [c for c in elements if vocab["elements"][child_spec(vocab, name, c.tag) or name]["node"] != "Parameter"]
            if texty:
                yield "content", f"{name} has both text and <{texty[0].tag}>"
        for child in elements:
            child_name = child_spec(vocab, name, child.tag)
            if child_name is None:
                yield "child", f"<{child.tag}> in <{name}>"
                continue
            stack.append((child, child_name))


@cache
def _corpus_trees() -> tuple[tuple[str, Any], ...]:
    trees = []
    for path in corpus_files():
        trees.append((path.name, etree.parse(str(path), _parser()).getroot()))
    return tuple(trees)


def test_the_corpus_is_all_here_and_parses() -> None:
    files = corpus_files()
    assert len(files) == 149
    assert len(_corpus_trees()) == 149


def test_every_corpus_document_is_valid_twiml() -> None:
    """The acceptance: all 149 of Twilio's samples use only what the vocabulary allows, as it allows it."""
    corpus_files()
    vocab = base()
    problems = {name: list(audit(vocab, root)) for name, root in _corpus_trees()}
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_corpus_exercises_most_of_the_vocabulary() -> None:
    """Coverage, so a vocabulary that drifts from what Twilio writes is noticed."""
    corpus_files()
    vocab = base()
    used_elements, used_attributes = set(), set()
    for _, root in _corpus_trees():
        stack = [(root, "Response")]
        while stack:
            node, name = stack.pop()
            used_elements.add(name)
            used_attributes |= {(name, attribute_name(a)) for a in node.attrib}
            stack += [(c, child_spec(vocab, name, c.tag)) for c in node if isinstance(c.tag, str)]
    all_attributes = {(e, a) for e, spec in vocab["elements"].items() for a in spec.get("attributes", {})}
    assert len(used_elements) >= 45, sorted(set(vocab["elements"]) - used_elements)
    assert len(used_attributes & all_attributes) >= 120


def test_what_the_corpus_uses_beyond_twiml_md_is_accounted_for() -> None:
    """Elements and attributes the samples use that twiml.md never names must carry their source or decision.

    The list is the report of README.md ('Corpus coverage'); this test keeps it honest.
    """
    corpus_files()
    if not TWIML_FACTS.is_file():
        pytest.skip(f"twiml.md is not here ({TWIML_FACTS})")
    facts = TWIML_FACTS.read_text(encoding="utf-8")
    vocab = base()
    beyond: dict[str, set[str]] = defaultdict(set)
    for file_name, root in _corpus_trees():
        stack = [(root, "Response")]
        while stack:
            node, name = stack.pop()
            spec = vocab["elements"][name]
            tag = spec.get("tag", name)
            if not re.search(rf"(?<![\w-]){re.escape(tag)}(?![\w-])", facts):
                beyond[f"<{tag}>"].add(file_name)
            for raw in node.attrib:
                attr = attribute_name(raw)
                if not re.search(rf"(?<![\w-]){re.escape(attr)}(?![\w-])", facts):
                    beyond[f"{name}@{attr}"].add(file_name)
                    assert spec.get("source") or spec["attributes"][attr].get("source") or spec["attributes"][attr].get("decision"), (name, attr)
            stack += [(c, child_spec(vocab, name, c.tag)) for c in node if isinstance(c.tag, str)]
    # What twiml.md's SDK summary leaves out, and Twilio's samples write (README.md lists the files).
    assert set(beyond) == EXPECTED_BEYOND_TWIML_MD, sorted(beyond)


EXPECTED_BEYOND_TWIML_MD = {  # attribute names that appear nowhere in twiml.md; every element tag does
    "Conversation@serviceInstanceSid",  # 15 conversation-*.twiml
    "Conversation@inboundAutocreation",
    "Conversation@inboundTimeout",
    "Conversation@routingAssignmentTimeout",
    "Conversation@recordingStatusCallbackEvent",
    "Conversation@recordingStatusCallbackMethod",
    "Transcription@statusCallbackUrl",  # 12 transcription-*.twiml
    "Transcription@transcriptionEngine",
    "Transcription@enableAutomaticPunctuation",
    "Transcription@inboundTrackLabel",
    "Transcription@outboundTrackLabel",
    "Transcription@languageCode",
    "Transcription@partialResults",
}


@pytest.mark.parametrize("name", PROFILES)
def test_twilio_samples_that_a_profile_refuses_are_refused_for_a_documented_reason(name: str) -> None:
    """Under TeXML or cXML some of Twilio's samples are invalid; every refusal traces to a profile entry."""
    corpus_files()
    vocab = vocabulary(name)
    profile = profile_data(name)
    removed = vocab.get("removed_elements", {})
    removed_attributes = {(e["element"], a) for e in profile.get("remove_attributes", ()) for a in e["attributes"]}
    changed_types = set(profile.get("types", {}))
    changed_attributes = {(e, a) for e, spec in profile.get("elements", {}).items() for a in spec.get("attributes", {})}
    refused = Counter()
    for file_name, root in _corpus_trees():
        for kind, detail in audit(vocab, root):
            refused[kind] += 1
            if kind == "child":
                tag = detail.split(">")[0].lstrip("<")
                assert tag in removed or tag in {vocab["elements"][e].get("tag", e) for e in removed} or (name == "texml" and tag == "Pause"), (file_name, detail)
            elif kind == "attribute":
                element, attribute = detail.split("@")
                assert (element, attribute) in removed_attributes, (file_name, detail)
            elif kind == "value":
                element, rest = detail.split("@", 1)
                attribute = rest.split(":")[0]
                spec = vocab["elements"][element]["attributes"][attribute]
                assert (element, attribute) in changed_attributes or spec["type"] in changed_types, (file_name, detail)
            else:
                content_element = detail.split(":")[0].split(" ")[0]
                assert content_element in profile.get("elements", {}) or vocab["elements"][content_element]["content"] in changed_types, (file_name, detail)
    assert sum(refused.values()) > 0  # both platforms lack something Twilio's samples use
