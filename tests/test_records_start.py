"""What ``core/records.py`` does for a cheap start (issue 14), beyond the dataclass recipes of test_records.py.

* ``records.NamedTuple`` makes the class ``typing.NamedTuple`` makes, except that the annotations stay as
  written (strings under ``from __future__ import annotations``) instead of one compiled ``ForwardRef`` each.
* The recipe cache keeps, per module and per place its source lives, the recipes of the current source only:
  an edited (or upgraded) module's old recipes are dropped at the next save, instead of being read at every
  start until 1,024 versions piled up (a developer's cache held 1,015 for ``hub.nodes``: a fifth of a
  one-verb lint's instructions went into reading them).
"""

from __future__ import annotations

import io
import marshal
import os
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, strategies as st

from voxxml.core import records
from voxxml.core.records import NamedTuple

pytestmark = pytest.mark.skipif(not records._REPLAYS, reason="recipes are replayed on Python 3.11 only")

_NAMES = st.lists(st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True).filter(lambda name: name not in {"def", "if", "in", "is", "or", "and", "not", "as"}),
                  min_size=0, max_size=6, unique=True)


def _both(names: list[str], defaults: int, with_method: bool) -> tuple[type, type]:
    """The same class body made by typing.NamedTuple and by records.NamedTuple."""
    body = ["from __future__ import annotations"]
    for base, module in (("NamedTuple", "records"), ("typing.NamedTuple", "typing")):
        body.append(f"class Made_{module}({base}):")
        body.append('    """A doc string."""')
        for index, name in enumerate(names):
            default = f" = {index}" if index >= len(names) - defaults else ""
            body.append(f"    {name}: int | None{default}")
        if with_method:
            body.append("    def total(self) -> int:\n        return len(self)")
            body.append("    LIMIT = 3")
        body.append("    pass")
    namespace: dict[str, Any] = {"NamedTuple": NamedTuple, "typing": typing, "__name__": "made_here"}
    exec("\n".join(body), namespace)  # noqa: S102 - the test's own class bodies
    return namespace["Made_records"], namespace["Made_typing"]


def _described(cls: type) -> dict[str, Any]:
    own = {name: value for name, value in vars(cls).items() if name not in {"__new__", "__annotations__", "__doc__"}}
    return {
        "name": (cls.__name__, cls.__qualname__, cls.__module__, cls.__doc__),
        "mro": [base.__name__ for base in cls.__mro__[1:]],
        "fields": cls._fields,  # type: ignore[attr-defined]
        "defaults": cls._field_defaults,  # type: ignore[attr-defined]
        "new": (cls.__new__.__defaults__, cls.__new__.__code__.co_varnames, cls.__new__.__code__.co_code),
        "own": sorted((name, type(value).__name__) for name, value in own.items()),
        "annotations": {name: value if isinstance(value, str) else value.__forward_arg__ for name, value in cls.__annotations__.items()},
    }


@given(_NAMES, st.integers(0, 6), st.booleans())
def test_a_named_tuple_is_the_class_typing_makes(names: list[str], defaults: int, with_method: bool) -> None:
    defaults = min(defaults, len(names))
    ours, typings = _both(names, defaults, with_method)
    mine, theirs = _described(ours), _described(typings)
    mine["name"] = (mine["name"][0].replace("records", "typing"), mine["name"][1].replace("records", "typing"), *mine["name"][2:])
    assert mine == theirs
    assert all(isinstance(value, str) for value in ours.__annotations__.values())  # no ForwardRef made
    if names:
        made = ours(*range(len(names) - defaults))
        assert ours(*made.__getnewargs__()) == made and repr(made).startswith("Made_records(")
        assert made._replace(**{names[0]: "x"})[0] == "x"  # type: ignore[attr-defined]
        assert typing.get_type_hints(ours) == typing.get_type_hints(typings)


def test_a_named_tuple_refuses_what_typing_refuses() -> None:
    with pytest.raises(TypeError, match="Non-default namedtuple field b cannot follow default field a"):
        class Wrong(NamedTuple):
            a: int = 1
            b: int  # type: ignore[misc]
    with pytest.raises(AttributeError, match="Cannot overwrite NamedTuple attribute _make"):
        class Overwrites(NamedTuple):
            a: int

            def _make(self) -> None:  # type: ignore[override]
                pass


