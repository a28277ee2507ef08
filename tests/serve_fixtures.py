"""Shared pieces of the voxxml serve tests: a PostgreSQL server, and expected traces."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from voxxml.runtime.caller import CallerScript
from voxxml.runtime.simulator import simulate
from voxxml.runtime.trace import comparable

from enablex_server import free_port

ENV_URL = "VOXXML_TEST_POSTGRESQL_URL"


def _binaries() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


REQUIRE = "VOXXML_REQUIRE_POSTGRESQL"  # set by .ci/run: CI must run the PostgreSQL tests, never skip them


def _unavailable(reason: str) -> None:
    """Skip with the reason locally; fail in CI, where a skipped PostgreSQL test would pass unseen."""
    if os.environ.get(REQUIRE):
        pytest.fail(f"{reason} ({REQUIRE} is set: CI must run the PostgreSQL tests)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server: $VOXXML_TEST_POSTGRESQL_URL, or one started from the PostgreSQL binaries
    (Debian's postgresql package) in a temporary directory; skipped with the reason when neither."""
    given = os.environ.get(ENV_URL)
    if given:
        yield given
        return
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed: pip install -e '.[test,serve]'")
    binaries = _binaries()
    if binaries is None:
        _unavailable(f"no PostgreSQL: set {ENV_URL} or install the postgresql package (initdb, pg_ctl)")
    root = Path(tempfile.mkdtemp(prefix="voxxml-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        if shutil.which("runuser") is None:
            _unavailable("running as root without runuser: cannot start PostgreSQL")
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    init = subprocess.run([*as_user, str(binaries / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres", "--no-sync"], capture_output=True, text=True)
    if init.returncode:
        _unavailable(f"initdb failed: {init.stderr.strip()[:300]}")
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400"
    start = subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"], capture_output=True, text=True)
    if start.returncode:
        _unavailable(f"PostgreSQL did not start: {start.stderr.strip()[:300]}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(url: str) -> str:
    """A new empty database on the server (each test its own)."""
    import psycopg

    name = f"voxxml_{int(time.time() * 1000) % 10**9}_{os.getpid()}_{free_port()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def expected_trace(document: Any, caller: CallerScript, entry: str, loop_cap: int, codes: set[str], approximated: Any) -> list[dict[str, Any]]:
    """What the caller should experience through voxxml serve: the simulator's trace (with the
    reported approximations applied, as tests/test_equivalence.py does). The tests' runner is
    started with --max-redirects 0 (tests/enablex_server.py), so a Redirect's fetch fails (the
    caller script says so); tests/test_serve_redirect.py follows them."""
    caller = dataclasses.replace(caller, redirect_fails=True)
    if codes:
        return approximated(document, caller, entry, loop_cap)
    return comparable(simulate(document, caller, loop_cap).trace)
