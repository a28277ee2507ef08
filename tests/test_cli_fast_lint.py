"""``voxxml lint`` without click (cli/fast.py): the same settings as the click command, or click decides.

The lint command's options are declared once (cli/lint_options.py); click's command and the fast parser
are both made from that table. These tests hold them to it: for every argument list the fast parser
accepts, click, given the same list, gives the command the same values; a list that only click may judge
(help, usage errors, unusual forms) is left to it; and the console entry point lints without importing
click, with the same output and exit status as the click command.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import support
from voxxml.cli.commands import lint as lint_command
from voxxml.cli.lint_options import LINT, parse


def click_values(args: list[str], environ: dict[str, str] | None = None) -> tuple[tuple[str, ...], dict[str, object]] | None:
    return support.click_values(lint_command, args, environ)


PLAIN = [
    [],
    ["a.voxxml"],
    ["a.voxxml", "dir", "-"],
    ["--output-format", "json", "a.voxxml"],
    ["--format=concise", "a.voxxml"],
    ["a.voxxml", "--format", "sarif", "--format", "text"],
    ["--select", "VX1,VX002", "--select", "vx003", "--extend-select", "VX2", "--ignore", "VX101"],
    ["--config", "voxxml.toml", "--config", "line-length = 3", "--isolated", "--force-exclude"],
    ["--stdin-filename", "x.voxxml", "-"],
    ["--fail-on", "warning", "--exit-zero", "--context", "call"],
    ["--fix", "--unsafe-fixes", "--show-fixes", "--diff", "--statistics"],
    ["--max-diagnostics", "0", "--max-diagnostics=007", "--voxxml-only", "-q", "-v", "--quiet"],
    ["-j", "4", "x"],
    ["-j4", "x"],  # short options run together, as click reads them
    ["-qv", "-qj", "2", "x", "-vj0"],
    ["--jobs=0", "--dialect", "voxxml-v1", "x"],
    ["", "a b", "ünïcode.voxxml"],
]

LEFT_TO_CLICK = [
    ["--help"],
    ["-h"],
    ["--format", "nope"],
    ["--format"],
    ["--bogus"],
    ["-j", "-1"],
    ["-j-1"],
    ["-j=4"],  # click gives -j the value "=4"
    ["-qz"],
    ["-qh"],
    ["-qw", "x"],
    ["--max-diagnostics", "x"],
    ["--max-diagnostics", "+3"],
    ["--fix=yes"],
    ["--", "-a.voxxml"],
    ["--stdin-filename", "-x"],
    ["--dialect", "nope"],
    ["--fail-on", "ERROR"],
    ["-w", "x"],  # --watch: click's command runs the watcher
]


@pytest.mark.parametrize("args", PLAIN, ids=repr)
def test_plain_argument_lists_give_what_click_gives(args: list[str]) -> None:
    fast = parse(LINT, args, {})
    assert fast is not None
    assert fast == click_values(args)


@pytest.mark.parametrize("args", LEFT_TO_CLICK, ids=repr)
def test_anything_unusual_is_left_to_click(args: list[str]) -> None:
    from voxxml.cli.fast import try_lint

    try_lint(["lint", *args])  # returns instead of linting


def test_jobs_from_the_environment_as_click_reads_it() -> None:
    assert parse(LINT, ["x"], {"VOXXML_JOBS": "3"}) == click_values(["x"], {"VOXXML_JOBS": "3"})
    assert parse(LINT, ["-j", "2", "x"], {"VOXXML_JOBS": "3"}) == click_values(["-j", "2", "x"], {"VOXXML_JOBS": "3"})
    for odd in ("", "x", "-1", " 3"):  # click ignores, or refuses, or converts these: it decides
        assert parse(LINT, ["x"], {"VOXXML_JOBS": odd}) is None


def test_every_option_of_the_click_command_is_in_the_table() -> None:
    names = {parameter.name for parameter in lint_command.params} - {"paths"}
    assert names == {option.name for option in LINT}
    flags = {flag for parameter in lint_command.params for flag in parameter.opts if flag.startswith("-")}
    assert flags == {flag for option in LINT for flag in option.flags}


_FLAGS = [flag for option in LINT for flag in option.flags]
_VALUES = ["json", "text", "concise", "nope", "VX1,VX002", "0", "12", "-1", "x", "", "-", "warning", "error", "call", "voxxml-v1", "a.voxxml", "=", "a=b"]
_TOKENS = st.one_of(
    st.sampled_from(_FLAGS),
    st.sampled_from(_VALUES),
    st.builds(lambda flag, value: f"{flag}={value}", st.sampled_from(_FLAGS), st.sampled_from(_VALUES)),
    st.sampled_from(["-h", "--help", "--", "-qv", "-j4", "--format-x", "--watc", "-j=4", "-vj", "-jv", "-qvj12", "-j-1", "-qx"]),
    st.builds(lambda letters: "-" + letters, st.text(alphabet="qvjwh4=-", min_size=2, max_size=5)),
    st.text(min_size=0, max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TOKENS, max_size=8))
def test_generated_argument_lists_the_fast_parser_takes_give_what_click_gives(args: list[str]) -> None:
    fast = parse(LINT, args, {})
    if fast is not None:
        assert fast == click_values(args)


def _run(tmp_path: Path, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=tmp_path)


_FAST = "import sys\nfrom voxxml.cli import main\ntry:\n    main(sys.argv[1:])\nfinally:\n    print('CLICK' if 'click' in sys.modules else 'FAST', file=sys.stderr)\n"
_CLICK = "import sys\nfrom voxxml.cli.commands import main\ntry:\n    main(sys.argv[1:])\nfinally:\n    print('CLICK', file=sys.stderr)\n"


@pytest.mark.parametrize(
    "args",
    [
        ["lint", "menu.voxxml"],
        ["lint", "--output-format", "json", "menu.voxxml", "clean.voxxml"],
        ["lint", "--format=concise", "--select", "VX1", "--ignore", "VX101", "."],
        ["lint", "--statistics", "menu.voxxml"],
        ["lint", "-q", "--exit-zero", "missing.voxxml", "menu.voxxml"],
        ["lint", "--diff", "menu.voxxml"],
        ["lint", "--config", "nope = 1", "menu.voxxml"],
        ["lint", "-v", "--max-diagnostics", "1", "."],
    ],
    ids=" ".join,
)
def test_the_entry_point_lints_without_click_as_click_does(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "menu.voxxml").write_text('<Response><Say loop="-1">Hi</Say><Gather numDigits="x"/></Response>\n', encoding="utf-8")
    (tmp_path / "clean.voxxml").write_text("<Response><Say>Hi</Say></Response>\n", encoding="utf-8")
    fast = _run(tmp_path, _FAST, *args)
    slow = _run(tmp_path, _CLICK, *args)
    assert fast.stderr.endswith("FAST\n")
    assert (fast.returncode, fast.stdout, fast.stderr.removesuffix("FAST\n")) == (slow.returncode, slow.stdout, slow.stderr.removesuffix("CLICK\n"))


def test_help_and_errors_still_come_from_click(tmp_path: Path) -> None:
    done = _run(tmp_path, _FAST, "lint", "--format", "nope", "x.voxxml")
    assert done.returncode == 2 and "Invalid value for '--output-format'" in done.stderr and done.stderr.endswith("CLICK\n")
    done = _run(tmp_path, _FAST, "lint", "--help")
    assert done.returncode == 0 and "Usage:" in done.stdout


def test_the_entry_point_is_still_the_click_group() -> None:
    from click.testing import CliRunner

    from voxxml.cli import main
    from voxxml.cli.commands import main as group

    assert main.name == group.name and main.commands is group.commands
    result = CliRunner().invoke(main, ["lint", "--output-format", "json", "-"], input="<Response><Hangup/></Response>\n")
    assert result.exit_code == 0 and json.loads(result.output) == []


def test_the_console_process_ends_without_teardown_but_with_its_exit_handlers(tmp_path: Path) -> None:
    """``python -m voxxml lint`` ends with os._exit (cli/fast.py's ``end``): the same output and status,
    every line flushed to the pipe, and the exit handlers run (one saves the generated-code cache)."""
    import os

    (tmp_path / "menu.voxxml").write_text('<Response><Say loop="-1">Hi</Say></Response>\n', encoding="utf-8")
    cache = tmp_path / "cache"
    env = {**os.environ, "VOXXML_CACHE_DIR": str(cache)}
    for args, status in ((["menu.voxxml"], 1), (["--exit-zero", "menu.voxxml"], 0), (["missing.voxxml"], 2), (["--select", "XX9"], 2)):
        whole = subprocess.run([sys.executable, "-m", "voxxml", "lint", "--output-format", "concise", *args], capture_output=True, text=True, cwd=tmp_path, env=env)
        slow = _run(tmp_path, _CLICK, "lint", "--output-format", "concise", *args)
        assert (whole.returncode, whole.stdout, whole.stderr) == (status, slow.stdout, slow.stderr.removesuffix("CLICK\n"))
    assert any(entry.name.startswith("generated-4.") for entry in cache.iterdir())
