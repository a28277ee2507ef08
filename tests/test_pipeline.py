"""The one pipeline (read → check → compile → finalize): `voxxml compile` honours the
configuration and inline suppressions exactly as `voxxml lint` does, and a target's
suppression is judged unused only by a run that compiled for that target."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result

from voxxml.core.catalog import Severity
from voxxml.config import Settings
from voxxml.lint import lint_bytes
from voxxml.lsp.analysis import lint_text
from voxxml.pipeline import check, run
from voxxml.targets import UnknownTarget, get_target
from voxxml.targets.enablex import compile_document

from support import ALL_EXAMPLES
from support import run as cli  # voxxml ARGS, in process

# EX204 (warning): EnableX's play has no numDigits.
GATHER = "<Response>\n  <Gather numDigits='4'><Say>PIN</Say></Gather>\n  <Hangup/>\n</Response>\n"
SUPPRESSED = "<Response>\n  <!-- voxxml: ignore EX204 no digit limit needed -->\n  <Gather numDigits='4'><Say>PIN</Say></Gather>\n  <Hangup/>\n</Response>\n"
FILE_SUPPRESSED = "<!-- voxxml: file-ignore EX204 -->\n" + GATHER
# EX211 (error): EnableX does not fetch http audio, so no plan is written.
HTTP_PLAY = "<Response>\n  <Play>http://example.com/hello.mp3</Play>\n</Response>\n"
# An EX204 suppression with nothing to suppress: no Gather follows it.
UNUSED_EX = "<Response>\n  <!-- voxxml: ignore EX204 -->\n  <Say>Hi</Say>\n</Response>\n"


def project(tmp_path: Path, config: str | None, **files: str) -> dict[str, str]:
    """Files (name -> text) in a folder with ``config`` as its voxxml.toml; their paths."""
    if config is not None:
        (tmp_path / "voxxml.toml").write_text(config, encoding="utf-8")
    paths = {}
    for name, text in files.items():
        path = tmp_path / f"{name}.voxxml"
        path.write_text(text, encoding="utf-8")
        paths[name] = str(path)
    return paths


def codes(stderr: str) -> list[str]:
    """The codes the text reporter printed, in order."""
    return re.findall(r"^\S+:\d+:\d+: ([A-Z]{2}[0-9]{3}) ", stderr, re.M)


def compile_cli(path: str, *options: str) -> Result:
    return cli("compile", "--target", "enablex", path, *options)


# ------------------------------------------------------------- compile, as lint does


def test_compile_without_configuration_reports_the_approximation(tmp_path: Path) -> None:
    paths = project(tmp_path, None, a=GATHER)
    result = compile_cli(paths["a"])
    assert result.exit_code == 0
    assert "EX204 <Gather> numDigits" in result.stderr
    assert json.loads(result.stdout)["format"]


def test_compile_honours_ignore(tmp_path: Path) -> None:
    paths = project(tmp_path, 'ignore = ["EX204"]\n', a=GATHER)
    result = compile_cli(paths["a"])
    assert result.exit_code == 0
    assert "EX204" not in result.stderr and result.stderr == ""
    assert json.loads(result.stdout)["start"]


def test_compile_honours_an_ignored_prefix(tmp_path: Path) -> None:
    paths = project(tmp_path, 'ignore = ["EX2"]\n', a=HTTP_PLAY)
    result = compile_cli(paths["a"])
    assert result.exit_code == 0, result.stderr  # EX211 is an error unless ignored
    assert "EX211" not in result.stderr


def test_compile_honours_per_file_ignores(tmp_path: Path) -> None:
    paths = project(tmp_path, '[per-file-ignores]\n"a.voxxml" = ["EX204"]\n', a=GATHER, b=GATHER)
    ignored, reported = compile_cli(paths["a"]), compile_cli(paths["b"])
    assert ignored.exit_code == reported.exit_code == 0
    assert "EX204" not in ignored.stderr
    assert "EX204" in reported.stderr
    assert ignored.stdout.replace("a.voxxml", "b.voxxml") == reported.stdout  # the same plan either way


def test_compile_honours_a_severity_that_raises_a_warning(tmp_path: Path) -> None:
    paths = project(tmp_path, '[severity]\nEX204 = "error"\n', a=GATHER)
    result = compile_cli(paths["a"])
    assert result.exit_code == 1
    assert result.stdout == ""  # no plan when an approximation is an error
    assert "Found 1 error in 1 of 1 file." in result.stderr


def test_compile_honours_a_severity_that_lowers_an_error(tmp_path: Path) -> None:
    paths = project(tmp_path, '[severity]\nEX211 = "warning"\n', a=HTTP_PLAY)
    result = compile_cli(paths["a"])
    assert result.exit_code == 0
    assert "EX211" in result.stderr and "Found 1 warning in 1 of 1 file." in result.stderr
    assert json.loads(result.stdout)["states"]


def test_without_the_severity_setting_the_error_stops_the_plan(tmp_path: Path) -> None:
    paths = project(tmp_path, None, a=HTTP_PLAY)
    result = compile_cli(paths["a"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "EX211" in result.stderr


def test_command_line_strictness_wins_over_the_configured_severity(tmp_path: Path) -> None:
    """--strict and --allow-approximate are the command line: they beat the configuration's severity."""
    paths = project(tmp_path, '[severity]\nEX204 = "warning"\nEX211 = "error"\n', a=GATHER, b=HTTP_PLAY)
    assert compile_cli(paths["a"], "--strict").exit_code == 1
    allowed = compile_cli(paths["b"], "--allow-approximate")
    assert allowed.exit_code == 0 and "Found 1 warning" in allowed.stderr


