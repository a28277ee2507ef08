"""How fast is `voxxml lint`, and does it stay fast on big inputs?

A benchmark script, not a test: run it by hand. pytest does not collect it (its
name does not match test_*.py) and importing it runs nothing.

    python tests/benchmarks/bench_lint.py                    # the full run, a few minutes
    python tests/benchmarks/bench_lint.py --quick            # a smoke run, seconds
    python tests/benchmarks/bench_lint.py --files 2000 --out /tmp/voxxml-bench --json bench.json
    python tests/benchmarks/bench_lint.py --profile          # ... and where the lint time goes

What it measures, on a seeded corpus of realistic IVRs (tests/benchmarks/corpus.py:
2,000 files of 10 to 300 verbs, about 5% of them with a planted mistake):

* lxml parse-only time: read each file's bytes and parse them with an lxml parser
  configured like voxxml's hardened one. No linter that builds an XML tree can beat
  this, so lint time is judged against it.
* full in-process lint time: ``voxxml.lint.lint_file`` on each file (read, decode,
  parse, build the typed AST, validate, run the flow checks), results discarded. Both
  passes include reading the bytes, so their ratio compares like with like. Each
  is the best of N passes after a warm-up pass (grammar construction and first-use
  caches are not counted); the warm-up pass itself, and the first file linted in a
  fresh interpreter, are shown for information.
* compile time: for each file, ``lint_file`` and then ``compile_document`` (the
  EnableX compiler) on the AST it built, as ``voxxml compile`` does (compiling needs a
  parsed document; files with lint errors are not compiled, as the command refuses
  them), plans discarded. Judged against the full lint pass on the same files: best
  of N after a warm-up pass that also counts the files compiled and the EX2nn
  approximations reported.
* the CLI end to end: ``voxxml lint --format json DIR`` in a subprocess, output
  discarded: interpreter start-up, imports, discovery and reporting included.
* scaling and memory: a 10,000-verb and a 100,000-verb file, each linted once in
  a fresh process that reports lint_file's elapsed time and its peak RSS, with the
  RSS right after imports (the interpreter's and the libraries' share), and the
  time the flow analysis took inside that lint (the analysis's own scaling bar). For
  information, each is linted once more in a fresh process with the cyclic garbage
  collector off, which shows how much of any non-linear growth is the collector's,
  and the analysis is rerun back to back on each AST (those reruns find a small AST
  hot in the CPU cache, which a lint never does).

Peak RSS is the process's high-water mark, VmHWM from /proc/self/status where
there is one. ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is the fallback only:
on Linux it survives execve(), so a child started by a big parent reports the
parent's peak (the JSON keeps it as ``ru_maxrss_kib`` for comparison).

Then it checks the bars, prints PASS or FAIL for each and exits 1 if any fails.
The corpus itself is checked too: valid files must lint without errors and every
planted mistake must be reported, or the timings would not be of realistic work.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import math
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from contextlib import contextmanager
from typing import Iterator, TypedDict, TypeVar

from lxml import etree

import voxxml
from voxxml.core import xmlparse
from voxxml.ast import Response
from voxxml.checks import context as check_context
from voxxml.analysis import Analysis, analyse
from voxxml.lint import cyclic_gc_paused, lint_file
from voxxml.targets.enablex import compile_document

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import DEFAULT_SEED, CorpusFile, write_corpus, write_long_ivr  # noqa: E402
from speed import describe  # noqa: E402

# The bars.
MAX_LINT_OVER_PARSE = 6.0  # the foundation lint (parse, AST, validation) at most 6x lxml parse-only (issue 2)
MAX_FULL_LINT_OVER_PARSE = 8.0  # with the flow rules too: our own budget (no issue sets one for them)
MAX_COMPILE_OVER_LINT = 2.0  # compiling the corpus (parse + compile) at most 2x linting it (the EnableX issue)
MAX_COMPILE_CLI_OVER_LINT_CLI = 2.0  # `voxxml compile --target enablex DIR -o OUTDIR` at most 2x `voxxml lint DIR` (issue 14)
MAX_SCALING_SLACK = 1.2  # 10x the verbs may take at most 12x the time
MAX_PEAK_MB = 300.0  # peak RSS linting the largest file, in MB (10^6 bytes)
MAX_LINT_CLI_OVER_PARSE_CLI = 3.5  # `voxxml lint --format json DIR` at most 3.5x a `python -c` parsing the files, whole processes (issue 14)

DEFAULT_OUT = Path("/tmp/voxxml-bench")
DEFAULT_FILES, DEFAULT_LONG, DEFAULT_REPEATS = 2000, (10_000, 100_000), 3
QUICK_FILES, QUICK_LONG, QUICK_REPEATS = 100, (1_000, 10_000), 1
REPO = Path(__file__).resolve().parents[2]


def benchmark_parser() -> etree.XMLParser:
    """An lxml parser with voxxml's hardening (voxxml/core/xmlparse.py), nothing else."""
    return etree.XMLParser(**xmlparse.HARDENED)


# ------------------------------------------------------------- in-process timing


@dataclass
class Timing:
    """Seconds of whole passes; ``best`` is the one that counts."""

    runs: list[float]

    @property
    def best(self) -> float:
        return min(self.runs)


def round_ratios(numerator: Timing, denominator: Timing) -> str:
    """Each round's ratio (the two commands run back to back) and their median: for information beside the
    ratio of the bests, which is the bar's. A short command's best can catch one of the machine's fast
    moments that a long one spans only in part, so the ratio of bests moves more than the code does."""
    ratios = [a / b for a, b in zip(numerator.runs, denominator.runs)]
    return f"each round's ratio {', '.join(f'{r:.2f}x' for r in ratios)} (median {statistics.median(ratios):.2f}x)"


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


T = TypeVar("T")


