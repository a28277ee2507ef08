"""The ``voxxml`` command line."""

from __future__ import annotations

import sys

import click

from . import __version__
from .catalog import Severity
from .discover import discover
from .lint import Result, parse_bytes
from .reporters import REPORTERS

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="voxxml")
def main() -> None:
    """Parse, validate and lint VoxXML call-control documents."""


def failed(results: list[Result], fail_on: Severity) -> bool:
    return any(d.severity.rank >= fail_on.rank for r in results for d in r.diagnostics)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True)
@click.option("--stdin-filename", default=None, help="Path to report for input read from '-'.")
@click.option(
    "--fail-on",
    type=click.Choice([s.value for s in Severity]),
    default="error",
    show_default=True,
    help="Lowest severity that makes the exit status 1.",
)
@click.option("-v", "--verbose", is_flag=True, help="List the files checked and the XML files skipped.")
def lint(paths: tuple[str, ...], output_format: str, stdin_filename: str | None, fail_on: str, verbose: bool) -> None:
    """Lint VoxXML files and directories ('-' reads standard input).

    Exit status: 0 no errors, 1 problems at or above --fail-on, 2 usage error or unreadable path.
    """
    results: list[Result] = []
    file_paths = [p for p in paths if p != "-"]
    found = discover(file_paths)
    for missing in found.missing:
        click.echo(f"voxxml: error: {missing}: no such file or directory", err=True)
    if found.missing:
        sys.exit(EXIT_USAGE)
    if "-" in paths:
        results.append(parse_bytes(sys.stdin.buffer.read(), stdin_filename or "<stdin>"))
    unreadable = False
    for path in found.files:
        try:
            data = path.read_bytes()
        except OSError as error:
            click.echo(f"voxxml: error: {path}: {error.strerror or error}", err=True)
            unreadable = True
            continue
        results.append(parse_bytes(data, str(path)))
        if verbose:
            click.echo(f"checked {path}", err=True)
    if verbose:
        for path, why in found.skipped:
            click.echo(f"skipped {path}: {why}", err=True)
    REPORTERS[output_format](results, sys.stdout)
    if unreadable:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_PROBLEMS if failed(results, Severity(fail_on)) else EXIT_OK)
