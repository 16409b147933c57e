"""The worker process: runs queued jobs one at a time, outside any Streamlit script thread.

One worker per WORKBENCH_HOME, guarded by a lock file the OS releases if the worker dies
(even by ``kill -9``). One heavy job at a time: the machine has two cores and parallel
training jobs slow each other down by far more than they gain.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.context import Workbench, open_workbench
from app.jobs import queue
from app.jobs.registry import load_job_kinds
from app.jobs.runner import execute

log = logging.getLogger("workbench.worker")
POLL_SECONDS = 0.5


def _lock_path(wb: Workbench) -> Path:
    return wb.settings.home / "worker.lock"


def _try_lock(path: Path) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def worker_running(wb: Workbench) -> bool:
    """True when some process holds the worker lock for this home."""
    fd = _try_lock(_lock_path(wb))
    if fd is None:
        return True
    os.close(fd)
    return False


def cap_library_threads() -> None:
    """Keep numeric libraries to the machine's cores so the UI stays responsive."""
    cores = str(os.cpu_count() or 1)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, cores)


def run_worker(wb: Workbench, *, once: bool = False, idle_exit_seconds: float | None = None) -> int:
    """Serve jobs until stopped. Returns an exit code (1 if another worker holds the lock)."""
    fd = _try_lock(_lock_path(wb))
    if fd is None:
        log.info("another worker is already running for %s", wb.settings.home)
        return 1
    stopping = False

    def _stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    load_job_kinds(wb.settings.job_plugins)
    reaped = queue.reap_stale_jobs(wb)
    if reaped:
        log.info("marked interrupted: %s", reaped)
    idle_since = time.monotonic()
    try:
        while not stopping:
            job_id = queue.claim(wb)
            if job_id is None:
                if once or (
                    idle_exit_seconds and time.monotonic() - idle_since > idle_exit_seconds
                ):
                    break
                time.sleep(POLL_SECONDS)
                continue
            log.info("running job %s", job_id)
            execute(wb, job_id)
            idle_since = time.monotonic()
    finally:
        os.close(fd)
    return 0


def ensure_worker(wb: Workbench) -> bool:
    """Start a detached worker for this home unless one runs. Returns True if one was started."""
    if worker_running(wb):
        return False
    log_file = open(wb.settings.logs_dir / "worker.log", "ab")  # noqa: SIM115 - handed to the child
    env = dict(os.environ)
    env["WORKBENCH_HOME"] = str(wb.settings.home)
    env["WORKBENCH_DATABASE_URL"] = wb.settings.database_url
    subprocess.Popen(
        [sys.executable, "-m", "app.jobs.worker"],
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
        cwd=str(Path(__file__).resolve().parents[2]),
    )
    log_file.close()
    return True


def main() -> None:
    cap_library_threads()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    sys.exit(run_worker(open_workbench()))


if __name__ == "__main__":
    main()
