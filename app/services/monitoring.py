"""Monitor: production predictions come back — drift, live metrics, value, health, alerts, retrain.

Each import is a batch (the service's JSON-lines log or a batch-scored file), stored as
Parquet in the log's shape; outcomes joined by an ID add ``actual``. The reference for drift
is the run's own held-out test rows with the model's scores on them.

Drift watches every column a batch carries that the training data has (inputs, and the
columns the model does not read such as sensitive ones, marked ``model_input`` False), never
the target or identifiers. Both sides are compared in the same form: the reference rows went
through the project's cleaning recipe, so the production rows do too before drift is
measured (see ``_prepared``). A batch made by the simulator is flagged ``simulated``; it is
shown as such and kept out of retraining unless asked for.
"""

from __future__ import annotations

import dataclasses
import io
import json
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from app.context import Workbench
from app.errors import NotFound, UserError
from app.jobs import JobContext, job_kind, submit
from app.services import artifacts as artifact_service
from app.services import data_dirs, datasets, evaluation, goals, scoring, splits, training
from app.services.jsonable import finite, plain
from app.services.projects import touch_project
from app.services.training import RunInfo
from core import ingest, monitor, prepare, simulate, train
from core.exceptions import CoreError
from core.schema import probability_column
from storage.models import MonitorAlert, MonitoringBatch, MonitorSettings

LOG_SUFFIXES = (".jsonl", ".log", ".ndjson", ".json")
DEMO_START = datetime(2026, 8, 3, tzinfo=UTC)
DEMO_DRIFT_COLUMN = "monthly_charges"


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


def _batch(row: MonitoringBatch) -> BatchInfo:
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
        return [_batch(r) for r in rows]


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


# -- importing ------------------------------------------------------------------------------


def read_outcomes(content: bytes | Path, filename: str) -> pd.DataFrame:
    frame, _info = ingest.read_table(content, filename=filename)
    return frame


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


def _watched_columns(run: RunInfo) -> list[str]:
    """Columns of the training data worth watching: all but the target and identifiers."""
    schema = evaluation.run_schema(run)
    skipped = {schema.target, *schema.by_role("identifier"), *monitor.LOG_COLUMNS, "actual"}
    return [
        c.name
        for c in schema.columns
        if c.name not in skipped and not c.name.startswith(monitor.PROBABILITY_PREFIX)
    ]


def _read_log(run: RunInfo, text: str) -> tuple[pd.DataFrame, tuple[str, ...], int]:
    """The log's rows with the model's inputs and any other training column the callers sent."""
    inputs = run.input_columns
    others = [c for c in _watched_columns(run) if c not in inputs]
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
    stored = wb.artifacts.put_bytes(_parquet(frame))
    times = (
        pd.to_datetime(frame["time"], utc=True)
        if "time" in frame and len(frame)
        else pd.Series(dtype="datetime64[ns, UTC]")
    )
    with wb.db.write() as session:
        artifact_service.register(session, stored, "application/vnd.apache.parquet")
        row = MonitoringBatch(
            project_id=project_id, run_id=run.id, source=source[:500], kind=kind, rows=len(frame),
            requests=int(requests), bad_lines=list(bad)[:20],
            window_start=times.min().to_pydatetime() if len(times) else None,
            window_end=times.max().to_pydatetime() if len(times) else None,
            frame_sha256=stored.sha256, outcomes_matched=int(matched), simulated=simulated,
        )  # fmt: skip
        session.add(row)
        touch_project(session, project_id)
        session.flush()
        info = _batch(row)
    raise_alerts(wb, project_id, batch_id=info.id)
    return info


def _parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    safe = frame.copy()
    for column in safe.columns:  # mixed Python objects (e.g. "None" and numbers) become text
        if safe[column].dtype == object:
            safe[column] = safe[column].map(
                lambda v: v if v is None or isinstance(v, str) else str(v)
            )
    safe.to_parquet(buffer, index=False)
    return buffer.getvalue()


