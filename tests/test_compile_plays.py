"""A play's body is made once and handed to its state (``Compiler.play`` sets its prompt_ref in place, no
copy per play): so no two states may share a body, or a Gather's listening settings (dtmf, asr) written on
one play would show on another. These hold it for any document and for the case that reuses a body."""

from __future__ import annotations

from hypothesis import given, settings

from voxxml.ast import Gather, Play, Response, Say
from voxxml.targets.enablex import compile_document

import strategies as vs


def _plays(plan) -> list[dict]:
    return [state for state in plan["states"] if state["kind"] == "play"]


def _assert_own_bodies(plan) -> None:
    bodies = [state["request"]["body"] for state in _plays(plan)]
    assert len({id(body) for body in bodies}) == len(bodies), "two plays share a body"
    for state in _plays(plan):
        body = state["request"]["body"]
        assert next(iter(body)) == "prompt_ref" and body["prompt_ref"] == state["id"]
    outbound = plan["entries"]["outbound"]["request"]["body"].get("action_on_connect", {})
    for folded in outbound.values():  # the first play folded into the outbound call is a copy of its body
        assert all(folded is not body for body in bodies)


@settings(max_examples=150)
@given(vs.responses())
def test_every_play_has_a_body_of_its_own_whose_prompt_ref_is_its_id(document: Response) -> None:
    _assert_own_bodies(compile_document(document).plan)


def test_a_looped_last_prompt_listens_on_its_last_round_only() -> None:
    # The last prompt's body is played by its looped rounds and again by the listening play: only the
    # listening play may carry the input settings.
    for prompt in (Say("Press one", loop=3), Play("https://x.example/menu.mp3", loop=2, repeat_delay=1)):
        plan = compile_document(Response([Gather([prompt], input=("dtmf", "speech"))])).plan
        _assert_own_bodies(plan)
        plays = _plays(plan)
        assert len(plays) == 2  # one round in a counted loop, then the listening round
        looped, listening = plays
        assert "dtmf" not in looped["request"]["body"] and "asr" not in looped["request"]["body"]
        assert listening["request"]["body"]["dtmf"] is True and listening["request"]["body"]["asr"] is True
        assert looped["request"]["body"]["prompt_ref"] == looped["id"] != listening["id"] == listening["request"]["body"]["prompt_ref"]


def test_merged_says_speak_as_one_play_in_their_order() -> None:
    plan = compile_document(Response([Gather([Say("Press one"), Say("or two"), Say("or three", voice="Matthew")])])).plan
    _assert_own_bodies(plan)
    texts = [state["request"]["body"]["text"] for state in _plays(plan)]
    assert texts == ["Press one or two", "or three"]
