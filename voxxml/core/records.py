"""Dataclasses made from what an earlier run of ``dataclasses`` decided, not worked out on every start.

``dataclasses`` works each class out anew at every start: it reads the annotations and decides which are
fields, ClassVars or InitVars, writes each generated method (``__init__``, ``__repr__``, ``__eq__``, ...)
as source text and compiles it, and builds the doc string and ``__slots__``. voxxml makes about 80
dataclasses before it lints anything, and this was a third of the time ``voxxml lint`` took on a
one-verb file (issue 14).

``dataclass`` here is ``dataclasses.dataclass`` (the same options and result) with a cache, kept with
``marshal`` in the user's cache folder (``core.datacache``) under the interpreter's cache tag, as
Python keeps ``.pyc`` files:

* the code it generates, keyed by its exact source text (``cached_exec``; generated loaders,
  ``hub.nodes.loader``, use it too);
* for each class, a *recipe*: what ``dataclasses`` decided that does not depend on values (the kind
  of each annotation, and the code of each method it generated, in order). It is keyed by everything
  those decisions are made from: the module's source file (size and modification time, as a ``.pyc``),
  the class's name, options, own names and annotations, each field's ``field()`` settings, whether it
  has ``__post_init__`` or a doc string, and its dataclass bases' keys.

A class whose recipe is known is made by ``_replay``: the same steps as ``dataclasses._process_class``
in the same order, with the same helpers (``field``, ``_recursive_repr``, ``_add_slots``,
``_hash_action``, ``inspect.signature`` for a missing doc string), the fields' values (defaults,
factories, types) taken from the class as it is now. Any other class (no source file, another Python,
a base made elsewhere, an option this module does not know) is made by ``dataclasses`` itself, as is
every class the first time; a run that made one saves its recipe. ``tests/test_records.py`` compares
every voxxml dataclass made both ways.
"""

from __future__ import annotations

import _thread
import atexit
import collections
import io
import marshal
import os
import sys
import typing
from types import CodeType, FunctionType, MemberDescriptorType
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from .datacache import cache_folder, place, stamp, store
from .paths import read_bytes
from .deferred import deferring

with deferring(("inspect",)):  # dataclasses uses inspect only for a class without a doc string
    import dataclasses

T = TypeVar("T")
_LIMIT = 1024  # codes or recipes per module; beyond it (many versions of its classes) its entry starts over
_lock = _thread.RLock()  # dataclasses.exec is module state: one class at a time goes through it (not threading: a lint never imports it)
_recording: list[tuple[str, CodeType]] | None = None  # the code (and its text) compiled or found while dataclasses makes a class
_made: dict[type, tuple] = {}  # the key of each class made here (a subclass's key names its bases')
_stamps: dict[str, tuple[int, int] | None] = {}
# the modules being imported to be written out (core.unfolded): each class made, its key, recipe (None: made
# by dataclasses) and settings
watched: dict[str, list[tuple[type, tuple | None, tuple | None, tuple]]] = {}
_OPTIONS = ("init", "repr", "eq", "order", "unsafe_hash", "frozen", "match_args", "kw_only", "slots", "weakref_slot")
_DEFAULTS = (True, True, True, False, False, False, True, False, False, False)
_KINDS = (dataclasses._FIELD, dataclasses._FIELD_CLASSVAR, dataclasses._FIELD_INITVAR)  # type: ignore[attr-defined]
_REPLAYS = sys.version_info[:2] == (3, 11)  # _replay follows this Python's dataclasses step by step
_MISSING = dataclasses.MISSING


