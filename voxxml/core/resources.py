"""Locate the data directories (grammar/, rules/) that ship inside the wheel.

In a wheel they live inside the package (``voxxml/grammar``); in a source checkout
(editable install, tests) they are the top-level folders beside the package.
``grammar/`` holds one folder per dialect (``grammar/voxxml-v1/``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # voxxml/, this module being voxxml/core/resources.py


@cache
def data_dir(name: str) -> Path:
    """Return the directory ``name`` (``"grammar"`` or ``"rules"``)."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"voxxml data directory {name!r} not found beside {_PACKAGE}")


def grammar_file(dialect: str, filename: str) -> Path:
    """A data file of one dialect: ``grammar/<dialect>/<filename>``."""
    return data_dir("grammar") / dialect / filename


def rules_dir() -> Path:
    return data_dir("rules")
