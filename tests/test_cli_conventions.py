"""CLI conventions a ruff user expects, through the real command line: default path,
missing paths, discovery, rule selection, configuration files, --statistics,
--exit-zero, --show-fixes, --quiet, --force-exclude, --watch, `voxxml rule`, and
NO_COLOR in every command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from voxxml.core.catalog import rules

from support import ROOT, json_codes, run, write

GOOD = "<Response><Say>Hello</Say><Hangup/></Response>\n"
# VX005 (safe fix), VX008 (safe fix), VX010 (no fix)
MIXED = "<Response>\n  <Gather numdigits='4' timeout='90'><Say>PIN</Say></Gather>\n  <Say voice='Jonna'>Bye</Say>\n</Response>\n"


def codes(result) -> list[str]:
    return sorted(json_codes(result))


# ------------------------------------------------------------------ paths


def test_lint_without_paths_lints_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "ivr/main.voxxml", MIXED)
    monkeypatch.chdir(tmp_path)
    result = run("lint", "--output-format", "json")
    assert result.exit_code == 1
    assert {record["path"] for record in json.loads(result.stdout)} == {str(Path("ivr") / "main.voxxml")}


def test_a_run_that_lints_nothing_warns_and_exits_zero(tmp_path: Path) -> None:
    write(tmp_path, "pom.xml", "<project/>\n")
    result = run("lint", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.strip() == "voxxml: warning: no VoxXML files found"
    machine = run("lint", "--output-format", "json", str(tmp_path))
    assert machine.exit_code == 0 and json.loads(machine.stdout) == []
    assert run("lint", "--quiet", str(tmp_path)).stderr == ""


def test_a_missing_path_is_reported_and_the_others_are_still_linted(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.voxxml", MIXED)
    good = write(tmp_path, "good.voxxml", GOOD)
    result = run("lint", "--output-format", "concise", str(tmp_path / "nope.voxxml"), str(bad), str(good))
    assert result.exit_code == 2
    assert f"voxxml: error: {tmp_path / 'nope.voxxml'}: no such file or directory" in result.stderr
    assert f"{bad}:2:11: VX005" in result.stdout
    assert "Found 1 error and 2 warnings in 1 of 2 files." in result.stdout.splitlines()
    assert run("lint", "--exit-zero", str(tmp_path / "nope.voxxml"), str(good)).exit_code == 2  # not a lint finding


def test_format_takes_the_same_path_conventions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ivr = write(tmp_path, "ivr.voxxml", "<Response><Hangup></Hangup></Response>")
    monkeypatch.chdir(tmp_path)
    first = run("format")
    assert first.exit_code == 0 and first.stderr.strip() == "1 file reformatted."
    again = run("format")
    assert again.exit_code == 0 and again.stderr.strip() == "1 file left unchanged."
    assert run("format", "--check").stderr.strip() == "1 file already formatted."
    missing = run("format", "nope.voxxml", str(ivr))
    assert missing.exit_code == 2 and "nope.voxxml: no such file or directory" in missing.stderr
    assert "1 file left unchanged." in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run("format", str(empty))
    assert nothing.exit_code == 0 and nothing.stderr.strip() == "voxxml: warning: no VoxXML files found"


@pytest.mark.parametrize("root", ["response", "RESPONSE", "ReSpOnSe"])
def test_xml_with_a_wrongly_cased_response_root_is_linted_not_skipped(tmp_path: Path, root: str) -> None:
    write(tmp_path, "ivr.xml", f"<?xml version='1.0'?>\n<{root}><Say>Hi</Say></{root}>\n")
    write(tmp_path, "pom.xml", "<project><Response/></project>\n")
    result = run("lint", "--output-format", "json", "--verbose", str(tmp_path))
    assert codes(result) == ["VX002"]
    assert f"skipped {tmp_path / 'pom.xml'}: root element is <project>" in result.stderr
    assert run("lint", "--voxxml-only", "--output-format", "json", str(tmp_path / "ivr.xml")).stdout.count("VX002") == 1


def test_force_exclude_applies_the_configuration_to_named_paths(tmp_path: Path) -> None:
    write(tmp_path, "voxxml.toml", 'exclude = ["legacy/*"]\n')
    old = write(tmp_path, "legacy/old.voxxml", MIXED)
    assert codes(run("lint", "--output-format", "json", str(old))) == ["VX005", "VX008", "VX010"]
    forced = run("lint", "--force-exclude", "--output-format", "json", str(old))
    assert forced.exit_code == 0 and json.loads(forced.stdout) == []
    assert "no VoxXML files found" in forced.stderr
    unformatted = write(tmp_path, "legacy/raw.voxxml", "<Response><Hangup></Hangup></Response>")
    assert run("format", "--force-exclude", "--check", str(unformatted)).exit_code == 0
    assert run("format", "--check", str(unformatted)).exit_code == 1
    piped = run("lint", "--force-exclude", "--stdin-filename", str(old), "--output-format", "json", "-", stdin=MIXED)
    assert piped.exit_code == 0 and json.loads(piped.stdout) == []
    raw = "<Response><Hangup></Hangup></Response>"
    passed = run("format", "--force-exclude", "--stdin-filename", str(unformatted), "-", stdin=raw)
    assert passed.exit_code == 0 and passed.stdout == raw


def test_the_pre_commit_hooks_force_the_exclusions() -> None:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    entries = [line.split(":", 1)[1].split() for line in hooks.splitlines() if line.strip().startswith("entry:")]
    assert entries == [["voxxml", "lint", "--voxxml-only", "--force-exclude"], ["voxxml", "format", "--voxxml-only", "--force-exclude"]]


# ------------------------------------------------------------------ rule selection and configuration


def test_select_ignore_and_extend_select_layer_over_the_configuration(tmp_path: Path) -> None:
    write(tmp_path, "voxxml.toml", 'ignore = ["VX008"]\n')
    ivr = write(tmp_path, "ivr.voxxml", MIXED)
    lint = ("lint", "--output-format", "json")
    assert codes(run(*lint, str(ivr))) == ["VX005", "VX010"]
    assert codes(run(*lint, "--extend-select", "VX008", str(ivr))) == ["VX005", "VX008", "VX010"]
    assert codes(run(*lint, "--ignore", "VX005", str(ivr))) == ["VX010"]
    assert codes(run(*lint, "--select", "VX008,VX010", str(ivr))) == ["VX008", "VX010"]  # starts over
    assert codes(run(*lint, "--select", "VX0", "--ignore", "VX01", str(ivr))) == ["VX005", "VX008"]
    assert codes(run(*lint, "--ignore", "VX0", "--extend-select", "vx005", str(ivr))) == ["VX005"]  # more specific wins
    assert codes(run(*lint, "--select", "VX005", "--select", "VX010", str(ivr))) == ["VX005", "VX010"]


def test_unknown_codes_on_the_command_line_are_usage_errors_with_a_suggestion(tmp_path: Path) -> None:
    ivr = write(tmp_path, "ivr.voxxml", GOOD)
    result = run("lint", "--select", "VX1022", str(ivr))
    assert result.exit_code == 2
    assert "--select: unknown code 'VX1022'; did you mean 'VX102'?" in result.stderr
    assert run("lint", "--ignore", "", str(ivr)).exit_code == 0  # nothing given: nothing changes


def test_extend_select_in_the_configuration(tmp_path: Path) -> None:
    write(tmp_path, "voxxml.toml", 'select = ["VX005"]\nextend-select = ["VX010"]\n')
    ivr = write(tmp_path, "ivr.voxxml", MIXED)
    assert codes(run("lint", "--output-format", "json", str(ivr))) == ["VX005", "VX010"]


def test_config_names_one_file_for_every_path_and_isolated_uses_none(tmp_path: Path) -> None:
    write(tmp_path, "project/voxxml.toml", 'ignore = ["VX010"]\n')
    ivr = write(tmp_path, "project/ivr.voxxml", MIXED)
    other = write(tmp_path, "strict.toml", 'select = ["VX008"]\nfail-on = "warning"\n')
    lint = ("lint", "--output-format", "json")
    assert codes(run(*lint, str(ivr))) == ["VX005", "VX008"]
    named = run(*lint, "--config", str(other), str(ivr))
    assert codes(named) == ["VX008"] and named.exit_code == 1  # fail-on warning from strict.toml
    assert codes(run(*lint, "--isolated", str(ivr))) == ["VX005", "VX008", "VX010"]
    broken = write(tmp_path, "broken.toml", "selct = []\n")
    failed = run(*lint, "--config", str(broken), str(ivr))
    assert failed.exit_code == 2 and "did you mean 'select'?" in failed.stderr
    missing = run(*lint, "--config", str(tmp_path / "nope.toml"), str(ivr))
    assert missing.exit_code == 2 and "nope.toml: cannot be read" in missing.stderr


@pytest.mark.parametrize(
    ("name", "config", "message"),
    [
        ("voxxml.toml", "selct = []\n", "unknown key 'selct'; did you mean 'select'?"),
        ("voxxml.toml", "fail_on = 'warning'\n", "unknown key 'fail_on'; did you mean 'fail-on'?"),
        ("voxxml.toml", 'fail-on = "warn"\n', "fail-on = 'warn' is not valid; did you mean 'warning'?"),
        ("voxxml.toml", 'context = "confrence"\n', "context = 'confrence' is not valid; did you mean 'conference'?"),
        ("voxxml.toml", 'ignore = ["vx010"]\n', "ignore: unknown code 'vx010'; did you mean 'VX010'?"),
        ("voxxml.toml", "[format]\nquote_style = 'single'\n", "unknown key 'format.quote_style'; did you mean 'quote-style'?"),
        ("voxxml.toml", "[format]\nquote-style = 'singel'\n", "format.quote-style = 'singel' is not valid; did you mean 'single'?"),
        ("pyproject.toml", "[tool.voxxml]\nexlude = []\n", "unknown key 'tool.voxxml.exlude'; did you mean 'exclude'?"),
        ("pyproject.toml", "[tool.voxxml]\nseverity = { VX01 = 'error' }\n", "tool.voxxml.severity: unknown code 'VX01'"),
    ],
)
def test_configuration_typos_get_did_you_mean_and_name_the_file_once(tmp_path: Path, name: str, config: str, message: str) -> None:
    write(tmp_path, name, config)
    ivr = write(tmp_path, "ivr.voxxml", GOOD)
    result = run("lint", str(ivr))
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count(name) == 1, result.stderr
    assert result.stderr.startswith(f"voxxml: error: {tmp_path / name}: ")


# ------------------------------------------------------------------ reporting options


def test_statistics_count_by_code(tmp_path: Path) -> None:
    write(tmp_path, "a.voxxml", MIXED)
    write(tmp_path, "b.voxxml", MIXED.replace("numdigits='4' ", ""))
    result = run("lint", "--statistics", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "2  VX008  [*] value-clamped",
        "2  VX010  [ ] unknown-voice",
        "1  VX005  [*] unknown-attribute",
    ]
    as_json = json.loads(run("lint", "--statistics", "--output-format", "json", str(tmp_path)).stdout)
    assert as_json[0] == {"code": "VX008", "name": "value-clamped", "count": 2, "fixable": True}


def test_exit_zero_still_reports(tmp_path: Path) -> None:
    ivr = write(tmp_path, "ivr.voxxml", MIXED)
    result = run("lint", "--exit-zero", str(ivr))
    assert result.exit_code == 0 and "VX005" in result.stdout and "Found 1 error" in result.stdout


def test_quiet_prints_diagnostics_and_nothing_else(tmp_path: Path) -> None:
    ivr = write(tmp_path, "ivr.voxxml", MIXED)
    result = run("lint", "--quiet", "--output-format", "concise", str(ivr))
    assert result.exit_code == 1
    assert [line.split(": ")[1].split()[0] for line in result.stdout.splitlines()] == ["VX005", "VX008", "VX010"]
    fixed = run("lint", "--quiet", "--fix", str(ivr))
    assert "Fixed" not in fixed.stdout + fixed.stderr and "Found" not in fixed.stdout
    assert run("lint", "-q", str(write(tmp_path, "good.voxxml", GOOD))).stdout == ""


def test_show_fixes_lists_the_fixes_applied_by_file_and_code(tmp_path: Path) -> None:
    ivr = write(tmp_path, "ivr.voxxml", MIXED)
    result = run("lint", "--fix", "--show-fixes", str(ivr))
    lines = result.stdout.splitlines()
    at = lines.index("Fixed 2 problems.")
    assert lines[at + 1 :] == [f"- {ivr}:", "    1 × VX005 (unknown-attribute)", "    1 × VX008 (value-clamped)"]
    assert "numDigits='4' timeout='60'" in ivr.read_text(encoding="utf-8")


def test_output_format_is_the_option_and_format_its_alias(tmp_path: Path) -> None:
    ivr = write(tmp_path, "ivr.voxxml", MIXED)
    assert run("lint", "--output-format", "json", str(ivr)).stdout == run("lint", "--format", "json", str(ivr)).stdout
    assert "--output-format" in run("lint", "--help").stdout


def test_watch_lints_again_when_a_file_changes(tmp_path: Path) -> None:
    ivr = write(tmp_path, "ivr.voxxml", GOOD)
    env = {**os.environ, "VOXXML_WATCH_ROUNDS": "2", "VOXXML_WATCH_INTERVAL": "0.05", "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "voxxml", "lint", "--watch", "--output-format", "concise", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("All checks passed: 1 file")
        time.sleep(0.1)  # a later modification time, even on coarse-grained file systems
        ivr.write_text(MIXED, encoding="utf-8")
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0
    assert f"{ivr}:2:11: VX005" in out and "Found 1 error and 2 warnings in 1 of 1 file." in out
    assert "Watching for file changes" in err and "File change detected" in err


# ------------------------------------------------------------------ voxxml rule


@pytest.mark.parametrize("key", ["VX102", "vx102", "unreachable", "UNREACHABLE"])
def test_rule_by_code_or_name_in_any_case(key: str) -> None:
    result = run("rule", key)
    assert result.exit_code == 0
    assert result.stdout.startswith("# VX102 unreachable\n")


def test_rule_unknown_name_suggests_the_nearest() -> None:
    result = run("rule", "unreachable-verb")
    assert result.exit_code == 2
    assert "unknown rule 'unreachable-verb'; did you mean 'unreachable' (VX102)?" in result.stderr


def test_rule_as_json() -> None:
    page = json.loads(run("rule", "VX005", "--output-format", "json").stdout)
    assert page["code"] == "VX005" and page["name"] == "unknown-attribute" and page["severity"] == "error"
    assert "## " in page["explanation"] and page["fix"] == rules()["VX005"].fix
    listing = json.loads(run("rule", "--list", "--output-format", "json").stdout)
    assert [entry["code"] for entry in listing] == list(rules())


def test_rule_list_fits_80_columns_without_trailing_spaces() -> None:
    lines = run("rule", "--list").stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert not [line for line in lines if line != line.rstrip()]
    for entry in rules().values():
        assert any(line.split()[:2] == [entry.code, entry.name] for line in lines)


def test_rule_page_piped_has_no_trailing_spaces() -> None:
    for code in rules():
        text = run("rule", code).stdout
        assert not [line for line in text.splitlines() if line != line.rstrip()], code


# ------------------------------------------------------------------ NO_COLOR everywhere


def _commands(tmp_path: Path) -> list[list[str]]:
    bad = write(tmp_path, "bad.voxxml", MIXED)
    raw = write(tmp_path, "raw.voxxml", "<Response><Hangup></Hangup></Response>")
    simple = str(ROOT / "examples" / "simple-ivr.voxxml")
    return [
        ["lint", str(bad)],
        ["lint", "--statistics", str(bad)],
        ["lint", "--diff", str(bad)],
        ["format", "--diff", str(raw)],
        ["format", "--check", str(raw)],
        ["rule", "VX102"],
        ["rule", "--list"],
        ["simulate", str(bad)],
        ["simulate", simple],
        ["compile", "--target", "enablex", str(bad)],
        ["graph", simple],
        ["schema"],
        ["lint", "--help"],
        ["--version"],
    ]


def test_no_color_is_honoured_by_every_command(tmp_path: Path) -> None:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS")}

    def both(command: list[str]) -> tuple[subprocess.CompletedProcess[bytes], subprocess.CompletedProcess[bytes]]:
        argv = [sys.executable, "-m", "voxxml", *command]
        forced = subprocess.run(argv, capture_output=True, env={**base, "FORCE_COLOR": "1"}, timeout=120)
        plain = subprocess.run(argv, capture_output=True, env={**base, "FORCE_COLOR": "1", "NO_COLOR": "1"}, timeout=120)
        return forced, plain

    commands = _commands(tmp_path)
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(both, commands))
    coloured = 0
    for command, (forced, plain) in zip(commands, runs):
        coloured += b"\x1b[" in forced.stdout + forced.stderr
        assert b"\x1b[" not in plain.stdout + plain.stderr, command
        assert plain.returncode == forced.returncode, command
    assert coloured >= 3  # FORCE_COLOR does colour lint, simulate's report and rule pages: the check has teeth


# ------------------------------------------------------------------ voxxml format: quote style


@pytest.mark.parametrize(
    ("name", "config"),
    [("voxxml.toml", '[format]\nquote-style = "single"\n'), ("pyproject.toml", '[tool.voxxml.format]\nquote-style = "single"\n')],
)
def test_format_takes_the_quote_style_from_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, config: str
) -> None:
    write(tmp_path, name, config)
    ivr = write(tmp_path, "ivr.voxxml", '<Response><Say voice="Joanna">Hi</Say></Response>')
    assert run("format", str(ivr)).exit_code == 0
    assert ivr.read_text(encoding="utf-8") == "<Response>\n  <Say voice='Joanna'>Hi</Say>\n</Response>\n"
    assert run("format", "--isolated", "--check", str(ivr)).exit_code == 1  # the default is double quotes
    piped = run("format", "-", "--stdin-filename", str(ivr), stdin='<Response><Say voice="Ivy">x</Say></Response>')
    assert piped.stdout == "<Response>\n  <Say voice='Ivy'>x</Say>\n</Response>\n"
    monkeypatch.chdir(tmp_path)  # without --stdin-filename: the configuration of '.'
    assert run("format", "-", stdin='<Response><Say voice="Ivy">x</Say></Response>').stdout == piped.stdout


def test_format_preserve_keeps_each_attributes_quote(tmp_path: Path) -> None:
    write(tmp_path, "voxxml.toml", '[format]\nquote-style = "preserve"\n')
    ivr = write(tmp_path, "ivr.voxxml", "<Response><Say voice='Joanna' loop=\"2\">Hi</Say></Response>")
    run("format", str(ivr))
    assert ivr.read_text(encoding="utf-8") == "<Response>\n  <Say loop=\"2\" voice='Joanna'>Hi</Say>\n</Response>\n"


def test_fix_from_stdin_with_nothing_to_fix_writes_the_document_unchanged() -> None:
    document = "<Response><Say loop='-1'>x</Say></Response>\n"  # an error without a fix
    result = run("lint", "--fix", "-", stdin=document)
    assert result.exit_code == 0 and result.stdout == document  # the document, not a report


def test_config_key_value_settings_win_over_every_file(tmp_path: Path) -> None:
    write(tmp_path, "voxxml.toml", 'ignore = ["VX010"]\n[format]\nquote-style = "single"\n')
    ivr = write(tmp_path, "ivr.voxxml", MIXED)
    lint = ("lint", "--output-format", "json")
    assert codes(run(*lint, "--config", "ignore = []", str(ivr))) == ["VX005", "VX008", "VX010"]
    assert codes(run(*lint, "--config", "select=['VX008']", "--config", "fail-on='warning'", str(ivr))) == ["VX008"]
    assert run(*lint, "--config", "select=['VX008']", "--config", "fail-on='warning'", str(ivr)).exit_code == 1
    other = write(tmp_path, "other.toml", 'select = ["VX005", "VX010"]\n')
    assert codes(run(*lint, "--config", str(other), "--config", "ignore=['VX005']", str(ivr))) == ["VX010"]
    assert codes(run(*lint, "--isolated", "--config", "ignore=['VX0']", str(ivr))) == []
    typo = run(*lint, "--config", "selct=['VX008']", str(ivr))
    assert typo.exit_code == 2 and "--config: unknown key 'selct'; did you mean 'select'?" in typo.stderr
    broken = run(*lint, "--config", "select = [", str(ivr))
    assert broken.exit_code == 2 and "not a TOML KEY = VALUE pair" in broken.stderr
    raw = write(tmp_path, "raw.voxxml", '<Response><Say voice="Ivy">x</Say></Response>')
    run("format", "--config", "format.quote-style = 'preserve'", str(raw))
    assert raw.read_text(encoding="utf-8") == '<Response>\n  <Say voice="Ivy">x</Say>\n</Response>\n'


def test_watch_refuses_standard_input() -> None:
    result = run("lint", "--watch", "-", stdin=GOOD)
    assert result.exit_code == 2 and "--watch cannot lint standard input" in result.stderr
