"""``voxxml lint`` itself, without click: one run (``LintRun``) and what it shares with the other commands.

``voxxml lint FILE`` is what a user, an editor or a pre-commit hook starts most often, and importing click
cost more than linting a short file (issue 14). The command's options are data (``cli/lint_options.py``):
``cli/commands.py`` makes the click command from them, and ``cli/fast.py`` parses plain argument lists with
them and runs ``LintRun`` directly, so that both ways run this same code.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NoReturn

from ..config import ConfigError, Resolver, Selection, Settings, check_codes, inline_table
from ..core import xmlparse
from ..core.catalog import Severity
from ..core.fixes import fix_text
from ..core.paths import as_written, read_bytes, suffix as suffix_of
from ..dialects import DEFAULT as DEFAULT_DIALECT, DETECT, Dialect, get_dialect
from ..pipeline import Result, run
from ..reporters import DEFAULT_MAX_DIAGNOSTICS, MACHINE_FORMATS, REPORTERS, ReportOptions
from .discover import claiming, find

if TYPE_CHECKING:
    from pathlib import Path

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def echo(message: str, err: bool = False) -> None:
    """``click.echo(message, err=err)`` for a plain line, without importing click.

    click strips ANSI escapes from what it writes to a pipe or a file, and writes UTF-8 to a stream
    whose encoding is ASCII: a line that is not plain ASCII (a file name can hold anything) goes
    through click itself, so that both ways give the same bytes."""
    if not message.isascii() or "\x1b" in message:
        import click

        click.echo(message, err=err)
        return
    stream = sys.stderr if err else sys.stdout
    if stream is not None:
        stream.write(message + "\n")
        stream.flush()


def fail(message: str) -> NoReturn:
    echo(f"voxxml: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def reading(path: Path | str | None, settings: Settings | None = None, option: str | None = None) -> Dialect | str:
    """The dialect a file is read with: ``--dialect``; else the configuration's ``dialect`` for the path;
    else a ``.xml`` file's is detected from the document (``DETECT``: the pipeline decides); else the
    registered one that claims the suffix; else the default (a file named explicitly with another
    suffix, or standard input without --stdin-filename)."""
    chosen, _ = reading_why(path, settings, option)
    return chosen


def reading_why(path: Path | str | None, settings: Settings | None = None, option: str | None = None) -> tuple[Dialect | str, str]:
    """``reading``, and why (for --verbose). ``path``: a Path, or a string as ``str()`` of one (discovery's)."""
    if option:
        return get_dialect(option), "--dialect"
    configured = settings.dialect_for(path) if settings is not None else None
    if configured:
        where = settings.source if settings is not None and settings.source is not None else "the configuration"
        return get_dialect(configured), f"dialect setting in {where}"
    if path is not None:
        suffix = suffix_of(os.fspath(path))
        folded = suffix.lower()
        if folded == ".xml":
            return DETECT, "detected"
        claimed = claiming(folded)
        if claimed is not None:
            return claimed, f"suffix {suffix}"
    return get_dialect(DEFAULT_DIALECT), "the default"


def default_format() -> str:
    """``github`` under GitHub Actions (annotations on the diff), else ``text``."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _config_options(values: tuple[str, ...]) -> tuple[Path | None, dict]:
    """``--config`` values: at most one file, and TOML ``KEY = VALUE`` settings (as ruff's)."""
    files = [value for value in values if "=" not in value or os.path.isfile(as_written(value))]
    if len(files) > 1:
        fail(f"--config names {len(files)} files ({', '.join(files)}); give one")
    try:
        inline = inline_table(value for value in values if value not in files)
    except ConfigError as error:
        fail(str(error))
    if not files:
        return None, inline
    from pathlib import Path

    return Path(files[0]), inline


def _codes_option(values: tuple[str, ...], option: str) -> tuple[str, ...] | None:
    """Codes from a repeatable, comma-separated option (case-insensitive); None when absent."""
    if not values:
        return None
    codes = [code.strip().upper() for value in values for code in value.split(",") if code.strip()]
    try:
        return check_codes(codes, option)
    except ConfigError as error:
        fail(str(error))



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
            echo(message, err=True)

    def lint_one(self, entry: tuple[Path | str, bool]) -> FileOutcome:
        """Resolve, read, fix (--fix, --diff) and lint one file found: what ``once`` prints for it.

        ``(result, problem, why, fixes, diff)``, kept small, as it is pickled back from a worker:
        ``result`` (None when the file is excluded, or unreadable: then ``problem`` says why) holds
        no AST, and a source map (of the text only) only when the text format prints source lines
        of its findings; ``why`` the dialect was chosen (with --verbose); ``fixes`` the (code, name)
        of each fix applied, None for none; ``diff`` --diff's lines, None when nothing changed.
        The path is a string (``discover.find``'s) or a Path; a Path is made only where settings need one.
        Raises ConfigError for an invalid configuration file, which stops the run at this file.
        """
        from ..core.source import SourceMap

        path, explicit = entry
        o = self.o
        settings = self.settings_for(path)
        if (o["force_exclude"] or not explicit) and settings.excluded(path):
            return None, None, None, None, None
        try:
            data = read_bytes(path)
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
                    with open(path, "w", encoding="utf-8") as handle:  # Path.write_text
                        handle.write(text)
                    data = text.encode("utf-8")
        result = run(data, str(path), settings, dialect=dialect)
        result.document = None  # reporters need the diagnostics and the source text, not the AST
        keep = result.diagnostics and result.source is not None and self.output_format == "text" and not o["statistics"]
        result.source = SourceMap(result.source.text) if keep else None  # type: ignore[union-attr]
        return result, None, why if o["verbose"] else None, fixes, diff

    def lint_for_pool(self, entry: tuple[Path | str, bool]) -> FileOutcome:
        """``lint_one`` for the pool, whose results are pickled: a clean file's result as the tuple ``_packed``
        makes (a Result took about four times as many instructions to pickle and unpickle as to make again)."""
        outcome = self.lint_one(entry)
        packed = _packed(outcome[0])
        return outcome if packed is None else (packed, *outcome[1:])  # type: ignore[return-value]

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
        found = find([p for p in self.paths if p != "-"], bool(o["voxxml_only"]))
        for missing in found.missing:
            echo(f"voxxml: error: {missing}: no such file or directory", err=True)
        results: list[Result] = []
        applied: dict[str, list[tuple[str, str]]] = {}  # path -> (code, name) of each fix applied
        unreadable = bool(found.missing)
        changed = False
        try:
            if "-" in self.paths:
                stdin_filename = o["stdin_filename"]
                name = str(stdin_filename or "<stdin>")
                from pathlib import Path

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
                    results.append(run(data, name, settings, dialect=dialect))
            # Each file is resolved, read, fixed and linted by ``lint_one`` (in worker processes for
            # many files: cli/parallel.py), and what it prints is printed here, in the files' order:
            # the same bytes, and the same exit status, as one process.
            if len(found.files) < 2:  # what ordered_map does for one item, without importing the pool
                outcomes = (self.lint_one(entry) for entry in found.files)
            else:
                from .parallel import ordered_map, workers

                processes = workers(len(found.files), self.jobs)
                outcomes = ordered_map(self.lint_one if processes == 1 else self.lint_for_pool, found.files, processes)
            try:
                for (path, _), (result, problem, why, fixes, diff) in zip(found.files, outcomes):
                    if type(result) is tuple:
                        result = _unpacked(result)
                    if result is None:
                        if problem is None:
                            if verbose:
                                echo(f"excluded {path}", err=True)
                        else:
                            echo(f"voxxml: error: {path}: {problem}", err=True)
                            unreadable = True
                        continue
                    if fixes is not None:
                        applied[str(path)] = fixes
                    if diff is not None:
                        sys.stdout.writelines(diff)
                        changed |= bool(diff)
                    results.append(result)
                    if verbose:
                        echo(f"checked {path} as {result.dialect} ({result.dialect_reason or why})", err=True)
            finally:
                outcomes.close()  # stops and reaps the workers if the loop ended early
        except ConfigError as error:
            fail(str(error))
        if verbose:
            for path, why in found.skipped:
                echo(f"skipped {path}: {why}", err=True)
        machine = self.output_format in MACHINE_FORMATS
        if not results:
            self.notice("voxxml: warning: no VoxXML files found")
        if show_diff:
            if not changed:
                self.notice("No fixes to show.")
        elif o["statistics"]:
            from ..reporters.statistics import statistics

            statistics(results, sys.stdout, self.report_options, as_json=machine)
        elif results or machine:
            REPORTERS[self.output_format](results, sys.stdout, self.report_options)
        count = sum(len(fixes) for fixes in applied.values())
        if fixing and count and not quiet:
            verb = "Would fix" if show_diff else "Fixed"
            echo(f"{verb} {count} problem{'s' if count != 1 else ''}.", err=bool(show_diff or machine))
            if o["show_fixes"] and fix and not show_diff:
                from ..reporters.statistics import show_fixes

                show_fixes(applied, sys.stderr if machine else sys.stdout)
        if unreadable:
            return EXIT_USAGE
        if o["exit_zero"]:
            return EXIT_OK
        if show_diff:  # as ruff: the status says whether there are fixes to show
            return EXIT_PROBLEMS if changed else EXIT_OK
        return EXIT_PROBLEMS if any(result.failed for result in results) else EXIT_OK


_RESULT_FIELDS = {"path", "diagnostics", "document", "source", "fail_on", "output", "target", "dialect", "dialect_reason"}


def _packed(result: Result | None) -> tuple | None:
    """A clean file's result (no findings, nothing else kept: what most files of a repository give) as
    (path, fail_on, dialect, dialect_reason); None for any other (sent as it is)."""
    if (
        type(result) is not Result
        or result.diagnostics
        or result.document is not None
        or result.source is not None
        or result.output is not None
        or result.target is not None
        or result.__dict__.keys() != _RESULT_FIELDS  # a field added to Result: sent whole, never lost
    ):
        return None
    return result.path, result.fail_on, result.dialect, result.dialect_reason


def _unpacked(packed: tuple) -> Result:
    path, fail_on, dialect, dialect_reason = packed
    return Result(path, fail_on=fail_on, dialect=dialect, dialect_reason=dialect_reason)


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
        found = run(candidate.encode("utf-8"), path, settings, dialect=dialect).diagnostics
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



def _detected(data: bytes, path: str) -> Dialect:
    """The dialect detected from a document (for format and --fix, which need one before reading)."""
    from ..pipeline import check

    return get_dialect(check(data, path, flow=False, dialect=DETECT).dialect)
