"""The ``voxxml`` command line."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import click

from . import __version__
from .catalog import Severity
from .config import ConfigError, Resolver
from .discover import discover
from .grammar import grammar
from .lint import Result, lint_bytes
from .reporters import REPORTERS

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def fail(message: str) -> None:
    click.echo(f"voxxml: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="voxxml")
def main() -> None:
    """Parse, validate and lint VoxXML call-control documents."""
    # A short-lived process that makes no reference cycles: the cyclic collector would
    # only rescan every AST it builds. Reference counting still frees everything.
    gc.disable()


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True)
@click.option("--stdin-filename", default=None, help="Path to report for input read from '-'.")
@click.option(
    "--fail-on",
    type=click.Choice([s.value for s in Severity]),
    default=None,
    help="Lowest severity that makes the exit status 1 [default: error, or the configuration's].",
)
@click.option(
    "--context",
    type=click.Choice(grammar().contexts),
    default=None,
    help="What the VoxXML is sent to [default: call, or the configuration's].",
)
@click.option("-v", "--verbose", is_flag=True, help="List the files checked and the XML files skipped.")
def lint(
    paths: tuple[str, ...], output_format: str, stdin_filename: str | None, fail_on: str | None, context: str | None, verbose: bool
) -> None:
    """Lint VoxXML files and directories ('-' reads standard input).

    Settings come from the nearest voxxml.toml or pyproject.toml [tool.voxxml].
    Exit status: 0 no errors, 1 problems at or above --fail-on, 2 usage error,
    invalid configuration or unreadable path.
    """
    resolver = Resolver({"fail_on": Severity(fail_on) if fail_on else None, "context": context})
    found = discover([p for p in paths if p != "-"])
    if found.missing:
        fail(f"{found.missing[0]}: no such file or directory")
    results: list[Result] = []
    unreadable = False
    try:
        if "-" in paths:
            name = stdin_filename or "<stdin>"
            settings = resolver.for_path(Path(stdin_filename) if stdin_filename else Path.cwd())
            results.append(lint_bytes(sys.stdin.buffer.read(), name, settings))
        for path, explicit in found.files:
            settings = resolver.for_path(path)
            if not explicit and settings.excluded(path):
                if verbose:
                    click.echo(f"excluded {path}", err=True)
                continue
            try:
                data = path.read_bytes()
            except OSError as error:
                click.echo(f"voxxml: error: {path}: {error.strerror or error}", err=True)
                unreadable = True
                continue
            result = lint_bytes(data, str(path), settings)
            result.document = None  # reporters need the diagnostics and the source text, not the AST
            results.append(result)
            if verbose:
                click.echo(f"checked {path}", err=True)
    except ConfigError as error:
        fail(str(error))
    if verbose:
        for path, why in found.skipped:
            click.echo(f"skipped {path}: {why}", err=True)
    REPORTERS[output_format](results, sys.stdout)
    if unreadable:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_PROBLEMS if any(result.failed for result in results) else EXIT_OK)


@main.command()
@click.argument("code", required=False)
@click.option("--list", "list_all", is_flag=True, help="List every code with its name and severity.")
def rule(code: str | None, list_all: bool) -> None:
    """Show the documentation page of a diagnostic CODE (e.g. VX102)."""
    from .rule_pages import list_rules, show_rule

    if list_all:
        list_rules(sys.stdout)
    elif code:
        if not show_rule(code.upper(), sys.stdout):
            fail(f"unknown code '{code}'; see 'voxxml rule --list'")
    else:
        fail("give a CODE, or --list")
