"""The jobs table as a queue: submit, claim, report, finish, cancel, reap."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psutil
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.context import Workbench
from app.errors import NotFound
from app.permits import add_entry_to, system_write
from storage.models import ActivityEntry, Job, fit_to_column, utcnow

ACTIVE_STATUSES = ("queued", "running")
FINISHED_STATUSES = ("succeeded", "failed", "cancelled", "interrupted")
#: Finished without completing its work (what it saved on the way may be partial).
INCOMPLETE_STATUSES = ("failed", "cancelled", "interrupted")
#: Job kinds whose trail entries read "training.…" (the Training area of the trail).
TRAINING_KINDS = ("train.models", "train.rerun")


def job_action(kind: str, verb: str) -> str:
    """The trail action for something that happened to a job: ``training.cancelled`` for a
    training job, ``<kind>.<verb>`` (``data.import.finished``) for the others."""
    return f"training.{verb}" if kind in TRAINING_KINDS else f"{kind}.{verb}"


def record_end(session: Session, row: Job) -> None:
    """In the transaction that ends the job: one trail entry saying how it ended, for the
    person who submitted it (every ending goes through here: finish, cancel, reap)."""
    if row.status not in FINISHED_STATUSES or not row.submitted_by:
        return
    add_entry_to(session)  # a guarded caller's own entry (a cancel) comes first
    session.add(
        ActivityEntry(
            project_id=row.project_id,
            actor=row.submitted_by,
            action=fit_to_column(ActivityEntry.action, job_action(row.kind, "finished")),
            summary=f"{row.title}: {row.status} — {row.message}"[:2000],
            details={"job_id": row.id, "kind": row.kind, "status": row.status},
        )
    )


@dataclass(frozen=True)
class JobInfo:
    id: int
    project_id: int | None
    kind: str
    title: str
    params: dict[str, Any]
    status: str
    progress: float
    message: str
    result: dict[str, Any] | None
    error: str | None
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None
    worker_id: str | None = None
    #: Who asked for it (an actor key); the job acts for them.
    submitted_by: str | None = None

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def elapsed_seconds(self, now: datetime | None = None) -> float:
        if self.started_at is None:
            return 0.0
        end = self.finished_at or now or utcnow()
        return max((end - self.started_at).total_seconds(), 0.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "project_id": self.project_id,
            "kind": self.kind,
            "title": self.title,
            "status": self.status,
            "progress": round(self.progress, 4),
            "message": self.message,
            "result": self.result,
            "error": self.error,
            "created_at": self.created_at.isoformat(),
            "elapsed_seconds": round(self.elapsed_seconds(), 3),
        }


def _info(row: Job) -> JobInfo:
    return JobInfo(
        row.id, row.project_id, row.kind, row.title, dict(row.params or {}), row.status,
        row.progress, row.message, row.result, row.error, row.cancel_requested,
        row.created_at, row.started_at, row.finished_at, row.heartbeat_at, row.worker_id,
        row.submitted_by,
    )  # fmt: skip


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def submit(
    wb: Workbench,
    kind: str,
    params: dict[str, Any] | None = None,
    *,
    project_id: int | None = None,
    title: str = "",
    idempotency_key: str | None = None,
    input_artifact: str | None = None,
    claimed: bool = False,
) -> int:
    """Queue a job and return its id.

    With ``idempotency_key``, a second submit while the first is queued, running or
    succeeded returns the first job (a double click starts one job); after a failure,
    cancel or interruption it queues a fresh one. ``claimed=True`` creates it already
    running for this process, which then executes it (the CLI, or in-memory handlers).
    """
    with system_write("the job queue"), wb.db.write() as session:
        if idempotency_key:
            existing = session.scalar(select(Job).where(Job.idempotency_key == idempotency_key))
            if existing is not None:
                if existing.status not in INCOMPLETE_STATUSES:
                    return existing.id
                existing.idempotency_key = None
                session.flush()
        row = Job(
            kind=kind,
            title=fit_to_column(Job.title, title or kind),
            params=params or {},
            project_id=project_id,
            idempotency_key=idempotency_key,
            input_artifact=input_artifact,
            message="Waiting for the worker…",
            submitted_by=wb.actor.key,
        )
        if claimed:
            now = utcnow()
            row.status, row.started_at, row.heartbeat_at = "running", now, now
            row.worker_id, row.message = worker_identity(), "Starting…"
        session.add(row)
        session.flush()
        return row.id


def get_job(wb: Workbench, job_id: int) -> JobInfo:
    with wb.db.read() as session:
        row = session.get(Job, job_id)
        if row is None:
            raise NotFound(f"There is no job with id {job_id}.")
        return _info(row)


def list_jobs(
    wb: Workbench, *, project_id: int | None = None, kind: str | None = None, limit: int = 50
) -> list[JobInfo]:
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if project_id is not None:
        query = query.where(Job.project_id == project_id)
    if kind is not None:
        query = query.where(Job.kind == kind)
    with wb.db.read() as session:
        return [_info(r) for r in session.scalars(query)]


def request_cancel(wb: Workbench, job_id: int) -> JobInfo:
    """Ask a job to stop. A queued job is cancelled at once; a running one at its next check.

    A running job whose worker is gone (killed, crashed) is cancelled at once: nobody is
    left to see the request.
    """
    with system_write("the job queue"), wb.db.write() as session:
        row = session.get(Job, job_id)
        if row is None:
            raise NotFound(f"There is no job with id {job_id}.")
        _cancel(session, row, stale_limit(wb), "Cancelled before it started.")
        session.flush()
        return _info(row)


def cancel_project_jobs(session: Session, project_id: int, *, stale_after: timedelta) -> list[int]:
    """Inside the caller's write transaction: stop every active job of a project."""
    rows = session.scalars(
        select(Job).where(Job.project_id == project_id, Job.status.in_(ACTIVE_STATUSES))
    )
    stopped = []
    for row in rows:
        _cancel(session, row, stale_after, "Cancelled: its project was moved to the trash.")
        stopped.append(row.id)
    return stopped


