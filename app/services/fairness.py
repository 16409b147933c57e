"""Fairness: group metrics of a run on its test rows, stored reports, and mitigation as new runs.

Groups come from the columns marked sensitive on the Data page; numbers can be binned into
quantile groups for the report. Mitigated models read the sensitive column at prediction time
(their per-group thresholds or weights need it), recorded in the run's ``sensitive_inputs``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import select

from app.context import Workbench
from app.errors import UserError
from app.jobs import JobContext, job_kind, submit
from app.services import evaluation, goals, training
from app.services.evaluation import EvaluationRows
from app.services.team.guard import guarded, project_arg, project_of
from app.services.team.rights import Right
from app.services.training import RunInfo
from core import fairness, train
from core.data.schema import schema_from_dict
from core.exceptions import CoreError
from core.train import zoo
from storage.models import FairnessAnalysis, Run

MITIGATE_KIND = "fairness.mitigate"
DEFAULT_BINS = 4
MANY_VALUES = 12  # a number with more distinct values than this is compared in quantile groups
Method = Literal["threshold", "expgrad"]
METHODS: dict[str, str] = {
    "threshold": "Per-group thresholds (post-processing; fast, the model is unchanged)",
    "expgrad": "Retrain under the constraint (exponentiated gradient; slower)",
}
CONSTRAINTS: dict[str, str] = {
    "demographic_parity": "Demographic parity — every group flagged at the same rate",
    "equalized_odds": "Equalized odds — same true- and false-positive rates in every group",
    "true_positive_rate_parity": "Equal opportunity — same true-positive rate in every group",
}
LEARN_MORE = "https://fairlearn.org/main/user_guide/assessment/common_fairness_metrics.html"


def sensitive_columns(run: RunInfo) -> list[str]:
    """Columns marked sensitive when the run was trained (roles on the Data page)."""
    return list(schema_from_dict(run.snapshot["schema"]).by_role("sensitive"))


def needs_bins(column: pd.Series) -> bool:
    """A number with many values: its groups are quantile bins (the page and the CLI alike)."""
    return bool(pd.api.types.is_numeric_dtype(column) and column.nunique() > MANY_VALUES)


def default_bins(frame: pd.DataFrame, attributes: list[str]) -> dict[str, int]:
    """The bins used when none are given: DEFAULT_BINS for each number with many values."""
    return {a: DEFAULT_BINS for a in attributes if a in frame.columns and needs_bins(frame[a])}


def group_frame(
    frame: pd.DataFrame, attributes: list[str], bins: dict[str, int] | None = None
) -> pd.DataFrame:
    """The sensitive columns as groups; a number with many values becomes quantile bins."""
    if not attributes:
        raise UserError("Choose a sensitive attribute to compare groups on.")
    if len(attributes) > 2:
        raise UserError("Compare at most two attributes at once (their intersection).")
    missing = [a for a in attributes if a not in frame.columns]
    if missing:
        raise UserError(f"The rows have no column {missing[0]!r}.")
    groups = {}
    for name in attributes:
        column = frame[name]
        count = (bins or {}).get(name)
        if count and pd.api.types.is_numeric_dtype(column) and column.nunique() > count:
            groups[name] = _quantile_groups(column, int(count))
        else:
            groups[name] = column
    return pd.DataFrame(groups, index=frame.index)


def _quantile_groups(column: pd.Series, count: int) -> pd.Series:
    cut = pd.qcut(column, q=count, duplicates="drop")
    labels = {interval: f"{interval.left:g}–{interval.right:g}" for interval in cut.cat.categories}
    return cut.map(labels).astype(object)


def limits(wb: Workbench, project_id: int) -> dict[str, float]:
    """The fairness limits the Goal page's requirements set."""
    latest = goals.latest_goal(wb, project_id)
    if latest is None:
        return {}
    limit = latest.goal.requirements.max_demographic_parity_difference
    return {} if limit is None else {"demographic_parity_difference": float(limit)}


def report_for_rows(
    wb: Workbench,
    rows: EvaluationRows,
    attributes: list[str],
    *,
    bins: dict[str, int] | None = None,
    bootstrap: int = 200,
) -> fairness.FairnessReport:
    """Group metrics of the run's predictions (at its threshold), with the goal's limits."""
    run = training.get_run(wb, rows.run_id)
    worth = evaluation.money(wb, run.project_id)
    groups = group_frame(rows.frame, attributes, bins)
    task = rows.task
    limit = limits(wb, run.project_id)
    try:
        return fairness.fairness_report(
            rows.y.to_numpy(), rows.prediction, groups, task=task, positive=rows.positive,
            proba=rows.score if task == "binary" else None,
            payoff=worth.payoff if task == "binary" else None,
            volume_per_month=worth.volume_per_month if task == "binary" else None,
            bootstrap=bootstrap, seed=0,
            limits={k: v for k, v in limit.items() if task == "binary"},
        )  # fmt: skip
    except CoreError as error:
        raise UserError(f"Cannot compare groups: {error}") from error


