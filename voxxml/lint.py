"""The lint API's names, kept for its callers: the work is done by ``voxxml.pipeline``.

``parse_bytes`` reads and checks (no suppressions, no configuration); ``lint_bytes``
runs the whole pipeline without a target: read → check → finalize.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import Settings
from .dialects import DEFAULT, Dialect
from .pipeline import CODES, Result, cyclic_gc_paused, run, run_file
from .pipeline import check as parse_bytes

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["CODES", "Result", "cyclic_gc_paused", "lint_bytes", "lint_file", "parse_bytes", "parse_text"]


def parse_text(text: str, path: str = "<string>", dialect: str | Dialect = DEFAULT) -> Result:
    return parse_bytes(text.encode("utf-8"), path, dialect=dialect)


def lint_bytes(data: bytes, path: str, settings: Settings | None = None, dialect: str | Dialect = DEFAULT) -> Result:
    """The full lint of one document, read with ``dialect``: checks, then inline suppressions, then configuration."""
    return run(data, path, settings, dialect=dialect)


def lint_file(path: Path | str, settings: Settings | None = None, dialect: str | Dialect = DEFAULT) -> Result:
    return run_file(path, settings, dialect)
