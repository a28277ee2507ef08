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


# ------------------------------------------------------------------ read_bytes


@pytest.mark.parametrize("size", [0, 1, (1 << 16) - 1, 1 << 16, (1 << 16) + 1, 3 * (1 << 20) + 7])
def test_read_bytes_reads_the_whole_file(tmp_path: Path, size: int) -> None:
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    (tmp_path / "entry").write_bytes(data)
    assert paths.read_bytes(str(tmp_path / "entry")) == data
    assert paths.read_bytes(tmp_path / "entry") == data  # a Path too


def test_read_bytes_raises_oserror_for_a_missing_file_or_a_folder(tmp_path: Path) -> None:
    """As ``open(path, "rb").read()``: the lint reports the error's reason for the file."""
    for path in (tmp_path / "missing", tmp_path):
        with pytest.raises(OSError) as raised:
            paths.read_bytes(str(path))
        with pytest.raises(OSError) as opened:
            with open(path, "rb") as handle:
                handle.read()
        assert raised.value.strerror == opened.value.strerror


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_read_bytes_reads_a_pipe_to_its_end(tmp_path: Path) -> None:
    """A pipe's size is 0 and its data comes in pieces: it is read until the writer closes it."""
    import threading

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    pieces = [b"<Response>", b"<Say>Hi</Say>" * 5000, b"</Response>"]

    def write() -> None:
        with open(fifo, "wb", buffering=0) as pipe:
            for piece in pieces:
                pipe.write(piece)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert paths.read_bytes(str(fifo)) == b"".join(pieces)
    finally:
        writer.join(timeout=10)


@pytest.mark.skipif(not os.path.isfile("/proc/self/status"), reason="no /proc here")
def test_read_bytes_reads_a_file_whose_size_says_nothing() -> None:
    """A file of /proc is regular with a size of 0, and holds text: more than its size is read on to the end."""
    assert os.stat("/proc/self/status").st_size == 0
    data = paths.read_bytes("/proc/self/status")
    assert data.startswith(b"Name:") and data.endswith(b"\n") and len(data) > 100
