"""Artifact bookkeeping: every stored file gets a row, rows point to it, the rest is garbage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.context import Workbench
from storage.artifacts import ArtifactError, GcReport, StoredArtifact
from storage.models import Artifact, Base, utcnow


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


def _reference_columns() -> list:  # type: ignore[type-arg]
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
    with wb.db.write() as session:
        used = referenced_hashes(session)
        unused = delete(Artifact).where(Artifact.created_at <= cutoff)
        session.execute(unused.where(Artifact.sha256.not_in(used)) if used else unused)
        kept = set(session.scalars(select(Artifact.sha256)))
    return wb.artifacts.collect_garbage(kept, grace_seconds=grace)


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    problems: tuple[tuple[str, str], ...]  # (sha256, message)


def verify_all(
    wb: Workbench, on_progress: Callable[[int, int], None] | None = None
) -> VerifyReport:
    """Re-hash every registered artifact; report missing or damaged ones."""
    with wb.db.read() as session:
        hashes = list(session.scalars(select(Artifact.sha256).order_by(Artifact.sha256)))
    problems: list[tuple[str, str]] = []
    for index, sha in enumerate(hashes, start=1):
        try:
            wb.artifacts.verify(sha)
        except ArtifactError as error:
            problems.append((sha, str(error)))
        if on_progress:
            on_progress(index, len(hashes))
    return VerifyReport(len(hashes), tuple(problems))
