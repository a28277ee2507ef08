"""Does every lint, format and fix stay linear (or n log n) on hostile shapes of input?

A benchmark script, not a test: run it by hand. pytest does not collect it;
tests/test_growth.py imports SHAPES and measure() from here and runs every shape at
a small size in the default test run.

    python tests/benchmarks/bench_growth.py              # every shape at n and 10n
    python tests/benchmarks/bench_growth.py --scale 4    # sizes four times larger
    python tests/benchmarks/bench_growth.py --factor 4 --only attribute-name-run

For each shape of document (a function of a size n) and each operation (the full
lint, the lint without flow analysis, format and ``--fix`` with unsafe fixes) it
times the best of three runs at n and at factor·n, in this process (CPU time), and
prints the ratio. Linear work gives about the factor (less at small sizes, where fixed costs
weigh); quadratic work gives its square.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from typing import Callable

import voxxml
from voxxml.core.fixes import fix_text
from voxxml.dialects import get_dialect
from voxxml.dialects.voxxml_v1.formatter import FormatError, format_source
from voxxml.lint import parse_bytes

GATHER = "<Gather numDigits='1'><Say>Press a key.</Say></Gather>"


@dataclass(frozen=True)
class Shape:
    name: str
    make: Callable[[int], str]
    size: int  # the benchmark's base size; the default test run uses size // 8
    why: str
    dialect: str = "voxxml-v1"  # what the operations read it as


def _attribute_run(n: int) -> str:
    # the attribute is looked up for VX010's span, and the run before it once was matched
    # by a regex that backtracked from every position (12 s for 16 KB)
    return f"<Response><Say voice='Jonna' {'a' * n}>Hi</Say></Response>"


def _attribute_run_first(n: int) -> str:
    return f"<Response><Say {'a' * n} voice='Jonna'>Hi</Say></Response>"


def _gather_reads(n: int) -> str:
    return f"<Response>{GATHER}<Say>{'You entered $GATHER, ${GATHER} and $gather. ' * n}</Say></Response>"


def _repeated_ifs(n: int) -> str:
    branch = "<If variable='$GATHER' test='EQUAL' value='1|2'><Say>One.</Say></If>"
    return f"<Response>{GATHER}{branch * n}<Hangup/></Response>"


def _many_attributes(n: int) -> str:
    attributes = " ".join(f"a{i}='{i}'" for i in range(n))
    return f"<Response><Say {attributes}>Hi</Say></Response>"


def _suppressions(n: int) -> str:
    pair = "<!-- voxxml: ignore VX010 -->\n<Say voice='Jonna'>Hi</Say>\n<Say voice='Jonna'>Hi</Say>\n"
    return f"<Response>\n{pair * n}<!-- voxxml: file-ignore VX999 VX103 --></Response>\n"


def _one_line(n: int) -> str:
    return "<Response>" + "<say voice='Jonna'>Hi</say><Pause length='1'/>" * n + "</Response>"


def _deep(n: int) -> str:
    depth = min(n, 250)
    opener = "<If variable='$GATHER' test='EQUAL' value='1'>"
    nest = opener * depth + "<Hangup/>" + "</If>" * depth
    return f"<Response>{GATHER}{nest * max(1, n // 250)}</Response>"


def _unclosed(n: int) -> str:
    # a broken document: every end tag matches no open element
    return "<Response>" + "<Gather>" * n + "</Nope>" * n + "</Response>"


def _unclosed_comments(n: int) -> str:
    return "<Response><Hangup/>" + "<!-- voxxml: ignore VX102 " * n + "</Response>"


def _duplicate_attributes(n: int) -> str:
    return "<Response>" + "<Say voice='Joanna' voice='Joanna'>Hi</Say>" * n + "</Response>"


def _syntax_errors(n: int) -> str:
    # libxml2 reports every undefined entity; voxxml reports the first 25
    return "<Response>" + "<Say voice='Jonna'>&x; a & b</Say>" * n + "</Response>"


def _colliding_fixes(n: int) -> str:
    # each Gather's two case fixes together write a duplicate attribute: one must be refused
    return "<Response>" + "<Gather INPUT='dtmf' Input='dtmf'><say>x</say></Gather>" * n + "</Response>"


def _voxml_variables(n: int) -> str:
    """VoXML: n variables, Ifs over three of them at once (&&, ||, comparisons with "") that set and
    unset others, Dos around Gathers whose outputs the Ifs read, Dos nested in Dos, and Says that read
    them all: every If and Do judged for VX114-VX118 over many variables, every body joined."""
    parts = ["<Response>"]
    parts += [f'<Set output="v{i}">{i % 5}</Set>' for i in range(n)]
    for i in range(n):
        a, b, c = f"v{i}", f"v{(i * 7) % n}", f"g{i // 4}.digits"
        test = f'${{{a}}}==&quot;1&quot; &amp;&amp; ${{{b}}}!=&quot;&quot; || ${{{c}}}==&quot;{i % 10}&quot;'
        body = f'<Set output="w{i}">${{{a}}}</Set><Unset output="v{(i * 3) % n}"/>'
        if i % 4 == 0:
            gather = f'<Gather input="dtmf" numDigits="1" output="g{i // 4}"><Say>Press</Say></Gather>'
            inner = f'<Do expression="${{w{i}}}==&quot;&quot;" maxLoops="2">{gather}</Do>' if i % 8 == 0 else gather
            parts.append(f'<Do expression="${{g{i // 4}.digits}}==&quot;&quot;" maxLoops="3">{inner}</Do>')
        parts.append(f'<If expression=\'{test}\'>{body}</If>')
    parts += [f"<Say>${{w{i}}} ${{v{i}}} ${{g{i // 4}.speech}}</Say>" for i in range(0, n, 3)]
    parts.append("</Response>")
    return "\n".join(parts)


SHAPES = (
    Shape("attribute-name-run", _attribute_run, 16_000, "a long run of bare attribute-name characters"),
    Shape("attribute-name-run-first", _attribute_run_first, 16_000, "the run before a real attribute"),
    Shape("gather-reads", _gather_reads, 2_000, "a Say with many $GATHER reads"),
    Shape("repeated-ifs", _repeated_ifs, 800, "many Ifs with repeated values"),
    Shape("many-attributes", _many_attributes, 2_000, "many attributes on one element"),
    Shape("suppressions", _suppressions, 800, "many suppressions with many errors"),
    Shape("one-line", _one_line, 8_000, "a one-line file (about 0.5 MB at the base size)"),
    Shape("deep-nesting", _deep, 2_000, "nests 250 deep (the limit is 256)"),
    Shape("unclosed", _unclosed, 8_000, "end tags that match no open element"),
    Shape("unclosed-comments", _unclosed_comments, 4_000, "suppression-like comments never closed"),
    Shape("duplicate-attributes", _duplicate_attributes, 2_000, "syntax errors: duplicate attributes"),
    Shape("syntax-errors", _syntax_errors, 2_000, "a syntax error (and a finding) in every element"),
    Shape("colliding-fixes", _colliding_fixes, 800, "fixes that are good alone and break the document together"),
    Shape("voxml-variables", _voxml_variables, 2_000, "VoXML Ifs and Dos over many variables", dialect="voxml"),
)


def _lint(text: str) -> list:
    return voxxml.parse(text).diagnostics


def _format(text: str) -> None:
    try:
        format_source(text)
    except FormatError:
        pass


OPERATIONS: dict[str, Callable[[str], object]] = {
    "lint": _lint,
    "lint-no-flow": lambda text: parse_bytes(text.encode("utf-8"), flow=False),
    "format": _format,
    "fix": lambda text: fix_text(text, _lint, unsafe=True),
}


def _voxml_lint(text: str) -> list:
    return voxxml.lint_bytes(text.encode("utf-8"), "<growth>", dialect="voxml").diagnostics


# The same operations for a VoXML shape: its lint, its formatter.
VOXML_OPERATIONS: dict[str, Callable[[str], object]] = {
    "lint": _voxml_lint,
    "lint-no-flow": lambda text: parse_bytes(text.encode("utf-8"), flow=False, dialect="voxml"),
    "format": lambda text: get_dialect("voxml").format(text),
    "fix": lambda text: fix_text(text, _voxml_lint, unsafe=True),
}


def operation_for(shape: Shape, operation: str) -> Callable[[str], object]:
    """An operation as the shape's dialect runs it."""
    return (VOXML_OPERATIONS if shape.dialect == "voxml" else OPERATIONS)[operation]