class _Entry:
    """One module's part of the cache (its own file, read when the module first makes a class or runs
    generated code): a lint reads the entries of the modules it imports, not those of every command ever run.

    The file holds two marshalled values, the generated code and then the recipes; the recipes are read
    only when a class is made here (``_make``), not when the module runs written out (``core.unfolded``)
    and only its generated loaders or named tuples' code is wanted."""

    __slots__ = ("codes", "_recipes", "raw", "added")

    def __init__(self, codes: dict[str, CodeType], recipes: dict[tuple, tuple] | None, raw: bytes = b"") -> None:
        self.codes, self._recipes, self.raw, self.added = codes, recipes, raw, False

    @property
    def recipes(self) -> dict[tuple, tuple]:
        if self._recipes is None:
            self._recipes = {}
            try:
                stream = io.BytesIO(self.raw)
                marshal.load(stream)
                recipes = marshal.load(stream)
                if isinstance(recipes, dict) and len(recipes) <= _LIMIT:
                    self._recipes = recipes
            except (ValueError, EOFError, TypeError):
                pass
            self.raw = b""
        return self._recipes


_entries: dict[str, _Entry] = {}


def _entry_name(module: str) -> str:
    """An entry per module and per place its source lives (``_origin``, ``datacache.place``)."""
    origin = _origin(module)
    where = f".{place(origin)}" if origin is not None else ""
    return f"generated-4.{module}{where}.{sys.implementation.cache_tag}.marshal"  # 4: code, then recipes (with the makers' code)


def _origin(module: str) -> str | None:
    origin = getattr(getattr(sys.modules.get(module), "__spec__", None), "origin", None)
    return origin if isinstance(origin, str) and origin.endswith(".py") else None


def _entry(module: str) -> _Entry:
    entry = _entries.get(module)
    if entry is None:
        if not _entries:
            atexit.register(_save)
        entry = _entries[module] = _Entry({}, {})
        folder = cache_folder()
        if folder is not None:
            try:
                raw = read_bytes(os.path.join(folder, _entry_name(module)))
                codes = marshal.loads(raw)  # the first of the file's two values (marshal ignores what follows)
                if isinstance(codes, dict) and len(codes) <= _LIMIT:
                    entry.codes, entry._recipes, entry.raw = codes, None, raw
            except (OSError, ValueError, EOFError, TypeError):
                pass
    return entry


def cached_exec(source: str, globals: dict[str, Any], locals: dict[str, Any] | None = None) -> None:
    """``exec(source, globals, locals)``, with ``source`` compiled at most once per interpreter (kept in the
    entry of the module ``globals`` belong to; code run in a namespace of its own, in a shared one).

    While ``dataclasses`` makes a class, the code is only recorded: the class's recipe keeps it, and it is
    kept on its own only when no recipe could be made (``_make``)."""
    entry = _entry(globals.get("__name__") or "shared")
    code = entry.codes.get(source)
    if code is None:
        code = compile(source, "<string>", "exec", dont_inherit=True)  # as exec(source) in dataclasses
        if _recording is None:
            entry.codes[source] = code
            entry.added = True
    if _recording is not None:
        _recording.append((source, code))
    exec(code, globals, locals)  # noqa: S102 - code generated by dataclasses or by voxxml itself


def _save() -> None:
    """Write the entries this run added to, each with the recipes of its module's current source only: a
    recipe of an older version of the file can never be used again (its key names the old stamp), and
    reading hundreds of them cost more than the classes they describe."""
    folder = cache_folder()
    if folder is None:
        return
    for module, entry in _entries.items():
        if entry.added:
            recipes = entry.recipes
            if module in _stamps:
                current = _stamps[module]
                recipes = {key: recipe for key, recipe in recipes.items() if key[1] == current}
            fits = len(entry.codes) <= _LIMIT and len(recipes) <= _LIMIT
            codes, recipes = (entry.codes, recipes) if fits else ({}, {})
            store(os.path.join(folder, _entry_name(module)), marshal.dumps(codes) + marshal.dumps(recipes))


def _stamp(module_name: str) -> tuple[int, int] | None:
    """The size and modification time of a module's source file (None: no file, so no recipe)."""
    if module_name not in _stamps:
        found = None
        origin = _origin(module_name)
        if origin is not None:
            try:
                found = stamp(origin)
            except OSError:
                pass
        _stamps[module_name] = found
    return _stamps[module_name]