def attach_outcomes(
    wb: Workbench, batch_id: int, outcomes: pd.DataFrame, id_column: str
) -> BatchInfo:
    """Outcomes known later: join them to an existing batch (its stored rows are replaced)."""
    with wb.db.read() as session:
        row = session.get(MonitoringBatch, batch_id)
        if row is None:
            raise NotFound(f"There is no monitoring batch {batch_id}.")
        batch = _batch(row)
    run = (
        training.get_run(wb, batch.run_id) if batch.run_id else monitored_run(wb, batch.project_id)
    )
    frame = batch_rows(wb, batch).drop(columns=["actual"], errors="ignore")
    frame, matched = _join(run, frame, outcomes, id_column, batch.kind)
    stored = wb.artifacts.put_bytes(_parquet(frame))
    with wb.db.write() as session:
        artifact_service.register(session, stored, "application/vnd.apache.parquet")
        row = session.get(MonitoringBatch, batch_id)
        assert row is not None
        row.frame_sha256, row.outcomes_matched = stored.sha256, matched
        session.flush()
        info = _batch(row)
    raise_alerts(wb, batch.project_id, batch_id=batch_id)
    return info


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


def update_settings(wb: Workbench, project_id: int, **changes: Any) -> MonitorSettings:
    if changes.get("webhook_url"):
        url = str(changes["webhook_url"]).strip()
        if not url.startswith(("http://", "https://")):
            raise UserError("A webhook URL starts with http:// or https://.")
        changes["webhook_url"] = url
    if changes.get("log_path"):
        _check_readable(str(changes["log_path"]))
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


def _check_readable(log_path: str) -> Path:
    """The log file's real path, when this server may read it (see app.services.data_dirs)."""
    reason = data_dirs.refusal(log_path)
    if reason is not None:
        raise UserError(reason, field="log_path")
    return Path(log_path).expanduser().resolve()


def import_new_lines(wb: Workbench, project_id: int) -> BatchInfo | None:
    """Read the configured log from where the last import stopped; None when nothing is new."""
    settings = settings_for(wb, project_id)
    if not settings.log_path:
        raise UserError("No log file is configured.", hint="Set the service log's path first.")
    path = _check_readable(settings.log_path)
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


# -- the report -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class MonitorReport:
    run: RunInfo
    batches: tuple[BatchInfo, ...]
    frame: pd.DataFrame
    drift: monitor.DriftReport | None
    drift_over_time: pd.DataFrame | None
    performance: pd.DataFrame | None
    health: monitor.ServiceHealth | None
    alerts: tuple[monitor.Alert, ...]
    promised_value: float | None
    currency: str | None
    freq: str
    notes: tuple[str, ...] = ()
    unchecked: tuple[monitor.UncheckedRule, ...] = ()

    @property
    def includes_simulated(self) -> bool:
        """Some of the rows (and so the live metrics and realised value) are simulated."""
        return any(b.simulated for b in self.batches)


def report_key(wb: Workbench, project_id: int) -> str:
    """What a report depends on — batches, the monitored model, the goal — as one cheap key."""
    batches = list_batches(wb, project_id)
    run = training.champion(wb, project_id)
    latest = goals.latest_goal(wb, project_id)
    return repr(
        (
            [(b.id, b.frame_sha256) for b in batches],
            run.pipeline_sha256 if run else None,
            latest.version if latest else None,
        )
    )


def _reference(wb: Workbench, run: RunInfo) -> pd.DataFrame:
    """The held-out rows after the recipe: every watched column, and the model's scores."""
    rows = evaluation.evaluation_rows(wb, run)
    watched = [c for c in _watched_columns(run) if c in rows.frame.columns]
    reference = rows.frame[list(dict.fromkeys([*rows.features, *watched]))].copy()
    if rows.score is not None:
        reference["probability"] = rows.score
    elif rows.task == "regression":
        reference["prediction"] = rows.prediction
    return reference