def test_strict_does_not_bring_back_an_ignored_code(tmp_path: Path) -> None:
    paths = project(tmp_path, 'ignore = ["EX204"]\n', a=GATHER)
    result = compile_cli(paths["a"], "--strict")
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize("text", [SUPPRESSED, FILE_SUPPRESSED], ids=["ignore", "file-ignore"])
def test_compile_honours_an_inline_suppression(tmp_path: Path, text: str) -> None:
    paths = project(tmp_path, None, a=text)
    result = compile_cli(paths["a"])
    assert result.exit_code == 0
    assert result.stderr == ""  # no EX204, and the suppression is used (no VX112)
    strict = compile_cli(paths["a"], "--strict")
    assert strict.exit_code == 0 and strict.stderr == ""  # a suppressed error does not stop the plan


def test_an_inline_suppression_silences_only_the_element_that_follows(tmp_path: Path) -> None:
    text = SUPPRESSED.replace("  <Hangup/>\n", "  <Gather finishOnKey='*'><Say>Again</Say></Gather>\n  <Hangup/>\n")
    paths = project(tmp_path, None, a=text)
    result = compile_cli(paths["a"])
    assert result.exit_code == 0
    assert codes(result.stderr) == ["EX204"]
    assert f"{paths['a']}:4:4: EX204 <Gather> finishOnKey" in result.stderr


# ------------------------------------------------------------- unused suppressions (VX112)


def test_lint_does_not_judge_a_suppression_of_a_target_code(tmp_path: Path) -> None:
    """Decision: a lint runs no target, so it cannot know whether an EX suppression is used;
    it reports no VX112 for it, with or without the construct it names."""
    paths = project(tmp_path, None, unused=UNUSED_EX, used=SUPPRESSED)
    for path in paths.values():
        result = cli("lint", "--output-format", "json", path)
        assert result.exit_code == 0
        assert json.loads(result.stdout) == []


def test_compile_reports_an_unused_suppression_of_its_own_code(tmp_path: Path) -> None:
    paths = project(tmp_path, None, a=UNUSED_EX)
    result = compile_cli(paths["a"])
    assert result.exit_code == 0
    assert codes(result.stderr) == ["VX112"]
    assert "suppression of EX204 suppresses nothing: there is no EX204 in the element that follows" in result.stderr


