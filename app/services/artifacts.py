"""Artifact bookkeeping: every stored file gets a row, rows point to it, the rest is garbage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Column, delete, select
from sqlalchemy.orm import Session

from app.context import Workbench
from app.permits import system_write
from storage.artifacts import ArtifactError, GcReport, StoredArtifact
from storage.models import (
    Artifact,
    Base,
    DatasetSplit,
    DatasetVersion,
    Job,
    ModelVersion,
    MonitoringBatch,
    ProfileReport,
    Project,
    Run,
    RunExplanation,
    utcnow,
)


def register(session: Session, stored: StoredArtifact, media_type: str) -> str:
    """Record an artifact row inside the caller's write transaction; returns the hash."""
    row = session.get(Artifact, stored.sha256)
    if row is None:
        session.add(
            Artifact(sha256=stored.sha256, size_bytes=stored.size_bytes, media_type=media_type)
        )
    else:  # registered again: its grace period starts over, like the file's
        row.created_at = utcnow()
    session.flush()
    return stored.sha256


def _reference_columns() -> list[Column[Any]]:
    """Every column in the schema with a foreign key to ``artifacts.sha256``."""
    columns = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "artifacts" for fk in column.foreign_keys):
                columns.append(column)
    return columns


def referenced_hashes(session: Session) -> set[str]:
    hashes: set[str] = set()
    for column in _reference_columns():
        hashes.update(h for h in session.scalars(select(column).where(column.is_not(None))))
    return hashes


def collect_garbage(wb: Workbench, *, grace_seconds: float | None = None) -> GcReport:
    """Drop artifact rows nothing refers to, then files without a row.

    Rows and files younger than the grace period (``WORKBENCH_GC_GRACE_SECONDS``, 1 hour)
    stay: an import may have registered its upload and not yet committed the job naming it.
    """
    grace = wb.settings.gc_grace_seconds if grace_seconds is None else grace_seconds
    cutoff = utcnow() - timedelta(seconds=grace)
    with system_write("garbage collection"), wb.db.write() as session:
        used = referenced_hashes(session)
        unused = delete(Artifact).where(Artifact.created_at <= cutoff)
        session.execute(unused.where(Artifact.sha256.not_in(used)) if used else unused)
        kept = set(session.scalars(select(Artifact.sha256)))
    return wb.artifacts.collect_garbage(kept, grace_seconds=grace)


@dataclass(frozen=True)
class Problem:
    """One damaged or missing file: what is wrong, what it belongs to, what to do."""

    sha256: str
    problem: str
    used_by: tuple[str, ...]
    fix: str


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    problems: tuple[Problem, ...]


def verify_all(
    wb: Workbench, on_progress: Callable[[int, int], None] | None = None
) -> VerifyReport:
    """Re-hash every registered artifact; report missing or damaged ones and their owners."""
    with wb.db.read() as session:
        hashes = list(session.scalars(select(Artifact.sha256).order_by(Artifact.sha256)))
    damaged: list[tuple[str, str]] = []
    for index, sha in enumerate(hashes, start=1):
        try:
            wb.artifacts.verify(sha)
        except ArtifactError as error:
            damaged.append((sha, str(error)))
        if on_progress:
            on_progress(index, len(hashes))
    problems = []
    with wb.db.read() as session:
        for sha, text in damaged:
            uses = uses_of(session, sha)
            problems.append(Problem(sha, text, tuple(u for u, _ in uses), _fix(uses)))
    return VerifyReport(len(hashes), tuple(problems))


def uses_of(session: Session, sha: str) -> list[tuple[str, str]]:
    """What refers to a stored file, as (description, kind) pairs, e.g.
    ("project 'Churn', dataset version 2 (table)", "dataset")."""
    names = dict(session.execute(select(Project.id, Project.name)).tuples().all())

    def project(pid: int | None) -> str:
        return f"project {names.get(pid, f'#{pid}')!r}" if pid is not None else "no project"

    uses: list[tuple[str, str]] = []
    for v in session.scalars(
        select(DatasetVersion).where(
            (DatasetVersion.artifact_sha256 == sha) | (DatasetVersion.raw_sha256 == sha)
        )
    ):
        what = "table" if v.artifact_sha256 == sha else "uploaded file"
        uses.append((f"{project(v.project_id)}, dataset version {v.version} ({what})", "dataset"))
    derived: tuple[tuple[type[DatasetVersion | Run], Any, Any, Any, str], ...] = (
        # (owner row, table joined to it, how, which rows, what the file is)
        (DatasetVersion, DatasetSplit, DatasetSplit.dataset_version_id == DatasetVersion.id,
         DatasetSplit.artifact_sha256 == sha, "split of dataset version {0.version}"),
        (DatasetVersion, ProfileReport, ProfileReport.dataset_version_id == DatasetVersion.id,
         (ProfileReport.html_sha256 == sha) | (ProfileReport.summary_sha256 == sha),
         "profile report of dataset version {0.version}"),
        (Run, RunExplanation, RunExplanation.run_id == Run.id,
         RunExplanation.artifact_sha256 == sha, "explanation of run {0.id}"),
    )  # fmt: skip
    for owner, table, on, where, what in derived:
        for row in session.scalars(select(owner).join(table, on).where(where)):
            assert isinstance(row, DatasetVersion | Run)
            uses.append((f"{project(row.project_id)}, {what.format(row)}", "derived"))
    for run in session.scalars(select(Run).where(Run.pipeline_sha256 == sha)):
        uses.append((f"{project(run.project_id)}, run {run.id} ({run.model_key})", "run"))
    for mv in session.scalars(select(ModelVersion).where(ModelVersion.bundle_sha256 == sha)):
        uses.append((f"{project(mv.project_id)}, export v{mv.version} (run {mv.run_id})", "export"))
    for batch in session.scalars(
        select(MonitoringBatch).where(MonitoringBatch.frame_sha256 == sha)
    ):
        uses.append((f"{project(batch.project_id)}, monitoring batch {batch.id}", "monitor"))
    for job in session.scalars(
        select(Job).where((Job.input_artifact == sha) | (Job.result_artifact == sha))
    ):
        uses.append((f"{project(job.project_id)}, job {job.id} ({job.title})", "job"))
    return uses


_FIXES = {
    "dataset": "re-import the same file (same options) with `workbench data add PROJECT FILE` "
    "or on the Data page to repair it, or move the project to the trash",
    "run": "re-run the run (`workbench train`, or Re-run on the Train page) and use the new run",
    "export": "export the run again (`workbench export`)",
    "monitor": "import the monitoring log again",
    "derived": "re-run the step that made it (profiling, explaining) from its page",
    "job": "start the job again",
}


def _fix(uses: list[tuple[str, str]]) -> str:
    if not uses:
        return "nothing refers to it any more: garbage collection frees it"
    kinds = dict.fromkeys(kind for _, kind in uses)
    if len(kinds) > 1:
        kinds.pop("job", None)  # the job's input is the dataset's file: its fix covers it
    return "; ".join(_FIXES[kind] for kind in kinds)
