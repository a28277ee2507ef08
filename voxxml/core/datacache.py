"""Data files (the vocabularies' TOML) parsed once per version of their text, not on every run.

Parsing a dialect's ``vocabulary.toml`` (and importing ``tomllib`` to do it) cost more than linting a
short file, on every start of ``voxxml``. The parsed tables are plain data, so they are kept with
``marshal`` (what Python's own ``.pyc`` cache uses) in the user's cache folder, under a name made of
the file's name, a CRC of its bytes and the interpreter's cache tag: an edited file or another Python
gets a new entry, and a stale entry is never read. Any failure (a read-only home, a damaged entry)
falls back to parsing; the cache is an optimisation, never a source of truth.

``VOXXML_CACHE_DIR`` names the folder (empty: no cache); the default is ``$XDG_CACHE_HOME/voxxml`` or
``~/.cache/voxxml``. An entry is as trusted as a ``.pyc`` file: it lives in the user's own folder.

The folder does not grow for ever. Every install place (a virtual environment, a checkout, a wheel
in a temporary folder), every version of a file and every Python adds entries of its own, and only
``store`` could notice the ones nobody reads any more. So the first ``store`` of a process (a run that
writes: after an install or an edit, rare) removes the entries written more than ``MAX_AGE`` ago. An
entry still in use is written again by the next run that misses it, once a month at most.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from functools import cache
from typing import TYPE_CHECKING, Any

from .paths import read_bytes

if TYPE_CHECKING:
    from pathlib import Path


def cache_dir() -> Path | None:
    """The folder entries live in, or None when caching is off."""
    from pathlib import Path

    folder = cache_folder()
    return Path(folder) if folder is not None else None


def cache_folder() -> str | None:
    """``cache_dir`` as a string (what the start needs: a ``Path`` per entry cost more than reading it).

    Worked out once per value of the variables it reads: a start asks for it once per entry it reads."""
    environ = os.environ
    return _folder(environ.get("VOXXML_CACHE_DIR"), environ.get("XDG_CACHE_HOME"), environ.get("HOME"))


@cache
def _folder(chosen: str | None, xdg_cache_home: str | None, home: str | None) -> str | None:
    if chosen is not None:
        return chosen or None
    base = xdg_cache_home or os.path.join(os.path.expanduser("~"), ".cache")  # "~" is $HOME when it is set
    return os.path.join(base, "voxxml")


def stamp(path: str) -> tuple[int, int]:
    """What an entry made from a source file is kept for: the file's modification time and size (as a ``.pyc``)."""
    status = os.stat(path)
    return status.st_mtime_ns, status.st_size


def place(origin: str) -> str:
    """A source file's place in an entry's name (a CRC of its path): two checkouts, or a wheel and an editable
    install, keep their entries apart instead of adding to (and pruning) each other's."""
    return f"{zlib.crc32(origin.encode('utf-8', 'surrogatepass')):08x}"


def load_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    """``tomllib.loads`` of the file at ``path`` (UTF-8), from the cache when this exact text was parsed before."""
    name = os.fspath(path)
    with open(name, "rb") as file:
        data = file.read()
    return parse_toml(data, f"{os.path.basename(os.path.dirname(name))}-{os.path.splitext(os.path.basename(name))[0]}")


def parse_toml(data: bytes, label: str) -> dict[str, Any]:
    """``tomllib.loads`` of ``data`` (UTF-8), from the cache when this exact text was parsed before.

    ``label`` names the entry (a file's folder and name) so that the folder stays readable."""
    folder = cache_folder()
    entry = os.path.join(folder, f"{label}-{zlib.crc32(data):08x}-{len(data)}.{sys.implementation.cache_tag}.marshal") if folder is not None else None
    if entry is not None:
        try:
            cached = marshal.loads(read_bytes(entry))
            if isinstance(cached, dict):
                return cached
        except (OSError, ValueError, EOFError, TypeError):
            pass
    import tomllib

    parsed = tomllib.loads(data.decode("utf-8"))
    if entry is not None:
        try:
            payload = marshal.dumps(parsed)
        except ValueError:  # a value marshal cannot keep (a TOML date): parse it every time
            return parsed
        store(entry, payload)
    return parsed


MAX_AGE = 30 * 24 * 3600  # seconds: how long an entry stays after it was written
_pruned: set[str] = set()  # the folders this process has pruned


def store(entry: str | os.PathLike[str], payload: bytes) -> None:
    """Write an entry atomically (a temporary file, then a rename), so a reader never sees half of one;
    the first in a folder prunes it (``prune``)."""
    try:
        path = os.fspath(entry)
        folder = os.path.dirname(path)
        if folder not in _pruned:
            _pruned.add(folder)
            prune(folder)
        os.makedirs(folder, exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "wb") as file:
            file.write(payload)
        os.replace(temporary, path)
    except OSError:
        pass


# voxxml's entry names, and a write's temporary file beside one: a parsed file's (``parse_toml``: its label, the
# CRC and length of its text, the cache tag), the records' (``generated-N.``) and the written-out modules'
# (``unfolded-N.``). ``VOXXML_CACHE_DIR`` may name a folder other programs use too: ``prune`` leaves their files alone.
_ENTRY_NAME = r"(?:(?:generated|unfolded)-[0-9]+\.[^/]+|[^/]+-[0-9a-f]{8}-[0-9]+\.[^./]+)\.marshal(?:\.[0-9]+\.tmp)?"


def prune(folder: str, max_age: float = MAX_AGE) -> int:
    """Remove voxxml's entries (``_ENTRY_NAME``, and the temporary files of writes that never finished) written
    more than ``max_age`` seconds ago; nothing else in the folder. A reader that loses its entry parses again.
    How many it removed."""
    import re
    import time

    ours = re.compile(_ENTRY_NAME).fullmatch
    oldest = time.time() - max_age
    removed = 0
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if ours(entry.name) and entry.is_file(follow_symlinks=False):
                    try:
                        if entry.stat(follow_symlinks=False).st_mtime < oldest:
                            os.remove(entry.path)
                            removed += 1
                    except OSError:  # gone already (another process pruned it), or not ours to remove
                        pass
    except OSError:  # no folder yet, or unreadable
        pass
    return removed


__all__ = ["MAX_AGE", "cache_dir", "cache_folder", "load_toml", "parse_toml", "place", "prune", "stamp", "store"]
