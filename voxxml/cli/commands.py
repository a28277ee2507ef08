"""The ``voxxml`` command line."""

from __future__ import annotations

import gc
import sys
from dataclasses import replace
from pathlib import Path
from typing import Callable

import click

from ..core.version import __version__
from ..core.catalog import Severity
from ..config import ConfigError, Resolver, Settings
from ..dialects import DETECT, Dialect
from ..lint import Result
from ..reporters import REPORTERS
from .. import targets as target_registry  # the --target choices; imports no target
from .discover import discover
from .lint_options import CONFIGURATION, DIALECT, LINT
from .linting import (  # noqa: F401 - the other commands' modules import these from here
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    LintRun,
    _config_options,
    _detected,
    fail,
    reading,
    reading_why,
)
from .options import absolute_url, click_option


def with_options(options: tuple) -> Callable[[Callable], Callable]:
    """Add options declared as data (``cli/lint_options.py``) to a command, in the order given."""

    def add(command: Callable) -> Callable:
        for option in reversed(options):
            command = click_option(option)(command)
        return command

    return add


# --dialect: the dialect every file is read with, over the configuration and detection.
dialect_option = with_options((DIALECT,))
# --config, --isolated and --force-exclude: how lint and format find their configuration.
configuration_options = with_options(CONFIGURATION)


