"""``voxxml convert``: a document in another dialect (the pipeline's convert stage, ``pipeline.convert``).

Like ``voxxml compile``: the source is read with the dialect lint would choose (--dialect, the
configuration's ``dialect``, detection of a .xml file, the suffix), diagnostics go to standard error,
and the converted document to standard output or -o. A conversion that reports a CV code is refused
(exit 1, nothing written) unless --allow-approximate, which makes every CV code a warning.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from typing import Any
from pathlib import Path

import click

from ..config import ConfigError, Resolver
from ..convert import CODES, targets
from ..core.catalog import Severity
from .options import absolute_url
from .commands import EXIT_OK, EXIT_PROBLEMS, _report_to_stderr, dialect_option, fail, main, reading


@main.command(name="convert")
@click.argument("file")
@click.option("--to", "to", type=click.Choice(targets()), required=True, help="The dialect to write.")
@click.option("-o", "--output", metavar="PATH", help="Write the converted document to PATH instead of standard output. --to twiml|texml|cxml and a directory (existing, or ending in '/'): write the document as a set of TwiML states (one file each) and manifest.json, for voxxml serve --target twiml.")
@click.option("--states-url", metavar="URL", callback=absolute_url, help="With -o DIR: the URL the states are served at (voxxml serve --target twiml: PUBLIC_URL/twiml/NAME/); links become absolute under it, as cXML requires. Default: relative links.")
@click.option("--static", is_flag=True, help="--to twiml|texml|cxml: one self-contained document only, even into a directory; a document that branches is refused (CV109, CV110).")
@click.option("--allow-approximate", is_flag=True, help="Report what cannot be converted exactly (CV1xx) as warnings and write the approximation.")
@click.option("--stdin-filename", default=None, help="Path of the input read from '-' (for its dialect, configuration and messages).")
@dialect_option
def convert_command(file: str, to: str, output: str | None, states_url: str | None, static: bool, allow_approximate: bool, stdin_filename: str | None, dialect: str | None) -> None:
    """Convert FILE ('-': standard input) to the dialect --to (voxml, voxxml-v1, twiml, texml, cxml).

    What the target cannot say exactly is reported (CV1xx) with its place in FILE. By default
    such a conversion is refused: exit 1 and nothing written. --allow-approximate writes the
    approximation and reports the CV codes as warnings. A suppression comment or the
    configuration's ignore accepts a CV code as it does a lint code.

    TwiML has no branching: a document with an If, a Do loop or a Gather the call goes on after
    converts to a set of states linked by action URLs when -o names a directory (DIR/NAME.twiml
    per state, DIR/manifest.json), which voxxml serve --target twiml FILE serves; to one file
    or standard output (or with --static) it is refused with CV109/CV110.

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
    into_directory = output not in (None, "-") and (Path(output).is_dir() or output.endswith(("/", os.sep)))  # type: ignore[union-attr]
    if states_url and not (into_directory and not static and to in TWIML_TARGETS):
        fail("--states-url applies to a set of TwiML states: --to twiml|texml|cxml with -o DIR/ (without --static)")
    if into_directory and not static and to in TWIML_TARGETS:
        _write_states(data, shown, to, settings, reading(path, settings, dialect), Path(output), states_url)  # type: ignore[arg-type]
    if into_directory:
        name = (path.stem if path is not None else "stdin") + {"voxml": ".voxml", "voxxml-v1": ".voxxml"}.get(to, f".{to}")
        output = str(Path(output) / name)  # type: ignore[arg-type]
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


TWIML_TARGETS = ("twiml", "texml", "cxml")


def _write_states(data: bytes, shown: str, to: str, settings: Any, dialect: Any, directory: Path, states_url: str | None) -> None:
    """The document as TwiML states in ``directory`` (convert/split.py): every file or none."""
    import json

    from ..serve.twiml import load  # the split and read-back; imports no server library
    from ..serve.twiml import ABSOLUTE_ONLY

    if to in ABSOLUTE_ONLY and not states_url:
        fail(f"{to} takes only absolute URLs: give --states-url, the URL the states will be served at")
    result, machine = load(data, shown, to, settings, dialect, None, states_url)
    _report_to_stderr(result)
    if machine is None:
        if result.document is None and not result.error_count:
            click.echo(f"voxxml: error: {shown}: not a well-formed document", err=True)
        sys.exit(EXIT_PROBLEMS)
    texts, manifest = result.output
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (directory / name).write_text(text, encoding="utf-8")
        (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        fail(f"{directory}: {error.strerror or error}")
    click.echo(f"wrote {len(texts)} state(s) and manifest.json to {directory}", err=True)
    sys.exit(EXIT_OK)