def best_of(operation: Callable[[str], object], text: str, repeat: int = 3) -> float:
    """The least CPU time of ``repeat`` runs: CPU time, not wall time, so that other
    processes on a shared machine do not count."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        operation(text)
        best = min(best, time.process_time() - start)
    return best


def measure(shape: Shape, operation: str, size: int, factor: int, repeat: int = 3) -> tuple[float, float]:
    """The best-of-``repeat`` times of ``operation`` at ``size`` and ``factor`` times it."""
    run = operation_for(shape, operation)
    small, large = shape.make(size), shape.make(size * factor)
    run(small)  # warm-up: first-use caches
    return best_of(run, small, repeat), best_of(run, large, repeat)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every base size")
    parser.add_argument("--factor", type=int, default=10, help="the larger size is this many times the base")
    parser.add_argument("--only", action="append", help="a shape name (repeatable)")
    args = parser.parse_args(argv)
    print(f"{'shape':26} {'operation':13} {'n':>7} {'bytes':>9} {'t(n) ms':>9} {'t(kn) ms':>10} {'ratio':>7}")
    worst = 0.0
    for shape in SHAPES:
        if args.only and shape.name not in args.only:
            continue
        size = max(1, int(shape.size * args.scale))
        for operation in OPERATIONS:
            small, large = measure(shape, operation, size, args.factor)
            ratio = large / small if small > 0 else float("inf")
            worst = max(worst, ratio)
            print(
                f"{shape.name:26} {operation:13} {size:>7} {len(shape.make(size).encode()):>9} "
                f"{small * 1000:>9.2f} {large * 1000:>10.2f} {ratio:>7.1f}",
                flush=True,
            )
    print(f"worst ratio {worst:.1f} for a factor of {args.factor} (linear: about {args.factor})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
