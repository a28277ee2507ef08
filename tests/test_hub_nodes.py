"""The hub nodes other dialects than v1 need (VoXML first): defaults, equality with ``extras``,
``explicit`` and the readers' loader, and that v1's view of the hub did not change."""

from __future__ import annotations

import copy
import pickle

import pytest

import voxxml
from voxxml.ast import (
    NODE_CLASSES,
    Answer,
    Connect,
    Dial,
    Flow,
    Gather,
    Hangup,
    Loop,
    Parameter,
    Pause,
    Pay,
    Play,
    Prompt,
    Record,
    Reject,
    Response,
    Say,
    Set,
    Unset,
    loader,
    node_fields,
)
from voxxml.hub.expressions import Compare, Literal, Template, Var
from voxxml.hub.nodes import NO_EXTRAS, Extras, settings


NEW = ("Answer", "Record", "Set", "Unset", "Loop", "Connect", "Flow", "Pay", "Prompt", "Parameter")


@pytest.mark.parametrize("name", NEW)
def test_new_classes_are_registered_under_their_tag(name: str) -> None:
    cls = NODE_CLASSES[name]
    assert cls.TAG == name
    node = cls()
    assert node.explicit == frozenset() and node.extras == {}


def test_hub_defaults_of_the_new_nodes() -> None:
    assert dict(settings(Record)) == {
        "action": None, "method": "POST", "timeout": 5, "finish_on_key": "1234567890*#", "max_length": 3600,
        "play_beep": True, "recording_status_callback": None, "recording_status_callback_method": "POST",
        "recording_status_callback_event": ("completed",),
    }
    assert dict(settings(Loop)) == {"condition": None, "max_loops": 1, "counter": "do.n"}
    assert dict(settings(Set)) == {"output": ""} and dict(settings(Unset)) == {"output": ""}
    assert dict(settings(Flow)) == {"resume": False}
    assert set(node_fields(Pay)) >= {"parts", "action", "method", "charge_amount", "currency"}
    assert Gather().output == "GATHER" and Gather().action is None and not Gather().action_on_empty_result
    assert Reject().reason == "rejected" and Play().digits is None and Dial().output is None


def test_builder_marks_changed_fields_explicit_but_never_extras() -> None:
    loop = Loop([Say("hi")], condition=Compare(Var("menu.digits"), "==", Literal("")), max_loops=2)
    assert loop.explicit == {"condition", "max_loops"}
    gather = Gather(action="/next", extras={"history": "full"})
    assert gather.explicit == {"action"}
    assert "extras" not in node_fields(Gather)
    assert "extras" not in dict(settings(Gather))


def test_extras_take_part_in_equality_and_are_immutable_by_default() -> None:
    assert Say("a", extras={"history": "full"}) != Say("a")
    assert Say("a", extras={"history": "full"}) == Say("a", extras=Extras({"history": "full"}))
    assert Say("a").extras is NO_EXTRAS
    with pytest.raises(TypeError):
        NO_EXTRAS["history"] = "full"  # type: ignore[index]


def test_set_value_is_a_template_and_children_are_the_content() -> None:
    node = Set("hello", output="greeting")
    assert isinstance(node.value, Template) and node.value.text == "hello"
    connect = Connect([Flow("abc", resume=True)])
    assert connect.children == [Flow("abc", resume=True)]
    pay = Pay([Prompt([Say("Card number?")], step="payment-card-number"), Parameter(name="k", value="v")])
    assert [n.TAG for n in pay.walk()] == ["Pay", "Prompt", "Say", "Parameter"]
    gather = Gather([Say("Press 1"), Pause(length=2)])
    assert [n.TAG for n in Response([Answer(), gather, Hangup()]).walk()] == ["Response", "Answer", "Gather", "Say", "Pause", "Hangup"]


@pytest.mark.parametrize("cls", [Record, Loop, Set, Pay, Say, Gather])
def test_loader_leaves_extras_optional(cls: type) -> None:
    fields = {name: default for name, default in settings(cls)}
    for name in cls.CONTENT:
        fields[name] = [] if name not in ("text", "value") else Template("x")
    fields.update(explicit=frozenset(), source=None, index=None)
    node = loader(cls)(fields)
    assert node.extras is NO_EXTRAS
    node = loader(cls)({**fields, "extras": Extras({"history": "compact"})})
    assert node.extras == {"history": "compact"}


def test_v1_reading_gives_the_hub_defaults_for_fields_v1_lacks() -> None:
    document = voxxml.parse(b'<Response><Gather><Say>Hi</Say></Gather><Dial><Number>+15551234567</Number></Dial><Reject/></Response>').document
    gather, dial, reject = document.verbs
    assert (gather.output, gather.action, gather.method, gather.action_on_empty_result) == ("GATHER", None, "POST", False)
    assert dial.output is None and dial.timeout == 30 and dial.record == "do-not-record"
    assert reject.reason == "rejected"
    assert all(node.extras is NO_EXTRAS for node in document.walk())
    assert voxxml.parse(document.to_xml().encode()).document == document


def test_a_builders_extras_dict_is_copied_read_only() -> None:
    given = {"history": "full"}
    node = Say("a", extras=given)
    given["history"] = "compact"
    assert node.extras == {"history": "full"}
    with pytest.raises(TypeError):
        node.extras["history"] = "disable"  # type: ignore[index]


def test_extras_survive_deepcopy_and_pickle() -> None:
    node = Response([Say("a", extras={"history": "full"})])
    for copied in (copy.deepcopy(node), pickle.loads(pickle.dumps(node))):
        assert copied == node and copied.verbs[0].extras == {"history": "full"}
        with pytest.raises(TypeError):
            copied.verbs[0].extras.update(history="compact")  # type: ignore[attr-defined]
