"""The ``voxxml`` command line."""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import NoReturn

import click

from . import __version__
from .catalog import Severity
from .config import ConfigError, Resolver
from .discover import discover
from .grammar import grammar
from .lint import Result, lint_bytes
from .reporters import REPORTERS

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def fail(message: str) -> NoReturn:
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


# ------------------------------------------------------------ simulate / compile


def _parse_for_run(file: str) -> Result:
    """Lint FILE like ``voxxml lint`` (nearest configuration); stop with exit 1 on errors.

    Diagnostics go to standard error, so standard output carries only the trace or the plan.
    Warnings are shown and do not stop the command.
    """
    path = Path(file)
    try:
        settings = Resolver().for_path(path)
        data = path.read_bytes()
    except ConfigError as error:
        fail(str(error))
    except OSError as error:
        fail(f"{path}: {error.strerror or error}")
    result = lint_bytes(data, str(path), settings)
    if result.error_count:
        REPORTERS["text"]([result], sys.stderr)
        sys.exit(EXIT_PROBLEMS)
    if result.document is None:  # only when the configuration hides the syntax errors (select, ignore)
        click.echo(f"voxxml: error: {path}: not a well-formed VoxXML document", err=True)
        sys.exit(EXIT_PROBLEMS)
    return result


def _report_to_stderr(result: Result, diagnostics: list) -> None:
    if diagnostics:
        shown = Result(result.path, sorted(diagnostics, key=lambda d: d.sort_key()), source=result.source)
        REPORTERS["text"]([shown], sys.stderr)


LOOP_CAP = 10  # simulate.DEFAULT_LOOP_CAP, written out so that `voxxml lint` does not import the simulator


@main.command()
@click.argument("file")
@click.option(
    "--input",
    "inputs",
    multiple=True,
    metavar="INPUT",
    help="What the caller enters at the next Gather attempt: 2, 1111#, dtmf:12, speech:english, none. Repeatable.",
)
@click.option(
    "--dial",
    "dials",
    multiple=True,
    metavar="OUTCOME",
    help="How the next dial ends: answered:SECONDS, busy, no-answer, failed. Repeatable.",
)
@click.option("--hangup-after", type=click.IntRange(min=0), metavar="N", help="The caller hangs up after N events.")
@click.option("--redirect-fails", is_flag=True, help="Fetching a Redirect's document fails (execution falls through).")
@click.option(
    "--script",
    "script_path",
    metavar="FILE",
    help='A caller script: JSON {"inputs": [...], "dials": [...], "hangup_after": N, "redirect_fails": bool}.',
)
@click.option(
    "--loop-cap",
    type=click.IntRange(min=1),
    metavar="N",
    default=LOOP_CAP,
    show_default=True,
    help="How many times a loop='0' plays (a Gather loop='0' prompts) before the simulation stops it.",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def simulate(
    file: str,
    inputs: tuple[str, ...],
    dials: tuple[str, ...],
    hangup_after: int | None,
    redirect_fails: bool,
    script_path: str | None,
    loop_cap: int,
    output_format: str,
) -> None:
    """Run FILE against a scripted caller and print what happens on the call.

    Every Gather attempt takes the next input and every dial the next outcome; when
    they run out the caller enters nothing and nobody answers. --input and --dial are
    added after the --script file's lists; --hangup-after and --redirect-fails
    override its values.

    Exit status: 0 simulated, 1 the document has errors (not simulated), 2 usage
    error, bad caller script or unreadable file.
    """
    import json

    from .caller import CallerScript, DialOutcome, Input, ScriptError
    from .simulate import simulate as run_simulation
    from .trace import describe

    script = CallerScript()
    if script_path is not None:
        try:
            script = CallerScript.load(Path(script_path))
        except ScriptError as error:
            message = str(error)
            fail(message if message.startswith(script_path) else f"{script_path}: {message}")
    try:
        script.inputs += [Input.parse(text) for text in inputs]
        script.dials += [DialOutcome.parse(text) for text in dials]
    except ScriptError as error:
        fail(str(error))
    if hangup_after is not None:
        script.hangup_after = hangup_after
    if redirect_fails:
        script.redirect_fails = True
    result = _parse_for_run(file)
    _report_to_stderr(result, result.diagnostics)  # warnings only: errors stopped above
    assert result.document is not None
    trace = run_simulation(result.document, script, loop_cap).trace
    if output_format == "json":
        click.echo(json.dumps(trace, indent=2, ensure_ascii=False))
    else:
        width = len(str(len(trace)))
        for number, event in enumerate(trace, 1):
            click.echo(f"{number:>{width}}. {describe(event)}")
    sys.exit(EXIT_OK)


@main.command(name="compile")
@click.argument("file")
@click.option("--target", type=click.Choice(["enablex"]), required=True, help="The platform to compile for.")
@click.option("-o", "--output", metavar="PATH", help="Write the plan to PATH instead of standard output.")
@click.option(
    "--allow-approximate", is_flag=True, help="Report approximations (EX2nn) as warnings and write the plan anyway."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "steps"]),
    default="json",
    show_default=True,
    help="json: the plan; steps: a readable table of it.",
)
@click.option(
    "--loop-cap",
    type=click.IntRange(min=1),
    metavar="N",
    default=LOOP_CAP,
    show_default=True,
    help="How many times a loop='0' plays (a Gather loop='0' prompts) in the plan.",
)
def compile_command(
    file: str, target: str, output: str | None, allow_approximate: bool, output_format: str, loop_cap: int
) -> None:
    """Compile FILE into a call plan for --target (enablex: EnableX Core Voice).

    Diagnostics go to standard error. A construct EnableX cannot do exactly is an
    error (EX2nn) and no plan is written, unless --allow-approximate.

    Exit status: 0 plan written, 1 the document has errors or needs approximations,
    2 usage error or unreadable file.
    """
    import dataclasses
    import json

    from .targets.enablex import compile_document
    from .targets.enablex.steps import steps_table

    result = _parse_for_run(file)
    assert result.document is not None
    compilation = compile_document(result.document, result.path, loop_cap)
    approximations = [d.with_path(result.path) for d in compilation.diagnostics]
    if allow_approximate:
        approximations = [dataclasses.replace(d, severity=Severity.WARNING) for d in approximations]
    _report_to_stderr(result, result.diagnostics + approximations)
    if any(d.severity is Severity.ERROR for d in approximations):
        sys.exit(EXIT_PROBLEMS)
    plan = compilation.plan
    text = json.dumps(plan, indent=2, ensure_ascii=False) if output_format == "json" else steps_table(plan)
    if output is None or output == "-":
        click.echo(text)
    else:
        try:
            Path(output).write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            fail(f"{output}: {error.strerror or error}")
    sys.exit(EXIT_OK)