def test_a_document_not_compiled_gets_no_verdict_on_target_suppressions(tmp_path: Path) -> None:
    broken = UNUSED_EX.replace("<Say>Hi</Say>", "<Say voice='Nobody'>Hi</Say><Bogus/>")
    paths = project(tmp_path, None, a=broken)
    result = compile_cli(paths["a"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "VX112" not in result.stderr


def test_lint_still_reports_an_unknown_code_and_an_unused_vx_code(tmp_path: Path) -> None:
    text = "<Response>\n  <!-- voxxml: ignore EX999 VX103 EX204 -->\n  <Say>Hi</Say>\n</Response>\n"
    findings = lint_bytes(text.encode(), "a.voxxml").diagnostics
    assert [d.code for d in findings] == ["VX112", "VX112"]
    unknown, unused = sorted((d.message for d in findings), key=lambda message: "unknown" not in message)
    assert unknown.startswith("suppression of unknown code EX999 suppresses nothing; known codes: ")
    assert unused == "suppression of VX103 suppresses nothing: there is no VX103 in the element that follows"


def test_the_unused_suppression_setting_applies_to_compile_too(tmp_path: Path) -> None:
    paths = project(tmp_path, 'ignore = ["VX112"]\n', a=UNUSED_EX)
    result = compile_cli(paths["a"])
    assert result.exit_code == 0 and result.stderr == ""


# ------------------------------------------------------------- the pipeline's API


def test_run_with_a_target_holds_the_targets_plan_and_findings() -> None:
    result = run(GATHER.encode(), "a.voxxml", Settings(), "enablex", loop_cap=3)
    alone = lint_bytes(GATHER.encode(), "a.voxxml")
    assert alone.document is not None
    compilation = compile_document(alone.document, "a.voxxml", 3)
    assert result.target == "enablex"
    assert result.output == compilation.plan
    assert [d.code for d in result.diagnostics] == [d.code for d in compilation.diagnostics] == ["EX204"]
    assert all(d.path == "a.voxxml" for d in result.diagnostics)


def test_run_without_a_target_is_the_lint() -> None:
    result = run(SUPPRESSED.encode(), "a.voxxml")
    assert result.output is None and result.target is None
    assert result.diagnostics == lint_bytes(SUPPRESSED.encode(), "a.voxxml").diagnostics == []


def test_a_document_with_errors_is_not_compiled() -> None:
    data = b"<Response><Say voice='Nobody'>Hi</Say><Bogus/></Response>"
    result = run(data, "a.voxxml", None, "enablex")
    assert result.output is None and result.target is None and result.error_count
    assert all(d.code.startswith("VX") for d in result.diagnostics)


def test_a_configured_severity_can_stop_the_compile_step() -> None:
    settings = Settings(severity={"VX010": Severity.ERROR})
    data = b"<Response><Say voice='Nobody'>Hi</Say></Response>"
    assert run(data, "a.voxxml", Settings(), "enablex").output is not None
    assert run(data, "a.voxxml", settings, "enablex").output is None


def test_an_unknown_target_is_a_value_error_naming_the_known_ones() -> None:
    with pytest.raises(UnknownTarget, match="enablex"):
        run(GATHER.encode(), "a.voxxml", None, "nowhere")


def test_the_language_server_does_not_judge_target_suppressions() -> None:
    assert lint_text(UNUSED_EX, "a.voxxml", Settings()) == []


def test_the_lint_path_imports_no_target() -> None:
    program = (
        "import sys\n"
        "from voxxml.lint import lint_bytes\n"
        "from voxxml.lsp.analysis import lint_text\n"
        "from voxxml.config import Settings\n"
        f"lint_bytes({SUPPRESSED!r}.encode(), 'a.voxxml')\n"
        f"lint_text({SUPPRESSED!r}, 'a.voxxml', Settings())\n"
        "print(sorted(m for m in sys.modules if m.startswith(('voxxml.targets', 'voxxml.runtime.simulator'))))\n"
    )
    output = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


# ------------------------------------------------------------- simulate and graph, too

UNKNOWN_VOICE = "<Response>\n  <Say voice='Nobody'>Hi</Say>\n  <Hangup/>\n</Response>\n"


@pytest.mark.parametrize("command", ["simulate", "graph"])
def test_simulate_and_graph_stop_on_an_error_the_configuration_makes(tmp_path: Path, command: str) -> None:
    paths = project(tmp_path, '[severity]\nVX010 = "error"\n', a=UNKNOWN_VOICE)
    stopped = cli(command, paths["a"])
    assert stopped.exit_code == 1 and stopped.stdout == ""
    assert "VX010" in stopped.stderr


@pytest.mark.parametrize("command", ["simulate", "graph"])
def test_simulate_and_graph_honour_an_inline_suppression(tmp_path: Path, command: str) -> None:
    text = UNKNOWN_VOICE.replace("  <Say", "  <!-- voxxml: ignore VX010 a custom voice -->\n  <Say")
    paths = project(tmp_path, '[severity]\nVX010 = "error"\n', a=text)
    result = cli(command, paths["a"])
    assert result.exit_code == 0 and result.stdout
    assert result.stderr == ""


# ------------------------------------------------------------- a property over the examples

WELL_FORMED = [path for path in ALL_EXAMPLES if check(path.read_bytes(), str(path)).document is not None]


@pytest.mark.parametrize("path", WELL_FORMED, ids=lambda p: p.name)
def test_a_file_ignore_of_a_target_code_removes_exactly_that_code(path: Path) -> None:
    """For every example and every EnableX code: a file-ignore comment after the root leaves
    the lint and the plan as they were, removes exactly that code from compile's findings,
    and adds one VX112 when the code was not there to suppress."""
    data = path.read_bytes()
    base_lint = run(data, str(path))
    base = run(data, str(path), None, "enablex")
    for code in get_target("enablex").codes:
        commented = data + f"<!-- voxxml: file-ignore {code} -->\n".encode()
        assert run(commented, str(path)).diagnostics == base_lint.diagnostics, code
        compiled = run(commented, str(path), None, "enablex")
        if base.output is None:  # not compiled: lint errors
            assert compiled.output is None and compiled.diagnostics == base.diagnostics, code
            continue
        assert compiled.output == base.output, code
        kept = [d for d in base.diagnostics if d.code != code]
        unused = [d.code for d in compiled.diagnostics if d.code == "VX112" and d not in base.diagnostics]
        assert [d for d in compiled.diagnostics if d.code != "VX112" or d in base.diagnostics] == kept, code
        assert unused == ([] if code in {d.code for d in base.diagnostics} else ["VX112"]), code
