"""Targets: what a document compiles to, and the registry ``voxxml compile --target`` reads.

A target turns a parsed document into a plan for a platform and reports, with a code
and a span, every construct it cannot express exactly. Targets register here by name
with the import path of their object, so listing them (``--target`` choices, help
text) imports no compiler: ``voxxml lint`` never loads one. Adding a target: a folder
``voxxml/targets/<name>/`` whose module defines an object satisfying ``Target``, and a
``register`` line below.

``voxxml.dialects.voxxml_v1.writer`` writes VoxXML itself; it is not a target.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from ..ast import Response
    from ..core.diagnostics import Diagnostic

PlanT = TypeVar("PlanT")


@dataclass
class Compilation(Generic[PlanT]):
    """A target's output: the plan, and the approximations made to write it (empty when exact)."""

    plan: PlanT
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return not self.diagnostics


@runtime_checkable
class Target(Protocol):
    """A platform a document compiles to."""

    name: str  # the --target value
    summary: str  # the platform, in a few words, for help text
    codes: tuple[str, ...]  # the diagnostic codes it reports (each with a page in rules/)
    formats: tuple[str, ...]  # the output formats render() writes; the first is the default

    def compile(self, document: Response, source_name: str, **options: Any) -> Compilation[Any]:
        """The plan of a document parsed without errors; options are the target's own (loop_cap, base_url)."""
        ...

    def render(self, plan: Any, output_format: str) -> str:
        """A plan as text, in one of ``formats``."""
        ...


class UnknownTarget(ValueError):
    """A --target name no target is registered under; the message lists the valid ones."""


@dataclass
class _Entry:
    summary: str
    path: str | None  # "package.module:attribute", imported on first use
    loaded: Target | None = None


_REGISTRY: dict[str, _Entry] = {}


def register(name: str, target: Target | str, summary: str, *, replace: bool = False) -> None:
    """Register a target object, or the ``"module:attribute"`` path of one to import when first used."""
    if name in _REGISTRY and not replace:
        raise ValueError(f"a target named {name!r} is already registered")
    if isinstance(target, str):
        _REGISTRY[name] = _Entry(summary, target)
    else:
        _REGISTRY[name] = _Entry(summary, None, target)


def unregister(name: str) -> None:
    """Remove a target (tests register fakes and remove them again)."""
    _REGISTRY.pop(name, None)


def targets() -> tuple[str, ...]:
    """The registered target names, sorted: the --target choices. Imports no target."""
    return tuple(sorted(_REGISTRY))


def summaries() -> dict[str, str]:
    """Each target name and its platform, for help text. Imports no target."""
    return {name: _REGISTRY[name].summary for name in targets()}


def get_target(name: str) -> Target:
    """The target registered under ``name``, imported now if it was registered by path."""
    entry = _REGISTRY.get(name)
    if entry is None:
        raise UnknownTarget(f"unknown target {name!r}; the targets are: {', '.join(targets()) or '(none)'}")
    if entry.loaded is None:
        assert entry.path is not None
        module, _, attribute = entry.path.partition(":")
        loaded = getattr(importlib.import_module(module), attribute)
        if not isinstance(loaded, Target) or loaded.name != name:
            raise TypeError(f"{entry.path} is not a Target named {name!r}")
        entry.loaded = loaded
    return entry.loaded


register("enablex", "voxxml.targets.enablex.target:TARGET", "EnableX Core Voice")

__all__ = ["Compilation", "Target", "UnknownTarget", "get_target", "register", "summaries", "targets", "unregister"]
