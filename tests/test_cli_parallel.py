"""`voxxml lint` over many files in worker processes (voxxml/cli/parallel.py): the same bytes on
standard output and standard error, in the same order, and the same exit status as one process, for
every format and option; the pool only from the threshold on; no process left behind."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from voxxml.cli import parallel

from support import run, write

pytestmark = pytest.mark.skipif(not parallel.fork_available(), reason="the pool forks")

CLEAN = "<Response><Say>Hello {n}</Say><Hangup/></Response>\n"
FIXABLE = "<Response>\n  <Gather numdigits='4'><Say>PIN {n}</Say></Gather>\n</Response>\n"  # VX005, a safe fix
WARNING = "<Response><Gather timeout='90'><Say>Press {n}</Say></Gather></Response>\n"
BROKEN = "<Response><Say>unclosed {n}</Response>\n"  # VX001
XML = "<Response><Say>Hi {n}</Say></Response>\n"  # a .xml file: its dialect is detected


def tree(root: Path, files: int = 60) -> Path:
    """A repository of ``files`` documents of every kind, in folders, with an excluded folder, a
    skipped .xml file, an unreadable file (a dangling link) and per-folder configuration."""
    kinds = (CLEAN, FIXABLE, CLEAN, WARNING, BROKEN, CLEAN, FIXABLE)
    for n in range(files):
        folder = ("a", "b/deep", "c")[n % 3]
        write(root, f"{folder}/doc-{n:03}.voxxml", kinds[n % len(kinds)].format(n=n))
    write(root, "b/voxxml.toml", 'exclude = ["skipped-*"]\nignore = ["VX102"]\n')
    write(root, "b/skipped-1.voxxml", FIXABLE.format(n="x"))
    write(root, "c/other.xml", "<html><body/></html>\n")
    write(root, "c/menu.xml", XML.format(n=1))
    (root / "a" / "doc-030.5.voxxml").symlink_to(root / "nowhere.voxxml")  # listed, not readable
    return root


def lint(folder: Path, jobs: int, *args: str) -> tuple[int, str, str, str]:
    """Exit status, stdout, stderr and both interleaved, linting ``.`` inside ``folder``."""
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        result = run("lint", "--jobs", str(jobs), *args, ".")
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stdout, result.stderr, result.output


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tree(tmp_path_factory.mktemp("many"))


OPTIONS = [
    ("--format", "text"),
    ("--format", "concise"),
    ("--format", "json"),
    ("--format", "sarif"),
    ("--format", "github"),
    ("--statistics",),
    ("--statistics", "--format", "json"),
    ("--verbose", "--format", "concise"),
    ("--verbose", "--max-diagnostics", "1"),
    ("--quiet", "--fail-on", "warning"),
    ("--diff",),
    ("--diff", "--unsafe-fixes", "--format", "json"),
    ("--select", "VX0", "--exit-zero"),
]


@pytest.mark.parametrize("options", OPTIONS, ids=" ".join)
def test_the_pool_prints_what_one_process_prints(repository: Path, options: tuple[str, ...]) -> None:
    one = lint(repository, 1, *options)
    assert one[1], "the run printed something to compare"
    assert lint(repository, 2, *options) == one
    assert lint(repository, 3, *options) == one


def test_fix_writes_and_prints_the_same_with_the_pool(tmp_path: Path) -> None:
    first = tree(tmp_path / "one")
    second = tmp_path / "two"
    shutil.copytree(first, second, symlinks=True)
    fixed = []
    for options in (("--fix", "--show-fixes", "--verbose"), ("--fix", "--format", "json", "--show-fixes")):
        one, two = lint(first, 1, *options), lint(second, 2, *options)
        assert one == two
        assert one[0] == 2  # the unreadable file
        fixed.append("Fixed" in one[3])
    assert fixed == [True, False]  # the second run finds nothing left to fix
    written = sorted(p.relative_to(first) for p in first.rglob("*.voxxml") if p.exists())
    assert written == sorted(p.relative_to(second) for p in second.rglob("*.voxxml") if p.exists())
    assert all((first / p).read_bytes() == (second / p).read_bytes() for p in written)
    assert "numdigits" in FIXABLE and "numDigits" in (second / "b" / "deep" / "doc-001.voxxml").read_text()


def test_messages_per_file_keep_their_order(repository: Path) -> None:
    status, _, stderr, _ = lint(repository, 2, "--verbose", "--format", "json")
    assert status == 2  # the unreadable file
    lines = [line for line in stderr.splitlines() if line.startswith(("checked ", "excluded ", "voxxml: error"))]
    named = [line.split()[1] if not line.startswith("voxxml") else line.split()[2].rstrip(":") for line in lines]
    assert "excluded b/skipped-1.voxxml" in stderr
    assert "voxxml: error: a/doc-030.5.voxxml: No such file or directory" in stderr
    assert "checked c/menu.xml as " in stderr
    assert len(named) == 60 + 3  # every document, the excluded one, the unreadable one, menu.xml
    walk = []  # the order discovery walks the tree in, which a sequential run follows
    for folder, subfolders, names in os.walk(repository):
        subfolders.sort()
        walk += [os.path.relpath(os.path.join(folder, name), repository) for name in sorted(names) if name.endswith((".voxxml", "menu.xml"))]
    assert named == walk


def test_an_invalid_configuration_stops_both_at_the_same_file(tmp_path: Path) -> None:
    root = tree(tmp_path)
    write(root, "c/voxxml.toml", "ignore = [\"NOPE\"]\n")
    one = lint(root, 1, "--verbose")
    assert one[0] == 2 and "unknown code 'NOPE'" in one[2]
    assert lint(root, 2, "--verbose") == one
    assert "checked a/doc-000.voxxml" in one[2]  # files before it were linted and reported


def test_below_the_threshold_no_process_is_forked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    forks: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    monkeypatch.delenv(parallel.ENV, raising=False)
    for n in range(parallel.THRESHOLD - 1):
        write(tmp_path, f"f{n:03}.voxxml", CLEAN.format(n=n))
    assert run("lint", "--format", "json", str(tmp_path)).exit_code == 0
    assert forks == []
    write(tmp_path, "last.voxxml", CLEAN.format(n="last"))  # THRESHOLD files: one worker besides this process
    assert run("lint", "--format", "json", str(tmp_path)).exit_code == 0
    assert len(forks) == 1
    assert run("lint", "--jobs", "1", str(tmp_path)).exit_code == 0  # forced: no pool
    assert run("lint", "--jobs", "3", str(tmp_path / "f001.voxxml"), str(tmp_path / "f002.voxxml")).exit_code == 0  # forced
    assert len(forks) == 1 + 1  # two files, two chunks: one worker
    assert_reaped(forks)


def test_how_many_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 64)
    assert parallel.workers(parallel.THRESHOLD - 1, 0) == 1
    assert parallel.workers(parallel.THRESHOLD, 0) == 2
    assert parallel.workers(1000, 0) == 1000 // parallel.PER_PROCESS  # no more workers than the files pay for
    assert parallel.workers(100_000, 0) == 64  # one per core
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    assert parallel.workers(100_000, 0) == 1
    assert parallel.workers(5, 4) == 4  # forced, however few
    assert parallel.workers(1, 4) == 1
    assert parallel.workers(10_000, 1) == 1


def test_the_environment_variable_sets_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.ENV, "1")
    assert parallel.workers(10_000) == 1
    monkeypatch.setenv(parallel.ENV, "3")
    assert parallel.workers(10) == 3
    monkeypatch.setenv(parallel.ENV, "many")
    assert parallel.workers(10) == 1  # unreadable: auto, and 10 is below the threshold


def assert_reaped(pids: list[int]) -> None:
    """Each forked worker has been waited for: not running, and no zombie."""
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        assert not Path(f"/proc/{pid}").exists() or sys.platform != "linux"


def forked_map(function, items: list[int], processes: int, stop_after: int | None = None) -> tuple[list, Exception | None, list[int]]:
    forks: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    os.fork = fork  # type: ignore[assignment]
    got: list = []
    raised = None
    try:
        iterator = parallel.ordered_map(function, items, processes)
        try:
            for value in iterator:
                got.append(value)
                if stop_after is not None and len(got) == stop_after:
                    iterator.close()
                    break
        except Exception as error:
            raised = error
    finally:
        os.fork = real_fork  # type: ignore[assignment]
    return got, raised, forks


def fail_at(index: int):
    def function(item: int) -> int:
        if item == index:
            raise ValueError(f"item {item}")
        return item * 3

    return function


@settings(max_examples=15, deadline=None)
@given(count=st.integers(0, 300), processes=st.integers(1, 4), failing=st.integers(-1, 300), stop=st.one_of(st.none(), st.integers(1, 300)))
def test_ordered_map_is_map_in_order_and_raises_in_place(count: int, processes: int, failing: int, stop: int | None) -> None:
    items = list(range(count))
    got, raised, forks = forked_map(fail_at(failing), items, processes, stop)
    expected = [item * 3 for item in items[: failing if 0 <= failing < count else count]]
    if stop is not None:
        expected = expected[:stop]
    assert got == expected
    if 0 <= failing < count and (stop is None or stop > failing):
        assert isinstance(raised, ValueError) and str(raised) == f"item {failing}"
    else:
        assert raised is None
    assert len(forks) <= processes - 1
    assert_reaped(forks)


def test_an_unpicklable_exception_arrives_as_its_message() -> None:
    class Local(Exception):  # a class pickle cannot find by name
        pass

    def function(item: int) -> int:
        if item == 150:
            raise Local("local trouble")
        return item

    got, raised, forks = forked_map(function, list(range(200)), 2)
    assert got == list(range(150))
    assert isinstance(raised, (RuntimeError, Local)) and "local trouble" in str(raised)
    assert_reaped(forks)


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    import select

    signal_read, signal_write = os.pipe()

    def function(item: int) -> int:
        if os.getpid() != parent:
            os.write(signal_write, b"!")  # it has taken a chunk...
            os._exit(3)  # ... and dies in it, as if killed
        if item == 0:
            assert select.select([signal_read], [], [], 30)[0], "the worker took no chunk"
        return item

    parent = os.getpid()
    got, raised, forks = forked_map(function, list(range(200)), 2)
    size = parallel.chunk_size(200, 2)
    assert isinstance(raised, RuntimeError) and "ended before its results" in str(raised)
    assert got == list(range(len(got)))  # everything before the chunk the worker took, and no more
    assert size <= len(got) < 200 and len(got) % size == 0
    assert_reaped(forks)
    os.close(signal_read)
    os.close(signal_write)


def test_a_caller_that_stops_at_the_last_item_kills_no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """``zip(files, outcomes)`` stops after the last item without asking for the end: the workers
    have sent everything by then and end by themselves, so none is killed (a SIGKILL there cut a
    worker's exit short: profilers lost its counts, and its exit status was not its own)."""
    killed: list[int] = []
    monkeypatch.setattr(os, "kill", lambda pid, signal: killed.append(pid))
    items = list(range(400))
    iterator = parallel.ordered_map(lambda item: item + 1, items, 2)
    got = [value for _, value in zip(items, iterator)]
    iterator.close()
    assert got == [item + 1 for item in items]
    assert killed == []


@given(count=st.integers(1, 5000), processes=st.integers(2, 64))
def test_the_chunks_cover_the_items_in_order_and_shrink_towards_the_end(count: int, processes: int) -> None:
    bounds = parallel.chunk_bounds(count, processes)
    size = parallel.chunk_size(count, processes)
    assert [start for start, _ in bounds] == [0] + [stop for _, stop in bounds[:-1]] and bounds[-1][1] == count
    sizes = [stop - start for start, stop in bounds]
    assert sizes[0] == min(size, count) and all(0 < after <= before for before, after in zip(sizes, sizes[1:]))
    assert sizes[-1] == 1 or sizes == [size] * (len(sizes) - 1) + sizes[-1:]  # the end one item at a time
    assert len(bounds) <= parallel._MAX_CHUNKS


def test_a_huge_map_keeps_its_chunk_numbers_within_the_pipe() -> None:
    assert len(parallel.chunk_bounds(10**7, 64)) <= parallel._MAX_CHUNKS
