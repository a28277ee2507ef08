"""Fixes: which diagnostics carry one, how safe it is, and applying them safely."""

from __future__ import annotations

import voxxml
from voxxml.fixes import Edit, Fix, apply, fix_text


def lint(text: str) -> list:
    return voxxml.parse(text).diagnostics


def fixed(text: str, unsafe: bool = False) -> str:
    return fix_text(text, lint, unsafe).text


def test_case_of_element_and_attribute_names_is_a_safe_fix() -> None:
    source = "<response>\n  <say voice='Joanna'>Hi</say>\n  <Gather numdigits='2'><Say>Code?</Say></Gather>\n</response>\n"
    assert fixed(source) == (
        "<Response>\n  <Say voice='Joanna'>Hi</Say>\n  <Gather numDigits='2'><Say>Code?</Say></Gather>\n</Response>\n"
    )
    assert lint(fixed(source)) == []


def test_near_miss_attribute_is_unsafe() -> None:
    source = "<Response><Gather lang='en-GB' input='speech'><Say>Name?</Say></Gather></Response>"
    (diagnostic,) = lint(source)
    assert diagnostic.fix is not None and diagnostic.fix.safe is False
    assert fixed(source) == source
    assert fixed(source, unsafe=True) == "<Response><Gather language='en-GB' input='speech'><Say>Name?</Say></Gather></Response>"


def test_no_rename_onto_an_attribute_that_is_already_there() -> None:
    (diagnostic,) = lint("<Response><Gather numDigits='2' numdigits='3'><Say>x</Say></Gather></Response>")
    assert diagnostic.code == "VX005" and diagnostic.fix is None


def test_clamped_timeout_and_ignored_attribute_are_safe() -> None:
    source = "<Response>\n  <Gather timeout='90' input='speech' numDigits='4'><Say>Speak.</Say></Gather>\n  <Hangup/>\n</Response>\n"
    assert fixed(source) == "<Response>\n  <Gather timeout='60' input='speech'><Say>Speak.</Say></Gather>\n  <Hangup/>\n</Response>\n"


def test_removing_unreachable_verbs_is_unsafe_and_removes_whole_lines() -> None:
    source = "<Response>\n  <Say>Bye.</Say>\n  <Hangup/>\n  <Say>Never.</Say>\n  <Pause/>\n</Response>\n"
    assert fixed(source) == source
    assert fixed(source, unsafe=True) == "<Response>\n  <Say>Bye.</Say>\n  <Hangup/>\n</Response>\n"


def test_fixes_repeat_until_nothing_is_left_to_fix() -> None:
    source = "<Response><If variable='$GATHER' test='EQUAL' value='1'/><say>a</say><SAY>b</SAY></Response>"
    result = fix_text(source, lint)
    assert result.text == "<Response><If variable='$GATHER' test='EQUAL' value='1'/><Say>a</Say><Say>b</Say></Response>"
    assert len(result.applied) == 2


def test_overlapping_edits_are_applied_once() -> None:
    first = Fix("a", (Edit(0, 3, "xyz"),), True)
    second = Fix("b", (Edit(1, 2, "q"),), True)
    text, applied = apply("abcdef", [first, second])
    assert (text, applied) == ("xyzdef", [first])


def test_a_fix_that_would_break_the_document_is_refused() -> None:
    broken = Fix("break it", (Edit(0, 1, ""),), True)

    def lint_with_a_bad_fix(text: str) -> list:
        diagnostics = lint(text)
        if text.startswith("<Response>"):
            diagnostics = [diagnostics[0]._replace(fix=broken)] + diagnostics[1:] if diagnostics else diagnostics
        return diagnostics

    source = "<Response><say>x</say></Response>"
    result = fix_text(source, lint_with_a_bad_fix)
    assert result.refused == [broken]
    assert result.text.startswith("<Response>")
