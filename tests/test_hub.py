"""The hub: node classes that no dialect shapes, one semantics table, variables as values."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import voxxml
from voxxml.ast import Conference, Dial, Gather, Hangup, If, In, Number, Pause, Play, Redirect, Reject, Response, Say, SetMute, Var, VarRef
from voxxml.dialects.voxxml_v1.grammar import _load, grammar
from voxxml.dialects.voxxml_v1.values import Template
from voxxml.hub import semantics
from voxxml.hub.expressions import Environment
from voxxml.runtime.caller import CallerScript, Input
from voxxml.runtime.simulator import simulate

from support import gather_in


def test_importing_the_hub_loads_no_vocabulary() -> None:
    """The hub's classes take no default from a dialect: importing them and building nodes (with
    templates already typed) loads no vocabulary, and the hub modules import no dialect."""
    code = (
        "from voxxml.hub.nodes import Gather, If, Say\n"
        "from voxxml.hub.expressions import In, Template, Var\n"
        "Gather([Say(Template('Hi'))], num_digits=2); If([], condition=In(Var('GATHER'), ('1',)))\n"
        "from voxxml.dialects.voxxml_v1.grammar import _load\n"
        "print(_load.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"
    for module in ("nodes", "expressions", "semantics"):
        source = (Path(voxxml.__file__).parent / "hub" / f"{module}.py").read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+\S*dialects", source, re.M), module


def test_a_plain_str_is_read_with_the_default_dialects_template_syntax() -> None:
    say = Say("You said $GATHER")
    assert isinstance(say.text, Template)
    assert say.text.segments == ("You said ", VarRef("GATHER", 9, 7))


def test_a_built_condition_is_written_and_read_back() -> None:
    document = Response([Gather([Say("Press.")]), If([Hangup()], condition=gather_in("1", "2", test="NOTEQUAL"))])
    text = document.to_xml()
    assert '<If variable="$GATHER" test="NOTEQUAL" value="1|2">' in text
    assert voxxml.parse(text).document == document
    assert document.verbs[1].explicit == {"condition"}


def test_a_condition_v1_cannot_write_is_an_error_not_dropped() -> None:
    with pytest.raises(ValueError, match="cannot write the condition"):
        Response([If([], condition=In(Var("menu.digits"), ("1",)))]).to_xml()


def test_conditions_of_ifs_with_errors() -> None:
    """A missing test reads as EQUAL; missing values as none (the read of $GATHER stays, for VX104);
    an unreadable variable as no condition at all (the body never runs in a call)."""
    document = voxxml.parse(
        "<Response><If variable='$GATHER' value='1'/><If variable='$GATHER' test='NOTEQUAL'/><If variable='$X' test='EQUAL' value='1'/></Response>"
    ).document
    first, second, third = document.verbs
    assert first.condition == In(Var("GATHER"), ("1",))
    assert second.condition == In(Var("GATHER"), (), negated=True) and semantics.holds(second.condition, Environment())
    assert third.condition is None and third.explicit == frozenset()


def test_each_vocabulary_keeps_its_own_readings_and_loaders() -> None:
    """Two loaded vocabularies share no cache: a second dialect cannot see the first's readings."""
    voxxml.parse("<Response><Say voice='Amy'>Hi</Say></Response>")
    mine = grammar()
    other = _load.__wrapped__(mine_folder := "voxxml-v1")  # a fresh load of the same data
    assert mine_folder and other is not mine
    assert mine.readings and not other.readings
    assert other.elements["Say"].load is not mine.elements["Say"].load


@pytest.mark.parametrize(
    "node, ending",
    [
        (Say("Hi"), None),
        (Say("Hi", loop=0), semantics.FOREVER),
        (Play("https://e.com/a.mp3", loop=0), semantics.FOREVER),
        (Hangup(), semantics.HANGUP),
        (Reject(), semantics.REJECT),
        (Redirect("https://e.com/next"), semantics.REDIRECT),
        (If([Hangup()], condition=gather_in("1")), None),
        (Gather(), None),
        (Pause(), None),
        (Dial([Number("15550001111")]), None),
        (Conference("room"), None),
        (SetMute(), None),
    ],
)
def test_endings_come_from_the_one_table(node, ending) -> None:
    assert semantics.ends(node) == ending


def test_reads_and_writes_with_their_places() -> None:
    say = Say("You said $GATHER and $GATHER")
    assert semantics.reads(say) == (semantics.Read("GATHER", "text", (9, 16)), semantics.Read("GATHER", "text", (21, 28)))
    branch = voxxml.parse("<Response><If variable='$GATHER' test='EQUAL' value='1'/></Response>").document.verbs[0]
    assert semantics.reads(branch) == (semantics.Read("GATHER", "condition", (0, 7)),)
    assert semantics.writes(Gather(output="menu")) == ("menu", "menu.digits", "menu.speech")
    assert semantics.reads(Say("Nothing here")) == () and semantics.writes(Say("x")) == ()


@pytest.mark.parametrize("given, digits, speech", [(Input("dtmf", "12"), "12", ""), (Input("speech", "sales"), "", "sales"), (Input("none"), "", "")])
def test_a_gather_writes_its_output_and_the_kind_used(given: Input, digits: str, speech: str) -> None:
    document = Response([Gather([Say("Go.")], num_digits=2, input=("dtmf", "speech"), output="menu"), Say("$GATHER")])
    run = simulate(document, CallerScript(inputs=[given]))
    env = run.environment
    assert env.get("menu") == (digits or speech) and env.get("menu.digits") == digits and env.get("menu.speech") == speech
    assert run.gather == ""  # this Gather writes menu, not the input variable $GATHER reads


def test_a_condition_that_could_not_be_read_never_holds_in_a_call() -> None:
    assert not semantics.holds(None, Environment({"GATHER": "1"}))
    assert semantics.holds(gather_in("1"), Environment({"GATHER": "1"}))
    assert semantics.holds(gather_in("1", test="NOTEQUAL"), Environment())
