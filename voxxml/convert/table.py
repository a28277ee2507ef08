"""The conversion table (README "Converting", docs/convert.md): for each dialect's elements, what each
other dialect makes of them, derived from the code's own data so it cannot drift from what ``voxxml
convert`` does.

- Whether the target has the element: its vocabulary names an element that reads into the same hub class
  (for TwiML's Opaque and Endpoint kinds, the element of the same name), as the generic pass decides.
- Whether a transform rewrites it: the source family's rules (``transforms.SOURCES``) and the target's
  (``convert.TARGETS``: ``transforms`` and ``before``), by hub class.
- Which codes it may report: the CV codes the transform's code holds (its constants, and those of the
  functions of the convert package it calls, followed through), those of the document-wide hooks
  (``prepare``, ``enter``) that name its hub class, plus CV102 when the target element lacks one of its
  settings (the generic pass leaves it out).

A cell is ``yes`` (the same element; its settings map), ``rewritten`` (a transform writes it in the
target's terms; exact unless it reports one of the codes listed) or ``no`` (CV101). ``no place for``
lists the settings that are certainly left out when written (CV102): the target element has no attribute
for them and no transform of the element touches them (one that does may still report CV102, which the
codes then say). Values the target's type cannot hold are CV121 anywhere (the generic pass).
"""

from __future__ import annotations

import re
import types
from typing import Any, Callable, Iterable

from ..core.registry import load
from ..dialects import get_dialect
from . import TARGETS
from .transforms import SOURCES, Rules

# The dialects a table is written for, and their display names; TeXML and cXML share TwiML's rules
# (profiles change only what their vocabularies accept).
DIALECTS = {"voxxml-v1": "VoxXML v1", "voxml": "VoXML", "twiml": "TwiML"}
_CODE = re.compile(r"CV1[0-9][0-9]")
_PACKAGE = __name__.rsplit(".", 1)[0]  # voxxml.convert
_KINDS = ("Opaque", "Endpoint", "Property", "Ssml")  # hub classes several elements read into, told apart by ``kind``


def _functions(rules: Iterable[Rules | None], cls: type) -> list[Callable[..., Any]]:
    found = []
    for table in rules:
        if table is None:
            continue
        for mapping in (table.before, table.transforms):
            if cls in mapping:
                found.append(mapping[cls])
    return found


def _hooks(rules: Iterable[Rules | None], cls: type) -> list[Callable[..., Any]]:
    """The rules' document-wide hooks (``prepare``, ``enter``) that name the class: they may report on it
    (v1's prepare reports a second Gather output, CV106)."""
    found = []
    for table in rules:
        for hook in (table.prepare, table.enter) if table is not None else ():
            if hook is not None and cls.__name__ in _words(hook):
                found.append(hook)
    return found


def _rules(source: str, target: str) -> list[Rules | None]:
    first = load(SOURCES[source]).get(target) if source in SOURCES else None
    return [first, load(TARGETS[target])]


def _code_objects(function: Callable[..., Any]) -> Iterable[tuple[types.CodeType, dict[str, Any]]]:
    """The code of a transform and of every convert-package function it calls (each once)."""
    seen: set[int] = set()
    stack: list[tuple[types.CodeType, dict[str, Any]]] = [(function.__code__, function.__globals__)]  # type: ignore[attr-defined]
    while stack:
        code, names = stack.pop()
        if id(code) in seen:
            continue
        seen.add(id(code))
        yield code, names
        stack.extend((const, names) for const in code.co_consts if isinstance(const, types.CodeType))
        for name in code.co_names:
            called = names.get(name)
            if isinstance(called, types.FunctionType) and called.__module__.startswith(_PACKAGE) and called.__module__ != __name__:
                stack.append((called.__code__, called.__globals__))


def _words(function: Callable[..., Any]) -> set[str]:
    """Every name and string the transform's code holds (field names it reads or sets, codes it reports)."""
    words: set[str] = set()
    for code, _ in _code_objects(function):
        words.update(code.co_names)
        for const in code.co_consts:
            if isinstance(const, str):
                words.add(const)
            elif isinstance(const, tuple):
                words.update(item for item in const if isinstance(item, str))
    return words


def codes(function: Callable[..., Any]) -> list[str]:
    """The CV codes a transform may report."""
    return sorted({match for word in _words(function) for match in _CODE.findall(word)})


def _target_element(target: Any, spec: Any) -> Any:
    cls = spec.node_class
    found = target.elements.get(spec.name) if cls.__name__ in _KINDS else target.by_node.get(cls.__name__)
    return found if found is not None and found.node_class is cls else None


def _unplaced(spec: Any, element: Any, mentioned: set[str]) -> list[str]:
    """The source element's attributes the target element has no place for (none: every one maps)."""
    out = []
    for name, attribute in spec.attributes.items():
        if name in spec.condition:  # v1's variable, test and value are one hub field, the condition
            if element is not None and (element.condition or any(a.field == "condition" for a in element.attributes.values())):
                continue
        elif element is not None and (
            (attribute.extra and name in element.attributes and element.attributes[name].extra)
            or (not attribute.extra and attribute.field in {a.field for a in element.attributes.values() if not a.extra})
        ):
            continue
        if attribute.field in mentioned or name in mentioned:
            continue
        out.append(name)
    return out


def cell(source: str, target: str, element_name: str) -> str:
    """What converting one of ``source``'s elements to ``target`` does."""
    spec = get_dialect(source).vocabulary().elements[element_name]
    element = _target_element(get_dialect(target).vocabulary(), spec)
    rules = _rules(source, target)
    functions = _functions(rules, spec.node_class)
    hooks = _hooks(rules, spec.node_class)
    mentioned = set().union(*(_words(f) for f in functions)) if functions else set()
    if element is None and not functions:
        return "no (CV101)"
    # A construct rewritten into others (v1's If as VoXML's expression, TwiML's Dial > Conference as v1's
    # Conference) has no attributes of its own in the target: the transform says what becomes of them.
    unplaced = _unplaced(spec, element, mentioned) if element is not None else []
    lacking = bool(_unplaced(spec, element, set())) if element is not None else False
    found = sorted(set().union(set(), *(codes(f) for f in functions + hooks)) | ({"CV102"} if lacking and functions else set()))
    if functions:
        text = "rewritten" + (f"; may report {', '.join(found)}" if found else "")
    else:
        text = "yes" + (f"; may report {', '.join(found)}" if found else "")
    if unplaced:
        text += "; no place for " + ", ".join(f"`{name}`" for name in unplaced) + " (CV102)"
    return text


def rows(source: str) -> list[str]:
    """The elements of a dialect the table lists: its verbs, then the Dial nouns that are not verbs."""
    vocabulary = get_dialect(source).vocabulary()
    names = list(vocabulary.verbs)
    names += [name for name in vocabulary.elements["Dial"].children if name not in names]
    return names


def markdown() -> str:
    """The table, one section per source dialect, every other dialect a column."""
    parts = []
    for source, title in DIALECTS.items():
        targets = [t for t in DIALECTS if t != source]
        parts.append(f"From {title}:\n")
        parts.append("| element | " + " | ".join(DIALECTS[t] for t in targets) + " |")
        parts.append("|---|" + "---|" * len(targets))
        for name in rows(source):
            parts.append(f"| `{name}` | " + " | ".join(cell(source, t, name) for t in targets) + " |")
        parts.append("")
    return "\n".join(parts)


__all__ = ["DIALECTS", "cell", "codes", "markdown", "rows"]
