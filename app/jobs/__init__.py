"""Long work as jobs: a row in ``jobs`` executed by the worker process, polled by pages.

Public API: :func:`submit`, :func:`get_job`, :func:`request_cancel`, :func:`list_jobs`,
:func:`job_kind` (decorator registering a handler), :class:`JobContext`, :class:`JobCancelled`.
"""

from app.jobs.queue import (
    ACTIVE_STATUSES,
    FINISHED_STATUSES,
    INCOMPLETE_STATUSES,
    JobInfo,
    get_job,
    list_jobs,
    reap_stale_jobs,
    request_cancel,
    submit,
)
from app.jobs.registry import JobCancelled, JobContext, job_kind

__all__ = [
    "ACTIVE_STATUSES",
    "FINISHED_STATUSES",
    "INCOMPLETE_STATUSES",
    "JobCancelled",
    "JobContext",
    "JobInfo",
    "get_job",
    "job_kind",
    "list_jobs",
    "reap_stale_jobs",
    "request_cancel",
    "submit",
]
