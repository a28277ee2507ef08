"""Map a per-file function over many files in forked worker processes, results in order.

Why a pool: linting (or compiling) a repository is one independent job per file, and
one process uses one core. Why fork, and only fork: the workers inherit the imported
modules, the settings and the work list as they are in the parent, so a worker starts
in about a millisecond and nothing but the results crosses a pipe (the function and
the items are never pickled; closures and bound methods are fine). Where fork is
unavailable (Windows, macOS' default), or for few files (starting the workers costs
more than they save: see ``THRESHOLD``), the map runs in this process, and the caller
sees the same iterator either way.

Results come back in the order of the items, so whatever the caller prints per item
comes out byte for byte as a sequential run prints it. An exception raised for an item
is raised by the iterator at that item's place (after the results before it), as a
sequential loop would raise it. Keep results small: they are pickled; return only
what the caller prints (a clean file should return almost nothing).

    for outcome in ordered_map(lint_one, items, workers(len(items), jobs)):
        ...
"""

from __future__ import annotations

import os
import sys
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Measured (tests/benchmarks/bench_lint.py, 2 cores): below about this many files, forking
# the workers and collecting their results costs more than the second core saves.
THRESHOLD = 100
ENV = "VOXXML_JOBS"  # how many processes, as --jobs: 0 or unset: auto; 1: no pool
_CHUNK_MAX = 16  # items per task: small enough to keep every core busy to the end

# What the forked workers run: set before the fork, so they inherit it instead of unpickling it.
_WORK: tuple[Callable, Sequence] | None = None


def fork_available() -> bool:
    """Fork is safe on Linux and the BSDs; macOS' system libraries are not fork-safe, Windows has none."""
    return hasattr(os, "fork") and sys.platform != "darwin"


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers(count: int, jobs: int | None = None) -> int:
    """How many processes to map ``count`` items with (1: in this process, no pool).

    ``jobs``: 1 forces one process; N > 1 forces N (even for few items); 0 or None means auto:
    one per core when there are at least ``THRESHOLD`` items. ``jobs`` None reads $VOXXML_JOBS.
    Without fork it is always 1.
    """
    if jobs is None:
        try:
            jobs = int(os.environ.get(ENV, "") or 0)
        except ValueError:
            jobs = 0
    if count < 2 or not fork_available():
        return 1
    if jobs > 0:
        return min(jobs, count)
    return min(cores(), count) if count >= THRESHOLD else 1


def chunk_size(count: int, processes: int) -> int:
    """Items per task: about 16 tasks per process, at most ``_CHUNK_MAX`` items each."""
    return max(1, min(_CHUNK_MAX, count // (processes * 16)))


def _run_chunk(bounds: tuple[int, int]) -> list[tuple[bool, object]]:
    """In a worker: (True, result) per item; (False, exception) for the first that raises, then stop."""
    assert _WORK is not None
    function, items = _WORK
    done: list[tuple[bool, object]] = []
    for index in range(*bounds):
        try:
            done.append((True, function(items[index])))
        except Exception as error:  # raised again in the parent, at this item's place
            done.append((False, _picklable(error)))
            break
    return done


def _picklable(error: Exception) -> Exception:
    import pickle

    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")


def ordered_map(function: Callable[[T], R], items: Sequence[T], processes: int = 1) -> Iterator[R]:
    """``function(item)`` for each item, yielded in the items' order; in ``processes`` forked workers
    when more than 1 (see ``workers``). Leaves no process behind, however the iteration ends."""
    if processes <= 1 or len(items) < 2:
        for item in items:
            yield function(item)
        return
    global _WORK
    size = chunk_size(len(items), processes)
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    _WORK = (function, items)  # kept while the pool lives: a worker that replaces a dead one inherits it too
    finished = False
    import multiprocessing  # only when a pool pays: not on the path of a one-file lint

    pool = multiprocessing.get_context("fork").Pool(processes)
    try:
        for chunk in pool.imap(_run_chunk, bounds):
            for ok, value in chunk:
                if not ok:
                    raise value  # type: ignore[misc]
                yield value  # type: ignore[misc]
        finished = True
    finally:
        if finished:
            pool.close()  # the workers exit once the (empty) queue is drained
        else:
            pool.terminate()  # an exception, or the caller stopped iterating
        pool.join()  # reaps every worker: no zombies
        _WORK = None
