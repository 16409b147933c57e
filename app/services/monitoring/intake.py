"""Production predictions come back as batches: the service's JSON-lines log or a batch-scored
file, stored as Parquet in the log's shape; outcomes joined by an ID add ``actual``.

A batch made by the simulator is flagged ``simulated``; it is shown as such and kept out of
retraining unless asked for.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from app.context import Workbench
from app.errors import NotFound, UserError
from app.services import artifacts as artifact_service
from app.services import evaluation, training
from app.services.monitoring.alerts import raise_alerts
from app.services.monitoring.store import (
    BatchInfo,
    batch_info,
    batch_rows,
    check_readable,
    monitored_run,
    parquet_bytes,
    settings_for,
    update_settings,
    watched_columns,
)
from app.services.projects import touch_project
from app.services.team.guard import guarded, project_of
from app.services.team.rights import Right
from app.services.training import RunInfo
from core import monitor
from core.data import ingest
from core.exceptions import CoreError
from storage.models import MonitoringBatch, fit_to_column

LOG_SUFFIXES = (".jsonl", ".log", ".ndjson", ".json")


# -- importing ------------------------------------------------------------------------------


def read_outcomes(content: bytes | Path, filename: str) -> pd.DataFrame:
    frame, _info = ingest.read_table(content, filename=filename)
    return frame


@guarded(Right.EDIT, "monitor.imported", summary="Imported production predictions")
def import_predictions(
    wb: Workbench,
    project_id: int,
    content: bytes,
    *,
    filename: str,
    outcomes: pd.DataFrame | None = None,
    id_column: str | None = None,
    now: datetime | None = None,
    source: str | None = None,
    simulated: bool | None = None,
) -> BatchInfo:
    """Store one batch (a log or a scored file), join outcomes if given, raise the alerts.

    ``simulated`` flags a batch made by the simulator; None reads the flag from the log
    itself (the simulator marks each line ``"simulated": true``).
    """
    run = monitored_run(wb, project_id)
    try:
        if filename.lower().endswith(LOG_SUFFIXES):
            text = content.decode("utf-8", errors="replace")
            frame, bad, requests = _read_log(run, text)
            kind = "log"
            if simulated is None:
                simulated = _says_simulated(text)
        else:
            table, _info = ingest.read_table(content, filename=filename)
            time_column = "time" if "time" in table.columns else None
            frame = monitor.batch_frame(
                table, time_column=time_column, batch_time=now or datetime.now(UTC),
                positive=evaluation.run_schema(run).positive_class,
            )  # fmt: skip
            kind, bad, requests = "batch", (), len(frame)
    except CoreError as error:
        raise UserError(f"Cannot read {filename}: {error}") from error
    matched = 0
    if outcomes is not None:
        frame, matched = _join(run, frame, outcomes, id_column, kind)
    return _store_batch(
        wb, project_id, run, frame, source=source or filename, kind=kind, bad=bad,
        requests=requests, matched=matched, simulated=bool(simulated),
    )  # fmt: skip


def _read_log(run: RunInfo, text: str) -> tuple[pd.DataFrame, tuple[str, ...], int]:
    """The log's rows with the model's inputs and any other training column the callers sent."""
    inputs = run.input_columns
    others = [c for c in watched_columns(run) if c not in inputs]
    log = monitor.parse_prediction_log(text, feature_columns=[*inputs, *others])
    absent = [c for c in others if log.frame[c].isna().all()]  # not sent: not a column of it
    return log.frame.drop(columns=absent), log.bad_lines, log.requests


def _says_simulated(text: str) -> bool:
    """The simulator marks its lines; a real service never writes the key."""
    for line in text.splitlines():
        if line.strip():
            try:
                record = json.loads(line)
            except ValueError:
                return False
            return isinstance(record, dict) and record.get("simulated") is True
    return False


def _join(
    run: RunInfo, frame: pd.DataFrame, outcomes: pd.DataFrame, id_column: str | None, kind: str
) -> tuple[pd.DataFrame, int]:
    target = evaluation.run_schema(run).target
    if target is None:
        raise UserError(f"Run {run.id} has no target column to join outcomes on.")
    if not id_column:
        raise UserError("Name the ID column that links outcomes to predictions (--id COL).")
    if target not in outcomes.columns:
        raise UserError(f"The outcomes file has no {target!r} column (the model's target).")
    try:
        joined = monitor.join_outcomes(
            frame, outcomes, id_column=id_column, target=target,
            prediction_id="request_id" if kind == "log" else None,
        )  # fmt: skip
    except CoreError as error:
        raise UserError(f"Cannot join the outcomes: {error}") from error
    return joined.frame, joined.matched


def _store_batch(
    wb: Workbench, project_id: int, run: RunInfo, frame: pd.DataFrame, *, source: str, kind: str,
    bad: tuple[str, ...] | list[str], requests: int, matched: int, simulated: bool = False,
) -> BatchInfo:  # fmt: skip
    stored = wb.artifacts.put_bytes(parquet_bytes(frame))
    times = (
        pd.to_datetime(frame["time"], utc=True)
        if "time" in frame and len(frame)
        else pd.Series(dtype="datetime64[ns, UTC]")
    )
    with wb.db.write() as session:
        artifact_service.register(session, stored, "application/vnd.apache.parquet")
        row = MonitoringBatch(
            project_id=project_id, run_id=run.id, kind=kind, rows=len(frame),
            source=fit_to_column(MonitoringBatch.source, source),
            requests=int(requests), bad_lines=list(bad)[:20],
            window_start=times.min().to_pydatetime() if len(times) else None,
            window_end=times.max().to_pydatetime() if len(times) else None,
            frame_sha256=stored.sha256, outcomes_matched=int(matched), simulated=simulated,
        )  # fmt: skip
        session.add(row)
        touch_project(session, project_id)
        session.flush()
        info = batch_info(row)
    raise_alerts(wb, project_id, batch_id=info.id)
    return info


@guarded(
    Right.EDIT,
    "monitor.outcomes",
    project=project_of(MonitoringBatch, "batch_id"),
    summary="Joined outcomes to batch {batch_id}",
)
def attach_outcomes(
    wb: Workbench, batch_id: int, outcomes: pd.DataFrame, id_column: str
) -> BatchInfo:
    """Outcomes known later: join them to an existing batch (its stored rows are replaced)."""
    with wb.db.read() as session:
        row = session.get(MonitoringBatch, batch_id)
        if row is None:
            raise NotFound(f"There is no monitoring batch {batch_id}.")
        batch = batch_info(row)
    run = (
        training.get_run(wb, batch.run_id) if batch.run_id else monitored_run(wb, batch.project_id)
    )
    frame = batch_rows(wb, batch).drop(columns=["actual"], errors="ignore")
    frame, matched = _join(run, frame, outcomes, id_column, batch.kind)
    stored = wb.artifacts.put_bytes(parquet_bytes(frame))
    with wb.db.write() as session:
        artifact_service.register(session, stored, "application/vnd.apache.parquet")
        row = session.get(MonitoringBatch, batch_id)
        assert row is not None
        row.frame_sha256, row.outcomes_matched = stored.sha256, matched
        session.flush()
        info = batch_info(row)
    raise_alerts(wb, batch.project_id, batch_id=batch_id)
    return info


@guarded(Right.EDIT, "monitor.imported", summary="Read new lines of the service log")
def import_new_lines(wb: Workbench, project_id: int) -> BatchInfo | None:
    """Read the configured log from where the last import stopped; None when nothing is new."""
    settings = settings_for(wb, project_id)
    if not settings.log_path:
        raise UserError("No log file is configured.", hint="Set the service log's path first.")
    path = check_readable(settings.log_path)
    if not path.is_file():
        raise UserError(f"{path} does not exist or is not a file.")
    size = path.stat().st_size
    offset = settings.log_offset if settings.log_offset <= size else 0  # rotated: start over
    with path.open("rb") as handle:
        handle.seek(offset)
        data = handle.read()
    end = data.rfind(b"\n") + 1  # a half-written last line waits for the next import
    if end <= 0:
        return None
    batch = import_predictions(
        wb,
        project_id,
        data[:end],
        filename=path.name,
        source=f"{path.name} (bytes {offset:,}–{offset + end:,})",
    )
    update_settings(wb, project_id, log_offset=offset + end)
    return batch
