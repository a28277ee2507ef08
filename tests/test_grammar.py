"""The language definition in grammar/ is well-formed, complete, and what the code uses."""

from __future__ import annotations

import json
import tomllib
from dataclasses import fields

import jsonschema
import pytest

from voxxml import ast
from voxxml.grammar import grammar, snake
from voxxml.resources import grammar_file
from voxxml.values import IntegerType

VERBS = ("Say", "Play", "Gather", "Dial", "Number", "Conference", "Hangup", "If", "Pause", "Redirect", "Reject", "SetMute")


def test_vocabulary_matches_its_schema() -> None:
    data = tomllib.loads(grammar_file("vocabulary.toml").read_text(encoding="utf-8"))
    schema = json.loads(grammar_file("vocabulary.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)


def test_every_type_and_child_reference_resolves() -> None:
    data = tomllib.loads(grammar_file("vocabulary.toml").read_text(encoding="utf-8"))
    for name, element in data["elements"].items():
        assert set(element["children"]) <= set(data["elements"]), name
        assert element["content"] == "none" or element["content"] in data["types"], name
        for attr in element.get("attributes", {}).values():
            assert attr["type"] == "integer" or attr["type"] in data["types"]
    for table in data["types"].values():
        if "grammar" in table:
            assert grammar_file(table["grammar"]).is_file()


def test_the_thirteen_elements_and_their_children() -> None:
    elements = grammar().elements
    assert set(elements) == {"Response", *VERBS}
    assert elements["Response"].children == VERBS and elements["If"].children == VERBS
    assert elements["Gather"].children == ("Say", "Play")
    assert elements["Dial"].children == ("Number",)
    for leaf in ("Say", "Play", "Number", "Conference", "Redirect", "Pause", "Hangup", "Reject", "SetMute"):
        assert elements[leaf].children == ()


@pytest.mark.parametrize("tag", ["Response", *VERBS])
def test_ast_class_fields_are_the_grammar(tag: str) -> None:
    """One class per element; its fields are exactly the element's attributes, content and children."""
    spec = grammar().elements[tag]
    cls = ast.NODE_CLASSES[tag]
    expected = {a.field for a in spec.attributes.values()}
    expected |= {f for f in (spec.content_field, spec.children_field) if f}
    assert set(ast.node_fields(cls)) == expected
    defaults = {f.name: f.default for f in fields(cls) if f.name in spec.defaults}
    assert defaults == spec.defaults


def test_documented_defaults_and_ranges() -> None:
    gather = grammar().elements["Gather"].attributes
    assert {n: a.default for n, a in gather.items() if n in ("timeout", "loop", "numDigits", "finishOnKey", "input")} == {
        "timeout": 30,
        "loop": 1,
        "numDigits": 1,
        "finishOnKey": "#",
        "input": ("dtmf",),
    }
    assert gather["repeatDelay"].type == IntegerType(0, 60)
    assert gather["timeout"].type == IntegerType(1, None, 60)
    assert grammar().elements["Pause"].attributes["length"].type == IntegerType(1, 60)
    assert grammar().elements["Say"].attributes["voice"].default == "Joanna"
    assert grammar().elements["Redirect"].attributes["method"].default == "POST"


def test_every_fact_names_its_reference_section() -> None:
    for spec in grammar().elements.values():
        assert spec.section.startswith("VoxXML")
        for attribute in spec.attributes.values():
            assert attribute.description, (spec.name, attribute.name)


def test_snake_case_fields() -> None:
    assert snake("repeatDelay") == "repeat_delay"
    assert snake("statusCallbackEvent") == "status_callback_event"
    assert snake("loop") == "loop"