def _key(cls: type, settings: tuple) -> tuple | None:
    """What ``dataclasses`` decides for ``cls`` is made from; None when it cannot be replayed."""
    stamp = _stamp(cls.__module__)
    if stamp is None:
        return None
    bases = []
    for base in cls.__mro__[1:-1]:
        made = _made.get(base)
        if made is not None:
            bases.append(made)
        elif "__dataclass_fields__" in base.__dict__:  # a dataclass made elsewhere
            return None
    own = []
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        if type(annotation) is not str:
            return None
        value = getattr(cls, name, _MISSING)
        if isinstance(value, dataclasses.Field):
            kw_only = "unset" if value.kw_only is _MISSING else value.kw_only  # MISSING's repr names its address
            shape: tuple = (value.default is _MISSING, value.default_factory is _MISSING, value.init, value.repr, value.hash, value.compare, kw_only)
        else:
            shape = (value is _MISSING or isinstance(value, MemberDescriptorType),)
        own.append((name, annotation, shape))
    facts = (hasattr(cls, "__post_init__"), not getattr(cls, "__doc__"), cls.__dict__.get("__hash__", 0) is None)
    return (cls.__qualname__, stamp, settings, tuple(cls.__dict__), tuple(own), facts, tuple(bases))


_CONSTANTS = {
    "MISSING": _MISSING,
    "_HAS_DEFAULT_FACTORY": dataclasses._HAS_DEFAULT_FACTORY,  # type: ignore[attr-defined]
    "__dataclass_builtins_object__": object,
    "_return_type": None,
    "FrozenInstanceError": dataclasses.FrozenInstanceError,
}


_KNOWN = {*_CONSTANTS, "cls"}


def _recipe(cls: type, made: type, codes: list[tuple[str, CodeType]]) -> tuple | None:
    """What to keep of a class ``dataclasses`` just made: each own annotation's kind (None: the KW_ONLY
    marker), and each generated method's maker code, in the order made."""
    fields = made.__dataclass_fields__  # type: ignore[attr-defined]
    kinds = []
    for name in cls.__dict__.get("__annotations__", {}):
        made_field = fields.get(name)
        if made_field is None or made_field.type is not cls.__annotations__[name]:
            kinds.append(None)  # KW_ONLY (or a name dataclasses skipped): replayed as the marker
        else:
            kinds.append(_KINDS.index(made_field._field_type))
    made_by = []  # each method's maker, the __create_fn__ its text defines
    for _, code in codes:
        makers = [constant for constant in code.co_consts if isinstance(constant, CodeType)]
        if len(makers) != 1 or makers[0].co_name != "__create_fn__" or makers[0].co_flags & 0x08:  # 0x08: **kwargs
            return None
        maker = makers[0]
        for name in maker.co_varnames[: maker.co_argcount]:
            if name not in _KNOWN and not (name.startswith(("_type_", "_dflt_")) and name[6:] in fields):
                return None
        made_by.append(maker)
    return tuple(kinds), tuple(made_by)


_Field = dataclasses.Field
_FIELD, _CLASSVAR, _INITVAR = _KINDS
_PARAMS = dataclasses._DataclassParams  # type: ignore[attr-defined]
_HASH_ADD = dataclasses._hash_add  # type: ignore[attr-defined]


