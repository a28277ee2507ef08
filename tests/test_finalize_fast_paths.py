"""The column-wise and set-based ways finalize takes (issue 14: a compile finalizes thousands of findings per
file) give what the per-diagnostic ways give: ``placed`` against ``with_path`` and ``sort_key`` per diagnostic,
``Settings.apply``'s copy against its loop, ``finalize`` without a syntax error against its general split, and
``Result.error_count`` and the getters against the fields they read."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings as hypothesis_settings, strategies as st

from voxxml.config import Selection, Settings
from voxxml.core import suppressions
from voxxml.core.catalog import Severity
from voxxml.core.diagnostics import Diagnostic, get_code, get_severity, placed
from voxxml.core.fixes import Edit, Fix
from voxxml.core.source import SourceMap, Span
from voxxml.pipeline import Result, finalize

CODES = ["VX001", "VX005", "VX103", "VX112", "EX204", "EX205"]
PATHS = [None, "a.voxxml", "b/c.voxxml"]


@st.composite
def diagnostics(draw: st.DrawFn) -> Diagnostic:
    line, column = draw(st.integers(1, 4)), draw(st.integers(1, 4))  # few places: ties are common
    return Diagnostic(
        draw(st.sampled_from(CODES)),
        "name",
        draw(st.sampled_from(list(Severity))),
        draw(st.sampled_from(["m", "n", "a message"])),
        Span(line, column, line + draw(st.integers(0, 1)), column + draw(st.integers(0, 3)), draw(st.integers(-1, 9)), -1),
        draw(st.sampled_from([None, "help"])),
        draw(st.sampled_from(PATHS)),
        draw(st.sampled_from([None, Fix("fix it", (Edit(0, 0, "x"),), True)])),
        draw(st.sampled_from([None, Fix("maybe", (), False)])),
    )


found = st.lists(diagnostics(), max_size=12)


def by_hand(listed: list[Diagnostic], path: str) -> list[Diagnostic]:
    """What finalize's sort did per diagnostic before ``placed``."""
    return sorted((d.with_path(path) for d in listed), key=Diagnostic.sort_key)


@given(found, st.sampled_from(["a.voxxml", "b/c.voxxml"]))
def test_placed_is_with_path_and_sort_key_per_diagnostic(listed: list[Diagnostic], path: str) -> None:
    before = list(listed)
    got = placed(listed, path)
    assert got == by_hand(listed, path)
    assert all(type(d) is Diagnostic and d.path == path for d in got)
    assert listed == before  # the input is left as it was


@given(found)
def test_the_getters_and_error_count_read_the_fields(listed: list[Diagnostic]) -> None:
    assert [get_code(d) for d in listed] == [d.code for d in listed]
    assert [get_severity(d) for d in listed] == [d.severity for d in listed]
    assert Result("a.voxxml", listed).error_count == sum(1 for d in listed if d.severity is Severity.ERROR)


prefixes = st.lists(st.sampled_from(["VX", "EX", "VX0", "VX1", "EX204", "VX005", "E"]), max_size=3).map(tuple)


@st.composite
def settings_(draw: st.DrawFn) -> Settings:
    command_line = draw(st.one_of(st.none(), st.builds(Selection, st.one_of(st.none(), prefixes), prefixes, prefixes)))
    severity = draw(st.dictionaries(st.sampled_from(CODES), st.sampled_from(list(Severity)), max_size=3))
    per_file = draw(st.dictionaries(st.sampled_from(["*.voxxml", "b/*", "nothing"]), prefixes, max_size=2))
    return Settings(
        select=draw(prefixes), ignore=draw(prefixes), extend_select=draw(prefixes), severity=severity,
        per_file_ignores=per_file, command_line=command_line,
    )


def apply_by_hand(settings: Settings, listed: list[Diagnostic], path: str) -> list[Diagnostic]:
    """``Settings.apply``'s loop, as it was before its copy for settings that change nothing."""
    where = Path(path) if settings.per_file_ignores else None
    kept = []
    for diagnostic in listed:
        if not settings.enabled(diagnostic.code, where):
            continue
        wanted = settings.severity.get(diagnostic.code)
        kept.append(diagnostic if wanted is None or wanted == diagnostic.severity else diagnostic._replace(severity=wanted))
    return kept


@hypothesis_settings(max_examples=300)
@given(settings_(), found, st.sampled_from(["a.voxxml", "b/c.voxxml"]))
def test_apply_is_its_loop_whatever_the_settings(settings: Settings, listed: list[Diagnostic], path: str) -> None:
    got = settings.apply(listed, path)
    assert got == apply_by_hand(settings, listed, path)
    assert got is not listed  # a list of its own, even when nothing changed


def test_default_settings_keep_every_diagnostic_as_it_is() -> None:
    listed = [Diagnostic("EX204", "name", Severity.WARNING, "m", Span(1, 1, 1, 2)), Diagnostic("VX103", "name", Severity.ERROR, "m", Span(2, 1, 2, 2))]
    assert Settings().apply(listed, "a.voxxml") == listed
    assert Settings(severity={"EX204": Severity.ERROR}).apply(listed, "a.voxxml")[0].severity is Severity.ERROR
    assert Settings(ignore=("EX",)).apply(listed, "a.voxxml") == listed[1:]


def finalize_by_hand(listed: list[Diagnostic], source: SourceMap | None, settings: Settings, path: str) -> list[Diagnostic]:
    """``finalize`` as it was: syntax errors split off for every list, then the per-diagnostic sort."""
    if source is not None:
        listed = suppressions.apply(listed, source, lambda code: code.startswith(("VX", "VM")))
    syntax = [d if d.severity is Severity.ERROR else d._replace(severity=Severity.ERROR) for d in listed if d.code in suppressions.UNSUPPRESSIBLE]
    kept = apply_by_hand(settings, [d for d in listed if d.code not in suppressions.UNSUPPRESSIBLE], path) + syntax
    return sorted((d if d.path == path else d.with_path(path) for d in kept), key=Diagnostic.sort_key)


TEXT = "<Response>\n  <Say>hi</Say>\n  <Pause/>\n</Response>\n"
SUPPRESSED = "<Response>\n  <!-- voxxml: ignore VX005 EX204 reason -->\n  <Say>hi</Say>\n  <Pause/>\n</Response>\n"


@hypothesis_settings(max_examples=300)
@given(settings_(), found, st.sampled_from([None, TEXT, SUPPRESSED]))
def test_finalize_is_its_general_way_with_and_without_syntax_errors(settings: Settings, listed: list[Diagnostic], text: str | None) -> None:
    path = "b/c.voxxml"
    source = None if text is None else SourceMap(text)
    assert finalize(list(listed), source, settings, path) == finalize_by_hand(list(listed), source, settings, path)


def test_a_text_without_directives_is_remembered_only_as_that_very_text() -> None:
    assert suppressions.find(SourceMap(TEXT)) == []
    assert suppressions.find(SourceMap(TEXT)) == []  # the same str object: not searched again
    found = suppressions.find(SourceMap(SUPPRESSED))  # another text is searched
    assert [s.codes for s in found] == [("VX005", "EX204")]
    assert suppressions.find(SourceMap(TEXT)) == []
