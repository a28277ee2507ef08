"""Options and option checks that several commands share (compile, simulate and graph; serve; lint and compile)."""

from __future__ import annotations

from typing import Callable, TypeVar
from urllib.parse import urlsplit

import click

from .lint_options import Option, jobs

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
    return click_option(jobs(work))


def click_option(option: Option) -> Callable[[F], F]:
    """The click option of an option declared as data (``cli/lint_options.py``), which the fast parser reads too."""
    settings: dict[str, object] = {"help": option.help_text()}
    if option.kind == "flag":
        settings["is_flag"] = True
    elif option.kind == "multiple":
        settings["multiple"] = True
    else:
        settings["default"] = None
        if option.kind == "count":
            settings["type"] = click.IntRange(min=0)
    if option.choices is not None:
        settings["type"] = click.Choice(option.choices())
    if option.metavar is not None:
        settings["metavar"] = option.metavar
    if option.envvar is not None:
        settings["envvar"] = option.envvar
    return click.option(*option.flags, option.name, **settings)  # type: ignore[return-value]