def stale_limit(wb: Workbench) -> timedelta:
    """How long a running job may go without a heartbeat before it counts as orphaned."""
    return timedelta(seconds=wb.settings.stale_job_seconds)


def _cancel(session: Session, row: Job, stale_after: timedelta, queued_message: str) -> None:
    now = utcnow()
    if row.status == "queued":
        row.status, row.finished_at, row.message = "cancelled", now, queued_message
        record_end(session, row)
    elif row.status == "running" and _is_orphaned(row, now, stale_after):
        row.status, row.finished_at = "cancelled", now
        row.message = "Cancelled. Its worker had stopped, so nothing was running any more."
        record_end(session, row)
    elif row.status == "running":
        row.cancel_requested = True
        row.message = "Cancelling… (stops at the next safe point)"


def claim(wb: Workbench, job_id: int | None = None, *, worker_id: str | None = None) -> int | None:
    """Mark a queued job running for this worker; the oldest queued one when ``job_id`` is None."""
    now = utcnow()
    with system_write("the job queue"), wb.db.write() as session:
        query = select(Job).where(Job.status == "queued")
        query = query.where(Job.id == job_id) if job_id is not None else query.order_by(Job.id)
        row = session.scalar(query.limit(1).with_for_update(skip_locked=True))
        if row is None:
            return None
        row.status = "running"
        row.started_at = now
        row.heartbeat_at = now
        row.worker_id = worker_id or worker_identity()
        row.message = "Starting…"
        return row.id


def mark_started(wb: Workbench, job_id: int) -> None:
    """A claimed job that waited (for the heavy-job slot) starts now: its running time does too."""
    now = utcnow()
    with system_write("the job queue"), wb.db.write() as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "running")
            .values(started_at=now, heartbeat_at=now, message="Starting…")
        )


def report(wb: Workbench, job_id: int, fraction: float, message: str) -> bool:
    """Write progress and heartbeat; returns True when cancel has been requested."""
    values: dict[str, Any] = {"progress": fraction, "heartbeat_at": utcnow()}
    if message:
        values["message"] = message
    with system_write("the job queue"), wb.db.write() as session:
        session.execute(
            update(Job).where(Job.id == job_id, Job.status == "running").values(**values)
        )
        return bool(session.scalar(select(Job.cancel_requested).where(Job.id == job_id)))


def heartbeat(wb: Workbench, job_id: int) -> None:
    with system_write("the job queue"), wb.db.write() as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "running")
            .values(heartbeat_at=utcnow())
        )


def finish(
    wb: Workbench,
    job_id: int,
    status: str,
    *,
    message: str,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    assert status in FINISHED_STATUSES, status
    values: dict[str, Any] = {
        "status": status,
        "message": message,
        "result": result,
        "error": error,
        "finished_at": utcnow(),
    }
    if status == "succeeded":
        values["progress"] = 1.0
    with system_write("the job queue"), wb.db.write() as session:
        row = session.get(Job, job_id)
        if row is None:
            raise NotFound(f"There is no job with id {job_id}.")
        for key, value in values.items():
            setattr(row, key, value)
        record_end(session, row)


def _process_is_gone(worker_id: str | None) -> bool:
    """True when the job's worker ran on this host and its process no longer exists."""
    if not worker_id or ":" not in worker_id:
        return False
    host, _, pid = worker_id.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        return psutil.Process(int(pid)).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _is_orphaned(row: Job, now: datetime, stale_after: timedelta) -> bool:
    """A running job whose worker process is gone, or whose heartbeat stopped."""
    beat = row.heartbeat_at or row.started_at or row.created_at
    return _process_is_gone(row.worker_id) or now - beat > stale_after


def reap_stale_jobs(wb: Workbench, *, stale_seconds: float | None = None) -> list[int]:
    """Mark running jobs whose worker died (or whose heartbeat stopped) as interrupted."""
    stale_after = timedelta(seconds=stale_seconds or wb.settings.stale_job_seconds)
    now = utcnow()
    reaped: list[int] = []
    with system_write("the job queue"), wb.db.write() as session:
        for row in session.scalars(select(Job).where(Job.status == "running")):
            if _is_orphaned(row, now, stale_after):
                beat = row.heartbeat_at or row.started_at or row.created_at
                row.status = "interrupted"
                row.finished_at = now
                row.message = (
                    f"Interrupted: the worker stopped while this job was running "
                    f"(last sign of life {beat:%Y-%m-%d %H:%M:%S} UTC). Start it again."
                )
                record_end(session, row)
                reaped.append(row.id)
    return reaped
