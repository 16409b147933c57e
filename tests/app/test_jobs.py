from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.jobs import get_job, list_jobs, reap_stale_jobs, request_cancel, submit
from app.jobs.queue import claim
from app.jobs.runner import execute, run_in_foreground
from app.jobs.worker import worker_running

#: Runs on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.backends

ROOT = Path(__file__).resolve().parents[2]


def _wait_for(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_job_runs_to_success_with_progress_and_result(wb) -> None:  # type: ignore[no-untyped-def]
    job_id = submit(wb, "test.count", {"steps": 3, "pause": 0.01})
    assert get_job(wb, job_id).status == "queued"
    seen: list[float] = []
    info = run_in_foreground(wb, job_id, on_progress=lambda f, _m: seen.append(f))
    assert info.status == "succeeded"
    assert info.progress == 1.0
    assert info.result is not None and info.result["counted"] == 3
    assert seen[-1] == 1.0
    assert wb.artifacts.exists(info.result["artifact"])


def test_idempotency_key_returns_the_same_job(wb) -> None:  # type: ignore[no-untyped-def]
    first = submit(wb, "test.count", {"steps": 1}, idempotency_key="train:p1:abc")
    second = submit(wb, "test.count", {"steps": 1}, idempotency_key="train:p1:abc")
    assert first == second
    assert len(list_jobs(wb)) == 1


def test_idempotency_key_allows_a_retry_after_failure(wb) -> None:  # type: ignore[no-untyped-def]
    first = submit(wb, "test.fail", idempotency_key="k")
    assert run_in_foreground(wb, first).status == "failed"
    second = submit(wb, "test.fail", idempotency_key="k")
    assert second != first


def test_user_error_is_kept_as_a_clear_failure_message(wb) -> None:  # type: ignore[no-untyped-def]
    info = run_in_foreground(wb, submit(wb, "test.fail"))
    assert info.status == "failed"
    assert info.error == "The input file has no rows. Upload a file with data."
    assert "Traceback" not in info.message


def test_unexpected_error_is_named_without_traceback(wb) -> None:  # type: ignore[no-untyped-def]
    info = run_in_foreground(wb, submit(wb, "test.crash"))
    assert info.status == "failed"
    assert info.error == "Unexpected error (RuntimeError): boom"


def test_cancel_a_queued_job_at_once(wb) -> None:  # type: ignore[no-untyped-def]
    job_id = submit(wb, "test.count")
    assert request_cancel(wb, job_id).status == "cancelled"
    assert claim(wb, job_id) is None


def test_cancel_a_running_job_at_its_next_progress_call(wb) -> None:  # type: ignore[no-untyped-def]
    job_id = submit(wb, "test.count", {"steps": 200, "pause": 0.02})
    assert claim(wb, job_id) == job_id
    done = threading.Event()
    thread = threading.Thread(target=lambda: (execute(wb, job_id), done.set()))
    thread.start()
    _wait_for(lambda: get_job(wb, job_id).progress > 0)
    request_cancel(wb, job_id)
    thread.join(timeout=30)
    info = get_job(wb, job_id)
    assert info.status == "cancelled"
    assert info.progress < 1.0


def test_stale_heartbeat_is_reaped_as_interrupted(wb) -> None:  # type: ignore[no-untyped-def]
    job_id = submit(wb, "test.count")
    claim(wb, job_id, worker_id="some-other-host:1234")
    assert reap_stale_jobs(wb, stale_seconds=3600) == []
    time.sleep(0.05)
    assert reap_stale_jobs(wb, stale_seconds=0.01) == [job_id]
    info = get_job(wb, job_id)
    assert info.status == "interrupted"
    assert "Start it again" in info.message


def _start_worker(home: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "app.jobs.worker"],
        cwd=ROOT,
        env={**os.environ, "WORKBENCH_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_worker_process_runs_queued_jobs(wb, home: Path) -> None:  # type: ignore[no-untyped-def]
    job_id = submit(wb, "test.count", {"steps": 2, "pause": 0.01})
    worker = _start_worker(home)
    try:
        _wait_for(lambda: get_job(wb, job_id).status == "succeeded")
        assert worker_running(wb)
        second = _start_worker(home)  # a second worker for the same home exits at once
        assert second.wait(timeout=30) == 1
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert not worker_running(wb)


def test_kill_9_worker_leaves_job_interrupted_and_no_partial_artifact(wb, home: Path) -> None:  # type: ignore[no-untyped-def]
    job_id = submit(wb, "test.count", {"steps": 400, "pause": 0.02})
    worker = _start_worker(home)
    _wait_for(lambda: get_job(wb, job_id).progress > 0.05)
    worker.kill()  # SIGKILL: no cleanup code runs
    worker.wait(timeout=30)
    assert get_job(wb, job_id).status == "running"  # nobody has noticed yet
    restarted = _start_worker(home)  # start-up reaps jobs whose worker is gone
    try:
        _wait_for(lambda: get_job(wb, job_id).status == "interrupted")
        after = submit(wb, "test.fail")  # the next job still runs (its result: no artifact)
        _wait_for(lambda: get_job(wb, after).status == "failed")
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=30)
    assert list(wb.artifacts.iter_hashes()) == []
    with pytest.raises(AssertionError):
        _wait_for(lambda: get_job(wb, job_id).status != "interrupted", timeout=0.3)


def test_a_title_longer_than_its_column_is_shortened_not_refused(wb) -> None:  # type: ignore[no-untyped-def]
    """A title names a file or URL the user chose; PostgreSQL refuses a value over varchar(200)."""
    long_name = "x" * 400 + ".csv"
    job_id = submit(wb, "test.count", {"steps": 1}, title=f"Import {long_name}")
    title = get_job(wb, job_id).title
    assert len(title) == 200
    assert title.startswith("Import xxx") and title.endswith("…")
