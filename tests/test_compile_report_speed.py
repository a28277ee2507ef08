"""The eighth round's ways through what ``voxxml compile DIR`` does after the compiler (issue 14) give what the
long ways give: findings made in their file (``placing``) against ``placed``'s re-pathing, ``Settings.apply``'s
remembered codes against its loop, a plan's file name joined as a string against ``Path``'s join, the text
report's gutter and caret tables against the generic reporter, and the collector paused for ``cli.compiling``'s
imports left as it was found."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings as hypothesis_settings, strategies as st

from test_finalize_fast_paths import apply_by_hand, by_hand, found, settings_
from voxxml.cli.compiling import plan_file
from voxxml.config import Settings
from voxxml.core.catalog import Severity
from voxxml.core.diagnostics import Diagnostic, make, placed, placing
from voxxml.core.source import SourceMap, Span
from voxxml.lint import Result
from voxxml.pipeline import checked, finalize, run
from voxxml.reporters import ReportOptions
from voxxml.reporters.text import Printer, plain_report, print_styled
from voxxml.targets import get_target

HOLD = "<Response>\n  <Gather numDigits='1' finishOnKey='#' timeout='5'>\n    <Say>Press one</Say>\n  </Gather>\n  <Number statusCallback='https://x.example/cb'>+15550100</Number>\n</Response>\n"


# ------------------------------------------------------------------ placing, placed


def test_make_places_a_finding_only_inside_placing() -> None:
    assert make("VX103", "m", None).path is None
    with placing("a.voxxml"):
        assert make("VX103", "m", None).path == "a.voxxml"
        with placing("b.voxxml"):
            assert make("VX103", "m", None).path == "b.voxxml"
        assert make("VX103", "m", None).path == "a.voxxml"  # the outer file again
    assert make("VX103", "m", None).path is None


@given(found, st.sampled_from(["a.voxxml", "b/c.voxxml"]), st.booleans())
def test_placed_of_findings_already_in_the_file_is_the_per_diagnostic_way(listed: list[Diagnostic], path: str, equal_copy: bool) -> None:
    """All in the file (the fast way: only sorted), by the same string or an equal one; and all but one (the long way)."""
    in_file = [d._replace(path="".join(path) if equal_copy else path) for d in listed]
    assert placed(in_file, path) == by_hand(listed, path)
    if in_file:
        stray = [*in_file[:-1], in_file[-1]._replace(path=None)]
        assert placed(stray, path) == by_hand(listed, path)
        assert all(type(d) is Diagnostic and d.path == path for d in placed(stray, path))


def test_a_compile_run_finalizes_as_with_findings_made_without_their_path() -> None:
    """``run`` compiles under ``placing``; its findings are those of the compile made without it, finalized."""
    for text in (HOLD, *(path.read_text(encoding="utf-8") for path in sorted(Path("examples").glob("*.voxxml"))[:8])):
        settings = Settings()
        result = run(text.encode(), "x/a.voxxml", settings, "enablex")
        if result.output is None:  # an example with errors is not compiled
            continue
        checked_result, found_before = checked(text.encode(), "x/a.voxxml", settings)
        compilation = get_target("enablex").compile(checked_result.document, "x/a.voxxml")
        assert all(d.path is None for d in compilation.diagnostics)  # the target itself places nothing
        codes = frozenset(get_target("enablex").codes)
        assert result.diagnostics == finalize(found_before + compilation.diagnostics, checked_result.source, settings, "x/a.voxxml", codes)
        assert all(d.path == "x/a.voxxml" for d in result.diagnostics)


# --------------------------------------------------------------------- Settings.apply


@hypothesis_settings(max_examples=200)
@given(settings_(), st.lists(found, min_size=1, max_size=4), st.sampled_from(["a.voxxml", "b/c.voxxml"]))
def test_apply_with_codes_remembered_from_earlier_files_is_its_loop(settings: Settings, lists: list[list[Diagnostic]], path: str) -> None:
    for listed in lists:  # one Settings for many files, as a run has: later calls find codes judged before
        got = settings.apply(listed, path)
        assert got == apply_by_hand(settings, listed, path)
        assert got is not listed


# ------------------------------------------------------------------------ plan files

segments = st.text(alphabet="ab.-_é ", min_size=1, max_size=6).filter(lambda s: s not in (".", ".."))
names = st.lists(segments, min_size=1, max_size=3).map(lambda parts: "/".join(parts) + ".json")
folders = st.sampled_from([".", "/", "out", "./out", "out/", "a/b", "/tmp/plans", "//net", "", "../up"]).map(lambda f: str(Path(f)))


@given(folders, names)
def test_a_plan_file_is_the_path_join(folder: str, name: str) -> None:
    assert plan_file(folder, name) == str(Path(folder) / name)


# ------------------------------------------------------------------------ the report


def generic(result: Result, options: ReportOptions) -> str:
    out = io.StringIO()
    print_styled(Printer(out), result, options)
    return out.getvalue()


LINES = st.one_of(
    st.text(alphabet="ab <>=é\t", max_size=12),
    st.integers(150, 400).map(lambda n: "  <Say>" + "x" * n + "</Say>"),  # cut lines
    st.just("   "),  # blank
)


spans = st.builds(
    lambda line, column, same_line, width: Span(line, column, line if same_line else line + 1, column + width, -1, -1),
    st.integers(1, 10), st.integers(0, 420), st.booleans(), st.integers(-2, 30),
)


@hypothesis_settings(max_examples=200)
@given(st.lists(LINES, min_size=1, max_size=8), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans(), st.lists(st.tuples(spans, st.sampled_from([None, "do this"])), min_size=1, max_size=6))
def test_the_report_with_its_gutter_and_caret_tables_is_the_generic_one(lines: list[str], newline: str, final: bool, made: list[tuple[Span, str | None]]) -> None:
    """Line ends of every kind (the report slices a \\n-only text without stripping), the last line with and without
    its end, lines cut and blank, spans past the line and the text, with and without help (the caret line's
    blank after it cut off), the tables warm after the first report."""
    text = newline.join(lines) + (newline if final else "")
    listed = [Diagnostic("EX204", "name", Severity.WARNING, "a message", span, help, "a.voxxml") for span, help in made]
    result = Result("a.voxxml", listed, source=SourceMap(text))
    options = ReportOptions(quiet=True)
    got = plain_report(result, options)
    assert got is None or got == generic(result, options)
    assert plain_report(result, options) == got


def test_line_numbers_of_many_digits_get_their_gutter() -> None:
    text = "\n".join(f"<Say>{n}</Say>" for n in range(12_000))
    source = SourceMap(text)
    listed = [make("EX204", "m", source.span(source.line_starts[n - 1] + 1, source.line_starts[n - 1] + 4))._replace(path="a.voxxml") for n in (1, 9, 10, 99, 100, 11_999)]
    result = Result("a.voxxml", listed, source=source)
    assert plain_report(result, ReportOptions(quiet=True)) == generic(result, ReportOptions(quiet=True))


# ---------------------------------------------------------------- the collector at import


def test_compile_of_a_folder_imports_and_runs_with_the_collector_paused_then_restores_it(tmp_path: Path) -> None:
    """``cli/__init__.py`` pauses the cyclic collector before importing ``cli.compiling`` (about 17,000
    objects, none garbage), as ``try_lint`` does for the lint's imports: no collection while importing or
    compiling, and the collector on again afterwards in a process that goes on (``main(args)``)."""
    folder = tmp_path / "ivr"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.voxxml").write_text("<Response><Say>Hi</Say><Hangup/></Response>\n", encoding="utf-8")
    code = (
        "import gc, sys\n"
        "import voxxml.cli as cli\n"
        "runs = []\n"
        "gc.callbacks.append(lambda phase, info: runs.append(info['generation']) if phase == 'start' else None)\n"
        f"args = ['compile', '--target', 'enablex', {str(folder)!r}, '-o', {str(tmp_path / 'plans')!r}]\n"
        "try:\n"
        "    cli.main(args)\n"
        "except SystemExit as stop:\n"
        "    status = stop.code\n"
        "print(status, len(runs), gc.isenabled(), file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path.cwd()), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    status, collections, enabled = done.stderr.split()[-3:]
    # At most the one collection of what the run made once the collector is on again (importing
    # ``cli.compiling`` with it on ran 27); a whole process ends before that.
    assert (status, enabled) == ("0", "True") and int(collections) <= 1, done.stderr
    assert (tmp_path / "plans" / "a.json").is_file()
