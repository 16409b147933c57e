"""Evaluate page: pick a run, its test-set performance, and the decision threshold's value."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from app.context import Workbench, open_workbench
from app.services import evaluation, training
from app.services.evaluation import EvaluationRows, Money
from app.services.training import RunInfo
from app.ui.charts import show_chart
from app.ui.feedback import attempt
from app.ui.labels import Labels
from core import evaluate
from core.evaluate import error_figures, figures
from core.goal import format_money
from core.metrics import HEADLINE_METRICS
from core.report import csv_bytes, escape_markdown

# -- run choice and cached computations -----------------------------------------------------


def pick_run(wb: Workbench, project_id: int, *, key: str = "wb.eval.run") -> RunInfo | None:
    """Runs with a model, best first; the champion is the default."""
    board = training.leaderboard(wb, project_id)
    others = [r for r in training.list_runs(wb, project_id) if r not in board]
    runs = [r for r in [*board, *others] if r.pipeline_sha256]
    if not runs:
        return None
    labels = Labels.of({r.id: run_label(r) for r in runs})
    ids = [r.id for r in runs]
    default = training.champion(wb, project_id)
    champion = default.id if default is not None and default.id in ids else ids[0]
    reason = training.no_champion_reason(wb, project_id) if default is None else None
    if reason:
        st.warning(reason, icon=":material/warning:")
    if st.session_state.get(key) not in ids:
        st.session_state[key] = champion
    chosen = st.selectbox("Run", ids, format_func=labels, key=key)
    return next(r for r in runs if r.id == chosen)


def run_label(run: RunInfo) -> str:
    star = " ★ champion" if run.is_champion else ""
    if run.from_incomplete_job:
        star += f" · from a {run.from_incomplete_job} job"
    score = ""
    if run.cv_mean is not None:
        shown = f"{run.cv_mean:,.0f}" if abs(run.cv_mean) >= 1000 else f"{run.cv_mean:.4g}"
        score = f" · {run.metric} {shown} (cross-validation)"
    return f"Run {run.id} — {run.model_name}{score}{star}"


@st.cache_resource(max_entries=4, show_spinner="Loading the model…")
def cached_pipeline(run_id: int, sha: str, home: str) -> Any:
    """One shared fitted pipeline per artifact (never mutated)."""

    wb = open_workbench()
    return training.load_pipeline(wb, training.get_run(wb, run_id))


@st.cache_data(max_entries=6, show_spinner="Predicting the test rows…")
def _cached_rows(run_id: int, sha: str, home: str) -> EvaluationRows:

    wb = open_workbench()
    run = training.get_run(wb, run_id)
    return evaluation.evaluation_rows(wb, run, pipeline=cached_pipeline(run_id, sha, home))


def rows_for(wb: Workbench, run: RunInfo) -> EvaluationRows:
    """The run's test rows and predictions, labelled at its current threshold (cached by model)."""
    rows = _cached_rows(run.id, run.pipeline_sha256 or "", str(wb.settings.home))
    return evaluation.with_threshold(rows, run.threshold if rows.task == "binary" else None)


@st.cache_data(max_entries=12, show_spinner="Computing metrics with bootstrap intervals…")
def _cached_evaluation(
    run_id: int, sha: str, threshold: float | None, goal_version: int | None, home: str
) -> evaluation.Evaluation:

    wb = open_workbench()
    rows = evaluation.with_threshold(_cached_rows(run_id, sha, home), threshold)
    return evaluation.evaluate_rows(
        rows, evaluation.money(wb, training.get_run(wb, run_id).project_id)
    )


def evaluation_for(wb: Workbench, run: RunInfo, rows: EvaluationRows, worth: Money) -> Any:
    return _cached_evaluation(
        run.id, run.pipeline_sha256 or "", rows.threshold, worth.goal_version, str(wb.settings.home)
    )


# -- performance ----------------------------------------------------------------------------

HEADLINE = HEADLINE_METRICS  # the four cards per task, named as core computes them


def _number(value: float) -> str:
    """Three decimals for scores and rates, whole numbers for amounts in the thousands."""
    if not math.isfinite(value):
        return "—"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.3f}"


def _metric_text(metric: evaluate.MetricWithCI, currency: str | None = None) -> str:
    if metric.name == "value_per_month":
        return format_money(metric.value, currency)
    return _number(metric.value)


def _interval(metric: evaluate.MetricWithCI, currency: str | None = None) -> str:
    if not (math.isfinite(metric.low) and math.isfinite(metric.high)):
        return "no interval"
    if metric.name == "value_per_month":
        return (
            f"95% CI {format_money(metric.low, currency)} – {format_money(metric.high, currency)}"
        )
    return f"95% CI {_number(metric.low)} – {_number(metric.high)}"


def metric_cards(result: Any, task: str, currency: str | None) -> None:
    names = [n for n in HEADLINE[task] if any(m.name == n for m in result.metrics)]
    if result.value_per_month is not None:
        names = ["value_per_month", *names[:3]]
    for column, name in zip(st.columns(len(names)), names, strict=True):
        metric = result.metric(name)
        column.metric(metric.label, _metric_text(metric, currency), border=True)
        column.caption(_interval(metric, currency))


