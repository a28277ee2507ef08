"""``voxxml compile``: a call plan per document, for a target of the registry (``voxxml.targets``).

One FILE: its plan goes to standard output or to ``-o FILE``, as it always did. Directories or
several files: one process compiles them all, and each plan is written to ``-o OUTDIR``, mirroring
the tree. The tree is taken under the deepest folder that holds every input (a directory named on
the command line counts as its own folder, a file as its parent's), so ``voxxml compile --target
enablex ivr -o plans`` writes ``ivr/sales/menu.voxxml`` to ``plans/sales/menu.json``. Each plan
file is named after its source with the source's suffix replaced: ``.json`` for the json format,
``.txt`` for steps. So a plan keeps its document's stem, which is its name in ``voxxml serve``
(``POST /calls {"plan": "menu"}`` whether serve is given menu.voxxml or menu.json); two sources in
one folder with one stem (menu.voxxml and menu.twiml) would be one plan file, which serve would
refuse too: the second is reported and not compiled (exit 2).


Files are found and configured as ``voxxml lint`` finds and configures them (``cli/discover.py``:
a dialect's suffixes and sniffed ``.xml`` roots; the nearest configuration, its ``exclude`` for the
files found in directories, its ``dialect``). A file with errors gets no plan and makes the exit
status 1; the others are still compiled and written. Many files are compiled in forked worker
processes (``cli/parallel.py``, as lint does; ``-j/--jobs``), and what each file prints comes out in
the files' order, as one process would print it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .. import targets as target_registry  # the --target choices; imports no target
from ..core.catalog import Severity
from .commands import (
    EXIT_OK,
    _parse_for_run,
    _report_to_stderr,
    base_url_option,
    dialect_option,
    fail,
    loop_cap_option,
    main,
)
from .compiling import SUFFIXES, ManyRun, Outcome, compile_paths, one_file, severity_of  # noqa: F401 - the run itself, without click
from .options import jobs_option


@main.command(name="compile")
@click.argument("paths", nargs=-1, required=True, metavar="FILE | PATH...")
@click.option("--target", type=click.Choice(target_registry.targets()), required=True, help="The platform to compile for: " + ", ".join(f"{name} ({summary})" for name, summary in target_registry.summaries().items()) + ".")
@click.option("-o", "--output", metavar="PATH", help="One FILE: write its plan to PATH instead of standard output. Directories or several files: the folder to write their plans to (required).")
@click.option(
    "--allow-approximate", is_flag=True, help="Report every approximation (EX2nn) as a warning and write the plan anyway."
)
@click.option("--strict", is_flag=True, help="Report every approximation (EX2nn) as an error: the plan is written only if it is exact.")
@click.option(
    "--output-format",
    "--format",
    "output_format",
    type=click.Choice(["json", "steps"]),
    default="json",
    show_default=True,
    help="json: the plan; steps: a readable table of it.",
)
@loop_cap_option
@base_url_option
@jobs_option("compile")
@dialect_option
def compile_command(paths: tuple[str, ...], **values: Any) -> None:
    """Compile into call plans for --target (enablex: EnableX Core Voice).

    One FILE: its plan goes to standard output, or to -o FILE. Directories or several
    files: each file's plan is written under -o OUTDIR, mirroring the tree below the
    deepest folder that holds every input (DIR/sales/menu.voxxml becomes
    OUTDIR/sales/menu.json; .txt with --format steps). Files are found and configured as
    'voxxml lint' finds them; a file with errors gets no plan, and the others are still
    compiled and written.

    Diagnostics go to standard error. A construct EnableX cannot do exactly is
    reported (EX2nn): as an error, and no plan is written, when the approximation
    changes what the caller hears or which branch runs; as a warning when it only
    changes timing or platform defaults. --strict makes every approximation an
    error, --allow-approximate every one a warning.

    Exit status: 0 every plan written, 1 a document has errors or approximations
    reported as errors, 2 usage error, a missing or unreadable input, an
    unwritable plan, or two sources in one folder with one name (menu.voxxml and
    menu.twiml: the second is not compiled); the other files are still compiled.
    """
    if one_file(paths):
        severity = severity_of(values["strict"], values["allow_approximate"])
        options = {"loop_cap": values["loop_cap"], "base_url": values["base_url"]}
        _compile_one(paths[0], values["target"], values["output"], severity, values["output_format"], values["dialect"], options)
    sys.exit(compile_paths(paths, values))


def _compile_one(file: str, target: str, output: str | None, severity: Severity | None, output_format: str, dialect: str | None, options: dict[str, Any]) -> None:
    """One FILE to standard output or ``-o FILE``; exits."""
    result = _parse_for_run(file, target, severity, dialect, **options)
    _report_to_stderr(result)  # warnings only: errors stopped above
    text = target_registry.get_target(target).render(result.output, output_format)
    if output is None or output == "-":
        click.echo(text)
    else:
        try:
            Path(output).write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            fail(f"{output}: {error.strerror or error}")
    sys.exit(EXIT_OK)