def test_the_classes_voxxml_makes_with_it_keep_their_fields() -> None:
    from voxxml.core.diagnostics import Diagnostic
    from voxxml.hub.semantics import Read

    for cls in (Diagnostic, Read):
        assert cls.__mro__[1:] == (tuple, object) and cls._fields == tuple(cls.__annotations__)
        assert all(isinstance(value, str) for value in cls.__annotations__.values())


def _run(tmp_path: Path, folder: Path) -> None:
    env = {**os.environ, "VOXXML_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": f"{folder}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    subprocess.run([sys.executable, "-c", "import shapes_under_test"], env=env, cwd=tmp_path, check=True)


def _recipes(data: bytes) -> dict:
    stream = io.BytesIO(data)
    marshal.load(stream)  # the generated code, then the recipes
    return marshal.load(stream)


def _entries(tmp_path: Path) -> dict[str, dict]:
    return {entry.name: _recipes(entry.read_bytes()) for entry in (tmp_path / "cache").glob("generated-4.shapes_under_test.*")}


def test_an_edited_module_keeps_only_its_current_recipes(tmp_path: Path) -> None:
    folder = tmp_path / "one"
    folder.mkdir()
    module = folder / "shapes_under_test.py"
    for number in range(4):
        module.write_text(
            "from __future__ import annotations\nfrom voxxml.core.records import dataclass\n\n"
            f"@dataclass(frozen=True)\nclass Shape:\n    x: int = {number}\n\n@dataclass\nclass Other:\n    y: str = 'a'\n",
            encoding="utf-8",
        )
        os.utime(module, ns=(number * 10**9, number * 10**9))  # a new stamp even within one clock tick
        _run(tmp_path, folder)
        (recipes,) = _entries(tmp_path).values()
        assert sorted(key[0] for key in recipes) == ["Other", "Shape"]  # this version's two, none of the older ones
        assert {key[1] for key in recipes} == {(number * 10**9, module.stat().st_size)}


def test_two_places_of_a_module_keep_their_recipes_apart(tmp_path: Path) -> None:
    """A checkout and a worktree (or a wheel) of the same module: neither prunes the other's recipes."""
    for name, value in (("one", 1), ("two", 2)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "shapes_under_test.py").write_text(
            f"from __future__ import annotations\nfrom voxxml.core.records import dataclass\n\n@dataclass\nclass Shape:\n    x: int = {value}\n", encoding="utf-8"
        )
    for name in ("one", "two", "one"):
        _run(tmp_path, tmp_path / name)
    entries = _entries(tmp_path)
    assert len(entries) == 2 and all(len(recipes) == 1 for recipes in entries.values())
    before = {entry: entry.stat().st_mtime_ns for entry in (tmp_path / "cache").iterdir()}
    _run(tmp_path, tmp_path / "one")  # everything known: nothing is written
    assert {entry: entry.stat().st_mtime_ns for entry in (tmp_path / "cache").iterdir()} == before


def test_a_named_tuple_keeps_its_code_with_its_module_not_in_one_every_start_reads(tmp_path: Path) -> None:
    """A named tuple's ``__new__`` is cached in the entry of the module that defines it: classes made
    elsewhere (a test's hundreds of generated ones) once piled up in one shared entry that every start
    read (393 KB, about 15 M instructions of a one-verb lint)."""
    cache = tmp_path / "cache"
    code = (
        "import sys, types\n"
        "module = types.ModuleType('scratch_fields'); sys.modules['scratch_fields'] = module\n"
        "exec('from voxxml.core.records import NamedTuple\\nclass Scratch(NamedTuple):\\n    zebra_field: int\\n', module.__dict__)\n"
        "assert module.Scratch(3).zebra_field == 3\n"
    )
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "VOXXML_CACHE_DIR": str(cache)}, check=True)
    holding = sorted(entry.name for entry in cache.iterdir() if b"zebra_field" in entry.read_bytes())
    assert holding and all(".scratch_fields." in name for name in holding)