@guarded(
    Right.EDIT,
    "fairness.analysed",
    project=project_arg("run"),
    summary=lambda a: "Fairness check on " + ", ".join(a["attributes"]),
)
def analyse(
    wb: Workbench,
    run: RunInfo,
    attributes: list[str],
    *,
    bins: dict[str, int] | None = None,
    rows: EvaluationRows | None = None,
    data: pd.DataFrame | None = None,
    source: str | None = None,
) -> fairness.FairnessReport:
    """A run's fairness report, stored for the stepper and the model card.

    ``bins=None`` bins every number with many values (``default_bins``), as the page does.
    """
    rows = rows or evaluation.evaluation_rows(wb, run, data=data, source=source)
    unknown = [a for a in attributes if a not in rows.frame.columns]
    if unknown:
        marked = ", ".join(sensitive_columns(run)) or "none"
        raise UserError(
            f"There is no column {unknown[0]!r} in {rows.source}.",
            hint=f"Columns marked sensitive on the Data page: {marked}.",
        )
    if bins is None:
        bins = default_bins(rows.frame, attributes)
    report = report_for_rows(wb, rows, attributes, bins=bins)
    settings = {"attributes": list(attributes), "bins": dict(bins or {}), "source": rows.source}
    document = report.to_json()
    latest = latest_analysis(wb, run.id)
    if latest is None or (latest.settings, latest.report) != (settings, _round_trip(document)):
        with wb.db.write() as session:  # a page rerun with the same choice adds nothing
            session.add(FairnessAnalysis(run_id=run.id, settings=settings, report=document))
    return report


def _round_trip(document: dict[str, Any]) -> dict[str, Any]:
    """The document as the JSON column gives it back (tuples become lists)."""
    return json.loads(json.dumps(document))


@dataclass(frozen=True)
class StoredAnalysis:
    run_id: int
    settings: dict[str, Any]
    report: dict[str, Any]


def latest_analysis(wb: Workbench, run_id: int) -> StoredAnalysis | None:
    with wb.db.read() as session:
        row = session.scalar(
            select(FairnessAnalysis)
            .where(FairnessAnalysis.run_id == run_id)
            .order_by(FairnessAnalysis.id.desc())
            .limit(1)
        )
        return (
            None
            if row is None
            else StoredAnalysis(row.run_id, dict(row.settings), dict(row.report))
        )


# -- the trade-off between value and disparity --------------------------------------------------


def tradeoff_points(
    rows_by_run: dict[int, EvaluationRows],
    runs: dict[int, RunInfo],
    wb: Workbench,
    attributes: list[str],
    *,
    bins: dict[str, int] | None = None,
    chosen: int | None = None,
) -> pd.DataFrame:
    """Value per month (or accuracy) and the headline disparity of each run, for one chart."""
    records = []
    for run_id, rows in rows_by_run.items():
        try:
            report = report_for_rows(wb, rows, attributes, bins=bins, bootstrap=0)
        except UserError:
            continue
        overall = report.overall
        value = overall.get("value_per_month")
        headline = "demographic_parity_difference" if rows.task == "binary" else None
        disparity = report.disparities[0] if headline is None else report.disparity(headline)
        run = runs[run_id]
        records.append(
            {
                "run_id": run_id,
                "label": f"Run {run_id} — {run.model_name}",
                "value": value
                if value is not None and np.isfinite(value)
                else overall.get("accuracy", np.nan),
                "disparity": disparity.value,
                "kind": "mitigated"
                if run.kind == "mitigated"
                else ("original" if run_id == chosen else "leaderboard"),
                "chosen": run_id == chosen,
            }
        )
    return pd.DataFrame(records)


# -- mitigation (a job) ---------------------------------------------------------------------


@guarded(
    Right.EDIT,
    "fairness.mitigation",
    project=project_of(Run, "run_id"),
    summary="Started mitigation ({method}) of run {run_id}",
)
def submit_mitigation(
    wb: Workbench, run_id: int, *, sensitive: list[str], method: str, constraint: str,
    claimed: bool = False,
) -> int:  # fmt: skip
    run = training.get_run(wb, run_id)
    _check_request(run, sensitive, method, constraint)
    return submit(
        wb,
        MITIGATE_KIND,
        {"run_id": run_id, "sensitive": sensitive, "method": method, "constraint": constraint},
        project_id=run.project_id,
        title=f"Mitigate run {run_id}: {method}, {constraint.replace('_', ' ')} on {' × '.join(sensitive)}",
        idempotency_key=None
        if claimed
        else f"mitigate:{run_id}:{method}:{constraint}:{','.join(sensitive)}",
        claimed=claimed,
    )