class LazyGroup(click.Group):
    """A group whose heavier commands' modules are imported when they run (or when help lists them).

    ``voxxml lint`` is started far more often than ``serve`` or ``convert``: it should not pay to import
    their modules. Each entry names the module that defines the command; importing it registers the
    command on ``main`` (``@main.command``), or the entry names the command object to add.
    """

    lazy: dict[str, tuple[str, str | None]] = {
        "compile": ("voxxml.cli.compile", None),
        "convert": ("voxxml.cli.convert", None),
        "serve": ("voxxml.cli.serve", "serve"),
        "call": ("voxxml.cli.serve", "call"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            from importlib import import_module

            module_name, attribute = self.lazy[cmd_name]
            module = import_module(module_name)
            if attribute is not None and cmd_name not in self.commands:
                self.add_command(getattr(module, attribute), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="voxxml")
def main() -> None:
    """Parse, validate and lint VoxXML call-control documents."""
    # A short-lived process that makes no reference cycles: the cyclic collector would
    # only rescan every AST it builds. Reference counting still frees everything.
    gc.disable()


@main.command()
@click.argument("paths", nargs=-1)
@with_options(LINT)
def lint(paths: tuple[str, ...], **options: object) -> None:
    """Lint VoxXML files and directories (none: '.'; '-' reads standard input).

    Settings come from the nearest voxxml.toml or pyproject.toml [tool.voxxml]
    (--config names one file instead; --isolated uses none); --select, --extend-select
    and --ignore adjust the configuration's rule selection as in ruff.
    Exit status: 0 no errors (or --exit-zero), 1 problems at or above --fail-on
    (with --diff: fixes to show), 2 usage error, invalid configuration, or an
    unreadable or missing path (the other paths are still linted).
    """
    run = LintRun(paths or (".",), options)
    if run.watch and "-" in run.paths:
        fail("--watch cannot lint standard input ('-')")
    if run.watch:
        from .watch import watch

        watch(run.paths, run.once)
    sys.exit(run.once())


@main.command(name="format")
@click.argument("paths", nargs=-1)
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file would be reformatted.")
@click.option("--diff", "show_diff", is_flag=True, help="Change nothing; show the changes as a diff (exit 1 if any).")
@configuration_options
@click.option("--stdin-filename", default=None, help="Path of the input read from '-' (for its configuration and messages).")
@click.option("--voxxml-only", is_flag=True, help="Skip named .xml files whose root is not <Response> (for pre-commit).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors (and, with --check or --diff, what would change).")
@dialect_option
def format_command(
    paths: tuple[str, ...],
    check: bool,
    show_diff: bool,
    config_options: tuple[str, ...],
    isolated: bool,
    force_exclude: bool,
    stdin_filename: str | None,
    voxxml_only: bool,
    quiet: bool,
    dialect: str | None,
) -> None:
    """Rewrite VoxXML files in the canonical layout (none: '.'; '-' formats standard input to standard output).

    Indentation, attributes in the reference's order and in double quotes (the
    configuration's [format] quote-style: double, single or preserve), self-closed
    empty verbs; comments and text content keep their characters. Documents that
    are not well-formed are left alone and reported (exit 1). Exit 2: usage error,
    invalid configuration, or a missing or unreadable path (the others are still
    formatted).
    """
    from ..dialects.voxxml_v1.formatter import FormatError  # what a formatter raises on a document it cannot format

    paths = paths or (".",)
    try:
        config, inline = _config_options(config_options)
        resolver = Resolver(config=config, isolated=isolated, inline=inline)
    except ConfigError as error:
        fail(str(error))
    found = discover([p for p in paths if p != "-"], voxxml_only)
    for missing in found.missing:
        click.echo(f"voxxml: error: {missing}: no such file or directory", err=True)
    unreadable = bool(found.missing)
    sources: list[tuple[str, bytes, Path | None, Settings, Dialect]] = []
    try:
        if "-" in paths:
            where = Path(stdin_filename) if stdin_filename else Path.cwd()
            settings = resolver.for_path(where)
            data = sys.stdin.buffer.read()
            if force_exclude and stdin_filename and settings.excluded(where):
                if not (check or show_diff):
                    sys.stdout.buffer.write(data)  # excluded: passed through unchanged
            else:
                chosen = reading(Path(stdin_filename) if stdin_filename else None, settings, dialect)
                sources.append((stdin_filename or "<stdin>", data, None, settings, _detected(data, stdin_filename or "<stdin>") if chosen == DETECT else chosen))  # type: ignore[arg-type]
        for path, explicit in found.files:
            settings = resolver.for_path(path)
            if (force_exclude or not explicit) and settings.excluded(path):
                continue
            try:
                data = path.read_bytes()
                chosen = reading(path, settings, dialect)
                sources.append((str(path), data, path, settings, _detected(data, str(path)) if chosen == DETECT else chosen))  # type: ignore[arg-type]
            except OSError as error:
                click.echo(f"voxxml: error: {path}: {error.strerror or error}", err=True)
                unreadable = True
    except ConfigError as error:
        fail(str(error))
    reformatted = unchanged = broken = 0
    for name, data, path, settings, formatting in sources:
        try:
            result = formatting.format(data, name, settings.quote_style)
        except FormatError as error:
            click.echo(f"voxxml: cannot format {name}: {error}", err=True)
            broken += 1
            continue
        if path is None and not (check or show_diff):
            sys.stdout.write(result.formatted)
            continue
        if not result.changed:
            unchanged += 1
            continue
        reformatted += 1
        if show_diff:
            sys.stdout.write(result.diff(name))
        elif check:
            click.echo(f"would reformat {name}")
        else:
            assert path is not None
            path.write_text(result.formatted, encoding="utf-8")
    if not sources:
        if not quiet:
            click.echo("voxxml: warning: no VoxXML files found", err=True)
    elif not quiet and (sources[0][2] is not None or check or show_diff):
        click.echo(_format_summary(reformatted, unchanged, broken, check or show_diff), err=True)
    if unreadable:
        sys.exit(EXIT_USAGE)
    failed = broken or ((check or show_diff) and reformatted)
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)


def _format_summary(reformatted: int, unchanged: int, broken: int, dry_run: bool) -> str:
    """``1 file reformatted, 2 files left unchanged.`` (as ruff says it)."""

    def files(count: int) -> str:
        return f"{count} file{'s' if count != 1 else ''}"

    if dry_run:
        parts = [f"{files(reformatted)} would be reformatted"] if reformatted else []
        parts += [f"{files(unchanged)} already formatted"] if unchanged else []
    else:
        parts = [f"{files(reformatted)} reformatted"] if reformatted else []
        parts += [f"{files(unchanged)} left unchanged"] if unchanged else []
    if broken:
        parts.append(f"{files(broken)} not well-formed")
    return ", ".join(parts) + "."


@main.command()
@click.option("--format", "schema_format", type=click.Choice(["xsd", "rng"]), default="xsd", show_default=True)
@click.option("-o", "--output", default=None, help="Write to this file instead of standard output.")
def schema(schema_format: str, output: str | None) -> None:
    """Export an XML Schema (XSD) or RELAX NG schema of VoxXML, made from grammar/."""
    from ..export.schema import export_schema

    _write(export_schema(schema_format), output)  # type: ignore[arg-type]


@main.command()
@click.argument("file")
@click.option("--format", "graph_format", type=click.Choice(["mermaid", "dot"]), default="mermaid", show_default=True)
@click.option("-o", "--output", default=None, help="Write to this file instead of standard output.")
def graph(file: str, graph_format: str, output: str | None) -> None:
    """Draw the call flow of FILE: verbs, branches on input, and exits."""
    from ..export.graph import export_graph

    result = _parse_for_run(file)
    assert result.document is not None
    _write(export_graph(result.document, graph_format), output)  # type: ignore[arg-type]


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
def server() -> None:
    """Run the language server on standard input and output (for editors; --stdio is accepted)."""
    from ..lsp.server import main as serve

    serve()


def _write(text: str, output: str | None) -> None:
    if output is None or output == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as error:
        fail(f"{output}: {error.strerror or error}")


@main.command()
@click.argument("code", metavar="CODE-OR-NAME", required=False)
@click.option("--list", "list_all", is_flag=True, help="List every code with its name, severity and fix.")
@click.option("--output-format", "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rule(code: str | None, list_all: bool, output_format: str) -> None:
    """Show the documentation page of a diagnostic: a code (VX102, vx102) or a name (unreachable)."""
    from .rule_pages import find_rule, list_rules, rule_json, show_rule, suggestion

    if list_all:
        list_rules(sys.stdout, as_json=output_format == "json")
    elif code:
        entry = find_rule(code)
        if entry is None:
            fail(f"unknown rule '{code}'{suggestion(code)}; see 'voxxml rule --list'")
        if output_format == "json":
            click.echo(rule_json(entry))
        else:
            show_rule(entry, sys.stdout)
    else:
        fail("give a CODE or NAME, or --list")


# ------------------------------------------------------------ simulate / compile


def _parse_for_run(file: str, target: str | None = None, severity: Severity | None = None, dialect: str | None = None, **target_options: object) -> Result:
    """Run FILE through the pipeline as ``voxxml lint`` does (nearest configuration, inline
    suppressions), compiled for ``target`` when one is named; stop with exit 1 on errors.

    ``severity`` (--strict, --allow-approximate) is every target code's severity, over the
    configuration's. Diagnostics go to standard error, so standard output carries only the
    trace, the graph or the plan. Warnings are shown and do not stop the command.
    """
    from ..pipeline import run

    path = Path(file)
    try:
        settings = Resolver().for_path(path)
        data = path.read_bytes()
    except ConfigError as error:
        fail(str(error))
    except OSError as error:
        fail(f"{path}: {error.strerror or error}")
    if target is not None and severity is not None:
        settings = replace(settings, severity={**settings.severity, **dict.fromkeys(target_registry.get_target(target).codes, severity)})
    result = run(data, str(path), settings, target, reading(path, settings, dialect), **target_options)
    if result.error_count:
        _report_to_stderr(result)
        sys.exit(EXIT_PROBLEMS)
    if result.document is None:  # only when the configuration hides the syntax errors (select, ignore)
        click.echo(f"voxxml: error: {path}: not a well-formed VoxXML document", err=True)
        sys.exit(EXIT_PROBLEMS)
    return result


def _report_to_stderr(result: Result) -> None:
    if result.diagnostics:
        REPORTERS["text"]([result], sys.stderr)


LOOP_CAP = 10  # simulate.DEFAULT_LOOP_CAP, written out so that `voxxml lint` does not import the simulator

loop_cap_option = click.option(
    "--loop-cap",
    type=click.IntRange(min=1),
    metavar="N",
    default=LOOP_CAP,
    show_default=True,
    help="How many times a loop='0' plays (a Gather loop='0' prompts) before the call is ended; simulate stops any longer loop there.",
)


base_url_option = click.option(
    "--base-url",
    metavar="URL",
    callback=absolute_url,
    help="The document's own URL: relative URLs (Play, Redirect) are resolved against it (RFC 3986).",
)


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
@loop_cap_option
@base_url_option
@click.option("--output-format", "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@dialect_option
def simulate(
    file: str,
    inputs: tuple[str, ...],
    dials: tuple[str, ...],
    hangup_after: int | None,
    redirect_fails: bool,
    script_path: str | None,
    loop_cap: int,
    base_url: str | None,
    output_format: str,
    dialect: str | None,
) -> None:
    """Run FILE against a scripted caller and print what happens on the call.

    Every Gather attempt takes the next input and every dial the next outcome; when
    they run out the caller enters nothing and nobody answers. --input and --dial are
    added after the --script file's lists; --hangup-after and --redirect-fails
    override its values. Without --base-url a relative URL is shown as written. A loop
    longer than --loop-cap stops the simulation there, and the trace says so.

    Exit status: 0 simulated, 1 the document has errors (not simulated), 2 usage
    error, bad caller script or unreadable file.
    """
    import json

    from ..runtime.caller import CallerScript, DialOutcome, Input, ScriptError
    from ..runtime.simulator import simulate as run_simulation
    from ..runtime.trace import describe

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
    result = _parse_for_run(file, dialect=dialect)
    _report_to_stderr(result)  # warnings only: errors stopped above
    assert result.document is not None
    trace = run_simulation(result.document, script, loop_cap, base_url).trace
    if output_format == "json":
        click.echo(json.dumps(trace, indent=2, ensure_ascii=False))
    else:
        width = len(str(len(trace)))
        for number, event in enumerate(trace, 1):
            click.echo(f"{number:>{width}}. {describe(event)}")
    sys.exit(EXIT_OK)

