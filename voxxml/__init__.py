"""voxxml: parse, validate and lint VoxXML call-control documents.

    >>> import voxxml
    >>> result = voxxml.parse("<Response><Say>Hi</Say></Response>")
    >>> result.document.verbs[0].text.text
    'Hi'
"""

from __future__ import annotations

__version__ = "0.1.0"

from .lint import Result, lint_file, parse_bytes


def parse(source: str | bytes, path: str = "<string>") -> Result:
    """Parse and validate VoxXML text or bytes; the result holds the AST and diagnostics."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    return parse_bytes(data, path)


__all__ = ["Result", "__version__", "lint_file", "parse", "parse_bytes"]