def _fill(namespace: dict[str, Any], inherited: tuple[type, ...], qualname: str, recipe: tuple, settings: tuple, cls: type | None = None,
          known: tuple | None = None) -> None:
    """``dataclasses._process_class`` (Python 3.11), step by step, with the decisions of ``recipe``, written
    into a class's ``namespace``: the steps that need the class itself (``_finish``) come after it is made.

    ``inherited`` is what the class's ``__mro__`` holds after the class. The namespace is either the class
    body's own, before the class is made (a written-out module, ``core.unfolded``: a slotted class is made
    once), or a copy of the made class ``cls``'s (``_replay``). ``known`` is what a written-out module
    knows of the class already: ``_known``, worked out from all its fields when it was written (and kept
    while their sources are unchanged), and each maker's ``_arguments``. Written for a start's speed: the
    fields are made as ``field()`` makes them. ``tests/test_records.py`` and ``tests/test_unfolded.py`` hold
    the result to ``dataclasses``' own, method by method."""
    kinds, makers = recipe
    init, repr, eq, order, unsafe_hash, frozen, match_args, kw_only, slots, weakref_slot = settings
    position = 0  # the next generated method's maker in ``makers``, in the order dataclasses makes them
    globals = sys.modules[namespace["__module__"]].__dict__
    namespace["__dataclass_params__"] = _PARAMS(init, repr, eq, order, unsafe_hash, frozen)
    fields: dict[str, Any] = {}
    for base in inherited[::-1]:
        base_fields = getattr(base, "__dataclass_fields__", None)
        if base_fields is not None:
            fields.update(base_fields)  # keyed by each field's name, as dataclasses puts them
    own = []
    given = []  # own fields whose class attribute is a Field (``field(...)``)
    for (name, annotation), kind in zip(namespace.get("__annotations__", {}).items(), kinds):
        if kind is None:
            kw_only = True
            continue
        if name in namespace:
            default = namespace[name]
        else:  # getattr(cls, name) for a name the class does not hold itself
            default = _MISSING
            for base in inherited:
                if name in base.__dict__:
                    default = getattr(base, name)
                    break
        if isinstance(default, _Field):
            made_field = default
            given.append(made_field)
        else:
            if type(default) is MemberDescriptorType:
                default = _MISSING
            made_field = _Field(default, _MISSING, True, True, None, True, None, _MISSING)  # field(default=default)
        made_field.name = name
        made_field.type = annotation
        made_field._field_type = _KINDS[kind]  # type: ignore[attr-defined]
        if kind != 1 and made_field.kw_only is _MISSING:
            made_field.kw_only = kw_only
        own.append(made_field)
    for made_field in own:
        fields[made_field.name] = made_field
    for made_field in given:  # a Field as the class attribute: its default instead, or none
        if made_field.default is _MISSING:
            del namespace[made_field.name]
        else:
            namespace[made_field.name] = made_field.default
    namespace["__dataclass_fields__"] = fields
    class_hash = namespace.get("__hash__", _MISSING)
    if class_hash is _MISSING and "__eq__" in namespace:
        class_hash = None  # what type() puts there for a class with __eq__ and no __hash__
    has_explicit_hash = not (class_hash is _MISSING or (class_hash is None and "__eq__" in namespace))

    def method(wrap: Callable[[Any], Any] | None = None) -> Any:
        """The next generated method; in a namespace (``cls`` not made yet), made when first looked up (``_Lazy``)."""
        nonlocal position
        index, position = position, position + 1
        plan = known[3][index] if known is not None else _arguments(makers[index])
        if cls is None:
            return _Lazy(makers, index, plan, fields, globals, wrap)
        made_method = _method(makers[index], plan, fields, globals, cls)
        return made_method if wrap is None else wrap(made_method)

    def put(name: str, value: Any) -> None:  # dataclasses._set_new_attribute, with _set_qualname
        if name not in namespace:
            if isinstance(value, FunctionType):
                value.__qualname__ = f"{qualname}.{value.__name__}"
            namespace[name] = value

    if init:
        put("__init__", method())
    if repr:
        put("__repr__", method(dataclasses._recursive_repr))  # type: ignore[attr-defined]
    if eq:
        put("__eq__", method())
    if order:
        for name in ("__lt__", "__le__", "__gt__", "__ge__"):
            put(name, method())
    if frozen:  # __setattr__ and __delattr__, which hold the class (in a namespace, the class it becomes)
        put("__setattr__", method())
        put("__delattr__", method())
    hash_action = dataclasses._hash_action[bool(unsafe_hash), bool(eq), bool(frozen), has_explicit_hash]  # type: ignore[attr-defined]
    if hash_action is _HASH_ADD:
        hashed = method()
        if isinstance(hashed, FunctionType):
            hashed.__qualname__ = f"{qualname}.{hashed.__name__}"
        namespace["__hash__"] = hashed
    elif hash_action is not None:  # _hash_set_none (_hash_exception's classes never have a recipe)
        namespace["__hash__"] = None
    if known is None:
        known = _known(fields, inherited, settings)
    if match_args and "__match_args__" not in namespace:  # the fields __init__ takes by position, in order
        namespace["__match_args__"] = known[0]
    if slots:  # dataclasses._add_slots, on the namespace
        namespace["__slots__"], names = known[1], known[2]
        for name in names:
            namespace.pop(name, None)
        namespace.pop("__dict__", None)
        namespace.pop("__weakref__", None)
    if cls is not None and position != len(makers):  # (a written-out module's were counted when it was written)
        raise AssertionError(f"{qualname}: the recipe has {len(makers) - position} methods too many")


