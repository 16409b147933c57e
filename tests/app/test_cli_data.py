"""`workbench data …`: the CLI contract (names, options, --json fields) on real files."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from app.cli import main

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends

DEMO_CSV = Path(__file__).resolve().parents[2] / "assets" / "demo" / "churn.csv"
Invoke = Callable[..., Result]


@pytest.fixture
def cli(home: Path) -> Iterator[Invoke]:
    from app.context import close_all

    runner = CliRunner()
    yield lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    close_all()


@pytest.fixture
def project(cli: Invoke) -> str:
    cli("project", "create", "Churn")
    return "Churn"


def _json(result: Result):  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_add_prints_version_hash_rows_columns(cli: Invoke, project: str) -> None:
    added = _json(
        cli("data", "add", project, DEMO_CSV, "--target", "churned", "--sensitive", "gender",
            "--sensitive", "age_band", "--id", "customer_id", "--json")
    )  # fmt: skip
    assert added["version"] == 1 and added["created"] is True
    assert (added["rows"], added["columns"]) == (7000, 21)
    assert len(added["hash"]) == 64 and added["version_id"] >= 1
    again = _json(cli("data", "add", project, DEMO_CSV, "--json"))
    assert again["version"] == 1 and again["created"] is False  # same content, no duplicate
    listed = _json(cli("data", "list", project, "--json"))
    assert [v["version"] for v in listed] == [1]
    roles = _json(cli("data", "roles", project, "--json"))
    by_name = {c["name"]: c["role"] for c in roles["columns"]}
    assert by_name["churned"] == "target" and by_name["gender"] == "sensitive"
    assert by_name["customer_id"] == "identifier" and roles["task"] == "binary"


def test_check_json_has_findings_and_expectations(cli: Invoke, project: str) -> None:
    cli("data", "add", project, DEMO_CSV, "--target", "churned")
    report = _json(cli("data", "check", project, "--json"))
    assert report["version"] == 1
    codes = {f["code"] for f in report["findings"]}
    assert "dates_as_text" in codes
    for finding in report["findings"]:
        assert set(finding) >= {"severity", "code", "column", "message", "fix"}
    assert report["expectations"] == []


def test_roles_can_change_later_and_bad_column_is_named(cli: Invoke, project: str) -> None:
    cli("data", "add", project, DEMO_CSV)
    changed = _json(
        cli("data", "roles", project, "--target", "churned", "--sensitive", "gender", "--json")
    )
    assert changed["target"] == "churned"
    result = cli("data", "roles", project, "--target", "churn")
    assert result.exit_code == 2
    assert "no column named 'churn'" in result.output and "churned" in result.output


def test_split_is_frozen_once(cli: Invoke, project: str) -> None:
    cli("data", "add", project, DEMO_CSV, "--target", "churned")
    split = _json(cli("data", "split", project, "--test-size", "0.25", "--json"))
    assert split["version"] == 1
    again = cli("data", "split", project)
    assert again.exit_code == 2 and "already has a frozen split" in again.output
    assert cli("data", "split", project, "--seed", "3", "--replace").exit_code == 0


def test_sql_source(cli: Invoke, project: str, tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as conn:
        pd.read_csv(DEMO_CSV).head(500).to_sql("customers", conn, index=False)
    url = f"sqlite:///{db}"
    added = _json(
        cli("data", "add", project, "--sql", url, "--query", "SELECT * FROM customers WHERE tenure_months > 3",
            "--target", "churned", "--json")
    )  # fmt: skip
    assert added["rows"] > 0 and added["columns"] == 21
    assert str(db) in added["source"] or "sqlite" in added["source"]
    refused = cli("data", "add", project, "--sql", url, "--query", "DELETE FROM customers")
    assert refused.exit_code == 2
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM customers").fetchone()[0] == 500


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"a,b,c\n", "has column names but no rows"),
        (b"a,b\n1,2\n3,4,5,6\n", "has 4 fields"),
    ],
)
def test_bad_file_gives_a_clear_error_and_keeps_earlier_versions(
    cli: Invoke, project: str, tmp_path: Path, content: bytes, message: str
) -> None:
    cli("data", "add", project, DEMO_CSV)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    result = cli("data", "add", project, bad)
    assert result.exit_code == 2
    assert message in result.output and "bad.csv" in result.output
    assert "Traceback" not in result.output
    assert [v["version"] for v in _json(cli("data", "list", project, "--json"))] == [1]


def test_missing_file_and_missing_data(cli: Invoke, project: str) -> None:
    result = cli("data", "add", project, "/nope/x.csv")
    assert result.exit_code == 2 and "does not exist" in result.output
    result = cli("data", "check", project)
    assert result.exit_code == 2 and "no data yet" in result.output


def test_add_with_a_delimiter_that_gives_one_column_warns(
    cli: Invoke, project: str, tmp_path: Path
) -> None:
    path = tmp_path / "penguins.csv"
    path.write_text("species,island,bill_length_mm\n" + "Adelie,Torgersen,39.1\n" * 344)
    result = cli("data", "add", project, path, "--delimiter", ";")
    assert result.exit_code == 0, result.output
    assert "344 rows × 1 columns" in result.output
    assert "warning: penguins.csv was read as a single column with Delimiter Semicolon ;" in (
        result.output
    )
    assert "detected delimiter Comma , gives 3 columns" in result.output
    listed = _json(cli("data", "add", project, path, "--delimiter", ";", "--json"))
    assert len(listed["warnings"]) == 1
    clean = _json(cli("data", "add", project, path, "--json"))
    assert clean["columns"] == 3 and clean["warnings"] == []
