"""``voxxml convert``: a document in another dialect (the pipeline's convert stage, ``pipeline.convert``).

Like ``voxxml compile``: the source is read with the dialect lint would choose (--dialect, the
configuration's ``dialect``, detection of a .xml file, the suffix), diagnostics go to standard error,
and the converted document to standard output or -o. A conversion that reports a CV code is refused
(exit 1, nothing written) unless --allow-approximate, which makes every CV code a warning.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from ..config import ConfigError, Resolver
from ..convert import CODES, targets
from ..core.catalog import Severity
from .commands import EXIT_OK, EXIT_PROBLEMS, _report_to_stderr, dialect_option, fail, main, reading


@main.command(name="convert")
@click.argument("file")
@click.option("--to", "to", type=click.Choice(targets()), required=True, help="The dialect to write.")
@click.option("-o", "--output", metavar="PATH", help="Write the converted document to PATH instead of standard output.")
@click.option("--allow-approximate", is_flag=True, help="Report what cannot be converted exactly (CV1xx) as warnings and write the approximation.")
@click.option("--stdin-filename", default=None, help="Path of the input read from '-' (for its dialect, configuration and messages).")
@dialect_option
def convert_command(file: str, to: str, output: str | None, allow_approximate: bool, stdin_filename: str | None, dialect: str | None) -> None:
    """Convert FILE ('-': standard input) to the dialect --to (voxml, voxxml-v1).

    What the target cannot say exactly is reported (CV1xx) with its place in FILE. By default
    such a conversion is refused: exit 1 and nothing written. --allow-approximate writes the
    approximation and reports the CV codes as warnings. A suppression comment or the
    configuration's ignore accepts a CV code as it does a lint code.

    Exit status: 0 written, 1 the document has errors or the conversion is not exact, 2 usage
    error or unreadable file.
    """
    from ..pipeline import convert

    path = Path(stdin_filename) if file == "-" and stdin_filename else Path(file) if file != "-" else None
    shown = str(path) if path is not None else "<stdin>"
    try:
        settings = Resolver().for_path(path if path is not None else Path("<stdin>"))
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except ConfigError as error:
        fail(str(error))
    except OSError as error:
        fail(f"{file}: {error.strerror or error}")
    if allow_approximate:
        settings = replace(settings, severity={**settings.severity, **dict.fromkeys(CODES, Severity.WARNING)})
    result = convert(data, shown, to, settings, reading(path, settings, dialect))
    _report_to_stderr(result)
    if result.error_count or result.output is None:
        if result.output is None and not result.error_count:
            click.echo(f"voxxml: error: {shown}: not a well-formed document", err=True)
        sys.exit(EXIT_PROBLEMS)
    text = result.output
    if output is None or output == "-":
        sys.stdout.write(text)
    else:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            fail(f"{output}: {error.strerror or error}")
    sys.exit(EXIT_OK)
