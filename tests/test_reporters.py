"""Output formats: concise, SARIF 2.1.0 (validated against its schema) and GitHub workflow commands."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema

import voxxml
from voxxml.core.catalog import rules
from voxxml.reporters import REPORTERS

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
SOURCE = "<Response>\n  <Gather numdigits='4' timeout='90'><Say>PIN, please</Say></Gather>\n</Response>\n"


def rendered(fmt: str, path: str = "ivr/main.voxxml", source: str = SOURCE) -> str:
    out = io.StringIO()
    REPORTERS[fmt]([voxxml.parse(source, path)], out)
    return out.getvalue()


def test_sarif_is_valid_sarif_2_1_0_with_rule_metadata() -> None:
    log = json.loads(rendered("sarif"))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "voxxml" and driver["version"] == voxxml.__version__
    assert [r["id"] for r in driver["rules"]] == list(rules())
    unreachable = next(r for r in driver["rules"] if r["id"] == "VX102")
    assert unreachable["name"] == "unreachable" and "## How to fix it" in unreachable["help"]["markdown"]
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("VX005", "error"), ("VX008", "warning")]
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 2, "startColumn": 11, "endLine": 2, "endColumn": 20}
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "ivr/main.voxxml"
    assert driver["rules"][results[0]["ruleIndex"]]["id"] == "VX005"


def test_sarif_of_a_clean_run_is_valid_and_empty() -> None:
    log = json.loads(rendered("sarif", source="<Response><Say>Hi</Say><Hangup/></Response>"))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert log["runs"][0]["results"] == []


def test_github_workflow_commands_escape_data_and_properties() -> None:
    lines = rendered("github", path="dir,with:odd%name.voxxml").splitlines()
    assert lines[0].startswith(
        "::error file=dir%2Cwith%3Aodd%25name.voxxml,line=2,col=11,endLine=2,endColumn=20,title=VX005::unknown-attribute: "
    )
    assert "%0Adid you mean 'numDigits'?" in lines[0]
    assert lines[1].startswith("::warning file=dir%2Cwith%3Aodd%25name.voxxml,line=2,col=34,endLine=2,endColumn=36,title=VX008::")
    assert len(lines) == 2


def test_concise_is_one_line_per_diagnostic_and_a_summary() -> None:
    assert rendered("concise").splitlines() == [
        "ivr/main.voxxml:2:11: VX005 [error] unknown attribute 'numdigits' on <Gather>; valid attributes: repeatDelay, "
        "timeout, speechTimeout, loop, numDigits, finishOnKey, language, input, statusCallbackEvent, statusCallback, "
        "statusCallbackMethod",
        "ivr/main.voxxml:2:34: VX008 [warning] Gather timeout='90' is above 60; the platform uses 60",
        "Found 1 error and 1 warning in 1 of 1 file.",
    ]


# ------------------------------------------------------------------ bounded snippets

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from voxxml.reporters.text import CUT, MAX_LINE, WINDOW, window  # noqa: E402
from voxxml.core.source import SourceMap  # noqa: E402

from support import examples  # noqa: E402


@examples(300)
@given(
    before=st.text(alphabet="ab<>='\" ", max_size=3 * MAX_LINE),
    length=st.integers(min_value=1, max_value=2 * MAX_LINE),
    after=st.text(alphabet="ab<>='\" ", max_size=3 * MAX_LINE),
    line_before=st.booleans(),
)
def test_snippet_window_is_bounded_and_the_caret_is_under_the_span(before: str, length: int, after: str, line_before: bool) -> None:
    span_text = "X" * length
    prefix = "<Response>\n" if line_before else ""
    source = SourceMap(prefix + before + span_text + after + "\n</Response>\n")
    line = 2 if line_before else 1
    column = len(before) + 1
    cut = window(source, line, column, column + length)
    if cut is None:  # only a blank line has no snippet
        assert not (before + span_text + after).strip()
        return
    shown, caret, width = cut
    whole = before + span_text + after
    assert len(shown) <= max(MAX_LINE, WINDOW + 2 * len(CUT))
    assert shown == whole if len(whole) <= MAX_LINE else shown.replace(CUT, "") in whole
    assert shown[caret] == "X" and 1 <= width <= length
    assert shown[caret : caret + width] == "X" * width