def best_of(action: Callable[[], object], repeats: int) -> Timing:
    return Timing([timed(action) for _ in range(repeats)])


def warm_up(action: Callable[[], T]) -> tuple[T, float]:
    """Run a warm-up pass (its result is the corpus check) and say how long it took."""
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def parse_only_pass(paths: Sequence[Path]) -> None:
    parser = benchmark_parser()
    for path in paths:
        etree.fromstring(path.read_bytes(), parser)


def lint_pass(paths: Sequence[Path]) -> None:
    for path in paths:
        result = lint_file(path)  # noqa: F841 - held until the next file, as compile_pass holds its result


def compile_pass(paths: Sequence[Path]) -> None:
    """What ``voxxml compile --target enablex`` does per file: lint it, then compile a document without errors."""
    for path in paths:
        result = lint_file(path)
        if result.error_count == 0 and result.document is not None:
            with cyclic_gc_paused():  # the CLI runs with the cyclic collector off, like lint_file
                compile_document(result.document, str(path))


@dataclass
class CompileCheck:
    """The warm-up compile pass: how many files were compiled, and how many needed approximations."""

    compiled: int = 0
    refused: int = 0  # files with lint errors: not compiled
    approximated: int = 0  # compiled files with at least one EX2nn diagnostic
    states: int = 0  # in all plans
    codes: dict[str, int] = field(default_factory=dict)  # EX2nn code -> diagnostics


def check_compile(paths: Sequence[Path]) -> CompileCheck:
    """One compile pass that also counts what it did (the warm-up pass of the compile timing)."""
    check = CompileCheck()
    codes: Counter[str] = Counter()
    for path in paths:
        result = lint_file(path)
        if result.error_count or result.document is None:
            check.refused += 1
            continue
        with cyclic_gc_paused():
            compilation = compile_document(result.document, str(path))
        check.compiled += 1
        check.approximated += bool(compilation.diagnostics)
        check.states += len(compilation.plan["states"])
        codes.update(d.code for d in compilation.diagnostics)
    check.codes = dict(sorted(codes.items()))
    return check


def validation_pass(paths: Sequence[Path]) -> None:
    """The foundation lint: decode, parse, typed AST and validation (VX0xx), no flow rules."""
    for path in paths:
        with cyclic_gc_paused():  # as lint_file does
            voxxml.parse_bytes(path.read_bytes(), str(path), flow=False)


@dataclass
class CorpusCheck:
    """Whether the corpus lints as planned: clean files clean, planted mistakes reported."""

    valid_files: int = 0
    valid_with_errors: int = 0
    valid_with_warnings: int = 0
    mistake_files: int = 0
    mistakes_reported: int = 0
    mistakes_with_more: int = 0  # mistake files with other diagnostics too (a misspelt numDigits has consequences)
    diagnostics: int = 0  # in all files, to compare with the CLI's output
    planted: dict[str, int] = field(default_factory=dict)  # expected code -> files
    surprises: list[str] = field(default_factory=list)  # the first few diagnostics of valid files

    @property
    def unexpected(self) -> int:
        """Valid files with errors, plus planted mistakes that were not reported."""
        return self.valid_with_errors + self.mistake_files - self.mistakes_reported


def check_corpus(files: Sequence[CorpusFile]) -> CorpusCheck:
    """Lint every file once (this is also the warm-up pass) and compare with what was planted."""
    check = CorpusCheck()
    planted: Counter[str] = Counter()
    for entry in files:
        result = lint_file(entry.path)
        codes = {d.code for d in result.diagnostics}
        check.diagnostics += len(result.diagnostics)
        if entry.expected_code is None:
            check.valid_files += 1
            check.valid_with_errors += result.error_count > 0
            check.valid_with_warnings += bool(result.diagnostics) and result.error_count == 0
            for diagnostic in result.diagnostics[: max(0, 5 - len(check.surprises))]:
                check.surprises.append(f"{entry.path.name}:{diagnostic.span} {diagnostic.code} {diagnostic.message}")
        else:
            check.mistake_files += 1
            planted[entry.expected_code] += 1
            check.mistakes_reported += entry.expected_code in codes
            check.mistakes_with_more += bool(codes - {entry.expected_code})
    check.planted = dict(sorted(planted.items()))
    return check


def profile_lint(paths: Sequence[Path], top: int) -> str:
    """One warmed lint pass under cProfile: the ``top`` functions by own time."""
    profiler = cProfile.Profile()
    profiler.runcall(lint_pass, paths)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(top)
    return out.getvalue()


# ------------------------------------------------------- one file, fresh process


