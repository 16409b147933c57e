"""Engine and session factories with the reliability settings every process needs.

SQLite is the default store, so its sharp edges are handled here once:
WAL for readers beside a writer, a busy timeout instead of instant "database is
locked", enforced foreign keys, and ``BEGIN IMMEDIATE`` for write transactions
(a deferred transaction that reads then writes cannot wait for the lock and fails
at once under concurrency).

PostgreSQL gets the same promise: its default READ COMMITTED lets two read-then-write
transactions both read the old value and one update is lost, so a write transaction
takes a transaction-scoped advisory lock first (one writer at a time, readers never wait),
the counterpart of ``BEGIN IMMEDIATE``.

JSON columns hold what JSON holds on every backend: NaN and infinities (a metric sklearn
cannot compute on a fold) are stored as null; PostgreSQL refuses them, SQLite kept them.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 10_000
_BEGIN_OPTION = "workbench_sqlite_begin"
#: The advisory lock key every PostgreSQL write transaction holds (released at commit/rollback).
POSTGRES_WRITE_LOCK = 7248151


def json_dumps(value: Any) -> str:
    """JSON text for a JSON column: NaN and ±infinity (not JSON) become null."""
    try:
        return json.dumps(value, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(value), allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def create_db_engine(url: str) -> Engine:
    """Create an engine for ``url``; SQLite gets WAL, busy timeout, foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        engine = create_engine(url, pool_pre_ping=True, json_serializer=json_dumps)
        _install_postgres_hooks(engine)
        return engine
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, json_serializer=json_dumps)
    if parsed.database and parsed.database != ":memory:":
        _create_private(Path(parsed.database))
    engine = create_engine(
        url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, json_serializer=json_dumps
    )
    _install_sqlite_hooks(engine)
    return engine


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only (0600, like the stored files).

    SQLite gives its -wal and -shm files the database file's permissions. A file made
    by an older version readable by others is tightened (when this user owns it).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for file in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        try:
            if file.stat().st_mode & 0o077:
                file.chmod(0o600)
        except OSError:  # missing, or not ours: leave it as it is
            pass


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, emit BEGIN, so we can choose IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _install_postgres_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(_BEGIN_OPTION) == "IMMEDIATE":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({POSTGRES_WRITE_LOCK})")


def write_engine(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions take the write lock first:
    ``BEGIN IMMEDIATE`` on SQLite, the write advisory lock on PostgreSQL."""
    return engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})


def _note_flushed(session: Session, _context: Any) -> None:
    """A flush happens only when there is something to write: remember that one did."""
    session.info["wrote"] = True


def wrote_something(session: Session) -> bool:
    """True when the write session changed a row (flushed already, or pending)."""
    if session.info.get("wrote") or session.new or session.deleted:
        return True
    return any(session.is_modified(row) for row in session.dirty)


class Database:
    """Session factories for one database: read sessions and locking write sessions."""

    def __init__(
        self,
        engine: Engine,
        *,
        write_guard: Callable[[], None] | None = None,
        before_commit: Callable[[Session], None] | None = None,
    ) -> None:
        """``write_guard`` runs before every write session and raises to refuse it;
        ``before_commit`` adds rows that must commit with the change (the activity trail)."""
        self.engine = engine
        self._write_guard = write_guard
        self._before_commit = before_commit
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(write_engine(engine), expire_on_commit=False)
        event.listen(self._write, "after_flush", _note_flushed)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; nothing is committed."""
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: takes the write lock first, commits on success, rolls back on error."""
        if self._write_guard is not None:
            self._write_guard()
        with self._write() as session, session.begin():
            yield session
            if self._before_commit is not None:
                self._before_commit(session)

    def dispose(self) -> None:
        self.engine.dispose()
