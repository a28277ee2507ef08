"""voxxml lint output stays bounded and shows fixability: cut source lines, a per-file
cap on printed diagnostics (--max-diagnostics), [*] markers and the fix summary."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from voxxml.reporters import DEFAULT_MAX_DIAGNOSTICS
from voxxml.reporters.text import MAX_LINE, WINDOW

from support import run

BAD_SAY = "<Say loop='-1'>x</Say>"


@pytest.fixture(scope="module")
def one_long_line(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A one-line, 1 MB document with tens of thousands of errors."""
    count = (1 << 20) // len(BAD_SAY)
    path = tmp_path_factory.mktemp("big") / "big.voxxml"
    path.write_text("<Response>" + BAD_SAY * count + "</Response>", encoding="utf-8")
    return path, count


@pytest.mark.parametrize("fmt", ["text", "concise", "github"])
def test_a_one_line_megabyte_with_thousands_of_errors_prints_bounded_output(fmt: str, one_long_line: tuple[Path, int]) -> None:
    path, count = one_long_line
    result = run("lint", "--output-format", fmt, str(path))
    assert result.exit_code == 1
    assert len(result.stdout) < 1000 * DEFAULT_MAX_DIAGNOSTICS  # the whole line under each of them: 47 GB
    assert f"{count - DEFAULT_MAX_DIAGNOSTICS:,} more diagnostics not shown" in result.stdout
    assert len(re.findall(r"VX007", result.stdout)) == DEFAULT_MAX_DIAGNOSTICS
    assert max(len(line) for line in result.stdout.splitlines()) < 1000


def test_json_and_sarif_stay_complete(tmp_path: Path) -> None:
    count = 3 * DEFAULT_MAX_DIAGNOSTICS
    path = tmp_path / "many.voxxml"
    path.write_text("<Response>" + BAD_SAY * count + "</Response>", encoding="utf-8")
    records = json.loads(run("lint", "--output-format", "json", "--max-diagnostics", "5", str(path)).stdout)
    assert len(records) == count
    log = json.loads(run("lint", "--output-format", "sarif", str(path)).stdout)
    assert len(log["runs"][0]["results"]) == count


def test_max_diagnostics_caps_each_file_and_zero_shows_all(tmp_path: Path) -> None:
    for name in ("a.voxxml", "b.voxxml"):
        (tmp_path / name).write_text("<Response>" + BAD_SAY * 5 + "</Response>\n", encoding="utf-8")
    capped = run("lint", "--output-format", "concise", "--max-diagnostics", "2", str(tmp_path)).stdout.splitlines()
    assert [line.split(":")[0].rsplit("/", 1)[-1] for line in capped if " VX007 " in line] == ["a.voxxml"] * 2 + ["b.voxxml"] * 2
    assert sum("3 more diagnostics not shown" in line for line in capped) == 2
    assert capped[-1] == "Found 10 errors in 2 of 2 files."  # the summary counts them all
    everything = run("lint", "--output-format", "concise", "--max-diagnostics", "0", str(tmp_path)).stdout
    assert everything.count(" VX007 ") == 10 and "not shown" not in everything


def test_a_long_line_is_cut_around_the_span_with_the_caret_under_it(tmp_path: Path) -> None:
    padding = "<Say>" + "a" * 5000 + "</Say>"
    path = tmp_path / "long.voxxml"
    path.write_text(f"<Response>{padding}<Say loop='-7'>x</Say>{padding}</Response>\n", encoding="utf-8")
    lines = run("lint", str(path)).stdout.splitlines()
    column = len(f"<Response>{padding}<Say loop='") + 1
    assert lines[0].startswith(f"{path}:1:{column}: VX007 Say loop='-7'")
    source, carets = lines[2], lines[3]
    assert source.startswith("1 | ...") and source.endswith("...")
    assert len(source) <= len("1 | ") + WINDOW + 2 * len("...")
    start = carets.index("^")
    assert source[start : start + 2] == "-7" and carets[start:] == "^^"


def test_a_line_up_to_the_limit_is_shown_whole(tmp_path: Path) -> None:
    say = "<Say loop='-1'>" + "b" * (MAX_LINE - 40) + "</Say>"
    path = tmp_path / "edge.voxxml"
    path.write_text(f"<Response>\n{say}\n</Response>\n", encoding="utf-8")
    assert len(say) <= MAX_LINE
    assert f"2 | {say}" in run("lint", str(path)).stdout.splitlines()


def test_a_very_long_message_is_shortened(tmp_path: Path) -> None:
    path = tmp_path / "value.voxxml"
    path.write_text("<Response><Say loop='" + "9" * 100_000 + "'>x</Say></Response>\n", encoding="utf-8")
    result = run("lint", str(path))
    assert result.exit_code == 1 and len(result.stdout) < 5000


FIXABLE = "<Response>\n  <Gather numdigits='4' timeout='90'><Say>PIN</Say></Gather>\n  <Hangup/>\n  <Say>gone</Say>\n</Response>\n"


def test_fixable_diagnostics_are_marked_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "ivr.voxxml"
    path.write_text(FIXABLE, encoding="utf-8")
    text = run("lint", str(path)).stdout.splitlines()
    assert text[0].startswith(f"{path}:2:11: VX005 [*] unknown attribute")
    assert any(line.startswith(f"{path}:2:34: VX008 [*] ") for line in text)
    assert any(line.startswith(f"{path}:4:3: VX102 unreachable") for line in text)  # unsafe: no marker
    assert text[-2:] == ["Found 1 error and 2 warnings in 1 of 1 file.", "[*] 2 fixable with `--fix` (1 more with `--unsafe-fixes`)."]
    concise = run("lint", "--output-format", "concise", "--unsafe-fixes", str(path)).stdout.splitlines()
    assert concise[2].startswith(f"{path}:4:3: VX102 [*] [warning]")
    assert concise[-1] == "[*] 3 fixable with `--fix --unsafe-fixes`."


def test_only_unsafe_fixes_say_so(tmp_path: Path) -> None:
    path = tmp_path / "ivr.voxxml"
    path.write_text("<Response>\n  <Hangup/>\n  <Say>gone</Say>\n</Response>\n", encoding="utf-8")
    assert run("lint", str(path)).stdout.splitlines()[-1] == "No fixes available (1 more with `--unsafe-fixes`)."


def test_no_fix_note_without_fixes_and_none_in_machine_output(tmp_path: Path) -> None:
    path = tmp_path / "ivr.voxxml"
    path.write_text("<Response><Say loop='-1'>x</Say></Response>\n", encoding="utf-8")
    assert "fixable" not in run("lint", str(path)).stdout
    path.write_text(FIXABLE, encoding="utf-8")
    assert "fixable" not in run("lint", "--output-format", "json", str(path)).stdout


def test_diff_with_nothing_to_fix_says_so(tmp_path: Path) -> None:
    path = tmp_path / "ivr.voxxml"
    path.write_text("<Response><Say loop='-1'>x</Say></Response>\n", encoding="utf-8")
    result = run("lint", "--diff", str(path))
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.strip() == "No fixes to show."
    path.write_text(FIXABLE, encoding="utf-8")
    some = run("lint", "--diff", str(path))
    assert some.exit_code == 1 and "No fixes to show" not in some.stderr and "+  <Gather numDigits='4'" in some.stdout
