"""``voxxml compile`` over directories or several files, without click: one run (``ManyRun``).

``cli/compile.py`` is the click command; a plain argument list (``cli/compile_options.py``) runs
``compile_paths`` directly (``try_compile``), without importing click, and the console process ends
without the interpreter's teardown, as ``voxxml lint`` does (issue 14: ``compile DIR`` is judged against
``lint DIR``, which pays for neither). Both ways run this code, with the same values, output and exit
status. One FILE to standard output stays with the click command (``_compile_one``).
"""

from __future__ import annotations

import gc
import io
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from .. import targets as target_registry  # imports no target
from ..config import ConfigError, Resolver, Settings
from ..core.catalog import Severity
from ..core.diagnostics import get_severity
from ..core.paths import read_bytes
from ..core.records import dataclass  # made from the cache's recipe: no dataclasses work per run
from ..dialects import Dialect
from ..lint import Result
from ..pipeline import run as run_pipeline
from ..reporters import REPORTERS, ReportOptions
from ..reporters.text import plain_report, styled  # light (no rich): compile reports as plain text when not on a terminal
from .discover import find
from .linting import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, echo, fail, reading

_WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)  # open(plan, "wb")
SUFFIXES = {"json": ".json"}  # a plan file's suffix per output format; any other format: ".txt"


def severity_of(strict: bool, allow_approximate: bool) -> Severity | None:
    """What --strict and --allow-approximate make of every approximation (None: each code's own)."""
    if strict and allow_approximate:
        fail("--strict and --allow-approximate exclude each other")
    return Severity.WARNING if allow_approximate else Severity.ERROR if strict else None


def compile_paths(paths: tuple[str, ...], values: dict[str, Any]) -> int:
    """``voxxml compile`` on directories or several files with the command's option values; the exit status."""
    severity = severity_of(values["strict"], values["allow_approximate"])
    output = values["output"]
    if output is None or output == "-":
        fail("compiling directories or several files writes one plan per file: name the folder with -o OUTDIR")
    options = {"loop_cap": values["loop_cap"], "base_url": values["base_url"]}
    run = ManyRun(values["target"], severity, values["output_format"], values["dialect"], options)
    return run.compile(list(paths), Path(output), values["jobs"])


def one_file(paths: tuple[str, ...]) -> bool:
    """One FILE (not a directory): its plan goes to standard output or ``-o FILE``, not to a folder."""
    return len(paths) == 1 and not Path(paths[0]).is_dir()


def try_compile(args: list[str], whole_process: bool = False, collecting: bool | None = None) -> None:
    """Compile and exit when ``args`` (without the program's name) is a plain ``compile`` of directories or
    several files; else return (click handles it: help, usage errors, one FILE, --base-url, completion).

    ``whole_process``: the console script's own process, which ends without the interpreter's teardown.
    ``collecting``: whether the cyclic collector was on before the caller paused it for this module's
    imports (``cli/__init__.py``), so that ``finish`` turns it back on when a test calls this in-process;
    None: as it is now."""
    if not args or args[0] != "compile" or any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ):
        return
    from .compile_options import parse_compile

    parsed = parse_compile(args[1:], os.environ)
    if parsed is None or one_file(parsed[0]):
        return
    enabled = gc.isenabled() if collecting is None else collecting
    gc.disable()  # as the click group does: a short-lived process that makes no reference cycles
    from .fast import finish

    finish(lambda: compile_paths(*parsed), whole_process, enabled)


# What a worker sends back for one file: how it went, its counts, what to print for it.
WRITTEN, REFUSED, BROKEN = "written", "refused", "broken"  # refused: errors, no plan; broken: unreadable or unwritable


@dataclass
class Outcome:
    """One file's compilation as the parent reports it (small: it crosses a pipe from a worker)."""

    status: str
    errors: int = 0
    warnings: int = 0
    report: str = ""  # the diagnostics as printed (rendered in the worker when standard error is not a terminal)
    result: Result | None = None  # else the diagnostics and source text, for the parent to print through rich
    message: str = ""  # a line for standard error after the diagnostics (a refused or broken file)


_QUIET = ReportOptions(quiet=True)  # a compile's report: the diagnostics, no summary line (the run prints its own)
Job = tuple[str, Settings, "Dialect | str", str]  # source (as discovery writes it), settings, dialect read with, plan file


