"""The text report's plain fast path (``reporters.text.plain_report``, which ``voxxml compile DIR`` renders
in its workers) prints exactly what the generic path (styled segments through ``Printer``) prints."""

from __future__ import annotations

import io

from hypothesis import given, settings, strategies as st

from voxxml.core.catalog import Severity
from voxxml.core.diagnostics import Diagnostic
from voxxml.core.fixes import Edit, Fix
from voxxml.core.source import SourceMap, Span
from voxxml.lint import Result
from voxxml.reporters import ReportOptions
from voxxml.reporters.text import MAX_LINE, MAX_MESSAGE, Printer, plain_report, print_styled, report


def generic(results: list[Result], options: ReportOptions) -> str:
    """``report`` as it was before the fast path: each diagnostic's styled lines through ``Printer``."""
    out = io.StringIO()
    output = Printer(out)
    for result in results:
        print_styled(output, result, options)
    return out.getvalue()


CHARS = "ab <>\t\r\n\a\x0b\f\b=é字"
texts = st.one_of(
    st.text(alphabet=CHARS, max_size=60),
    st.builds(lambda a, n, b: a + "x" * n + b, st.text(alphabet=CHARS, max_size=20), st.integers(0, 2 * MAX_LINE), st.text(alphabet=CHARS, max_size=20)),
)
messages = st.one_of(st.text(alphabet="ab \t\r\a'", max_size=20), st.integers(MAX_MESSAGE - 3, MAX_MESSAGE + 3).map(lambda n: "m" * n))


@st.composite
def diagnostics(draw: st.DrawFn, text: str) -> Diagnostic:
    lines = text.count("\n") + 3
    line = draw(st.one_of(st.integers(1, lines - 2), st.integers(-1, lines)))  # mostly a line of the text
    end_line = draw(st.one_of(st.just(line), st.integers(-1, lines)))
    columns = st.one_of(st.integers(-2, 12), st.integers(-2, 2 * MAX_LINE + 5))  # mostly near the line's start
    column, end_column = draw(columns), draw(columns)
    fix = draw(st.one_of(st.none(), st.builds(lambda safe, edits: Fix("fix it", tuple(Edit(0, 0, "x") for _ in range(edits)), safe), st.booleans(), st.integers(0, 1))))
    return Diagnostic(
        draw(st.sampled_from(["EX204", "VX005", "EX210"])),
        "name",
        draw(st.sampled_from(list(Severity))),
        draw(messages),
        Span(line, column, end_line, end_column),
        draw(st.one_of(st.none(), st.just(""), messages)),
        draw(st.sampled_from(["ivr/a.voxxml", "b\tc.voxxml", None])),
        fix,
    )


@st.composite
def results(draw: st.DrawFn) -> Result:
    text = draw(texts)
    found = draw(st.lists(diagnostics(text), max_size=6))
    return Result("ivr/a.voxxml", found, source=draw(st.sampled_from([SourceMap(text), None])))


options = st.builds(ReportOptions, max_diagnostics=st.sampled_from([None, 2, 100]), fixable=st.booleans(), unsafe_fixes=st.booleans(), quiet=st.just(True))


@settings(max_examples=400)
@given(st.lists(results(), min_size=1, max_size=3), options)
def test_the_plain_report_prints_what_the_generic_path_prints(found: list[Result], chosen: ReportOptions) -> None:
    out = io.StringIO()
    report(found, out, chosen)
    assert out.getvalue() == generic(found, chosen)


@given(results(), options)
def test_plain_report_is_the_generic_text_or_none_when_rich_must_draw_a_tab(result: Result, chosen: ReportOptions) -> None:
    text = plain_report(result, chosen)
    if text is None:
        assert "\t" in generic([result], chosen) or any("\t" in (d.message + (d.help or "") + str(d.path)) for d in result.diagnostics)
    else:
        assert "\t" not in text and text == generic([result], chosen)


def test_a_compile_report_of_the_examples_is_the_generic_one() -> None:
    from pathlib import Path

    from voxxml.pipeline import run

    examples = sorted(Path(__file__).parent.parent.joinpath("examples").rglob("*.voxxml"))
    assert examples
    compared = 0
    for path in examples:
        result = run(path.read_bytes(), str(path), target="enablex")
        text = plain_report(result, ReportOptions(quiet=True))
        assert text == generic([result], ReportOptions(quiet=True))
        compared += bool(result.diagnostics)
    assert compared
