"""Server databases run the query inside SET TRANSACTION READ ONLY, then roll back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, event

import app.services.sql_source as sql_source
from app.services.sql_source import read_sql
from core.ingest import IngestError


def test_postgresql_queries_run_in_a_read_only_transaction(
    shop_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = create_engine(f"sqlite:///{shop_db}")  # stands in for the server
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)
        if statement == "SET TRANSACTION READ ONLY":  # SQLite has no such statement
            statement = "SELECT 1"
        return statement, parameters

    rollbacks: list[bool] = []
    event.listen(engine, "rollback", lambda conn: rollbacks.append(True))
    monkeypatch.setattr(sql_source, "_sql_engine", lambda parsed: engine)

    frame, info = read_sql("postgresql://ann:pw@db/shop", "SELECT name FROM customers")
    assert statements == ["SET TRANSACTION READ ONLY", "SELECT name FROM customers"]
    assert rollbacks
    assert len(frame) == 3
    assert info.source == "sql: postgresql://ann:***@db/shop"


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some text, not SQLite " * 100)
    with pytest.raises(
        IngestError, match=r"The query failed on sqlite:///.*notes\.db: file is not a database"
    ):
        read_sql(f"sqlite:///{path}", "SELECT * FROM customers")
