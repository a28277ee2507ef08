"""Flow and semantic checks: one module per diagnostic code (VX1xx).

Each module has ``CODE`` and ``check(context)``, which yields diagnostics. The
reader (voxxml/dialects/voxxml_v1/reader.py) implements the vocabulary codes VX001-VX011.
"""

from __future__ import annotations

from types import ModuleType
from typing import Iterator

from ..core.diagnostics import Diagnostic
from . import (
    after_redirect,
    callback_without_url,
    conference_never_starts,
    duplicate_condition,
    empty_body,
    gather_undefined,
    ignored_attribute,
    impossible_condition,
    reject_not_first,
    unreachable,
    wrong_context,
)
from .context import CheckContext

CHECKS: tuple[ModuleType, ...] = (
    reject_not_first,
    unreachable,
    after_redirect,
    gather_undefined,
    impossible_condition,
    ignored_attribute,
    callback_without_url,
    empty_body,
    duplicate_condition,
    conference_never_starts,
    wrong_context,
)


def run_checks(context: CheckContext) -> Iterator[Diagnostic]:
    for module in CHECKS:
        yield from module.check(context)


__all__ = ["CHECKS", "CheckContext", "run_checks"]
