"""Runs from a cancelled (or interrupted) training job are marked and never the default champion."""

from __future__ import annotations

import json
import threading
import time

import pytest
from click.testing import CliRunner

from app.cli import main
from app.context import open_workbench
from app.errors import UserError
from app.jobs import get_job, request_cancel
from app.jobs.queue import claim
from app.jobs.runner import execute, run_in_foreground
from app.permits import system_write
from app.services import monitoring, training
from app.services.demo import ensure_demo_project

TRAIN_PAGE = "../pages/train.py"


def _cancelled_after_two_models(wb, project_id: int) -> int:  # type: ignore[no-untyped-def]
    plan = training.TrainPlan(preset="custom", models=("tree", "rf", "extra_trees"), folds=2)
    job_id = training.submit_training(wb, project_id, plan)
    claim(wb, job_id)
    thread = threading.Thread(target=execute, args=(wb, job_id))
    thread.start()
    deadline = time.monotonic() + 120
    while len(training.list_runs(wb, project_id)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    request_cancel(wb, job_id)
    thread.join(timeout=180)
    assert get_job(wb, job_id).status == "cancelled"
    return job_id


def _runs_json(project: str) -> list[dict]:
    result = CliRunner().invoke(main, ["runs", project, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_cancelled_job_runs_are_marked_and_not_the_default_champion(home, app) -> None:  # type: ignore[no-untyped-def]
    wb = open_workbench()
    project, _ = ensure_demo_project(wb)
    _cancelled_after_two_models(wb, project.id)
    saved = training.list_runs(wb, project.id)
    assert len(saved) >= 2
    assert {r["from_incomplete_job"] for r in _runs_json(project.name)} == {"cancelled"}
    assert training.champion(wb, project.id) is None
    refused = CliRunner().invoke(main, ["analyze", project.name, "--json"])
    assert refused.exit_code == 2 and "cancelled" in refused.output

    at = app()
    at.session_state["wb.project_id"] = project.id
    at.run()
    at.switch_page(TRAIN_PAGE).run()
    assert not at.exception, at.exception
    board = at.dataframe[0].value
    assert set(board["from job"]) == {"cancelled"}
    at.switch_page("../pages/evaluate.py").run()
    assert not at.exception, at.exception
    assert any("did not finish (cancelled)" in w.value for w in at.warning)

    finished = run_in_foreground(
        wb, training.submit_training(
            wb, project.id, training.TrainPlan(preset="custom", models=("tree",), folds=2)
        )
    )  # fmt: skip
    assert finished.status == "succeeded", finished.error
    complete = set(finished.result["run_ids"])
    assert training.champion(wb, project.id).id in complete
    marks = {r["run_id"]: r["from_incomplete_job"] for r in _runs_json(project.name)}
    assert all(marks[i] is None for i in complete)
    assert all(marks[r.id] == "cancelled" for r in saved)
    # the user may still choose a run of the cancelled job explicitly
    training.set_champion(wb, saved[0].id)
    assert training.champion(wb, project.id).id == saved[0].id


def test_interrupted_job_runs_are_marked_and_the_stage_status_says_so(home) -> None:  # type: ignore[no-untyped-def]
    from app.services.status import train_status
    from storage.models import Job

    wb = open_workbench()
    project, _ = ensure_demo_project(wb)
    plan = training.TrainPlan(preset="custom", models=("tree",), folds=2)
    finished = run_in_foreground(wb, training.submit_training(wb, project.id, plan))
    assert finished.status == "succeeded", finished.error
    assert training.champion(wb, project.id) is not None
    with (
        system_write("test setup"),
        wb.db.write() as session,
    ):  # as the worker's reaper leaves a job killed mid-way
        session.get(Job, finished.id).status = "interrupted"
    runs = training.list_runs(wb, project.id)
    assert {r.from_incomplete_job for r in runs} == {"interrupted"}
    assert training.get_run(wb, runs[0].id).from_incomplete_job == "interrupted"
    assert training.champion(wb, project.id) is None
    assert "interrupted" in (training.no_champion_reason(wb, project.id) or "")
    with pytest.raises(UserError) as refused:  # the monitor says why, not "has none yet"
        monitoring.monitored_run(wb, project.id)
    assert "did not finish (interrupted)" in str(refused.value)
    assert "has none yet" not in str(refused.value)
    state, message = train_status(wb, project.id)
    assert state == "attention" and "did not finish" in message


def test_monitor_without_runs_still_says_the_project_has_none(home) -> None:  # type: ignore[no-untyped-def]
    wb = open_workbench()
    project, _ = ensure_demo_project(wb)
    with pytest.raises(UserError, match="this project has none yet"):
        monitoring.monitored_run(wb, project.id)
