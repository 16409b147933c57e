"""Explanations of a run: SHAP values and permutation importance as a job, and what-if.

The job explains an explicit, seeded sample of the run's held-out test rows with the
explainer that suits the model, and stores the result so pages and the CLI reuse it.
"""

from __future__ import annotations

import dataclasses
import io
import time
from dataclasses import dataclass
from typing import Any

import joblib
import pandas as pd
from sqlalchemy import select

from app.context import Workbench
from app.errors import UserError
from app.jobs import JobContext, job_kind, submit
from app.services import artifacts as artifact_service
from app.services.evaluation import EvaluationRows, evaluation_rows
from app.services.projects import touch_project
from app.services.team.guard import guarded, project_of
from app.services.team.rights import Right
from app.services.training import RunInfo, get_run, load_pipeline
from core import explain, persist
from core.metrics import label_at_threshold
from storage.models import Run, RunExplanation

EXPLAIN_KIND = "evaluate.explain"
DEFAULT_SHAP_SAMPLE = explain.DEFAULT_SAMPLE
MAX_SHAP_SAMPLE = 20_000


@dataclass(frozen=True)
class ExplanationInfo:
    id: int
    run_id: int
    sample: int
    seed: int
    artifact_sha256: str
    summary: dict[str, Any]
    seconds: float


@dataclass(frozen=True, eq=False)
class StoredExplanation:
    info: ExplanationInfo
    explanation: explain.Explanation
    permutation: pd.DataFrame | None


def _explanation_info(row: RunExplanation) -> ExplanationInfo:
    return ExplanationInfo(
        row.id, row.run_id, row.sample, row.seed, row.artifact_sha256, dict(row.summary),
        row.seconds,
    )  # fmt: skip


def latest_explanation(wb: Workbench, run_id: int) -> ExplanationInfo | None:
    with wb.db.read() as session:
        row = session.scalar(
            select(RunExplanation)
            .where(RunExplanation.run_id == run_id)
            .order_by(RunExplanation.id.desc())
            .limit(1)
        )
        return None if row is None else _explanation_info(row)


def load_explanation(wb: Workbench, info: ExplanationInfo) -> StoredExplanation:
    """Our own pickle, read only after its hash is verified by the artifact store."""
    payload = persist.load_joblib(wb.artifacts.read_bytes(info.artifact_sha256))
    return StoredExplanation(info, payload["explanation"], payload.get("permutation"))


def _check_sample(sample: int) -> int:
    if isinstance(sample, bool) or not isinstance(sample, int) or sample < 1:
        raise UserError(f"The SHAP sample must be a whole number of rows ≥ 1, got {sample!r}.")
    if sample > MAX_SHAP_SAMPLE:
        raise UserError(
            f"The SHAP sample is limited to {MAX_SHAP_SAMPLE:,} rows (asked {sample:,}).",
            hint="Global importance is stable long before that; 2,000 rows is the default.",
        )
    return sample


@guarded(
    Right.EDIT,
    "evaluate.explanation_started",
    project=project_of(Run, "run_id"),
    summary="Started SHAP for run {run_id}",
)
def submit_explanation(
    wb: Workbench, run_id: int, *, sample: int = DEFAULT_SHAP_SAMPLE, seed: int = 0,
    claimed: bool = False,
) -> int:  # fmt: skip
    run = get_run(wb, run_id)
    sample = _check_sample(sample)
    mitigation = run.settings.get("mitigation")
    if mitigation:
        raise UserError(
            f"Run {run.id} wraps run {mitigation.get('of_run')} with fairness mitigation; "
            "SHAP explains plain pipelines.",
            hint=f"Explain run {mitigation.get('of_run')}: its features drive this run's scores too.",
        )
    return submit(
        wb,
        EXPLAIN_KIND,
        {"run_id": run_id, "sample": sample, "seed": seed},
        project_id=run.project_id,
        title=f"Explain run {run_id} ({run.model_name}) on {sample:,} rows",
        idempotency_key=None if claimed else f"explain:{run_id}:{sample}:{seed}",
        claimed=claimed,
    )


PERMUTATION_SCORING = {"binary": "roc_auc", "multiclass": "balanced_accuracy"}