def performance_section(rows: EvaluationRows, result: Any, worth: Money) -> None:
    st.caption(
        f"Measured on {rows.source}, never seen in training. Intervals: 95 % bootstrap "
        "(200 resamples) — how much the number could move on another sample of this size."
    )
    metric_cards(result, rows.task, worth.currency)
    table = result.metrics_table()
    with st.expander("All metrics", expanded=False):
        st.dataframe(table, hide_index=True, key="wb.eval.metrics")
        st.download_button(
            "Download metrics (CSV)", csv_bytes(table), "metrics.csv", "text/csv",
            key="wb.eval.metrics.csv", icon=":material/download:",
        )  # fmt: skip
    for note in [*rows.notes, *result.notes]:
        st.caption(f"Note: {escape_markdown(note)}")
    if rows.task == "regression":
        show_chart(
            error_figures.residuals_figure(result), key="wb.eval.residuals", name="residuals"
        )
        show_chart(
            error_figures.error_distribution_figure(result), key="wb.eval.errdist",
            name="error-distribution",
        )  # fmt: skip
        st.markdown(
            "**Errors by prediction decile** (is the model worse for high or low predictions?)"
        )
        st.dataframe(result.error_bins, hide_index=True, key="wb.eval.errbins")
        return
    _classification_charts(rows, result, worth)


def _classification_charts(rows: EvaluationRows, result: Any, worth: Money) -> None:
    left, right = st.columns(2)
    with left:
        show_chart(figures.confusion_figure(result), key="wb.eval.confusion", name="confusion")
    with right:
        if result.confusion_value is not None:
            show_chart(
                figures.confusion_figure(result, money=True, currency=worth.currency),
                key="wb.eval.confusion_money", name="confusion-money",
            )  # fmt: skip
        else:
            st.info(
                "Set a payoff matrix and monthly volume on the Goal page to see the matrix in money.",
                icon=":material/payments:",
            )
    st.download_button(
        "Download confusion matrix (CSV)", csv_bytes(result.confusion.reset_index()),
        "confusion.csv", "text/csv", key="wb.eval.confusion.csv", icon=":material/download:",
    )  # fmt: skip
    charts = [
        (figures.roc_figure, "roc", "ROC curve"),
        (figures.pr_figure, "pr", "precision-recall"),
    ]
    if rows.task == "binary":  # calibration and gains are drawn for one positive class
        charts += [
            (figures.calibration_figure, "calibration", "calibration"),
            (figures.gains_figure, "gains", "gains"),
        ]
    for index, (build, key, name) in enumerate(charts):
        if index % 2 == 0:
            columns = st.columns(2)
        with columns[index % 2]:
            figure = attempt(lambda build=build: build(result))
            if figure is not None:
                show_chart(figure, key=f"wb.eval.{key}", name=name)
    show_chart(
        error_figures.error_distribution_figure(result), key="wb.eval.scores",
        name="score-distribution",
    )  # fmt: skip


# -- threshold and value ---------------------------------------------------------------------


def threshold_section(
    wb: Workbench, run: RunInfo, rows: EvaluationRows, result: Any, worth: Money, *,
    read_only: bool = False,
) -> None:  # fmt: skip
    if rows.task != "binary":
        st.info(
            "Only binary classifiers have a decision threshold: "
            + (
                "this run predicts a number."
                if rows.task == "regression"
                else "this run picks the most likely class."
            ),
            icon=":material/tune:",
        )
        if result.value_per_month is not None:
            st.metric(
                "Value per month on the test rows",
                format_money(result.value_per_month, worth.currency),
            )
        return
    curve = result.value_curve
    if curve is None:
        st.info(
            "The threshold is chosen by money: set the payoff matrix and monthly volume on the "
            "Goal page to see value per month by threshold.",
            icon=":material/payments:",
        )
    _threshold_picker(wb, run, result, curve, worth, read_only=read_only)


@st.fragment
def _threshold_picker(
    wb: Workbench, run: RunInfo, result: Any, curve: Any, worth: Money, *, read_only: bool
) -> None:
    """Moving the slider re-reads value per month off the curve at once; Save stores it.

    A viewer moves the slider too (it only reads the curve); saving is disabled.
    """
    key = f"wb.eval.threshold.{run.id}"
    exact = named_thresholds(run)
    if key not in st.session_state:
        st.session_state[key] = on_grid(exact["in force"])
    picked = st.slider(
        "Decision threshold — flag a row when its score is at least this", 0.0, 1.0,
        step=SLIDER_STEP, key=key, format="%.3f",
    )  # fmt: skip
    threshold = exact_threshold(picked, exact)
    if threshold != picked:
        st.caption(f"Slider at {picked:.3f}: the exact threshold is {threshold:.4f}.")
    if curve is not None:
        _value_readout(curve, threshold, run, result, worth)
        show_chart(
            figures.profit_curve_figure(
                curve, chosen=threshold, optimal=result.optimal_threshold,
                kpi_target_value=worth.business_case_value, currency=worth.currency,
            ),
            key="wb.eval.profit", name="value-by-threshold",
        )  # fmt: skip
        st.download_button(
            "Download value by threshold (CSV)", csv_bytes(value_table(curve)),
            "value-by-threshold.csv", "text/csv", key="wb.eval.value.csv",
            icon=":material/download:",
        )  # fmt: skip
        if worth.business_case_value is not None:
            st.caption(
                "Dashed horizontal line: the value per month the Goal page's business case "
                f"promises ({format_money(worth.business_case_value, worth.currency)})."
            )
    _threshold_buttons(wb, run, threshold, result, read_only=read_only)


