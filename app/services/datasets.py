"""Dataset versions: import (file or SQL), store once as Parquet by content hash, list, compare.

An upload is stored as an artifact before anything else happens to it; reading and
converting it runs as a job. A failed import leaves earlier versions untouched.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select

from app.context import Workbench
from app.errors import NotFound
from app.jobs import JobContext, job_kind, submit
from app.services import artifacts as artifact_service
from app.services import data_config, sql_source
from app.services.projects import touch_project
from app.services.team.guard import guarded, note, unchanged
from app.services.team.rights import Right
from core.data import ingest
from storage.artifacts import ArtifactError
from storage.models import DatasetVersion

PARQUET_MEDIA_TYPE = "application/vnd.apache.parquet"
IMPORT_KIND = "data.import"


@dataclass(frozen=True)
class VersionInfo:
    id: int
    project_id: int
    version: int
    sha256: str
    raw_sha256: str | None
    source: str
    format: str
    rows: int
    columns: int
    details: dict[str, Any]
    created_at: datetime

    @property
    def label(self) -> str:
        return f"v{self.version} · {self.rows:,} rows × {self.columns} columns · {self.source}"

    def to_json(self) -> dict[str, Any]:
        return {
            "version_id": self.id,
            "version": self.version,
            "hash": self.sha256,
            "source": self.source,
            "format": self.format,
            "rows": self.rows,
            "columns": self.columns,
            "notes": self.details.get("notes", []),
            "warnings": self.details.get("warnings", []),
            "created_at": self.created_at.isoformat(),
        }


def _info(row: DatasetVersion) -> VersionInfo:
    return VersionInfo(
        row.id, row.project_id, row.version, row.artifact_sha256, row.raw_sha256, row.source,
        row.format, row.rows, row.columns, dict(row.details or {}), row.created_at,
    )  # fmt: skip


# -- reading -------------------------------------------------------------------------


def list_versions(wb: Workbench, project_id: int) -> list[VersionInfo]:
    """Newest first."""
    with wb.db.read() as session:
        rows = session.scalars(
            select(DatasetVersion)
            .where(DatasetVersion.project_id == project_id)
            .order_by(DatasetVersion.version.desc())
        )
        return [_info(r) for r in rows]


def get_version(wb: Workbench, version_id: int) -> VersionInfo:
    with wb.db.read() as session:
        row = session.get(DatasetVersion, version_id)
        if row is None:
            raise NotFound(f"There is no dataset version with id {version_id}.")
        return _info(row)


def resolve_version(wb: Workbench, project_id: int, ref: str | int | None) -> VersionInfo:
    """A project's version by number (``3`` or ``v3``); the newest when ``ref`` is None."""
    versions = list_versions(wb, project_id)
    if not versions:
        raise NotFound(
            "This project has no data yet.",
            hint="Add some with `workbench data add PROJECT FILE` or on the Data page.",
        )
    if ref is None:
        return versions[0]
    text = str(ref).strip().lower().removeprefix("v")
    for version in versions:
        if text.isdigit() and version.version == int(text):
            return version
    known = ", ".join(f"v{v.version}" for v in versions[:10])
    raise NotFound(f"No dataset version '{ref}' in this project. Known: {known}.")


def load_frame(wb: Workbench, version: VersionInfo) -> pd.DataFrame:
    """The version's table (hash verified first); the index is the raw row id."""
    return pd.read_parquet(wb.artifacts.verified_path(version.sha256))


# -- writing -------------------------------------------------------------------------


@guarded(Right.EDIT, "data.imported", summary="Imported a dataset version")
def save_version(
    wb: Workbench,
    project_id: int,
    frame: pd.DataFrame,
    info: ingest.DatasetInfo,
    *,
    raw_sha256: str | None = None,
) -> tuple[VersionInfo, bool]:
    """Store ``frame`` as Parquet and record a version; identical content returns the existing one."""
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        frame = frame.reset_index(
            drop=True
        )  # row ids are positions 0..n-1 (a copy, so only when needed)
    stored = wb.artifacts.put_with(
        lambda path: frame.to_parquet(path, index=False), suffix=".parquet"
    )
    details = {
        "detected": None if info.detected is None else dataclasses.asdict(info.detected),
        "notes": list(info.notes),
        "warnings": list(info.warnings),
        "dtypes": {str(c): str(t) for c, t in frame.dtypes.items()},
    }
    with wb.db.write() as session:
        artifact_service.register(session, stored, PARQUET_MEDIA_TYPE)
        existing = session.scalar(
            select(DatasetVersion).where(
                DatasetVersion.project_id == project_id,
                DatasetVersion.artifact_sha256 == stored.sha256,
            )
        )
        if existing is not None:
            unchanged()  # same content: no new version, nothing for the trail
            return _info(existing), False
        number = (
            session.scalar(
                select(func.max(DatasetVersion.version)).where(
                    DatasetVersion.project_id == project_id
                )
            )
            or 0
        ) + 1
        row = DatasetVersion(
            project_id=project_id,
            version=number,
            artifact_sha256=stored.sha256,
            raw_sha256=raw_sha256,
            source=info.source,
            format=str(info.format),
            rows=len(frame),
            columns=frame.shape[1],
            details=details,
        )
        note(
            f"Imported {info.source} as version {number}: "
            f"{len(frame):,} rows × {frame.shape[1]} columns",
            version=number,
        )
        session.add(row)
        touch_project(session, project_id)
        session.flush()
        return _info(row), True


def _options_to_dict(options: ingest.ReadOptions) -> dict[str, Any]:
    return {k: v for k, v in dataclasses.asdict(options).items() if v is not None}


