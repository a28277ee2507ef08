"""Where calls live between webhooks: SQLite (one runner) or PostgreSQL (several runners).

A call is one row: its id, its voice_id, the plan it runs (a Redirect followed at run time
switches it to the fetched document's plan, kept in ``voxxml_plans`` by its name@hash key), and a JSON document (the runtime's
``Call``, the placeholder values, what the caller observed, the last webhook, the request in
flight). Beside it: the call's pending timers (due times, claimed by one runner at a time) and
the fingerprints of the webhooks already handled (duplicates are answered without a change).

Why the locking is as it is:

- One call's events must be handled one at a time, whichever runner gets them; different calls
  run concurrently. PostgreSQL: ``SELECT ... FOR UPDATE`` on the call's row in
  ``voxxml_call_locks``, held by a transaction on a *lock* connection for the whole handling.
  SQLite: a per-call ``threading.Lock`` (one process owns a SQLite file).
- The state is written (and committed) before each REST request, so it cannot sit inside the
  lock's transaction: it goes through a second, autocommit connection. That is why the lock row
  is not the state row (the writer would wait for its own lock).
- A timer is claimed with ``UPDATE ... WHERE claimed_by IS NULL`` (PostgreSQL: the candidates
  picked ``FOR UPDATE SKIP LOCKED``), so one runner fires it; it is deleted in the same
  transaction as the state it produced, so it fires once. A claim older than ``CLAIM_LEASE``
  seconds (its runner died) may be claimed again; the executor ignores a timer it no longer waits
  for, so a second firing after a saved step changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Protocol
from urllib.parse import unquote, urlsplit

CLAIM_LEASE = 30.0  # seconds: a claimed timer whose runner died is claimed again after this


@dataclass
class CallRecord:
    """One call as stored: ``data`` is JSON-ready (see voxxml.serve.engine)."""

    call_id: str
    voice_id: str | None
    plan_key: str
    data: dict[str, Any]
    ended: bool = False
    timers: dict[int, float] = field(default_factory=dict)  # timer number -> due (epoch seconds), as loaded


class StoreError(RuntimeError):
    """The store URL is wrong or the database cannot be used."""


class Store(Protocol):
    """What the engine needs from a store; every method is thread-safe."""

    def setup(self) -> None: ...

    def create(self, record: CallRecord) -> bool:
        """Insert a new call; False when a call with this id or voice_id exists already."""
        ...

    def find(self, voice_id: str) -> str | None:
        """The call id of a voice_id."""
        ...

    def read(self, call_id: str) -> CallRecord | None:
        """The call as last saved (no lock: for status pages)."""
        ...

    def locked(self, call_id: str) -> Any:
        """A context manager: hold the call's lock, yield its record (None: no such call)."""
        ...

    def save(self, record: CallRecord, add_timers: dict[int, float], drop_timers: list[int], all_timers: bool = False) -> None:
        """Write the call (committed on return) with its timer changes, in one transaction."""
        ...

    def seen(self, call_id: str, fingerprint: str) -> str | None:
        """The outcome of a webhook already handled, or None."""
        ...

    def remember(self, call_id: str, fingerprint: str, outcome: str, body: str) -> None: ...

    def claim_due(self, owner: str, now: float, limit: int = 100) -> list[tuple[str, int]]:
        """Claim timers that are due; each (call id, timer) goes to one claimer."""
        ...

    def holds_claim(self, call_id: str, timer: int, owner: str) -> bool: ...

    def next_due(self) -> float | None: ...

    def unfinished_turns(self, older_than: float = 0.0) -> list[str]:
        """Calls not ended, last written before ``older_than`` (epoch seconds; 0: any time), whose
        last turn left a request in flight (``data.pending``)."""
        ...

    def active_calls(self) -> int: ...

    def put_plan(self, key: str, plan: dict[str, Any], source: str) -> None:
        """Keep a fetched document's plan under its key (name@hash), once: a restarted runner, or
        another one on the same database, runs a call that switched to it."""
        ...

    def plan(self, key: str) -> dict[str, Any] | None:
        """A plan kept by put_plan, or None."""
        ...

    def close(self) -> None: ...


