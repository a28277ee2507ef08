"""The rule catalogue (rules/*.md) is executable: each page's examples run here."""

from __future__ import annotations

import pytest

import voxxml
from voxxml.core.catalog import Severity, rules
from voxxml.ast import Pause
from voxxml.targets.enablex import compile_document
from voxxml.targets.enablex.compiler import LOWERINGS

from support import run

RULES = list(rules().values())


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_page_has_examples_and_metadata(rule) -> None:
    assert rule.examples["triggers"], f"{rule.code} has no triggering example"
    assert rule.examples["passes"], f"{rule.code} has no passing example"
    assert rule.name and rule.summary and rule.category
    assert isinstance(rule.severity, Severity)
    for heading in ("## What it checks", "## Example that triggers it", "## Example that passes", "## How to fix it"):
        assert heading in rule.body, f"{rule.code} lacks {heading!r}"


def codes_of(rule, snippet: str) -> set[str]:
    """What the tool reports for an example: lint codes (VX, VM), or compile codes (EX, to EnableX);
    read with the page's dialect."""
    if rule.convert_to is not None:  # a conversion code (CV): the example converted to that dialect
        from voxxml.pipeline import convert

        return {d.code for d in convert(snippet.encode("utf-8"), "<string>", rule.convert_to, dialect=rule.dialect).diagnostics}
    result = _parse(rule, snippet)
    if rule.code.startswith("EX"):
        assert result.document is not None, result.diagnostics
        return {d.code for d in compile_document(result.document, lowerings=_LOWERINGS.get(rule.code)).diagnostics}
    return {d.code for d in result.diagnostics}


def _parse(rule, snippet: str):  # type: ignore[no-untyped-def]
    return voxxml.lint_bytes(snippet.encode("utf-8"), "<string>", dialect=rule.dialect)


# EX214 (no lowering) cannot come from a v1 document, whose every verb has one: its page's
# examples compile as a target without the Pause lowering does (rules/EX214.md says so).
_LOWERINGS = {"EX214": {cls: lower for cls, lower in LOWERINGS.items() if cls is not Pause}}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_triggering_example_produces_exactly_that_code(rule) -> None:
    for snippet in rule.examples["triggers"]:
        assert codes_of(rule, snippet) == {rule.code}, snippet


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_passing_example_is_clean(rule) -> None:
    for snippet in rule.examples["passes"]:
        assert codes_of(rule, snippet) == set(), snippet


def test_codes_and_names_are_unique_and_well_formed() -> None:
    names = [r.name for r in RULES]
    assert len(set(names)) == len(names)
    assert all(r.code[:2] in ("VX", "VM", "TW", "EX", "CV") and r.code[2:].isdigit() and len(r.code) == 5 for r in RULES)


def test_fixed_codes_keep_their_meaning() -> None:
    """The codes of the foundation issue are fixed forever."""
    fixed = {
        "VX001": ("xml-syntax", "error"),
        "VX002": ("root-not-response", "error"),
        "VX003": ("unknown-element", "error"),
        "VX004": ("invalid-child", "error"),
        "VX005": ("unknown-attribute", "error"),
        "VX006": ("missing-attribute", "error"),
        "VX007": ("invalid-value", "error"),
        "VX008": ("value-clamped", "warning"),
        "VX009": ("invalid-content", "error"),
        "VX010": ("unknown-voice", "warning"),
    }
    catalogue = rules()
    assert {code: (catalogue[code].name, catalogue[code].severity.value) for code in fixed} == fixed


def test_every_page_has_an_implementation_and_every_implementation_a_page() -> None:
    from voxxml import lint
    from voxxml.core import suppressions
    from voxxml.dialects import detect
    from voxxml.dialects.voxxml_v1 import reader
    from voxxml.dialects.voxml import reader as voxml_reader
    from voxxml.dialects.twiml import reader as twiml_reader
    from voxxml.checks import CHECKS
    from voxxml.targets import enablex
    from voxxml import convert

    implemented = [
        *lint.CODES, *reader.CODES, *voxml_reader.CODES, *twiml_reader.CODES, detect.CODE, *suppressions.CODES, *(module.CODE for module in CHECKS),
        *enablex.CODES, *convert.CODES,
    ]
    assert len(implemented) == len(set(implemented))
    assert set(implemented) == set(rules())


def test_rule_command_renders_a_page_and_lists_all() -> None:
    page = run("rule", "VX102")
    assert page.exit_code == 0
    assert "VX102 unreachable" in page.output and "Example that triggers it" in page.output and "<Hangup/>" in page.output
    listing = run("rule", "--list")
    assert listing.exit_code == 0
    rows = [line.split()[:3] for line in listing.output.splitlines()[1:] if line.strip() and not line.startswith(" ")]
    assert rows == [[r.code, r.name, r.severity.value] for r in RULES]
    unknown = run("rule", "VX999")
    assert unknown.exit_code == 2 and "unknown rule 'VX999'" in unknown.stderr


@pytest.mark.parametrize("rule", [r for r in RULES if r.code.startswith(("VX", "VM"))], ids=lambda r: r.code)
def test_fix_metadata_matches_the_fixes_offered(rule) -> None:
    """A page that promises a fix gets one on its example, with the safety it states; others get none."""
    fixes = [d.fix for snippet in rule.examples["triggers"] for d in _parse(rule, snippet).diagnostics if d.code == rule.code]
    offered = [fix for fix in fixes if fix is not None]
    if rule.fix is None:
        assert offered == []
    else:
        assert offered, f"{rule.code} promises a fix"  # on at least one of its triggering examples
        if rule.fix in ("safe", "unsafe"):
            assert all(fix.safe == (rule.fix == "safe") for fix in offered)