def peak_rss_kib() -> int:
    """This process's peak RSS in KiB: VmHWM where /proc has it, else ru_maxrss (see the docstring)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return ru_maxrss_kib()


def ru_maxrss_kib() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss  # bytes on macOS, KiB on Linux


class Measurement(TypedDict):
    """What the fresh-process helper prints, as one JSON line."""

    seconds: float
    baseline_kib: int
    peak_kib: int
    ru_maxrss_kib: int
    errors: int
    diagnostics: int
    analysis_seconds: float


@contextmanager
def flow_analysis_timed(times: list[float]) -> Iterator[None]:
    """Time the flow analysis where lint_file runs it (CheckContext.analysis), once per lint."""
    original = check_context.analyse

    def timed_analyse(document: Response, **options: bool) -> Analysis:
        start = time.perf_counter()
        try:
            return original(document, **options)
        finally:
            times.append(time.perf_counter() - start)

    check_context.analyse = timed_analyse
    try:
        yield
    finally:
        check_context.analyse = original


def measure_one(path: Path, collect: bool) -> Measurement:
    """The helper mode: lint ``path`` once, cold, in this fresh process; ``collect=False`` turns gc off."""
    baseline = peak_rss_kib()
    if not collect:
        gc.disable()
    analysis_times: list[float] = []
    with flow_analysis_timed(analysis_times):
        start = time.perf_counter()
        result = lint_file(path)
        seconds = time.perf_counter() - start
    return Measurement(
        seconds=seconds,
        analysis_seconds=sum(analysis_times) if analysis_times else math.nan,
        baseline_kib=baseline,
        peak_kib=peak_rss_kib(),
        ru_maxrss_kib=ru_maxrss_kib(),
        errors=result.error_count,
        diagnostics=len(result.diagnostics),
    )


@dataclass
class OneFile:
    """One file linted in fresh processes: the best time and the highest peak of the runs."""

    path: str
    verbs: int
    size: int
    seconds: float
    gc_off_seconds: float  # information: the same, with the cyclic garbage collector off
    analysis_seconds: float  # the flow analysis alone, as it ran inside the lint (part of ``seconds``)
    baseline_kib: int  # peak RSS after imports, before linting
    peak_kib: int
    ru_maxrss_kib: int
    errors: int
    diagnostics: int
    analysis_rerun_seconds: float = math.nan  # information: best of 5 reruns on the same AST, in one process

    @property
    def peak_mb(self) -> float:
        return self.peak_kib * 1024 / 1e6

    @property
    def baseline_mb(self) -> float:
        return self.baseline_kib * 1024 / 1e6


def analysis_rerun_time(path: Path) -> float:
    """Best of five back-to-back runs of the flow analysis on the file's AST, the cyclic GC
    paused as in lint_file. Information only: the reruns find a 10,000-verb AST (~2 MB)
    still in the CPU's L2 cache, which no single lint does, so their ratio measures cache
    sizes as much as the analysis."""
    document = lint_file(path).document
    if document is None:
        return math.nan
    with cyclic_gc_paused():
        return min(timed(lambda: analyse(document)) for _ in range(5))


def run_measure_one(path: Path, collect: bool) -> Measurement:
    command = [sys.executable, str(Path(__file__).resolve()), "--measure-one", str(path)]
    done = subprocess.run(command + ([] if collect else ["--no-gc"]), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"measuring {path} failed (exit {done.returncode}):\n{done.stderr}")
    measurement: Measurement = json.loads(done.stdout.strip().splitlines()[-1])
    return measurement


def measure_in_subprocesses(entry: CorpusFile, repeats: int, gc_off: bool = True) -> OneFile:
    runs = [run_measure_one(entry.path, collect=True) for _ in range(repeats)]
    gc_off_seconds = (
        min(run_measure_one(entry.path, collect=False)["seconds"] for _ in range(repeats)) if gc_off else math.nan
    )
    return OneFile(
        path=str(entry.path),
        verbs=entry.verbs,
        size=entry.size,
        seconds=min(run["seconds"] for run in runs),
        gc_off_seconds=gc_off_seconds,
        analysis_seconds=min(run["analysis_seconds"] for run in runs),
        baseline_kib=max(run["baseline_kib"] for run in runs),
        peak_kib=max(run["peak_kib"] for run in runs),
        ru_maxrss_kib=max(run["ru_maxrss_kib"] for run in runs),
        errors=runs[0]["errors"],
        diagnostics=runs[0]["diagnostics"],
    )


# ---------------------------------------------------------------------- the CLI


@dataclass
class CliRun:
    command: list[str]
    note: str = ""  # why there is no timing
    startup_seconds: float | None = None  # `voxxml lint --help`
    timing: Timing | None = None
    exit_code: int | None = None
    diagnostics: int | None = None  # in the JSON output of one extra, untimed run


def cli_command() -> list[str]:
    """The voxxml executable next to this interpreter, else ``python -m voxxml``."""
    script = Path(sys.executable).parent / "voxxml"
    return [str(script)] if script.exists() else [sys.executable, "-m", "voxxml"]


def cli_lint_command(corpus_dir: Path) -> list[str]:
    return cli_command() + ["lint", "--format", "json", str(corpus_dir)]


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def run_cli(corpus_dir: Path, repeats: int) -> CliRun:
    """Time `voxxml lint --format json DIR`: 'not available' (not a crash) while there is no CLI."""
    run = CliRun(cli_lint_command(corpus_dir))
    start = time.perf_counter()
    probe = subprocess.run(cli_command() + ["lint", "--help"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        run.note = f"CLI not available: {last_line(probe.stderr) or f'exit {probe.returncode}'}"
        return run
    run.startup_seconds = time.perf_counter() - start
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        done = subprocess.run(run.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        seconds.append(time.perf_counter() - start)
        run.exit_code = done.returncode
        if done.returncode not in (0, 1):  # 1: problems found, as expected with planted mistakes
            run.note = f"CLI failed (exit {done.returncode}): {last_line(done.stderr)}"
            return run
    run.timing = Timing(seconds)
    run.diagnostics = count_cli_diagnostics(run.command)
    return run


def count_cli_diagnostics(command: list[str]) -> int | None:
    """Diagnostics in the CLI's JSON output (a list of objects), or None if it is not that."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        output = json.loads(done.stdout)
    except json.JSONDecodeError:
        return None
    return len(output) if isinstance(output, list) else None


# ------------------------------------------------------------- the CLI: compile DIR


@dataclass
class CompileCliRun:
    """``voxxml compile --target enablex DIR -o OUTDIR`` against ``voxxml lint DIR``, whole processes
    run alternately (lint, compile, lint, ...), so that both see the same load; the best of each counts."""

    lint_command: list[str]
    compile_command: list[str]
    note: str = ""  # why there is no timing
    lint: Timing | None = None
    compile: Timing | None = None
    exit_codes: list[int] = field(default_factory=list)  # lint's and compile's, of the last round
    plans: int | None = None  # plan files in OUTDIR after the last compile
    cpu: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # per command, each run's (user, system) seconds

    def best_cpu(self, name: str) -> tuple[float, float]:
        """The user and system seconds of ``name``'s fastest run (its processes and their workers)."""
        runs = self.lint if name == "lint" else self.compile
        assert runs is not None
        return self.cpu[name][runs.runs.index(runs.best)]

    @property
    def ratio(self) -> float | None:
        return self.compile.best / self.lint.best if self.lint and self.compile else None


