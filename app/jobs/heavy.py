"""One heavy job at a time per WORKBENCH_HOME, whoever runs it: the worker, the CLI, a page.

The machine has few cores; two trainings at once each take several times longer than
one after the other. Heavy job kinds (``job_kind(..., heavy=True)``) take ``HOME/heavy.lock``
before they start; the OS drops the lock if the process dies (even by ``kill -9``). The
holder writes its job id into the file so a waiting job can say whom it waits for.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from app.context import Workbench
from app.errors import NotFound
from app.jobs.queue import get_job
from app.services.projects import get_project

POLL_SECONDS = 0.25
_held = threading.local()  # a heavy job inside a heavy job (same thread) does not wait for itself


def lock_path(wb: Workbench) -> Path:
    return wb.settings.home / "heavy.lock"


@contextmanager
def heavy_slot(
    wb: Workbench, job_id: int, *, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the home's heavy-job slot for the block; wait for it first if another job has it.

    While it waits, ``on_wait(message)`` is called at every poll (a few times a second);
    it may raise to give up waiting (a cancel).
    """
    if getattr(_held, "job_id", None) is not None:
        yield
        return
    path = lock_path(wb)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if on_wait is not None:
                    on_wait(waiting_message(wb, path))
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(job_id).encode(), 0)
        _held.job_id = job_id
        try:
            yield
        finally:
            _held.job_id = None
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing releases the lock


def waiting_message(wb: Workbench, path: Path | None = None) -> str:
    """ "Waiting for job 3 (Train (quick), project Churn) to finish…", from the holder's id."""

    try:
        holder = int((path or lock_path(wb)).read_text().strip())
        job = get_job(wb, holder)
    except (OSError, ValueError, NotFound):
        return "Waiting for another heavy job to finish…"
    where = ""
    if job.project_id is not None:
        with suppress(NotFound):
            where = f", project {get_project(wb, job.project_id).name}"
    return f"Waiting for job {job.id} ({job.title}{where}) to finish…"
