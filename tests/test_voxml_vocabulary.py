"""The VoXML vocabulary (grammar/voxml/vocabulary.toml) is well-formed, consistent, and covers what real documents use."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from lark import Lark
from lark.exceptions import UnexpectedInput
from lxml import etree

from voxxml.core.resources import grammar_file
from voxxml.dialects.voxml.expression import parse_expression
from voxxml.dialects.voxml.template import template_problems

FOLDER = "voxml"
DATA: dict[str, Any] = tomllib.loads(grammar_file(FOLDER, "vocabulary.toml").read_text(encoding="utf-8"))
ELEMENTS: dict[str, Any] = DATA["elements"]
TYPES: dict[str, Any] = DATA["types"]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "voxml"
VERBS = {"Answer", "Say", "Play", "Pause", "Gather", "Dial", "Record", "Redirect", "Reject", "Hangup", "Set", "Unset", "If", "Do", "Connect", "Pay"}

# What the vendor's demo IVR (voxtelesys/demo-weather-app, routes/weather.js, no license: not copied into
# the corpus) writes, rebuilt from voxml-current-code.md: every element and attribute its builders emit.
DEMO = """<Response>
<Answer/>
<Pause length="1" history="compact"/>
<Say voice="Polly.Matthew-Neural" language="en-US" history="compact">Hello!</Say>
<Set output="captchaAnswer">7</Set>
<Do expression="${_captcha.digits}==&quot;&quot; &amp;&amp; ${_captcha.speech}==&quot;&quot;" maxLoops="2">
  <Gather output="_captcha" input="dtmf speech" numDigits="1" timeout="5" speechTimeout="auto" finishOnKey="#" history="compact">
    <Say voice="Polly.Matthew-Neural" language="en-US" history="compact">What is 3 plus 4?</Say>
  </Gather>
  <If expression="${_captcha.digits}!=&quot;&quot; || ${_captcha.speech}!=&quot;&quot;"><Redirect>captcha-answer</Redirect></If>
  <Say voice="Polly.Matthew-Neural" language="en-US" history="compact">Sorry, I didn't understand that.</Say>
  <If expression="${do.n}==0"><Pause length="1" history="compact"/></If>
</Do>
<Do expression="${_main.digits}==&quot;&quot;" maxLoops="2"><Gather output="_main" input="speech" speechTimeout="auto"><Say>,</Say></Gather></Do>
<Unset output="redirect"/>
<Hangup history="compact"/>
</Response>"""


def test_vocabulary_matches_its_schema() -> None:
    schema = json.loads(grammar_file(FOLDER, "vocabulary.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(DATA, schema)


def test_the_schema_rejects_what_it_should() -> None:
    """The schema is a real check: a missing node, an unknown kind and a bad history loop all fail."""
    schema = json.loads(grammar_file(FOLDER, "vocabulary.schema.json").read_text(encoding="utf-8"))
    broken = json.loads(json.dumps(DATA))
    del broken["elements"]["Say"]["node"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
    broken = json.loads(json.dumps(DATA))
    broken["types"]["voice"]["kind"] = "guess"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
    broken = json.loads(json.dumps(DATA))
    broken["elements"]["Do"]["loop"]["test"] = "sometimes"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_keys_are_v1_keys_plus_the_documented_additions() -> None:
    """One loader reads both vocabularies: VoXML uses v1's keys, plus only what README.md describes."""
    v1 = tomllib.loads(grammar_file("voxxml-v1", "vocabulary.toml").read_text(encoding="utf-8"))
    readme = grammar_file(FOLDER, "README.md").read_text(encoding="utf-8")
    v1_element_keys = {k for e in v1["elements"].values() for k in e}
    v1_type_keys = {k for t in v1["types"].values() for k in t}
    for key in ({k for e in ELEMENTS.values() for k in e} - v1_element_keys) | ({k for t in TYPES.values() for k in t} - v1_type_keys):
        assert f"`{key}`" in readme, f"{key} is new in VoXML's vocabulary and README.md does not describe it"
    for kind in {t["kind"] for t in TYPES.values()} - {t["kind"] for t in v1["types"].values()}:
        assert f"`{kind}`" in readme, f"type kind {kind} is not described in README.md"