def _frequency(frame: pd.DataFrame) -> str:
    if frame.empty or "time" not in frame:
        return "W"
    span = (
        pd.to_datetime(frame["time"], utc=True).max()
        - pd.to_datetime(frame["time"], utc=True).min()
    )
    return (
        "D" if span <= pd.Timedelta(days=21) else ("W" if span <= pd.Timedelta(days=200) else "MS")
    )


def monitor_report(wb: Workbench, project_id: int, *, freq: str | None = None) -> MonitorReport:
    batches = list_batches(wb, project_id)
    if not batches:
        raise UserError(
            "No production data imported yet.", hint="Import a prediction log or a scored file."
        )
    run_id = batches[-1].run_id
    run = training.get_run(wb, run_id) if run_id else monitored_run(wb, project_id)
    frame = pd.concat([batch_rows(wb, b) for b in batches], ignore_index=True)
    freq = freq or _frequency(frame)
    schema = evaluation.run_schema(run)
    notes: list[str] = []
    recipe = prepare.recipe_from_list(list(run.snapshot.get("recipe", [])))
    latest, latest_notes = _prepared(batch_rows(wb, batches[-1]), recipe, schema.target)
    prepared, _ = _prepared(frame, recipe, schema.target)
    notes += latest_notes
    reference = _reference(wb, run)
    features = [c for c in run.input_columns if c in prepared.columns]
    others = [
        c
        for c in _watched_columns(run)
        if c in reference.columns and c in prepared.columns and c not in run.input_columns
    ]
    categorical = [
        c.name
        for c in schema.columns
        if c.name in (*features, *others) and c.type not in ("numeric", "datetime")
    ]
    prediction = (
        "probability"
        if "probability" in reference
        else ("prediction" if schema.task == "regression" else None)
    )
    reference, prepared, latest = _comparable(reference, prepared, latest)
    worth = evaluation.money(wb, project_id)
    try:
        drift = monitor.drift_report(
            reference, latest, columns=features, other_columns=others, categorical=categorical,
            prediction_column=prediction,
        )  # fmt: skip
        over_time = monitor.drift_over_time(
            reference, prepared, columns=features, other_columns=others, categorical=categorical,
            freq=freq, prediction_column=prediction,
        )  # fmt: skip
    except CoreError as error:
        drift, over_time = None, None
        notes.append(f"Drift not measured: {error}")
    performance = None
    if "actual" in frame and frame["actual"].notna().any():
        positive = evaluation.positive_class(
            schema,
            tuple(
                sorted(
                    {str(v) for v in frame["actual"].dropna()}
                    | {str(v) for v in frame["prediction"].dropna()}
                )
            ),
        )
        try:
            performance = monitor.performance_over_time(
                frame, task=schema.task or "binary", positive=positive, freq=freq,
                payoff=worth.payoff, volume_per_month=worth.volume_per_month, error_cost=worth.error_cost,
            )  # fmt: skip
        except CoreError as error:
            performance = None
            notes.append(f"Live metrics not measured: {error}")
        if performance is not None:
            performance, dropped = _whole_periods(performance)
            if dropped:
                notes.append(
                    f"Left out {dropped} partial period(s) with too few labelled rows to judge."
                )
    else:
        notes.append(
            "No outcomes joined yet: live metrics and realised value need the true labels."
        )
    health = (
        monitor.service_health(frame, freq="D" if freq != "D" else "h")
        if "status" in frame
        else None
    )
    check = _alerts(wb, project_id, run, drift, performance, health, worth.currency)
    if any(b.simulated for b in batches):
        notes.append(
            "Includes simulated batches: the live metrics and realised value are not real results."
        )
    return MonitorReport(
        run, tuple(batches), frame, drift, over_time, performance, health, check.alerts,
        worth.business_case_value, worth.currency, freq, tuple(notes), check.unchecked,
    )  # fmt: skip


