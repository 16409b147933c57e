"""Person-facing job actions: cancelling a job is a change to its project, checked and recorded.

The queue itself (``app.jobs.queue``) is bookkeeping; this is the one door the Cancel button
and `workbench jobs cancel` go through.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.context import Workbench
from app.errors import NotFound
from app.jobs import queue
from app.services.team.guard import guarded, note, unchanged
from app.services.team.rights import Right
from storage.models import Job


def _job_project(wb: Workbench, arguments: Mapping[str, Any]) -> int | None:
    """The job's project; a job of no project (maintenance) is workspace-level: admins only."""
    job_id = arguments["job_id"]
    with wb.db.read() as session:
        row = session.get(Job, job_id)
        if row is None:
            raise NotFound(f"There is no job with id {job_id}.")
        return row.project_id


@guarded(Right.EDIT, "job.cancelled", project=_job_project)
def cancel_job(wb: Workbench, job_id: int) -> queue.JobInfo:
    """Ask job ``job_id`` to stop (see ``queue.request_cancel``); a job that has already ended
    is left as it is and nothing is recorded."""
    job = queue.get_job(wb, job_id)
    if not job.is_active:
        unchanged()
        return job
    note(
        f"Asked to cancel “{job.title}” (job {job_id})",
        action=queue.job_action(job.kind, "cancelled"),
        job_id=job_id,
    )
    return queue.request_cancel(wb, job_id)
