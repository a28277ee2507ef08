"""The command line: formats, exit statuses, stdin, directory discovery, colours."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import voxxml

from support import ROOT, run, write

EXAMPLES = ROOT / "examples"
GOOD = "<Response><Say>Hello</Say><Hangup/></Response>\n"
WARN = "<Response><Gather timeout='90'><Say>Press 1</Say></Gather></Response>\n"
BAD = "<Response>\n  <Gather numdigits='4'><Say>PIN</Say></Gather>\n</Response>\n"


def test_clean_examples_exit_zero_with_summary() -> None:
    result = run("lint", str(EXAMPLES / "simple-ivr.voxxml"), str(EXAMPLES / "complex-ivr.voxxml"))
    assert result.exit_code == 0
    assert "All checks passed: 2 files" in result.output


def test_error_exits_one_and_prints_location_code_snippet_and_help(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.voxxml", BAD)
    result = run("lint", str(path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{path}:2:11: VX005 [*] unknown attribute 'numdigits' on <Gather>; valid attributes: " + (
        "repeatDelay, timeout, speechTimeout, loop, numDigits, finishOnKey, language, input, "
        "statusCallbackEvent, statusCallback, statusCallbackMethod"
    )
    assert lines[2] == "2 |   <Gather numdigits='4'><Say>PIN</Say></Gather>"
    assert lines[3] == "  |           ^^^^^^^^^"
    assert "= help: did you mean 'numDigits'?" in result.output
    assert lines[-2:] == ["Found 1 error in 1 of 1 file.", "[*] 1 fixable with `--fix`."]
    assert "\x1b[" not in result.output  # not a terminal: no colours


def test_warnings_pass_unless_fail_on_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "warn.voxxml", WARN)
    assert run("lint", str(path)).exit_code == 0
    assert run("lint", "--fail-on", "warning", str(path)).exit_code == 1


def test_json_format_has_the_documented_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.voxxml", BAD)
    result = run("lint", "--format", "json", str(path))
    assert result.exit_code == 1
    records = json.loads(result.output)
    assert records == [
        {
            "path": str(path),
            "line": 2,
            "column": 11,
            "end_line": 2,
            "end_column": 20,
            "code": "VX005",
            "name": "unknown-attribute",
            "severity": "error",
            "message": records[0]["message"],
            "help": "did you mean 'numDigits'?",
            "fix": {"message": "Rename 'numdigits' to 'numDigits'", "applicability": "safe"},
        }
    ]
    assert "'numdigits'" in records[0]["message"] and "numDigits" in records[0]["message"]


def test_json_omits_help_when_absent_and_is_empty_array_when_clean(tmp_path: Path) -> None:
    path = write(tmp_path, "x.voxxml", "<Response><Pause length='0'/></Response>")
    records = json.loads(run("lint", "--format", "json", str(path)).output)
    assert [r["code"] for r in records] == ["VX007"] and "help" not in records[0] and "fix" not in records[0]
    clean = write(tmp_path, "ok.voxxml", GOOD)
    assert json.loads(run("lint", "--format", "json", str(clean)).output) == []


def test_stdin_with_stdin_filename() -> None:
    result = run("lint", "-", "--stdin-filename", "ivr/main.voxxml", "--format", "json", stdin=BAD)
    assert result.exit_code == 1
    assert json.loads(result.output)[0]["path"] == "ivr/main.voxxml"
    assert run("lint", "-", stdin=GOOD).exit_code == 0


def test_directories_lint_voxxml_and_response_xml_only(tmp_path: Path) -> None:
    write(tmp_path, "a.voxxml", GOOD)
    write(tmp_path, "nested/b.xml", BAD)
    write(tmp_path, "nested/pom.xml", "<project><Say>not voxxml</Say></project>")
    write(tmp_path, "nested/decl.xml", "<?xml version='1.0'?>\n<!-- c -->\n<Response><Hangup/></Response>")
    write(tmp_path, "notes.txt", "not xml")
    write(tmp_path, ".hidden/c.voxxml", BAD)
    result = run("lint", "--format", "json", "--verbose", str(tmp_path))
    assert result.exit_code == 1
    linted = {Path(r["path"]).name for r in json.loads(result.stdout)}
    assert linted == {"b.xml"}
    assert "skipped" in result.stderr and "pom.xml" in result.stderr and "root element is <project>" in result.stderr
    assert f"checked {tmp_path / 'nested' / 'decl.xml'}" in result.stderr
    assert f"checked {tmp_path / 'a.voxxml'}" in result.stderr


def test_explicit_file_is_linted_whatever_its_name(tmp_path: Path) -> None:
    path = write(tmp_path, "ivr.txt", BAD)
    assert run("lint", str(path)).exit_code == 1


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run("lint", str(tmp_path / "nope.voxxml"))
    assert result.exit_code == 2
    assert "no such file or directory" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.voxxml", GOOD)
    path.chmod(0)
    assert run("lint", str(path)).exit_code == 2


def test_unreadable_directory_entry_is_a_usage_error(tmp_path: Path) -> None:
    # A dangling symlink named *.voxxml cannot be read, even by root.
    (tmp_path / "gone.voxxml").symlink_to(tmp_path / "missing-target")
    result = run("lint", str(tmp_path))
    assert result.exit_code == 2
    assert "gone.voxxml" in result.stderr


def test_usage_errors_exit_two() -> None:
    assert run("lint", "--max-diagnostics", "-1", "x").exit_code == 2
    assert run("lint", "--format", "xml", "x").exit_code == 2


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and voxxml.__version__ in result.output


def test_colours_when_forced_and_none_with_no_color() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    coloured = subprocess.run(
        [sys.executable, "-m", "voxxml", "lint", "-"], input=BAD.encode(), capture_output=True, env={**env, "FORCE_COLOR": "1"}
    )
    assert b"\x1b[" in coloured.stdout and coloured.returncode == 1
    plain = subprocess.run(
        [sys.executable, "-m", "voxxml", "lint", "-"],
        input=BAD.encode(),
        capture_output=True,
        env={**env, "FORCE_COLOR": "1", "NO_COLOR": "1"},
    )
    assert b"\x1b[" not in plain.stdout and plain.returncode == 1
