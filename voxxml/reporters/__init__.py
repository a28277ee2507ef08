"""Reporters turn diagnostics into output: one module per format."""

from __future__ import annotations

from typing import Callable, TextIO

from ..lint import Result
from . import concise, github, json_format, sarif, text

Reporter = Callable[[list[Result], TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.report,
    "concise": concise.report,
    "json": json_format.report,
    "sarif": sarif.report,
    "github": github.report,
}
