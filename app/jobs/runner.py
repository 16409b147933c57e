"""Execute one claimed job: the same code path for the worker process and the CLI's foreground run."""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from app.actors import actor_from_key
from app.context import Workbench
from app.errors import UserError, describe_error
from app.jobs import queue
from app.jobs.heavy import heavy_slot
from app.jobs.registry import JobCancelled, JobContext, get_kind
from app.permits import permit
from core.exceptions import CoreError

log = logging.getLogger("workbench.jobs")
#: How often a job waiting for the heavy-job slot looks at its cancel flag.
WAIT_CHECK_SECONDS = 1.0


class _Heartbeat(threading.Thread):
    """Keeps the job's heartbeat fresh while the handler is busy inside one long library call."""

    def __init__(self, wb: Workbench, job_id: int) -> None:
        super().__init__(daemon=True, name=f"heartbeat-{job_id}")
        self._wb = wb
        self._job_id = job_id
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self._wb.settings.heartbeat_seconds):
            try:
                queue.heartbeat(self._wb, self._job_id)
            except Exception:  # a missed beat is not fatal; the next one retries
                log.exception("heartbeat failed for job %s", self._job_id)

    def stop(self) -> None:
        self._stop_event.set()


LocalHandler = Callable[[JobContext], dict[str, Any] | None]


def execute(
    wb: Workbench,
    job_id: int,
    *,
    on_progress: Callable[[float, str], None] | None = None,
    handler: LocalHandler | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> queue.JobInfo:
    """Run a job already claimed (status running) and record how it ended.

    ``handler`` replaces the registered one for work that must not pass through the
    database, e.g. a SQL import whose connection URL (a secret) lives only in memory.
    A heavy job first waits for the home's heavy-job slot (:mod:`app.jobs.heavy`); the
    wait shows as its message and is passed to ``on_wait``; its start time is when it got it.
    """
    job = queue.get_job(wb, job_id)
    # The job acts for the person who asked for it: their right was checked at submission,
    # and what it saves is theirs in the trail.
    wb = wb.acting_as(actor_from_key(job.submitted_by))

    def report(fraction: float, message: str) -> bool:
        if on_progress:
            on_progress(fraction, message)
        return queue.report(wb, job_id, fraction, message)

    ctx = JobContext(workbench=wb, job_id=job_id, project_id=job.project_id, _report=report)
    beat = _Heartbeat(wb, job_id)
    beat.start()

    said: list[str] = []  # the last waiting message shown
    checked = [0.0]  # when the job row was last written and its cancel flag read

    def waiting(message: str) -> None:
        changed = not said or said[-1] != message
        if changed or time.monotonic() - checked[0] >= WAIT_CHECK_SECONDS:
            checked[0] = time.monotonic()
            if report(0.0, message):
                raise JobCancelled()
        if changed:
            said.append(message)
            if on_wait is not None:
                on_wait(message)

    try:
        kind = None if handler is not None else get_kind(job.kind, wb.settings.job_plugins)
        heavy = kind is not None and kind.heavy
        with (
            permit(f"job {job_id} ({job.kind})"),
            heavy_slot(wb, job_id, on_wait=waiting) if heavy else nullcontext(),
        ):
            if heavy:
                queue.mark_started(wb, job_id)
            if kind is None:
                assert handler is not None
                result = handler(ctx) or {}
            else:
                result = kind.handler(ctx, dict(job.params)) or {}
    except JobCancelled:
        queue.finish(
            wb,
            job_id,
            "cancelled",
            message="Cancelled. Results finished before the cancel are kept.",
        )
    except (UserError, CoreError) as error:  # the user can fix it: the message says how
        log.info("job %s (%s) stopped: %s", job_id, job.kind, describe_error(error))
        text = describe_error(error)
        queue.finish(wb, job_id, "failed", message=f"Failed: {text}", error=text)
    except (Exception, SystemExit) as error:  # a job's exit() must not end the worker
        log.error("job %s (%s) failed:\n%s", job_id, job.kind, traceback.format_exc())
        text = describe_error(error)
        queue.finish(wb, job_id, "failed", message=f"Failed: {text}", error=text)
    else:
        message = str(result.pop("_message", "Done."))
        queue.finish(wb, job_id, "succeeded", message=message, result=result)
    finally:
        beat.stop()
    return queue.get_job(wb, job_id)


def run_in_foreground(
    wb: Workbench,
    job_id: int,
    *,
    on_progress: Callable[[float, str], None] | None = None,
    handler: LocalHandler | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> queue.JobInfo:
    """Execute a job in this process (the CLI's way): a queued one is claimed first."""
    if queue.claim(wb, job_id) is None:
        job = queue.get_job(wb, job_id)
        if job.status != "running" or job.worker_id != queue.worker_identity():
            return job  # someone else runs it, or it has ended
    return execute(wb, job_id, on_progress=on_progress, handler=handler, on_wait=on_wait)


def run_in_thread(wb: Workbench, job_id: int, handler: LocalHandler) -> threading.Thread:
    """Run a job submitted with ``claimed=True`` on a background thread of this process.

    For handlers that hold secrets in memory. The page stays responsive and polls the job
    row as usual; if this process dies the job is reaped as interrupted like any other.
    """
    thread = threading.Thread(
        target=execute,
        args=(wb, job_id),
        kwargs={"handler": handler},
        daemon=True,
        name=f"job-{job_id}",
    )
    thread.start()
    return thread