def test_every_reference_resolves() -> None:
    for name, element in ELEMENTS.items():
        assert set(element["children"]) <= set(ELEMENTS), name
        assert element["content"] == "none" or element["content"] in TYPES, name
        for attr in element.get("attributes", {}).values():
            assert attr["type"] == "integer" or attr["type"] in TYPES, (name, attr)
    for table in TYPES.values():
        if "grammar" in table:
            assert grammar_file(FOLDER, table["grammar"]).is_file()
        for provider in table.get("providers", {}).values():
            if "catalogue" in provider:
                assert (grammar_file(FOLDER, "").parent / provider["catalogue"]).is_file()


def test_elements_and_their_nodes() -> None:
    assert set(ELEMENTS) == VERBS | {"Response", "Number", "Flow", "Prompt", "Parameter"}
    assert set(ELEMENTS["Response"]["children"]) == set(ELEMENTS["If"]["children"]) == set(ELEMENTS["Do"]["children"]) == VERBS
    assert ELEMENTS["Do"]["node"] == "Loop"
    assert {n: e["node"] for n, e in ELEMENTS.items() if n != "Do"} == {n: n for n in ELEMENTS if n != "Do"}
    assert ELEMENTS["Gather"]["children"] == ["Say", "Play", "Pause"]
    assert ELEMENTS["Dial"]["children"] == ["Number"] and ELEMENTS["Connect"]["children"] == ["Flow"]
    assert set(ELEMENTS["Pay"]["children"]) == {"Prompt", "Parameter"} and set(ELEMENTS["Prompt"]["children"]) == {"Say", "Play"}


def test_history_is_where_the_sdk_puts_it() -> None:
    """NODE attributes.ts: history on every verb but If, Do, Flow and Parameter; the demo also passes it to Number."""
    with_history = {name for name, e in ELEMENTS.items() if "history" in e.get("attributes", {})}
    assert with_history == (VERBS - {"If", "Do"}) | {"Prompt", "Number"}
    assert TYPES["history"]["values"] == ["disable", "compact", "full"]
    assert all(e["attributes"]["history"]["default"] == "disable" for n, e in ELEMENTS.items() if n in with_history)


def test_decisions_are_written_down() -> None:
    do = ELEMENTS["Do"]
    assert do["loop"] == {"test": "before-each-pass", "counter": "do.n", "first": 0}
    assert "while" in do["decision"] and "base of 0" in do["decision"]
    assert do["attributes"]["maxLoops"] == {**do["attributes"]["maxLoops"], "min": 1, "default": 1}
    assert "unset" in ELEMENTS["Do"]["decision"] and "''" in ELEMENTS["Do"]["decision"]
    assert ELEMENTS["Gather"]["attributes"]["speechTimeout"]["type"] == "speech_timeout"
    assert TYPES["speech_timeout"]["keywords"] == ["auto"]
    assert ELEMENTS["Dial"]["content"] == "e164" and ELEMENTS["Dial"]["content_required"] is False
    assert {"method", "sendDigits", "url", "history"} <= set(ELEMENTS["Number"]["attributes"])


# ------------------------------------------------------------ defaults are valid values


