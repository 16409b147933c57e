"""The training job: cancel keeps finished models; settings are checked before queueing."""

from __future__ import annotations

import threading
import time

import pytest

from app.context import open_workbench
from app.errors import UserError
from app.jobs import get_job, request_cancel
from app.jobs.queue import claim
from app.jobs.runner import execute
from app.services import training
from app.services.demo import ensure_demo_project
from core.train import TrainError

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends


def test_cancel_mid_training_keeps_the_finished_runs(home) -> None:  # type: ignore[no-untyped-def]
    wb = open_workbench()
    project, _ = ensure_demo_project(wb)
    plan = training.TrainPlan(preset="custom", models=("tree", "rf", "extra_trees", "hgb"), folds=5)
    job_id = training.submit_training(wb, project.id, plan)
    claim(wb, job_id)
    thread = threading.Thread(target=execute, args=(wb, job_id))
    thread.start()
    deadline = time.monotonic() + 120
    while not training.list_runs(wb, project.id) and time.monotonic() < deadline:
        time.sleep(0.05)
    request_cancel(wb, job_id)
    thread.join(timeout=180)
    job = get_job(wb, job_id)
    assert job.status == "cancelled"
    saved = training.list_runs(wb, project.id)
    assert 1 <= len(saved) < 6  # dummy, rule, logreg + 4 models would be 7
    assert all(r.pipeline_sha256 and wb.artifacts.exists(r.pipeline_sha256) for r in saved)


@pytest.mark.parametrize(
    ("plan", "error", "message"),
    [
        (
            training.TrainPlan(preset="custom", models=("logreg",), folds=1),
            TrainError,
            "at least 2",
        ),
        (training.TrainPlan(preset="custom", models=()), UserError, "at least one model"),
        (
            training.TrainPlan(preset="custom", models=("svm",)),
            TrainError,
            "there is no model 'svm'",
        ),
    ],
)
def test_bad_settings_fail_before_anything_is_queued(home, plan, error, message) -> None:  # type: ignore[no-untyped-def]
    wb = open_workbench()
    project, _ = ensure_demo_project(wb)
    with pytest.raises(error, match=message):
        training.submit_training(wb, project.id, plan)
    from app.jobs import list_jobs

    assert [j for j in list_jobs(wb, project_id=project.id) if j.kind == training.TRAIN_KIND] == []
