"""A job's exception never kills the worker; deleting a project stops its jobs first (item 2)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.jobs import get_job, submit
from app.services.projects import create_project, delete_project

ROOT = Path(__file__).resolve().parents[2]


def _wait_for(predicate, timeout: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def worker(home: Path):  # type: ignore[no-untyped-def]
    process = subprocess.Popen(
        [sys.executable, "-m", "app.jobs.worker"],
        cwd=ROOT,
        env={**os.environ, "WORKBENCH_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_worker_survives_jobs_that_raise_and_runs_the_next(wb, worker) -> None:  # type: ignore[no-untyped-def]
    bad = [submit(wb, kind) for kind in ("test.crash", "test.exit", "test.vanish")]
    good = submit(wb, "test.count", {"steps": 2, "pause": 0.01})
    assert _wait_for(lambda: get_job(wb, good).status == "succeeded"), get_job(wb, good)
    assert worker.poll() is None
    assert get_job(wb, bad[0]).status == "failed"
    exited = get_job(wb, bad[1])
    assert exited.status == "failed" and "SystemExit" in (exited.error or "")
    assert get_job(wb, good).worker_id == exited.worker_id


def test_deleting_a_project_while_its_job_runs_keeps_the_worker(wb, worker) -> None:  # type: ignore[no-untyped-def]
    project = create_project(wb, "Busy")
    running = submit(wb, "test.count", {"steps": 400, "pause": 0.02}, project_id=project.id)
    queued = submit(wb, "test.count", {"steps": 2, "pause": 0.01})
    assert _wait_for(lambda: get_job(wb, running).progress > 0.02)
    delete_project(wb, project.id, confirm_name="Busy")
    assert _wait_for(lambda: get_job(wb, queued).status == "succeeded", timeout=60)
    assert worker.poll() is None
    assert get_job(wb, running).status == "cancelled"