def run_compile_cli(corpus_dir: Path, out_dir: Path, repeats: int) -> CompileCliRun:
    """Time the two commands as a user runs them (output to /dev/null, so not a terminal); OUTDIR is
    emptied before each compile, and the disk synced before each command (outside the timing): every
    compile writes every plan anew, into a new folder. Each run's user and system CPU seconds are kept
    too: the system time is mostly the file system's (docs/performance.md: on an ext4 without a journal,
    creating files right after deleting thousands costs the kernel a scan per file)."""
    import resource
    import shutil

    run = CompileCliRun(
        cli_command() + ["lint", str(corpus_dir)],
        cli_command() + ["compile", "--target", "enablex", str(corpus_dir), "-o", str(out_dir)],
    )
    seconds: dict[str, list[float]] = {"lint": [], "compile": []}
    for _ in range(repeats):
        run.exit_codes = []
        for name, command in (("lint", run.lint_command), ("compile", run.compile_command)):
            if name == "compile":
                shutil.rmtree(out_dir, ignore_errors=True)
            if hasattr(os, "sync"):
                os.sync()  # the disk's backlog (the plans just removed, the last run's writes) is charged to neither command
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            seconds[name].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            run.cpu.setdefault(name, []).append((after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime))
            run.exit_codes.append(done.returncode)
            if done.returncode not in (0, 1):  # 1: the planted mistakes
                run.note = f"{name} failed (exit {done.returncode}): {' '.join(command)}"
                return run
    run.lint, run.compile = Timing(seconds["lint"]), Timing(seconds["compile"])
    run.plans = sum(1 for _ in out_dir.rglob("*.json"))
    return run


def compile_cli_table(report: Report) -> str:
    run = report.compile_cli
    if run is None:
        return "  skipped (--no-cli)"
    commands = f"  $ {' '.join(run.lint_command)}\n  $ {' '.join(run.compile_command)}"
    if run.lint is None or run.compile is None:
        return f"{commands}\n  {run.note}"
    files, verbs = report.corpus.files, report.corpus.verbs
    rows = [
        timing_row(f"voxxml lint DIR (exit {run.exit_codes[0]})", run.lint.best, files, verbs),
        timing_row(f"voxxml compile DIR -o OUTDIR (exit {run.exit_codes[1]}, {run.plans:,} plans)", run.compile.best, files, verbs),
        ["ratio compile / lint", f"{run.ratio:.2f}x", "", ""],
    ]
    rounds = f"  {round_ratios(run.compile, run.lint)}\n"
    (lint_user, lint_system), (compile_user, compile_system) = run.best_cpu("lint"), run.best_cpu("compile")
    cpu = (
        f"  CPU of those runs: lint user {lint_user:.2f} s, system {lint_system:.2f} s; compile user {compile_user:.2f} s,"
        f" system {compile_system:.2f} s (user time ratio {compile_user / lint_user:.2f}x)"
    )
    return commands + "\n" + table(rows, header=TIMING_HEADER) + "\n" + rounds + cpu


# ------------------------------------------- the CLI: lint DIR against parse-only, whole processes

# What a user's `python -c` does to parse every file of the corpus with the hardened lxml options (HARDENED
# inlined, so that it imports lxml only): the floor a whole `voxxml lint` process is judged against.
PARSE_ONLY_SCRIPT = """\
import os, sys
from lxml import etree
parser = etree.XMLParser(**%r)
for folder, subfolders, names in os.walk(sys.argv[1]):
    subfolders.sort()
    for name in sorted(names):
        if name.endswith(".voxxml"):
            with open(os.path.join(folder, name), "rb") as handle:
                data = handle.read()
            try:
                etree.fromstring(data, parser)
            except etree.XMLSyntaxError:
                pass
"""


@dataclass
class LintParseCliRun:
    """``voxxml lint --format json DIR`` against ``python -c`` parsing the same files, whole processes run
    alternately (parse, lint, parse, ...), so that both see the same load; the best of each counts."""

    lint_command: list[str]
    parse_command: list[str]
    note: str = ""  # why there is no timing
    lint: Timing | None = None
    parse: Timing | None = None
    exit_code: int | None = None  # lint's, of the last round
    load_average: str = ""  # at the start of the measurement

    @property
    def ratio(self) -> float | None:
        return self.lint.best / self.parse.best if self.lint and self.parse else None


def run_lint_parse_cli(corpus_dir: Path, repeats: int) -> LintParseCliRun:
    """Time both as a user runs them, output to /dev/null (not a terminal); the lint with its default --jobs."""
    run = LintParseCliRun(
        cli_lint_command(corpus_dir),
        [sys.executable, "-c", PARSE_ONLY_SCRIPT % (xmlparse.HARDENED,), str(corpus_dir)],
        load_average=" ".join(f"{load:.2f}" for load in os.getloadavg()),
    )
    seconds: dict[str, list[float]] = {"parse": [], "lint": []}
    for _ in range(repeats):
        for name, command in (("parse", run.parse_command), ("lint", run.lint_command)):
            start = time.perf_counter()
            done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
            seconds[name].append(time.perf_counter() - start)
            if name == "lint":
                run.exit_code = done.returncode
            if done.returncode not in ((0, 1) if name == "lint" else (0,)):  # lint 1: the planted mistakes
                run.note = f"{name} failed (exit {done.returncode}): {last_line(done.stderr)}"
                return run
    run.lint, run.parse = Timing(seconds["lint"]), Timing(seconds["parse"])
    return run


