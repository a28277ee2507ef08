"""Growth: lint, format and fix stay near-linear on every hostile shape of input.

The shapes and the timing live in tests/benchmarks/bench_growth.py (run it for the
figures). Here every shape runs at a small size n and at 8n, each timed as the best
of a few runs, and the ratio must stay under 20: linear work gives about 8 (less,
with fixed costs), quadratic work 64. A ratio over the bar is measured once more
before failing, so one noisy neighbour on the machine does not fail the run.

``VOXXML_HYPOTHESIS_PROFILE=long`` runs the benchmark's own sizes (minutes).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))

from bench_growth import OPERATIONS, SHAPES, Shape, best_of, measure, operation_for  # noqa: E402
from support import LONG  # noqa: E402

FACTOR = 8
BAR = 20.0


def _ratio(shape: Shape, operation: str, size: int) -> float:
    small, large = measure(shape, operation, size, FACTOR, repeat=3)
    return large / max(small, 1e-6)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda shape: shape.name)
def test_growth_is_near_linear(shape: Shape) -> None:
    size = shape.size if LONG else max(1, shape.size // 64)
    # times under a millisecond are mostly noise: grow the size until they are not
    while not LONG and size * 2 <= shape.size // 8 and best_of(operation_for(shape, "lint"), shape.make(size)) < 0.001:
        size *= 2
    ratios = {}
    for operation in OPERATIONS:
        ratio = _ratio(shape, operation, size)
        if ratio > BAR:
            ratio = min(ratio, _ratio(shape, operation, size))
        ratios[operation] = round(ratio, 1)
    assert max(ratios.values()) <= BAR, f"{shape.name} ({shape.why}): time ratios for {FACTOR}x the input {ratios}"


def test_the_shapes_are_the_issues_list() -> None:
    names = {shape.name for shape in SHAPES}
    assert {"attribute-name-run", "gather-reads", "repeated-ifs", "many-attributes", "suppressions", "one-line", "deep-nesting"} <= names
