"""Options and option checks that several commands share (compile, simulate and graph; serve; lint and compile)."""

from __future__ import annotations

from typing import Callable, TypeVar
from urllib.parse import urlsplit

import click

F = TypeVar("F", bound=Callable[..., object])


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


def jobs_option(work: str) -> Callable[[F], F]:
    """-j/--jobs for a command that does ``work`` per file (lint, compile): the process pool's size (cli/parallel.py)."""
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=0),
        default=None,
        envvar="VOXXML_JOBS",
        metavar="N",
        help=f"Processes to {work} with: 1 works in this process; N uses N (this one and N-1 forked workers); 0: one per core, "
        "at most one per 50 files (so none below 100) [default: 0, or $VOXXML_JOBS]. Output is the same either way.",
    )
