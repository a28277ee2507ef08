"""Stand-ins for modules lxml and ``dataclasses`` import but a lint never uses: each loads on first use.

``lxml.etree`` imports ``inspect`` (for ``getfullargspec``, used when a parser is given a target object),
``gzip`` (for compressed output) and ``lxml._elementpath`` (for ``find`` and its kin); ``dataclasses``
imports ``inspect`` (for the doc string of a class that has none). A lint uses none of them, and ``inspect``
brings ``ast``, ``dis``, ``tokenize`` and ``linecache`` with it: 33 M of the 208 M instructions of
``voxxml lint`` on a one-verb file, ``gzip`` another 3.3 M and ``_elementpath`` 1.7 M (issue 14, callgrind,
``python -S``).

While ``deferring()`` is open, each module not yet imported is a ``Deferred`` in ``sys.modules``: the
modules imported then keep it, and it imports the real module the first time one of them uses it. The
names those modules take with ``from ... import`` when they import (``FROM_IMPORTS``) are forwarding
functions; any other name imports the real module at once, so a new lxml that takes another name is
slower, not wrong. When the block ends the stand-ins leave ``sys.modules``, so any later ``import
inspect`` gets the real module. Where a module is already imported (a test run, a program that
imported it first), nothing changes.
"""

from __future__ import annotations

import _thread
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

# For each deferred module, the names lxml.etree (6.x) imports from it by name as it imports: lxml's
# parsertarget.pxi (getfullargspec) and serializer.pxi (GzipFile, which it only calls); etree.pyx keeps
# _elementpath as a module.
FROM_IMPORTS: dict[str, tuple[str, ...]] = {"inspect": ("getfullargspec",), "gzip": ("GzipFile",), "lxml._elementpath": ()}

_lock = _thread.RLock()


class Deferred(ModuleType):
    """A module's stand-in: the first attribute it does not have imports the real module and comes from it."""

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._real(), attribute)

    def _real(self) -> ModuleType:
        name = self.__name__
        with _lock:
            if sys.modules.get(name) is self:
                del sys.modules[name]
            __import__(name)
            return sys.modules[name]


def _forwarder(module: Deferred, name: str) -> Callable[..., Any]:
    def forward(*args: Any, **kwargs: Any) -> Any:
        return getattr(module._real(), name)(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = name
    forward.__module__ = module.__name__
    forward.__doc__ = f"{module.__name__}.{name}, imported on its first call."
    return forward


@contextmanager
def deferring(names: tuple[str, ...] = tuple(FROM_IMPORTS)) -> Iterator[None]:
    """Within the block, each module in ``names`` not yet imported is a ``Deferred`` stand-in."""
    placed: list[Deferred] = []
    with _lock:
        for name in names:
            if name not in sys.modules:
                standin = Deferred(name)
                for attribute in FROM_IMPORTS.get(name, ()):
                    setattr(standin, attribute, _forwarder(standin, attribute))
                sys.modules[name] = standin
                placed.append(standin)
    try:
        yield
    finally:
        with _lock:
            for standin in placed:
                if sys.modules.get(standin.__name__) is standin:
                    del sys.modules[standin.__name__]
