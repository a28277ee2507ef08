"""Flow and semantic checks: one module per diagnostic code (VX1xx).

Each module has ``CODE`` and ``check(context)``, which yields diagnostics. The
reader (voxxml/dialects/voxxml_v1/reader.py) implements the vocabulary codes VX001-VX011.
"""

from __future__ import annotations

from types import ModuleType
from typing import Iterator

from ..core.diagnostics import Diagnostic
from . import (
    after_action,
    after_redirect,
    callback_without_url,
    conference_never_starts,
    constant_condition,
    counter_outside_loop,
    duplicate_condition,
    empty_body,
    gather_undefined,
    ignored_attribute,
    impossible_condition,
    loop_unchanging,
    reject_not_first,
    unreachable,
    variable_unread,
    variable_unset,
    wrong_context,
)
from .context import CheckContext

CHECKS: tuple[ModuleType, ...] = (
    reject_not_first,
    unreachable,
    after_redirect,
    after_action,
    gather_undefined,
    impossible_condition,
    ignored_attribute,
    callback_without_url,
    empty_body,
    duplicate_condition,
    conference_never_starts,
    wrong_context,
    variable_unset,
    variable_unread,
    constant_condition,
    loop_unchanging,
    counter_outside_loop,
)


def run_checks(context: CheckContext) -> Iterator[Diagnostic]:
    for module in CHECKS:
        yield from module.check(context)


__all__ = ["CHECKS", "CheckContext", "run_checks"]
