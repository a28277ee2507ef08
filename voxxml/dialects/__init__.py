"""The dialects voxxml reads and writes, one folder each (``voxxml_v1/`` is VoxXML v1, named ``voxxml-v1``),
and the registry that lists them by name.

A ``Dialect`` owns its vocabulary (loaded from ``grammar/<data_folder>/``), its value types, its reader
(source to the hub AST), its writer (hub AST to source), its formatter, the files it claims and the codes
it reports. Its entry points are ``"module:attribute"`` paths imported on first use, so naming a dialect
imports none of its modules. Every dialect reads into the hub AST (``voxxml.hub``), which sits below this
package and imports nothing from it: the hub reaches the default dialect through ``default_template``
and ``write`` here, by their registry paths. Adding a dialect:
a folder ``voxxml/dialects/<name>/`` whose ``__init__`` defines a ``Dialect``, and a ``register`` line below.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..core.paths import suffix as suffix_of
from ..core.records import dataclass
from ..core.registry import Registry, load

if TYPE_CHECKING:
    from pathlib import Path

    from ..core.diagnostics import Diagnostic
    from ..core.source import SourceMap


class UnknownDialect(ValueError):
    """A name no dialect is registered under; the message lists the valid ones."""


@dataclass(frozen=True)
class Dialect:
    """One language voxxml reads into the hub AST and writes back."""

    name: str  # the registry name, e.g. "voxxml-v1"
    summary: str  # the language, in a few words, for help text
    data_folder: str  # its vocabulary and lark grammars: grammar/<data_folder>/
    extensions: tuple[str, ...]  # file suffixes it claims in a directory, lower case (".voxxml")
    xml_roots: tuple[str, ...]  # root element names (lower case) that make a ``.xml`` file its own
    code_prefix: str  # the prefix of the codes its reader and checks report ("VX")
    grammar: str  # "module:function": data_folder -> the loaded vocabulary
    reader: str  # "module:class": (source, diagnostics, check_content) -> an object with read(root), by_tag
    writer: str  # "module:function": node -> source text
    formatter: str  # "module:function": (source, path, quote_style) -> a FormatResult
    template: str | None = None  # "module:class": its hub Template subclass (its variable syntax in text)

    def vocabulary(self) -> Any:
        """The loaded vocabulary (element and attribute specs), cached per data folder by the loader."""
        return load(self.grammar)(self.data_folder)

    def value_types(self) -> dict[str, Any]:
        """Each value type the vocabulary names (attribute and content types), by name."""
        found: dict[str, Any] = {}
        for spec in self.vocabulary().elements.values():
            for attribute in spec.attributes.values():
                found.setdefault(attribute.type_name, attribute.type)
            if spec.content_type is not None:
                found.setdefault(spec.content_type_name, spec.content_type)
        return found

    def new_reader(self, source: SourceMap, diagnostics: list[Diagnostic], check_content: bool = True) -> Any:
        """A reader over one parsed document; ``read(root)`` returns the AST and appends to ``diagnostics``."""
        return load(self.reader)(source, diagnostics, check_content=check_content)

    def write(self, node: Any, indent: str | None = "  ") -> str:
        """A hub-AST node as this dialect's source text (``indent``: per level; None writes one line)."""
        writer = load(self.writer)
        return str(writer(node) if indent == "  " else writer(node, indent=indent))

    def template_class(self) -> Any:
        """Its ``hub.expressions.Template`` subclass (the base class: text without references)."""
        if self.template is None:
            from ..hub.expressions import Template  # the base syntax: no references

            return Template
        return load(self.template)

    def format(self, source: bytes | str, path: str = "<stdin>", quote_style: str = "double") -> Any:
        """The formatter's result for one source (its text, or the syntax errors that stop it)."""
        return load(self.formatter)(source, path, quote_style)

    def codes(self) -> tuple[str, ...]:
        """The diagnostic codes its reader and checks report: the rule pages under its prefix."""
        from ..core.catalog import rules  # the rule pages, read only when asked

        return tuple(code for code in sorted(rules()) if code.startswith(self.code_prefix))

    def claims(self, path: Path | str, root: str | None = None) -> bool:
        """Whether a file in a directory is this dialect's: by suffix, or a ``.xml`` file by its root element."""
        suffix = suffix_of(os.fspath(path)).lower()
        if suffix in self.extensions:
            return True
        return suffix == ".xml" and root is not None and root.lower() in self.xml_roots


_REGISTRY: Registry[Dialect] = Registry("dialect", "Dialect", UnknownDialect, lambda loaded, name: isinstance(loaded, Dialect) and loaded.name == name)
DEFAULT = "voxxml-v1"
# Not a dialect: asks the pipeline to choose one from the parsed document (``dialects.detect``).
DETECT = "detect"


def register(name: str, dialect: Dialect | str, summary: str, *, replace: bool = False) -> None:
    """Register a dialect object, or the ``"module:attribute"`` path of one to import when first used."""
    _REGISTRY.register(name, dialect, summary, replace=replace)


def unregister(name: str) -> None:
    """Remove a dialect (tests register fakes and remove them again)."""
    _REGISTRY.unregister(name)


def dialects() -> tuple[str, ...]:
    """The registered dialect names, sorted. Imports no dialect."""
    return _REGISTRY.names()


def every_dialect() -> tuple[Dialect, ...]:
    """Every registered dialect, sorted by name, each imported now."""
    return _REGISTRY.every()


def summaries() -> dict[str, str]:
    return _REGISTRY.summaries()


def get_dialect(name: str | Dialect = DEFAULT) -> Dialect:
    """The dialect registered under ``name`` (a ``Dialect`` passes through), imported on first use."""
    return name if isinstance(name, Dialect) else _REGISTRY.get(name)


register(DEFAULT, "voxxml.dialects.voxxml_v1:DIALECT", "VoxXML v1 (Voxtelesys)")
register("voxml", "voxxml.dialects.voxml:DIALECT", "VoXML (Voxtelesys's current dialect)")
register("twiml", "voxxml.dialects.twiml:DIALECT", "TwiML (Twilio)")
register("texml", "voxxml.dialects.twiml:TEXML", "TeXML (Telnyx's TwiML profile)")
register("cxml", "voxxml.dialects.twiml:CXML", "cXML (SignalWire's TwiML profile)")


def default_template(text: str) -> Any:
    """Text given to the builder as a plain str, read with the default dialect's template syntax
    (``voxxml.hub.nodes`` reaches it by this function's registry path)."""
    return get_dialect().template_class()(text)


def write(node: Any, indent: str | None = "  ") -> str:
    """A node in the default dialect's syntax: ``Node.to_xml()`` (reached by its registry path)."""
    return get_dialect().write(node, indent)


def vocabulary_of(node: Any) -> Any:
    """The vocabulary of the dialect that read a node (kept on its source); the default dialect's
    for a node built in Python. How a check or a target maps hub fields back onto attributes."""
    source = node.source
    vocabulary = source.vocabulary if source is not None else None
    return vocabulary if vocabulary is not None else get_dialect().vocabulary()

__all__ = [
    "DEFAULT", "DETECT", "Dialect", "UnknownDialect", "default_template", "dialects", "get_dialect", "register", "summaries",
    "unregister", "vocabulary_of", "write",
]
