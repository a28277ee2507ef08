"""Data files (the vocabularies' TOML) parsed once per version of their text, not on every run.

Parsing a dialect's ``vocabulary.toml`` (and importing ``tomllib`` to do it) cost more than linting a
short file, on every start of ``voxxml``. The parsed tables are plain data, so they are kept with
``marshal`` (what Python's own ``.pyc`` cache uses) in the user's cache folder, under a name made of
the file's name, a CRC of its bytes and the interpreter's cache tag: an edited file or another Python
gets a new entry, and a stale entry is never read. Any failure (a read-only home, a damaged entry)
falls back to parsing; the cache is an optimisation, never a source of truth.

``VOXXML_CACHE_DIR`` names the folder (empty: no cache); the default is ``$XDG_CACHE_HOME/voxxml`` or
``~/.cache/voxxml``. An entry is as trusted as a ``.pyc`` file: it lives in the user's own folder.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from pathlib import Path
from typing import Any


def cache_dir() -> Path | None:
    """The folder entries live in, or None when caching is off."""
    chosen = os.environ.get("VOXXML_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "voxxml"


def load_toml(path: Path) -> dict[str, Any]:
    """``tomllib.loads`` of the file at ``path`` (UTF-8), from the cache when this exact text was parsed before."""
    return parse_toml(path.read_bytes(), f"{path.parent.name}-{path.stem}")


def parse_toml(data: bytes, label: str) -> dict[str, Any]:
    """``tomllib.loads`` of ``data`` (UTF-8), from the cache when this exact text was parsed before.

    ``label`` names the entry (a file's folder and name) so that the folder stays readable."""
    folder = cache_dir()
    entry = folder / f"{label}-{zlib.crc32(data):08x}-{len(data)}.{sys.implementation.cache_tag}.marshal" if folder is not None else None
    if entry is not None:
        try:
            cached = marshal.loads(entry.read_bytes())
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


def store(entry: Path, payload: bytes) -> None:
    """Write an entry atomically (a temporary file, then a rename), so a reader never sees half of one."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        temporary.write_bytes(payload)
        os.replace(temporary, entry)
    except OSError:
        pass


__all__ = ["cache_dir", "load_toml", "parse_toml", "store"]
