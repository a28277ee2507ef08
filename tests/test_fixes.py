"""Fixes: which diagnostics carry one, how safe it is, and applying them safely."""

from __future__ import annotations

from voxxml.core.fixes import Edit, Fix, apply, fix_text

from support import diagnostics as lint


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


# --------------------------------------------------------------------------- fixing never corrupts
# When the combined fixes of a round failed to re-parse, the fallback applied fixes one
# at a time, each with offsets computed on the original text, to text the earlier ones
# had already changed: `Input='dtmf'` became `I60='dtmf'`. Fixes are now always applied
# to the text they were computed on, and recomputed (a fresh lint) after each round.

from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, example, given
from hypothesis import strategies as st

import strategies as vs
from support import SEEDS, examples
from voxxml.dialects.voxxml_v1.grammar import grammar
from voxxml.core.source import SourceMap



def test_fallback_does_not_apply_stale_offsets() -> None:
    """Found by test_fixing_never_invents_a_name_nor_adds_an_error: the two case fixes
    together write a duplicate attribute, so the round fell back to one fix at a time;
    removing language='en-US' shortened the text, and the Input rename landed on
    numDigits (`numDinput='dtmf'`)."""
    source = "<Response><Gather INPUT='dtmf' language='en-US' Input='dtmf' numDigits='dtmf'><say>x</say></Gather></Response>"
    result = fix_text(source, lint)
    assert names(result.text) <= names(source) | {"input", "Say"}, result.text
    assert "numDigits='dtmf'" in result.text and "<Say>x</Say>" in result.text


def test_fixes_after_a_refused_one_apply_where_they_were_computed() -> None:
    """The fallback path itself, with fixes a lint computes on whatever text it is given:
    one shortens the text, one breaks the document, one renames an attribute after them."""
    source = "<Response><Say voice='Joanna' loop='0001'>x</Say><Gather Input='dtmf'><Say>y</Say></Gather></Response>"

    def offered(text: str) -> list:
        base = lint("<Response><say>x</say></Response>")[0]
        fixes = []
        if (at := text.find("'0001'")) >= 0:
            fixes.append(Fix("shorten", (Edit(at + 1, at + 5, "1"),), True))
        if (at := text.find("<Gather")) >= 0:
            fixes.append(Fix("break", (Edit(at, at + 1, ""),), True))
        if (at := text.find("Input=")) >= 0:
            fixes.append(Fix("rename", (Edit(at, at + 5, "input"),), True))
        return [base._replace(fix=fix) for fix in fixes] + [d for d in lint(text) if d.code == "VX001"]

    result = fix_text(source, offered)
    assert result.text == "<Response><Say voice='Joanna' loop='1'>x</Say><Gather input='dtmf'><Say>y</Say></Gather></Response>"
    assert {fix.title for fix in result.refused} == {"break"}


def test_fixes_reach_a_fixed_point_in_one_run() -> None:
    """The reader does not look inside an unknown element, so each round's rename of a
    lower-case <if> reveals the next one: 15 rounds (fixing stopped after 10)."""
    depth = 15
    opener = "<if variable='$GATHER' test='EQUAL' value='1'>"
    source = f"<Response><Gather><Say>x</Say></Gather>{opener * depth}<say>a</say>{'</if>' * depth}</Response>"
    result = fix_text(source, lint)
    assert len(result.applied) == depth + 1
    assert "<if" not in result.text and "<Say>a</Say>" in result.text
    assert "VX003" not in {d.code for d in lint(result.text)}


def names(text: str) -> set[str]:
    """Every element and attribute name written in ``text``."""
    source = SourceMap(text)
    found = set(source.tags.names)
    for element in source.elements:
        found.update(element.attributes(text))
    return found


def errors(diagnostics: list) -> Counter[str]:
    return Counter(d.code for d in diagnostics if d.severity.value == "error")


def _gather_attribute(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(["input", "Input", "INPUT", "numDigits", "numdigits", "timeout", "TimeOut", "lang", "language", "finishOnKey"]))
    value = draw(st.sampled_from(["dtmf", "speech", "1", "4", "90", "1000", "60", "#", "en-US"]))
    return f"{name}='{value}'"


@st.composite
def fixable_documents(draw: st.DrawFn) -> str:
    """Documents dense in fixable mistakes that can collide: wrong-case names, near-miss
    attributes, clamped values, ignored attributes, unreachable verbs."""
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            attributes = draw(st.lists(st.composite(lambda d: _gather_attribute(d))(), max_size=5))
            parts.append(f"<Gather {' '.join(attributes)}><say>x</say></Gather>")
        elif kind == 1:
            parts.append(draw(st.sampled_from(["<say>a</say>", "<SAY>b</SAY>", "<Say Voice='Joanna'>c</Say>", "<pause length='1'/>"])))
        elif kind == 2:
            parts.append("<Hangup/><Say>never</Say>")
        else:
            parts.append(draw(st.sampled_from(["<Say>ok</Say>", "<Redirect>https://example.com/x.xml</Redirect>"])))
    return "<Response>" + "".join(parts) + "</Response>"


_FIXABLE = st.one_of(
    fixable_documents(),
    vs.vocabulary_documents().map(lambda doc: doc[0]),
    vs.mutated(SEEDS, max_mutations=2).map(
        lambda data: data.decode("utf-8", "replace")
    ),
)


@examples(150, suppress=[HealthCheck.too_slow])
@given(_FIXABLE, st.booleans())
@example("<Response><Gather timeout='1000' Input='dtmf' INPUT='dtmf'><Say>x</Say></Gather></Response>", False)
def test_fixing_never_invents_a_name_nor_adds_an_error(text: str, unsafe: bool) -> None:
    before = lint(text)
    result = fix_text(text, lint, unsafe)
    offered = {edit.text for fix in result.applied for edit in fix.edits}
    vocabulary = set(grammar().elements) | {name for spec in grammar().elements.values() for name in spec.attributes}
    invented = names(result.text) - names(text) - (offered & vocabulary)
    assert not invented, (result.text, invented)
    grown = errors(lint(result.text)) - errors(before)
    assert not grown, (result.text, grown)
    # a fixed point: a second run finds nothing more to fix
    assert fix_text(result.text, lint, unsafe).applied == [], result.text


def test_cli_fix_reaches_the_fixed_point_without_corrupting(tmp_path: Path) -> None:
    import subprocess
    import sys

    opener = "<if variable='$GATHER' test='EQUAL' value='1'>"
    source = (
        "<Response><Gather INPUT='dtmf' language='en-US' Input='dtmf' numDigits='dtmf'><say>x</say></Gather>"
        f"{opener * 12}<say>a</say>{'</if>' * 12}</Response>\n"
    )
    path = tmp_path / "ivr.voxxml"
    path.write_text(source)
    subprocess.run([sys.executable, "-m", "voxxml", "lint", "--fix", str(path)], capture_output=True, timeout=120)
    fixed = path.read_text()
    assert names(fixed) <= names(source) | {"input", "Say", "If"}, fixed
    assert "<if" not in fixed and "numDigits='dtmf'" in fixed
    again = subprocess.run([sys.executable, "-m", "voxxml", "lint", "--fix", str(path)], capture_output=True, timeout=120)
    assert path.read_text() == fixed, again
