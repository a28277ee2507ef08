"""One JSON line per webhook and per REST request: call id, state, event, outcome, latency.

Why JSON lines: a log shipper parses them without a pattern, and a field never runs into the next.
Secrets never reach a log line: the records carry only the fields the runner chooses (no headers,
no request bodies: TTS text is the caller's business), and store URLs are redacted before logging.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

LOGGER = logging.getLogger("voxxml.serve")


class JSONLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "msg": record.getMessage(),
        }
        fields.update(getattr(record, "fields", {}))
        if record.exc_info:
            fields["error"] = f"{record.exc_info[0].__name__}: {record.exc_info[1]}"  # type: ignore[union-attr]
        return json.dumps(fields, ensure_ascii=False, default=str)


def configure(level: str = "info", stream: Any = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JSONLines())
    LOGGER.handlers[:] = [handler]
    LOGGER.setLevel(level.upper())
    LOGGER.propagate = False


def log(message: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one line with ``fields`` (None values left out)."""
    if LOGGER.isEnabledFor(level):
        LOGGER.log(level, message, extra={"fields": {k: v for k, v in fields.items() if v is not None}})


__all__ = ["JSONLines", "LOGGER", "configure", "log"]
