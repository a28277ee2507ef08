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
from typing import BinaryIO, Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Measured (tests/benchmarks/bench_lint.py, 2 cores): below about this many files, forking
# the workers and collecting their results costs more than the second core saves.
THRESHOLD = 100
ENV = "VOXXML_JOBS"  # how many processes, as --jobs: 0 or unset: auto; 1: no pool
_CHUNK_MAX = 16  # items per chunk: small enough to keep every core busy to the end


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
    """Items per chunk: about 16 chunks per process, at most ``_CHUNK_MAX`` items each."""
    return max(1, min(_CHUNK_MAX, count // (processes * 16)))


def ordered_map(function: Callable[[T], R], items: Sequence[T], processes: int = 1) -> Iterator[R]:
    """``function(item)`` for each item, yielded in the items' order; over ``processes`` processes
    when more than 1 (see ``workers``): this one and ``processes - 1`` forked workers.

    The items are cut into chunks, dealt out in turn (chunk ``c`` to process ``c % processes``; this
    process takes chunk 0, and computes its chunks only when the iteration reaches them). Each worker
    pickles its chunks' results, in order, into its own pipe; this process reads them when their turn
    comes. No task queue, no threads, no import of multiprocessing: a worker costs one fork.
    Leaves no process behind, however the iteration ends.
    """
    if processes <= 1 or len(items) < 2:
        for item in items:
            yield function(item)
        return
    size = chunk_size(len(items), processes)
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    processes = min(processes, len(bounds))
    import pickle  # here, not at the top: a one-file lint imports this module but never forks
    sys.stdout.flush()  # a worker must not inherit (and print again) what is buffered here
    sys.stderr.flush()
    children: list[tuple[int, BinaryIO]] = []  # (pid, the read end of its pipe), for workers 1, 2, ...
    finished = False
    try:
        for worker in range(1, processes):
            inherited = [results.fileno() for _, results in children]  # earlier workers' pipes: not its own
            children.append(_fork(function, items, bounds[worker::processes], inherited))
        for chunk, (start, stop) in enumerate(bounds):
            turn = chunk % processes
            if turn == 0:
                for index in range(start, stop):
                    yield function(items[index])
                continue
            try:
                done = pickle.load(children[turn - 1][1])
            except EOFError:
                raise RuntimeError(f"a worker process ended before its results (items {start} to {stop - 1})") from None
            for ok, value in done:
                if not ok:
                    raise value  # type: ignore[misc]
                yield value  # type: ignore[misc]
        finished = True
    finally:
        import signal

        for pid, results in children:
            results.close()  # a worker still writing gets EPIPE, and ends
            if not finished:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            os.waitpid(pid, 0)  # reaps it: no zombies


def _fork(function: Callable, items: Sequence, chunks: list[tuple[int, int]], inherited: list[int]) -> tuple[int, BinaryIO]:
    """Start a worker that computes ``chunks`` in order, writing one pickled list per chunk.
    ``inherited``: file descriptors the worker closes (the other workers' pipes)."""
    import fcntl
    import pickle

    read, write = os.pipe()
    try:
        fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 1 << 20)  # room to run ahead (the default is 64 KiB)
    except (AttributeError, OSError):
        pass
    pid = os.fork()
    if pid == 0:  # the worker: never returns
        status = 1
        try:
            for fd in (read, *inherited):
                os.close(fd)
            with os.fdopen(write, "wb") as out:
                for start, stop in chunks:
                    done = _chunk(function, items, start, stop)
                    pickle.dump(done, out, pickle.HIGHEST_PROTOCOL)
                    out.flush()
                    if done and not done[-1][0]:
                        break
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no flushing of the parent's buffers, no teardown
    os.close(write)
    return pid, os.fdopen(read, "rb")


def _chunk(function: Callable, items: Sequence, start: int, stop: int) -> list[tuple[bool, object]]:
    """(True, result) per item; (False, exception) for the first that raises, and no more."""
    done: list[tuple[bool, object]] = []
    for index in range(start, stop):
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
