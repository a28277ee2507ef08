"""The parsed-data cache (core/datacache.py): the same tables as parsing, never a stale or broken entry."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from voxxml.core import datacache
from voxxml.core.resources import data_dir


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("VOXXML_CACHE_DIR", str(folder))
    return folder


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("vocabulary", sorted(data_dir("grammar").glob("**/*.toml")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_vocabulary_reads_the_same_from_the_cache_as_parsed(vocabulary: Path, cache: Path) -> None:
    parsed = tomllib.loads(vocabulary.read_text(encoding="utf-8"))
    assert datacache.load_toml(vocabulary) == parsed  # the first read parses and stores
    assert len(list(cache.iterdir())) == 1
    assert datacache.load_toml(vocabulary) == parsed  # the second reads the entry


def test_an_edited_file_is_parsed_again_not_read_from_the_old_entry(tmp_path: Path, cache: Path) -> None:
    data = _write(tmp_path / "vocabulary.toml", 'version = "1"\n')
    assert datacache.load_toml(data) == {"version": "1"}
    _write(data, 'version = "2"\n')
    assert datacache.load_toml(data) == {"version": "2"}
    assert len(list(cache.iterdir())) == 2


def test_a_damaged_entry_falls_back_to_parsing(tmp_path: Path, cache: Path) -> None:
    data = _write(tmp_path / "vocabulary.toml", "a = 1\n")
    datacache.load_toml(data)
    (entry,) = cache.iterdir()
    for damage in (b"", b"\x00garbage", entry.read_bytes()[:3]):
        entry.write_bytes(damage)
        assert datacache.load_toml(data) == {"a": 1}


def test_the_cache_is_off_with_an_empty_folder_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOXXML_CACHE_DIR", "")
    monkeypatch.chdir(tmp_path)
    data = _write(tmp_path / "vocabulary.toml", "a = 1\n")
    assert datacache.load_toml(data) == {"a": 1}
    assert datacache.cache_dir() is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vocabulary.toml"]


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = _write(tmp_path / "a-file", "")  # a file where the folder should be: mkdir fails
    monkeypatch.setenv("VOXXML_CACHE_DIR", str(blocker / "cache"))
    data = _write(tmp_path / "vocabulary.toml", "a = 1\n")
    assert datacache.load_toml(data) == {"a": 1}
    assert datacache.load_toml(data) == {"a": 1}


def test_values_marshal_cannot_keep_are_parsed_every_time(tmp_path: Path, cache: Path) -> None:
    data = _write(tmp_path / "vocabulary.toml", "when = 1979-05-27\n")
    assert str(datacache.load_toml(data)["when"]) == "1979-05-27"
    assert not cache.exists() or not list(cache.iterdir())


def test_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("VOXXML_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert datacache.cache_dir() == tmp_path / "voxxml"


def test_the_folder_follows_the_variables_each_time_it_is_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``cache_folder`` remembers its answer per value of the variables it reads, not once for the process."""
    monkeypatch.delenv("VOXXML_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "one"))
    assert datacache.cache_folder() == str(tmp_path / "one" / "voxxml")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "two"))
    assert datacache.cache_folder() == str(tmp_path / "two" / "voxxml")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert datacache.cache_folder() == str(tmp_path / "home" / ".cache" / "voxxml")
    monkeypatch.setenv("VOXXML_CACHE_DIR", "")
    assert datacache.cache_folder() is None


def _age(path: Path, days: float) -> None:
    import os
    import time

    when = time.time() - days * 24 * 3600
    os.utime(path, (when, when))


def test_the_first_store_of_a_process_removes_entries_written_more_than_a_month_ago(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder would otherwise grow with every install place, file version and Python (75 MB seen
    after a month of test runs): entries written over ``MAX_AGE`` ago go, recent ones and other files stay."""
    monkeypatch.setattr(datacache, "_pruned", set())
    cache.mkdir()
    old = [cache / name for name in (
        "generated-3.voxxml.hub.nodes.0065f319.cpython-311.marshal",
        "unfolded-4.voxxml.hub.nodes.007c8d6e.cpython-311.opt0.marshal",
        "voxxml_v1-vocabulary-1a2b3c4d-18842.cpython-311.marshal",
        "rule-0badf00d-312.cpython-311.marshal",
        "unfolded-4.voxxml.ast.0a1b2c3d.cpython-311.opt0.marshal.4242.tmp",  # a write that never finished
    )]
    recent = cache / "generated-4.voxxml.config.12345678.cpython-311.marshal"
    others = [cache / name for name in ("notes.txt", "theirs.marshal", "x-1a2b3c4d.cpython-311.marshal", "a.marshal.1.tmp")]
    for path in (*old, recent, *others):
        path.write_bytes(b"x")
        _age(path, 400)
    _age(recent, 29)
    data = _write(tmp_path / "vocabulary.toml", "a = 1\n")
    assert datacache.load_toml(data) == {"a": 1}  # parses and stores: prunes first
    assert not any(path.exists() for path in old)
    assert recent.exists() and all(path.exists() for path in others)  # another program's files, in a shared folder
    assert len([p for p in cache.iterdir() if "-vocabulary-" in p.name]) == 1
    _age(recent, 31)  # once per process: the next store does not scan again
    assert datacache.load_toml(_write(tmp_path / "vocabulary.toml", "a = 2\n")) == {"a": 2}
    assert recent.exists()


def test_pruning_a_missing_or_unreadable_folder_is_not_an_error(tmp_path: Path) -> None:
    assert datacache.prune(str(tmp_path / "missing")) == 0
    blocker = _write(tmp_path / "a-file", "")
    assert datacache.prune(str(blocker)) == 0
    (tmp_path / "folder.marshal").mkdir()  # not a file: left alone
    _age(tmp_path / "folder.marshal", 60)
    assert datacache.prune(str(tmp_path)) == 0 and (tmp_path / "folder.marshal").is_dir()


def test_every_entry_a_run_writes_is_one_prune_knows(tmp_path: Path) -> None:
    """A new kind of entry whose name ``_ENTRY_NAME`` does not know would never be pruned."""
    import os
    import re
    import subprocess
    import sys

    from support import ROOT

    env = {**os.environ, "VOXXML_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):  # the second run writes the modules out
        subprocess.run([sys.executable, "-m", "voxxml", "lint", str(ROOT / "examples")], env=env, capture_output=True, timeout=120)
    names = sorted(path.name for path in (tmp_path / "cache").iterdir())
    assert any(name.startswith("unfolded-") for name in names) and any(name.startswith("generated-") for name in names)
    assert any("-vocabulary-" in name for name in names) and any(name.startswith("rule-") for name in names)
    assert [name for name in names if not re.fullmatch(datacache._ENTRY_NAME, name)] == []
