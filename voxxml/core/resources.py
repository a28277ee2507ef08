"""Locate the data directories (grammar/, rules/) that ship inside the wheel.

In a wheel they live inside the package (``voxxml/grammar``); in a source checkout
(editable install, tests) they are the top-level folders beside the package.
``grammar/`` holds one folder per dialect (``grammar/voxxml-v1/``).

The lint path asks for strings (``data_folder``, ``grammar_path``): a ``Path`` would import pathlib
(``core/paths.py`` says why that matters); the ``Path`` forms are for everything else.
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

# voxxml/, this module being voxxml/core/resources.py (resolved as Path(__file__).resolve() would)
_PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


@cache
def data_folder(name: str) -> str:
    """The directory ``name`` (``"grammar"`` or ``"rules"``), as a string."""
    for candidate in (os.path.join(_PACKAGE, name), os.path.join(os.path.dirname(_PACKAGE), name)):
        if os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError(f"voxxml data directory {name!r} not found beside {_PACKAGE}")


def data_dir(name: str) -> Path:
    """The directory ``name`` (``"grammar"`` or ``"rules"``)."""
    from pathlib import Path

    return Path(data_folder(name))


def grammar_path(dialect: str, filename: str) -> str:
    """``grammar_file`` as a string."""
    return os.path.join(data_folder("grammar"), dialect, filename)


def grammar_text(dialect: str, filename: str) -> str:
    """The text (UTF-8) of a data file of one dialect."""
    with open(grammar_path(dialect, filename), encoding="utf-8") as file:
        return file.read()


def grammar_file(dialect: str, filename: str) -> Path:
    """A data file of one dialect: ``grammar/<dialect>/<filename>``."""
    return data_dir("grammar") / dialect / filename


def rules_dir() -> Path:
    return data_dir("rules")
