"""The command line for editors, CI and pre-commit: fixes, the formatter, formats, schema and graph export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from support import ROOT, run, write

FIXABLE = (
    "<response>\n"
    "  <say voice='Joanna'>Hi</say>\n"
    "  <Gather timeout='90' input='speech' numDigits='4'><Say>Name?</Say></Gather>\n"
    "  <Hangup/>\n"
    "  <Say>never</Say>\n"
    "</response>\n"
)
SAFELY_FIXED = (
    "<Response>\n"
    "  <Say voice='Joanna'>Hi</Say>\n"
    "  <Gather timeout='60' input='speech'><Say>Name?</Say></Gather>\n"
    "  <Hangup/>\n"
    "  <Say>never</Say>\n"
    "</Response>\n"
)


def test_fix_applies_safe_fixes_and_reports_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path, "ivr.voxxml", FIXABLE)
    result = run("lint", "--fix", "--format", "concise", str(path))
    assert path.read_text(encoding="utf-8") == SAFELY_FIXED
    assert result.exit_code == 0  # only the VX102 warning is left
    assert "VX102" in result.stdout and "VX005" not in result.stdout
    assert "Fixed 4 problems." in result.stdout


def test_unsafe_fixes_remove_unreachable_verbs(tmp_path: Path) -> None:
    path = write(tmp_path, "ivr.voxxml", FIXABLE)
    run("lint", "--fix", "--unsafe-fixes", str(path))
    assert "never" not in path.read_text(encoding="utf-8")


def test_diff_shows_fixes_without_writing(tmp_path: Path) -> None:
    path = write(tmp_path, "ivr.voxxml", FIXABLE)
    result = run("lint", "--diff", str(path))
    assert result.exit_code == 1
    assert path.read_text(encoding="utf-8") == FIXABLE
    assert f"--- a/{path}" in result.stdout and "-  <Gather timeout='90' input='speech' numDigits='4'>" in result.stdout
    assert "+  <Gather timeout='60' input='speech'><Say>Name?</Say></Gather>" in result.stdout


def test_fix_from_stdin_writes_the_fixed_document() -> None:
    result = run("lint", "--fix", "-", stdin=FIXABLE)
    assert result.stdout == SAFELY_FIXED


def test_github_format_is_chosen_under_github_actions(tmp_path: Path) -> None:
    path = write(tmp_path, "ivr.voxxml", "<Response><Gather timeout='90'><Say>x</Say></Gather></Response>")
    result = run("lint", str(path), env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith(f"::warning file={path},line=1,col=28,endLine=1,endColumn=30,title=VX008::")
    assert run("lint", str(path), env={"GITHUB_ACTIONS": ""}).stdout.startswith(f"{path}:1:28: VX008")


def test_voxxml_only_skips_other_xml_named_explicitly(tmp_path: Path) -> None:
    other = write(tmp_path, "pom.xml", "<project/>")
    assert run("lint", str(other)).exit_code == 1  # named explicitly: linted (VX002)
    assert run("lint", "--voxxml-only", str(other)).exit_code == 0
    assert run("format", "--voxxml-only", "--check", str(other)).exit_code == 0


def test_format_check_diff_and_write(tmp_path: Path) -> None:
    path = write(tmp_path, "ivr.voxxml", "<Response><Say voice='Joanna'>Hi</Say><Hangup></Hangup></Response>")
    check = run("format", "--check", str(path))
    assert check.exit_code == 1 and f"would reformat {path}" in check.stdout
    diff = run("format", "--diff", str(path))
    assert diff.exit_code == 1 and '+  <Say voice="Joanna">Hi</Say>' in diff.stdout
    assert run("format", str(path)).exit_code == 0
    assert path.read_text(encoding="utf-8") == '<Response>\n  <Say voice="Joanna">Hi</Say>\n  <Hangup/>\n</Response>\n'
    assert run("format", "--check", str(path)).exit_code == 0


def test_format_refuses_broken_documents(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.voxxml", "<Response><Say>x</Sya></Response>")
    result = run("format", str(path))
    assert result.exit_code == 1 and "VX001" in result.stderr
    assert path.read_text(encoding="utf-8") == "<Response><Say>x</Sya></Response>"


def test_format_stdin_to_stdout() -> None:
    assert run("format", "-", stdin="<Response><Hangup></Hangup></Response>").stdout == "<Response>\n  <Hangup/>\n</Response>\n"


@pytest.mark.parametrize("fmt", ["xsd", "rng"])
def test_schema_export_validates_the_examples(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"voxxml.{fmt}"
    assert run("schema", "--format", fmt, "-o", str(out)).exit_code == 0
    tree = etree.parse(str(out))
    schema = etree.XMLSchema(tree) if fmt == "xsd" else etree.RelaxNG(tree)
    assert schema.validate(etree.parse(str(ROOT / "examples" / "simple-ivr.voxxml")))
    assert not schema.validate(etree.fromstring(b"<Response><Pause length='0'/></Response>").getroottree())


def test_graph_draws_the_simple_ivr() -> None:
    mermaid = run("graph", str(ROOT / "examples" / "simple-ivr.voxxml")).stdout
    assert mermaid.startswith("flowchart TD")
    dot = run("graph", "--format", "dot", str(ROOT / "examples" / "simple-ivr.voxxml")).stdout
    assert dot.startswith("digraph")


def test_sarif_output_from_the_cli(tmp_path: Path) -> None:
    path = write(tmp_path, "ivr.voxxml", FIXABLE)
    log = json.loads(run("lint", "--format", "sarif", str(path)).stdout)
    assert log["version"] == "2.1.0" and log["runs"][0]["results"]
