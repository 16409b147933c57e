"""SQL sources are bounded: rows, time and bytes are capped, and our own database is off limits.

Before: an endless recursive CTE or ``SELECT zeroblob(900000000)`` ran until MemoryError
(neither finished within 20 s; the zeroblob child reached 7.5 GB). Each test sets small caps
through the settings so that it finishes in seconds.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from app.services.sql_source import read_sql
from core.data.ingest import IngestError

ROOT = Path(__file__).resolve().parents[2]
ENDLESS_ROWS = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT * FROM r"
ENDLESS_COUNT = (
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT count(*) FROM r"
)
HUGE_VALUE = "SELECT zeroblob(900000000) AS b"


@pytest.fixture
def source(tmp_path: Path) -> str:
    db = tmp_path / "source.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (id INTEGER, name TEXT)")
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(i, f"n{i}") for i in range(50)])
    return f"sqlite:///{db}"


@pytest.fixture
def cli(home: Path) -> Iterator[Callable[..., Any]]:
    from click.testing import CliRunner

    from app.cli import main
    from app.context import close_all

    runner = CliRunner()
    yield lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    close_all()


@pytest.fixture
def caps(home: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    def set_caps(
        rows: int = 1000, seconds: float = 30, mb: float = 1, value_mb: float = 16
    ) -> None:
        monkeypatch.setenv("WORKBENCH_SQL_MAX_ROWS", str(rows))
        monkeypatch.setenv("WORKBENCH_SQL_TIMEOUT_SECONDS", str(seconds))
        monkeypatch.setenv("WORKBENCH_SQL_MAX_MB", str(mb))
        monkeypatch.setenv("WORKBENCH_SQL_MAX_VALUE_MB", str(value_mb))

    return set_caps


def _refused(url: str, query: str) -> str:
    """The one-line refusal of ``query``. How fast it comes is not asserted (a loaded machine
    would make that flaky): an endless query that is not stopped hangs, and the suite's timeout
    fails it."""
    with pytest.raises(IngestError) as caught:
        read_sql(url, query)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_endless_rows_stop_at_the_row_cap(source: str, caps: Callable[..., None]) -> None:
    caps(rows=1000)
    message = _refused(source, ENDLESS_ROWS)
    assert "1,000 rows" in message and "WORKBENCH_SQL_MAX_ROWS" in message


def test_endless_query_stops_at_the_time_limit(source: str, caps: Callable[..., None]) -> None:
    caps(seconds=1)  # count(*) never yields a row: only the time limit can stop it
    message = _refused(source, ENDLESS_COUNT)
    assert "1 s" in message and "WORKBENCH_SQL_TIMEOUT_SECONDS" in message


def test_many_small_rows_stop_at_the_size_limit(source: str, caps: Callable[..., None]) -> None:
    caps(rows=10_000_000, mb=1)
    query = ENDLESS_ROWS.replace("SELECT * FROM r", "SELECT n, printf('%0200d', n) AS pad FROM r")
    message = _refused(source, query)
    assert "1 MB" in message and "WORKBENCH_SQL_MAX_MB" in message


def test_one_huge_value_is_refused_before_it_is_built(
    source: str, caps: Callable[..., None]
) -> None:
    caps(mb=1000, value_mb=2)
    message = _refused(source, HUGE_VALUE)
    assert "2 MB" in message and "WORKBENCH_SQL_MAX_VALUE_MB" in message


def test_a_value_under_the_value_limit_imports(source: str, caps: Callable[..., None]) -> None:
    caps(mb=10, value_mb=2)
    frame, _ = read_sql(source, "SELECT zeroblob(1000000) AS b")
    assert len(frame["b"].iloc[0]) == 1_000_000


CHILD = """
import re, sys
from pathlib import Path
from app.services.sql_source import read_sql
try:
    read_sql(sys.argv[1], sys.argv[2])
except Exception as error:
    print(type(error).__name__, error)