class ManyRun:
    """``voxxml compile`` over directories or several files, plans written under one folder."""

    def __init__(self, target: str, severity: Severity | None, output_format: str, dialect: str | None, options: dict[str, Any]) -> None:
        self.target = target_registry.get_target(target)
        self.target_name = target
        self.severity = severity
        self.output_format = output_format
        self.suffix = SUFFIXES.get(output_format, ".txt")
        self.dialect = dialect
        self.options = options
        self.terminal = _isatty(sys.stderr)  # workers render plain text unless rich draws for a terminal
        self.made: set[str] = set()  # folders known to exist (per process)
        self.styled: bool | None = None  # whether a report into a buffer gets styles (FORCE_COLOR), once known

    def compile(self, paths: list[str], out: Path, jobs: int | None) -> int:
        """Compile every file found, write the plans, print in order; the exit status."""
        if out.exists() and not out.is_dir():
            fail(f"{out}: not a directory (compiling directories or several files needs a folder for -o)")
        found = find(paths)  # strings: a Path per file cost more than the walk (issue 14)
        for missing in found.missing:
            echo(f"voxxml: error: {missing}: no such file or directory", err=True)
        try:
            todo, clashes = self.planned(paths, found.files, out)
        except ConfigError as error:
            fail(str(error))
        broken = bool(found.missing or clashes)
        for message in clashes:
            echo(message, err=True)
        if not todo:
            echo("voxxml: warning: no VoxXML files found", err=True)
            return EXIT_USAGE if broken else EXIT_OK
        from .parallel import ordered_map, workers

        written = refused = errors = warnings = affected = 0
        outcomes = ordered_map(self.compile_file, todo, workers(len(todo), jobs))
        try:
            for outcome in outcomes:
                self.print(outcome)
                errors += outcome.errors
                warnings += outcome.warnings
                affected += bool(outcome.errors or outcome.warnings)
                written += outcome.status == WRITTEN
                refused += outcome.status == REFUSED
                broken |= outcome.status == BROKEN
        finally:
            outcomes.close()  # stops and reaps the workers if the loop ended early
        echo(_summary(len(todo), written, refused, errors, warnings, affected, out), err=True)
        if broken:
            return EXIT_USAGE
        return EXIT_PROBLEMS if refused else EXIT_OK

    def planned(self, paths: list[str], files: list[tuple[str, bool]], out: Path) -> tuple[list[Job], list[str]]:
        """The files to compile, each with its settings, dialect and plan file; and the clashes
        (two sources whose plans would be one file: the second is not compiled)."""
        root, folder_of_plans = str(_root(paths)), str(out)
        resolver = Resolver()
        by_folder: dict[str, Settings] = {}  # a file's settings are its folder's (Resolver.for_file), with the severities
        by_suffix: dict[tuple[int, str], Dialect | str] = {}  # (settings, suffix) -> dialect, where only the suffix decides
        todo: list[Job] = []
        planned: dict[str, Path] = {}
        clashes: list[str] = []
        for path, explicit in files:
            folder = os.path.dirname(path)
            settings = by_folder.get(folder)
            if settings is None:
                settings = by_folder[folder] = self.with_severity(resolver.for_file(path))
            if not explicit and settings.excluded(path):
                continue
            stem, suffix = os.path.splitext(os.path.abspath(path)[len(root) :].lstrip(os.sep))  # found below root
            name = stem + self.suffix
            if name in planned:
                clashes.append(f"voxxml: error: {path}: not compiled: its plan would overwrite {planned[name]}'s ({out / name})")
                continue
            planned[name] = path
            if self.dialect is None and settings.dialect is None:  # no --dialect, no configured one: by suffix
                key = (id(settings), suffix.lower())
                dialect = by_suffix.get(key) or by_suffix.setdefault(key, reading(path, settings))
            else:
                dialect = reading(path, settings, self.dialect)
            todo.append((path, settings, dialect, plan_file(folder_of_plans, name)))
        return todo, clashes

    def with_severity(self, settings: Settings) -> Settings:
        """--strict, --allow-approximate: every target code's severity, over the configuration's."""
        if self.severity is None:
            return settings
        return replace(settings, severity={**settings.severity, **dict.fromkeys(self.target.codes, self.severity)})

    def compile_file(self, job: Job) -> Outcome:
        """Read, check, compile and write one file (in a worker for many files)."""
        path, settings, dialect, plan = job
        try:
            data = read_bytes(path)
        except OSError as error:
            return Outcome(BROKEN, message=f"voxxml: error: {path}: {error.strerror or error}")
        result = run_pipeline(data, str(path), settings, self.target_name, dialect, **self.options)
        severities = list(map(get_severity, result.diagnostics))  # counted in C: a file has thousands of approximations
        errors = severities.count(Severity.ERROR)
        outcome = Outcome(WRITTEN, errors=errors, warnings=severities.count(Severity.WARNING))
        if errors or result.document is None:
            outcome.status = REFUSED
            if not errors:  # only when the configuration hides the syntax errors (select, ignore)
                outcome.message = f"voxxml: error: {path}: not a well-formed VoxXML document"
        else:
            try:
                self.write(plan, self.render(result.output))
            except OSError as error:
                outcome.status = BROKEN
                outcome.message = f"voxxml: error: {plan}: {error.strerror or error}"
        if result.diagnostics:
            if self.terminal:
                from ..core.source import SourceMap

                source = SourceMap(result.source.text) if result.source is not None else None
                outcome.result = Result(result.path, result.diagnostics, source=source)
            else:
                outcome.report = self.report(result)
        return outcome

    def report(self, result: Result) -> str:
        """The file's diagnostics as ``voxxml lint``'s text format prints them to a file or a pipe: made
        directly by ``plain_report`` (no styled segments: a compile reports tens of thousands), through the
        generic reporter where rich must draw (a tab; FORCE_COLOR)."""
        if self.styled is None:
            self.styled = styled(io.StringIO())  # only the environment decides, for a buffer: once per process
        text = None if self.styled else plain_report(result, _QUIET)
        if text is None:
            buffer = io.StringIO()
            REPORTERS["text"]([result], buffer, _QUIET)
            text = buffer.getvalue()
        return text

    def render(self, output: Any) -> bytes:
        """The plan file's bytes: the text ``voxxml compile FILE`` prints, in UTF-8 (from the target's
        ``render_bytes`` when it has one: EnableX's JSON comes from orjson as bytes)."""
        render_bytes = getattr(self.target, "render_bytes", None)
        if render_bytes is not None:
            return render_bytes(output, self.output_format)  # type: ignore[no-any-return]
        return (self.target.render(output, self.output_format) + "\n").encode("utf-8")

    def write(self, plan: Path | str, data: bytes) -> None:
        """The plan file, written with three system calls (no buffered file object: the bytes are whole). Its
        folder is known by its name (a string: a ``Path.parent`` and its hash per plan cost more than the calls)."""
        folder = os.path.dirname(plan) or "."  # a plan in the current folder (-o .)
        if folder not in self.made:
            os.makedirs(folder, exist_ok=True)
            self.made.add(folder)
        handle = os.open(plan, _WRITE, 0o666)
        try:
            written = os.write(handle, data)
            if written < len(data):  # a regular file takes it all at once; a short write is finished, not lost
                view = memoryview(data)[written:]
                while view:
                    view = view[os.write(handle, view) :]
        finally:
            os.close(handle)

    def print(self, outcome: Outcome) -> None:
        if outcome.result is not None:
            REPORTERS["text"]([outcome.result], sys.stderr, ReportOptions(quiet=True))
        elif outcome.report:
            sys.stderr.write(outcome.report)
        if outcome.message:
            echo(outcome.message, err=True)


