"""Reading a user's SQL database: the one place outside storage/ that opens SQLAlchemy engines.

Kept out of core/ (which never talks to databases); the pure parts — read-only query check,
URL redaction, messages — live in core.ingest. Connection URLs are secrets: they are never
stored or logged, and every message passes through ``scrub_secrets``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pandas as pd

from app.services import data_dirs
from core.ingest import (
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
    MSG_SQL_NO_FILE,
    MSG_SQL_NO_ROWS,
    MSG_SQL_URL,
    SQL_CONNECT_TIMEOUT_SECONDS,
    SQL_DRIVER_HINTS,
    SQL_READ_ONLY_DIALECTS,
    DatasetInfo,
    IngestError,
    cap_rows,
    check_read_only_query,
    redact_url,
    scrub_secrets,
    to_parquet_safe,
    url_secrets,
)


def _sql_url(url: str) -> Any:
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
    reason = data_dirs.refusal(unquote(database.removeprefix("file:")))
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
    url: str, query: str, *, max_rows: int | None = None
) -> tuple[pd.DataFrame, DatasetInfo]:
    """Run one read-only SELECT and return its rows, ready for Parquet.

    SQLite files are opened read-only (never created); PostgreSQL and MySQL run inside
    ``SET TRANSACTION READ ONLY``. Messages never contain the password.
    """
    if max_rows is not None and (
        isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1
    ):
        raise IngestError(
            MSG_OPTION_LIMIT.format(field="max_rows", value=max_rows), field="max_rows"
        )
    statement = check_read_only_query(query)
    source = redact_url(url)
    secrets = url_secrets(url)
    parsed = _sql_url(url)
    engine = _sql_engine(parsed)
    try:
        frame = _run_query(engine, parsed.get_backend_name(), statement, max_rows, source, secrets)
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
    with connection:
        connection = connection.execution_options(no_parameters=True)
        try:
            if dialect in SQL_READ_ONLY_DIALECTS:
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            if max_rows is None:
                frame = pd.read_sql_query(statement, connection)
            else:
                chunks = pd.read_sql_query(statement, connection, chunksize=max_rows + 1)
                frame = next(iter(chunks), pd.DataFrame())
        except (DBAPIError, SQLAlchemyError) as error:
            reason = scrub_secrets(str(getattr(error, "orig", None) or error), secrets)
            raise IngestError(
                MSG_SQL_FAILED.format(source=source, reason=reason),
                field="query",
                hint=HINT_SQL_FAILED,
            ) from None
        finally:
            connection.rollback()
    return frame