def _prepared(
    frame: pd.DataFrame, recipe: prepare.Recipe, target: str | None
) -> tuple[pd.DataFrame, list[str]]:
    """Production rows in the reference's form: the run's recipe applied to them too.

    The reference rows went through the recipe (a filled category, a capped number, a
    filter); raw production rows would differ from them by the cleaning alone and raise
    false drift alarms. Steps on the target (production has none yet) are skipped, and so
    is dropping duplicates (a repeated request is real traffic); a step the rows do not fit
    is skipped and said.
    """
    notes: list[str] = []
    for number, step in enumerate(recipe.steps, start=1):
        needed = [step.column] if step.column else list(step.params.get("subset") or [])
        if step.kind == "drop_duplicates" or target in needed:
            continue
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            notes.append(
                f"Cleaning step {number} ({step.describe()}) not applied to the production rows: "
                f"they have no column {missing[0]!r}."
            )
            continue
        try:
            applied = prepare.apply_recipe(frame, prepare.Recipe((step,))).frame
        except CoreError as error:
            notes.append(
                f"Cleaning step {number} ({step.describe()}) not applied to the production rows: {error}"
            )
            continue
        if len(applied) < len(frame):
            notes.append(
                f"{len(frame) - len(applied):,} of {len(frame):,} rows of the latest batch are "
                f"outside cleaning step {number} ({step.describe()}); drift leaves them out, as "
                "training did."
            )
        frame = applied
    return frame, notes


