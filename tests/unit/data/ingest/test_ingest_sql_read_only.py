"""Server databases run the query inside SET TRANSACTION READ ONLY, then roll back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, event

import app.services.sql_source as sql_source
from app.services.sql_source import read_sql
from core.data.ingest import IngestError


@pytest.mark.parametrize(
    ("url", "timeout"),
    [
        ("postgresql://ann:pw@db/shop", "SET statement_timeout = 120000"),
        ("mysql://ann:pw@db/shop", "SET SESSION max_execution_time = 120000"),
        ("mariadb://ann:pw@db/shop", "SET SESSION max_statement_time = 120"),
    ],
)
def test_server_queries_run_read_only_with_a_time_limit(
    shop_db: Path, monkeypatch: pytest.MonkeyPatch, url: str, timeout: str
) -> None:
    engine = create_engine(f"sqlite:///{shop_db}")  # stands in for the server
    statements: list[str] = []
    streams: list[bool] = []  # a server-side cursor: only the query (DECLARE … FOR SET fails)

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)
        streams.append(bool(context.execution_options.get("stream_results")))
        if statement.startswith("SET "):  # SQLite has no such statements
            statement = "SELECT 1"
        return statement, parameters

    rollbacks: list[bool] = []
    event.listen(engine, "rollback", lambda conn: rollbacks.append(True))
    monkeypatch.setattr(sql_source, "_sql_engine", lambda parsed: engine)

    monkeypatch.delenv("WORKBENCH_SQL_TIMEOUT_SECONDS", raising=False)
    frame, info = read_sql(url, "SELECT name FROM customers")
    assert statements == ["SET TRANSACTION READ ONLY", timeout, "SELECT name FROM customers"]
    assert streams == [False, False, True]
    assert rollbacks
    assert len(frame) == 3
    assert info.source == "sql: " + url.replace(":pw@", ":***@")


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some text, not SQLite " * 100)
    with pytest.raises(
        IngestError, match=r"The query failed on sqlite:///.*notes\.db: file is not a database"
    ):
        read_sql(f"sqlite:///{path}", "SELECT * FROM customers")