def lint_parse_cli_table(run: LintParseCliRun | None, files: int, verbs: int) -> str:
    if run is None:
        return "  skipped (--no-cli)"
    commands = f"  $ {' '.join(run.lint_command)}\n  $ python -c <parse every .voxxml file with lxml, hardened options> {run.parse_command[-1]}"
    if run.lint is None or run.parse is None:
        return f"{commands}\n  {run.note}"
    rows = [
        timing_row("python -c parse-only (whole process)", run.parse.best, files, verbs),
        timing_row(f"voxxml lint --format json (exit {run.exit_code})", run.lint.best, files, verbs),
        ["ratio lint / parse-only", f"{run.ratio:.2f}x", "", ""],
    ]
    rounds = f"\n  {round_ratios(run.lint, run.parse)}"
    return f"{commands}\n  load average at start: {run.load_average}\n" + table(rows, header=TIMING_HEADER) + rounds


def lint_parse_cli_bar(run: LintParseCliRun) -> Bar:
    return Bar("voxxml lint --format json / python -c parse-only, whole processes", run.ratio, MAX_LINT_CLI_OVER_PARSE_CLI, "x")


def lint_cli_only(args: argparse.Namespace) -> int:
    """--lint-cli-only: the corpus, then the whole-process lint / parse-only measurement and its bar."""
    files = write_corpus(args.out / "corpus", args.files, args.seed)
    speed_before = describe()
    run = run_lint_parse_cli(args.out / "corpus", args.repeats)
    heading = f"CLI: lint DIR against python -c parse-only (alternately, {best_of_text(args.repeats, 'run', 'runs')} each)"
    table_text = lint_parse_cli_table(run, len(files), sum(entry.verbs for entry in files))
    bar = lint_parse_cli_bar(run)
    print(f"{heading}\n{table_text}\n  {bar}\n  machine speed before the runs: {speed_before}; after: {describe()}")
    return 0 if bar.passed else 1


# ---------------------------------------------------------------------- the run


@dataclass
class Bar:
    name: str
    value: float | None  # None: not measured, which fails
    limit: float
    unit: str
    spec: str = ".2f"  # how value and limit are printed

    @property
    def passed(self) -> bool:
        return self.value is not None and self.value <= self.limit

    def __str__(self) -> str:
        shown = "not measured" if self.value is None else f"{self.value:{self.spec}}{self.unit}"
        return f"{'PASS' if self.passed else 'FAIL'}  {self.name}: {shown} (limit {self.limit:{self.spec}}{self.unit})"


@dataclass
class CorpusSummary:
    directory: str
    seed: int
    files: int
    verbs: int
    verbs_min: int
    verbs_median: float
    verbs_max: int
    bytes: int
    generation_seconds: float


def corpus_summary(files: Sequence[CorpusFile], seconds: float, directory: Path, seed: int) -> CorpusSummary:
    verbs = [entry.verbs for entry in files]
    return CorpusSummary(
        directory=str(directory),
        seed=seed,
        files=len(files),
        verbs=sum(verbs),
        verbs_min=min(verbs),
        verbs_median=statistics.median(verbs),
        verbs_max=max(verbs),
        bytes=sum(entry.size for entry in files),
        generation_seconds=seconds,
    )


@dataclass
class Report:
    environment: dict[str, str]
    corpus: CorpusSummary
    check: CorpusCheck
    parse_only: Timing
    validation: Timing
    lint: Timing
    lint_first_pass: float
    compile: Timing  # lint_file + compile_document per file
    compile_first_pass: float
    compile_check: CompileCheck
    first_file: OneFile  # the first corpus file, in a fresh process
    cli: CliRun
    long_files: list[OneFile]
    bars: list[Bar] = field(default_factory=list)
    profile: str | None = None
    lint_parse_cli: LintParseCliRun | None = None  # None: --no-cli
    compile_cli: CompileCliRun | None = None  # None: --no-cli

    @property
    def lint_over_parse(self) -> float:
        return self.lint.best / self.parse_only.best

    @property
    def compile_over_lint(self) -> float:
        return self.compile.best / self.lint.best

    @property
    def validation_over_parse(self) -> float:
        return self.validation.best / self.parse_only.best

    def long_ratio(self, attribute: str = "seconds") -> float | None:
        if len(self.long_files) < 2:
            return None
        small, large = self.long_files[-2:]
        return getattr(large, attribute) / getattr(small, attribute)

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["check"]["unexpected"] = self.check.unexpected
        data["parse_only"]["best"], data["lint"]["best"] = self.parse_only.best, self.lint.best
        data["lint_over_parse"] = self.lint_over_parse
        data["compile"]["best"], data["compile_over_lint"] = self.compile.best, self.compile_over_lint
        data["validation"]["best"], data["validation_over_parse"] = self.validation.best, self.validation_over_parse
        data["long_ratio"], data["long_ratio_gc_off"] = self.long_ratio(), self.long_ratio("gc_off_seconds")
        if self.compile_cli is not None:
            data["compile_cli"]["ratio"] = self.compile_cli.ratio
        if self.lint_parse_cli is not None:
            data["lint_parse_cli"]["ratio"] = self.lint_parse_cli.ratio
        for bar, raw in zip(self.bars, data["bars"], strict=True):
            raw["passed"] = bar.passed
        return data


