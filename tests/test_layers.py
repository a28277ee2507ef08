"""Import layering: the folders show the data flow, and the imports follow it (docs/architecture.md).

Every module's imports are read with ``ast`` (imports inside functions and under ``TYPE_CHECKING``
count too: they are still dependencies). A lazy import inside a function whose line carries a comment
saying why is exempt; the exempt edges that go upwards are listed below, so a new one is a decision.
"""

from __future__ import annotations

import ast
import graphlib
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "voxxml"

V1 = "voxxml.dialects.voxxml_v1"
# Lowest first. A module may import its own layer and lower ones. The longest matching prefix wins.
# The hub (its nodes, expressions and semantics, and ``voxxml.ast``, the builder API over them) sits
# below every dialect: it takes nothing from any of them (it reaches the default dialect's template
# syntax and writer through registry paths, on first use).
LAYERS: list[tuple[str, list[str]]] = [
    ("core", ["voxxml.core"]),
    ("hub AST", ["voxxml.hub", "voxxml.ast"]),
    ("dialects", ["voxxml.dialects"]),
    ("analysis", ["voxxml.analysis"]),
    ("checks", ["voxxml.checks"]),
    ("runtime", ["voxxml.runtime"]),
    ("targets", ["voxxml.targets"]),
    ("pipeline and API", ["voxxml", "voxxml.pipeline", "voxxml.config", "voxxml.lint"]),
    ("reporters and export", ["voxxml.reporters", "voxxml.export"]),
    ("runner", ["voxxml.serve"]),  # voxxml serve: the pipeline, a target's runtime and a reporter behind HTTP
    ("front ends", ["voxxml.lsp", "voxxml.cli", "voxxml.__main__"]),
]

# Upward imports allowed because they are lazy and commented; each is a known debt, not a pattern.
EXEMPT_UPWARD = {
    (f"{V1}.formatter", "voxxml.pipeline"),  # the read step, only for documents that do not parse
}

# Package-level cycles known today: none.
KNOWN_PACKAGE_CYCLE_EDGES: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    lazy: bool
    commented: bool


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports() -> list[Import]:
    found = []
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text, str(path))
        is_package = path.name == "__init__.py"
        functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        inside = {id(inner) for f in functions for inner in ast.walk(f)}
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    targets.append(submodule if submodule in MODULES else source)
            for target in targets:
                if target == "voxxml" or target.startswith("voxxml."):
                    commented = "#" in lines[node.lineno - 1]
                    found.append(Import(name, target, node.lineno, id(node) in inside, commented))
    return found


IMPORTS = _imports()


def layer_of(module: str) -> int:
    best, rank = -1, None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    assert rank is not None, f"{module} is in no layer: add it to LAYERS in tests/test_layers.py"
    return rank


def _exempt(edge: Import) -> bool:
    return edge.lazy and edge.commented


def test_the_scan_sees_the_package() -> None:
    """The scanner finds the modules and resolves relative, lazy and aliased imports (so the tests below can fail)."""
    assert {"voxxml.core.source", "voxxml.ast", f"{V1}.reader", "voxxml.cli.commands"} <= MODULES.keys()
    edges = {(i.importer, i.imported) for i in IMPORTS}
    assert (f"{V1}.reader", "voxxml.hub.expressions") in edges
    assert ("voxxml.checks.ignored_attribute", "voxxml.core.fixes") in edges  # from ..core import fixes
    lazy = [i for i in IMPORTS if i.importer == "voxxml.cli.commands" and i.imported == "voxxml.lsp.server"]
    assert lazy and lazy[0].lazy


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_core_imports_only_core() -> None:
    wrong = [i for i in IMPORTS if layer_of(i.importer) == 0 and not i.imported.startswith("voxxml.core")]
    assert not wrong, "\n".join(f"{i.importer}:{i.line} imports {i.imported}" for i in wrong)


def test_nothing_imports_the_front_ends() -> None:
    allowed = {"voxxml.cli": ("voxxml.cli", "voxxml.__main__"), "voxxml.lsp": ("voxxml.lsp", "voxxml.cli")}
    wrong = []
    for i in IMPORTS:
        for front, importers in allowed.items():
            if (i.imported == front or i.imported.startswith(front + ".")) and not any(
                i.importer == ok or i.importer.startswith(ok + ".") for ok in importers
            ):
                wrong.append(f"{i.importer}:{i.line} imports {i.imported}")
    assert not wrong, "\n".join(wrong)


def test_no_lower_layer_imports_a_higher_one() -> None:
    upward = [i for i in IMPORTS if layer_of(i.imported) > layer_of(i.importer)]
    unexplained = [i for i in upward if not _exempt(i) or (i.importer, i.imported) not in EXEMPT_UPWARD]
    assert not unexplained, "\n".join(
        f"{i.importer}:{i.line} ({LAYERS[layer_of(i.importer)][0]}) imports {i.imported} ({LAYERS[layer_of(i.imported)][0]})"
        for i in unexplained
    )
    assert {(i.importer, i.imported) for i in upward} == EXEMPT_UPWARD, "an exemption is no longer needed: drop it"


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "voxxml"


def test_no_import_cycles_between_packages() -> None:
    graph: dict[str, set[str]] = {_package(m): set() for m in MODULES}
    for i in IMPORTS:
        a, b = _package(i.importer), _package(i.imported)
        if a != b and not _exempt(i):
            graph[a].add(b)
    for a, b in KNOWN_PACKAGE_CYCLE_EDGES:
        assert b in graph[a] and a in graph[b], f"the known cycle {a} <-> {b} is gone: drop it from the list"
        graph[a].discard(b)
    try:
        list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        pytest.fail(f"import cycle between packages: {' -> '.join(error.args[1])}")
