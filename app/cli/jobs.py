"""`workbench jobs …` and `workbench verify`; running a job here in the foreground."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

import click

from app.cli.params import PROJECT, emit_json, json_option, pass_workbench
from app.errors import UserError

if TYPE_CHECKING:
    from app.context import Workbench
    from app.jobs.queue import JobInfo
    from app.services.projects import ProjectInfo


def run_job_with_progress(wb: Workbench, job_id: int, *, quiet: bool = False) -> JobInfo:
    """Run a queued job here in the foreground with a progress bar (the CLI's way)."""
    from app.jobs.runner import run_in_foreground

    def on_wait(message: str) -> None:
        click.echo(message, err=True)

    if quiet:
        return run_in_foreground(wb, job_id, on_wait=on_wait)
    with click.progressbar(length=1000, label="Working", show_percent=True, file=sys.stderr) as bar:
        state = {"done": 0}

        def on_progress(fraction: float, message: str) -> None:
            target = int(fraction * 1000)
            if target > state["done"]:
                bar.update(target - state["done"])
                state["done"] = target
            if message:
                bar.label = message[:60]

        info = run_in_foreground(wb, job_id, on_progress=on_progress, on_wait=on_wait)
    return info


def finish_job(wb: Workbench, job_id: int, *, quiet: bool) -> JobInfo:
    """Run the job; one that did not succeed is a user error with its message."""
    info = run_job_with_progress(wb, job_id, quiet=quiet)
    if info.status != "succeeded":
        raise UserError(info.error or info.message)
    return info


@click.group("jobs")
def jobs_group() -> None:
    """List, follow and cancel background jobs."""


@jobs_group.command("list")
@click.option("--project", type=PROJECT, default=None, help="Only this project's jobs.")
@json_option
@pass_workbench
def jobs_list(wb: Workbench, project: ProjectInfo | None, as_json: bool) -> None:
    """Recent jobs, newest first."""
    from app.jobs import list_jobs

    rows = list_jobs(wb, project_id=project.id if project else None)
    if as_json:
        emit_json([j.to_json() for j in rows])
        return
    for j in rows:
        click.echo(f"{j.id:>5}  {j.status:<11} {j.progress:>4.0%}  {j.title:<30} {j.message}")


@jobs_group.command("cancel")
@click.argument("job_id", type=int)
@pass_workbench
def jobs_cancel(wb: Workbench, job_id: int) -> None:
    """Ask job JOB_ID to stop."""
    from app.services.jobs import cancel_job

    info = cancel_job(wb, job_id)
    click.echo(f"Job {info.id}: {info.status} — {info.message}")


@click.command("verify")
@json_option
@pass_workbench
def verify(wb: Workbench, as_json: bool) -> None:
    """Re-hash every stored file and report damaged or missing ones."""
    from app.jobs import submit

    job_id = submit(wb, "maintenance.verify_artifacts", title="Verify stored files")
    started = time.monotonic()
    info = run_job_with_progress(wb, job_id, quiet=as_json)
    if as_json:
        emit_json(
            {
                **(info.result or {}),
                "status": info.status,
                "seconds": round(time.monotonic() - started, 3),
            }
        )
    else:
        click.echo(info.message)
    if info.status != "succeeded" or (info.result or {}).get("problems"):
        sys.exit(1)


COMMANDS = [jobs_group, verify]
