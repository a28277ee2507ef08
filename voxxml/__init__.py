"""voxxml: parse, validate and lint VoxXML call-control documents.

    >>> import voxxml
    >>> result = voxxml.parse("<Response><Say>Hi</Say></Response>")
    >>> result.document.verbs[0].text.text
    'Hi'

The names below are imported when first used (PEP 562), so importing one part of the package
(``voxxml.hub.nodes``, the command line) does not import all of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .core.version import __version__

if TYPE_CHECKING:
    from .config import Settings
    from .lint import Result, lint_bytes, lint_file, parse_bytes

_LAZY = {
    "Settings": "voxxml.config",
    "Result": "voxxml.lint",
    "lint_bytes": "voxxml.lint",
    "lint_file": "voxxml.lint",
    "parse_bytes": "voxxml.lint",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'voxxml' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def parse(source: str | bytes, path: str = "<string>", settings: Settings | None = None) -> Result:
    """Parse, validate and analyse VoxXML text or bytes (inline suppressions applied).

    The result holds the typed AST (``document``) and the diagnostics.
    """
    from .lint import lint_bytes

    data = source.encode("utf-8") if isinstance(source, str) else source
    return lint_bytes(data, path, settings)


__all__ = ["Result", "Settings", "__version__", "lint_bytes", "lint_file", "parse", "parse_bytes"]
