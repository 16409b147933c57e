"""Job kinds used by the tests (registered through WORKBENCH_JOB_PLUGINS)."""

from __future__ import annotations

import time
from typing import Any

from app.errors import UserError
from app.jobs.registry import JobContext, job_kind


@job_kind("test.count", title="Count slowly")
def count(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Counts to ``steps`` with a pause each step, then stores the count as an artifact."""
    steps = int(params.get("steps", 10))
    for step in range(steps):
        time.sleep(float(params.get("pause", 0.05)))
        ctx.progress((step + 1) / steps, f"step {step + 1} of {steps}")
    stored = ctx.workbench.artifacts.put_bytes(f"counted {steps}".encode())
    return {"counted": steps, "artifact": stored.sha256}


@job_kind("test.fail", title="Fail on purpose")
def fail(ctx: JobContext, params: dict[str, Any]) -> None:
    raise UserError("The input file has no rows.", hint="Upload a file with data.")


@job_kind("test.crash", title="Crash")
def crash(ctx: JobContext, params: dict[str, Any]) -> None:
    raise RuntimeError("boom")


@job_kind("test.exit", title="Exit the process")
def exit_process(ctx: JobContext, params: dict[str, Any]) -> None:
    raise SystemExit(3)


@job_kind("test.vanish", title="Lose its own job row")
def vanish(ctx: JobContext, params: dict[str, Any]) -> None:
    """Deletes its own row (as a deleted project's cascade used to), then reports progress."""
    from sqlalchemy import delete

    from storage.models import Job

    with ctx.workbench.db.write() as session:
        session.execute(delete(Job).where(Job.id == ctx.job_id))
    ctx.progress(0.5, "still here")


@job_kind("test.heavy", title="Count slowly (heavy)", heavy=True)
def count_heavy(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Like ``test.count``, but one at a time per home like training."""
    return count(ctx, params)
