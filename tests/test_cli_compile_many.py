"""`voxxml compile --target enablex DIR... -o OUTDIR`: one plan per file, the tree mirrored, per-file
diagnostics in order, exit statuses; and the plan's JSON encoder (orjson or the standard library)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from voxxml.cli import compiling as compile_cli
from voxxml.config import Resolver
from voxxml.targets.enablex import plan_schema
from voxxml.targets.enablex import target as enablex_target

from support import ROOT, examples, run, write

EXACT = """<Response>
  <Say>Welcome to Example Corp.</Say>
  <Gather><Say>For sales, press 1.</Say><Say>For support, press 2.</Say></Gather>
  <If variable='$GATHER' test='EQUAL' value='1'>
    <Number>15556667777</Number>
  </If>
  <Hangup/>
</Response>
"""
WARNS = "<Response><Gather numDigits='1'><Say>Press 1</Say></Gather><Say>Bye</Say></Response>\n"  # an EX204 warning
ERRORS = "<Response>\n  <Gather numdigits='4'><Say>PIN</Say></Gather>\n</Response>\n"  # VX005: not compiled
COMPILE = ("compile", "--target", "enablex")


def tree(root: Path) -> dict[str, Path]:
    """A small repository: nested folders, a v1 .xml file, XML that is not VoxXML, a file with errors."""
    files = {
        "main.voxxml": EXACT,
        "ivr/menu.voxxml": WARNS,
        "ivr/sales/route.xml": EXACT,
        "ivr/sales/zbroken.voxxml": ERRORS,
        "z/last.voxxml": WARNS,
        "notes/other.xml": "<config><item/></config>\n",  # not VoxXML: skipped, as lint skips it
    }
    return {name: write(root, name, text) for name, text in files.items()}


def plans(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


# ------------------------------------------------------------------------ the tree


def test_a_directory_is_mirrored_one_plan_per_file(tmp_path: Path) -> None:
    tree(tmp_path / "src")
    out = tmp_path / "plans"
    result = run(*COMPILE, str(tmp_path / "src"), "-o", str(out))
    assert result.exit_code == 1  # zbroken has errors
    assert sorted(plans(out)) == ["ivr/menu.json", "ivr/sales/route.json", "main.json", "z/last.json"]
    for text in plans(out).values():
        assert json.loads(text)["format"] == "voxxml.enablex-plan"
    assert result.stdout == ""


def test_each_plan_is_byte_identical_to_compiling_the_file_alone(tmp_path: Path) -> None:
    files = tree(tmp_path / "src")
    out = tmp_path / "plans"
    run(*COMPILE, str(tmp_path / "src"), "-o", str(out))
    for name in ("main.voxxml", "ivr/menu.voxxml", "ivr/sales/route.xml", "z/last.voxxml"):
        plan = (out / name).with_suffix(".json").read_bytes()
        alone = run(*COMPILE, str(files[name]))
        assert alone.exit_code == 0
        assert plan == alone.stdout_bytes
        single = tmp_path / "single.json"
        assert run(*COMPILE, str(files[name]), "-o", str(single)).exit_code == 0
        assert plan == single.read_bytes()


def test_steps_format_writes_txt_files_equal_to_the_single_file_table(tmp_path: Path) -> None:
    files = tree(tmp_path / "src")
    out = tmp_path / "steps"
    run(*COMPILE, "--format", "steps", str(tmp_path / "src" / "ivr"), "-o", str(out))
    assert sorted(plans(out)) == ["menu.txt", "sales/route.txt"]
    assert (out / "menu.txt").read_bytes() == run(*COMPILE, "--format", "steps", str(files["ivr/menu.voxxml"])).stdout_bytes


def test_several_inputs_are_mirrored_below_their_deepest_common_folder(tmp_path: Path) -> None:
    files = tree(tmp_path / "src")
    out = tmp_path / "plans"
    result = run(*COMPILE, str(files["ivr/menu.voxxml"]), str(tmp_path / "src" / "z"), str(files["ivr/sales/route.xml"]), "-o", str(out))
    assert result.exit_code == 0
    assert sorted(plans(out)) == ["ivr/menu.json", "ivr/sales/route.json", "z/last.json"]
    two = tmp_path / "two"
    assert run(*COMPILE, str(files["ivr/menu.voxxml"]), str(files["main.voxxml"]), "-o", str(two)).exit_code == 0
    assert sorted(plans(two)) == ["ivr/menu.json", "main.json"]


def test_an_existing_output_folder_is_written_into(tmp_path: Path) -> None:
    tree(tmp_path / "src")
    out = tmp_path / "plans"
    write(out, "keep.txt", "mine")
    run(*COMPILE, str(tmp_path / "src"), "-o", str(out))
    run(*COMPILE, str(tmp_path / "src"), "-o", str(out))  # again: the plans are overwritten
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert len(plans(out)) == 5


# ------------------------------------------------------------- errors and statuses


def test_a_file_with_errors_gets_no_plan_and_the_others_are_still_written(tmp_path: Path) -> None:
    files = tree(tmp_path / "src")
    out = tmp_path / "plans"
    result = run(*COMPILE, str(tmp_path / "src"), "-o", str(out))
    assert result.exit_code == 1
    assert not (out / "ivr" / "sales" / "zbroken.json").exists()
    assert f"{files['ivr/sales/zbroken.voxxml']}:2:11: VX005" in result.stderr
    # after the broken file, in discovery order, the next file is still compiled and reported
    assert (out / "z" / "last.json").exists()
    assert result.stderr.index("zbroken.voxxml") < result.stderr.index(str(files["z/last.voxxml"]))
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"Compiled 4 of 5 files into {out} (1 not compiled: errors). Found 1 error and ")


def test_exit_0_when_every_plan_is_written_even_with_warnings(tmp_path: Path) -> None:
    write(tmp_path / "src", "a.voxxml", WARNS)
    write(tmp_path / "src", "b/c.voxxml", EXACT)
    result = run(*COMPILE, str(tmp_path / "src"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert "EX2" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("Compiled 2 of 2 files into ")


def test_strict_refuses_the_approximations_and_allow_approximate_accepts_them(tmp_path: Path) -> None:
    write(tmp_path / "src", "a.voxxml", WARNS)
    write(tmp_path / "src", "b.voxxml", EXACT)
    strict = run(*COMPILE, "--strict", str(tmp_path / "src"), "-o", str(tmp_path / "strict"))
    assert strict.exit_code == 1
    assert sorted(plans(tmp_path / "strict")) == ["b.json"]
    assert run(*COMPILE, "--strict", "--allow-approximate", str(tmp_path / "src"), "-o", str(tmp_path / "x")).exit_code == 2


def test_a_missing_input_is_exit_2_and_the_others_are_compiled(tmp_path: Path) -> None:
    write(tmp_path / "src", "a.voxxml", EXACT)
    result = run(*COMPILE, str(tmp_path / "src"), str(tmp_path / "nope"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert f"voxxml: error: {tmp_path / 'nope'}: no such file or directory" in result.stderr
    assert plans(tmp_path / "out") == {"a.json": run(*COMPILE, str(tmp_path / "src" / "a.voxxml")).stdout_bytes}


def test_many_inputs_need_an_output_folder(tmp_path: Path) -> None:
    write(tmp_path / "src", "a.voxxml", EXACT)
    for output in ((), ("-o", "-")):
        result = run(*COMPILE, str(tmp_path / "src"), *output)
        assert result.exit_code == 2 and "-o OUTDIR" in result.stderr and result.stdout == ""
    afile = write(tmp_path, "afile", "")
    result = run(*COMPILE, str(tmp_path / "src"), "-o", str(afile))
    assert result.exit_code == 2 and "not a directory" in result.stderr


def test_two_sources_with_one_plan_name_are_a_clash_and_the_second_is_not_compiled(tmp_path: Path) -> None:
    write(tmp_path / "src", "menu.voxxml", EXACT)
    write(tmp_path / "src", "menu.xml", WARNS)
    result = run(*COMPILE, str(tmp_path / "src"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "menu.xml: not compiled: its plan would overwrite" in result.stderr
    assert plans(tmp_path / "out") == {"menu.json": run(*COMPILE, str(tmp_path / "src" / "menu.voxxml")).stdout_bytes}


def test_an_empty_directory_warns_and_exits_0(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run(*COMPILE, str(tmp_path / "empty"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0 and "no VoxXML files found" in result.stderr


def test_an_unwritable_plan_is_exit_2_and_the_others_are_written(tmp_path: Path) -> None:
    write(tmp_path / "src", "a/x.voxxml", EXACT)
    write(tmp_path / "src", "b.voxxml", EXACT)
    write(tmp_path / "out", "a", "a file where the folder a/ should be")
    result = run(*COMPILE, str(tmp_path / "src"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "voxxml: error: " in result.stderr and "x.json" in result.stderr
    assert (tmp_path / "out" / "b.json").exists()


def test_one_file_is_still_compiled_to_standard_output(tmp_path: Path) -> None:
    path = write(tmp_path, "a.voxxml", EXACT)
    result = run(*COMPILE, str(path))
    assert result.exit_code == 0 and result.stdout.startswith('{\n  "format": "voxxml.enablex-plan",\n')
    assert result.stderr == ""  # no summary line for one file without findings, as before


# -------------------------------------------------------------------- configuration


def test_configuration_is_the_nearest_per_folder_and_exclude_applies_to_files_found(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src, "a.voxxml", WARNS)
    write(src, "quiet/b.voxxml", WARNS)
    write(src, "quiet/skip/c.voxxml", EXACT)
    write(src, "quiet/voxxml.toml", 'ignore = ["EX2"]\nexclude = ["skip/*"]\n')
    result = run(*COMPILE, str(src), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert f"{src / 'a.voxxml'}:1:" in result.stderr
    assert "b.voxxml" not in result.stderr  # EX2nn ignored by the nearest configuration
    assert sorted(plans(tmp_path / "out")) == ["a.json", "quiet/b.json"]
    named = run(*COMPILE, str(src / "quiet" / "skip" / "c.voxxml"), str(src / "a.voxxml"), "-o", str(tmp_path / "named"))
    assert sorted(plans(tmp_path / "named")) == ["a.json", "quiet/skip/c.json"]  # named files are not excluded


def test_the_configuration_is_resolved_once_per_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a.voxxml", "b.voxxml", "c.voxxml", "sub/d.voxxml", "sub/e.voxxml"):
        write(tmp_path / "src", name, EXACT)
    calls: list[Path | str] = []
    original = Resolver.for_file
    monkeypatch.setattr(Resolver, "for_file", lambda self, path: calls.append(path) or original(self, path))
    assert run(*COMPILE, "-j", "1", str(tmp_path / "src"), "-o", str(tmp_path / "out")).exit_code == 0
    assert [Path(path).parent.name for path in calls] == ["src", "sub"]


# ---------------------------------------------------------- output: order, plain text


def test_workers_print_and_write_exactly_what_one_process_does(tmp_path: Path) -> None:
    tree(tmp_path / "src")
    for index in range(12):
        write(tmp_path / "src", f"many/f{index:02}.voxxml", [EXACT, WARNS, ERRORS][index % 3])
    one = run(*COMPILE, "-j", "1", str(tmp_path / "src"), "-o", str(tmp_path / "one"))
    two = run(*COMPILE, "-j", "2", str(tmp_path / "src"), "-o", str(tmp_path / "two"))
    assert (two.exit_code, two.stdout, two.stderr.replace("two", "one")) == (one.exit_code, one.stdout, one.stderr)
    assert plans(tmp_path / "two") == plans(tmp_path / "one")


def test_on_a_terminal_the_diagnostics_are_drawn_by_the_parent_with_the_same_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path / "src")
    for index in range(6):
        write(tmp_path / "src", f"many/f{index}.voxxml", WARNS)
    piped = run(*COMPILE, "-j", "2", str(tmp_path / "src"), "-o", str(tmp_path / "out"))
    monkeypatch.setattr(compile_cli, "_isatty", lambda stream: True)  # the results come back; the parent prints them
    drawn = run(*COMPILE, "-j", "2", str(tmp_path / "src"), "-o", str(tmp_path / "out"), env={"NO_COLOR": "1"})
    assert drawn.stderr == piped.stderr
    assert "EX2" in drawn.stderr and "^" in drawn.stderr


def test_diagnostics_to_a_pipe_are_plain_text_without_rich(tmp_path: Path) -> None:
    tree(tmp_path / "src")
    program = (
        "import sys\nfrom voxxml.cli import main\n"
        f"try:\n    main(['compile', '--target', 'enablex', '-j', '1', {str(tmp_path / 'src')!r}, '-o', {str(tmp_path / 'out')!r}])\n"
        "except SystemExit as end:\n    print('rich' in sys.modules, end.code)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)
    assert done.stdout.split() == ["False", "1"]
    assert "\x1b[" not in done.stderr
    assert "EX2" in done.stderr and "VX005" in done.stderr


@given(st.text(alphabet=st.sampled_from("ab \n\t\a\b\v\f\r\x1b\x00é"), max_size=40))
def test_the_plain_reporters_control_code_check_is_the_character_class(text: str) -> None:
    """The text reporter strips rich's control codes when a line has one; it looks for them with five
    substring searches (a regex class cost 8 us per compile approximation): the same answer."""
    import re

    from voxxml.reporters import text as text_reporter

    assert text_reporter._has_control(text) == bool(re.search("[\a\b\v\f\r]", text))


# ------------------------------------------------------------------- the JSON encoder


def test_the_plan_schema_has_no_numbers_but_integers() -> None:
    """orjson writes floats unlike json.dumps (1e16, not 1e+16): plans must hold none for the bytes to match."""
    assert '"number"' not in json.dumps(plan_schema())


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=25,
)


@examples(150)
@given(JSON_VALUES)
def test_orjson_writes_what_json_dumps_writes(value: object) -> None:
    pytest.importorskip("orjson")
    assert enablex_target._orjson_encoder() is not None
    assert enablex_target.plan_json(value) == json.dumps(value, indent=2, ensure_ascii=False)  # type: ignore[arg-type]


def test_what_orjson_refuses_goes_to_the_standard_library() -> None:
    for value in ({"n": 2**70}, {1: "not a string key"}):
        assert enablex_target.plan_json(value) == json.dumps(value, indent=2, ensure_ascii=False)  # type: ignore[arg-type]


def test_without_orjson_the_plans_are_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path / "src")
    fast = run(*COMPILE, str(tmp_path / "src"), "-o", str(tmp_path / "fast"))
    monkeypatch.setattr(enablex_target, "_ORJSON", [None])  # as if orjson were not installed
    assert enablex_target._orjson_encoder() is None
    slow = run(*COMPILE, str(tmp_path / "src"), "-o", str(tmp_path / "slow"))
    assert plans(tmp_path / "slow") == plans(tmp_path / "fast")
    assert slow.stderr.replace("slow", "fast") == fast.stderr
    single = run(*COMPILE, str(ROOT / "examples" / "simple-ivr.voxxml"))
    assert single.stdout == json.dumps(json.loads(single.stdout), indent=2, ensure_ascii=False) + "\n"


def test_orjson_is_looked_for_only_when_a_plan_is_written() -> None:
    program = (
        "import sys\nfrom voxxml.cli import main\n"
        "try:\n    main(['lint', 'examples/simple-ivr.voxxml'])\nexcept SystemExit:\n    pass\n"
        "print('orjson' in sys.modules, 'voxxml.cli.compile' in sys.modules or 'voxxml.cli.compiling' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.stdout.split()[-2:] == ["False", "False"]


@pytest.mark.parametrize("orjson_installed", [True, False])
def test_a_plan_files_bytes_are_the_rendered_text_and_a_newline(orjson_installed: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from voxxml.pipeline import run as pipeline_run

    if orjson_installed:
        pytest.importorskip("orjson")
    else:
        monkeypatch.setattr(enablex_target, "_ORJSON", [None])
    data = (ROOT / "examples" / "complex-ivr.voxxml").read_bytes()
    plan = pipeline_run(data, "complex-ivr.voxxml", target="enablex").output
    target = enablex_target.TARGET
    for output_format in target.formats:
        assert target.render_bytes(plan, output_format) == (target.render(plan, output_format) + "\n").encode("utf-8")
    assert target.render(plan, "json") == json.dumps(plan, indent=2, ensure_ascii=False)
    for value in ({"n": 2**70}, {1: "é"}):  # what orjson refuses
        assert enablex_target.plan_bytes(value) == (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()  # type: ignore[arg-type]
