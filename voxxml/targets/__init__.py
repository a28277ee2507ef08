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

from ..core.records import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

from ..core.registry import Registry

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


_REGISTRY: Registry[Target] = Registry("target", "Target", UnknownTarget, lambda loaded, name: isinstance(loaded, Target) and loaded.name == name)


def register(name: str, target: Target | str, summary: str, *, replace: bool = False) -> None:
    """Register a target object, or the ``"module:attribute"`` path of one to import when first used."""
    _REGISTRY.register(name, target, summary, replace=replace)


def unregister(name: str) -> None:
    """Remove a target (tests register fakes and remove them again)."""
    _REGISTRY.unregister(name)


def targets() -> tuple[str, ...]:
    """The registered target names, sorted: the --target choices. Imports no target."""
    return _REGISTRY.names()


def summaries() -> dict[str, str]:
    """Each target name and its platform, for help text. Imports no target."""
    return _REGISTRY.summaries()


def get_target(name: str) -> Target:
    """The target registered under ``name``, imported now if it was registered by path."""
    return _REGISTRY.get(name)


register("enablex", "voxxml.targets.enablex.target:TARGET", "EnableX Core Voice")

__all__ = ["Compilation", "Target", "UnknownTarget", "get_target", "register", "summaries", "targets", "unregister"]
