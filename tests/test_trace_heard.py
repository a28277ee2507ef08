"""Say text compares by its words: a caller hears no layout (``voxxml.runtime.trace.heard``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from voxxml.runtime.trace import comparable, heard


def say(text: str, gender: str = "female") -> dict:
    return {"event": "say", "text": text, "voice": "Polly.Joanna", "gender": gender, "language": "en-US", "separate_numbers": False}


def test_white_space_at_either_end_is_silent_and_a_run_inside_is_one_gap() -> None:
    assert heard("  Press 1\n\t for   sales ") == "Press 1 for sales"
    assert heard(" .") == "."
    assert heard("") == heard("   ") == ""


def test_comparable_compares_say_text_by_its_words() -> None:
    assert comparable([say(" Hello  there\n")]) == comparable([say("Hello there")])
    assert comparable([say("Hello there")]) != comparable([say("Hello, there")])  # punctuation is heard


def test_merged_speech_has_one_gap_between_utterances_whatever_their_layout() -> None:
    # A plan may merge consecutive speech into one play, joined by a space: an empty or padded part adds no gap.
    assert comparable([say("Hello "), say("  world")]) == comparable([say("Hello world")])
    assert comparable([say("Hello"), say("")]) == comparable([say("Hello")])
    assert comparable([say("Hello"), say("world", gender="male")])[1]["text"] == "world"  # another voice: not merged


@given(st.lists(st.text(alphabet=" \t\na.,bc", max_size=12), min_size=1, max_size=5))
def test_heard_is_idempotent_and_merging_is_heard_of_the_joined_text(parts: list[str]) -> None:
    assert heard(heard(" ".join(parts))) == heard(" ".join(parts))
    merged = comparable([say(part) for part in parts])
    assert merged == [{k: v for k, v in say(heard(" ".join(parts))).items() if k != "voice"}]