def plan_file(folder: str, name: str) -> str:
    """``str(Path(folder) / name)`` for a folder as ``str(Path)`` writes it and a relative, normalized ``name``
    (what ``planned`` makes): a string join, where a Path per file and its string cost more than writing the
    plan's user-space share (``tests/test_compile_report_speed.py`` holds the two to each other)."""
    return name if folder == "." else os.path.join(folder, name)


def _root(paths: list[str]) -> Path:
    """The deepest folder that holds every input: a directory is its own folder, a file its parent."""
    folders = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths if os.path.exists(p)]
    return Path(os.path.commonpath(folders)) if folders else Path(os.path.abspath("."))


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return False


def _summary(files: int, written: int, refused: int, errors: int, warnings: int, affected: int, out: Path) -> str:
    """``Compiled 1,931 of 2,000 files into plans (69 not compiled: errors). Found 69 errors and ... in 1,990 files.``"""

    def count(number: int, noun: str) -> str:
        return f"{number:,} {noun}{'' if number == 1 else 's'}"

    text = f"Compiled {written:,} of {count(files, 'file')} into {out}"
    text += f" ({refused:,} not compiled: errors)." if refused else "."
    found = [count(n, noun) for n, noun in ((errors, "error"), (warnings, "warning")) if n]
    return text + (f" Found {' and '.join(found)} in {count(affected, 'file')}." if found else " No problems.")