def git_state() -> str:
    """The commit, and whether voxxml's sources differ from it (read-only git commands)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "voxxml", "grammar", "rules"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")


def environment() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": str(os.cpu_count()),
        "load_average_at_start": " ".join(f"{load:.2f}" for load in os.getloadavg()),
        "voxxml": voxxml.__version__,
        "source": git_state(),
        "lxml": etree.__version__,
        "libxml2": ".".join(map(str, etree.LIBXML_VERSION)),
    }


def evaluate(report: Report) -> list[Bar]:
    bars = [
        Bar("validation lint (VX0xx) / lxml parse-only, corpus", report.validation_over_parse, MAX_LINT_OVER_PARSE, "x"),
        Bar("full lint with flow rules / lxml parse-only, corpus", report.lint_over_parse, MAX_FULL_LINT_OVER_PARSE, "x"),
        Bar(
            "compile / lint, corpus (compile = lint_file + compile_document per file)",
            report.compile_over_lint,
            MAX_COMPILE_OVER_LINT,
            "x",
        ),
    ]
    if report.compile_cli is not None:
        bars.append(
            Bar(
                "voxxml compile --target enablex DIR -o OUTDIR / voxxml lint DIR, corpus (whole processes)",
                report.compile_cli.ratio,
                MAX_COMPILE_CLI_OVER_LINT_CLI,
                "x",
            )
        )
    if report.lint_parse_cli is not None:
        bars.append(lint_parse_cli_bar(report.lint_parse_cli))
    if len(report.long_files) >= 2:
        small, large = report.long_files[-2:]
        limit = MAX_SCALING_SLACK * large.verbs / small.verbs
        bars.append(Bar(f"lint time, {large.verbs:,} / {small.verbs:,} verbs", report.long_ratio(), limit, "x"))
        bars.append(
            Bar(f"flow analysis time, {large.verbs:,} / {small.verbs:,} verbs", report.long_ratio("analysis_seconds"), limit, "x")
        )
    if report.long_files:
        largest = report.long_files[-1]
        bars.append(Bar(f"peak memory, {largest.verbs:,}-verb file", largest.peak_mb, MAX_PEAK_MB, " MB", ".0f"))
    bars.append(
        Bar(
            "corpus check: valid files with errors + planted mistakes unreported",
            report.check.unexpected,
            0,
            " files",
            ".0f",
        )
    )
    return bars


def run(args: argparse.Namespace) -> Report:
    env = environment()  # first, so the load average is other processes'
    corpus_dir, long_dir = args.out / "corpus", args.out / "long"
    started = time.perf_counter()
    files = write_corpus(corpus_dir, args.files, args.seed)
    long_files = [write_long_ivr(long_dir, verbs, args.seed) for verbs in args.long]
    generation = time.perf_counter() - started
    paths = [entry.path for entry in files]
    progress(f"wrote {len(files)} files to {corpus_dir} and {len(long_files)} to {long_dir} ({generation:.1f} s)")

    parse_only_pass(paths)  # warm-up: page cache, lxml
    parse_only = best_of(lambda: parse_only_pass(paths), args.repeats)
    progress(f"lxml parse only: best {parse_only.best:.3f} s")
    check, first_pass = warm_up(lambda: check_corpus(files))  # the warm-up lint pass
    lint = best_of(lambda: lint_pass(paths), args.repeats)
    progress(f"full lint: best {lint.best:.3f} s (warm-up pass {first_pass:.3f} s)")
    validation = best_of(lambda: validation_pass(paths), args.repeats)
    progress(f"validation lint: best {validation.best:.3f} s")
    compile_check, compile_first_pass = warm_up(lambda: check_compile(paths))  # the warm-up compile pass
    compiled = best_of(lambda: compile_pass(paths), args.repeats)
    progress(f"compile (lint + compile_document): best {compiled.best:.3f} s (warm-up pass {compile_first_pass:.3f} s)")
    first_file = measure_in_subprocesses(files[0], args.repeats, gc_off=False)

    cli = (
        run_cli(corpus_dir, args.repeats)
        if not args.no_cli
        else CliRun(cli_lint_command(corpus_dir), note="skipped (--no-cli)")
    )
    progress(f"CLI: best {cli.timing.best:.3f} s" if cli.timing else f"CLI: {cli.note}")
    lint_parse_cli = None if args.no_cli else run_lint_parse_cli(corpus_dir, args.repeats)
    if lint_parse_cli is not None:
        progress(f"CLI lint / parse-only: {lint_parse_cli.ratio:.2f}x" if lint_parse_cli.ratio else f"CLI lint / parse-only: {lint_parse_cli.note}")
    compile_cli = None if args.no_cli else run_compile_cli(corpus_dir, args.plans or args.out / "plans", args.repeats)
    if compile_cli is not None:
        progress(f"CLI compile DIR / lint DIR: {compile_cli.ratio:.2f}x" if compile_cli.ratio else f"CLI compile: {compile_cli.note}")
    measured = []
    for entry in long_files:
        one = measure_in_subprocesses(entry, args.repeats)
        one.analysis_rerun_seconds = analysis_rerun_time(entry.path)
        measured.append(one)
        progress(f"{entry.path.name}: best {one.seconds:.3f} s, peak {one.peak_mb:.0f} MB")

    report = Report(
        env,
        corpus_summary(files, generation, corpus_dir, args.seed),
        check,
        parse_only,
        validation,
        lint,
        first_pass,
        compiled,
        compile_first_pass,
        compile_check,
        first_file,
        cli,
        measured,
        compile_cli=compile_cli,
    )
    report.lint_parse_cli = lint_parse_cli
    report.bars = evaluate(report)
    if args.profile:
        progress("profiling one lint pass over the corpus")
        report.profile = profile_lint(paths, args.profile_top)
    return report


# ------------------------------------------------------------------- the output


def table(rows: Sequence[Sequence[str]], header: Sequence[str] | None = None, indent: str = "  ") -> str:
    """Columns padded to width: the first left-aligned, the others right-aligned."""
    all_rows = ([list(header)] if header else []) + [list(row) for row in rows]
    widths = [max(len(row[i]) for row in all_rows if i < len(row)) for i in range(max(map(len, all_rows)))]
    lines = []
    for row in all_rows:
        cells = [cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)]
        lines.append(indent + "  ".join(cells).rstrip())
    return "\n".join(lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def timing_row(label: str, seconds: float, files: int, verbs: int) -> list[str]:
    return [label, f"{seconds:,.3f} s", ms(seconds / files), f"{seconds / verbs * 1e6:,.2f} µs"]


TIMING_HEADER = ["", "total", "per file", "per verb"]


def render(report: Report, repeats: int) -> str:
    env = report.environment
    sections = [
        f"voxxml {env['voxxml']} ({env['source']}) lint benchmark",
        f"Python {env['python']}, lxml {env['lxml']} (libxml2 {env['libxml2']}), {env['cpus']} CPUs, {env['platform']}",
        f"load average at start: {env['load_average_at_start']} (timings are comparable only on a quiet machine)",
        corpus_section(report),
        check_section(report.check),
        f"\nCorpus timings (in process; {best_of_text(repeats, 'pass', 'passes')} after a warm-up pass)",
        corpus_timing_table(report),
        compile_section(report.compile_check),
        "\nCLI end to end" + (f" ({best_of_text(repeats, 'run', 'runs')})" if report.cli.timing else ""),
        cli_table(report),
        "\nCLI: lint DIR against python -c parse-only" + (f" (alternately, {best_of_text(repeats, 'run', 'runs')} each)" if report.lint_parse_cli else ""),
        lint_parse_cli_table(report.lint_parse_cli, report.corpus.files, report.corpus.verbs),
        "\nCLI: compile DIR -o OUTDIR against lint DIR" + (f" (alternately, {best_of_text(repeats, 'run', 'runs')} each)" if report.compile_cli else ""),
        compile_cli_table(report),
        "\nLong files (each linted once per fresh process; "
        f"{best_of_text(repeats, 'process', 'processes')}, highest peak)",
        long_table(report),
        "\nBars",
        "\n".join(f"  {bar}" for bar in report.bars),
    ]
    if report.profile:
        sections += ["\nProfile of one warmed lint pass over the corpus (top functions by own time)", report.profile]
    return "\n".join(sections)


def best_of_text(repeats: int, one: str, many: str) -> str:
    return f"1 {one}" if repeats == 1 else f"best of {repeats} {many}"


def corpus_section(report: Report) -> str:
    corpus, check = report.corpus, report.check
    rows = [
        [
            "files",
            f"{corpus.files:,}",
            f"{check.valid_files:,} valid, {check.mistake_files:,} with a planted mistake",
        ],
        [
            "verbs",
            f"{corpus.verbs:,}",
            f"{corpus.verbs_min} to {corpus.verbs_max} per file, median {corpus.verbs_median}",
        ],
        ["size", f"{corpus.bytes / 1e6:.1f} MB", ""],
        ["generated in", f"{corpus.generation_seconds:.1f} s", "with the long files"],
    ]
    return f"\nCorpus: {corpus.directory} (seed {corpus.seed})\n" + table(rows)


def check_section(check: CorpusCheck) -> str:
    planted = ", ".join(f"{code} {count}" for code, count in check.planted.items()) or "none"
    rows = [
        ["valid files with errors", f"{check.valid_with_errors:,} / {check.valid_files:,}", ""],
        ["valid files with warnings only", f"{check.valid_with_warnings:,} / {check.valid_files:,}", ""],
        ["planted mistakes reported", f"{check.mistakes_reported:,} / {check.mistake_files:,}", f"({planted})"],
        ["  ... with other diagnostics too (info)", f"{check.mistakes_with_more:,}", ""],
    ] + [["in a valid file", "", line] for line in check.surprises]
    return "\nCorpus check (the warm-up lint pass)\n" + table(rows)


def corpus_timing_table(report: Report) -> str:
    files, verbs = report.corpus.files, report.corpus.verbs
    rows = [
        timing_row("lxml parse only (read + fromstring)", report.parse_only.best, files, verbs),
        timing_row("validation lint (parse_bytes, flow=False)", report.validation.best, files, verbs),
        timing_row("full lint (lint_file)", report.lint.best, files, verbs),
        timing_row("  warm-up pass, cold caches (info)", report.lint_first_pass, files, verbs),
        ["  first file in a fresh process (info)", ms(report.first_file.seconds), "", ""],
        ["ratio validation lint / parse only", f"{report.validation_over_parse:.2f}x", "", ""],
        ["ratio full lint / parse only", f"{report.lint_over_parse:.2f}x", "", ""],
        timing_row("compile: lint_file + compile_document per file", report.compile.best, files, verbs),
        timing_row("  warm-up pass, cold caches (info)", report.compile_first_pass, files, verbs),
        ["  of which compile_document (compile - full lint, info)", f"{report.compile.best - report.lint.best:,.3f} s", "", ""],
        ["ratio compile / full lint", f"{report.compile_over_lint:.2f}x", "", ""],
    ]
    return table(rows, header=TIMING_HEADER)


def compile_section(check: CompileCheck) -> str:
    codes = ", ".join(f"{code} {count}" for code, count in check.codes.items()) or "none"
    return (
        f"  compiled {check.compiled:,} files ({check.states:,} plan states), "
        f"{check.refused:,} with lint errors not compiled; "
        f"{check.approximated:,} needed approximations ({codes})"
    )


def cli_table(report: Report) -> str:
    cli = report.cli
    command = f"  $ {' '.join(cli.command)}"
    if cli.timing is None:
        return f"{command}\n  {cli.note}"
    files, verbs = report.corpus.files, report.corpus.verbs
    found = "not a JSON list" if cli.diagnostics is None else f"{cli.diagnostics:,} diagnostics"
    rows = [
        timing_row(f"voxxml lint --format json (exit {cli.exit_code})", cli.timing.best, files, verbs),
        ["  start-up: voxxml lint --help (info)", f"{cli.startup_seconds:,.3f} s", "", ""],
        ["  output of one more run (info)", found, f"in process: {report.check.diagnostics:,}", ""],
    ]
    return command + "\n" + table(rows, header=TIMING_HEADER)


def long_table(report: Report) -> str:
    header = [
        "file",
        "verbs",
        "size",
        "lint",
        "of which flow analysis",
        "analysis rerun (info)",
        "gc off (info)",
        "peak RSS",
        "after imports",
        "lint's share",
        "errors / all diagnostics",
    ]
    rows = [
        [
            Path(one.path).name,
            f"{one.verbs:,}",
            f"{one.size / 1e6:.1f} MB",
            ms(one.seconds),
            ms(one.analysis_seconds),
            ms(one.analysis_rerun_seconds),
            ms(one.gc_off_seconds),
            f"{one.peak_mb:.0f} MB",
            f"{one.baseline_mb:.0f} MB",
            f"{one.peak_mb - one.baseline_mb:.0f} MB",
            f"{one.errors} / {one.diagnostics}",
        ]
        for one in report.long_files
    ]
    text = table(rows, header=header)
    ratio, gc_off = report.long_ratio(), report.long_ratio("gc_off_seconds")
    if ratio is not None and gc_off is not None:
        small, large = report.long_files[-2:]
        text += f"\n  time ratio {large.verbs:,} / {small.verbs:,} verbs: {ratio:.2f}x (gc off: {gc_off:.2f}x)"
        rerun = report.long_ratio("analysis_rerun_seconds")
        if rerun is not None:
            text += f"\n  flow analysis reruns on a hot AST (info): {rerun:.2f}x"
    return text


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ entry point


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--files", type=int, help=f"corpus size (default {DEFAULT_FILES}; {QUICK_FILES} with --quick)")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"where the corpus is written (default {DEFAULT_OUT})"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"corpus seed (default {DEFAULT_SEED})")
    parser.add_argument(
        "--long",
        type=lambda text: tuple(int(n) for n in text.split(",")),
        help="verbs of the long files, ascending (default 10000,100000)",
    )
    parser.add_argument(
        "--repeats", type=int, help=f"passes or processes per measurement, the best counts (default {DEFAULT_REPEATS})"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: {QUICK_FILES} files, long files of {QUICK_LONG[0]:,} and {QUICK_LONG[1]:,} verbs, 1 repeat",
    )
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI measurements")
    parser.add_argument(
        "--compile-cli-only",
        action="store_true",
        help="write the corpus, then measure only `voxxml compile DIR -o OUTDIR` against `voxxml lint DIR`",
    )
    parser.add_argument(
        "--lint-cli-only",
        action="store_true",
        help="write the corpus, then measure only `voxxml lint --format json DIR` against a `python -c` parsing its files",
    )
    parser.add_argument(
        "--plans",
        type=Path,
        metavar="DIR",
        help="where the CLI compile writes its plans, emptied before each run (default OUT/plans; the file system matters: docs/performance.md)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the numbers to FILE as JSON")
    parser.add_argument("--profile", action="store_true", help="profile one lint pass over the corpus (cProfile)")
    parser.add_argument(
        "--profile-top", type=int, default=25, metavar="N", help="functions shown in the profile (default 25)"
    )
    parser.add_argument("--measure-one", type=Path, metavar="FILE", help=argparse.SUPPRESS)  # the fresh-process helper
    parser.add_argument("--no-gc", action="store_true", help=argparse.SUPPRESS)  # ... with the garbage collector off
    args = parser.parse_args(argv)
    args.files = args.files or (QUICK_FILES if args.quick else DEFAULT_FILES)
    args.long = args.long or (QUICK_LONG if args.quick else DEFAULT_LONG)
    args.repeats = args.repeats or (QUICK_REPEATS if args.quick else DEFAULT_REPEATS)
    if args.files < 1 or args.repeats < 1 or list(args.long) != sorted(args.long):
        parser.error("--files and --repeats must be positive, --long ascending")
    return args


def compile_cli_only(args: argparse.Namespace) -> int:
    """--compile-cli-only: the corpus, then the whole-process compile / lint measurement and its bar."""
    load = " ".join(f"{load:.2f}" for load in os.getloadavg())
    files = write_corpus(args.out / "corpus", args.files, args.seed)
    speed_before = describe()
    compile_cli = run_compile_cli(args.out / "corpus", args.plans or args.out / "plans", args.repeats)
    summary = corpus_summary(files, 0.0, args.out / "corpus", args.seed)
    stub = argparse.Namespace(compile_cli=compile_cli, corpus=summary)
    bar = Bar("voxxml compile --target enablex DIR -o OUTDIR / voxxml lint DIR, corpus (whole processes)", compile_cli.ratio, MAX_COMPILE_CLI_OVER_LINT_CLI, "x")
    heading = f"CLI: compile DIR -o OUTDIR against lint DIR (alternately, {best_of_text(args.repeats, 'run', 'runs')} each)"
    print(f"load average at start: {load}\n{heading}\n{compile_cli_table(stub)}\n  {bar}")  # type: ignore[arg-type]
    print(f"  machine speed before the runs: {speed_before}; after: {describe()}")
    return 0 if bar.passed else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.measure_one is not None:
        print(json.dumps(measure_one(args.measure_one, collect=not args.no_gc)))
        return 0
    if args.compile_cli_only:
        return compile_cli_only(args)
    if args.lint_cli_only:
        return lint_cli_only(args)
    report = run(args)
    print(render(report, args.repeats))
    if args.json:
        args.json.write_text(json.dumps(report.to_json(), indent=2, default=str) + "\n", encoding="utf-8")
    return 0 if all(bar.passed for bar in report.bars) else 1


if __name__ == "__main__":
    sys.exit(main())