def _comparable(
    reference: pd.DataFrame, frame: pd.DataFrame, latest: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Dates become days since 1970 on both sides (a log carries them as text)."""
    dates = [c for c in reference.columns if pd.api.types.is_datetime64_any_dtype(reference[c])]
    if not dates:
        return reference, frame, latest

    def days(table: pd.DataFrame) -> pd.DataFrame:
        table = table.copy()
        for column in dates:
            if column in table:
                moments = pd.to_datetime(table[column], errors="coerce", utc=True, format="mixed")
                table[column] = (moments - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(days=1)
        return table

    return days(reference), days(frame), days(latest)


def _whole_periods(performance: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Drop periods with under a quarter of the usual labelled rows (a half week at the edges)."""
    if performance.empty or "rows" not in performance:
        return performance, 0
    enough = performance["rows"] >= max(30, 0.25 * float(performance["rows"].median()))
    return performance[enough], int((~enough).sum())


#: A live metric this far below the cross-validated one is worth an alert, goal or not.
METRIC_DROP = 0.05


def _alerts(
    wb: Workbench, project_id: int, run: RunInfo, drift: Any, performance: Any, health: Any,
    currency: str | None,
) -> monitor.AlertCheck:  # fmt: skip
    latest = goals.latest_goal(wb, project_id)
    rules = monitor.default_rules(latest.goal if latest else None)
    baseline = run.scores.get("roc_auc")
    if baseline is not None and evaluation.run_schema(run).task == "binary":
        rules.append(monitor.AlertRule("metric", float(baseline) - METRIC_DROP, metric="roc_auc"))
    return monitor.check_alerts(
        rules, drift=drift, performance=performance, health=health, currency=currency
    )


#: The alert log's kind for a rule that could not be checked on an import.
UNCHECKED_KIND = "unchecked"


def raise_alerts(wb: Workbench, project_id: int, *, batch_id: int | None) -> list[monitor.Alert]:
    """Evaluate the rules after an import, log the alerts and the rules that could not be
    checked (with why), and post them to the webhook if set."""
    try:
        report = monitor_report(wb, project_id)
    except UserError as error:
        unchecked = [f"No alert rule could be checked: {error}"]
        alerts: list[monitor.Alert] = []
    else:
        alerts = list(report.alerts)
        unchecked = [unchecked_text(u) for u in report.unchecked]
    webhook = settings_for(wb, project_id).webhook_url
    status = "not configured"
    if webhook and alerts:
        status = _post_webhook(webhook, project_id, alerts, unchecked)
    with wb.db.write() as session:
        for alert in alerts:
            session.add(
                MonitorAlert(
                    project_id=project_id, batch_id=batch_id, kind=alert.kind, severity=alert.severity,
                    message=alert.message, value=finite(alert.value), threshold=finite(alert.threshold),
                    webhook=status,
                )
            )  # fmt: skip
        for message in unchecked:
            session.add(
                MonitorAlert(
                    project_id=project_id, batch_id=batch_id, kind=UNCHECKED_KIND,
                    severity="warning", message=message, webhook=status,
                )
            )  # fmt: skip
    return alerts


def unchecked_text(item: monitor.UncheckedRule) -> str:
    """One line for the page, the CLI and the alert log: which rule, and why it was not checked."""
    return f"Rule not checked — {item.describe()}: {item.why}."


def _post_webhook(
    url: str, project_id: int, alerts: list[monitor.Alert], unchecked: list[str]
) -> str:
    body = json.dumps(
        {
            "project_id": project_id,
            "alerts": [
                {
                    "kind": a.kind,
                    "severity": a.severity,
                    "message": a.message,
                    "value": finite(a.value),
                    "threshold": finite(a.threshold),
                }
                for a in alerts
            ],
            "unchecked": unchecked,
        }
    ).encode()
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return f"sent ({answer.status})"
    except Exception as error:  # a broken webhook must not break the import; it is recorded
        return f"failed: {type(error).__name__}"[:200]


def alert_log(wb: Workbench, project_id: int, limit: int = 200) -> pd.DataFrame:
    with wb.db.read() as session:
        rows = session.scalars(
            select(MonitorAlert)
            .where(MonitorAlert.project_id == project_id)
            .order_by(MonitorAlert.id.desc())
            .limit(limit)
        )
        return pd.DataFrame(
            [
                {"time": r.created_at, "batch": r.batch_id, "kind": r.kind, "severity": r.severity,
                 "message": r.message, "webhook": r.webhook}
                for r in rows
            ],
            columns=["time", "batch", "kind", "severity", "message", "webhook"],
        )  # fmt: skip


def report_json(report: MonitorReport) -> dict[str, Any]:
    """The CLI's `monitor report --json`: drift per column (``model_input`` says whether the
    model reads it), live metrics, KPI, alerts, and the rules that could not be checked."""
    drift = []
    if report.drift is not None:
        for row in report.drift.table.to_dict(orient="records"):
            drift.append({k: plain(v) for k, v in row.items()})
    performance = []
    if report.performance is not None:
        for row in report.performance.reset_index().to_dict(orient="records"):
            performance.append({k: plain(v) for k, v in row.items()})
    realised = None
    if report.performance is not None and "value_per_month" in report.performance:
        values = report.performance["value_per_month"].dropna()
        realised = plain(values.iloc[-1]) if len(values) else None
    return {
        "run_id": report.run.id,
        "batches": [b.to_json() for b in report.batches],
        "rows": len(report.frame),
        "frequency": report.freq,
        "drift": drift,
        "drifted": list(report.drift.drifted) if report.drift is not None else [],
        "performance": performance,
        "kpi": {
            "realised_value_per_month": realised,
            "promised_value_per_month": report.promised_value,
            "currency": report.currency,
            "includes_simulated": report.includes_simulated,
        },
        "health": _health_json(report.health),
        "alerts": [
            {
                "kind": a.kind,
                "severity": a.severity,
                "message": a.message,
                "value": plain(a.value),
                "threshold": plain(a.threshold),
            }
            for a in report.alerts
        ],
        "unchecked": [
            {
                "rule": u.describe(),
                "kind": u.rule.kind,
                "metric": u.rule.metric,
                "column": u.rule.column,
                "threshold": plain(u.rule.threshold),
                "why": u.why,
            }
            for u in report.unchecked
        ],
        "notes": list(report.notes),
    }


def _health_json(health: monitor.ServiceHealth | None) -> dict[str, Any] | None:
    if health is None:
        return None
    return {
        "requests": int(health.requests), "errors": int(health.errors), "error_rate": plain(health.error_rate),
        "latency_ms": {"p50": plain(health.latency_p50), "p95": plain(health.latency_p95), "p99": plain(health.latency_p99)},
    }  # fmt: skip


# -- the demo's simulated production ---------------------------------------------------------------


@dataclass(frozen=True)
class Simulation:
    log_text: str
    outcomes: pd.DataFrame
    id_column: str


def simulate_production(
    wb: Workbench, project_id: int, *, months: int = 3, seed: int = 0
) -> Simulation:
    """Three months of service log from the project's own rows, one feature drifting from month two."""
    run = monitored_run(wb, project_id)
    schema = evaluation.run_schema(run)
    if schema.task != "binary":
        raise UserError(
            "The simulation covers yes/no classifiers; import a real log for this project."
        )

    version = datasets.get_version(wb, run.dataset_version_id)
    frame = datasets.load_frame(wb, version)
    identifiers = list(schema.by_role("identifier"))
    id_column = identifiers[0] if identifiers else "row_id"
    if id_column not in frame:
        frame = frame.assign(row_id=[f"R{i}" for i in range(len(frame))])
    drift_column = (
        DEMO_DRIFT_COLUMN if DEMO_DRIFT_COLUMN in run.input_columns else _first_numeric(run, frame)
    )
    pipeline_run = run

    positive = evaluation.positive_class(
        schema, tuple(sorted(str(v) for v in frame[schema.target].dropna().unique()))
    )

    def score(inputs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        scored = scoring.score_frame(wb, pipeline_run, inputs).frame
        return scored["prediction"].to_numpy(), scored[probability_column(positive)].to_numpy()

    try:
        simulated = simulate.simulate_production_log(
            frame, score, start=DEMO_START, months=months, drift_column=drift_column, seed=seed,
            target=schema.target, id_column=id_column, positive=positive,
            feature_columns=run.input_columns, model_version=f"run{run.id}",
        )  # fmt: skip
    except CoreError as error:
        raise UserError(f"Cannot simulate production: {error}") from error
    return Simulation(simulated.log_text, simulated.outcomes, id_column)


def _first_numeric(run: RunInfo, frame: pd.DataFrame) -> str:
    for column in run.input_columns:
        if column in frame and pd.api.types.is_numeric_dtype(frame[column]):
            return column
    raise UserError("The simulation drifts a numeric feature; this model reads none.")


# -- retraining: a challenger from training + labelled production rows -----------------------------

RETRAIN_KIND = "monitor.retrain"
RECENT_SHARE = 0.3  # the newest labelled rows, kept out of training to judge champion vs challenger
MIN_LABELLED = 100


def submit_retrain(
    wb: Workbench, project_id: int, *, claimed: bool = False, include_simulated: bool = False
) -> int:
    """Queue a retrain; simulated batches feed it only when ``include_simulated`` says so."""
    run = monitored_run(wb, project_id)
    params = {"project_id": project_id, "run_id": run.id, "include_simulated": include_simulated}
    title = f"Retrain run {run.id} ({run.model_name}) with production data"
    if include_simulated:
        title += " (simulated batches included)"
    return submit(
        wb, RETRAIN_KIND, params, project_id=project_id, title=title, claimed=claimed
    )  # fmt: skip


def _labelled_rows(frame: pd.DataFrame) -> pd.DataFrame:
    if "actual" not in frame:
        frame = frame.assign(actual=np.nan)
    frame = monitor.scored_rows(frame)
    return frame[frame["actual"].notna()]


def _labelled(
    wb: Workbench, project_id: int, run: RunInfo, *, include_simulated: bool = False
) -> pd.DataFrame:
    """Labelled production rows, oldest first; simulated batches only when asked for."""
    batches = list_batches(wb, project_id)
    kept = [b for b in batches if include_simulated or not b.simulated]
    frames = [batch_rows(wb, b) for b in kept]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    frame = _labelled_rows(frame)
    if "time" in frame:
        frame = frame.sort_values("time", kind="stable")
    if len(frame) < MIN_LABELLED:
        left_out = [b for b in batches if b not in kept]
        simulated = sum(len(_labelled_rows(batch_rows(wb, b))) for b in left_out)
        extra = (
            f" ({simulated:,} labelled rows of simulated batches are left out)" if simulated else ""
        )
        raise UserError(
            f"Retraining needs at least {MIN_LABELLED} production rows with known outcomes; "
            f"there are {len(frame)}{extra}.",
            hint=(
                "Simulated rows are not production: retrain with them only on purpose "
                "(--include-simulated, or 'Include simulated batches' on the Monitor page)."
                if simulated
                else "Import outcomes with the log (--outcomes FILE --id COL)."
            ),
        )
    target = evaluation.run_schema(run).target
    rows = frame[[c for c in run.input_columns if c in frame]].copy()
    rows[target] = frame["actual"].to_numpy()
    return rows.reset_index(drop=True)


@job_kind(RETRAIN_KIND, title="Retrain with production data", heavy=True)
def retrain_job(jctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """New dataset version = training data + older labelled production rows; same recipe,
    model, parameters and seed; judged with the champion on the newest labelled rows."""
    wb = jctx.workbench
    project_id = int(params["project_id"])
    champion = training.get_run(wb, int(params["run_id"]))
    include_simulated = bool(params.get("include_simulated", False))
    jctx.progress(0.05, "Collecting labelled production rows…")
    labelled = _labelled(wb, project_id, champion, include_simulated=include_simulated)
    cut = int(len(labelled) * (1 - RECENT_SHARE))
    older, recent = labelled.iloc[:cut], labelled.iloc[cut:].reset_index(drop=True)
    version = _merged_version(wb, project_id, champion, older, simulated=include_simulated)
    jctx.progress(0.25, f"Dataset v{version.version}: training the challenger…")
    challenger = _train_challenger(wb, jctx, champion, version)
    jctx.progress(0.85, "Comparing champion and challenger on the newest labelled rows…")
    outcome = compare_on_recent(wb, champion, challenger, recent)
    verdict = "challenger wins" if outcome["winner"] == "challenger" else "champion holds"
    return {
        **outcome,
        "dataset_version": version.version,
        "rows_added": len(older),
        "include_simulated": include_simulated,
        "_message": (
            f"Run {challenger.id} trained on dataset v{version.version} (+{len(older):,} production rows); "
            f"on the newest {len(recent):,} labelled rows: {verdict}."
        ),
    }


def _merged_version(
    wb: Workbench, project_id: int, champion: RunInfo, older: pd.DataFrame, *, simulated: bool
) -> Any:

    base_version = datasets.get_version(wb, champion.dataset_version_id)
    base = datasets.load_frame(wb, base_version)
    merged = pd.concat([base, _like(base, older)], ignore_index=True)
    info = ingest.DatasetInfo(
        source=f"dataset v{base_version.version} + {len(older):,} labelled production rows"
        + (" (simulated batches included)" if simulated else ""),
        format="parquet", rows=len(merged), columns=merged.shape[1], detected=None,
        notes=(f"Made by Retrain on the Monitor page from run {champion.id}.",),
    )  # fmt: skip
    version, _created = datasets.save_version(wb, project_id, merged, info)
    if not splits.has_split(wb, version.id):
        old = splits.get_split(wb, base_version)
        if old is None:
            raise UserError(f"Dataset v{base_version.version} has no split to copy.")
        splits.define_split(wb, version, old.split.spec)
    return version


def _like(base: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Production rows with the stored data's column types (a log carries dates and more as text)."""
    rows = rows.copy()
    for column in rows.columns:
        if column not in base:
            continue
        kind = base[column].dtype
        if pd.api.types.is_datetime64_any_dtype(kind):
            rows[column] = pd.to_datetime(rows[column], errors="coerce", utc=kind.tz is not None)
        elif pd.api.types.is_bool_dtype(kind):
            rows[column] = rows[column].astype("boolean")
        elif pd.api.types.is_numeric_dtype(kind):
            rows[column] = pd.to_numeric(rows[column], errors="coerce")
        elif _holds_dates(base[column]):
            rows[column] = pd.to_datetime(rows[column], errors="coerce").dt.date
        else:
            rows[column] = rows[column].map(
                lambda v: v if v is None or isinstance(v, str) or pd.isna(v) else str(v)
            )
    return rows


def _holds_dates(column: pd.Series) -> bool:
    """An object column of datetime.date values (Parquet's date type read back)."""
    import datetime as dt

    known = column.dropna()
    return len(known) > 0 and isinstance(known.iloc[0], dt.date)


def _train_challenger(wb: Workbench, jctx: JobContext, champion: RunInfo, version: Any) -> RunInfo:

    ctx = training.training_context(wb, champion.project_id, version.id)
    known = {f.name for f in dataclasses.fields(train.TrainSettings)}
    stored = {k: v for k, v in champion.settings.items() if k in known}
    settings = train.TrainSettings(
        **{**stored, "models": (champion.model_key,), "tune_trials": None, "tune_seconds": None}
    )
    value = (
        {
            "payoff": ctx.goal.payoff,
            "error_cost": ctx.goal.error_cost,
            "volume_per_month": ctx.goal.volume_per_month,
        }
        if ctx.goal
        else {}
    )
    result = train.cross_validate_model(
        ctx.frame, ctx.schema, champion.model_key, settings, params=dict(champion.params), **value
    )
    jctx.check_cancelled()
    pipeline = train.fit_final(
        ctx.frame, ctx.schema, champion.model_key, dict(result.params), settings
    )
    run = training.save_run(wb, ctx, result, settings, pipeline, kind="model", job_id=jctx.job_id)
    return training.update_run_notes(wb, run.id, tags={"challenger_of": champion.id})


def compare_on_recent(
    wb: Workbench, champion: RunInfo, challenger: RunInfo, recent: pd.DataFrame
) -> dict[str, Any]:
    """Both runs on the same newest labelled rows: metrics, value per month, the winner."""
    worth = evaluation.money(wb, champion.project_id)
    a = evaluation.evaluation_rows(
        wb, champion, data=recent, source="newest labelled production rows"
    )
    b = evaluation.evaluation_rows(
        wb, challenger, data=recent, source="newest labelled production rows"
    )
    comparison, _rows = evaluation.compare(a, b)
    value_a = evaluation.evaluate_rows(a, worth, bootstrap=0).value_per_month
    value_b = evaluation.evaluate_rows(b, worth, bootstrap=0).value_per_month
    metrics = [
        {k: plain(v) for k, v in row.items()}
        for row in comparison.metrics.to_dict(orient="records")
    ]
    if value_a is not None and value_b is not None:
        winner = "challenger" if value_b > value_a else "champion"
    else:
        auc = next((m for m in metrics if m["metric"] == "roc_auc"), None)
        winner = "challenger" if auc and (auc["delta"] or 0) > 0 else "champion"
    return {
        "champion_run_id": champion.id, "challenger_run_id": challenger.id, "recent_rows": len(recent),
        "metrics": metrics, "champion_value_per_month": plain(value_a),
        "challenger_value_per_month": plain(value_b), "winner": winner,
    }  # fmt: skip
