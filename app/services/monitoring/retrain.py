"""Simulated production traffic and retraining on labelled production rows.

The retrain job trains a challenger on the training data plus older labelled production rows
and compares it with the champion on the newest ones (kept out of training).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from app.context import Workbench
from app.errors import UserError
from app.jobs import JobContext, job_kind, submit
from app.services import datasets, evaluation, scoring, splits, training
from app.services.jsonable import plain
from app.services.monitoring.store import batch_rows, list_batches, monitored_run
from app.services.team.guard import guarded
from app.services.team.rights import Right
from app.services.training import RunInfo, value_inputs
from core import monitor, train
from core.data import ingest
from core.data.schema import probability_column
from core.exceptions import CoreError

DEMO_START = datetime(2026, 8, 3, tzinfo=UTC)


DEMO_DRIFT_COLUMN = "monthly_charges"


# -- the demo's simulated production ---------------------------------------------------------------


@dataclass(frozen=True)
class Simulation:
    log_text: str
    outcomes: pd.DataFrame
    id_column: str


@guarded(Right.EDIT, "monitor.simulated", summary="Simulated production months")
def simulate_production(
    wb: Workbench, project_id: int, *, months: int = 3, seed: int = 0
) -> Simulation:
    """Three months of service log from the project's own rows, one feature drifting from month two."""
    run = monitored_run(wb, project_id)
    schema = evaluation.run_schema(run)
    target = schema.target
    if schema.task != "binary" or target is None:
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
        schema, tuple(sorted(str(v) for v in frame[target].dropna().unique()))
    )
    assert positive is not None  # a binary target has one

    def score(inputs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        scored = scoring.score_frame(wb, pipeline_run, inputs).frame
        return scored["prediction"].to_numpy(), scored[probability_column(positive)].to_numpy()

    try:
        simulated = monitor.simulate_production_log(
            frame, score, start=DEMO_START, months=months, drift_column=drift_column, seed=seed,
            target=target, id_column=id_column, positive=positive,
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


@guarded(
    Right.EDIT, "training.retrain_started", summary="Started retraining on production outcomes"
)
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
            aware = isinstance(kind, pd.DatetimeTZDtype)  # a naive numpy dtype has no .tz
            rows[column] = pd.to_datetime(rows[column], errors="coerce", utc=aware)
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
    settings = train.TrainSettings.from_stored(
        champion.settings, models=(champion.model_key,), tune_trials=None, tune_seconds=None
    )
    value = value_inputs(ctx)
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
