"""Option checks that several commands share (compile, simulate and graph; serve)."""

from __future__ import annotations

from urllib.parse import urlsplit

import click


def absolute_url(context: click.Context, parameter: click.Parameter, value: str | None) -> str | None:
    """An absolute http(s) URL, or a usage error: relative URLs in the documents are resolved against it."""
    if value is None:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"{value!r} is not an absolute http or https URL (e.g. https://example.com/ivr/main.xml)")
    return value
