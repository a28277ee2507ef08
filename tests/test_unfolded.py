"""``core.unfolded``: a module run written out makes the classes ``dataclasses`` makes, and is run only
while its source (and the sources its classes' fields come from) are the ones it was written from."""

from __future__ import annotations

import ast
import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_records import describe_every_class
from voxxml.core import records, unfolded

pytestmark = pytest.mark.skipif(not records._REPLAYS, reason="recipes are replayed (and modules written out) on Python 3.11 only")

PACKAGE = Path(unfolded.__file__).parents[1]


def _unordered(described: dict) -> dict:
    """A class's description with its namespace as a mapping: a class made once, from its body, holds the
    same names as one that dataclasses changes after it is made, in another order."""
    return {name: [mro, sorted(map(json.dumps, namespace)), params] for name, (mro, namespace, params) in described["classes"].items()}


def test_every_class_of_a_module_run_written_out_is_the_class_dataclasses_makes(tmp_path: Path) -> None:
    stock = _unordered(describe_every_class(tmp_path / "unused", "stock"))
    for _ in range(2):  # made by dataclasses (recipes kept), then from the recipes (modules written out)
        describe_every_class(tmp_path)
    written = sorted(path.name.split(".")[1:-4] for path in tmp_path.glob("unfolded-*"))
    assert len(written) >= len(unfolded.MODULES) - 2  # all but the runner's (not imported by the description)
    described = describe_every_class(tmp_path)
    assert len(described["replayed"]) < 10, described["replayed"]  # the rest were made by their written-out modules
    assert _unordered(described) == stock


def test_the_list_of_modules_is_every_module_that_makes_record_classes() -> None:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = {alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("records") for alias in node.names}
        if "dataclass" in imports:
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
            found.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    assert found == unfolded.MODULES


_MODULE = '''from __future__ import annotations
from voxxml.core.records import dataclass, field
from base_under_test import Base

@dataclass(frozen=True, slots=True)
class Shape(Base):
    """A shape."""
    x: int
    y: int = 2
    tags: tuple = field(default=(), compare=False)

@dataclass
class Plain:
    n: int = 0
'''

_PROBE = (
    "import sys, inspect, dataclasses, shape_under_test as s; from voxxml.core import unfolded; "
    "print(repr(s.Shape(1, 7)), inspect.signature(s.Shape), s.Shape.__slots__, s.Shape.__match_args__, s.Plain.__doc__, "
    "[f.name for f in dataclasses.fields(s.Shape)], s.Shape(1, 7) == s.Shape(1, 7, ('a',)), hash(s.Shape(1, 7)) == hash(s.Shape(1, 7)), "
    "type(s.__spec__.loader).__name__, type(vars(s.Plain)['__eq__']).__name__)"  # _Lazy: made by the written-out form
)


def _run(tmp_path: Path, cache: Path, setup: str = "") -> str:
    env = {**os.environ, "VOXXML_CACHE_DIR": str(cache), "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    code = f"from voxxml.core import unfolded; unfolded.MODULES = unfolded.MODULES | {{'shape_under_test'}}; {setup}{_PROBE}"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, check=True).stdout


def _write(path: Path, text: str, second: int) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(second * 10**9, second * 10**9))  # a new stamp even within one clock tick


def test_a_module_is_run_written_out_only_while_its_sources_are_unchanged(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _write(tmp_path / "base_under_test.py", "from __future__ import annotations\nfrom voxxml.core.records import dataclass\n\n@dataclass(frozen=True, slots=True)\nclass Base:\n    id: str\n", 1)
    _write(tmp_path / "shape_under_test.py", _MODULE, 1)
    runs = [_run(tmp_path, cache) for _ in range(3)]
    assert runs[0].split()[:-1] == runs[1].split()[:-1] == runs[2].split()[:-1]
    assert "Shape(id=1, x=7, y=2, tags=())" in runs[0] and "('id', 'x', 'y', 'tags')" in runs[0]
    assert len(list(cache.glob("unfolded-*shape_under_test*"))) == 1
    assert [run.split()[-1] for run in runs] == ["function", "function", "_Lazy"]  # made, replayed (and written out), run written out
    other = _run(tmp_path, cache, "unfolded._MADE_BY = ('another voxxml',); ")  # forms written by other code are not run
    assert other.split()[-1] == "function" and other.split()[:-1] == runs[2].split()[:-1]

    _write(tmp_path / "base_under_test.py", "from __future__ import annotations\nfrom voxxml.core.records import dataclass, field\n\n@dataclass(frozen=True, slots=True)\nclass Base:\n    id: str\n    kind: str = field(default='k', kw_only=True)\n", 2)
    changed = [_run(tmp_path, cache) for _ in range(3)]  # a base's new field reaches the subclass at once
    assert all(run.split()[:-1] == changed[0].split()[:-1] for run in changed) and changed[2].split()[-1] == "_Lazy"
    assert "Shape(id=1, kind='k', x=7, y=2, tags=())" in changed[0] and "['id', 'kind', 'x', 'y', 'tags']" in changed[0]

    _write(tmp_path / "shape_under_test.py", _MODULE.replace("y: int = 2", "y: int = 3"), 3)
    assert all("y=3" in _run(tmp_path, cache) for _ in range(3))


def test_a_damaged_or_foreign_entry_is_not_run(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _write(tmp_path / "base_under_test.py", "class Base:\n    pass\n", 1)
    _write(tmp_path / "shape_under_test.py", _MODULE.replace("(Base)", ""), 1)
    expected = _run(tmp_path, cache)
    _run(tmp_path, cache)
    (entry,) = cache.glob("unfolded-*shape_under_test*")
    made_by, stamps, _, specs = marshal.loads(entry.read_bytes())
    for damage in (b"", b"\x00garbage", entry.read_bytes()[:100], marshal.dumps((made_by, stamps, "no code", specs))):
        entry.write_bytes(damage)
        assert _run(tmp_path, cache) == expected  # made from the recipes, and written out again
        assert _run(tmp_path, cache) == expected.replace(" function", " _Lazy")


def test_without_a_cache_modules_are_imported_as_usual(tmp_path: Path) -> None:
    env = {**os.environ, "VOXXML_CACHE_DIR": ""}
    probe = "import voxxml.hub.nodes as n, sys; from voxxml.core import unfolded; print(n.Say(text=None).TAG, sys.meta_path[0].__name__, type(n.__spec__.loader).__name__)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.split() == ["Say", "_Finder", "_Loader"]


def test_a_failure_while_writing_a_form_out_leaves_the_import_as_it_was(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _write(tmp_path / "base_under_test.py", "class Base:\n    pass\n", 1)
    _write(tmp_path / "shape_under_test.py", _MODULE.replace("(Base)", ""), 1)
    expected = _run(tmp_path, cache)
    failing = "import voxxml.core.unfolding as w; w._unfold = lambda *args: 1 / 0; "
    assert _run(tmp_path, cache, failing) == expected  # the classes made from their recipes; the form not written
    assert not list(cache.glob("unfolded-*shape_under_test*"))