def _known(fields: dict[str, Any], inherited: tuple[type, ...], settings: tuple) -> tuple:
    """What ``_fill`` works out from all the fields, own and inherited: ``__match_args__`` (the fields
    ``__init__`` takes by position, in order), and for ``slots`` the ``__slots__`` (the field names, less
    those a base has slots for) and the field names (taken off the namespace)."""
    match_args = tuple(f.name for f in fields.values() if f._field_type is not _CLASSVAR and f.init and not f.kw_only)
    if not settings[8]:
        return match_args, None, None
    names = tuple(f.name for f in fields.values() if f._field_type is _FIELD)
    kept = set()
    for base in inherited[:-1]:
        kept.update(dataclasses._get_slots(base))  # type: ignore[attr-defined]
    return match_args, tuple(name for name in (*names, *(("__weakref__",) if settings[9] else ())) if name not in kept), names


def _method(code: CodeType, plan: tuple[tuple[int, str], ...], fields: dict[str, Any], globals: dict[str, Any], cls: type | None) -> Any:
    """What ``exec(text)`` and the call of its ``__create_fn__`` do in ``dataclasses._create_fn``: the maker's
    arguments (``_arguments``) looked up in the class's fields and ``_CONSTANTS``."""
    values = []
    for how, name in plan:
        if how == 0:
            values.append(fields[name].type)
        elif how == 1:
            default = fields[name]
            values.append(default.default if default.default_factory is _MISSING else default.default_factory)
        else:
            values.append(cls if name == "cls" else _CONSTANTS[name])
    return FunctionType(code, globals)(*values)


class _Makers:
    """A written-out class's makers' code (``core.unfolded``), unmarshalled when the first of its methods is made."""

    __slots__ = ("blob", "codes")

    def __init__(self, blob: bytes) -> None:
        self.blob, self.codes = blob, None

    def __getitem__(self, index: int) -> CodeType:
        if self.codes is None:
            self.codes, self.blob = marshal.loads(self.blob), b""
        return self.codes[index]  # type: ignore[index]


class _Lazy:
    """A generated method of a class made from its namespace (a written-out module), made when first looked up.

    Most record classes of a start are never printed, compared or hashed, and many are never made: their
    ``__init__``, ``__repr__``, ``__eq__`` and ``__hash__`` cost a maker's call each, and ``__repr__`` a
    ``functools.wraps`` too. Looking the method up (on the class or an instance, which is what calling
    ``repr``, ``==`` or the class does) makes it as ``dataclasses`` would have, with its qualified name, and
    puts it in the class in the descriptor's place."""

    __slots__ = ("makers", "index", "plan", "fields", "globals", "wrap", "owner", "name")

    def __init__(self, makers: Any, index: int, plan: tuple, fields: dict[str, Any], globals: dict[str, Any], wrap: Callable[[Any], Any] | None) -> None:
        self.makers, self.index, self.plan, self.fields, self.globals, self.wrap = makers, index, plan, fields, globals, wrap

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner, self.name = owner, name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        made = _method(self.makers[self.index], self.plan, self.fields, self.globals, self.owner)
        if self.wrap is not None:
            made = self.wrap(made)
        made.__qualname__ = f"{self.owner.__qualname__}.{made.__name__}"
        if self.owner.__dict__.get(self.name) is self:
            setattr(self.owner, self.name, made)
        return made.__get__(instance, owner)


