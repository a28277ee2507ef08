"""``core.records.dataclass``: a class made from the cache's recipe is the class ``dataclasses`` makes.

The first run with an empty cache makes every class with ``dataclasses`` and keeps recipes; a second run
makes them from the recipes (``_replay``). Both runs describe every class that went through
``core.records`` (its namespace, each generated method's code, defaults, annotations and closure, the
fields, the doc string, ``__slots__``), and the descriptions must be equal. The package's own test suite
then runs on replayed classes too, once the cache is warm.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from voxxml.core import records
from voxxml.core.records import dataclass, field

pytestmark = pytest.mark.skipif(not records._REPLAYS, reason="recipes are replayed on Python 3.11 only")

_DESCRIBE = r'''
import dataclasses, importlib, json, pkgutil, sys, types
import voxxml
from voxxml.core import records

if sys.argv[1] == "stock":  # dataclasses itself, no cache: what every class must equal
    def stock(target, options):
        made = dataclasses.dataclass(target, **options)
        records._made[made] = ()
        return made
    records._make = stock
replayed = []
original = records._replay
def counting(cls, *args):
    replayed.append(cls.__qualname__)
    return original(cls, *args)
records._replay = counting
for module in pkgutil.walk_packages(voxxml.__path__, "voxxml."):
    if not module.name.startswith(("voxxml.serve", "voxxml.lsp")) and module.name != "voxxml.__main__":
        importlib.import_module(module.name)

def code(c):
    return ["code", c.co_name, c.co_qualname, c.co_code.hex(), list(c.co_names), list(c.co_varnames), list(c.co_freevars),
            list(c.co_cellvars), c.co_argcount, c.co_kwonlyargcount, c.co_posonlyargcount, c.co_flags,
            [code(k) if isinstance(k, types.CodeType) else describe(k) for k in c.co_consts]]

def describe(value, depth=0):
    if depth > 6:
        return type(value).__name__
    d = lambda v: describe(v, depth + 1)
    if value is dataclasses.MISSING:
        return "MISSING"
    if value is dataclasses._HAS_DEFAULT_FACTORY:
        return "HAS_DEFAULT_FACTORY"
    if isinstance(value, types.FunctionType):
        extra = {k: v for k, v in value.__dict__.items() if k != "__wrapped__"}
        return ["function", value.__module__, value.__qualname__, value.__name__, value.__doc__, code(value.__code__),
                d(value.__defaults__), d(value.__kwdefaults__), d(value.__annotations__),
                [d(cell.cell_contents) for cell in value.__closure__ or ()], d(getattr(value, "__wrapped__", None)), d(extra)]
    if isinstance(value, type):
        return ["class", value.__module__, value.__qualname__]
    if isinstance(value, dataclasses.Field):
        return ["field", value.name, d(value.type), d(value.default), d(value.default_factory), value.init, value.repr,
                value.hash, value.compare, d(dict(value.metadata)), d(value.kw_only), value._field_type.name]
    if isinstance(value, (tuple, list)):
        return [type(value).__name__, [d(v) for v in value]]
    if isinstance(value, dict):
        return ["dict", [[d(k), d(v)] for k, v in value.items()]]
    if isinstance(value, (frozenset, set)):
        return [type(value).__name__, sorted(repr(v) for v in value)]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, types.MemberDescriptorType):
        return ["member", value.__name__]
    if isinstance(value, (property, classmethod, staticmethod)):
        return [type(value).__name__, d(getattr(value, "fget", None) or getattr(value, "__func__", None))]
    text = repr(value)
    return type(value).__name__ if " at 0x" in text else text

for cls in records._made:  # a written-out module's methods are made when first looked up (records._Lazy)
    for name, value in list(cls.__dict__.items()):
        if type(value) is records._Lazy:
            getattr(cls, name)
classes = {}
for cls in records._made:
    namespace = [[name, describe(value)] for name, value in cls.__dict__.items()]
    classes[f"{cls.__module__}.{cls.__qualname__}"] = [describe(cls.__mro__), namespace, repr(cls.__dataclass_params__)]
print(json.dumps({"replayed": replayed, "classes": classes}))
'''


def describe_every_class(cache: Path, mode: str = "cached") -> dict:
    env = {**os.environ, "VOXXML_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", _DESCRIBE, mode], capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout)


def test_every_class_made_from_its_recipe_is_the_class_dataclasses_makes(tmp_path: Path) -> None:
    stock = describe_every_class(tmp_path / "unused", "stock")
    made = describe_every_class(tmp_path)  # an empty cache: dataclasses makes every class, its code compiled here
    replayed = describe_every_class(tmp_path)
    assert made["replayed"] == [] and made["classes"] == stock["classes"]
    assert len(made["classes"]) > 60  # every voxxml module that makes its classes through core.records
    assert len(replayed["replayed"]) == len(made["classes"])
    assert replayed["classes"].keys() == made["classes"].keys()
    for name in made["classes"]:
        assert replayed["classes"][name] == made["classes"][name], name


def test_a_changed_class_is_made_anew_not_from_the_old_recipe(tmp_path: Path) -> None:
    """The recipe's key holds what dataclasses decides from: a field's settings, its annotation, the options."""
    module = tmp_path / "shapes_under_test.py"
    env = {**os.environ, "VOXXML_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    probe = (
        "import dataclasses, inspect, shapes_under_test as s; y = s.Shape.__dataclass_fields__['y']; "
        "print(repr(s.Shape(1)), inspect.signature(s.Shape), y.type, y._field_type.name, y.repr, y.kw_only is dataclasses.MISSING or y.kw_only)"
    )
    versions = [
        "y: int = 2",
        "y: int = field(default=2, repr=False)",
        "y: 'str' = field(default=2, repr=False)",
        "y: int = field(default=2, kw_only=True)",
        "y: ClassVar[int] = 2",
    ]
    outputs = []
    for number, line in enumerate(versions):
        module.write_text(
            "from __future__ import annotations\nfrom typing import ClassVar\nfrom voxxml.core.records import dataclass, field\n\n"
            f"@dataclass(frozen=True, slots=True)\nclass Shape:\n    x: int\n    {line}\n",
            encoding="utf-8",
        )
        os.utime(module, ns=(number * 10**9, number * 10**9))  # a new stamp even within one clock tick
        runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path, check=True).stdout for _ in range(2)]
        assert runs[0] == runs[1]  # made, then replayed
        outputs.append(runs[0])
    assert len(set(outputs)) == len(outputs)


def test_replayed_classes_behave(tmp_path: Path) -> None:
    @dataclass(frozen=True, slots=True)
    class Point:
        x: int
        y: int = 0
        tags: tuple[str, ...] = field(default=(), compare=False)

    assert Point(1) == Point(1, 0, ("a",)) and hash(Point(1)) == hash(Point(1, 0)) and repr(Point(1)).endswith(".Point(x=1, y=0, tags=())")
    with pytest.raises(Exception):
        Point(1).x = 2  # type: ignore[misc]
