"""The modules that make record classes, run written out: each class made once, from its recipe, at a start.

``core.records`` replays each dataclass from a recipe that an earlier run of ``dataclasses`` left in the
cache. That still costs a start (issue 14): a class with ``slots`` is made twice (by its ``class``
statement, then again by ``dataclasses._add_slots``), and each module reads a cache entry of its own beside
its ``.pyc``. Here the modules listed in ``MODULES`` are imported through a loader that runs, instead of
the module's own code, its *written-out* form, kept in the same cache folder (``core.datacache``):

* each record class's decorator is gone, and its body ends with ``body(locals(), BASE, INDEX)``, which
  writes into the class's namespace what ``dataclasses`` adds (``records._fill``): the class is made once,
  with its slots, and each generated method (``__init__``, ``__repr__``, ...) is made when it is first
  looked up (``records._Lazy``; its makers' code is unmarshalled then too);
* the class statement is followed by ``made(CLASS, INDEX)``, the steps that need the class itself
  (``records._finish``).

The form is written by ``core.unfolding``, from the module's source, in a run where each of its classes
was made from its recipe; the recipes travel inside it, so a start reads one file per module, as for a
``.pyc``. It is used only while the source file has the size and modification time it was written from,
and so has every module whose record classes its classes derive from (their fields are in its
``__init__``), and only by the Python and the code that wrote it; any other case (no cache folder, a
damaged entry) imports the module as usual, and ``core.records`` makes its classes. ``tests/test_unfolded.py`` holds every class made this way
to the class ``dataclasses`` makes.
"""

from __future__ import annotations

import marshal
import os
import sys
from types import CodeType
from typing import Any

from . import records
from .datacache import cache_folder, place, stamp
from .paths import read_bytes

try:
    from _frozen_importlib_external import PathFinder, SourceFileLoader  # what importlib.machinery names, already loaded
except ImportError:  # pragma: no cover - an interpreter without CPython's frozen import machinery
    from importlib.machinery import PathFinder, SourceFileLoader

# Every module that makes classes through core.records (tests/test_unfolded.py keeps the list whole).
MODULES = frozenset({
    "voxxml.analysis.graph", "voxxml.analysis.states", "voxxml.checks.context", "voxxml.cli.compiling",
    "voxxml.cli.discover", "voxxml.config", "voxxml.core.catalog", "voxxml.core.fixes", "voxxml.core.registry",
    "voxxml.core.source", "voxxml.core.suppressions", "voxxml.core.xmlparse", "voxxml.dialects",
    "voxxml.dialects.common.values", "voxxml.dialects.common.vocabulary", "voxxml.dialects.detect",
    "voxxml.dialects.twiml.values", "voxxml.dialects.voxml.values", "voxxml.dialects.voxxml_v1.values",
    "voxxml.dialects.voxxml_v1.voices", "voxxml.hub.expressions", "voxxml.hub.nodes", "voxxml.hub.semantics",
    "voxxml.pipeline", "voxxml.reporters", "voxxml.runtime.caller", "voxxml.runtime.simulator", "voxxml.targets",
})
FORMAT = 4  # the written-out form's layout: a change gets entries of a new name (and the code's stamps, _MADE_BY, a new form)

# each module being run written out: its classes' key, annotations' kinds, settings, records._known (with each
# maker's arguments) and makers' code (marshalled: records._Makers)
_units: dict[str, tuple] = {}


def entry_name(module: str, origin: str) -> str:
    """The cache entry of a module, per place its source lives and per optimisation level (``-O`` changes the code)."""
    return f"unfolded-{FORMAT}.{module}.{place(origin)}.{sys.implementation.cache_tag}.opt{sys.flags.optimize}.marshal"


def _made_by() -> tuple | None:
    """What a written-out form depends on besides its sources: the Python (its ``dataclasses``) and the code
    that writes and runs the form (``records``, this module, ``unfolding``), by their stamps. Worked out once
    per process; None when one of the files cannot be found (no form is then run or written)."""
    folder = os.path.dirname(__file__)
    try:
        return sys.version, *(stamp(os.path.join(folder, name)) for name in ("records.py", "unfolded.py", "unfolding.py"))
    except OSError:
        return None


_MADE_BY = _made_by()


def _read(module: str, origin: str) -> Any:
    """The written-out code of ``module``, or None: no entry, a damaged one, or a source changed since."""
    folder = cache_folder()
    if folder is None or _MADE_BY is None:
        return None
    try:
        made_by, stamps, code, specs = marshal.loads(read_bytes(os.path.join(folder, entry_name(module, origin))))
        if made_by != _MADE_BY or stamps[0][0] != origin or type(code) is not CodeType or type(specs) is not tuple:
            return None
        for path, kept in stamps:  # the module's own source, then those its classes' fields come from
            if stamp(path) != kept:
                return None
    except (OSError, ValueError, EOFError, TypeError, IndexError):
        return None
    _units[module] = specs
    return code


class _Loader(SourceFileLoader):  # type: ignore[misc,valid-type]
    """A source file's loader that runs the module's written-out form when the cache holds a current one."""

    original: Any = None  # the module's own code, when it is run (to be written out)

    def get_code(self, fullname: str) -> Any:
        code = _read(fullname, self.path)
        if code is None:
            records.watched[fullname] = []  # each class made, for core.unfolding once the module has run
            code = self.original = super().get_code(fullname)
        return code

    def exec_module(self, module: Any) -> None:
        name = module.__name__
        try:
            super().exec_module(module)
        finally:
            _units.pop(name, None)
            made = records.watched.pop(name, None)
        if made and _MADE_BY is not None and all(recipe is not None for _, _, recipe, _ in made):  # every class from a recipe: write it out
            from .unfolding import write

            write(module, self.path, self.original, made)


class _Finder:
    """Finds ``MODULES`` as the path finder does, and gives their specs ``_Loader``: a meta path entry that
    costs other imports one set lookup."""

    @staticmethod
    def find_spec(name: str, path: Any = None, target: Any = None) -> Any:
        if name not in MODULES:
            return None
        spec = PathFinder.find_spec(name, path, target)
        if spec is not None and type(spec.loader) is SourceFileLoader:
            spec.loader = _Loader(name, spec.origin)
        return spec


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once); only on the Python whose ``dataclasses`` records replays."""
    if records._REPLAYS and _Finder not in sys.meta_path:
        sys.meta_path.insert(0, _Finder)  # type: ignore[arg-type]


def body(namespace: dict[str, Any], base: type | None, index: int) -> None:
    """The end of a written-out class's body: what ``dataclasses`` adds, written into its namespace."""
    _, kinds, settings, known, makers = _units[namespace["__module__"]][index]
    recipe = (kinds, records._Makers(makers))
    records._fill(namespace, base.__mro__ if base is not None else (object,), namespace["__qualname__"], recipe, settings, known=known)


def made(cls: type, index: int) -> None:
    """After a written-out class statement: the steps that need the class (``records._finish``)."""
    key, _, settings, _, _ = _units[cls.__module__][index]
    records._finish(cls, settings)
    records._made[cls] = key  # a subclass made elsewhere names its bases' keys


__all__ = ["MODULES", "body", "entry_name", "install", "made"]
