"""read_sql: one read-only SELECT against a real SQLite file; errors never show the password."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from app.services.sql_source import (
    read_sql,  # the engine side lives in app/: core never opens databases
)
from core.data.ingest import IngestError
from core.data.ingest.messages import (
    MSG_SQL_CHAINED,
    MSG_SQL_DIALECT,
    MSG_SQL_FILE_MISSING,
    MSG_SQL_NO_ROWS,
    MSG_SQL_NOT_SELECT,
    MSG_SQL_URL,
    MSG_SQL_WRITE,
)


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def test_select_returns_rows_and_a_redacted_source(shop_db: Path) -> None:
    frame, info = read_sql(url(shop_db), "SELECT id, name, spend FROM customers ORDER BY id")
    assert frame["name"].tolist() == ["Ann", "Bob", "<b>Cy</b>"]
    assert info.format == "sql"
    assert (info.rows, info.columns) == (3, 3)
    assert info.source == f"sql: {url(shop_db)}"
    assert info.detected is None


def test_with_query_comments_and_trailing_semicolon(shop_db: Path) -> None:
    query = """-- big spenders; not a second statement
    WITH big AS (SELECT * FROM customers WHERE spend > 8 /* ; */)
    SELECT name, 'a;b' AS "text;col" FROM big;
    """
    frame, _ = read_sql(url(shop_db), query)
    assert frame.to_dict("records") == [{"name": "Ann", "text;col": "a;b"}]


def test_max_rows(shop_db: Path) -> None:
    frame, info = read_sql(url(shop_db), "SELECT * FROM customers", max_rows=2)
    assert len(frame) == 2
    assert any("first 2 rows" in note for note in info.notes)


@pytest.mark.parametrize(
    ("query", "keyword"),
    [
        ("INSERT INTO customers VALUES (4, 'Di', 1)", "INSERT"),
        ("update customers set spend = 0", "UPDATE"),
        ("DELETE FROM customers", "DELETE"),
        ("DROP TABLE customers", "DROP"),
        ("ALTER TABLE customers ADD COLUMN x", "ALTER"),
        ("CREATE TABLE t (x)", "CREATE"),
        ("ATTACH DATABASE 'other.db' AS other", "ATTACH"),
        ("PRAGMA journal_mode = DELETE", "PRAGMA"),
        ("/* looks harmless */ VACUUM", "VACUUM"),
    ],
)
def test_write_statements_are_rejected(shop_db: Path, query: str, keyword: str) -> None:
    with pytest.raises(IngestError) as caught:
        read_sql(url(shop_db), query)
    assert caught.value.message == MSG_SQL_NOT_SELECT.format(keyword=keyword)
    assert caught.value.field == "query"


@pytest.mark.parametrize(
    ("query", "keyword"),
    [
        ("WITH gone AS (DELETE FROM customers RETURNING *) SELECT * FROM gone", "DELETE"),
        ("SELECT * INTO backup FROM customers", "INTO"),
        ("SELECT * FROM customers FOR UPDATE", "UPDATE"),
    ],
)
def test_writes_hidden_inside_a_select_are_rejected(
    shop_db: Path, query: str, keyword: str
) -> None:
    with pytest.raises(IngestError) as caught:
        read_sql(url(shop_db), query)
    assert caught.value.message == MSG_SQL_WRITE.format(keyword=keyword)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT 1; DROP TABLE customers",
        "SELECT 1;SELECT 2;",
        "select 1 -- x\n; delete from customers",
    ],
)
def test_chained_statements_are_rejected(shop_db: Path, query: str) -> None:
    with pytest.raises(IngestError) as caught:
        read_sql(url(shop_db), query)
    assert caught.value.message == MSG_SQL_CHAINED.format(count=2)


def test_the_database_file_is_never_changed(shop_db: Path) -> None:
    before = hashlib.sha256(shop_db.read_bytes()).hexdigest()
    read_sql(url(shop_db), "SELECT * FROM customers")
    with pytest.raises(IngestError):
        read_sql(url(shop_db), "SELECT * FROM customers; DELETE FROM customers")
    assert hashlib.sha256(shop_db.read_bytes()).hexdigest() == before
    with sqlite3.connect(shop_db) as connection:
        assert connection.execute("SELECT count(*) FROM customers").fetchone() == (3,)
    connection.close()


def test_missing_file_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    with pytest.raises(IngestError) as caught:
        read_sql(url(missing), "SELECT 1")
    assert caught.value.message == MSG_SQL_FILE_MISSING.format(path=missing)
    assert not missing.exists()


def test_bad_table_name_names_the_table_but_never_the_password(
    shop_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(shop_db.parent)
    secret_url = "sqlite://analyst:hunter2@/shop.db"
    with pytest.raises(IngestError) as caught:
        read_sql(secret_url, "SELECT * FROM hunter2_orders")
    text = str(caught.value)
    assert "hunter2" not in text
    assert "no such table: ***_orders" in text
    assert "sqlite://analyst:***@/shop.db" in text


def test_a_password_in_the_query_string_is_scrubbed_too(shop_db: Path) -> None:
    with pytest.raises(IngestError) as caught:
        read_sql(f"{url(shop_db)}?password=s3cret", "SELECT s3cret FROM customers")
    assert "s3cret" not in str(caught.value)


def test_empty_result(shop_db: Path) -> None:
    with pytest.raises(IngestError) as caught:
        read_sql(url(shop_db), "SELECT * FROM customers WHERE id > 100")
    assert caught.value.message == MSG_SQL_NO_ROWS


def test_unparseable_url_is_not_echoed() -> None:
    with pytest.raises(IngestError) as caught:
        read_sql("not a url with pw=hunter2", "SELECT 1")
    assert caught.value.message == MSG_SQL_URL
    assert "hunter2" not in str(caught.value)


def test_unsupported_dialect() -> None:
    with pytest.raises(IngestError) as caught:
        read_sql("oracle://scott:tiger@db/orcl", "SELECT 1 FROM dual")
    assert caught.value.message == MSG_SQL_DIALECT.format(dialect="oracle")
    assert "tiger" not in str(caught.value)
