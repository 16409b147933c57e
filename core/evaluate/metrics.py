"""Evaluate stage: test-set metrics with 95 % bootstrap intervals.

Point estimates are scikit-learn's own functions on the evaluated rows. Intervals are 95 %
percentile bootstrap intervals (``core.stats``): each repetition draws row indices with
replacement once and turns them into per-row counts, so every metric of that repetition is a
weighted sum over the same rows (vectorised over a chunk of repetitions, no Python loop per
row or metric). Above ``BOOTSTRAP_MAX_ROWS`` rows the resampling runs on a seeded random
sample and the interval widths are scaled to the full row count (m-out-of-n bootstrap), which
the ``notes`` say. A metric a resample cannot define (ROC AUC with one class) skips that
resample; its ``MetricWithCI.resamples`` counts the usable ones. Names, labels, directions
and ranges are the registry's (``core.metrics``).

Regression ``bias`` = mean(prediction − actual), so a positive bias over-predicts.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    f1_score,
    log_loss,
    mean_absolute_error,
    mean_absolute_percentage_error,
    median_absolute_error,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
    root_mean_squared_error,
)
from sklearn.preprocessing import label_binarize

from core import stats
from core.metrics import canonical_name, find_metric, metric_label, quiet

BOOTSTRAP_MAX_ROWS = 50_000  # larger data is bootstrapped on a seeded sample of this size

NOTE_SUBSAMPLE = (
    "intervals from {reps} bootstrap resamples of a seeded {rows:,}-row sample of the "
    "{total:,} rows, widths scaled to the full data (m-out-of-n bootstrap)"
)
NOTE_USABLE = "{metric}: {usable} of {reps} resamples usable ({why})"
NOTE_NO_INTERVAL = "{metric}: only {usable} of {reps} resamples usable ({why}); no interval"
_WHY = {
    "roc_auc": "needs both classes in a resample",
    "pr_auc": "needs positives in a resample",
    "balanced_accuracy": "needs a class present",
    "r2": "needs varying actual values",
}


# --- results -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MetricWithCI:
    """A metric with its 95 % bootstrap interval (NaN bounds when none could be made)."""

    name: str
    value: float
    low: float
    high: float
    resamples: int = 0  # usable bootstrap resamples behind low/high

    @property
    def label(self) -> str:
        return metric_label(self.name)


def metrics_table(metrics: Sequence[MetricWithCI]) -> pd.DataFrame:
    rows = [
        {
            "metric": m.name,
            "label": m.label,
            "value": m.value,
            "low": m.low,
            "high": m.high,
            "resamples": m.resamples,
        }
        for m in metrics
    ]
    return pd.DataFrame(rows, columns=["metric", "label", "value", "low", "high", "resamples"])


def metric_named(metrics: Sequence[MetricWithCI], name: str) -> MetricWithCI:
    wanted = canonical_name(name)  # a goal's expected_value is value_per_month here
    for metric in metrics:
        if metric.name == wanted:
            return metric
    raise KeyError(f"no metric {name!r}; computed: {', '.join(m.name for m in metrics)}")


# --- point estimates: scikit-learn's own functions ----------------------------------------


def label_point(y: np.ndarray, pred: np.ndarray, k: int, pos: int | None) -> dict[str, float]:
    labels = list(range(k))
    if pos is None:
        options: dict[str, Any] = {"labels": labels, "average": "macro", "zero_division": 0}
    else:
        options = {"labels": labels, "pos_label": pos, "average": "binary", "zero_division": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "accuracy": float(accuracy_score(y, pred)),
            "balanced_accuracy": float(balanced_accuracy_score(y, pred)),
            "precision": float(precision_score(y, pred, **options)),
            "recall": float(recall_score(y, pred, **options)),
            "f1": float(f1_score(y, pred, **options)),
        }


def proba_point(y: np.ndarray, proba: np.ndarray, k: int, pos: int | None) -> dict[str, float]:
    labels = list(range(k))
    if pos is not None:
        is_pos = (y == pos).astype(int)
        score = proba[:, pos]
        both = 0 < is_pos.sum() < is_pos.size
        return {
            "roc_auc": quiet(lambda: roc_auc_score(is_pos, score)) if both else math.nan,
            "pr_auc": quiet(lambda: average_precision_score(is_pos, score))
            if is_pos.any()
            else math.nan,
            "log_loss": quiet(lambda: log_loss(y, y_proba=proba, labels=labels)),
            "brier": quiet(lambda: brier_score_loss(is_pos, score, pos_label=1)),
        }
    return {
        "roc_auc": quiet(
            lambda: roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=labels)
        ),
        "pr_auc": quiet(
            lambda: average_precision_score(
                label_binarize(y, classes=labels), proba, average="macro"
            )
        ),
        "log_loss": quiet(lambda: log_loss(y, y_proba=proba, labels=labels)),
    }


def regression_point(
    actual: np.ndarray, predicted: np.ndarray, *, with_mape: bool = False
) -> dict[str, float]:
    """rmse, mae, r2, mape (when asked: it needs no actual value of 0), median_ae, bias."""
    points = {
        "rmse": float(root_mean_squared_error(actual, predicted)),
        "mae": float(mean_absolute_error(actual, predicted)),
        "r2": quiet(lambda: r2_score(actual, predicted)) if actual.size > 1 else math.nan,
    }
    if with_mape:
        points["mape"] = float(mean_absolute_percentage_error(actual, predicted))
    points["median_ae"] = float(median_absolute_error(actual, predicted))
    points["bias"] = float(np.mean(predicted - actual))
    return points


# --- bootstrap: weighted metrics over resample counts --------------------------------------


def _ratio(numerator: np.ndarray, denominator: np.ndarray, empty: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1), empty
        )


def _weighted_label_metrics(
    W: np.ndarray, y: np.ndarray, pred: np.ndarray, k: int, pos: int | None
) -> dict[str, np.ndarray]:
    """accuracy .. f1 for every row of W, with sklearn's zero_division=0 conventions."""
    eye = np.eye(k)
    actual, predicted = eye[y], eye[pred]
    support, flagged = W @ actual, W @ predicted
    hits = W @ (actual * (y == pred)[:, None])
    total = W.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_class_recall = np.where(support > 0, hits / np.where(support > 0, support, 1), np.nan)
        balanced = np.nanmean(per_class_recall, axis=1)
    precision = _ratio(hits, flagged, 0.0)
    recall = _ratio(hits, support, 0.0)
    f1 = _ratio(2 * hits, support + flagged, 0.0)
    if pos is not None:
        precision, recall, f1 = precision[:, pos], recall[:, pos], f1[:, pos]
    else:
        precision, recall, f1 = precision.mean(1), recall.mean(1), f1.mean(1)
    return {
        "accuracy": hits.sum(axis=1) / total,
        "balanced_accuracy": balanced,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def _score_groups(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ascending order of the scores and the start of each run of equal scores in it."""
    order = np.argsort(scores, kind="mergesort")
    ordered = scores[order]
    starts = np.r_[0, np.flatnonzero(ordered[1:] != ordered[:-1]) + 1]
    return order, starts


def _weighted_ranking(
    W: np.ndarray, is_pos: np.ndarray, starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """ROC AUC and average precision per row of W; columns of W in ascending score order.

    Equal scores form one group (half credit for ties in AUC; one threshold in AP), so the
    result equals sklearn's with these counts as sample_weight.
    """
    pos_w = np.add.reduceat(W * is_pos, starts, axis=1)
    neg_w = np.add.reduceat(W * ~is_pos, starts, axis=1)
    positives, negatives = pos_w.sum(axis=1), neg_w.sum(axis=1)
    below = np.cumsum(neg_w, axis=1) - neg_w
    pairs = positives * negatives
    auc = _ratio((pos_w * (below + 0.5 * neg_w)).sum(axis=1), pairs, np.nan)
    pos_desc, neg_desc = pos_w[:, ::-1], neg_w[:, ::-1]
    tp, fp = np.cumsum(pos_desc, axis=1), np.cumsum(neg_desc, axis=1)
    precision = _ratio(tp, tp + fp, 0.0)
    ap = _ratio((pos_desc * precision).sum(axis=1), positives, np.nan)
    return auc, ap


def _row_losses(y: np.ndarray, proba: np.ndarray) -> np.ndarray:
    """Per-row log loss exactly as sklearn.metrics.log_loss computes it (clipped)."""
    eps = np.finfo(proba.dtype).eps
    return -np.log(np.clip(proba[np.arange(y.size), y], eps, 1 - eps))


def classification_statistic(
    y: np.ndarray,
    proba: np.ndarray,
    pred: np.ndarray,
    k: int,
    pos: int | None,
    money: np.ndarray | None,
) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    """A function of resample counts W (reps x rows) -> every metric per repetition."""
    losses = _row_losses(y, proba)
    if pos is not None:
        groups = [(pos, *_score_groups(proba[:, pos]))]
        brier = (proba[:, pos] - (y == pos)) ** 2
    else:
        groups = [(c, *_score_groups(proba[:, c])) for c in range(k)]
        brier = None

    def statistic(W: np.ndarray) -> dict[str, np.ndarray]:
        total = W.sum(axis=1)
        out = _weighted_label_metrics(W, y, pred, k, pos)
        aucs, aps = [], []
        for c, order, starts in groups:
            auc, ap = _weighted_ranking(W[:, order], (y == c)[order], starts)
            aucs.append(auc)
            aps.append(ap)
        out["roc_auc"] = np.mean(aucs, axis=0)  # NaN when any class lacks rows
        out["pr_auc"] = np.mean(aps, axis=0)
        out["log_loss"] = W @ losses / total
        if brier is not None:
            out["brier"] = W @ brier / total
        if money is not None:
            out["value_per_month"] = W @ money / total
        return out

    return statistic


def regression_statistic(
    actual: np.ndarray, predicted: np.ndarray, with_mape: bool
) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
    """Weighted rmse, mae, r2, mape, median_ae, bias; rows pre-sorted by absolute error."""
    order = np.argsort(np.abs(predicted - actual), kind="mergesort")
    y, p = actual[order], predicted[order]
    error = p - y
    absolute = np.abs(error)
    centred = y - y.mean()
    relative = absolute / np.maximum(np.abs(y), np.finfo(np.float64).eps)

    def statistic(W: np.ndarray) -> dict[str, np.ndarray]:
        total = W.sum(axis=1)
        sse = W @ error**2
        spread = W @ centred**2
        sst = spread - (W @ centred) ** 2 / total
        varying = sst > 1e-10 * spread  # a resample of one repeated value has no R²
        out = {
            "rmse": np.sqrt(sse / total),
            "mae": W @ absolute / total,
            "r2": _ratio(sst - sse, np.where(varying, sst, 0.0), np.nan),
            "median_ae": _weighted_median_sorted(W, absolute),
            "bias": W @ error / total,
        }
        if with_mape:
            out["mape"] = W @ relative / total
        return out

    return statistic


def _weighted_median_sorted(W: np.ndarray, values: np.ndarray) -> np.ndarray:
    """np.median of each resample, given counts W over ascending ``values``."""
    cum = np.cumsum(W, axis=1)
    total = cum[:, -1]
    lower = np.argmax(cum >= np.floor((total + 1) / 2)[:, None], axis=1)
    upper = np.argmax(cum >= np.floor(total / 2 + 1)[:, None], axis=1)
    return (values[lower] + values[upper]) / 2


def _interval(
    name: str,
    value: float,
    draws: np.ndarray | None,
    centre: float,
    scale: float,
    reps: int,
    notes: list[str],
) -> MetricWithCI:
    """Percentile interval (scaled around the full-data value for a subsample)."""
    if draws is None or reps == 0 or not math.isfinite(value):
        return MetricWithCI(name, value, math.nan, math.nan, 0)
    usable = draws[np.isfinite(draws)]
    why = _WHY.get(name, "undefined on some resamples")
    if usable.size < max(1, stats.MIN_USABLE_SHARE * reps):
        notes.append(NOTE_NO_INTERVAL.format(metric=name, usable=usable.size, reps=reps, why=why))
        return MetricWithCI(name, value, math.nan, math.nan, int(usable.size))
    if usable.size < reps:
        notes.append(NOTE_USABLE.format(metric=name, usable=usable.size, reps=reps, why=why))
    q_low, q_high = stats.percentile_interval(usable)
    if scale != 1.0:
        q_low, q_high = value + (q_low - centre) * scale, value + (q_high - centre) * scale
    metric = find_metric(name)
    lower, upper = metric.bounds if metric is not None else (-math.inf, math.inf)
    low = float(np.clip(min(q_low, value), lower, upper))
    high = float(np.clip(max(q_high, value), lower, upper))
    return MetricWithCI(name, value, low, high, int(usable.size))


def with_intervals(
    points: dict[str, float],
    make_statistic: Callable[[np.ndarray], Callable[[np.ndarray], dict[str, np.ndarray]]],
    rows: int,
    reps: int,
    seed: int,
    notes: list[str],
) -> tuple[MetricWithCI, ...]:
    """Bootstrap every metric in ``points``; ``make_statistic(positions)`` builds the statistic."""
    if reps == 0:
        return tuple(MetricWithCI(n, v, math.nan, math.nan, 0) for n, v in points.items())
    rng = np.random.default_rng(seed)
    positions = np.arange(rows)
    scale, centres = 1.0, dict(points)
    if rows > BOOTSTRAP_MAX_ROWS:
        positions = np.sort(rng.choice(rows, BOOTSTRAP_MAX_ROWS, replace=False))
        scale = math.sqrt(BOOTSTRAP_MAX_ROWS / rows)
        notes.append(NOTE_SUBSAMPLE.format(reps=reps, rows=BOOTSTRAP_MAX_ROWS, total=rows))
    statistic = make_statistic(positions)
    if scale != 1.0:
        whole = statistic(np.ones((1, positions.size)))
        centres = {name: float(values[0]) for name, values in whole.items()}
    draws = stats.bootstrap(statistic, positions.size, reps, rng)
    return tuple(
        _interval(n, v, draws.get(n), centres.get(n, v), scale, reps, notes)
        for n, v in points.items()
    )
