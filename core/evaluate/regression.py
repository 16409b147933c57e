"""Evaluate stage: a regressor's test-set evaluation, everything the Evaluate page shows.

``residual`` = actual − prediction, while ``bias`` = mean(prediction − actual), so a positive
bias over-predicts. Money per month comes from the goal's error cost (``core.goal``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from core.evaluate.inputs import (
    MSG_NO_ROWS,
    NOTE_DROPPED,
    EvaluateError,
    check_options,
    read_numbers,
)
from core.evaluate.metrics import (
    MetricWithCI,
    metric_named,
    metrics_table,
    regression_point,
    regression_statistic,
    with_intervals,
)
from core.goal import ErrorCost, regression_value_per_month

MAX_PLOT_ROWS = 5_000  # sampled residual rows for scatter plots
RESIDUAL_BINS = 40
PREDICTION_BINS = 10

NOTE_MAPE_ZEROS = "MAPE left out: {count:,} actual value(s) are 0"


@dataclasses.dataclass(frozen=True, eq=False)
class RegressionEvaluation:
    """Everything the Evaluate page shows for a regressor.

    ``residuals`` is a seeded sample of at most MAX_PLOT_ROWS rows (prediction, actual,
    residual = actual − prediction) for scatter plots; ``error_bins`` (per prediction
    decile) and ``residual_histogram`` summarise all rows.
    """

    metrics: tuple[MetricWithCI, ...]
    residuals: pd.DataFrame
    error_bins: pd.DataFrame
    value_per_month: float | None
    rows: int = 0
    residual_histogram: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()

    def metric(self, name: str) -> MetricWithCI:
        return metric_named(self.metrics, name)

    def metrics_table(self) -> pd.DataFrame:
        return metrics_table(self.metrics)


def _error_bins(predicted: np.ndarray, residual: np.ndarray) -> pd.DataFrame:
    """Residual mean and quantiles per prediction decile (all rows)."""
    bins = pd.qcut(predicted, PREDICTION_BINS, duplicates="drop", labels=False)
    frame = pd.DataFrame({"bin": bins, "prediction": predicted, "residual": residual})
    grouped = frame.groupby("bin", sort=True)
    out = pd.DataFrame(
        {
            "prediction_low": grouped["prediction"].min(),
            "prediction_high": grouped["prediction"].max(),
            "prediction_mean": grouped["prediction"].mean(),
            "rows": grouped.size(),
            "residual_mean": grouped["residual"].mean(),
            "q10": grouped["residual"].quantile(0.10),
            "q25": grouped["residual"].quantile(0.25),
            "median": grouped["residual"].median(),
            "q75": grouped["residual"].quantile(0.75),
            "q90": grouped["residual"].quantile(0.90),
            "mae": grouped["residual"].apply(lambda r: float(np.mean(np.abs(r)))),
        }
    )
    return out.reset_index(drop=True)


def _residual_histogram(residual: np.ndarray) -> pd.DataFrame:
    """Counts over the central 99 % of residuals; the tails fall into the end bins."""
    low, high = np.percentile(residual, [0.5, 99.5])
    if not high > low:
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, RESIDUAL_BINS + 1)
    counts, _ = np.histogram(np.clip(residual, low, high), bins=edges)
    return pd.DataFrame({"bin_low": edges[:-1], "bin_high": edges[1:], "rows": counts})


def _residual_sample(actual: np.ndarray, predicted: np.ndarray, seed: int) -> pd.DataFrame:
    n = actual.size
    rows = (
        np.arange(n)
        if n <= MAX_PLOT_ROWS
        else np.sort(np.random.default_rng(seed).choice(n, MAX_PLOT_ROWS, replace=False))
    )
    return pd.DataFrame(
        {
            "prediction": predicted[rows],
            "actual": actual[rows],
            "residual": actual[rows] - predicted[rows],
        }
    )


def evaluate_regression(
    y_true: Any,
    y_pred: Any,
    *,
    error_cost: ErrorCost | None = None,
    volume_per_month: float | None = None,
    bootstrap: int = 200,
    seed: int = 0,
) -> RegressionEvaluation:
    """Metrics with intervals, residual sample and binned residual summaries.

    value_per_month = −volume × mean cost of errors (core.goal.regression_value_per_month
    with this data's MAE and bias). Rows without a true value or a prediction are left out.
    """
    check_options(None, bootstrap, volume_per_month)
    actual = read_numbers(y_true, "y_true")
    predicted = read_numbers(y_pred, "y_pred", actual.size)
    keep = np.isfinite(actual) & np.isfinite(predicted)
    notes = [] if keep.all() else [NOTE_DROPPED.format(count=int((~keep).sum()))]
    actual, predicted = actual[keep], predicted[keep]
    if actual.size == 0:
        raise EvaluateError(MSG_NO_ROWS, field="y_true")
    zeros = int(np.count_nonzero(actual == 0))
    if zeros:
        notes.append(NOTE_MAPE_ZEROS.format(count=zeros))
    points = regression_point(actual, predicted, with_mape=not zeros)

    def make_statistic(positions: np.ndarray) -> Callable:
        return regression_statistic(actual[positions], predicted[positions], not zeros)

    metrics = with_intervals(points, make_statistic, actual.size, bootstrap, seed, notes)
    value = None
    if error_cost is not None and volume_per_month is not None:
        mae = points["mae"]
        value = regression_value_per_month(
            mae=mae,
            bias=float(np.clip(points["bias"], -mae, mae)),
            volume=volume_per_month,
            error_cost=error_cost,
        )
    else:
        notes.append("value per month needs the goal's error cost and volume per month")
    residual = actual - predicted
    return RegressionEvaluation(
        metrics=metrics,
        residuals=_residual_sample(actual, predicted, seed),
        error_bins=_error_bins(predicted, residual),
        value_per_month=value,
        rows=int(actual.size),
        residual_histogram=_residual_histogram(residual),
        notes=tuple(notes),
    )
