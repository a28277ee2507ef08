"""The language definition in grammar/ is well-formed, complete, and what the code uses."""

from __future__ import annotations

import json
import re
import time
import tomllib
from dataclasses import fields
from typing import Callable

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from voxxml import ast
from voxxml.dialects.voxxml_v1.grammar import grammar, snake
from voxxml.lint import lint_bytes
from voxxml.core.resources import grammar_file
from voxxml.dialects.voxxml_v1 import DATA_FOLDER
from voxxml.dialects.voxxml_v1.values import IntegerType
from voxxml.hub.nodes import settings

VERBS = ("Say", "Play", "Gather", "Dial", "Number", "Conference", "Hangup", "If", "Pause", "Redirect", "Reject", "SetMute")


def test_vocabulary_matches_its_schema() -> None:
    data = tomllib.loads(grammar_file(DATA_FOLDER, "vocabulary.toml").read_text(encoding="utf-8"))
    schema = json.loads(grammar_file(DATA_FOLDER, "vocabulary.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)


def test_every_type_and_child_reference_resolves() -> None:
    data = tomllib.loads(grammar_file(DATA_FOLDER, "vocabulary.toml").read_text(encoding="utf-8"))
    for name, element in data["elements"].items():
        assert set(element["children"]) <= set(data["elements"]), name
        assert element["content"] == "none" or element["content"] in data["types"], name
        for attr in element.get("attributes", {}).values():
            assert attr["type"] == "integer" or attr["type"] in data["types"]
    for table in data["types"].values():
        if "grammar" in table:
            assert grammar_file(DATA_FOLDER, table["grammar"]).is_file()


def test_the_thirteen_elements_and_their_children() -> None:
    elements = grammar().elements
    assert set(elements) == {"Response", *VERBS}
    assert elements["Response"].children == VERBS and elements["If"].children == VERBS
    assert elements["Gather"].children == ("Say", "Play")
    assert elements["Dial"].children == ("Number",)
    for leaf in ("Say", "Play", "Number", "Conference", "Redirect", "Pause", "Hangup", "Reject", "SetMute"):
        assert elements[leaf].children == ()


# Hub fields VoxXML v1 has no attribute for: what a Gather writes (v1's Gather always writes $GATHER),
# and an If's condition (its variable, test and value attributes together).
# The settings other dialects (VoXML) give Gather, Dial, Play and Reject have no v1 attribute either.
HUB_ONLY = {
    "Gather": {"output", "action", "method", "action_on_empty_result"},
    "If": {"condition"},
    "Play": {"digits"},
    "Reject": {"reason"},
    "Dial": {
        "action", "method", "output", "timeout", "time_limit", "answer_on_bridge", "hangup_on_star", "ring_tone", "record",
        "recording_track", "recording_status_callback", "recording_status_callback_method",
        "recording_status_callback_event", "trim",
    },
}


@pytest.mark.parametrize("tag", ["Response", *VERBS])
def test_ast_class_fields_are_the_grammar(tag: str) -> None:
    """One hub class per element, named by the vocabulary; its fields are the element's attributes,
    content and children, and the hub-only fields; the hub's defaults are v1's, so a Python-built v1
    document equals the parsed one."""
    spec = grammar().elements[tag]
    cls = ast.NODE_CLASSES[spec.node]
    assert spec.node_class is cls
    mapped = {a.field for name, a in spec.attributes.items() if name not in spec.condition}
    expected = mapped | {f for f in (spec.content_field, spec.children_field) if f} | HUB_ONLY.get(tag, set())
    assert set(ast.node_fields(cls)) == expected
    hub_defaults = dict(settings(cls))
    assert {name: hub_defaults[name] for name in mapped} == {name: spec.defaults[name] for name in mapped}
    assert set(spec.unmapped) == HUB_ONLY.get(tag, set())


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
    assert snake("") == "" and snake("A") == "a" and snake("URLs") == "u_r_ls" and snake("aÉb") == "aéb"


@given(st.text(max_size=30))
def test_snake_puts_an_underscore_before_each_ascii_capital_but_the_first(name: str) -> None:
    assert snake(name) == re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()  # what it did with a regex


# ------------------------------------------------------------------ growth
# Not benchmarks (tests/benchmarks/ has those): a ratio between two sizes of one shape,
# best of three runs each. Linear work grows about 8 times from n to 8n; the quadratic
# code these guard against grew 30-40 times at these sizes (and more at larger ones).
# CPU time, not wall time: on a shared machine a run that loses its core for a time
# slice looks ten times slower by the clock, and that is not growth.
GROWTH_LIMIT = 20


def growth_ratio(make: Callable[[int], str], n: int) -> float:
    """How many times longer ``lint`` takes on ``make(8 * n)`` than on ``make(n)``."""

    def best(size: int) -> float:
        data = make(size).encode()
        runs = []
        for _ in range(3):
            start = time.process_time()
            lint_bytes(data, "growth.voxxml")
            runs.append(time.process_time() - start)
        return min(runs)

    best(n)  # warm up: imports, grammars, caches
    ratio = best(8 * n) / best(n)
    if ratio >= GROWTH_LIMIT:  # one retry: a busy machine can slow one run down
        ratio = min(ratio, best(8 * n) / best(n))
    return ratio


GROWTH_SHAPES: dict[str, Callable[[int], str]] = {
    # unknown attributes, each a VX005 (lxml reads every value by a search of the list)
    "many attributes": lambda n: "<Response><Say " + " ".join(f"loop{i}='x'" for i in range(n)) + ">Hi</Say></Response>",
    # a misspelt variable read many times: each a VX011 with a span and a fix
    "many variable typos": lambda n: "<Response><Gather><Say>x</Say></Gather><Say>" + " $gather" * n + "</Say></Response>",
    # $GATHER read many times before any Gather: each a VX104 with a span
    "many reads before a Gather": lambda n: "<Response><Say>" + " $GATHER" * n + "</Say><Gather><Say>x</Say></Gather></Response>",
    # one attribute with many bad keywords: each a VX007 with a span and a fix into the value
    "many bad keywords": lambda n: "<Response><Gather statusCallbackEvent='" + "fullresult " * n + "'><Say>x</Say></Gather></Response>",
}


@pytest.mark.parametrize("shape", sorted(GROWTH_SHAPES))
def test_reader_growth_is_linear(shape: str) -> None:
    assert growth_ratio(GROWTH_SHAPES[shape], 1000) < GROWTH_LIMIT
