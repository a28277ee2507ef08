"""The lint's serial part without a Path per file: ``discover.find``'s strings, ``reading_why`` and
``Resolver.for_file`` on strings, each held to the Path way it replaced (issue 14)."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from voxxml.cli.discover import discover, find
from voxxml.cli.linting import LintRun, reading_why
from voxxml.cli.lint_options import LINT, parse
from voxxml.config import Resolver, Settings
from test_discover import _add_links, _build

DOCUMENT = "<Response><Hangup/></Response>\n"
_NAMES = st.sampled_from(["a", "b", "B", ".hidden", "node_modules", "sub dir", "é", "x.voxxml"])
_FILES = st.sampled_from(
    ["menu.voxxml", "x.VOXML", "flow.voxml", "r.xml", "o.xml", "t.twiml", "n.txt", ".voxxml", "..voxxml", ".d.voxxml", "a..voxxml", "a.", "noext"]
)
_TREE = st.recursive(
    st.dictionaries(_FILES, st.sampled_from(["<Response/>", "<other/>", ""]), max_size=5),
    lambda children: st.dictionaries(_NAMES, children, max_size=3),
    max_leaves=12,
)


def _as_strings(found) -> tuple[list, list, list]:
    return [(str(p), e) for p, e in found.files], [(str(p), w) for p, w in found.skipped], found.missing


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=_TREE, links=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), max_size=3), spelling=st.integers(0, 5))
def test_find_gives_str_of_what_discover_gives(tmp_path_factory, tree: dict, links: list[tuple[int, int]], spelling: int) -> None:
    """Same files, order, skipped files and reasons, however the folder is written (``.``, ``./x``, ``x/``, ``x//y``,
    absolute) and whatever it holds (hidden files, dots before a suffix, links)."""
    top = tmp_path_factory.mktemp("find")
    _build(top / "t", tree if isinstance(tree, dict) else {})
    _add_links(top / "t", links)
    named = [".", "./t", "t/", "t//", str(top / "t"), "t/./"][spelling]
    here = os.getcwd()
    os.chdir(top if spelling else top / "t")
    try:
        extra = [name for name in ("t/menu.voxxml", "menu.voxxml", "missing") if spelling % 2 or name == "missing"]
        paths = [named, *extra]
        assert (find(paths).files, find(paths).skipped, find(paths).missing) == _as_strings(discover(paths))
        assert _as_strings(discover(paths, voxxml_only=True)) == (
            find(paths, voxxml_only=True).files, find(paths, voxxml_only=True).skipped, find(paths, voxxml_only=True).missing
        )
    finally:
        os.chdir(here)


@given(
    name=st.text(st.sampled_from("a.X/"), min_size=1, max_size=6).map(lambda text: "d/" + text.replace("//", "/").rstrip("/")),
    suffix=st.sampled_from(["", ".voxxml", ".VoXmL", ".voxml", ".xml", ".XML", ".twiml", ".txt", "."]),
)
def test_reading_why_reads_a_string_as_its_path(name: str, suffix: str) -> None:
    path = str(Path(name + suffix))  # a string as discovery writes it
    for configured in (None, Settings(), Settings(dialect="voxml"), Settings(dialect_globs=(("*.xml", "twiml"),))):
        assert reading_why(path, configured) == reading_why(Path(path), configured)
    assert reading_why(path, None, "voxml") == reading_why(Path(path), None, "voxml")


def test_for_file_takes_a_string_as_its_path(tmp_path: Path) -> None:
    (tmp_path / "cfg" / "deep").mkdir(parents=True)
    (tmp_path / "plain").mkdir()
    (tmp_path / "cfg" / "voxxml.toml").write_text('ignore = ["VX010"]\n', encoding="utf-8")
    names = ["cfg/a.voxxml", "cfg/deep/b.voxxml", "plain/c.voxxml", "d.voxxml", str(tmp_path / "cfg" / "e.voxxml"), "/f.voxxml"]
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        by_string, by_path = Resolver(), Resolver()
        for name in names + names[::-1]:
            assert by_string.for_file(name) == by_path.for_file(Path(name)) == Resolver().for_path(Path(name))
        assert by_string.for_file("cfg/a.voxxml").ignore == ("VX010",)
        assert by_string.for_file("plain/c.voxxml").ignore == ()
    finally:
        os.chdir(here)


def test_settings_take_a_string_as_its_path(tmp_path: Path) -> None:
    configured = Settings(exclude=("skip/*",), dialect_globs=(("*.xml", "twiml"),), root=tmp_path)
    for name in ("skip/a.voxxml", "keep/a.voxxml", "skip/b.xml", "b.xml"):
        path = tmp_path / name
        assert configured.excluded(str(path)) == configured.excluded(path)
        assert configured.dialect_for(str(path)) == configured.dialect_for(path)
    assert configured.excluded(str(tmp_path / "skip/a.voxxml")) and not configured.excluded(str(tmp_path / "b.xml"))


def test_lint_one_gives_the_same_outcome_for_a_string_and_a_path(tmp_path: Path) -> None:
    (tmp_path / "bad.voxxml").write_text('<Response><Say voice="nobody">hi</Say><Hangup/><Say>late</Say></Response>\n', encoding="utf-8")
    (tmp_path / "ok.xml").write_text(DOCUMENT, encoding="utf-8")
    (tmp_path / "gone.voxxml").write_text(DOCUMENT, encoding="utf-8")
    (tmp_path / "gone.voxxml").unlink()
    _, options = parse(LINT, ["--verbose", "--format", "json", str(tmp_path)], os.environ)  # type: ignore[misc]
    run = LintRun((str(tmp_path),), options)
    run.settings_for = run.resolver().for_file
    for name in ("bad.voxxml", "ok.xml", "gone.voxxml"):
        text = str(tmp_path / name)
        by_string, by_path = run.lint_one((text, False)), run.lint_one((Path(text), False))
        assert repr(by_string) == repr(by_path)
    result, problem, why, _, _ = run.lint_one((str(tmp_path / "bad.voxxml"), False))
    assert result is not None and result.diagnostics and why == "suffix .voxxml"
    assert run.lint_one((str(tmp_path / "gone.voxxml"), False))[1] == "No such file or directory"
