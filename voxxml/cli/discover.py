"""Which files to lint: explicit files always; in directories, the files a registered dialect claims.

Each dialect names its suffixes and the root elements that make a ``.xml`` file its own
(``voxxml.dialects.Dialect.claims``). For VoxXML v1, ``*.voxxml`` files are linted, and
``*.xml`` files whose root element is ``<Response>`` in any letter case (``<response>`` is
linted, and gets VX002, rather than skipped in silence); other XML is skipped (and listed
with --verbose). Hidden directories and virtual environments are not entered.
"""

from __future__ import annotations

import os
import re
from operator import attrgetter
from typing import TYPE_CHECKING

from ..core.paths import as_written, resolved, suffix as suffix_of
from ..core.records import dataclass, field
from ..dialects import Dialect, every_dialect

if TYPE_CHECKING:
    from pathlib import Path

SKIP_DIRS = {"node_modules", "__pycache__", "site-packages"}
# The root element's name after a prolog; compiled (and kept by re's cache) when a .xml file is sniffed.
_ROOT = rb"(?s)(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*<([A-Za-z_][\w.:-]*)"
SNIFF_BYTES = 64 * 1024


@dataclass
class Discovery:
    """The files to lint (and whether each was named on the command line), those skipped and why, and missing paths."""

    files: list[tuple[Path, bool]] = field(default_factory=list)  # (path, named explicitly)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


class Found:
    """``find``'s answer: a ``Discovery`` with each path a string."""

    __slots__ = ("files", "skipped", "missing")

    def __init__(self) -> None:
        self.files: list[tuple[str, bool]] = []  # (path, named explicitly)
        self.skipped: list[tuple[str, str]] = []
        self.missing: list[str] = []


def root_element(path: Path | str) -> str | None:
    """The root element's name, from the first bytes of the file (None if not found)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return None
    for bom in (b"\xef\xbb\xbf",):
        if head.startswith(bom):
            head = head[len(bom) :]
    match = re.match(_ROOT, head)
    return match.group(1).decode("ascii", "replace") if match else None


def dialect_for(path: Path | str) -> Dialect | None:
    """The registered dialect that claims a file found in a directory (the first by name), or None."""
    return _claim(path)[0]


def claiming(suffix: str) -> Dialect | None:
    """The registered dialect whose extensions hold a (lower-case) suffix: the first by name; None for none."""
    for dialect in every_dialect():
        if suffix in dialect.extensions:
            return dialect
    return None


def _claim(path: Path | str) -> tuple[Dialect | None, str | None]:
    """The claiming dialect, and the sniffed root element of a ``.xml`` file (read only when needed)."""
    suffix = suffix_of(os.fspath(path)).lower()
    claimed = claiming(suffix)
    if claimed is not None or suffix != ".xml":
        return claimed, None
    root = root_element(path)
    return next((d for d in every_dialect() if d.claims(path, root)), None), root


def _wanted(path: Path | str) -> tuple[bool, str]:
    dialect, root = _claim(path)
    if dialect is not None:
        return True, ""
    if suffix_of(os.fspath(path)).lower() == ".xml":
        return False, f"root element is <{root}>" if root else "no root element found"
    suffixes = sorted({s for d in every_dialect() for s in d.extensions}) + [".xml"]
    return False, f"not a {' or '.join(suffixes)} file"


def discover(paths: list[str], voxxml_only: bool = False) -> Discovery:
    """``voxxml_only``: skip a named .xml file whose root is not <Response> too (for pre-commit)."""
    from pathlib import Path

    found = find(paths, voxxml_only)
    return Discovery([(Path(path), explicit) for path, explicit in found.files], [(Path(path), why) for path, why in found.skipped], found.missing)


def find(paths: list[str], voxxml_only: bool = False) -> Found:
    """``discover`` with each path a string, as ``str()`` of ``discover``'s Path: what a lint of many files
    needs (a Path per file cost more than the rest of the walk, and importing pathlib more than the lint of a
    short file; ``voxxml lint`` makes one only for a file whose settings need it). Same files, same order,
    same skipped files and reasons."""
    found = Found()
    files, skipped = found.files, found.skipped
    seen: set[str] = set()
    claimed = frozenset(s for dialect in every_dialect() for s in dialect.extensions)

    def add(path: str, explicit: bool, key: str | None = None) -> None:
        # The same file named twice (or through a link) is linted once: each is known by its
        # resolved path (a walked file that is not a link by its resolved folder and its name).
        key = os.path.normcase(key if key is not None else resolved(path))
        if key not in seen:
            seen.add(key)
            files.append((path, explicit))

    def walk(top: str) -> None:
        """Each folder's files in name order, then its folders (as ``os.walk``: top-down, sorted):
        hidden folders, ``SKIP_DIRS`` and links to folders are not entered. The directory entries
        say which names are folders and links without a system call per file. A file's path is its
        folder's as Path writes it (``.`` as nothing) and its name."""
        pending = [("" if top == os.curdir else os.path.join(top, ""), top)]  # (prefix, folder) still to list, the next last
        while pending:
            prefix, directory = pending.pop()
            try:
                with os.scandir(directory) as listing:
                    entries = sorted(listing, key=_NAME)
            except OSError:
                continue
            folder = os.path.join(os.path.realpath(directory), "")  # a walked file's key: this and its name
            folders = []
            for entry in entries:
                name = entry.name
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if is_dir:
                    if not name.startswith(".") and name not in SKIP_DIRS and not entry.is_symlink():
                        folders.append(name)
                    continue
                dot = name.rfind(".")  # the suffix as os.path.splitext finds it: leading dots are not one
                if dot <= 0 or (name[0] == "." and not name[:dot].strip(".")):
                    continue
                suffix = name[dot:].lower()
                if suffix not in claimed and suffix != ".xml":
                    continue
                path = prefix + name
                key = None if entry.is_symlink() else folder + name
                if suffix in claimed:
                    if key is None or not _POSIX:
                        add(path, False, key)
                    elif key not in seen:  # add's work, inline for the most common file
                        seen.add(key)
                        files.append((path, False))
                    continue
                wanted, why = _wanted(path)
                if wanted:
                    add(path, False, key)
                else:
                    skipped.append((path, why))
            pending.extend((prefix + name + os.sep, prefix + name) for name in reversed(folders))

    for raw in paths:
        path = as_written(raw)  # as Path(raw) would: "./a//b.xml/" is the file a/b.xml
        if os.path.isdir(path):
            walk(path)
        elif os.path.isfile(path):
            wanted, why = _wanted(path)
            if voxxml_only and suffix_of(path).lower() == ".xml" and not wanted:
                skipped.append((path, why))
            else:
                add(path, True)
        else:
            found.missing.append(raw)
    return found


_NAME = attrgetter("name")  # sorts directory entries by name
_POSIX = os.path.normcase("A/B") == "A/B"  # a key needs no case folding
