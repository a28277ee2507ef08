"""A registry of named plug-ins imported on first use (targets, dialects).

Listing the names or their summaries imports nothing, so ``voxxml lint`` loads no compiler; an entry is
registered either as an object or as the ``"package.module:attribute"`` path of one.
"""

from __future__ import annotations

import importlib
from .records import dataclass
from functools import cache
from typing import Any, Callable, Generic, TypeVar

T = TypeVar("T")


@cache
def load(path: str) -> Any:
    """The object a ``"package.module:attribute"`` path names, imported now (once)."""
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


@dataclass
class _Entry(Generic[T]):
    """A registered name: its one-line summary, where to import it from, and what was imported."""

    summary: str
    path: str | None  # "package.module:attribute", imported on first use
    loaded: T | None = None


class Registry(Generic[T]):
    """Named entries of one kind; ``kind`` names them in messages ("target") and ``what`` their type
    ("Target"), ``unknown`` is the error raised for an unregistered name, and ``valid`` says whether an
    imported object is a ``T`` registered under a name."""

    def __init__(self, kind: str, what: str, unknown: type[ValueError], valid: Callable[[Any, str], bool]) -> None:
        self.kind, self.what, self.unknown, self.valid = kind, what, unknown, valid
        self._entries: dict[str, _Entry[T]] = {}
        self._every: tuple[T, ...] | None = None  # every entry, imported: kept until the next (un)registration

    def register(self, name: str, entry: T | str, summary: str, *, replace: bool = False) -> None:
        if name in self._entries and not replace:
            raise ValueError(f"a {self.kind} named {name!r} is already registered")
        self._every = None
        if isinstance(entry, str):
            self._entries[name] = _Entry(summary, entry)
        else:
            self._entries[name] = _Entry(summary, None, entry)

    def unregister(self, name: str) -> None:
        self._entries.pop(name, None)
        self._every = None

    def every(self) -> tuple[T, ...]:
        """Every entry, sorted by name, each imported now: asked once per file found (discovery), so kept."""
        if self._every is None:
            self._every = tuple(self.get(name) for name in self.names())
        return self._every

    def names(self) -> tuple[str, ...]:
        """The registered names, sorted. Imports nothing."""
        return tuple(sorted(self._entries))

    def summaries(self) -> dict[str, str]:
        return {name: self._entries[name].summary for name in self.names()}

    def get(self, name: str) -> T:
        """The entry registered under ``name``, imported now if it was registered by path."""
        entry = self._entries.get(name)
        if entry is None:
            raise self.unknown(f"unknown {self.kind} {name!r}; the {self.kind}s are: {', '.join(self.names()) or '(none)'}")
        if entry.loaded is None:
            assert entry.path is not None
            loaded = load(entry.path)
            if not self.valid(loaded, name):
                raise TypeError(f"{entry.path} is not a {self.what} named {name!r}")
            entry.loaded = loaded
        return entry.loaded
