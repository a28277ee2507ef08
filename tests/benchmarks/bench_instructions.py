"""Is the lint linear in its input when the machine is taken out? Instructions, not seconds.

A benchmark script, not a test (pytest does not collect it). It needs valgrind.

    python tests/benchmarks/bench_instructions.py                      # 10,000 and 100,000 verbs
    python tests/benchmarks/bench_instructions.py --verbs 1000,10000,100000 --out /tmp/voxxml-long

``bench_lint.py`` judges the 100,000-verb lint against the 10,000-verb one in seconds (issue 14's
bar: at most 12x), and that ratio moves with the CPU's caches: a lint of 10,000 verbs keeps a
working set of about 15 MB, one of 100,000 verbs about 150 MB, so the bigger one waits on memory
more per verb. Seconds cannot tell that from a pass that does more work per verb on a bigger
input. Instruction counts can: this script counts, with callgrind, the instructions of one
``lint_file`` of each file in a fresh interpreter (the same process with only the imports and the
file's bytes read is subtracted), so a ratio near 10x for 10x the verbs says every pass is linear
and the rest of the seconds' ratio is the memory hierarchy.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DEFAULT_SEED, write_long_ivr  # noqa: E402

# Run in the measured interpreter: the imports a lint needs, the file read, then (with "lint") the lint.
_CHILD = """
import os, sys
from voxxml.lint import lint_file
import voxxml.checks, voxxml.dialects.voxxml_v1.reader
data = open(sys.argv[1], "rb").read()
if sys.argv[2] == "lint":
    lint_file(sys.argv[1])
os._exit(0)
"""
_COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(path: Path, what: str) -> int:
    """Instructions callgrind counts for a fresh interpreter running ``_CHILD`` on ``path``."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", _CHILD, str(path), what]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    found = _COLLECTED.search(done.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbs", default="10000,100000", help="verbs of each file, ascending (default 10000,100000)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/voxxml-instructions"), help="where the files are written")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    sizes = [int(part) for part in args.verbs.split(",")]
    counts = []
    print(f"{'verbs':>9}  {'lint instructions':>18}  {'per verb':>9}")
    for verbs in sizes:
        path = write_long_ivr(args.out, verbs, args.seed).path
        lint = instructions(path, "lint") - instructions(path, "setup")
        counts.append(lint)
        print(f"{verbs:>9,}  {lint:>18,}  {lint / verbs:>9,.0f}")
    for (small, few), (big, many) in zip(zip(sizes, counts), zip(sizes[1:], counts[1:])):
        print(f"{big:,} / {small:,} verbs: {many / few:.2f}x the instructions for {big / small:.0f}x the verbs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
