from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from app.cli import main

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends

Invoke = Callable[..., Result]


@pytest.fixture
def cli(home: Path) -> Iterator[Invoke]:
    from app.context import close_all

    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    yield invoke
    close_all()


def test_demo_is_idempotent(cli: Invoke) -> None:
    first = json.loads(cli("demo", "--json").output)
    second = json.loads(cli("demo", "--json").output)
    assert first["created"] is True and second["created"] is False
    listed = json.loads(cli("project", "list", "--json").output)
    assert [p["name"] for p in listed] == ["Customer churn (demo)"]
    assert set(listed[0]["stages"]) == {
        "goal", "data", "explore", "train", "evaluate", "fairness", "export", "monitor"
    }  # fmt: skip


def test_create_show_rename_delete(cli: Invoke) -> None:
    created = json.loads(
        cli("project", "create", "Fraud", "--description", "card fraud", "--json").output
    )
    shown = json.loads(cli("project", "show", "fraud", "--json").output)
    assert shown["id"] == created["id"] and shown["description"] == "card fraud"
    assert (
        json.loads(cli("project", "show", str(created["id"]), "--json").output)["name"] == "Fraud"
    )
    assert cli("project", "rename", "Fraud", "Fraud 2026").exit_code == 0
    refused = cli("project", "delete", "Fraud 2026")
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert cli("project", "delete", "Fraud 2026", "--yes").exit_code == 0
    assert json.loads(cli("project", "list", "--json").output) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("project", "show", "nope"), "No project named or numbered 'nope'"),
        (("project", "delete", "nope", "--yes"), "No project named or numbered 'nope'"),
        (("project", "create", "   "), "A project needs a name."),
        (("project", "create", "12345"), "only digits"),
        (("project", "create", "x" * 121), "the limit is 120"),
    ],
)
def test_bad_input_gives_one_clear_line(cli: Invoke, args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_duplicate_name_is_refused(cli: Invoke) -> None:
    cli("project", "create", "Churn")
    result = cli("project", "create", "churn")
    assert result.exit_code == 2
    assert "already exists" in result.output


def test_html_in_a_name_is_kept_as_text(cli: Invoke) -> None:
    name = "<script>alert(1)</script>"
    cli("project", "create", name)
    assert json.loads(cli("project", "show", name, "--json").output)["name"] == name


def test_verify_reports_intact_store(cli: Invoke) -> None:
    payload = json.loads(cli("verify", "--json").output)
    assert payload["status"] == "succeeded" and payload["problems"] == []


def test_jobs_list_after_a_job(cli: Invoke) -> None:
    cli("verify", "--json")
    jobs = json.loads(cli("jobs", "list", "--json").output)
    assert jobs[0]["kind"] == "maintenance.verify_artifacts" and jobs[0]["status"] == "succeeded"


def test_console_script_runs_as_a_subprocess(home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "project", "list", "--json"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