@job_kind(EXPLAIN_KIND, title="Explain a run (SHAP)", heavy=True)
def explanation_job(jctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    wb = jctx.workbench
    run = get_run(wb, int(params["run_id"]))
    sample, seed = int(params["sample"]), int(params.get("seed", 0))
    started = time.perf_counter()
    jctx.progress(0.02, "Predicting the test rows…")
    pipeline = load_pipeline(wb, run)
    rows = evaluation_rows(wb, run, pipeline=pipeline)
    inputs = rows.frame[list(rows.features)]
    class_index = None
    if rows.positive is not None:
        class_index = explain.class_index_of(pipeline, rows.positive)

    def report(fraction: float, message: str) -> None:
        jctx.check_cancelled()
        jctx.progress(0.05 + 0.75 * fraction, f"SHAP: {message}")

    try:
        explanation = explain.explain(
            pipeline, inputs, sample=sample, seed=seed, class_index=class_index,
            on_progress=report,
        )  # fmt: skip
        jctx.progress(0.82, "Permutation importance (the model-agnostic cross-check)…")
        permutation = explain.permutation_importance_table(
            pipeline, inputs, rows.y, scoring=_permutation_scoring(rows),
            repeats=5, sample=min(sample, 5000), seed=seed,
        )  # fmt: skip
    except explain.ExplainError as error:
        raise UserError(f"Cannot explain run {run.id}: {error}") from error
    seconds = time.perf_counter() - started
    summary = explanation_summary(explanation)
    info = _store_explanation(wb, run, sample, seed, explanation, permutation, summary, seconds)
    top = ", ".join(f["name"] for f in summary["top_features"][:3])
    return {
        "explanation_id": info.id,
        "_message": f"Explained {explanation.sample_rows:,} rows in {seconds:.1f} s; top: {top}.",
    }


def _permutation_scoring(rows: EvaluationRows) -> str:
    """ROC AUC is symmetric in which class is positive, so sklearn's scorer fits any binary run."""
    return PERMUTATION_SCORING.get(rows.task, "neg_root_mean_squared_error")


def explanation_summary(explanation: explain.Explanation) -> dict[str, Any]:
    top = explanation.global_importance().head(20)
    return {
        "explainer": explanation.explainer,
        "output_space": explanation.output_space,
        "rows_explained": explanation.sample_rows,
        "rows_available": explanation.total_rows,
        "class": None if explanation.class_label is None else str(explanation.class_label),
        "notes": list(explanation.notes),
        "top_features": [
            {"name": str(name), "mean_abs_shap": float(mean_abs), "share": float(share)}
            for name, mean_abs, share in zip(
                top["name"], top["mean_abs_shap"], top["share"], strict=True
            )
        ],
    }


def _store_explanation(
    wb: Workbench,
    run: RunInfo,
    sample: int,
    seed: int,
    explanation: explain.Explanation,
    permutation: pd.DataFrame,
    summary: dict[str, Any],
    seconds: float,
) -> ExplanationInfo:
    buffer = io.BytesIO()
    joblib.dump({"explanation": explanation, "permutation": permutation}, buffer, compress=3)
    stored = wb.artifacts.put_bytes(buffer.getvalue())
    with wb.db.write() as session:
        artifact_service.register(session, stored, "application/x-joblib")
        row = session.scalar(
            select(RunExplanation).where(
                RunExplanation.run_id == run.id,
                RunExplanation.sample == sample,
                RunExplanation.seed == seed,
            )
        )
        if row is None:
            row = RunExplanation(run_id=run.id, sample=sample, seed=seed)
            session.add(row)
        row.artifact_sha256, row.summary, row.seconds = stored.sha256, summary, seconds
        touch_project(session, run.project_id)
        session.flush()
        return _explanation_info(row)


def what_if(
    rows: EvaluationRows, pipeline: Any, position: int, changes: dict[str, Any]
) -> explain.WhatIf:
    """One test row before and after ``changes``, labelled with the run's own threshold."""
    row = rows.frame[list(rows.features)].iloc[[position]]
    background = rows.frame[list(rows.features)]
    try:
        result = explain.what_if(
            pipeline, row, changes, positive=rows.positive, background=background
        )
    except explain.ExplainError as error:
        raise UserError(str(error)) from error
    if rows.task != "binary" or result.new_proba is None:
        return result
    negative = next(c for c in rows.classes if c != rows.positive)
    threshold = rows._threshold(None)

    def label(p: float | None) -> str | None:
        if p is None:
            return None
        return label_at_threshold(p, threshold, positive=rows.positive, negative=negative).item()

    return dataclasses.replace(
        result,
        original_prediction=label(result.original_proba),
        new_prediction=label(result.new_proba),
    )