def open_store(url: str) -> Store:
    """``sqlite:///PATH`` (``sqlite:///:memory:`` is refused: runners must share a file) or
    ``postgresql://...``."""
    if url.startswith("sqlite:///"):
        path = unquote(url[len("sqlite:///") :])
        if not path or path == ":memory:":
            raise StoreError(f"{url!r}: give a file, e.g. sqlite:///var/voxxml.db")
        return SQLiteStore(Path(path))
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresStore(url)
    raise StoreError(f"unknown store {redact(url)!r}; give sqlite:///PATH or postgresql://USER@HOST/DB")


def redact(url: str) -> str:
    """A store URL fit for logs: the password replaced."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def _record(row: tuple[Any, ...], timers: dict[int, float]) -> CallRecord:
    call_id, voice_id, plan_key, ended, data = row
    return CallRecord(call_id, voice_id, plan_key, json.loads(data), bool(ended), timers)


# --------------------------------------------------------------------------- SQLite


class SQLiteStore:
    """One runner process on one file (WAL: readers do not wait for the writer)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}
        self._claim = threading.Lock()

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # durable across a killed process (not a power cut)
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
        return db

    def setup(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self._db()
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"cannot open {self.path}: {error}") from None
        db.executescript(
            """
            CREATE TABLE IF NOT EXISTS voxxml_calls (
                call_id TEXT PRIMARY KEY, voice_id TEXT UNIQUE, plan_key TEXT NOT NULL,
                ended INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL, updated REAL NOT NULL);
            CREATE TABLE IF NOT EXISTS voxxml_timers (
                call_id TEXT NOT NULL, timer INTEGER NOT NULL, due REAL NOT NULL,
                claimed_by TEXT, claimed_at REAL, PRIMARY KEY (call_id, timer));
            CREATE INDEX IF NOT EXISTS voxxml_timers_due ON voxxml_timers (due);
            CREATE TABLE IF NOT EXISTS voxxml_webhooks (
                call_id TEXT NOT NULL, fingerprint TEXT NOT NULL, outcome TEXT NOT NULL,
                received REAL NOT NULL, body TEXT NOT NULL, PRIMARY KEY (call_id, fingerprint));
            CREATE TABLE IF NOT EXISTS voxxml_plans (
                plan_key TEXT PRIMARY KEY, plan TEXT NOT NULL, source TEXT NOT NULL, created REAL NOT NULL);
            """
        )

    def create(self, record: CallRecord) -> bool:
        try:
            self._db().execute(
                "INSERT INTO voxxml_calls (call_id, voice_id, plan_key, ended, data, updated) VALUES (?, ?, ?, 0, ?, ?)",
                (record.call_id, record.voice_id, record.plan_key, json.dumps(record.data), time.time()),
            )
        except sqlite3.IntegrityError:
            return False
        return True

    def find(self, voice_id: str) -> str | None:
        row = self._db().execute("SELECT call_id FROM voxxml_calls WHERE voice_id = ?", (voice_id,)).fetchone()
        return row[0] if row else None

    def read(self, call_id: str) -> CallRecord | None:
        db = self._db()
        row = db.execute("SELECT call_id, voice_id, plan_key, ended, data FROM voxxml_calls WHERE call_id = ?", (call_id,)).fetchone()
        if row is None:
            return None
        timers = dict(db.execute("SELECT timer, due FROM voxxml_timers WHERE call_id = ?", (call_id,)).fetchall())
        return _record(row, timers)

    @contextmanager
    def locked(self, call_id: str) -> Iterator[CallRecord | None]:
        with self._guard:
            lock, users = self._locks.get(call_id, (threading.Lock(), 0))
            self._locks[call_id] = (lock, users + 1)
        try:
            with lock:
                yield self.read(call_id)
        finally:
            with self._guard:
                lock, users = self._locks[call_id]
                if users == 1:
                    del self._locks[call_id]
                else:
                    self._locks[call_id] = (lock, users - 1)

    def save(self, record: CallRecord, add_timers: dict[int, float], drop_timers: list[int], all_timers: bool = False) -> None:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(
                "UPDATE voxxml_calls SET voice_id = ?, plan_key = ?, ended = ?, data = ?, updated = ? WHERE call_id = ?",
                (record.voice_id, record.plan_key, int(record.ended), json.dumps(record.data), time.time(), record.call_id),
            )
            if all_timers:
                db.execute("DELETE FROM voxxml_timers WHERE call_id = ?", (record.call_id,))
            for timer in drop_timers:
                db.execute("DELETE FROM voxxml_timers WHERE call_id = ? AND timer = ?", (record.call_id, timer))
            for timer, due in add_timers.items():
                db.execute("INSERT OR REPLACE INTO voxxml_timers (call_id, timer, due) VALUES (?, ?, ?)", (record.call_id, timer, due))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def seen(self, call_id: str, fingerprint: str) -> str | None:
        row = self._db().execute("SELECT outcome FROM voxxml_webhooks WHERE call_id = ? AND fingerprint = ?", (call_id, fingerprint)).fetchone()
        return row[0] if row else None

    def remember(self, call_id: str, fingerprint: str, outcome: str, body: str) -> None:
        self._db().execute(
            "INSERT OR IGNORE INTO voxxml_webhooks (call_id, fingerprint, outcome, received, body) VALUES (?, ?, ?, ?, ?)",
            (call_id, fingerprint, outcome, time.time(), body),
        )

    def claim_due(self, owner: str, now: float, limit: int = 100) -> list[tuple[str, int]]:
        with self._claim:
            rows = self._db().execute(
                "UPDATE voxxml_timers SET claimed_by = ?, claimed_at = ? WHERE rowid IN (SELECT rowid FROM voxxml_timers"
                " WHERE due <= ? AND (claimed_by IS NULL OR claimed_at < ?) ORDER BY due LIMIT ?) RETURNING call_id, timer",
                (owner, now, now, now - CLAIM_LEASE, limit),
            ).fetchall()
        return [(call_id, timer) for call_id, timer in rows]

    def holds_claim(self, call_id: str, timer: int, owner: str) -> bool:
        row = self._db().execute("SELECT claimed_by FROM voxxml_timers WHERE call_id = ? AND timer = ?", (call_id, timer)).fetchone()
        return row is not None and row[0] == owner

    def next_due(self) -> float | None:
        row = self._db().execute("SELECT MIN(due) FROM voxxml_timers WHERE claimed_by IS NULL").fetchone()
        return row[0] if row else None

    def unfinished_turns(self, older_than: float = 0.0) -> list[str]:
        rows = self._db().execute(
            "SELECT call_id FROM voxxml_calls WHERE ended = 0 AND (? = 0 OR updated < ?) AND json_extract(data, '$.pending') IS NOT NULL",
            (older_than, older_than),
        ).fetchall()
        return [row[0] for row in rows]

    def active_calls(self) -> int:
        return int(self._db().execute("SELECT COUNT(*) FROM voxxml_calls WHERE ended = 0").fetchone()[0])

    def put_plan(self, key: str, plan: dict[str, Any], source: str) -> None:
        self._db().execute(
            "INSERT OR IGNORE INTO voxxml_plans (plan_key, plan, source, created) VALUES (?, ?, ?, ?)", (key, json.dumps(plan), source, time.time())
        )

    def plan(self, key: str) -> dict[str, Any] | None:
        row = self._db().execute("SELECT plan FROM voxxml_plans WHERE plan_key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


# --------------------------------------------------------------------------- PostgreSQL


class PostgresStore:
    """Any number of runners on one database (psycopg 3). Each thread keeps two connections:
    one holds call locks in a transaction, the other (autocommit) writes state."""

    SCHEMA = """
        CREATE TABLE IF NOT EXISTS voxxml_calls (
            call_id TEXT PRIMARY KEY, voice_id TEXT UNIQUE, plan_key TEXT NOT NULL,
            ended BOOLEAN NOT NULL DEFAULT FALSE, data TEXT NOT NULL, updated DOUBLE PRECISION NOT NULL);
        CREATE TABLE IF NOT EXISTS voxxml_call_locks (call_id TEXT PRIMARY KEY);
        CREATE TABLE IF NOT EXISTS voxxml_timers (
            call_id TEXT NOT NULL, timer INTEGER NOT NULL, due DOUBLE PRECISION NOT NULL,
            claimed_by TEXT, claimed_at DOUBLE PRECISION, PRIMARY KEY (call_id, timer));
        CREATE INDEX IF NOT EXISTS voxxml_timers_due ON voxxml_timers (due);
        CREATE TABLE IF NOT EXISTS voxxml_webhooks (
            call_id TEXT NOT NULL, fingerprint TEXT NOT NULL, outcome TEXT NOT NULL,
            received DOUBLE PRECISION NOT NULL, body TEXT NOT NULL, PRIMARY KEY (call_id, fingerprint));
        CREATE TABLE IF NOT EXISTS voxxml_plans (
            plan_key TEXT PRIMARY KEY, plan TEXT NOT NULL, source TEXT NOT NULL, created DOUBLE PRECISION NOT NULL);
    """

    def __init__(self, url: str) -> None:
        import psycopg  # the serve extra; imported only when a PostgreSQL store is asked for

        self._psycopg = psycopg
        self.url = url
        self._local = threading.local()
        self._all: list[Any] = []
        self._guard = threading.Lock()

    def _connect(self, autocommit: bool) -> Any:
        try:
            conn = self._psycopg.connect(self.url, autocommit=autocommit, connect_timeout=10)
        except self._psycopg.Error as error:
            raise StoreError(f"cannot connect to {redact(self.url)}: {str(error).strip().splitlines()[0]}") from None
        with self._guard:
            self._all.append(conn)
        return conn

    def _db(self) -> Any:
        db = getattr(self._local, "db", None)
        if db is None or db.closed:
            db = self._local.db = self._connect(autocommit=True)
        return db

    def _lock_db(self) -> Any:
        db = getattr(self._local, "lock_db", None)
        if db is None or db.closed:
            db = self._local.lock_db = self._connect(autocommit=False)
        return db

    def setup(self) -> None:
        db = self._db()
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(724001)")  # two runners starting at once
            for statement in filter(str.strip, self.SCHEMA.split(";")):
                db.execute(statement)

    def create(self, record: CallRecord) -> bool:
        db = self._db()
        try:
            with db.transaction():
                db.execute(
                    "INSERT INTO voxxml_calls (call_id, voice_id, plan_key, ended, data, updated) VALUES (%s, %s, %s, FALSE, %s, %s)",
                    (record.call_id, record.voice_id, record.plan_key, json.dumps(record.data), time.time()),
                )
                db.execute("INSERT INTO voxxml_call_locks (call_id) VALUES (%s)", (record.call_id,))
        except self._psycopg.errors.UniqueViolation:
            return False
        return True

    def find(self, voice_id: str) -> str | None:
        row = self._db().execute("SELECT call_id FROM voxxml_calls WHERE voice_id = %s", (voice_id,)).fetchone()
        return row[0] if row else None

    def read(self, call_id: str) -> CallRecord | None:
        db = self._db()
        row = db.execute("SELECT call_id, voice_id, plan_key, ended, data FROM voxxml_calls WHERE call_id = %s", (call_id,)).fetchone()
        if row is None:
            return None
        timers = dict(db.execute("SELECT timer, due FROM voxxml_timers WHERE call_id = %s", (call_id,)).fetchall())
        return _record(row, timers)

    @contextmanager
    def locked(self, call_id: str) -> Iterator[CallRecord | None]:
        lock_db = self._lock_db()
        try:
            row = lock_db.execute("SELECT call_id FROM voxxml_call_locks WHERE call_id = %s FOR UPDATE", (call_id,)).fetchone()
            yield None if row is None else self.read(call_id)
        finally:
            if not lock_db.closed:
                lock_db.rollback()  # nothing was written on this connection: ending the transaction frees the lock

    def save(self, record: CallRecord, add_timers: dict[int, float], drop_timers: list[int], all_timers: bool = False) -> None:
        db = self._db()
        with db.transaction():
            db.execute(
                "UPDATE voxxml_calls SET voice_id = %s, plan_key = %s, ended = %s, data = %s, updated = %s WHERE call_id = %s",
                (record.voice_id, record.plan_key, record.ended, json.dumps(record.data), time.time(), record.call_id),
            )
            if all_timers:
                db.execute("DELETE FROM voxxml_timers WHERE call_id = %s", (record.call_id,))
            for timer in drop_timers:
                db.execute("DELETE FROM voxxml_timers WHERE call_id = %s AND timer = %s", (record.call_id, timer))
            for timer, due in add_timers.items():
                db.execute(
                    "INSERT INTO voxxml_timers (call_id, timer, due) VALUES (%s, %s, %s)"
                    " ON CONFLICT (call_id, timer) DO UPDATE SET due = EXCLUDED.due, claimed_by = NULL, claimed_at = NULL",
                    (record.call_id, timer, due),
                )

    def seen(self, call_id: str, fingerprint: str) -> str | None:
        row = self._db().execute("SELECT outcome FROM voxxml_webhooks WHERE call_id = %s AND fingerprint = %s", (call_id, fingerprint)).fetchone()
        return row[0] if row else None

    def remember(self, call_id: str, fingerprint: str, outcome: str, body: str) -> None:
        self._db().execute(
            "INSERT INTO voxxml_webhooks (call_id, fingerprint, outcome, received, body) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (call_id, fingerprint, outcome, time.time(), body),
        )

    def claim_due(self, owner: str, now: float, limit: int = 100) -> list[tuple[str, int]]:
        rows = self._db().execute(
            "UPDATE voxxml_timers SET claimed_by = %s, claimed_at = %s WHERE (call_id, timer) IN ("
            " SELECT call_id, timer FROM voxxml_timers WHERE due <= %s AND (claimed_by IS NULL OR claimed_at < %s)"
            " ORDER BY due LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING call_id, timer",
            (owner, now, now, now - CLAIM_LEASE, limit),
        ).fetchall()
        return [(call_id, timer) for call_id, timer in rows]

    def holds_claim(self, call_id: str, timer: int, owner: str) -> bool:
        row = self._db().execute("SELECT claimed_by FROM voxxml_timers WHERE call_id = %s AND timer = %s", (call_id, timer)).fetchone()
        return row is not None and row[0] == owner

    def next_due(self) -> float | None:
        row = self._db().execute("SELECT MIN(due) FROM voxxml_timers WHERE claimed_by IS NULL").fetchone()
        return row[0] if row else None

    def unfinished_turns(self, older_than: float = 0.0) -> list[str]:
        rows = self._db().execute(
            "SELECT call_id FROM voxxml_calls WHERE NOT ended AND (%s = 0 OR updated < %s) AND data::jsonb -> 'pending' <> 'null'::jsonb",
            (older_than, older_than),
        ).fetchall()
        return [row[0] for row in rows]

    def active_calls(self) -> int:
        return int(self._db().execute("SELECT COUNT(*) FROM voxxml_calls WHERE NOT ended").fetchone()[0])

    def put_plan(self, key: str, plan: dict[str, Any], source: str) -> None:
        self._db().execute(
            "INSERT INTO voxxml_plans (plan_key, plan, source, created) VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING", (key, json.dumps(plan), source, time.time())
        )

    def plan(self, key: str) -> dict[str, Any] | None:
        row = self._db().execute("SELECT plan FROM voxxml_plans WHERE plan_key = %s", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def close(self) -> None:
        with self._guard:
            conns, self._all = self._all, []
        for conn in conns:
            try:
                conn.close()
            except Exception:  # closing at shutdown: nothing left to do about it
                pass


__all__ = ["CLAIM_LEASE", "CallRecord", "PostgresStore", "SQLiteStore", "Store", "StoreError", "open_store", "redact"]
