"""Files missing or damaged are exit 2 with what happened and what to do; unexpected errors leave
their traceback in WORKBENCH_HOME/logs/cli.log (before: exit 1 "Unexpected error", empty log).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from app.cli import main

DEMO = "Customer churn (demo)"
CHURN = Path(__file__).resolve().parents[2] / "assets" / "demo" / "churn.csv"
Invoke = Callable[..., Result]


@pytest.fixture
def cli(home: Path) -> Invoke:
    from app.context import close_all

    runner = CliRunner()

    def invoke(*args: object) -> Result:
        close_all()  # every command opens the store afresh, like a new process
        return runner.invoke(main, [str(a) for a in args])

    yield invoke
    close_all()


@pytest.fixture
def trained(home: Path, trained_demo: str) -> Path:
    return home


def _artifact(home: Path, sql: str) -> Path:
    with sqlite3.connect(home / "workbench.db") as db:
        (sha,) = db.execute(sql).fetchone()
    return home / "artifacts" / "sha256" / sha[:2] / sha


DATASET = "select artifact_sha256 from dataset_versions order by id desc limit 1"
MODEL = "select pipeline_sha256 from runs order by id desc limit 1"


def _damage(path: Path, how: str) -> None:
    path.chmod(0o600)
    if how == "missing":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes()[:-7] + b"garbage")


def _one_clear_line(result: Result, *expected: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Unexpected" not in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr


@pytest.mark.parametrize("how", ["missing", "corrupted"])
def test_damaged_dataset_artifact_is_exit_2_naming_verify(
    cli: Invoke, trained: Path, how: str
) -> None:
    _damage(_artifact(trained, DATASET), how)
    _one_clear_line(cli("data", "overview", DEMO), "workbench verify", "stored file")


@pytest.mark.parametrize("how", ["missing", "corrupted"])
def test_damaged_model_artifact_is_exit_2_naming_verify(
    cli: Invoke, trained: Path, tmp_path: Path, how: str
) -> None:
    _damage(_artifact(trained, MODEL), how)
    result = cli("predict", DEMO, CHURN, "--out", tmp_path / "scored.csv")
    _one_clear_line(result, "workbench verify", "retrain")


def test_goal_set_with_a_missing_file(cli: Invoke, trained: Path, tmp_path: Path) -> None:
    _one_clear_line(cli("goal", "set", DEMO, tmp_path / "nope.yaml"), "nope.yaml", "does not exist")


def test_predict_into_a_missing_folder_is_refused_before_scoring(
    cli: Invoke, trained: Path, tmp_path: Path
) -> None:
    out = tmp_path / "no-such-folder" / "scored.csv"
    _one_clear_line(cli("predict", DEMO, CHURN, "--out", out), "no-such-folder", "does not exist")


def test_export_into_a_missing_folder_is_refused_before_the_bundle_is_built(
    cli: Invoke, trained: Path, tmp_path: Path
) -> None:
    out = tmp_path / "no-such-folder" / "bundle.zip"
    result = cli("export", DEMO, "--out", out)
    _one_clear_line(result, "no-such-folder", "does not exist")
    assert "Writing the model card" not in result.output  # refused before any work


def test_predict_with_a_missing_input(cli: Invoke, trained: Path, tmp_path: Path) -> None:
    result = cli("predict", DEMO, tmp_path / "nope.csv", "--out", tmp_path / "scored.csv")
    _one_clear_line(result, "nope.csv", "does not exist")


def test_data_add_with_a_missing_path(cli: Invoke, trained: Path, tmp_path: Path) -> None:
    _one_clear_line(cli("data", "add", DEMO, tmp_path / "nope.csv"), "nope.csv", "does not exist")


def test_unexpected_error_leaves_its_traceback_in_cli_log(
    cli: Invoke, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.services.projects as projects

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug 4711")

    monkeypatch.setattr(projects, "list_projects", broken)
    result = cli("project", "list")
    log = home / "logs" / "cli.log"
    assert result.exit_code == 1
    assert "simulated bug 4711" in result.stderr and str(log) in result.stderr
    text = log.read_text(encoding="utf-8")
    assert "ERROR" in text and "Traceback" in text and "RuntimeError: simulated bug 4711" in text