SLIDER_STEP = 0.005


def on_grid(threshold: float) -> float:
    """Where the slider shows ``threshold``: the nearest step of its grid."""
    return round(round(float(threshold) / SLIDER_STEP) * SLIDER_STEP, 3)


def named_thresholds(run: RunInfo) -> dict[str, float]:
    """The exact thresholds the slider can stand for: the one in force, the CV optimum."""
    named = {"in force": run.threshold if run.threshold is not None else evaluate.DEFAULT_THRESHOLD}
    if run.best_threshold is not None:
        named["cross-validation optimum"] = run.best_threshold
    return {name: float(value) for name, value in named.items()}


def exact_threshold(picked: float, named: dict[str, float]) -> float:
    """The slider snaps to its grid; on the grid step of a named threshold, that threshold."""
    for value in named.values():
        if math.isclose(picked, on_grid(value), abs_tol=1e-9):
            return value
    return float(picked)


def _value_readout(curve: Any, threshold: float, run: RunInfo, result: Any, worth: Money) -> None:
    in_force = threshold == result.threshold and result.value_per_month is not None
    # at the threshold in force: the Performance tab's figure itself (one number, one source)
    value = result.value_per_month if in_force else evaluate.value_at_threshold(curve, threshold)
    counts = evaluate.counts_at_threshold(curve, threshold)
    default = evaluate.value_at_threshold(curve, evaluate.DEFAULT_THRESHOLD)
    cols = st.columns(4)
    cols[0].metric(
        "Value per month", format_money(value, worth.currency),
        delta=f"{format_money(value - default, worth.currency)} vs 0.5", border=True,
    )  # fmt: skip
    cols[1].metric("Flagged per month", f"{counts.tp + counts.fp:,.0f}", border=True)
    cols[2].metric("Caught (true positives)", f"{counts.tp:,.0f}", border=True)
    cols[3].metric("False alarms", f"{counts.fp:,.0f}", border=True)
    hints = []
    if result.optimal_threshold is not None:
        best = evaluate.value_at_threshold(curve, result.optimal_threshold)
        hints.append(
            f"value-optimal on these test rows: **{result.optimal_threshold:.3f}** "
            f"({format_money(best, worth.currency)}/month)"
        )
    if run.best_threshold is not None:
        hints.append(
            f"value-optimal in cross-validation: **{run.best_threshold:.3f}** (the honest choice: "
            "picking the test-set optimum flatters the test numbers)"
        )
    if hints:
        st.caption("; ".join(hints) + ".")


def _threshold_buttons(
    wb: Workbench, run: RunInfo, threshold: float, result: Any, *, read_only: bool
) -> None:
    saved = run.chosen_threshold
    state = (
        f"saved: **{saved:.3f}**"
        if saved is not None
        else "none saved yet (predict uses the cross-validation optimum)"
    )
    st.markdown(f"Threshold used by predict, export and monitoring — {state}.")
    left, middle, right = st.columns(3)
    if (
        left.button(
            "Save this threshold",
            type="primary",
            key="wb.eval.save_threshold",
            icon=":material/save:",
            disabled=read_only,
        )
        and attempt(lambda: evaluation.save_threshold(wb, run.id, threshold)) is not None
    ):
        st.toast(f"Run {run.id} now decides at {threshold:.3f}.", icon=":material/check:")
        st.rerun(scope="app")
    if run.best_threshold is not None and middle.button(
        "Use the cross-validation optimum", key="wb.eval.use_cv", icon=":material/restart_alt:"
    ):
        st.session_state[f"wb.eval.threshold.{run.id}"] = on_grid(run.best_threshold)
        st.rerun(scope="fragment")
    if saved is not None and right.button(
        "Clear the saved threshold", key="wb.eval.clear_threshold", icon=":material/undo:",
        disabled=read_only,
    ):  # fmt: skip
        attempt(lambda: evaluation.save_threshold(wb, run.id, None))
        st.rerun(scope="app")


def value_table(curve: Any) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "threshold": curve.thresholds,
            "value_per_month": curve.value_per_month,
            "tp": curve.tp,
            "fp": curve.fp,
            "fn": curve.fn,
            "tn": curve.tn,
        }
    )
