"""``voxxml compile DIR -o OUTDIR`` without click (cli/compiling.py's ``try_compile``): the same values as
the click command, or click decides.

The compile command's options are also declared as data (cli/compile_options.py), which the fast parser
reads. These tests hold the table to the click command: the same options and flags; for every argument
list the fast parser accepts, click gives the command the same values; what only click may judge (help,
usage errors, one FILE, --base-url) is left to it; and the console entry point compiles directories
without importing click, with the same plans, output and exit status as the click command.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import support
from voxxml.cli.compile import compile_command
from voxxml.cli.compile_options import COMPILE, LOOP_CAP, parse_compile

from support import write

WARNS = "<Response><Gather numDigits='1'><Say>Press 1</Say></Gather><Say>Bye</Say></Response>\n"  # EX204
ERRORS = "<Response>\n  <Gather numdigits='4'><Say>PIN</Say></Gather>\n</Response>\n"  # VX005: no plan
EXACT = "<Response><Say>Hi</Say><Hangup/></Response>\n"


def click_values(args: list[str], environ: dict[str, str] | None = None) -> tuple[tuple[str, ...], dict[str, object]] | None:
    return support.click_values(compile_command, args, environ)


PLAIN = [
    ["--target", "enablex", "ivr", "-o", "plans"],
    ["ivr", "--target=enablex", "--output=plans"],
    ["--target", "enablex", "a.voxxml", "b.voxxml", "-o", "out", "--strict"],
    ["--target", "enablex", "ivr", "-o", "out", "--allow-approximate", "--format", "steps"],
    ["--target", "enablex", "ivr", "-o", "out", "--output-format=json", "--loop-cap", "3", "--loop-cap=007"],
    ["--target", "enablex", "ivr", "-o", "out", "-j", "2", "--dialect", "voxxml-v1"],
    ["--target", "enablex", "--jobs=0", "ivr", "-"],
    ["--target", "enablex", "ivr", "-j4", "-oplans"],  # short options with their values run together, as click reads them
    ["--target", "enablex", "ivr"],  # no -o: compile_paths says so (a usage error of its own)
    ["--strict", "--allow-approximate", "--target", "enablex", "ivr", "-o", "out"],  # likewise
]

LEFT_TO_CLICK = [
    ["--help"],
    ["--target", "enablex"],  # no path: required
    ["ivr", "-o", "out"],  # no --target: required
    ["--target", "nope", "ivr"],
    ["--target", "enablex", "ivr", "--format", "text"],
    ["--target", "enablex", "ivr", "--loop-cap", "0"],
    ["--target", "enablex", "ivr", "--loop-cap", "x"],
    ["--target", "enablex", "ivr", "--base-url", "https://example.com/ivr/"],  # click's callback checks it
    ["--target", "enablex", "ivr", "-o", "-"],
    ["--target", "enablex", "ivr", "-j=4"],  # click gives -j the value "=4"
    ["--target", "enablex", "ivr", "-o=x"],
    ["--target", "enablex", "ivr", "--strict=yes"],
    ["--target", "enablex", "--", "-ivr"],
]


@pytest.mark.parametrize("args", PLAIN, ids=repr)
def test_plain_argument_lists_give_what_click_gives(args: list[str]) -> None:
    fast = parse_compile(args, {})
    assert fast is not None
    assert fast == click_values(args)


@pytest.mark.parametrize("args", LEFT_TO_CLICK, ids=repr)
def test_anything_unusual_is_left_to_click(args: list[str]) -> None:
    assert parse_compile(args, {}) is None


def test_jobs_from_the_environment_as_click_reads_it() -> None:
    args = ["--target", "enablex", "ivr", "-o", "out"]
    assert parse_compile(args, {"VOXXML_JOBS": "3"}) == click_values(args, {"VOXXML_JOBS": "3"})
    assert parse_compile(["-j", "2", *args], {"VOXXML_JOBS": "3"}) == click_values(["-j", "2", *args], {"VOXXML_JOBS": "3"})
    for odd in ("", "x", "-1", " 3"):
        assert parse_compile(args, {"VOXXML_JOBS": odd}) is None


def test_every_option_of_the_click_command_is_in_the_table() -> None:
    names = {parameter.name for parameter in compile_command.params} - {"paths"}
    assert names == {option.name for option in COMPILE}
    flags = {flag for parameter in compile_command.params for flag in parameter.opts if flag.startswith("-")}
    assert flags == {flag for option in COMPILE for flag in option.flags}


def test_the_loop_cap_default_is_the_simulators() -> None:
    from voxxml.cli.commands import LOOP_CAP as CLICK_LOOP_CAP
    from voxxml.runtime.simulator import DEFAULT_LOOP_CAP

    assert LOOP_CAP == CLICK_LOOP_CAP == DEFAULT_LOOP_CAP


_FLAGS = [flag for option in COMPILE for flag in option.flags]
_VALUES = ["enablex", "json", "steps", "text", "0", "1", "12", "-1", "x", "", "-", "voxxml-v1", "ivr", "a.voxxml", "https://e.com/", "=", "a=b"]
_TOKENS = st.one_of(
    st.sampled_from(_FLAGS),
    st.sampled_from(_VALUES),
    st.builds(lambda flag, value: f"{flag}={value}", st.sampled_from(_FLAGS), st.sampled_from(_VALUES)),
    st.sampled_from(["-h", "--help", "--", "-j4", "--targe", "-oout", "-o=x", "-j=4", "-jo", "-oj", "-j2o"]),
    st.text(min_size=0, max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TOKENS, max_size=8), st.booleans())
def test_generated_argument_lists_the_fast_parser_takes_give_what_click_gives(args: list[str], targeted: bool) -> None:
    if targeted:  # most lists without --target are left to click; give half of them one
        args = ["--target", "enablex", *args]
    fast = parse_compile(args, {})
    if fast is not None:
        assert fast == click_values(args)


# ---------------------------------------------------------------------- the entry point


def _run(cwd: Path, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


_FAST = "import sys\nfrom voxxml.cli import main\ntry:\n    main(sys.argv[1:])\nfinally:\n    print('CLICK' if 'click' in sys.modules else 'FAST', file=sys.stderr)\n"
_CLICK = "import sys\nfrom voxxml.cli.commands import main\ntry:\n    main(sys.argv[1:])\nfinally:\n    print('CLICK', file=sys.stderr)\n"


def _tree(root: Path) -> None:
    for index in range(5):
        write(root / "src", f"f{index}.voxxml", [EXACT, WARNS, ERRORS][index % 3])
    write(root / "src", "sub/menu.voxxml", WARNS)
    write(root / "src", "sub/menu.twiml", "<Response><Say>Hi</Say></Response>\n")  # a clash: exit 2


def _plans(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize(
    "args",
    [
        ["src", "-o", "OUT"],
        ["-j", "2", "--strict", "src", "-o", "OUT"],
        ["--allow-approximate", "--format", "steps", "src/f1.voxxml", "src/sub", "-o", "OUT"],
        ["--loop-cap", "2", "src/f0.voxxml", "missing.voxxml", "-o", "OUT"],
        ["src"],  # no -o
        ["--strict", "--allow-approximate", "src", "-o", "OUT"],
        ["src", "-o", "src/f0.voxxml"],  # not a folder
    ],
    ids=" ".join,
)
def test_the_entry_point_compiles_without_click_as_click_does(tmp_path: Path, args: list[str]) -> None:
    _tree(tmp_path)
    fast = _run(tmp_path, _FAST, "compile", "--target", "enablex", *[a.replace("OUT", "fast") for a in args])
    slow = _run(tmp_path, _CLICK, "compile", "--target", "enablex", *[a.replace("OUT", "slow") for a in args])
    assert fast.stderr.endswith("FAST\n"), fast.stderr
    assert (fast.returncode, fast.stdout, fast.stderr.removesuffix("FAST\n")) == (slow.returncode, slow.stdout, slow.stderr.removesuffix("CLICK\n").replace("slow", "fast"))
    assert _plans(tmp_path / "fast") == _plans(tmp_path / "slow")


def test_one_file_help_and_usage_errors_still_come_from_click(tmp_path: Path) -> None:
    _tree(tmp_path)
    one = _run(tmp_path, _FAST, "compile", "--target", "enablex", "src/f0.voxxml")
    assert one.returncode == 0 and one.stdout.startswith("{") and one.stderr.endswith("CLICK\n")
    done = _run(tmp_path, _FAST, "compile", "--target", "nope", "src", "-o", "out")
    assert done.returncode == 2 and "Invalid value for '--target'" in done.stderr and done.stderr.endswith("CLICK\n")
    done = _run(tmp_path, _FAST, "compile", "--help")
    assert done.returncode == 0 and "Usage:" in done.stdout


def test_the_console_process_compiles_and_ends_with_its_output_flushed(tmp_path: Path) -> None:
    """``python -m voxxml compile DIR -o OUT`` ends with os._exit (cli/fast.py's ``end``): the same output,
    plans and status as the click command, every line flushed to the pipe, the workers' output included."""
    _tree(tmp_path)
    for index in range(12):
        write(tmp_path / "src", f"many/g{index:02}.voxxml", [EXACT, WARNS][index % 2])
    for extra in ([], ["--strict"], ["--loop-cap", "3", "--format", "steps"]):
        whole = subprocess.run([sys.executable, "-m", "voxxml", "compile", "--target", "enablex", "-j", "2", *extra, "src", "-o", "fast"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
        slow = _run(tmp_path, _CLICK, "compile", "--target", "enablex", "-j", "2", *extra, "src", "-o", "slow")
        assert (whole.returncode, whole.stdout, whole.stderr) == (slow.returncode, slow.stdout, slow.stderr.removesuffix("CLICK\n").replace("slow", "fast"))
        assert whole.returncode == 2 and " of 18 files into fast" in whole.stderr.splitlines()[-1]  # the clash: exit 2
        assert _plans(tmp_path / "fast") == _plans(tmp_path / "slow")