def _arguments(code: CodeType) -> tuple[tuple[int, str], ...]:
    """What each argument of a method's maker is: a field's type (0), its default or factory (1), or one of
    ``_CONSTANTS`` or the class (2), with the field's or constant's name."""
    made = []
    for name in code.co_varnames[: code.co_argcount]:
        prefix = name[:6]
        made.append((0, name[6:]) if prefix == "_type_" else (1, name[6:]) if prefix == "_dflt_" else (2, name))
    return tuple(made)


def _finish(cls: type, settings: tuple) -> type:
    """The steps of ``dataclasses._process_class`` that need the class made: a frozen slotted class's
    ``__getstate__`` and ``__setstate__``, the doc string of a class without one (its signature), and
    ``abc.update_abstractmethods``."""
    if settings[5] and settings[8]:  # frozen and slots: what pickling needs (dataclasses._add_slots)
        if "__getstate__" not in cls.__dict__:
            cls.__getstate__ = dataclasses._dataclass_getstate  # type: ignore[attr-defined]
        if "__setstate__" not in cls.__dict__:
            cls.__setstate__ = dataclasses._dataclass_setstate  # type: ignore[attr-defined]
    if not getattr(cls, "__doc__"):
        import inspect

        try:
            text_sig = str(inspect.signature(cls)).replace(" -> None", "")
        except (TypeError, ValueError):
            text_sig = ""
        cls.__doc__ = cls.__name__ + text_sig
    if hasattr(cls, "__abstractmethods__"):  # what abc.update_abstractmethods works on
        import abc

        abc.update_abstractmethods(cls)
    return cls


def _replay(cls: type, recipe: tuple, *settings: Any) -> type:
    """The class ``dataclasses`` makes of ``cls``, made from its recipe: ``_fill`` on a copy of its
    namespace, then the class changed to match (or, for ``slots``, made again, as ``dataclasses`` does)."""
    namespace = dict(cls.__dict__)
    _fill(namespace, cls.__mro__[1:], cls.__qualname__, recipe, settings, cls)
    if settings[8]:  # slots
        qualname = cls.__qualname__
        cls = type(cls)(cls.__name__, cls.__bases__, namespace)
        cls.__qualname__ = qualname
    else:
        old = cls.__dict__
        for name in [name for name in old if name not in namespace]:
            delattr(cls, name)
        for name, value in namespace.items():
            if name not in old or old[name] is not value:
                setattr(cls, name, value)
    return _finish(cls, settings)


def _make(target: type, options: dict[str, Any]) -> type:
    global _recording
    settings = tuple(options.pop(name, default) for name, default in zip(_OPTIONS, _DEFAULTS)) if _REPLAYS else ()
    key = _key(target, settings) if _REPLAYS and not options and "__slots__" not in target.__dict__ else None
    entry = _entry(target.__module__)
    if key is not None:
        recipe = entry.recipes.get(key)
        if recipe is not None:
            made = _replay(target, recipe, *settings)
            _made[made] = key
            if target.__module__ in watched:
                watched[target.__module__].append((made, key, recipe, settings))
            return made
    if _REPLAYS:
        options = {**dict(zip(_OPTIONS, settings)), **options}
    _recording = codes = []
    dataclasses.exec = cached_exec  # type: ignore[attr-defined]
    try:
        made = dataclasses.dataclass(target, **options)  # type: ignore[call-overload]
    finally:
        del dataclasses.exec  # type: ignore[attr-defined]
        _recording = None
    recipe = _recipe(target, made, codes) if key is not None else None
    if key is not None and recipe is not None:
        entry.recipes[key] = recipe
        _made[made] = key
    else:  # no recipe: the next run makes this class with dataclasses again, from the code kept here
        for source, code in codes:
            entry.codes.setdefault(source, code)
    entry.added = True
    if target.__module__ in watched:
        watched[target.__module__].append((made, key, None, settings))  # no recipe used: not written out (core.unfolded)
    return made


def _dataclass(cls: type[T] | None = None, /, **options: Any) -> Any:
    """``dataclasses.dataclass`` (the same options and result), made from the cache's recipe when it has one."""

    def wrap(target: type[T]) -> type[T]:
        with _lock:
            return _make(target, dict(options))  # type: ignore[return-value]

    return wrap if cls is None else wrap(cls)


