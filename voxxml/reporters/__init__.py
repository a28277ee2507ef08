"""Reporters turn diagnostics into output: one module per format."""

from __future__ import annotations

from typing import Callable, TextIO

from ..lint import Result
from . import json_format, text

Reporter = Callable[[list[Result], TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.report,
    "json": json_format.report,
}
