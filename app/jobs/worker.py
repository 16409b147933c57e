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
from app.errors import describe_error
from app.jobs import queue
from app.jobs.registry import load_job_kinds
from app.jobs.runner import execute
from app.services.projects import purge_expired_trash

log = logging.getLogger("workbench.worker")
POLL_SECONDS = 0.5
REPO_ROOT = Path(__file__).resolve().parents[2]


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


#: How often an idle worker looks for jobs whose worker died (well inside the stale limit).
REAP_SECONDS = 5.0
#: How often it purges projects whose time in the trash is over.
PURGE_SECONDS = 600.0


def run_worker(wb: Workbench, *, once: bool = False, idle_exit_seconds: float | None = None) -> int:
    """Serve jobs until stopped. Returns an exit code (1 if another worker holds the lock).

    Nothing a job does ends the worker: whatever escapes :func:`execute` is logged and
    recorded as that job's failure, and the next job runs.
    """
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
    chores = _Chores(wb)
    idle_since = time.monotonic()
    try:
        while not stopping:
            chores.run_due()
            try:
                job_id = queue.claim(wb)
            except Exception:  # the database is busy or gone for a moment: try again
                log.exception("could not claim a job")
                time.sleep(POLL_SECONDS)
                continue
            if job_id is None:
                if once or (
                    idle_exit_seconds and time.monotonic() - idle_since > idle_exit_seconds
                ):
                    break
                time.sleep(POLL_SECONDS)
                continue
            log.info("running job %s", job_id)
            _execute_safely(wb, job_id)
            idle_since = time.monotonic()
    finally:
        os.close(fd)
    return 0


def _execute_safely(wb: Workbench, job_id: int) -> None:
    try:
        execute(wb, job_id)
    except BaseException as error:  # the worker outlives any job
        if isinstance(error, KeyboardInterrupt):
            raise
        log.exception("job %s ended outside its handler", job_id)
        try:
            text = describe_error(error)
            queue.finish(wb, job_id, "failed", message=f"Failed: {text}", error=text)
        except Exception:  # its row may be gone (project purged): nothing left to record
            log.exception("could not record the failure of job %s", job_id)


class _Chores:
    """Housekeeping between jobs: reap jobs whose worker died, purge the expired trash."""

    def __init__(self, wb: Workbench) -> None:
        self._wb = wb
        self._next = {"reap": 0.0, "purge": 0.0}

    def run_due(self) -> None:
        now = time.monotonic()
        for name, every, chore in (
            ("reap", REAP_SECONDS, self._reap),
            ("purge", PURGE_SECONDS, self._purge),
        ):
            if now >= self._next[name]:
                self._next[name] = now + every
                try:
                    chore()
                except Exception:  # housekeeping failing must not stop the jobs
                    log.exception("%s failed", name)

    def _reap(self) -> None:
        reaped = queue.reap_stale_jobs(self._wb)
        if reaped:
            log.info("marked interrupted: %s", reaped)

    def _purge(self) -> None:

        report = purge_expired_trash(self._wb)
        if report.purged:
            log.info("purged from the trash: %s", ", ".join(report.purged))


_started: list[subprocess.Popen[bytes]] = []


def ensure_worker(wb: Workbench) -> bool:
    """Start a detached worker for this home unless one runs. Returns True if one was started."""
    for child in list(_started):  # reap workers this process started that have ended
        if child.poll() is not None:
            _started.remove(child)
    if worker_running(wb):
        return False
    log_file = open(wb.settings.logs_dir / "worker.log", "ab")  # noqa: SIM115 - handed to the child
    _started.append(
        subprocess.Popen(
            [sys.executable, "-m", "app.jobs.worker"],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=_worker_env(wb),
            start_new_session=True,
            cwd=str(REPO_ROOT),
        )
    )
    log_file.close()
    return True


def _worker_env(wb: Workbench) -> dict[str, str]:
    env = dict(os.environ)
    env["WORKBENCH_HOME"] = str(wb.settings.home)
    env["WORKBENCH_DATABASE_URL"] = wb.settings.database_url
    return env


class WorkerSupervisor:
    """Keeps one worker alive for a home (``workbench ui``): starts it, reaps it if it dies,
    marks the job it was running interrupted and starts a new one. Call :meth:`check` often.
    """

    #: A worker that keeps dying at start-up is restarted at most this often.
    MIN_RESTART_SECONDS = 5.0

    def __init__(self, wb: Workbench) -> None:
        self._wb = wb
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._started_at = -self.MIN_RESTART_SECONDS

    def check(self, *, wait_seconds: float = 0.0) -> None:
        if self.process is not None and self.process.poll() is not None:  # poll() reaps it
            log.warning(
                "the job worker exited (status %s); starting a new one", self.process.returncode
            )
            self.process = None
            self.restarts += 1
            try:
                queue.reap_stale_jobs(self._wb)  # its process is gone: its job is interrupted now
            except Exception:  # the new worker reaps it at start anyway
                log.exception("could not mark the dead worker's job interrupted")
        too_soon = time.monotonic() - self._started_at < self.MIN_RESTART_SECONDS
        if self.process is None and not too_soon and not worker_running(self._wb):
            self._start()
            deadline = time.monotonic() + wait_seconds
            while not worker_running(self._wb) and time.monotonic() < deadline:
                time.sleep(0.05)

    def _start(self) -> None:
        self._started_at = time.monotonic()
        with open(self._wb.settings.logs_dir / "worker.log", "ab") as log_file:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app.jobs.worker"],
                cwd=REPO_ROOT,
                env=_worker_env(self._wb),
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def main() -> None:
    cap_library_threads()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    sys.exit(run_worker(open_workbench()))


if __name__ == "__main__":
    main()
