"""The CLI's one-shot analysis of a run: metrics, threshold, value, error cohorts, top features."""

from __future__ import annotations

from typing import Any

import pandas as pd

from app.context import Workbench
from app.services import evaluation, explanations
from app.services.evaluation import Evaluation, EvaluationRows
from app.services.jsonable import finite
from app.services.training import RunInfo, load_pipeline
from core import evaluate, explain


def _metric_json(result: Evaluation) -> dict[str, Any]:
    return {
        m.name: {
            "value": finite(m.value),
            "low": finite(m.low),
            "high": finite(m.high),
        }
        for m in result.metrics
    }


def _top_features(
    wb: Workbench, run: RunInfo, rows: EvaluationRows, pipeline: Any, *, on_file: bool,
    run_job: Any,
) -> tuple[list[dict[str, Any]], str]:  # fmt: skip
    """Top features by mean |SHAP|: the stored explanation of the test rows, or computed now."""
    if on_file:
        class_index = explain.class_index_of(pipeline, rows.positive) if rows.positive else None
        explanation = explain.explain(
            pipeline, rows.frame[list(rows.features)], sample=explanations.DEFAULT_SHAP_SAMPLE, seed=0,
            class_index=class_index,
        )  # fmt: skip
        summary = explanations.explanation_summary(explanation)
        return summary["top_features"][:10], f"SHAP on {explanation.sample_rows:,} rows of the file"
    info = explanations.latest_explanation(wb, run.id)
    if info is None:
        run_job(explanations.submit_explanation(wb, run.id, claimed=True))
        info = explanations.latest_explanation(wb, run.id)
        assert info is not None
    shown = info.summary.get("rows_explained", info.sample)
    return info.summary["top_features"][:10], f"SHAP on {shown:,} test rows (seed {info.seed})"


def analysis_report(
    wb: Workbench, run: RunInfo, *, data: pd.DataFrame | None = None, source: str | None = None,
    run_job: Any,
) -> dict[str, Any]:  # fmt: skip
    """Metrics, threshold, value, top error cohorts and top SHAP features as plain data.

    ``run_job(job_id)`` executes the SHAP job when the run has no stored explanation yet.
    """
    pipeline = load_pipeline(wb, run)
    rows = evaluation.evaluation_rows(wb, run, data=data, source=source, pipeline=pipeline)
    worth = evaluation.money(wb, run.project_id)
    result = evaluation.evaluate_rows(rows, worth)
    cohorts = evaluation.discovered_cohorts(rows, top=5)
    features, shap_source = _top_features(
        wb, run, rows, pipeline, on_file=data is not None, run_job=run_job
    )
    report: dict[str, Any] = {
        "run_id": run.id,
        "model": run.model_key,
        "model_name": run.model_name,
        "task": rows.task,
        "evaluated_on": rows.source,
        "rows": len(rows.frame),
        "metrics": _metric_json(result),
        "chosen_threshold": run.chosen_threshold,
        "threshold": rows.threshold,
        "threshold_source": _threshold_source(run),
        "value_per_month": finite(result.value_per_month),
        "currency": worth.currency,
        "goal_version": worth.goal_version,
        "top_error_cohorts": [
            {
                "rule": c.describe(),
                "rows": c.rows,
                "error": finite(c.error_rate),
                "ratio_to_overall": finite(c.lift),
                "conditions": evaluate.cohort_to_dict(c)["conditions"],
            }
            for c in cohorts
        ],
        "top_features": features,
        "shap": shap_source,
        "notes": [*rows.notes, *result.notes],
    }
    if isinstance(result, evaluate.ClassificationEvaluation):
        report["optimal_threshold"] = finite(result.optimal_threshold)
        if result.value_curve is not None and result.optimal_threshold is not None:
            best = evaluate.value_at_threshold(result.value_curve, result.optimal_threshold)
            report["value_per_month_at_optimal"] = finite(best)
        report["confusion"] = {
            "labels": list(result.confusion.columns),
            "counts": result.confusion.to_numpy().tolist(),
        }
    return report


def _threshold_source(run: RunInfo) -> str | None:
    if run.chosen_threshold is not None:
        return "chosen on the Evaluate page"
    if run.best_threshold is not None:
        return "value-optimal in cross-validation, not yet chosen"
    return None