# this process's own peak (VmHWM belongs to the memory map made at exec, unlike ru_maxrss,
# which also counts the forked copy of a large parent)
print("peak_kb", re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))
"""


def test_huge_value_uses_bounded_memory(source: str, home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_SQL_")}
    env["PYTHONPATH"] = str(ROOT)  # the default limits: 1 GB a result, 16 MB a value
    output = subprocess.run(
        [sys.executable, "-c", CHILD, source, HUGE_VALUE],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    assert "IngestError" in output and "WORKBENCH_SQL_MAX_VALUE_MB" in output, output
    peak_mb = int(output.rsplit("peak_kb", 1)[1]) / 1024
    assert peak_mb < 400, f"peak {peak_mb:.0f} MB"  # building the 900 MB value would exceed it


def test_a_normal_query_still_imports(source: str, caps: Callable[..., None]) -> None:
    caps(rows=1000, seconds=30, mb=1)
    frame, info = read_sql(source, "SELECT id, name FROM t ORDER BY id")
    assert len(frame) == 50 and info.rows == 50
    assert frame["name"].iloc[-1] == "n49"


def test_exactly_the_row_cap_is_allowed(source: str, caps: Callable[..., None]) -> None:
    caps(rows=50)
    frame, _ = read_sql(source, "SELECT * FROM t")
    assert len(frame) == 50


def test_max_rows_below_the_cap_still_truncates(source: str, caps: Callable[..., None]) -> None:
    caps(rows=1000)
    frame, info = read_sql(source, ENDLESS_ROWS, max_rows=10)
    assert frame["n"].tolist() == list(range(1, 11))
    assert any("first 10 rows" in note for note in info.notes)


def test_cli_import_refuses_with_exit_2(
    cli: Callable[..., Any], source: str, caps: Callable[..., None]
) -> None:
    caps(rows=1000)
    cli("project", "create", "Limits")
    refused = cli("data", "add", "Limits", "--sql", source, "--query", ENDLESS_ROWS)
    assert refused.exit_code == 2 and "WORKBENCH_SQL_MAX_ROWS" in refused.output
    added = cli("data", "add", "Limits", "--sql", source, "--query", "SELECT * FROM t")
    assert added.exit_code == 0, added.output


def test_own_database_is_never_a_source(
    cli: Callable[..., Any], home: Path, tmp_path: Path
) -> None:
    cli("project", "create", "Secret")
    own = home / "workbench.db"
    assert own.is_file()
    link = tmp_path / "innocent.db"
    link.symlink_to(own)
    for url in (f"sqlite:///{own}", f"sqlite:///{link}"):
        with pytest.raises(IngestError, match="workbench's own"):
            read_sql(url, "SELECT * FROM projects")


def test_settings_defaults() -> None:
    from app.settings import load_settings

    settings = load_settings({"WORKBENCH_HOME": "/tmp/x", "WORKBENCH_MAX_UPLOAD_MB": "300"})
    assert settings.sql_max_rows == 5_000_000
    assert settings.sql_timeout_seconds == 120
    assert settings.sql_max_mb == 300  # follows the upload limit unless set
    assert settings.sql_max_value_mb == 16
    assert load_settings({"WORKBENCH_HOME": "/tmp/x", "WORKBENCH_SQL_MAX_MB": "5"}).sql_max_mb == 5


def test_frame_dtypes_match_pandas(source: str, caps: Callable[..., None]) -> None:
    caps()
    url = source
    query = "SELECT id, name, id * 0.5 AS half, NULL AS empty FROM t"
    frame, _ = read_sql(url, query)
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        expected = pd.read_sql_query(query, conn)
    assert frame.dtypes.to_dict() == expected.dtypes.to_dict()
    pd.testing.assert_frame_equal(frame, expected)


def test_server_databases_are_held_to_the_same_size_limits(
    source: str, caps: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without SQLite's length limit (PostgreSQL, MySQL) the sizes are checked as rows arrive."""
    from sqlalchemy import create_engine, event

    import app.services.sql_source as sql_source

    engine = create_engine(source)  # stands in for the server

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def no_set(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        return ("SELECT 1" if statement.startswith("SET ") else statement), parameters

    monkeypatch.setattr(sql_source, "_sql_engine", lambda parsed: engine)
    caps(mb=2, value_mb=1)
    with pytest.raises(IngestError, match=r"1 MB.*WORKBENCH_SQL_MAX_VALUE_MB"):
        read_sql("postgresql://db/shop", "SELECT zeroblob(1100000) AS b")
    caps(rows=10_000_000, mb=1, value_mb=1)
    big_rows = ENDLESS_ROWS.replace("SELECT * FROM r", "SELECT printf('%0500d', n) FROM r")
    with pytest.raises(IngestError, match=r"1 MB.*WORKBENCH_SQL_MAX_MB"):
        read_sql("postgresql://db/shop", big_rows)
