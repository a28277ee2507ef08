"""voxxml: parse, validate and lint VoxXML call-control documents.

    >>> import voxxml
    >>> result = voxxml.parse("<Response><Say>Hi</Say></Response>")
    >>> result.document.verbs[0].text.text
    'Hi'
"""

from __future__ import annotations

from .core.version import __version__
from .config import Settings
from .lint import Result, lint_bytes, lint_file, parse_bytes


def parse(source: str | bytes, path: str = "<string>", settings: Settings | None = None) -> Result:
    """Parse, validate and analyse VoxXML text or bytes (inline suppressions applied).

    The result holds the typed AST (``document``) and the diagnostics.
    """
    data = source.encode("utf-8") if isinstance(source, str) else source
    return lint_bytes(data, path, settings)


__all__ = ["Result", "Settings", "__version__", "lint_bytes", "lint_file", "parse", "parse_bytes"]
