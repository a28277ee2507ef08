"""``core/paths.py`` gives what pathlib gives for the same string (the lint path works on strings)."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

import pytest
from hypothesis import given, settings, strategies as st

from voxxml.core import paths

pytestmark = pytest.mark.skipif(os.name != "posix", reason="elsewhere the functions are pathlib's own")

# Strings built from the characters that matter to a path's parsing, and some that do not.
PATHS = st.text(st.sampled_from("/./ab.x\\~ "), max_size=16) | st.text(max_size=12)
EDGES = ["", ".", "..", "/", "//", "///", "//a", "///a", "a/", "a//b", "./a", "a/./b", "a/..", ".a", "a.", "a..b",
         ".a.b", "a.b/", "a.b/.", "...", "a/.b.c", "/a/b.xml", "a\\b.xml", "a b.XML", "ä/ö.voxxml"]


@given(PATHS)
@settings(max_examples=500)
def test_the_functions_are_pathlibs(path: str) -> None:
    pure = PurePath(path)
    assert paths.as_written(path) == str(pure)
    assert paths.name(path) == pure.name
    assert paths.suffix(path) == pure.suffix
    assert paths.parent(path) == str(pure.parent)


@pytest.mark.parametrize("path", EDGES)
def test_edges(path: str) -> None:
    pure = PurePath(path)
    assert (paths.as_written(path), paths.name(path), paths.suffix(path), paths.parent(path)) == (str(pure), pure.name, pure.suffix, str(pure.parent))


def test_resolved_is_path_resolve_for_files_folders_and_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "menu.voxxml").write_text("<Response/>", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "file-link.voxxml").symlink_to(tmp_path / "real" / "menu.voxxml")
    monkeypatch.chdir(tmp_path)
    for path in ["real", "real/", "./real//menu.voxxml", "link/menu.voxxml", "link/../real", "file-link.voxxml", "", ".", str(tmp_path / "link")]:
        assert paths.resolved(path) == str(Path(path).resolve()), path
