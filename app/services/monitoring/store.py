"""The monitored model and its stored batches: listing, reading back, per-project settings."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select

from app.context import Workbench
from app.errors import UserError
from app.services import data_dirs, evaluation, training
from app.services.team.guard import guarded
from app.services.team.rights import Right
from app.services.training import RunInfo
from core import monitor
from core.data.schema import PROBABILITY_PREFIX
from core.text_limits import check_text
from storage.models import MonitoringBatch, MonitorSettings


@dataclass(frozen=True)
class BatchInfo:
    id: int
    project_id: int
    run_id: int | None
    source: str
    kind: str
    rows: int
    requests: int
    bad_lines: tuple[str, ...]
    window_start: datetime | None
    window_end: datetime | None
    frame_sha256: str
    outcomes_matched: int
    created_at: datetime
    simulated: bool = False

    def start_text(self) -> str:
        if self.window_start is None or self.window_end is None:
            return "no times"
        return f"{self.window_start:%Y-%m-%d} to {self.window_end:%Y-%m-%d}"

    def to_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.id, "run_id": self.run_id, "source": self.source, "kind": self.kind,
            "rows": self.rows, "requests": self.requests, "bad_lines": list(self.bad_lines),
            "start": _iso(self.window_start), "end": _iso(self.window_end),
            "outcomes_matched": self.outcomes_matched, "simulated": self.simulated,
        }  # fmt: skip


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def batch_info(row: MonitoringBatch) -> BatchInfo:
    return BatchInfo(
        row.id, row.project_id, row.run_id, row.source, row.kind, row.rows, row.requests,
        tuple(row.bad_lines), row.window_start, row.window_end, row.frame_sha256,
        row.outcomes_matched, row.created_at, bool(row.simulated),
    )  # fmt: skip


def list_batches(wb: Workbench, project_id: int) -> list[BatchInfo]:
    with wb.db.read() as session:
        rows = session.scalars(
            select(MonitoringBatch)
            .where(MonitoringBatch.project_id == project_id)
            .order_by(MonitoringBatch.id)
        )
        return [batch_info(r) for r in rows]


def monitored_run(wb: Workbench, project_id: int) -> RunInfo:
    run = training.champion(wb, project_id)
    if run is None:
        reason = training.no_champion_reason(wb, project_id)  # runs exist, none finished
        if reason:
            raise UserError(f"Monitoring compares production with the champion model. {reason}")
        raise UserError(
            "Monitoring compares production with a trained model; this project has none yet.",
            hint="Train and export a model first.",
        )
    return run


def watched_columns(run: RunInfo) -> list[str]:
    """Columns of the training data worth watching: all but the target and identifiers."""
    schema = evaluation.run_schema(run)
    skipped = {schema.target, *schema.by_role("identifier"), *monitor.LOG_COLUMNS, "actual"}
    return [
        c.name
        for c in schema.columns
        if c.name not in skipped and not c.name.startswith(PROBABILITY_PREFIX)
    ]


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    safe = frame.copy()
    for column in safe.columns:  # mixed Python objects (e.g. "None" and numbers) become text
        if safe[column].dtype == object:
            safe[column] = safe[column].map(
                lambda v: v if v is None or isinstance(v, str) else str(v)
            )
    safe.to_parquet(buffer, index=False)
    return buffer.getvalue()


def batch_rows(wb: Workbench, batch: BatchInfo) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(wb.artifacts.read_bytes(batch.frame_sha256)))


# -- the log file on disk, read on demand --------------------------------------------------------


def settings_for(wb: Workbench, project_id: int) -> MonitorSettings:
    with wb.db.read() as session:
        row = session.get(MonitorSettings, project_id)
        if row is None:
            return MonitorSettings(
                project_id=project_id, log_path=None, log_offset=0, webhook_url=None
            )
        session.expunge(row)
        return row


@guarded(Right.EDIT, "monitor.settings", summary="Changed the monitoring settings")
def update_settings(wb: Workbench, project_id: int, **changes: Any) -> MonitorSettings:
    if changes.get("webhook_url"):
        url = str(changes["webhook_url"]).strip()
        if not url.startswith(("http://", "https://")):
            raise UserError("A webhook URL starts with http:// or https://.")
        changes["webhook_url"] = check_text("webhook URL", url)
    if changes.get("log_path"):
        check_text("log file path", str(changes["log_path"]))
        check_readable(str(changes["log_path"]))
    with wb.db.write() as session:
        row = session.get(MonitorSettings, project_id)
        if row is None:
            row = MonitorSettings(project_id=project_id, log_offset=0)
            session.add(row)
        if "log_path" in changes and changes["log_path"] != row.log_path:
            row.log_offset = 0  # a new file is read from its start
        for key, value in changes.items():
            setattr(row, key, value or None if key != "log_offset" else value)
        row.updated_at = datetime.now(UTC)
    return settings_for(wb, project_id)


def check_readable(log_path: str) -> Path:
    """The log file's real path, when this server may read it (see app.services.data_dirs)."""
    reason = data_dirs.refusal(log_path)
    if reason is not None:
        raise UserError(reason, field="log_path")
    return Path(log_path).expanduser().resolve()
