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
from ..core.records import dataclass, field
from pathlib import Path

from ..dialects import Dialect, every_dialect

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


def root_element(path: Path) -> str | None:
    """The root element's name, from the first bytes of the file (None if not found)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return None
    for bom in (b"\xef\xbb\xbf",):
        if head.startswith(bom):
            head = head[len(bom) :]
    match = re.match(_ROOT, head)
    return match.group(1).decode("ascii", "replace") if match else None


def dialect_for(path: Path) -> Dialect | None:
    """The registered dialect that claims a file found in a directory (the first by name), or None."""
    return _claim(path)[0]


def _claim(path: Path) -> tuple[Dialect | None, str | None]:
    """The claiming dialect, and the sniffed root element of a ``.xml`` file (read only when needed)."""
    registered = every_dialect()
    suffix = path.suffix.lower()
    for dialect in registered:
        if suffix in dialect.extensions:
            return dialect, None
    if suffix != ".xml":
        return None, None
    root = root_element(path)
    return next((d for d in registered if d.claims(path, root)), None), root


def _wanted(path: Path) -> tuple[bool, str]:
    dialect, root = _claim(path)
    if dialect is not None:
        return True, ""
    if path.suffix.lower() == ".xml":
        return False, f"root element is <{root}>" if root else "no root element found"
    suffixes = sorted({s for d in every_dialect() for s in d.extensions}) + [".xml"]
    return False, f"not a {' or '.join(suffixes)} file"


def discover(paths: list[str], voxxml_only: bool = False) -> Discovery:
    """``voxxml_only``: skip a named .xml file whose root is not <Response> too (for pre-commit)."""
    found = Discovery()
    seen: set[str] = set()
    claimed = frozenset(s for dialect in every_dialect() for s in dialect.extensions)

    def add(path: Path, explicit: bool, key: str | None = None) -> None:
        # The same file named twice (or through a link) is linted once: each is known by its
        # resolved path (a walked file that is not a link by its resolved folder and its name).
        key = os.path.normcase(key if key is not None else str(path.resolve()))
        if key not in seen:
            seen.add(key)
            found.files.append((path, explicit))

    def walk(top: str) -> None:
        """Each folder's files in name order, then its folders (as ``os.walk``: top-down, sorted):
        hidden folders, ``SKIP_DIRS`` and links to folders are not entered. The directory entries
        say which names are folders and links without a system call per file."""
        pending = [top]  # folders still to list, the next last (a stack: any depth, no recursion)
        while pending:
            directory = pending.pop()
            try:
                with os.scandir(directory) as listing:
                    entries = sorted(listing, key=_name)
            except OSError:
                continue
            folder = os.path.realpath(directory)
            folders = []
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                name = entry.name
                if is_dir:
                    if not name.startswith(".") and name not in SKIP_DIRS and not entry.is_symlink():
                        folders.append(entry.path)
                    continue
                suffix = os.path.splitext(name)[1].lower()
                if suffix not in claimed and suffix != ".xml":
                    continue
                candidate = Path(entry.path)
                key = None if entry.is_symlink() else os.path.join(folder, name)
                if suffix in claimed:
                    add(candidate, False, key)
                    continue
                wanted, why = _wanted(candidate)
                if wanted:
                    add(candidate, False, key)
                else:
                    found.skipped.append((candidate, why))
            pending.extend(reversed(folders))

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            walk(str(path))
        elif path.is_file():
            wanted, why = _wanted(path)
            if voxxml_only and path.suffix.lower() == ".xml" and not wanted:
                found.skipped.append((path, why))
            else:
                add(path, True)
        else:
            found.missing.append(raw)
    return found


def _name(entry: os.DirEntry) -> str:
    return entry.name
