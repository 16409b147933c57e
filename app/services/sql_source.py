"""Reading a user's SQL database: the one place outside storage/ that opens SQLAlchemy engines.

Kept out of core/ (which never talks to databases); the pure parts — read-only query check,
URL redaction, messages — live in core.data.ingest. Connection URLs are secrets: they are never
stored or logged, and every message passes through ``scrub_secrets``.

Every query is bounded (settings ``sql_max_rows``, ``sql_timeout_seconds``, ``sql_max_mb``):
rows are fetched in chunks and counted as they arrive; the time limit uses the driver's own
mechanism (SQLite's progress handler, PostgreSQL's ``statement_timeout``, MySQL's
``max_execution_time``) plus a wall-clock check between chunks; SQLite refuses a single value
over ``sql_max_value_mb`` before building it (``SQLITE_LIMIT_LENGTH``).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pandas as pd

from app.services import data_dirs
from app.settings import Settings, load_settings
from core.data.ingest import (
    DatasetInfo,
    IngestError,
    cap_rows,
    check_read_only_query,
    redact_url,
    scrub_secrets,
    to_parquet_safe,
    url_secrets,
)
from core.data.ingest.messages import (
    HINT_SQL_CONNECT,
    HINT_SQL_DIALECT,
    HINT_SQL_DRIVER,
    HINT_SQL_FAILED,
    HINT_SQL_FILE_MISSING,
    HINT_SQL_NO_FILE,
    HINT_SQL_NO_ROWS,
    HINT_SQL_URL,
    MSG_OPTION_LIMIT,
    MSG_SQL_CONNECT,
    MSG_SQL_DIALECT,
    MSG_SQL_DRIVER,
    MSG_SQL_FAILED,
    MSG_SQL_FILE_MISSING,
    MSG_SQL_MAX_BYTES,
    MSG_SQL_MAX_ROWS,
    MSG_SQL_MAX_VALUE,
    MSG_SQL_NO_FILE,
    MSG_SQL_NO_ROWS,
    MSG_SQL_TIMEOUT,
    MSG_SQL_URL,
    SQL_CONNECT_TIMEOUT_SECONDS,
    SQL_DRIVER_HINTS,
    SQL_READ_ONLY_DIALECTS,
)

#: Rows fetched from the driver at a time; caps are checked between chunks.
FETCH_ROWS = 10_000
#: SQLite virtual-machine steps between two looks at the clock.
PROGRESS_STEPS = 10_000


@dataclass(frozen=True)
class SqlLimits:
    """The caps on one query: rows, seconds, (approximate) bytes of the result and of a value."""

    max_rows: int
    timeout_seconds: float
    max_mb: float
    max_value_mb: float

    @property
    def max_bytes(self) -> int:
        return max(1, int(self.max_mb * 1024 * 1024))

    @property
    def max_value_bytes(self) -> int:
        return max(1, int(min(self.max_value_mb, self.max_mb) * 1024 * 1024))

    @classmethod
    def from_settings(cls, settings: Settings) -> SqlLimits:
        return cls(
            settings.sql_max_rows,
            settings.sql_timeout_seconds,
            settings.sql_max_mb,
            settings.sql_max_value_mb,
        )


def _sql_url(url: str, settings: Settings) -> Any:
    """A SQLAlchemy URL; SQLite files are opened read-only and must exist."""
    from sqlalchemy.engine import URL, make_url

    try:
        parsed = make_url(url)
    except Exception:  # never show the parser's message: it would echo the secret URL
        raise IngestError(MSG_SQL_URL, field="url", hint=HINT_SQL_URL) from None
    dialect = parsed.get_backend_name()
    if dialect != "sqlite":
        return parsed
    database = parsed.database or ""
    if database in ("", ":memory:"):
        raise IngestError(
            MSG_SQL_NO_FILE.format(database=database), field="url", hint=HINT_SQL_NO_FILE
        )
    reason = data_dirs.refusal(unquote(database.removeprefix("file:")), settings)
    if reason is not None:
        raise IngestError(reason, field="url")
    path = Path(unquote(database.removeprefix("file:"))).expanduser().resolve()
    if not path.is_file():
        raise IngestError(
            MSG_SQL_FILE_MISSING.format(path=path), field="url", hint=HINT_SQL_FILE_MISSING
        )
    return URL.create(  # no credentials: they mean nothing to SQLite and SQLAlchemy refuses them
        parsed.drivername,
        database=f"file:{quote(path.as_posix())}",
        query={"mode": "ro", "uri": "true"},
    )


def read_sql(
    url: str, query: str, *, max_rows: int | None = None, settings: Settings | None = None
) -> tuple[pd.DataFrame, DatasetInfo]:
    """Run one read-only SELECT and return its rows, ready for Parquet.

    SQLite files are opened read-only (never created); PostgreSQL and MySQL run inside
    ``SET TRANSACTION READ ONLY``. Messages never contain the password. ``max_rows`` keeps
    the first rows (a note says so); beyond the row, time or size limit the query is refused.
    """
    settings = settings or load_settings()
    if max_rows is not None and (
        isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1
    ):
        raise IngestError(
            MSG_OPTION_LIMIT.format(field="max_rows", value=max_rows), field="max_rows"
        )
    statement = check_read_only_query(query)
    source = redact_url(url)
    secrets = url_secrets(url)
    parsed = _sql_url(url, settings)
    engine = _sql_engine(parsed)
    limits = SqlLimits.from_settings(settings)
    try:
        frame = _run_query(
            engine, parsed.get_backend_name(), statement, max_rows, limits, source, secrets
        )
    finally:
        engine.dispose()
    if len(frame) == 0:
        raise IngestError(MSG_SQL_NO_ROWS, field="query", hint=HINT_SQL_NO_ROWS)
    frame, cap_notes = cap_rows(frame, max_rows)
    frame, notes = to_parquet_safe(frame)
    info = DatasetInfo(
        source=f"sql: {source}",
        format="sql",
        rows=len(frame),
        columns=frame.shape[1],
        detected=None,
        notes=(*cap_notes, *notes),
    )
    return frame, info


def _sql_engine(parsed: Any) -> Any:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError
    from sqlalchemy.pool import NullPool

    dialect = parsed.get_backend_name()
    if dialect != "sqlite" and dialect not in SQL_READ_ONLY_DIALECTS:
        raise IngestError(
            MSG_SQL_DIALECT.format(dialect=dialect), field="url", hint=HINT_SQL_DIALECT
        )
    connect_args = {} if dialect == "sqlite" else {"connect_timeout": SQL_CONNECT_TIMEOUT_SECONDS}
    try:
        return create_engine(parsed, poolclass=NullPool, connect_args=connect_args)
    except NoSuchModuleError:
        raise IngestError(
            MSG_SQL_DIALECT.format(dialect=dialect), field="url", hint=HINT_SQL_DIALECT
        ) from None
    except ArgumentError:  # its message would echo the URL
        raise IngestError(MSG_SQL_URL, field="url", hint=HINT_SQL_URL) from None
    except ImportError:
        package = SQL_DRIVER_HINTS.get(dialect, "the driver")
        raise IngestError(
            MSG_SQL_DRIVER.format(dialect=dialect),
            field="url",
            hint=HINT_SQL_DRIVER.format(package=package),
        ) from None


def _run_query(
    engine: Any,
    dialect: str,
    statement: str,
    max_rows: int | None,
    limits: SqlLimits,
    source: str,
    secrets: Sequence[str],
) -> pd.DataFrame:
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    try:
        connection = engine.connect()
    except (SQLAlchemyError, OSError) as error:
        reason = scrub_secrets(str(getattr(error, "orig", None) or error), secrets)
        raise IngestError(
            MSG_SQL_CONNECT.format(source=source, reason=reason), field="url", hint=HINT_SQL_CONNECT
        ) from None
    deadline = time.monotonic() + limits.timeout_seconds
    with connection:
        connection = connection.execution_options(no_parameters=True)
        try:
            if dialect in SQL_READ_ONLY_DIALECTS:
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            _bound_connection(connection, dialect, limits, deadline)
            # a server-side cursor (PostgreSQL, MySQL) for the query only: rows arrive in chunks
            result = connection.execution_options(stream_results=True).exec_driver_sql(statement)
            columns = list(result.keys())
            rows = _fetch_bounded(result, max_rows, limits, deadline)
            result.close()
        except IngestError:
            connection.invalidate()  # drop the connection: draining a stopped result is unbounded
            raise
        except (DBAPIError, SQLAlchemyError) as error:
            reason = str(getattr(error, "orig", None) or error)
            if time.monotonic() >= deadline or _is_timeout(error):
                raise _timeout(limits) from None
            if "too big" in reason:  # SQLite's SQLITE_TOOBIG: one value over the length limit
                raise _value_too_big(limits) from None
            raise IngestError(
                MSG_SQL_FAILED.format(source=source, reason=scrub_secrets(reason, secrets)),
                field="query",
                hint=HINT_SQL_FAILED,
            ) from None
        finally:
            if not connection.invalidated:
                connection.rollback()
    # what pandas.read_sql_query builds from the fetched rows, minus the unbounded fetchall
    return pd.DataFrame.from_records(rows, columns=columns, coerce_float=True)


def _bound_connection(connection: Any, dialect: str, limits: SqlLimits, deadline: float) -> None:
    """Hand the limits to the driver, which can stop a query that never yields a row."""
    milliseconds = max(1, int(limits.timeout_seconds * 1000))
    if dialect == "sqlite":
        raw = connection.connection.driver_connection
        length = raw.getlimit(sqlite3.SQLITE_LIMIT_LENGTH)
        raw.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, min(length, limits.max_value_bytes))
        raw.set_progress_handler(lambda: int(time.monotonic() >= deadline), PROGRESS_STEPS)
    elif dialect == "postgresql":
        connection.exec_driver_sql(f"SET statement_timeout = {milliseconds}")
    elif dialect == "mariadb":
        connection.exec_driver_sql(f"SET SESSION max_statement_time = {milliseconds / 1000:g}")
    elif dialect == "mysql":
        connection.exec_driver_sql(f"SET SESSION max_execution_time = {milliseconds}")


def _fetch_bounded(
    result: Any, max_rows: int | None, limits: SqlLimits, deadline: float
) -> list[Any]:
    """Rows in chunks, counted and sized as they arrive; refused past a limit."""
    truncate = max_rows is not None and max_rows < limits.max_rows
    wanted = (max_rows if truncate else limits.max_rows) + 1  # type: ignore[operator]
    rows: list[Any] = []
    size = 0
    while len(rows) < wanted:
        chunk = result.fetchmany(min(FETCH_ROWS, wanted - len(rows)))
        if not chunk:
            break
        rows.extend(chunk)
        chunk_bytes, largest = _chunk_bytes(chunk)
        if largest > limits.max_value_bytes:  # drivers without SQLite's length limit
            raise _value_too_big(limits)
        size += chunk_bytes
        if size > limits.max_bytes:
            raise _too_big(limits)
        if time.monotonic() >= deadline:
            raise _timeout(limits)
    if not truncate and len(rows) > limits.max_rows:
        raise IngestError(MSG_SQL_MAX_ROWS.format(limit=limits.max_rows), field="query")
    return rows


_TEXT = (str, bytes, bytearray, memoryview)


def _chunk_bytes(chunk: Sequence[Any]) -> tuple[int, int]:
    """Approximate bytes of a chunk once in a frame (8 a value, plus the length of text and
    blobs) and the length of its largest text or blob; column-wise, to stay cheap."""
    total = largest = 0
    for column in zip(*chunk, strict=True):
        total += 8 * len(column)
        if set(map(type, column)).isdisjoint(_TEXT):
            continue
        lengths = [len(value) for value in column if isinstance(value, _TEXT)]
        total += sum(lengths)
        largest = max(largest, *lengths)
    return total, largest


def _is_timeout(error: Any) -> bool:
    orig = getattr(error, "orig", None)
    code = getattr(orig, "pgcode", None) or (getattr(orig, "args", None) or (None,))[0]
    # PostgreSQL query_canceled; MySQL ER_QUERY_TIMEOUT; MariaDB ER_STATEMENT_TIMEOUT
    return code in ("57014", 3024, 1969)


def _timeout(limits: SqlLimits) -> IngestError:
    return IngestError(MSG_SQL_TIMEOUT.format(limit=limits.timeout_seconds), field="query")


def _value_too_big(limits: SqlLimits) -> IngestError:
    limit = min(limits.max_value_mb, limits.max_mb)
    return IngestError(MSG_SQL_MAX_VALUE.format(limit=limit), field="query")


def _too_big(limits: SqlLimits) -> IngestError:
    return IngestError(MSG_SQL_MAX_BYTES.format(limit=limits.max_mb), field="query")
