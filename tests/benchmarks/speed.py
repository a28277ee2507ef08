"""How fast this machine is running right now: a fixed pure-Python loop, timed.

A shared virtual machine's speed swings by 2x within minutes (the same loop took a median of 5 ms in
some minutes and 10 ms in others, 2026-12-02), and every bar measured in seconds swings with it. The
benchmarks print this probe before and after their runs, so that a figure can be read against the
machine's speed of the moment; the probe decides nothing (the verdicts are the bars').
"""

from __future__ import annotations

import statistics
import time

LOOP = 300_000  # sum(range(LOOP)): about 5 ms at this machine's best


def probe(rounds: int = 200) -> tuple[float, float]:
    """The loop's best and median milliseconds over ``rounds`` runs."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        sum(range(LOOP))
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def describe(rounds: int = 200) -> str:
    """The probe as the benchmarks print it."""
    best, median = probe(rounds)
    return f"sum(range({LOOP:,})) median {median:.2f} ms, best {best:.2f} ms"