def _check_request(run: RunInfo, sensitive: list[str], method: str, constraint: str) -> None:
    task = schema_from_dict(run.snapshot["schema"]).task
    if task != "binary":
        raise UserError(
            f"Mitigation needs a binary classification target; run {run.id} is {task}.",
            hint="Compare groups on the Fairness page; mitigation here is for yes/no decisions.",
        )
    if method not in METHODS:
        raise UserError(f"Unknown mitigation method {method!r}; choose {' or '.join(METHODS)}.")
    if constraint not in CONSTRAINTS:
        raise UserError(
            f"Unknown constraint {constraint!r}; choose one of {', '.join(CONSTRAINTS)}."
        )
    if run.kind == "mitigated":
        raise UserError(f"Run {run.id} is already mitigated; mitigate its original run instead.")
    if not sensitive or len(sensitive) > 2:
        raise UserError("Mitigate on one sensitive column (or two, for their intersection).")
    if method == "expgrad" and run.model_key in ("rule", "ensemble", "knn"):
        raise UserError(
            f"{run.model_name} cannot be retrained with sample weights; use per-group thresholds."
        )


@job_kind(MITIGATE_KIND, title="Mitigate unfairness", heavy=True)
def mitigation_job(jctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    wb = jctx.workbench
    original = training.get_run(wb, int(params["run_id"]))
    sensitive, method, constraint = (
        list(params["sensitive"]),
        params["method"],
        params["constraint"],
    )
    _check_request(original, sensitive, method, constraint)
    started = time.perf_counter()
    jctx.progress(0.05, "Reading the training rows…")
    ctx = training.training_context(wb, original.project_id, original.dataset_version_id)
    frame = ctx.frame
    missing = [c for c in sensitive if c not in frame.columns]
    if missing:
        raise UserError(f"The training rows have no column {missing[0]!r}.")
    inputs = list(dict.fromkeys([*original.input_columns, *sensitive]))
    X, y = frame[inputs], frame[ctx.schema.target]
    positive = evaluation.positive_class(ctx.schema, tuple(sorted({str(v) for v in y.unique()})))
    settings = train.TrainSettings.from_stored(
        original.settings, models=(original.model_key,), tune_trials=None, tune_seconds=None
    )
    jctx.progress(0.2, f"Fitting: {METHODS[method].split(' (')[0].lower()}…")
    try:
        if method == "threshold":
            model = fairness.threshold_mitigation(
                training.load_pipeline(wb, original), X, y, sensitive_columns=sensitive,
                constraint=constraint, positive=positive, seed=settings.seed,
            )  # fmt: skip
        else:
            model = fairness.expgrad_mitigation(
                lambda: zoo.make_pipeline(
                    ctx.schema, original.model_key, params=dict(original.params), seed=settings.seed,
                    class_weight=settings.class_weight, include_sensitive=settings.include_sensitive,
                ),
                X, y, sensitive_columns=sensitive, constraint=constraint, positive=positive,
                seed=settings.seed,
            )  # fmt: skip
    except CoreError as error:
        raise UserError(f"Mitigation failed: {error}") from error
    jctx.check_cancelled()
    jctx.progress(0.8, "Saving the mitigated run and measuring it on the test rows…")
    new = _save_mitigated(wb, ctx, original, model, settings, jctx.job_id, {
        "method": method, "constraint": constraint, "sensitive": sensitive, "of_run": original.id,
    }, time.perf_counter() - started)  # fmt: skip
    before = analyse(wb, original, sensitive)
    after = analyse(wb, new, sensitive)
    key = "demographic_parity_difference"
    return {
        "run_id": new.id,
        "_message": (
            f"Run {new.id}: {key.replace('_', ' ')} {before.disparity(key).value:.3f} → "
            f"{after.disparity(key).value:.3f}."
        ),
    }


def _save_mitigated(
    wb: Workbench, ctx: training.TrainingContext, original: RunInfo, model: Any,
    settings: train.TrainSettings, job_id: int | None, mitigation: dict[str, Any], seconds: float,
) -> RunInfo:  # fmt: skip
    """A new tracked run: same data and recipe, the mitigated model, test-set scores."""
    result = train.ModelResult(
        model=original.model_key, params=dict(original.params), folds=(), cv_mean=None,  # type: ignore[arg-type]
        cv_std=None, scores={}, fit_seconds=seconds,  # type: ignore[arg-type]
        predict_ms_per_1k=original.predict_ms_per_1k, size_bytes=0, best_threshold=None, oof=None,
    )  # fmt: skip
    plain = {
        **settings.stored(),
        "sensitive_inputs": list(mitigation["sensitive"]),
        "mitigation": mitigation,
    }
    run = training.save_run(
        wb, ctx, result, settings, model, kind="mitigated", job_id=job_id, settings_override=plain
    )
    run = evaluation.save_threshold(wb, run.id, 0.5)  # the model's own group decisions
    rows = evaluation.evaluation_rows(wb, run)
    scored = evaluation.evaluate_rows(rows, evaluation.money(wb, run.project_id), bootstrap=0)
    scores = {f"test_{m.name}": float(m.value) for m in scored.metrics if np.isfinite(m.value)}
    return training.update_scores(wb, run.id, scores)