@guarded(Right.EDIT, "data.import_started", summary="Started importing {filename}")
def submit_file_import(
    wb: Workbench,
    project_id: int,
    content: bytes | Path,
    *,
    filename: str,
    options: ingest.ReadOptions | None = None,
    roles: data_config.RoleRequest | None = None,
    claimed: bool = False,
    source: str | None = None,
) -> int:
    """Queue the import of an upload (bytes) or a local file; returns the job id.

    Uploads are stored as an artifact first, so nothing is lost if reading fails. A local
    file run here (``claimed=True``: CLI, demo seeding) is read in place: it is already on
    disk, and copying a large file first would double the import time.
    ``claimed=True``: the caller runs the job itself instead of the worker.
    """
    options = options or ingest.ReadOptions()
    params: dict[str, Any] = {
        "filename": filename,
        "options": _options_to_dict(options),
        "roles": None if roles is None else dataclasses.asdict(roles),
        "source": source or f"upload: {filename}",
    }
    stored_sha = None
    if isinstance(content, Path) and claimed:
        params["path"] = str(content.resolve())
    else:
        stored = (
            wb.artifacts.put_file(content)
            if isinstance(content, Path)
            else wb.artifacts.put_bytes(content)
        )
        with wb.db.write() as session:
            artifact_service.register(session, stored, "application/octet-stream")
        params["raw_sha256"] = stored_sha = stored.sha256
    key_material = json.dumps(params, sort_keys=True, default=str)
    if "path" in params:  # the same path may hold new content next time
        key_material += f":{Path(params['path']).stat().st_mtime_ns}"
    key: str | None = f"import:{project_id}:{hashlib.sha256(key_material.encode()).hexdigest()}"
    if stored_sha and _earlier_import_damaged(wb, project_id, stored_sha):
        key = None  # import it again rather than answer with the earlier job: that repairs it
    return submit(
        wb,
        IMPORT_KIND,
        params,
        project_id=project_id,
        title=f"Import {filename}",
        idempotency_key=key,
        input_artifact=stored_sha,
        claimed=claimed,
    )


def _earlier_import_damaged(wb: Workbench, project_id: int, raw_sha256: str) -> bool:
    """Whether a version imported from this very upload has a damaged or missing table file."""
    with wb.db.read() as session:
        tables = list(
            session.scalars(
                select(DatasetVersion.artifact_sha256).where(
                    DatasetVersion.project_id == project_id,
                    DatasetVersion.raw_sha256 == raw_sha256,
                )
            )
        )
    for sha in tables:
        try:
            wb.artifacts.verify(sha)
        except ArtifactError:
            return True
    return False


@job_kind(IMPORT_KIND, title="Import data")
def import_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    wb, project_id = ctx.workbench, ctx.project_id
    assert project_id is not None
    ctx.progress(0.05, f"Reading {params['filename']}…")
    raw_sha = params.get("raw_sha256")
    path = wb.artifacts.verified_path(raw_sha) if raw_sha else Path(params["path"])
    options = ingest.ReadOptions(**params.get("options", {}))
    frame, info = ingest.read_table(path, filename=params["filename"], options=options)
    info = dataclasses.replace(info, source=params.get("source") or f"upload: {params['filename']}")
    ctx.progress(0.6, f"Read {len(frame):,} rows × {frame.shape[1]} columns; saving…")
    version, created = save_version(wb, project_id, frame, info, raw_sha256=raw_sha)
    return _finish_import(ctx, version, created, frame, params.get("roles"))


def import_sql(
    ctx: JobContext, *, url: str, query: str, roles: dict[str, Any] | None
) -> dict[str, Any]:
    """Body of a SQL import job; runs in the caller's process because the URL is a secret."""
    ctx.progress(0.05, f"Querying {ingest.redact_url(url)}…")
    frame, info = sql_source.read_sql(url, query)
    ctx.progress(0.6, f"Read {len(frame):,} rows × {frame.shape[1]} columns; saving…")
    assert ctx.project_id is not None
    version, created = save_version(ctx.workbench, ctx.project_id, frame, info)
    return _finish_import(ctx, version, created, frame, roles)


@guarded(Right.EDIT, "data.import_started", summary="Started a SQL import")
def submit_sql_import(wb: Workbench, project_id: int, *, url: str) -> int:
    """A job row for a SQL import, already claimed by this process: only it knows the URL.

    The row holds the redacted URL; run it with ``runner.run_in_thread`` (page) or
    ``runner.execute`` (CLI) and a handler wrapping :func:`import_sql`.
    """
    return submit(
        wb,
        "data.import_sql",
        {"source": ingest.redact_url(url)},
        project_id=project_id,
        title=f"Query {ingest.redact_url(url)}",
        claimed=True,
    )


def _finish_import(
    ctx: JobContext,
    version: VersionInfo,
    created: bool,
    frame: pd.DataFrame,
    roles: dict[str, Any] | None,
) -> dict[str, Any]:
    wb = ctx.workbench
    ctx.progress(0.8, "Applying column roles and checking expectations…")
    settings = data_config.ensure_config(wb, version.project_id, frame)
    if roles:
        settings = data_config.apply_role_request(
            wb, version.project_id, data_config.RoleRequest(**roles), frame
        )
    suggested = data_config.suggested_sensitive(settings, frame)
    results = data_config.record_expectation_results(wb, version, frame)
    failed = sum(1 for r in results if not r["passed"])
    verb = "Imported" if created else "Same content as"
    message = (
        f"{verb} version {version.version}: {version.rows:,} rows × {version.columns} columns."
    )
    if failed:
        message += f" {failed} expectation(s) failed."
    if warnings := version.details.get("warnings"):
        message += f" {len(warnings)} warning(s): see below."
    return {
        **version.to_json(),
        "created": created,
        "expectations_failed": failed,
        "suggested_sensitive": data_config.suggestions_json(suggested),
        "_message": message,
    }
