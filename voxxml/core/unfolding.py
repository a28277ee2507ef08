"""Writes a module's written-out form (``core.unfolded``): its source, each record class made from its recipe.

Imported only when a module is to be written out (once per version of its source), never on a start that
has the form already. A class is written out only when its ``class`` statement says all that made it:

* it stands at the module's top level, under a name no other top-level class has, and the module still
  binds that name to it;
* its one decorator is ``core.records.dataclass`` (bare or called with constant options), the only
  decorator it has, so removing it skips no other work;
* it has at most one base, a name (or dotted name) its own body does not bind, and no class keywords
  (a metaclass): its body can name the base, and ``__mro__[1:]`` is the base's.

Any other class keeps its decorator and is made by ``core.records`` as usual, and any failure leaves the
module without a written-out form (it is then imported as usual): writing one is an optimisation.
"""

from __future__ import annotations

import ast
import copy
import marshal
import os
from typing import Any

from . import records, unfolded
from .datacache import cache_folder, stamp, store

_BODY, _MADE = "_vx_unfolded_body", "_vx_unfolded_made"  # the helpers' names in a written-out module


def write(module: Any, origin: str, original: Any, made: list[tuple[type, tuple | None, tuple | None, tuple]]) -> None:
    """Write the form of ``module`` (imported from ``origin``, its code ``original``) whose classes were ``made`` as listed, if it can be."""
    folder = cache_folder()
    if folder is None:
        return
    try:
        unit = _unfold(module, origin, original, made)
        payload = marshal.dumps(unit) if unit is not None else None
    except Exception:  # noqa: BLE001 - an optimisation never fails the import it runs in: the module is imported as usual next time
        return
    if payload is not None:
        store(os.path.join(folder, unfolded.entry_name(module.__name__, origin)), payload)


def _unfold(module: Any, origin: str, original: Any, made: list[tuple[type, tuple | None, tuple | None, tuple]]) -> tuple | None:
    name = module.__name__
    own = stamp(origin)
    if records._stamps.get(name) != own:  # the file changed since it was imported: its classes were not made from it
        return None
    with open(origin, "rb") as file:
        source = file.read()
    if _BODY.encode() in source or _MADE.encode() in source:  # the module uses the helpers' names itself
        return None
    tree = ast.parse(source, origin)
    statements: dict[str, list[ast.ClassDef]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.ClassDef):
            statements.setdefault(statement.name, []).append(statement)
    specs: list[tuple] = []
    stamps = {origin: own}
    after: dict[int, ast.stmt] = {}  # id of a class statement -> the made() call written after it
    for cls, key, recipe, settings in made:
        found = statements.get(cls.__qualname__, [])
        if len(found) != 1 or getattr(module, cls.__qualname__, None) is not cls or not _writable(found[0], module, cls):
            continue
        sources = _sources(cls, name)
        if sources is None:
            continue
        stamps.update(sources)
        statement, index = found[0], len(specs)
        known = (*records._known(cls.__dataclass_fields__, cls.__mro__[1:], settings), tuple(map(records._arguments, recipe[1])))  # type: ignore[attr-defined]
        specs.append((key, recipe[0], settings, known, marshal.dumps(recipe[1])))
        base = copy.deepcopy(statement.bases[0]) if statement.bases else ast.Constant(None)
        call = ast.Expr(ast.Call(ast.Name(_BODY, ast.Load()), [ast.Call(ast.Name("locals", ast.Load()), [], []), base, ast.Constant(index)], []))
        statement.decorator_list = []
        statement.body.append(_located(call, statement))
        after[id(statement)] = _located(ast.Expr(ast.Call(ast.Name(_MADE, ast.Load()), [ast.Name(statement.name, ast.Load()), ast.Constant(index)], [])), statement)
    if not specs:  # no class written out: the module's own code (no parse at the next start)
        return unfolded._MADE_BY, ((origin, own),), original, ()
    body: list[ast.stmt] = []
    for statement in tree.body:
        body.append(statement)
        if id(statement) in after:
            body.append(after[id(statement)])
    first = _after_preamble(body)
    helpers = ast.ImportFrom("voxxml.core.unfolded", [ast.alias("body", _BODY), ast.alias("made", _MADE)], 0)
    body.insert(first, _located(helpers, body[first] if first < len(body) else body[-1]))
    body.append(_located(ast.Delete([ast.Name(_BODY, ast.Del()), ast.Name(_MADE, ast.Del())]), body[-1]))
    tree.body = body
    code = compile(tree, origin, "exec", dont_inherit=True)
    ordered = [(origin, own), *((path, kept) for path, kept in stamps.items() if path != origin)]
    return unfolded._MADE_BY, tuple(ordered), code, tuple(specs)


def _located(node: ast.AST, where: ast.AST) -> Any:
    """``node`` (a statement written here) placed at ``where``'s position: what ``fix_missing_locations``
    does, on the new nodes only (that walks the whole module)."""
    for part in ast.walk(node):
        if "lineno" in part._attributes:
            for attribute in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
                if getattr(part, attribute, None) is None:
                    setattr(part, attribute, getattr(where, attribute))
    return node


def _writable(statement: ast.ClassDef, module: Any, cls: type) -> bool:
    """Whether the class statement says all that made ``cls`` (the module docstring's list)."""
    if statement.keywords or len(statement.decorator_list) != 1 or len(statement.bases) > 1:
        return False
    decorator = statement.decorator_list[0]
    if isinstance(decorator, ast.Call):
        if decorator.args or not all(isinstance(keyword.value, ast.Constant) and keyword.arg for keyword in decorator.keywords):
            return False
        decorator = decorator.func
    if not isinstance(decorator, ast.Name) or getattr(module, decorator.id, None) is not records.dataclass:
        return False
    if not statement.bases:
        return cls.__bases__ == (object,)
    base = statement.bases[0]
    root = base
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and len(cls.__bases__) == 1 and root.id not in _bound(statement.body)


def _bound(body: list[ast.stmt]) -> set[str]:
    """The names a class body binds (its statements' targets, definitions and imports)."""
    names: set[str] = set()
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def _sources(cls: type, module: str) -> dict[str, tuple[int, int]] | None:
    """The source files (and their stamps) of the other modules whose record classes ``cls`` derives from."""
    sources = {}
    for base in cls.__mro__[1:-1]:
        if base.__module__ != module and "__dataclass_fields__" in base.__dict__:
            origin = records._origin(base.__module__)
            kept = records._stamps.get(base.__module__)
            if origin is None or kept is None:
                return None
            sources[origin] = kept
    return sources


def _after_preamble(body: list[ast.stmt]) -> int:
    """Where the helpers' import goes: after the docstring and the ``__future__`` imports."""
    index = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        index = 1
    while index < len(body) and isinstance(body[index], ast.ImportFrom) and body[index].module == "__future__":
        index += 1
    return index


__all__ = ["write"]
