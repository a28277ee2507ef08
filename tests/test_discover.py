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


# ---------------------------------------------------------------- the walk against os.walk

import os

from hypothesis import HealthCheck, given, settings, strategies as st

from voxxml.cli.discover import SKIP_DIRS, _wanted

_NAMES = st.sampled_from(["a", "b", "B", "z9", ".hidden", "node_modules", "__pycache__", "sub dir", "é"])
_FILES = st.sampled_from(["menu.voxxml", "x.VOXML", "flow.voxml", "r.xml", "other.xml", "notes.txt", "Z.voxxml", ".dot.voxxml"])
_TREE = st.recursive(
    st.dictionaries(_FILES, st.sampled_from(["<Response/>", "<other/>", "<?xml version='1.0'?><response/>"]), max_size=4),
    lambda children: st.dictionaries(_NAMES, children, max_size=3),
    max_leaves=12,
)


def _reference(top: str) -> tuple[list[Path], list[Path]]:
    """What discovery must find in a folder, by os.walk (top-down, sorted, links to folders not entered)."""
    wanted, skipped, seen = [], [], set()
    for directory, subdirs, files in os.walk(top):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d not in SKIP_DIRS)
        for name in sorted(files):
            candidate = Path(directory) / name
            ok, _ = _wanted(candidate)
            if ok:
                key = candidate.resolve()
                if key not in seen:
                    seen.add(key)
                    wanted.append(candidate)
            elif candidate.suffix.lower() == ".xml":
                skipped.append(candidate)
    return wanted, skipped


def _add_links(top: Path, links: list[tuple[int, int]]) -> None:
    """Links to files and folders, from anywhere in the tree (each pair picks a place and a target)."""
    everything = sorted(top.rglob("*"))
    for source, target in links:
        if everything:
            where = everything[source % len(everything)]
            folder = where if where.is_dir() else where.parent
            link = folder / f"link{source}{target}.voxxml"
            if not link.exists() and not link.is_symlink():
                link.symlink_to(everything[target % len(everything)])


def _build(folder: Path, tree: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in tree.items():
        if isinstance(content, dict):
            _build(folder / name, content)
        elif not (folder / name).exists():
            (folder / name).write_text(content, encoding="utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=_TREE, links=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), max_size=4))
def test_the_walk_finds_what_os_walk_finds(tmp_path_factory, tree: dict, links: list[tuple[int, int]]) -> None:
    """Same files, same order, same skipped .xml files, whatever the tree holds: hidden and skipped
    folders, suffixes in any case, .xml files by their root, links to files and to folders."""
    top = tmp_path_factory.mktemp("walk")
    _build(top, tree if isinstance(tree, dict) else {})
    _add_links(top, links)
    found = discover([str(top)])
    wanted, skipped = _reference(str(top))
    assert [path for path, _ in found.files] == wanted
    assert [path for path, _ in found.skipped] == skipped
    assert all(not explicit for _, explicit in found.files)
