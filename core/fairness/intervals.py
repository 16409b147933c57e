"""95 % bootstrap intervals per group: every metric as a weighted sum over resample counts.

One seeded resampling per group (``core.stats.bootstrap``) gives all metrics at once; the
interval is the percentile interval of the usable draws, widened to hold the point value.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

from core import stats
from core.fairness.inputs import Inputs


def _share(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where a resample has nothing to divide by."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan
        )


def _binary_statistic(
    y: np.ndarray, p: np.ndarray, score: np.ndarray | None, money: np.ndarray | None
) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    outcomes = np.column_stack([(y == 1) & (p == 1), (y == 0) & (p == 1), (y == 1) & (p == 0)])

    def statistic(W: np.ndarray) -> dict[str, np.ndarray]:
        n = W.sum(axis=1)
        tp, fp, fn = (W @ outcomes.astype(float)).T
        tn = n - tp - fp - fn
        out = {
            "selection_rate": (tp + fp) / n,
            "base_rate": (tp + fn) / n,
            "tpr": _share(tp, tp + fn),
            "fpr": _share(fp, fp + tn),
            "precision": _share(tp, tp + fp),
            "accuracy": (tp + tn) / n,
        }
        if money is not None:
            out["value_per_month"] = W @ money
        if score is not None:
            out["mean_score"] = W @ score / n
        return out

    return statistic


def _multiclass_statistic(
    y: np.ndarray, p: np.ndarray
) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    present, codes = np.unique(y, return_inverse=True)
    actual = np.eye(present.size)[codes]
    hits = actual * (y == p)[:, None]

    def statistic(W: np.ndarray) -> dict[str, np.ndarray]:
        right = W @ hits
        recall = _share(right, W @ actual)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            macro = np.nanmean(recall, axis=1)
        return {"accuracy": right.sum(axis=1) / W.sum(axis=1), "macro_recall": macro}

    return statistic


def _regression_statistic(
    y: np.ndarray, p: np.ndarray
) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    error = p - y

    def statistic(W: np.ndarray) -> dict[str, np.ndarray]:
        n = W.sum(axis=1)
        return {
            "mean_prediction": W @ p / n,
            "mae": W @ np.abs(error) / n,
            "rmse": np.sqrt(W @ error**2 / n),
            "bias": W @ error / n,
        }

    return statistic


def group_draws(
    task: str, inputs: Inputs, rows: np.ndarray, money: np.ndarray | None, reps: int, seed: int
) -> dict[str, np.ndarray]:
    """``reps`` bootstrap values of every metric for the rows of one group."""
    y, p = inputs.truth[rows], inputs.pred[rows]
    if task == "regression":
        statistic = _regression_statistic(y, p)
    elif task == "multiclass":
        statistic = _multiclass_statistic(y, p)
    else:
        score = None if inputs.score is None else inputs.score[rows]
        statistic = _binary_statistic(y, p, score, None if money is None else money[rows])
    rng = np.random.default_rng(seed)
    return stats.bootstrap(statistic, rows.size, reps, rng)


def interval(value: float, draws: np.ndarray | None) -> tuple[float, float]:
    """95 % percentile interval, widened to hold the point; NaN when mostly undefined."""
    if draws is None or not math.isfinite(value):
        return math.nan, math.nan
    usable = draws[np.isfinite(draws)]
    if usable.size == 0 or usable.size < stats.MIN_USABLE_SHARE * draws.size:
        return math.nan, math.nan
    low, high = stats.percentile_interval(usable)
    return min(low, value), max(high, value)
