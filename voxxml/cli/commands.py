"""The ``voxxml`` command line."""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Callable, NoReturn

import click

from ..core.version import __version__
from ..core.catalog import Severity
from ..core import xmlparse
from ..config import ConfigError, Resolver, Selection, Settings, check_codes, inline_table
from ..core.fixes import fix_text
from .discover import dialect_for, discover
from ..dialects import DEFAULT as DEFAULT_DIALECT, DETECT, Dialect, dialects, get_dialect
from ..dialects.voxxml_v1.grammar import grammar
from ..lint import Result, lint_bytes
from ..reporters import DEFAULT_MAX_DIAGNOSTICS, MACHINE_FORMATS, REPORTERS, ReportOptions
from ..reporters.statistics import show_fixes, statistics
from .. import targets as target_registry  # the --target choices; imports no target
from .options import absolute_url, jobs_option

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def fail(message: str) -> NoReturn:
    click.echo(f"voxxml: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def reading(path: Path | None, settings: Settings | None = None, option: str | None = None) -> Dialect | str:
    """The dialect a file is read with: ``--dialect``; else the configuration's ``dialect`` for the path;
    else a ``.xml`` file's is detected from the document (``DETECT``: the pipeline decides); else the
    registered one that claims the suffix; else the default (a file named explicitly with another
    suffix, or standard input without --stdin-filename)."""
    chosen, _ = reading_why(path, settings, option)
    return chosen


def reading_why(path: Path | None, settings: Settings | None = None, option: str | None = None) -> tuple[Dialect | str, str]:
    """``reading``, and why (for --verbose)."""
    if option:
        return get_dialect(option), "--dialect"
    configured = settings.dialect_for(path) if settings is not None else None
    if configured:
        where = settings.source if settings is not None and settings.source is not None else "the configuration"
        return get_dialect(configured), f"dialect setting in {where}"
    if path is not None and path.suffix.lower() == ".xml":
        return DETECT, "detected"
    claimed = dialect_for(path) if path is not None else None
    if claimed is not None:
        return claimed, f"suffix {path.suffix}" if path is not None else "default"
    return get_dialect(DEFAULT_DIALECT), "the default"


def dialect_option(command: Callable) -> Callable:
    """--dialect: the dialect every file is read with, over the configuration and detection."""
    return click.option(
        "--dialect",
        type=click.Choice(dialects()),
        default=None,
        help="Read every file in this dialect [default: the configuration's 'dialect', else by suffix; a .xml file's is detected from it].",
    )(command)


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


def default_format() -> str:
    """``github`` under GitHub Actions (annotations on the diff), else ``text``."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _config_options(values: tuple[str, ...]) -> tuple[Path | None, dict]:
    """``--config`` values: at most one file, and TOML ``KEY = VALUE`` settings (as ruff's)."""
    files = [value for value in values if "=" not in value or Path(value).is_file()]
    if len(files) > 1:
        fail(f"--config names {len(files)} files ({', '.join(files)}); give one")
    try:
        inline = inline_table(value for value in values if value not in files)
    except ConfigError as error:
        fail(str(error))
    return (Path(files[0]) if files else None), inline


def _codes_option(values: tuple[str, ...], option: str) -> tuple[str, ...] | None:
    """Codes from a repeatable, comma-separated option (case-insensitive); None when absent."""
    if not values:
        return None
    codes = [code.strip().upper() for value in values for code in value.split(",") if code.strip()]
    try:
        return check_codes(codes, option)
    except ConfigError as error:
        fail(str(error))


def configuration_options(command: Callable) -> Callable:
    """--config, --isolated and --force-exclude: how lint and format find their configuration."""
    for option in reversed((
        click.option(
            "--config",
            "config_options",
            multiple=True,
            metavar="FILE | KEY=VALUE",
            help="A configuration file to use for every path, or a TOML 'KEY = VALUE' setting that wins over every file's (repeatable).",
        ),
        click.option("--isolated", is_flag=True, help="Ignore every configuration file."),
        click.option("--force-exclude", is_flag=True, help="Apply the configuration's exclude to paths named on the command line too."),
    )):
        command = option(command)
    return command


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--output-format",
    "--format",
    "output_format",
    type=click.Choice(sorted(REPORTERS)),
    default=None,
    help="How to print diagnostics (--format is an alias) [default: text; github under GitHub Actions].",
)
@click.option("--select", multiple=True, metavar="CODES", help="Codes or prefixes to enable, comma-separated; replaces the configuration's selection.")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Codes or prefixes to enable in addition.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Codes or prefixes to disable, on top of the configuration's.")
@configuration_options
@click.option("--stdin-filename", default=None, help="Path to report for input read from '-'.")
@click.option(
    "--fail-on",
    type=click.Choice([s.value for s in Severity]),
    default=None,
    help="Lowest severity that makes the exit status 1 [default: error, or the configuration's].",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are problems (2 stays 2).")
@click.option(
    "--context",
    type=click.Choice(grammar().contexts),
    default=None,
    help="What the VoxXML is sent to [default: call, or the configuration's].",
)
@click.option("--fix", is_flag=True, help="Apply the safe fixes, then report what is left.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: apply the unsafe fixes too.")
@click.option("--diff", "show_diff", is_flag=True, help="Show the fixes as a diff instead of writing them.")
@click.option("--show-fixes", is_flag=True, help="With --fix: list the fixes applied, by file and code.")
@click.option("--statistics", is_flag=True, help="Count the diagnostics by code instead of listing them.")
@click.option(
    "--max-diagnostics",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help=f"Diagnostics printed per file in text, concise and github output; 0: all [default: {DEFAULT_MAX_DIAGNOSTICS}]. JSON and SARIF are always complete.",
)
@click.option("--voxxml-only", is_flag=True, help="Skip named .xml files whose root is not <Response> (for pre-commit).")
@click.option("-w", "--watch", is_flag=True, help="Lint again whenever a file or configuration changes.")
@click.option("-q", "--quiet", is_flag=True, help="Print the diagnostics and nothing else (no summary, no notices).")
@click.option("-v", "--verbose", is_flag=True, help="List the files checked (with the dialect read and why) and the XML files skipped.")
@jobs_option("lint")
@dialect_option
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


class LintRun:
    """One ``voxxml lint`` invocation; ``once()`` lints and reports, and returns the exit status."""

    # What ``lint_one`` returns for a file: (result, problem, why, fixes, diff).
    FileOutcome = tuple["Result | None", "str | None", "str | None", "list[tuple[str, str]] | None", "list[str] | None"]

    def __init__(self, paths: tuple[str, ...], options: dict[str, object]) -> None:
        self.paths = paths
        self.o = options
        self.watch = bool(options["watch"])
        self.select = _codes_option(options["select"], "--select")  # type: ignore[arg-type]
        self.extend_select = _codes_option(options["extend_select"], "--extend-select")  # type: ignore[arg-type]
        self.ignore = _codes_option(options["ignore"], "--ignore")  # type: ignore[arg-type]
        output_format = str(options["output_format"] or default_format())
        limit = options["max_diagnostics"]
        self.output_format = output_format
        self.jobs = options.get("jobs")  # processes for many files (cli/parallel.py); None: auto
        self.report_options = ReportOptions(
            max_diagnostics=DEFAULT_MAX_DIAGNOSTICS if limit is None else (int(limit) or None),  # type: ignore[call-overload]
            fixable=True,
            unsafe_fixes=bool(options["unsafe_fixes"]),
            quiet=bool(options["quiet"]),
        )

    def resolver(self) -> Resolver:
        o = self.o
        command_line = None
        if self.select is not None or self.extend_select or self.ignore:
            command_line = Selection(self.select, self.extend_select or (), self.ignore or ())
        overrides = {
            "fail_on": Severity(str(o["fail_on"])) if o["fail_on"] else None,
            "context": o["context"],
            "command_line": command_line,
        }
        config, inline = _config_options(o["config_options"])  # type: ignore[arg-type]
        return Resolver(overrides, config=config, isolated=bool(o["isolated"]), inline=inline)

    def notice(self, message: str) -> None:
        if not self.o["quiet"]:
            click.echo(message, err=True)

    def lint_one(self, entry: tuple[Path, bool]) -> FileOutcome:
        """Resolve, read, fix (--fix, --diff) and lint one file found: what ``once`` prints for it.

        ``(result, problem, why, fixes, diff)``, kept small, as it is pickled back from a worker:
        ``result`` (None when the file is excluded, or unreadable: then ``problem`` says why) holds
        no AST, and a source map (of the text only) only when the text format prints source lines
        of its findings; ``why`` the dialect was chosen (with --verbose); ``fixes`` the (code, name)
        of each fix applied, None for none; ``diff`` --diff's lines, None when nothing changed.
        Raises ConfigError for an invalid configuration file, which stops the run at this file.
        """
        from ..core.source import SourceMap

        path, explicit = entry
        o = self.o
        settings = self.settings_for(path)
        if (o["force_exclude"] or not explicit) and settings.excluded(path):
            return None, None, None, None, None
        try:
            data = path.read_bytes()
        except OSError as error:
            return None, str(error.strerror or error), None, None, None
        dialect, why = reading_why(path, settings, o["dialect"])  # type: ignore[arg-type]
        fixes = diff = None
        if o["fix"] or o["show_diff"]:
            outcome = _fix(data, str(path), settings, bool(o["unsafe_fixes"]), dialect)
            if outcome is not None:
                text, fixes = outcome
                if o["show_diff"]:
                    diff = _diff_lines(data, text, str(path))
                else:
                    path.write_text(text, encoding="utf-8")
                    data = text.encode("utf-8")
        result = lint_bytes(data, str(path), settings, dialect)
        result.document = None  # reporters need the diagnostics and the source text, not the AST
        keep = result.diagnostics and result.source is not None and self.output_format == "text" and not o["statistics"]
        result.source = SourceMap(result.source.text) if keep else None  # type: ignore[union-attr]
        return result, None, why if o["verbose"] else None, fixes, diff

    def once(self) -> int:
        o = self.o
        verbose, quiet, force_exclude = bool(o["verbose"]), bool(o["quiet"]), bool(o["force_exclude"])
        fix, show_diff, unsafe = bool(o["fix"]), bool(o["show_diff"]), bool(o["unsafe_fixes"])
        fixing = fix or show_diff
        try:
            resolver = self.resolver()
        except ConfigError as error:
            fail(str(error))
        self.settings_for = resolver.for_file  # discovery found files: no stat to ask
        found = discover([p for p in self.paths if p != "-"], bool(o["voxxml_only"]))
        for missing in found.missing:
            click.echo(f"voxxml: error: {missing}: no such file or directory", err=True)
        results: list[Result] = []
        applied: dict[str, list[tuple[str, str]]] = {}  # path -> (code, name) of each fix applied
        unreadable = bool(found.missing)
        changed = False
        try:
            if "-" in self.paths:
                stdin_filename = o["stdin_filename"]
                name = str(stdin_filename or "<stdin>")
                where = Path(str(stdin_filename)) if stdin_filename else Path.cwd()
                settings = resolver.for_path(where)
                dialect = reading(Path(str(stdin_filename)) if stdin_filename else None, settings, o["dialect"])  # type: ignore[arg-type]
                data = sys.stdin.buffer.read()
                if force_exclude and stdin_filename and settings.excluded(where):
                    if fix:
                        sys.stdout.buffer.write(data)  # excluded: passed through unchanged
                        return EXIT_OK
                else:
                    if fixing:
                        outcome = _fix(data, name, settings, unsafe, dialect)
                        if outcome is not None:
                            text, fixes = outcome
                            applied[name] = fixes
                            if show_diff:
                                changed |= _show_diff(data, text, name)
                            else:
                                sys.stdout.write(text)  # the fixed document; the report goes nowhere
                                return EXIT_OK
                            data = text.encode("utf-8")
                        elif fix and not show_diff:
                            sys.stdout.buffer.write(data)
                            return EXIT_OK
                    results.append(lint_bytes(data, name, settings, dialect))
            # Each file is resolved, read, fixed and linted by ``lint_one`` (in worker processes for
            # many files: cli/parallel.py), and what it prints is printed here, in the files' order:
            # the same bytes, and the same exit status, as one process.
            from .parallel import ordered_map, workers

            outcomes = ordered_map(self.lint_one, found.files, workers(len(found.files), self.jobs))
            try:
                for (path, _), (result, problem, why, fixes, diff) in zip(found.files, outcomes):
                    if result is None:
                        if problem is None:
                            if verbose:
                                click.echo(f"excluded {path}", err=True)
                        else:
                            click.echo(f"voxxml: error: {path}: {problem}", err=True)
                            unreadable = True
                        continue
                    if fixes is not None:
                        applied[str(path)] = fixes
                    if diff is not None:
                        sys.stdout.writelines(diff)
                        changed |= bool(diff)
                    results.append(result)
                    if verbose:
                        click.echo(f"checked {path} as {result.dialect} ({result.dialect_reason or why})", err=True)
            finally:
                outcomes.close()  # stops and reaps the workers if the loop ended early
        except ConfigError as error:
            fail(str(error))
        if verbose:
            for path, why in found.skipped:
                click.echo(f"skipped {path}: {why}", err=True)
        machine = self.output_format in MACHINE_FORMATS
        if not results:
            self.notice("voxxml: warning: no VoxXML files found")
        if show_diff:
            if not changed:
                self.notice("No fixes to show.")
        elif o["statistics"]:
            statistics(results, sys.stdout, self.report_options, as_json=machine)
        elif results or machine:
            REPORTERS[self.output_format](results, sys.stdout, self.report_options)
        count = sum(len(fixes) for fixes in applied.values())
        if fixing and count and not quiet:
            verb = "Would fix" if show_diff else "Fixed"
            click.echo(f"{verb} {count} problem{'s' if count != 1 else ''}.", err=bool(show_diff or machine))
            if o["show_fixes"] and fix and not show_diff:
                show_fixes(applied, sys.stderr if machine else sys.stdout)
        if unreadable:
            return EXIT_USAGE
        if o["exit_zero"]:
            return EXIT_OK
        if show_diff:  # as ruff: the status says whether there are fixes to show
            return EXIT_PROBLEMS if changed else EXIT_OK
        return EXIT_PROBLEMS if any(result.failed for result in results) else EXIT_OK


def _fix(data: bytes, path: str, settings: Settings, unsafe: bool, dialect: Dialect | str = DEFAULT_DIALECT) -> tuple[str, list[tuple[str, str]]] | None:
    if dialect == DETECT:  # fixes are applied in the dialect the original was read in, not re-detected each round
        dialect = _detected(data, path)
    """The fixed text and the (code, name) of each fix applied; None when nothing changes.

    Only documents read as UTF-8 are rewritten (the fixed text is written as UTF-8).
    """
    text, problem = xmlparse.decode(data)
    if text is None or problem is not None or data.decode("utf-8", errors="replace") != text:
        return None
    offered: dict[object, tuple[str, str]] = {}

    def diagnostics(candidate: str) -> list:
        found = lint_bytes(candidate.encode("utf-8"), path, settings, dialect).diagnostics
        offered.update((d.fix, (d.code, d.name)) for d in found if d.fix is not None)
        return found

    fixed = fix_text(text, diagnostics, unsafe)
    if not fixed.applied or fixed.text == text:
        return None
    return fixed.text, [offered.get(fix, ("", fix.title)) for fix in fixed.applied]


def _diff_lines(data: bytes, text: str, path: str) -> list[str]:
    before = data.decode("utf-8", errors="replace").splitlines(keepends=True)
    after = text.splitlines(keepends=True)
    import difflib

    lines = difflib.unified_diff(before, after, f"a/{path}", f"b/{path}")
    return [line if line.endswith("\n") else line + "\n" for line in lines]


def _show_diff(data: bytes, text: str, path: str) -> bool:
    lines = _diff_lines(data, text, path)
    sys.stdout.writelines(lines)
    return bool(lines)


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


def _detected(data: bytes, path: str) -> Dialect:
    """The dialect detected from a document (for format and --fix, which need one before reading)."""
    from ..pipeline import check

    return get_dialect(check(data, path, flow=False, dialect=DETECT).dialect)


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