def _cached_eval(source: str, namespace: dict[str, Any], module: str = "shared") -> Any:
    """``eval(source, namespace)`` for ``collections.namedtuple``'s ``__new__``, compiled at most once per
    interpreter, kept in the entry of the ``module`` that defines the class: a start reads the entries of
    the modules it imports only (one shared entry gathered every class ever made, a test's generated ones too)."""
    entry = _entry(module)
    key = "eval:" + source
    code = entry.codes.get(key)
    if code is None:
        code = entry.codes[key] = compile(source, "<string>", "eval", dont_inherit=True)
        entry.added = True
    return eval(code, namespace)  # noqa: S307 - namedtuple's own generated lambda


# what ``typing.NamedTupleMeta`` keeps from the class body: the same names, from the same module's sets
_NT_PROHIBITED = typing._prohibited  # type: ignore[attr-defined]
_NT_SPECIAL = typing._special  # type: ignore[attr-defined]


class _NamedTupleMeta(type):
    """``typing.NamedTupleMeta`` (Python 3.11), without checking each annotation as a type.

    typing turns every annotation into a type at class creation; under ``from __future__ import
    annotations`` each is a string, which becomes a ``ForwardRef`` that compiles the string as an
    expression: 17 tuples of a lint's start cost about as much as a third of its dataclasses. Here the
    annotations stay as written (what ``typing.get_type_hints`` resolves either way), and
    ``collections.namedtuple`` makes the class, its ``__new__`` compiled once per interpreter."""

    def __new__(mcls, typename: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> Any:
        if bases != (NamedTuple,):  # Generic named tuples and the like: typing's own way
            typed = tuple(typing._NamedTuple if base is NamedTuple else base for base in bases)  # type: ignore[attr-defined]
            return typing.NamedTupleMeta(typename, typed, namespace)  # type: ignore[attr-defined]
        annotations = namespace.get("__annotations__", {})
        default_names: list[str] = []
        for field_name in annotations:
            if field_name in namespace:
                default_names.append(field_name)
            elif default_names:
                raise TypeError(f"Non-default namedtuple field {field_name} cannot follow default field"
                                f"{'s' if len(default_names) > 1 else ''} {', '.join(default_names)}")
        module = namespace["__module__"]
        collections.eval = lambda source, globals: _cached_eval(source, globals, module)  # type: ignore[attr-defined]
        try:
            defaults = [namespace[name] for name in default_names]
            made = collections.namedtuple(typename, list(annotations), defaults=defaults, module=module)  # type: ignore[misc]
        finally:
            del collections.eval  # type: ignore[attr-defined]
        made.__annotations__ = made.__new__.__annotations__ = dict(annotations)
        made.__orig_bases__ = (typing.NamedTuple,)  # type: ignore[attr-defined]  # as the class statement leaves it with typing's
        for key in namespace:
            if key in _NT_PROHIBITED:
                raise AttributeError("Cannot overwrite NamedTuple attribute " + key)
            if key not in _NT_SPECIAL and key not in made._fields:
                setattr(made, key, namespace[key])
        return made


if TYPE_CHECKING:  # type checkers (and mypyc) see dataclasses' and typing's own; the first definition would win
    from dataclasses import dataclass
    from typing import NamedTuple

    from mypy_extensions import mypyc_attr
else:
    dataclass = _dataclass

    def mypyc_attr(*attrs: Any, **kwattrs: Any) -> Callable[[T], T]:
        """``mypy_extensions.mypyc_attr`` (which only marks a class for mypyc): importing that module cost a
        start more than the classes it marks."""
        return lambda x: x

    NamedTuple = type.__new__(_NamedTupleMeta, "NamedTuple", (), {"__module__": __name__, "__doc__": "typing.NamedTuple for the class syntax, without a ForwardRef per field (``_NamedTupleMeta``)."})

field: Callable[..., Any] = dataclasses.field

__all__ = ["NamedTuple", "cached_exec", "dataclass", "field", "mypyc_attr"]
