"""``core.deferred``: ``inspect``, ``gzip`` and lxml's ElementPath load on first use, and lxml and
``dataclasses`` still work.

A test run has imported ``inspect`` long before (pytest uses it), where the stand-ins change nothing; so
what they do is tested in fresh interpreters started without ``site``, as ``voxxml lint`` starts, each with
a cache folder of its own (a run that writes modules out, ``core.unfolding``, imports ``ast``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

import pytest

from voxxml.core import deferred

CHECKOUT = Path(__file__).resolve().parents[1]


def fresh(code: str) -> Any:
    """Run ``code`` in ``python -S`` with this checkout and site-packages on the path and an empty cache folder;
    it prints one JSON value."""
    paths = sysconfig.get_paths()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(CHECKOUT), paths["purelib"], paths["platlib"]]), "VOXXML_CACHE_DIR": cache}
        done = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.splitlines()[-1])


# voxxml's lint path imports lxml (core.xmlparse) and dataclasses (core.records) under the stand-ins.
_IMPORTED = """
import json, sys
import voxxml.core.xmlparse
from lxml import etree
import dataclasses
"""


def test_the_lint_path_imports_none_of_them_and_leaves_no_stand_in() -> None:
    found = fresh(_IMPORTED + "print(json.dumps([name in sys.modules for name in ('inspect', 'gzip', 'ast', 'tokenize', 'lxml._elementpath')]))")
    assert found == [False, False, False, False, False]


def test_a_parser_target_still_gets_the_namespace_map() -> None:
    """lxml calls ``inspect.getfullargspec`` (through its stand-in) to see whether ``start`` takes ``nsmap``."""
    found = fresh(_IMPORTED + """
class Target:
    def __init__(self): self.seen = []
    def start(self, tag, attrib, nsmap): self.seen.append([tag, dict(nsmap)])
    def close(self): return self.seen
parser = etree.XMLParser(target=Target())
print(json.dumps([etree.fromstring(b'<a xmlns:p="urn:p"><p:b/></a>', parser), type(sys.modules['inspect']).__name__]))
""")
    assert found == [[["a", {"p": "urn:p"}], ["{urn:p}b", {}]], "module"]


def test_compressed_output_still_works() -> None:
    """lxml's ``GzipFile`` and ``gzip.GzipFile`` (through the stand-in) both write what gzip reads back."""
    found = fresh(_IMPORTED + """
import io
tree = etree.ElementTree(etree.fromstring(b'<Response><Say>Hi</Say></Response>'))
to_memory = io.BytesIO(); tree.write(to_memory, compression=9)  # serializer.pxi: gzip.GzipFile(fileobj=...)
import tempfile, os
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, 'out.xml.gz'); tree.write(path, compression=9)  # gzip.GzipFile(filename)
    on_disk = open(path, 'rb').read()
import gzip
print(json.dumps([gzip.decompress(to_memory.getvalue()).decode(), gzip.decompress(on_disk).decode()]))
""")
    assert found == ["<Response><Say>Hi</Say></Response>"] * 2


def test_finding_elements_by_path_still_works() -> None:
    """``find`` and its kin go to ``lxml._elementpath`` through its stand-in."""
    found = fresh(_IMPORTED + """
root = etree.fromstring(b'<Response><Say>Hi</Say><Gather><Say>Again</Say></Gather></Response>')
print(json.dumps([root.find('Say').text, [say.text for say in root.findall('.//Say')], root.findtext('Gather/Say'),
                  len(list(root.iterfind('*'))), type(sys.modules['lxml._elementpath']).__name__]))
""")
    assert found == ["Hi", ["Hi", "Again"], "Again", 2, "module"]


def test_a_dataclass_without_a_doc_string_gets_its_signature() -> None:
    """``dataclasses`` writes a missing doc string with ``inspect.signature``, through the stand-in."""
    found = fresh(_IMPORTED + """
@dataclasses.dataclass
class Point:
    x: int
    y: int = 0
import inspect
print(json.dumps([Point.__doc__, hasattr(inspect, 'signature'), type(dataclasses.inspect).__name__]))
""")
    assert found == ["Point(x: int, y: int = 0)", True, "Deferred"]


def test_a_module_already_imported_is_left_alone() -> None:
    import inspect

    with deferred.deferring(("inspect",)):
        assert sys.modules["inspect"] is inspect


@pytest.mark.parametrize("name", ["inspect", "gzip", "lxml._elementpath"])
@pytest.mark.parametrize("used", ["after", "within"])
def test_a_stand_in_loads_the_real_module_and_leaves_sys_modules(name: str, used: str) -> None:
    """Used within the block or after it, a stand-in's attributes are the real module's, and the real module
    (not the stand-in) is what ``sys.modules`` holds afterwards."""
    found = fresh(f"""
import json, sys
from voxxml.core import deferred
with deferred.deferring(({name!r},)):
    standin = sys.modules[{name!r}]
    during = type(standin).__name__
    if {used!r} == 'within':
        standin.__file__  # not a stand-in's attribute: imports the real module
placed = type(sys.modules.get({name!r})).__name__
path = standin.__file__
print(json.dumps([during, placed, path == sys.modules[{name!r}].__file__, type(sys.modules[{name!r}]).__name__]))
""")
    assert found == ["Deferred", "NoneType" if used == "after" else "module", True, "module"]


def test_every_forwarded_name_exists_in_its_module() -> None:
    """A forwarder for a name the real module lacks would fail only when called."""
    import gzip
    import inspect

    from lxml import _elementpath

    modules = {"inspect": inspect, "gzip": gzip, "lxml._elementpath": _elementpath}
    assert [(module, name) for module, names in deferred.FROM_IMPORTS.items() for name in names if not hasattr(modules[module], name)] == []


def test_every_dataclass_of_voxxml_has_a_doc_string() -> None:
    """``dataclasses`` (and ``core.records``' replay) writes a missing doc string from ``inspect.signature``,
    which would import ``inspect`` at every start of the command that makes the class (``compile`` did, for
    the caller script's three classes)."""
    import ast

    missing = []
    for path in sorted((CHECKOUT / "voxxml").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any("dataclass" in ast.unparse(d) for d in node.decorator_list):
                if ast.get_docstring(node) is None:
                    missing.append(f"{path.relative_to(CHECKOUT)}:{node.lineno} {node.name}")
    assert missing == []
