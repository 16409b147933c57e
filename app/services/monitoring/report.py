"""The monitoring report: drift, live metrics, value and health of the monitored model.

The reference for drift is the run's own held-out test rows with the model's scores on them.
Drift watches every column a batch carries that the training data has (inputs, and the
columns the model does not read such as sensitive ones, marked ``model_input`` False), never
the target or identifiers. Both sides are compared in the same form: the reference rows went
through the project's cleaning recipe, so the production rows do too before drift is
measured (see ``_prepared``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from app.context import Workbench
from app.errors import UserError
from app.services import evaluation, goals, training
from app.services.jsonable import plain
from app.services.monitoring.store import (
    BatchInfo,
    batch_rows,
    list_batches,
    monitored_run,
    watched_columns,
)
from app.services.training import RunInfo
from core import monitor
from core.data.cleaning import apply_recipe
from core.data.recipe import Recipe, recipe_from_list
from core.exceptions import CoreError

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
    watched = [c for c in watched_columns(run) if c in rows.frame.columns]
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
    recipe = recipe_from_list(list(run.snapshot.get("recipe", [])))
    latest, latest_notes = _prepared(batch_rows(wb, batches[-1]), recipe, schema.target)
    prepared, _ = _prepared(frame, recipe, schema.target)
    notes += latest_notes
    reference = _reference(wb, run)
    features = [c for c in run.input_columns if c in prepared.columns]
    others = [
        c
        for c in watched_columns(run)
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
    frame: pd.DataFrame, recipe: Recipe, target: str | None
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
            applied = apply_recipe(frame, Recipe((step,))).frame
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
