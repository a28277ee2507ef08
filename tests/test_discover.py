"""File discovery (cli/discover.py): each file once, however it is named or linked."""

from __future__ import annotations

from pathlib import Path

from voxxml.cli.discover import discover

DOCUMENT = "<Response><Hangup/></Response>\n"


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "ivr" / "sub").mkdir(parents=True)
    (tmp_path / "ivr" / "menu.voxxml").write_text(DOCUMENT, encoding="utf-8")
    (tmp_path / "ivr" / "sub" / "other.voxxml").write_text(DOCUMENT, encoding="utf-8")
    return tmp_path / "ivr"


def test_a_file_named_and_walked_is_found_once(tmp_path: Path) -> None:
    ivr = _tree(tmp_path)
    found = discover([str(ivr / "menu.voxxml"), str(ivr), str(ivr / "sub" / ".." / "menu.voxxml")])
    assert sorted(path.name for path, _ in found.files) == ["menu.voxxml", "other.voxxml"]
    assert found.files[0] == (ivr / "menu.voxxml", True)  # the first naming wins, as written


def test_a_link_to_a_walked_file_is_found_once(tmp_path: Path) -> None:
    ivr = _tree(tmp_path)
    (ivr / "alias.voxxml").symlink_to(ivr / "menu.voxxml")
    found = discover([str(ivr)])
    assert sorted(path.name for path, _ in found.files) == ["alias.voxxml", "other.voxxml"]


def test_a_folder_reached_through_a_link_is_walked_once(tmp_path: Path) -> None:
    ivr = _tree(tmp_path)
    (tmp_path / "again").symlink_to(ivr, target_is_directory=True)
    found = discover([str(ivr), str(tmp_path / "again")])
    assert sorted(path.name for path, _ in found.files) == ["menu.voxxml", "other.voxxml"]