def _valid(type_name: str, value: Any, attr: dict[str, Any]) -> bool:
    if type_name == "integer":
        return isinstance(value, int) and attr.get("min", value) <= value <= attr.get("max", value)
    table = TYPES[type_name]
    kind = table["kind"]
    if kind == "enum":
        return (str(value).lower() if isinstance(value, bool) else value) in table["values"]
    if kind == "keywords":
        return isinstance(value, list) and len(value) >= table.get("min_count", 0) and set(value) <= set(table["values"])
    if kind == "integer_or_keyword":
        return value in table["keywords"] or (isinstance(value, int) and value >= attr.get("min", value))
    if kind in ("pattern", "variable_name"):
        return re.fullmatch(table["regex"], value) is not None
    if kind == "language":
        try:
            Lark(grammar_file(FOLDER, table["grammar"]).read_text(encoding="utf-8"), parser="lalr").parse(value)
        except UnexpectedInput:
            return False
        return True
    if kind == "template":
        return not template_problems(value) and len(value) <= table.get("max_length", len(value))
    if kind == "expression":
        return not parse_expression(value)[1]
    if kind == "qualified_voice":
        provider, _, name = value.partition(".")
        spec = table["providers"].get(provider)
        if spec is None:
            return False
        if "catalogue" in spec:
            catalogue = json.loads((grammar_file(FOLDER, "").parent / spec["catalogue"]).read_text(encoding="utf-8"))
            return name.split("-")[0] in json.dumps(catalogue)
        return re.fullmatch(spec["regex"], name) is not None
    if kind == "say_language":
        return re.fullmatch(r"[a-z]{2,3}(-[A-Z]{2})?", value) is not None
    if kind in ("url", "text"):
        return isinstance(value, str)
    raise AssertionError(f"no check for kind {kind}")


ATTRIBUTES = [(e, a, spec) for e, element in ELEMENTS.items() for a, spec in element.get("attributes", {}).items()]


@pytest.mark.parametrize(("element", "name", "attr"), ATTRIBUTES, ids=[f"{e}.{a}" for e, a, _ in ATTRIBUTES])
def test_every_default_is_valid_for_its_type(element: str, name: str, attr: dict[str, Any]) -> None:
    if "default" in attr:
        assert _valid(attr["type"], attr["default"], attr), f"{element} {name} default {attr['default']!r}"
    assert not (attr.get("required") and "default" in attr), f"{element} {name}: required with a default"


def test_the_default_check_can_fail() -> None:
    assert not _valid("history", "all", {})
    assert not _valid("integer", 0, {"min": 1})
    assert not _valid("voice", "Joanna", {})
    assert not _valid("voice", "Polly.Nobody", {})
    assert _valid("voice", "Polly.Matthew-Neural", {}) and _valid("voice", "Google.en-US-Standard-A", {}) and _valid("voice", "Deepgram.Asteria", {})
    assert not _valid("speech_timeout", 0, {"min": 1}) and _valid("speech_timeout", "auto", {"min": 1})


# ------------------------------------------------------------ coverage of real documents


def _uses(root: etree._Element) -> list[tuple[str, str | None, str | None]]:
    """(element, attribute or None, parent) for every element and attribute in a document."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        parent = element.getparent()
        found.append((element.tag, None, parent.tag if parent is not None else None))
        found.extend((element.tag, attribute, None) for attribute in element.attrib)
    return found


def _check_covered(root: etree._Element, where: str) -> None:
    for tag, attribute, parent in _uses(root):
        assert tag in ELEMENTS, f"{where}: <{tag}> is not in the vocabulary"
        if attribute is not None:
            assert attribute in ELEMENTS[tag].get("attributes", {}), f"{where}: {tag} {attribute} is not in the vocabulary"
        elif parent is not None:
            assert tag in ELEMENTS[parent]["children"], f"{where}: <{tag}> is not allowed in <{parent}>"


def test_the_demo_ivr_is_covered() -> None:
    root = etree.fromstring(DEMO.encode())
    _check_covered(root, "demo IVR")
    for element in root.iter("If", "Do"):
        assert parse_expression(element.get("expression"))[1] == [], element.get("expression")


def test_the_coverage_check_can_fail() -> None:
    with pytest.raises(AssertionError, match="repeatDelay"):
        _check_covered(etree.fromstring(b"<Response><Gather repeatDelay='1'/></Response>"), "v1")
    with pytest.raises(AssertionError, match="SetMute"):
        _check_covered(etree.fromstring(b"<Response><SetMute/></Response>"), "v1")
    with pytest.raises(AssertionError, match="not allowed"):
        _check_covered(etree.fromstring(b"<Response><Number>1</Number></Response>"), "v1")


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not here ({CORPUS})")
def test_the_corpus_is_covered() -> None:
    files = sorted(CORPUS.glob("*.xml"))
    assert files, f"no documents in {CORPUS}"
    for path in files:
        _check_covered(etree.fromstring(path.read_bytes()), path.name)
