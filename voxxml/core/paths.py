"""Paths as strings: what ``voxxml lint`` needs of ``pathlib``, without importing it.

Importing ``pathlib`` imports ``urllib.parse`` and ``ipaddress`` with it: about a tenth of what a lint of a
one-verb file did besides importing lxml (issue 14). The lint path (discovery, configuration lookup, reading)
works on strings, with the functions below giving what the ``PurePath`` of the same string gives; a ``Path``
is made only where a configuration file needs one (its globs, ``Settings.root``). On a system whose paths are
not POSIX the functions are pathlib's own. ``tests/test_paths.py`` holds them to pathlib on any string.
"""

from __future__ import annotations

import os
import stat

POSIX = os.name == "posix"


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """``Path(path).read_bytes()`` in four system calls, without file objects: ``open()`` makes a raw file and a
    buffer for every file, and asks the kernel about eleven times (three ``fstat``, two ``lseek``, whether the
    file is a terminal, two reads), which a lint of a folder pays for every file (issue 14).

    One read of the size ``fstat`` gives, and one more byte: a regular file that returns no more than its size
    has ended. Anything else (a pipe, a file of ``/proc``, a file that grew) is read on to its end."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        status = os.fstat(descriptor)
        size = status.st_size
        chunk = os.read(descriptor, size + 1)
        if len(chunk) <= size and stat.S_ISREG(status.st_mode):
            return chunk
        chunks = [chunk]
        while chunk:
            chunk = os.read(descriptor, 1 << 16)
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _parts(path: str) -> tuple[str, list[str]]:
    """The root (``""``, ``"/"`` or ``"//"``) and the parts of a POSIX path, as ``PurePosixPath`` parses them:
    empty parts and ``.`` dropped, ``..`` kept, two leading slashes kept and three or more read as one."""
    root = ""
    if path.startswith("/"):
        stripped = path.lstrip("/")
        root = "//" if len(path) - len(stripped) == 2 else "/"
        path = stripped
    return root, [part for part in path.split("/") if part and part != "."]


def as_written(path: str) -> str:
    """``str(PurePath(path))``: the path as pathlib writes it (``./a//b.xml`` as ``a/b.xml``, ``""`` as ``.``)."""
    if not POSIX:
        from pathlib import PurePath

        return str(PurePath(path))
    root, parts = _parts(path)
    return root + "/".join(parts) if root or parts else "."


def name(path: str) -> str:
    """``PurePath(path).name``: the last part, ``""`` for a root or ``.``."""
    if not POSIX:
        from pathlib import PurePath

        return PurePath(path).name
    root, parts = _parts(path)
    return parts[-1] if parts else ""


def suffix(path: str) -> str:
    """``PurePath(path).suffix``: the last part's final suffix (``.xml``), ``""`` for none (``.profile``, ``a.``)."""
    last = name(path)
    dot = last.rfind(".")
    return last[dot:] if 0 < dot < len(last) - 1 else ""


def parent(path: str) -> str:
    """``str(PurePath(path).parent)``: the path without its last part (a root, and ``.``, are their own parent)."""
    if not POSIX:
        from pathlib import PurePath

        return str(PurePath(path).parent)
    root, parts = _parts(path)
    parts = parts[:-1]
    return root + "/".join(parts) if root or parts else "."


def resolved(path: str) -> str:
    """``str(Path(path).resolve())`` for a path that exists (a file found, or its folder): ``os.path.realpath``
    of the path as pathlib writes it, which is what ``Path.resolve`` calls (it then stats the result to report
    a link loop, which a path that exists cannot be in)."""
    if not POSIX:
        from pathlib import Path

        return str(Path(path).resolve())
    return as_written(os.path.realpath(as_written(path)))
