"""kill -9 of the worker while `workbench ui` runs: the job is marked interrupted, the worker
comes back and the next job runs (issue 16, item 3; extends tests/app/test_jobs.py's kill -9 test).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from app.jobs import get_job, submit

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
#: The documented stale limit (WORKBENCH_STALE_JOB_SECONDS) plus start-up slack on a busy machine.
LIMIT_SECONDS = 30.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(predicate, timeout: float) -> float | None:  # type: ignore[no-untyped-def]
    """Seconds until ``predicate()`` held, or None when it never did within ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.1)
    return None


def test_ui_notices_a_killed_worker_and_the_next_job_runs(wb, home: Path) -> None:  # type: ignore[no-untyped-def]
    port = _free_port()
    ui = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "ui", "--port", str(port), "--host", "127.0.0.1"],
        cwd=ROOT,
        env={**os.environ, "WORKBENCH_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        first = submit(wb, "test.count", {"steps": 4000, "pause": 0.02})
        assert _wait_for(lambda: get_job(wb, first).progress > 0, timeout=90) is not None
        worker_id = get_job(wb, first).worker_id
        assert worker_id is not None
        pid = int(worker_id.rpartition(":")[2])
        os.kill(pid, signal.SIGKILL)
        second = submit(wb, "test.count", {"steps": 2, "pause": 0.01})
        interrupted = _wait_for(
            lambda: get_job(wb, first).status == "interrupted", timeout=LIMIT_SECONDS + 15
        )
        ran = _wait_for(lambda: get_job(wb, second).status == "succeeded", timeout=LIMIT_SECONDS)
        print(f"interrupted after {interrupted} s; next job done {ran} s later")
        assert interrupted is not None and interrupted <= LIMIT_SECONDS
        assert ran is not None
        # The dead worker was reaped (no zombie left behind by `workbench ui`).
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    finally:
        ui.send_signal(signal.SIGTERM)
        ui.wait(timeout=30)
