"""The lint bars on VoXML documents (issue 11): the benchmark corpus, converted to VoXML, linted.

The corpus is bench_lint's (tests/benchmarks/corpus.py, seeded, no planted mistakes), each file
converted with ``voxxml.pipeline.convert(..., "voxml")``: the same IVRs a team would move to the
vendor's current dialect (what VoXML cannot hold, Conference and status callbacks, is left out, as
``convert --allow-approximate`` leaves it). The converted files lint clean as VoXML (checked).

Measured in one run, alternating (so that load from other jobs hits every measure alike), best of
``--repeats``:

- in one process, as bench_lint measures VoxXML v1: parse-only (lxml, the hardened options) against
  the full lint (``lint_file`` with the voxml dialect: read, validate, flow analysis, VX rules), and,
  for where the time goes, the read alone (``pipeline.check(..., flow=False)``: decode, parse, the
  dialect's reader, no flow analysis or VX1xx rules);
- whole processes, as a user runs them: ``python -c`` that parses every file against
  ``voxxml lint --output-format json DIR``.

``--profile FILE`` writes a cProfile of one full-lint pass there instead (``python -m pstats FILE``).

    python tests/benchmarks/bench_voxml.py --files 2000 --repeats 3 --out /tmp/voxml-bench
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_lint import cli_command, parse_only_pass  # noqa: E402
from corpus import DEFAULT_SEED, corpus_ivr  # noqa: E402

from voxxml.lint import cyclic_gc_paused, lint_file  # noqa: E402
from voxxml.pipeline import check, convert  # noqa: E402

FULL_LINT_BAR = 8.0  # bench_lint's budget for the full lint of v1 documents, in one process


def write_corpus(directory: Path, files: int, seed: int) -> list[Path]:
    """The benchmark corpus as VoXML files (``.voxml``), written once per seed and size."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(files):
        path = directory / f"ivr-{index:05d}.voxml"
        if not path.exists():
            source = corpus_ivr(seed, index, mistake_rate=0.0).text
            result = convert(source.encode("utf-8"), f"ivr-{index:05d}.voxxml", "voxml")
            if result.output is None:
                raise SystemExit(f"file {index} did not convert: {[d.code for d in result.diagnostics]}")
            path.write_text(result.output, encoding="utf-8")
        paths.append(path)
    return paths


def lint_voxml_pass(paths: list[Path]) -> int:
    problems = 0
    for path in paths:
        problems += len(lint_file(path, dialect="voxml").diagnostics)
    return problems


def read_voxml_pass(paths: list[Path]) -> None:
    """The read alone: decode, parse and the dialect's reader (its VX0xx findings), no flow analysis."""
    for path in paths:
        with cyclic_gc_paused():  # as lint_file does
            check(path.read_bytes(), str(path), flow=False, dialect="voxml")


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def whole_process(command: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[:3]} failed: {done.stderr[-500:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=Path("/tmp/voxml-bench"))
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--profile", type=Path, help="write a cProfile of one full-lint pass here, and stop")
    options = parser.parse_args()

    paths = write_corpus(options.out / f"corpus-{options.seed}-{options.files}", options.files, options.seed)
    problems = lint_voxml_pass(paths)  # the warm-up is the check: converted files lint clean
    if problems:
        raise SystemExit(f"the converted corpus is not clean VoXML: {problems} diagnostics")
    verbs = sum(path.read_text(encoding="utf-8").count("<") for path in paths)
    if options.profile:
        import cProfile

        cProfile.runctx("lint_voxml_pass(paths)", globals(), {"paths": paths}, str(options.profile))
        print(f"profile of one full-lint pass: python -m pstats {options.profile}")
        return

    parse_times, read_times, lint_times = [], [], []
    for _ in range(options.repeats):  # alternating, so that load hits all three alike
        parse_times.append(timed(lambda: parse_only_pass(paths)))
        read_times.append(timed(lambda: read_voxml_pass(paths)))
        lint_times.append(timed(lambda: lint_voxml_pass(paths)))
    parse, read, lint = min(parse_times), min(read_times), min(lint_times)

    directory = str(paths[0].parent)
    parse_script = (
        "import sys, pathlib; from lxml import etree; from voxxml.core import xmlparse; "
        "p = etree.XMLParser(**xmlparse.HARDENED); "
        "[etree.fromstring(f.read_bytes(), p) for f in sorted(pathlib.Path(sys.argv[1]).glob('*.voxml'))]"
    )
    parse_command = [sys.executable, "-c", parse_script, directory]
    lint_command = cli_command() + ["lint", "--output-format", "json", directory]
    parse_runs, lint_runs = [], []
    for _ in range(options.repeats):  # alternating, so that load hits both alike
        parse_runs.append(whole_process(parse_command))
        lint_runs.append(whole_process(lint_command))

    figures = {
        "files": len(paths),
        "elements": verbs,
        "parse_only_s": round(parse, 4),
        "read_only_s": round(read, 4),
        "read_only_over_parse": round(read / parse, 2),
        "full_lint_s": round(lint, 4),
        "full_lint_over_parse": round(lint / parse, 2),
        "flow_and_rules_over_parse": round((lint - read) / parse, 2),
        "process_parse_s": round(min(parse_runs), 4),
        "process_lint_s": round(min(lint_runs), 4),
        "process_lint_over_parse": round(min(lint_runs) / min(parse_runs), 2),
        "bar_full_lint": FULL_LINT_BAR,
        "passes": lint / parse <= FULL_LINT_BAR,
    }
    print(json.dumps(figures, indent=2))
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
