"""Configuration files, inline suppressions and --context through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import voxxml
from voxxml.config import ConfigError, Resolver

from support import json_codes as codes, run

WARNS = "<Response><Gather timeout='90'><Say>Press 1</Say></Gather><Say voice='Jonna'>Bye</Say></Response>\n"


def lint(*args: str):
    return run("lint", "--format", "json", *args)


def project(tmp_path: Path, config: str, name: str = "voxxml.toml") -> Path:
    (tmp_path / name).write_text(config, encoding="utf-8")
    ivr = tmp_path / "ivr" / "main.voxxml"
    ivr.parent.mkdir(exist_ok=True)
    ivr.write_text(WARNS, encoding="utf-8")
    return ivr


def test_no_config_reports_everything(tmp_path: Path) -> None:
    ivr = project(tmp_path, "")
    assert codes(lint(str(ivr))) == ["VX008", "VX010"]


def test_ignore_select_and_severity(tmp_path: Path) -> None:
    ivr = project(tmp_path, 'ignore = ["VX010"]\nseverity = { VX008 = "error" }\n')
    result = lint(str(ivr))
    assert codes(result) == ["VX008"] and json.loads(result.stdout)[0]["severity"] == "error"
    assert result.exit_code == 1
    ivr = project(tmp_path, 'select = ["VX01"]\n')
    assert codes(lint(str(ivr))) == ["VX010"]


def test_fail_on_from_config_and_cli_override(tmp_path: Path) -> None:
    ivr = project(tmp_path, 'fail-on = "warning"\n')
    assert lint(str(ivr)).exit_code == 1
    assert lint("--fail-on", "error", str(ivr)).exit_code == 0


def test_per_file_ignores_are_relative_to_the_config(tmp_path: Path) -> None:
    ivr = project(tmp_path, '[per-file-ignores]\n"ivr/*.voxxml" = ["VX0"]\n')
    assert codes(lint(str(ivr))) == []


def test_pyproject_tool_section_and_nearest_wins(tmp_path: Path) -> None:
    ivr = project(tmp_path, '[tool.voxxml]\nignore = ["VX008"]\n', "pyproject.toml")
    assert codes(lint(str(ivr))) == ["VX010"]
    (ivr.parent / "voxxml.toml").write_text('ignore = ["VX010"]\n')
    assert codes(lint(str(ivr))) == ["VX008"]


def test_pyproject_without_tool_section_is_passed_over(tmp_path: Path) -> None:
    ivr = project(tmp_path, 'ignore = ["VX008"]\n')
    (ivr.parent / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert codes(lint(str(ivr))) == ["VX010"]


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        ('selct = ["VX010"]\n', "unknown key 'selct'"),
        ('ignore = ["VX999"]\n', "unknown code 'VX999'"),
        ('severity = { VX010 = "fatal" }\n', "severity.VX010 = 'fatal' is not valid"),
        ('context = "room"\n', "context = 'room' is not valid"),
        ("ignore = [\n", "not valid TOML"),
    ],
)
def test_invalid_config_is_exit_two_naming_file_and_key(tmp_path: Path, config: str, needle: str) -> None:
    ivr = project(tmp_path, config)
    result = lint(str(ivr))
    assert result.exit_code == 2
    assert needle in result.stderr and "voxxml.toml" in result.stderr


def test_context_from_config_and_cli(tmp_path: Path) -> None:
    ivr = tmp_path / "conf.voxxml"
    ivr.write_text("<Response><SetMute muted='true'/><Gather><Say>x</Say></Gather></Response>")
    assert codes(lint(str(ivr))) == ["VX111"]  # SetMute on a call
    assert codes(lint("--context", "conference", str(ivr))) == ["VX111"]  # Gather in a conference
    (tmp_path / "voxxml.toml").write_text('context = "participant"\n')
    assert [r["line"] for r in json.loads(lint(str(ivr)).stdout)] == [1]
    assert "Gather" in json.loads(lint(str(ivr)).stdout)[0]["message"]


def test_exclude_applies_to_directory_walks_only(tmp_path: Path) -> None:
    ivr = project(tmp_path, 'exclude = ["ivr/*"]\n')
    assert codes(lint(str(tmp_path))) == []
    assert codes(lint(str(ivr))) == ["VX008", "VX010"]


def test_resolver_caches_and_raises_config_error(tmp_path: Path) -> None:
    (tmp_path / "voxxml.toml").write_text("bogus = 1\n")
    with pytest.raises(ConfigError, match="unknown key 'bogus'"):
        Resolver().for_path(tmp_path / "x.voxxml")


def test_inline_ignore_covers_the_next_element_and_its_subtree() -> None:
    source = (
        "<Response>\n"
        "<Gather><Say>x</Say></Gather>\n"
        "<!-- voxxml: ignore VX105 legacy menu -->\n"
        "<If variable='$GATHER' test='EQUAL' value='1|99'><Say>y</Say></If>\n"
        "<If variable='$GATHER' test='EQUAL' value='1|98'><Say>y</Say></If>\n"
        "</Response>"
    )
    diagnostics = voxxml.parse(source).diagnostics
    assert [(d.code, d.span.line) for d in diagnostics] == [("VX105", 5)]


def test_suppression_of_several_codes_reports_only_the_unused_one() -> None:
    source = "<!-- voxxml: ignore VX008, VX107 slow callers -->\n<Response><Gather timeout='90'><Say>x</Say></Gather></Response>"
    diagnostics = voxxml.parse(source).diagnostics
    assert [d.code for d in diagnostics] == ["VX112"]
    assert "VX107" in diagnostics[0].message and diagnostics[0].span.line == 1


def test_file_ignore_can_silence_unused_suppressions() -> None:
    source = "<!-- voxxml: file-ignore VX112 -->\n<!-- voxxml: ignore VX102 -->\n<Response><Hangup/></Response>"
    assert voxxml.parse(source).diagnostics == []
