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
from typing import Any, Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Each process gets at least this many items, so the pool starts from 2 x this many (THRESHOLD)
# and never forks more workers than the items pay for (each pays its own first-use caches, about
# as much as linting 50 to 100 files).
PER_PROCESS = 50
THRESHOLD = 2 * PER_PROCESS
ENV = "VOXXML_JOBS"  # how many processes, as --jobs: 0 or unset: auto; 1: no pool
_CHUNK_MAX = 16  # items per chunk: small enough to keep every core busy to the end
_MAX_CHUNKS = 16_000  # 4 bytes each: all fit in a pipe before the fork


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
    one per core, but one per ``PER_PROCESS`` items at most (so none below ``THRESHOLD`` items).
    ``jobs`` None reads $VOXXML_JOBS. Without fork it is always 1.
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
    return max(1, min(cores(), count // PER_PROCESS))


def chunk_size(count: int, processes: int) -> int:
    """Items per chunk: about 16 chunks per process, at most ``_CHUNK_MAX`` items each (and few
    enough chunks that their numbers fit in a pipe's default 64 KiB)."""
    return max(1, min(_CHUNK_MAX, count // (processes * 16)), -(-count // _MAX_CHUNKS))


def chunk_bounds(count: int, processes: int) -> list[tuple[int, int]]:
    """The chunks' (start, stop): ``chunk_size`` items each, then smaller ones towards the end (each
    about half of what is left per process, down to one item), so that the processes finish
    within about one item of each other instead of one chunk (a process that finds nothing left
    waits for the other's last chunk). As many chunks as uniform ones would be, where the smaller
    ones would not all fit in the pipe."""
    size = chunk_size(count, processes)
    bounds, start = [], 0
    while start < count:
        step = min(size, max(1, (count - start) // (2 * processes)))
        bounds.append((start, start + step))
        start += step
    if len(bounds) > _MAX_CHUNKS:
        bounds = [(start, min(start + size, count)) for start in range(0, count, size)]
    return bounds


def ordered_map(function: Callable[[T], R], items: Sequence[T], processes: int = 1) -> Iterator[R]:
    """``function(item)`` for each item, yielded in the items' order; over ``processes`` processes
    when more than 1 (see ``workers``): this one and ``processes - 1`` forked workers.

    The items are cut into chunks (``chunk_bounds``). Every process takes the next chunk not yet taken from a shared
    pipe of chunk numbers (written before the fork), so a slower process (a big file, or a core
    shared with other programs) takes fewer, and all finish together. A worker pickles each
    chunk's results into its own pipe; this process takes chunks too, keeps whatever arrives
    early, and yields each result when its turn comes. No task queue process, no threads, no
    import of multiprocessing: a worker costs one fork. Leaves no process behind, however the
    iteration ends.
    """
    if processes <= 1 or len(items) < 2:
        for item in items:
            yield function(item)
        return
    bounds = chunk_bounds(len(items), processes)
    processes = min(processes, len(bounds))
    sys.stdout.flush()  # a worker must not inherit (and print again) what is buffered here
    sys.stderr.flush()
    tasks, write = os.pipe()
    try:
        _write_all(write, b"".join(chunk.to_bytes(4, "little") for chunk in range(1, len(bounds))))
    finally:
        os.close(write)  # all written: once the pipe is empty, a read says so (b"") instead of waiting
    children: dict[int, int] = {}  # the read end of each worker's pipe -> its pid
    finished = False
    try:
        for _ in range(1, processes):
            fd, pid = _fork(function, items, bounds, tasks, list(children))
            children[fd] = pid
        waiting = set(children)  # the workers' pipes not yet at their end
        arrived: dict[int, list[tuple[bool, object]]] = {}  # chunk -> its results, taken out of turn
        for chunk, (start, stop) in enumerate(bounds):
            while chunk and chunk not in arrived:
                arrived.update(_ready(waiting, block=False))
                if chunk in arrived:
                    break
                taken = os.read(tasks, 4)
                if len(taken) == 4:  # work on while waiting: the next chunk nobody has taken
                    other = int.from_bytes(taken, "little")
                    arrived[other] = _chunk(function, items, *bounds[other])
                elif waiting:
                    arrived.update(_ready(waiting, block=True))
                else:
                    raise RuntimeError(f"a worker process ended before its results (items {start} to {stop - 1})")
            if chunk == 0:  # this process's first chunk, yielded as it is computed
                for index in range(start, stop):
                    yield function(items[index])
                continue
            if chunk == len(bounds) - 1:  # every result is here: the workers end by themselves, even if
                finished = True  # the caller stops at the last item without asking for the end (zip)
            for ok, value in arrived.pop(chunk):
                if not ok:
                    raise value  # type: ignore[misc]
                yield value  # type: ignore[misc]
        finished = True
    finally:
        os.close(tasks)
        for fd, pid in children.items():
            os.close(fd)  # a worker still writing gets EPIPE, and ends
            if not finished:
                import signal  # only here: its enums cost about 3 M instructions to import, at the end of every run

                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            os.waitpid(pid, 0)  # reaps it: no zombies


def _ready(waiting: set[int], block: bool) -> dict[int, list[tuple[bool, object]]]:
    """The chunks the workers have sent, read from each pipe with something to read (waiting for
    one when ``block``); a pipe at its end (its worker is done) leaves ``waiting``."""
    import select

    pickle = _pickle()
    got: dict[int, list[tuple[bool, object]]] = {}
    readable, _, _ = select.select(list(waiting), [], [], None if block else 0)
    for fd in readable:
        head = _read_exactly(fd, 12)
        if head is None:
            waiting.discard(fd)
            continue
        chunk, length = int.from_bytes(head[:4], "little"), int.from_bytes(head[4:], "little")
        body = _read_exactly(fd, length)
        if body is None:
            waiting.discard(fd)
            continue
        got[chunk] = pickle.loads(body)
    return got


def _read_exactly(fd: int, length: int) -> bytes | None:
    """``length`` bytes from a pipe (waiting for the rest of a message being written); None at its end."""
    parts, missing = [], length
    while missing:
        part = os.read(fd, missing)
        if not part:
            return None
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fork(function: Callable, items: Sequence, bounds: list[tuple[int, int]], tasks: int, inherited: list[int]) -> tuple[int, int]:
    """Start a worker: it takes chunk numbers from ``tasks`` until there are none, and writes each
    chunk's results to its pipe (chunk number, length, pickle). ``inherited``: file descriptors it
    closes (the other workers' pipes). Returns the read end of its pipe and its pid."""
    import fcntl

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
            pickle = _pickle()  # imported here, not before the fork: the parent needs it only once results arrive
            while len(taken := os.read(tasks, 4)) == 4:
                chunk = int.from_bytes(taken, "little")
                done = _chunk(function, items, *bounds[chunk])
                body = pickle.dumps(done, -1)  # the highest protocol
                _write_all(write, chunk.to_bytes(4, "little") + len(body).to_bytes(8, "little") + body)
                if done and not done[-1][0]:
                    break  # an exception: the run stops there
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no flushing of the parent's buffers, no teardown
    os.close(write)
    return read, pid


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


def _pickle() -> Any:
    """The C pickler that ``pickle`` itself uses: importing ``pickle`` (its pure-Python classes too) cost
    three times as many instructions."""
    try:
        import _pickle as pickle
    except ImportError:  # another Python
        import pickle  # type: ignore[no-redef]
    return pickle


def _picklable(error: Exception) -> Exception:
    pickle = _pickle()
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
