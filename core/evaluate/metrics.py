"""Evaluate stage: test-set metrics with bootstrap intervals, curves, and money at a threshold.

Point estimates are scikit-learn's own functions on the evaluated rows. Intervals are 95 %
percentile bootstrap intervals: each repetition draws row indices with replacement once and
turns them into per-row counts, so every metric of that repetition is a weighted sum over the
same rows (vectorised over a chunk of repetitions, no Python loop per row or metric). Above
``BOOTSTRAP_MAX_ROWS`` rows the resampling runs on a seeded random sample and the interval
widths are scaled to the full row count (m-out-of-n bootstrap), which the ``notes`` say.
A metric a resample cannot define (ROC AUC with one class) skips that resample; its
``MetricWithCI.resamples`` counts the usable ones.

Conventions: a binary prediction is positive when score >= threshold (as
``core.business.value_curve``); regression ``residual`` = actual − prediction, while
``bias`` = mean(prediction − actual), so a positive bias over-predicts. Labels are compared
as text (``core.schema.class_label``), so ``True`` and "True" are the same class.
Pure Python: no Streamlit, no storage.

    ev = evaluate_classification(test_y, proba, classes=("No", "Yes"), positive="Yes",
                                 threshold=0.42, payoff=payoff, volume_per_month=7000)
    ev.metric("roc_auc").low, value_at_threshold(ev.value_curve, 0.3)
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    log_loss,
    mean_absolute_error,
    mean_absolute_percentage_error,
    median_absolute_error,
    precision_recall_curve,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
    roc_curve,
    root_mean_squared_error,
)
from sklearn.preprocessing import label_binarize

from core import stats
from core.business import (
    ConfusionCounts,
    ErrorCost,
    PayoffMatrix,
    ValueCurve,
    regression_value_per_month,
    value_curve,
)
from core.exceptions import CoreError
from core.metrics import canonical_name, flag_at_threshold, get_metric
from core.schema import class_label

__all__ = [
    "BOOTSTRAP_MAX_ROWS",
    "CLASSIFICATION_METRICS",
    "GREATER_IS_BETTER",
    "MAX_CURVE_POINTS",
    "MAX_PLOT_ROWS",
    "METRIC_LABELS",
    "REGRESSION_METRICS",
    "ClassificationEvaluation",
    "EvaluateError",
    "MetricWithCI",
    "RegressionEvaluation",
    "RunComparison",
    "compare_predictions",
    "counts_at_threshold",
    "evaluate_classification",
    "evaluate_regression",
    "value_at_threshold",
]

BOOTSTRAP_MAX_ROWS = 50_000  # larger data is bootstrapped on a seeded sample of this size
MAX_CURVE_POINTS = 500  # per ROC / PR curve
MAX_PLOT_ROWS = 5_000  # sampled residual rows for scatter plots
CALIBRATION_BINS = 10
SCORE_BINS = 20
RESIDUAL_BINS = 40
PREDICTION_BINS = 10
DEFAULT_THRESHOLD = 0.5
_PROBA_TOLERANCE = 1e-6

CLASSIFICATION_METRICS = (
    "accuracy",
    "balanced_accuracy",
    "precision",
    "recall",
    "f1",
    "roc_auc",
    "pr_auc",
    "log_loss",
    "brier",
    "value_per_month",
)
REGRESSION_METRICS = ("rmse", "mae", "r2", "mape", "median_ae", "bias")
_EVALUATED = (*CLASSIFICATION_METRICS, *REGRESSION_METRICS)
#: Views of the one registry (core.metrics.METRICS), kept for callers that import them.
METRIC_LABELS: dict[str, str] = {name: get_metric(name).label for name in _EVALUATED}
GREATER_IS_BETTER: dict[str, bool | None] = {
    name: get_metric(name).greater_is_better for name in _EVALUATED
}
_BOUNDS: dict[str, tuple[float, float]] = {name: get_metric(name).bounds for name in _EVALUATED}

# --- messages (tests import these) -------------------------------------------------------

MSG_LENGTHS = "{what} must have one value per row of y_true ({rows:,} rows), got {count:,}"
MSG_CLASSES = "classes must name at least two distinct classes, got {value!r}"
MSG_CLASSES_DUPLICATE = "classes must be distinct as text, got {value!r}"
MSG_PROBA_SHAPE = (
    "proba must be one score per row (binary) or one column per class ({classes} columns), "
    "got shape {shape}"
)
MSG_PROBA_RANGE = (
    "proba must hold probabilities between 0 and 1; found values from {low:g} to {high:g}"
)
MSG_NOT_FINITE = "{what} must be finite numbers; found {count:,} infinite value(s)"
MSG_UNKNOWN_LABELS = (
    "y_true holds {count:,} row(s) with labels not among classes {classes}: {examples}"
)
MSG_POSITIVE = "positive class {positive!r} is not among the classes {classes}"
MSG_NO_ROWS = "nothing to evaluate: no row has both a true value and a prediction"
MSG_THRESHOLD = "threshold must be a finite number, got {value!r}"
MSG_BOOTSTRAP = "bootstrap must be a whole number of 0 or more, got {value!r}"
MSG_VOLUME = "volume_per_month must be 0 or more, got {value!r}"
MSG_REGRESSION_NUMBERS = "{what} must be numbers; {count:,} value(s) could not be read as numbers"
MSG_TASK = "task must be one of binary, multiclass, regression or None, got {value!r}"
MSG_PROBA_PAIR = "give proba_a and proba_b together, or neither"

NOTE_DROPPED = "{count:,} row(s) without a true value or a prediction were left out"
NOTE_SUBSAMPLE = (
    "intervals from {reps} bootstrap resamples of a seeded {rows:,}-row sample of the "
    "{total:,} rows, widths scaled to the full data (m-out-of-n bootstrap)"
)
NOTE_USABLE = "{metric}: {usable} of {reps} resamples usable ({why})"
NOTE_NO_INTERVAL = "{metric}: only {usable} of {reps} resamples usable ({why}); no interval"
NOTE_UNDEFINED = "{metric} is not defined here ({why})"
NOTE_NO_VALUE = "value per month needs the goal's payoff matrix and volume per month"
NOTE_MAPE_ZEROS = "MAPE left out: {count:,} actual value(s) are 0"
NOTE_CLASS_ABSENT = "class {label!r} has no rows in the evaluated data; its curves are left out"

_UNDEFINED_WHY = {
    "roc_auc": "it needs rows of every class, and multiclass probabilities that sum to 1",
    "pr_auc": "it needs rows of the positive class",
    "log_loss": "scikit-learn could not compute it for these probabilities",
}
_WHY = {
    "roc_auc": "needs both classes in a resample",
    "pr_auc": "needs positives in a resample",
    "balanced_accuracy": "needs a class present",
    "r2": "needs varying actual values",
}


class EvaluateError(CoreError):
    """Predictions and labels do not fit together (lengths, classes, probabilities)."""


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
        return METRIC_LABELS.get(self.name, self.name)


def _metrics_table(metrics: Sequence[MetricWithCI]) -> pd.DataFrame:
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


def _find(metrics: Sequence[MetricWithCI], name: str) -> MetricWithCI:
    wanted = canonical_name(name)  # a goal's expected_value is value_per_month here
    for metric in metrics:
        if metric.name == wanted:
            return metric
    raise KeyError(f"no metric {name!r}; computed: {', '.join(m.name for m in metrics)}")


@dataclasses.dataclass(frozen=True, eq=False)
class ClassificationEvaluation:
    """Everything the Evaluate page shows for a classifier; tables are small (aggregated).

    ``roc``/``pr`` have a ``class`` column (one-vs-rest curves for multiclass);
    ``score_histogram`` counts rows per score bin and actual class (binary: the positive
    score; multiclass: the probability given to the actual class).
    """

    task: Literal["binary", "multiclass"]
    classes: tuple[str, ...]
    positive: str | None
    threshold: float | None
    metrics: tuple[MetricWithCI, ...]
    confusion: pd.DataFrame
    confusion_value: pd.DataFrame | None
    value_per_month: float | None
    roc: pd.DataFrame | None
    pr: pd.DataFrame | None
    calibration: pd.DataFrame | None
    gains: pd.DataFrame | None
    value_curve: ValueCurve | None
    optimal_threshold: float | None
    rows: int = 0
    score_histogram: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()

    def metric(self, name: str) -> MetricWithCI:
        """The metric called ``name`` (KeyError when it was not computed)."""
        return _find(self.metrics, name)

    def metrics_table(self) -> pd.DataFrame:
        """metric, label, value, low, high, resamples: one row per metric."""
        return _metrics_table(self.metrics)


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
        return _find(self.metrics, name)

    def metrics_table(self) -> pd.DataFrame:
        return _metrics_table(self.metrics)


@dataclasses.dataclass(frozen=True, eq=False)
class RunComparison:
    """Two runs' predictions on the same rows: metric deltas and where they disagree.

    Masks align with the input rows. Classification: a row is right when the predicted label
    equals the truth. Regression: predictions disagree when they differ by more than the
    mean of the two MAEs, and the closer prediction counts as right.
    """

    task: Literal["binary", "multiclass", "regression"]
    metrics: pd.DataFrame  # metric, label, a, b, delta (= b − a), better ("A", "B", "tie")
    disagreement: np.ndarray
    disagreements: int
    a_right_b_wrong: np.ndarray
    b_right_a_wrong: np.ndarray

    @property
    def a_wins(self) -> int:
        return int(np.count_nonzero(self.a_right_b_wrong))

    @property
    def b_wins(self) -> int:
        return int(np.count_nonzero(self.b_right_a_wrong))


# --- reading the inputs once ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class _Classified:
    y: np.ndarray  # class codes 0..k-1 in ``classes`` order
    proba: np.ndarray  # (n, k) in ``classes`` order
    classes: tuple[str, ...]
    positive: int | None  # code of the positive class (binary)
    dropped: int


def _text_labels(values: np.ndarray) -> np.ndarray:
    """Labels as text via class_label, mapping each distinct value once; missing -> None."""
    series = pd.Series(values, dtype=object)
    missing = series.isna().to_numpy()
    mapping = {v: class_label(v) for v in pd.unique(series[~missing])}
    out = series.map(mapping).to_numpy(dtype=object)
    out[missing] = None
    return out


def _class_texts(classes: Sequence) -> tuple[str, ...]:
    texts = tuple(class_label(c) for c in classes)
    if len(texts) < 2:
        raise EvaluateError(MSG_CLASSES.format(value=list(classes)), field="classes")
    if len(set(texts)) != len(texts):
        raise EvaluateError(MSG_CLASSES_DUPLICATE.format(value=list(classes)), field="classes")
    return texts


def _positive_code(positive: Any, classes: tuple[str, ...]) -> int:
    if positive is None:
        return 1
    text = class_label(positive)
    if text not in classes:
        raise EvaluateError(
            MSG_POSITIVE.format(positive=positive, classes=list(classes)), field="positive"
        )
    return classes.index(text)


def _proba_matrix(proba: Any, k: int, positive: int, rows: int) -> np.ndarray:
    p = np.asarray(proba, dtype=float)
    finite = p[np.isfinite(p)]
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        if low < -_PROBA_TOLERANCE or high > 1 + _PROBA_TOLERANCE:
            raise EvaluateError(MSG_PROBA_RANGE.format(low=low, high=high), field="proba")
    if p.ndim == 1 and k == 2:
        if p.shape[0] != rows:
            raise EvaluateError(
                MSG_LENGTHS.format(what="proba", rows=rows, count=p.shape[0]), field="proba"
            )
        matrix = np.empty((rows, 2))
        matrix[:, positive] = p
        matrix[:, 1 - positive] = 1.0 - p
        return matrix
    if p.ndim != 2 or p.shape[1] != k:
        raise EvaluateError(MSG_PROBA_SHAPE.format(classes=k, shape=p.shape), field="proba")
    if p.shape[0] != rows:
        raise EvaluateError(
            MSG_LENGTHS.format(what="proba", rows=rows, count=p.shape[0]), field="proba"
        )
    return p


def _classified(y_true: Any, proba: Any, classes: Sequence, positive: Any) -> _Classified:
    """Validate once: labels as codes, probabilities as an (n, k) matrix, rows without either dropped."""
    texts = _class_texts(classes)
    k = len(texts)
    pos = _positive_code(positive, texts) if k == 2 else None
    raw = np.asarray(y_true, dtype=object).ravel()
    matrix = _proba_matrix(proba, k, pos or 0, raw.shape[0])
    if np.isinf(matrix).any():
        count = int(np.count_nonzero(np.isinf(matrix).any(axis=1)))
        raise EvaluateError(MSG_NOT_FINITE.format(what="proba", count=count), field="proba")
    labels = _text_labels(raw)
    keep = np.array([v is not None for v in labels], dtype=bool) & ~np.isnan(matrix).any(axis=1)
    labels, matrix = labels[keep], matrix[keep]
    if labels.size == 0:
        raise EvaluateError(MSG_NO_ROWS, field="y_true")
    codes = pd.Categorical(labels, categories=list(texts)).codes.astype(np.int64)
    unknown = codes < 0
    if unknown.any():
        examples = ", ".join(repr(v) for v in pd.unique(labels[unknown])[:5])
        raise EvaluateError(
            MSG_UNKNOWN_LABELS.format(
                count=int(unknown.sum()), classes=list(texts), examples=examples
            ),
            field="y_true",
        )
    matrix = np.clip(matrix, 0.0, 1.0)
    return _Classified(codes, matrix, texts, pos, int(np.count_nonzero(~keep)))


def _check_options(threshold: Any, bootstrap: Any, volume: Any) -> None:
    if threshold is not None and not (
        isinstance(threshold, int | float | np.number) and math.isfinite(float(threshold))
    ):
        raise EvaluateError(MSG_THRESHOLD.format(value=threshold), field="threshold")
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int | np.integer) or bootstrap < 0:
        raise EvaluateError(MSG_BOOTSTRAP.format(value=bootstrap), field="bootstrap")
    if volume is not None and not (
        isinstance(volume, int | float | np.number) and math.isfinite(volume) and volume >= 0
    ):
        raise EvaluateError(MSG_VOLUME.format(value=volume), field="volume_per_month")


def _quiet(function: Callable[[], float]) -> float:
    """sklearn's value, or NaN where sklearn refuses (e.g. AUC with one class)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return float(function())
        except ValueError:
            return math.nan


# --- point estimates: scikit-learn's own functions ----------------------------------------


def _label_point(y: np.ndarray, pred: np.ndarray, k: int, pos: int | None) -> dict[str, float]:
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


def _proba_point(y: np.ndarray, proba: np.ndarray, k: int, pos: int | None) -> dict[str, float]:
    labels = list(range(k))
    if pos is not None:
        is_pos = (y == pos).astype(int)
        score = proba[:, pos]
        both = 0 < is_pos.sum() < is_pos.size
        return {
            "roc_auc": _quiet(lambda: roc_auc_score(is_pos, score)) if both else math.nan,
            "pr_auc": _quiet(lambda: average_precision_score(is_pos, score))
            if is_pos.any()
            else math.nan,
            "log_loss": _quiet(lambda: log_loss(y, y_proba=proba, labels=labels)),
            "brier": _quiet(lambda: brier_score_loss(is_pos, score, pos_label=1)),
        }
    return {
        "roc_auc": _quiet(
            lambda: roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=labels)
        ),
        "pr_auc": _quiet(
            lambda: average_precision_score(
                label_binarize(y, classes=labels), proba, average="macro"
            )
        ),
        "log_loss": _quiet(lambda: log_loss(y, y_proba=proba, labels=labels)),
    }


def _predicted(proba: np.ndarray, pos: int | None, threshold: float | None) -> np.ndarray:
    if pos is None:
        return np.argmax(proba, axis=1)
    return np.where(flag_at_threshold(proba[:, pos], threshold), pos, 1 - pos)


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


def _classification_statistic(
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
    lower, upper = _BOUNDS.get(name, (-math.inf, math.inf))
    low = float(np.clip(min(q_low, value), lower, upper))
    high = float(np.clip(max(q_high, value), lower, upper))
    return MetricWithCI(name, value, low, high, int(usable.size))


def _with_intervals(
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


# --- classification ------------------------------------------------------------------------


def _thin(frame: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Evenly spaced rows (first and last kept) so a curve stays light."""
    if len(frame) <= limit:
        return frame.reset_index(drop=True)
    picked = np.unique(np.linspace(0, len(frame) - 1, limit).round().astype(int))
    return frame.iloc[picked].reset_index(drop=True)


def _curves(data: _Classified, notes: list[str]) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """ROC and PR curves: the positive class, or one-vs-rest per class for multiclass."""
    k = len(data.classes)
    targets = [data.positive] if data.positive is not None else list(range(k))
    limit = MAX_CURVE_POINTS if len(targets) == 1 else max(50, MAX_CURVE_POINTS // len(targets))
    rocs, prs = [], []
    for c in targets:
        is_c = data.y == c
        label = data.classes[c]
        if not is_c.any() or is_c.all():
            if data.positive is None and not is_c.any():
                notes.append(NOTE_CLASS_ABSENT.format(label=label))
            continue
        fpr, tpr, roc_t = roc_curve(is_c, data.proba[:, c])
        roc = pd.DataFrame({"fpr": fpr, "tpr": tpr, "threshold": roc_t})
        precision, recall, pr_t = precision_recall_curve(is_c, data.proba[:, c])
        pr = pd.DataFrame({"precision": precision, "recall": recall, "threshold": [*pr_t, np.nan]})
        rocs.append(_thin(roc, limit).assign(**{"class": label}))
        prs.append(_thin(pr, limit).assign(**{"class": label}))
    if not rocs:
        return None, None
    return pd.concat(rocs, ignore_index=True), pd.concat(prs, ignore_index=True)


def _calibration(is_pos: np.ndarray, score: np.ndarray) -> pd.DataFrame:
    """sklearn's quantile calibration curve, plus the rows behind each point."""
    observed, mean_predicted = calibration_curve(
        is_pos, score, n_bins=CALIBRATION_BINS, strategy="quantile"
    )
    edges = np.percentile(score, np.linspace(0, 100, CALIBRATION_BINS + 1))
    counts = np.bincount(np.searchsorted(edges[1:-1], score), minlength=CALIBRATION_BINS)
    return pd.DataFrame(
        {"mean_predicted": mean_predicted, "observed": observed, "rows": counts[counts > 0]}
    )


def _gains(is_pos: np.ndarray, score: np.ndarray, bins: int) -> pd.DataFrame | None:
    """Cumulative share of positives captured when targeting the top share of scores."""
    positives = int(is_pos.sum())
    n = is_pos.size
    if positives == 0 or n < bins:
        return None
    hits = np.cumsum(is_pos[np.argsort(-score, kind="mergesort")])
    targeted = np.ceil(np.arange(1, bins + 1) / bins * n).astype(int)
    captured = hits[targeted - 1]
    in_bin = np.diff(np.r_[0, captured])
    bin_rows = np.diff(np.r_[0, targeted])
    base_rate = positives / n
    share_targeted = targeted / n
    share_captured = captured / positives
    return pd.DataFrame(
        {
            "bin": np.arange(1, bins + 1),
            "share_targeted": share_targeted,
            "rows_targeted": targeted,
            "positives_captured": captured,
            "share_of_positives": share_captured,
            "lift": share_captured / share_targeted,
            "bin_positive_rate": in_bin / bin_rows,
            "bin_lift": in_bin / bin_rows / base_rate,
        }
    )


def _score_histogram(data: _Classified) -> pd.DataFrame:
    """Rows per score bin and actual class, on a fixed 0..1 grid."""
    if data.positive is not None:
        score = data.proba[:, data.positive]
    else:
        score = data.proba[np.arange(data.y.size), data.y]
    edges = np.linspace(0.0, 1.0, SCORE_BINS + 1)
    bins = np.clip(np.searchsorted(edges, score, side="right") - 1, 0, SCORE_BINS - 1)
    counts = np.zeros((len(data.classes), SCORE_BINS), dtype=np.int64)
    np.add.at(counts, (data.y, bins), 1)
    return pd.DataFrame(
        {
            "actual": np.repeat(list(data.classes), SCORE_BINS),
            "bin_low": np.tile(edges[:-1], len(data.classes)),
            "bin_high": np.tile(edges[1:], len(data.classes)),
            "rows": counts.ravel(),
        }
    )


def _confusion(data: _Classified, pred: np.ndarray) -> pd.DataFrame:
    k = len(data.classes)
    counts = confusion_matrix(data.y, pred, labels=list(range(k)))
    return pd.DataFrame(
        counts,
        index=pd.Index(data.classes, name="actual"),
        columns=pd.Index(data.classes, name="predicted"),
    )


def _cell_payoffs(pos: int, payoff: PayoffMatrix) -> np.ndarray:
    """Payoff per confusion cell [actual, predicted] in class-code order."""
    cells = np.empty((2, 2))
    neg = 1 - pos
    cells[pos, pos], cells[pos, neg] = payoff.tp, payoff.fn
    cells[neg, pos], cells[neg, neg] = payoff.fp, payoff.tn
    return cells


def value_at_threshold(curve: ValueCurve, threshold: float) -> float:
    """Value per month when flagging score >= threshold, read off the curve (no recompute).

    The curve's thresholds are the distinct scores (plus one above the top); any threshold
    between two of them flags the same rows as the next one up.
    """
    return float(curve.value_per_month[_curve_position(curve, threshold)])


def counts_at_threshold(curve: ValueCurve, threshold: float) -> ConfusionCounts:
    """TP, FP, FN, TN per month at this threshold, read off the curve."""
    i = _curve_position(curve, threshold)
    return ConfusionCounts(
        float(curve.tp[i]), float(curve.fp[i]), float(curve.fn[i]), float(curve.tn[i])
    )


def _curve_position(curve: ValueCurve, threshold: float) -> int:
    i = int(np.searchsorted(curve.thresholds, float(threshold), side="left"))
    return min(i, curve.thresholds.size - 1)


def evaluate_classification(
    y_true: Any,
    proba: np.ndarray,
    classes: Sequence,
    *,
    positive: Any = None,
    threshold: float | None = None,
    payoff: PayoffMatrix | None = None,
    volume_per_month: float | None = None,
    bootstrap: int = 200,
    seed: int = 0,
    gains_bins: int = 10,
) -> ClassificationEvaluation:
    """Metrics with intervals, confusion (counts and money), curves and the value curve.

    proba: one positive-class score per row (binary) or one column per class in ``classes``
    order. positive: the binary positive class (default ``classes[1]``). threshold: binary
    only, default 0.5; pass the one chosen on validation data (the test-set optimum in
    ``optimal_threshold`` is for reference: choosing it on test rows is optimistic).
    Rows without a label or a score are left out (noted).
    """
    _check_options(threshold, bootstrap, volume_per_month)
    data = _classified(y_true, proba, classes, positive)
    k, pos, n = len(data.classes), data.positive, data.y.size
    notes = [NOTE_DROPPED.format(count=data.dropped)] if data.dropped else []
    binary = pos is not None
    cut = (DEFAULT_THRESHOLD if threshold is None else float(threshold)) if binary else None
    pred = _predicted(data.proba, pos, cut)
    points = {**_label_point(data.y, pred, k, pos), **_proba_point(data.y, data.proba, k, pos)}
    for name in ("roc_auc", "pr_auc", "log_loss"):
        if not math.isfinite(points[name]):
            notes.append(NOTE_UNDEFINED.format(metric=name, why=_UNDEFINED_WHY[name]))
    confusion = _confusion(data, pred)
    curve = money_cells = value = optimal = None
    money_per_row = None
    if binary and payoff is not None and volume_per_month is not None:
        is_pos = data.y == pos
        curve = value_curve(
            data.proba[:, pos], is_pos, payoff, volume_per_month=volume_per_month, pos_label=True
        )
        optimal = curve.best().threshold
        cells = _cell_payoffs(pos, payoff)
        money_cells = confusion * cells * (volume_per_month / n)
        value = float(money_cells.to_numpy().sum())
        points["value_per_month"] = value
        money_per_row = cells[data.y, pred] * volume_per_month
    elif binary:
        notes.append(NOTE_NO_VALUE)

    def make_statistic(positions: np.ndarray) -> Callable:
        return _classification_statistic(
            data.y[positions],
            data.proba[positions],
            pred[positions],
            k,
            pos,
            None if money_per_row is None else money_per_row[positions],
        )

    metrics = _with_intervals(points, make_statistic, n, bootstrap, seed, notes)
    roc, pr = _curves(data, notes)
    calibration = gains = None
    if binary:
        is_pos, score = data.y == pos, data.proba[:, pos]
        calibration = _calibration(is_pos, score)
        gains = _gains(is_pos, score, gains_bins)
    return ClassificationEvaluation(
        task="binary" if binary else "multiclass",
        classes=data.classes,
        positive=data.classes[pos] if binary else None,
        threshold=cut,
        metrics=metrics,
        confusion=confusion,
        confusion_value=money_cells,
        value_per_month=value,
        roc=roc,
        pr=pr,
        calibration=calibration,
        gains=gains,
        value_curve=curve,
        optimal_threshold=optimal,
        rows=n,
        score_histogram=_score_histogram(data),
        notes=tuple(notes),
    )


# --- regression ----------------------------------------------------------------------------


def _numbers(values: Any, what: str, rows: int | None = None) -> np.ndarray:
    series = pd.Series(np.asarray(values).ravel())
    numbers = pd.to_numeric(series, errors="coerce")
    bad = int((numbers.isna() & series.notna()).sum())
    if bad:
        raise EvaluateError(MSG_REGRESSION_NUMBERS.format(what=what, count=bad), field=what)
    out = numbers.to_numpy(dtype=float, na_value=np.nan)
    if rows is not None and out.size != rows:
        raise EvaluateError(MSG_LENGTHS.format(what=what, rows=rows, count=out.size), field=what)
    if np.isinf(out).any():
        count = int(np.isinf(out).sum())
        raise EvaluateError(MSG_NOT_FINITE.format(what=what, count=count), field=what)
    return out


def _regression_statistic(
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

    value_per_month = −volume × mean cost of errors (core.business.regression_value_per_month
    with this data's MAE and bias). Rows without a true value or a prediction are left out.
    """
    _check_options(None, bootstrap, volume_per_month)
    actual = _numbers(y_true, "y_true")
    predicted = _numbers(y_pred, "y_pred", actual.size)
    keep = np.isfinite(actual) & np.isfinite(predicted)
    notes = [] if keep.all() else [NOTE_DROPPED.format(count=int((~keep).sum()))]
    actual, predicted = actual[keep], predicted[keep]
    if actual.size == 0:
        raise EvaluateError(MSG_NO_ROWS, field="y_true")
    zeros = int(np.count_nonzero(actual == 0))
    error = predicted - actual
    points = {
        "rmse": float(root_mean_squared_error(actual, predicted)),
        "mae": float(mean_absolute_error(actual, predicted)),
        "r2": _quiet(lambda: r2_score(actual, predicted)) if actual.size > 1 else math.nan,
        "mape": math.nan,
        "median_ae": float(median_absolute_error(actual, predicted)),
        "bias": float(np.mean(error)),
    }
    if zeros:
        del points["mape"]
        notes.append(NOTE_MAPE_ZEROS.format(count=zeros))
    else:
        points["mape"] = float(mean_absolute_percentage_error(actual, predicted))

    def make_statistic(positions: np.ndarray) -> Callable:
        return _regression_statistic(actual[positions], predicted[positions], not zeros)

    metrics = _with_intervals(points, make_statistic, actual.size, bootstrap, seed, notes)
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


# --- comparing two runs --------------------------------------------------------------------


def _compare_table(a: dict[str, float], b: dict[str, float]) -> pd.DataFrame:
    rows = []
    for name in a:
        va, vb = a[name], b[name]
        direction = GREATER_IS_BETTER.get(name)
        if not (math.isfinite(va) and math.isfinite(vb)) or math.isclose(va, vb, abs_tol=1e-12):
            better = "tie"
        elif direction is None:
            better = "A" if abs(va) < abs(vb) else "B"
        else:
            better = "A" if (va > vb) == direction else "B"
        rows.append(
            {
                "metric": name,
                "label": METRIC_LABELS.get(name, name),
                "a": va,
                "b": vb,
                "delta": vb - va,
                "better": better,
            }
        )
    return pd.DataFrame(rows, columns=["metric", "label", "a", "b", "delta", "better"])


def _infer_task(y_true: Any, pred_a: Any, has_proba: bool) -> str:
    if has_proba:
        return "classification"
    y = pd.Series(np.asarray(y_true, dtype=object).ravel()).dropna()
    p = pd.Series(np.asarray(pred_a, dtype=object).ravel()).dropna()
    y_num, p_num = pd.to_numeric(y, errors="coerce"), pd.to_numeric(p, errors="coerce")
    if y_num.isna().any() or p_num.isna().any() or y.map(type).eq(bool).any():
        return "classification"
    fractional = bool((p_num % 1 != 0).any() or (y_num % 1 != 0).any())
    return "regression" if fractional or y_num.nunique() > 20 else "classification"


def _compare_regression(y_true: Any, pred_a: Any, pred_b: Any) -> RunComparison:
    actual = _numbers(y_true, "y_true")
    a = _numbers(pred_a, "pred_a", actual.size)
    b = _numbers(pred_b, "pred_b", actual.size)
    keep = np.isfinite(actual) & np.isfinite(a) & np.isfinite(b)
    err_a, err_b = np.abs(a - actual), np.abs(b - actual)
    scores = []
    for pred in (a, b):
        yk, pk = actual[keep], pred[keep]
        scores.append(
            {
                "rmse": float(root_mean_squared_error(yk, pk)),
                "mae": float(mean_absolute_error(yk, pk)),
                "r2": _quiet(lambda yk=yk, pk=pk: r2_score(yk, pk)),
                "median_ae": float(median_absolute_error(yk, pk)),
                "bias": float(np.mean(pk - yk)),
            }
        )
    tolerance = (scores[0]["mae"] + scores[1]["mae"]) / 2
    disagree = keep & (np.abs(a - b) > tolerance)
    return RunComparison(
        task="regression",
        metrics=_compare_table(*scores),
        disagreement=disagree,
        disagreements=int(disagree.sum()),
        a_right_b_wrong=disagree & (err_a < err_b),
        b_right_a_wrong=disagree & (err_b < err_a),
    )


def compare_predictions(
    y_true: Any,
    pred_a: Any,
    pred_b: Any,
    *,
    proba_a: np.ndarray | None = None,
    proba_b: np.ndarray | None = None,
    classes: Sequence | None = None,
    positive: Any = None,
    task: Literal["binary", "multiclass", "regression"] | None = None,
) -> RunComparison:
    """Metric deltas (B − A) and the rows where two runs disagree, e.g. a retrain vs the old model.

    Classification labels are compared as text; ``classes`` (the probability column order)
    defaults to the sorted labels seen, ``positive`` to the second class. Probability metrics
    (ROC AUC, PR AUC, log loss) appear when both proba_a and proba_b are given. ``task`` is
    inferred when None: numbers with fractions or over 20 distinct values are regression.
    """
    if task not in (None, "binary", "multiclass", "regression"):
        raise EvaluateError(MSG_TASK.format(value=task), field="task")
    if (proba_a is None) != (proba_b is None):
        raise EvaluateError(MSG_PROBA_PAIR, field="proba_b")
    kind = task or _infer_task(y_true, pred_a, proba_a is not None)
    if kind == "regression":
        return _compare_regression(y_true, pred_a, pred_b)
    raw = np.asarray(y_true, dtype=object).ravel()
    texts = [_text_labels(np.asarray(p, dtype=object).ravel()) for p in (raw, pred_a, pred_b)]
    for what, labels in (("pred_a", texts[1]), ("pred_b", texts[2])):
        if labels.size != raw.size:
            raise EvaluateError(
                MSG_LENGTHS.format(what=what, rows=raw.size, count=labels.size), field=what
            )
    if classes is None:
        seen = {v for labels in texts for v in labels if v is not None}
        classes = sorted(seen)
    names = _class_texts(classes)
    k = len(names)
    pos = _positive_code(positive, names) if k == 2 else None
    keep = np.all([np.array([v is not None for v in t]) for t in texts], axis=0)
    codes = []
    for what, labels in zip(("y_true", "pred_a", "pred_b"), texts, strict=True):
        c = pd.Categorical(labels[keep], categories=list(names)).codes.astype(np.int64)
        if (c < 0).any():
            examples = ", ".join(repr(v) for v in pd.unique(labels[keep][c < 0])[:5])
            raise EvaluateError(
                MSG_UNKNOWN_LABELS.format(
                    count=int((c < 0).sum()), classes=list(names), examples=examples
                ),
                field=what,
            )
        codes.append(c)
    y, a, b = codes
    scores = [_label_point(y, a, k, pos), _label_point(y, b, k, pos)]
    if proba_a is not None and proba_b is not None:
        for i, proba in enumerate((proba_a, proba_b)):
            matrix = _proba_matrix(proba, k, pos or 0, raw.size)[keep]
            scores[i].update(_proba_point(y, matrix, k, pos))
    right_a, right_b = np.zeros(raw.size, bool), np.zeros(raw.size, bool)
    right_a[keep], right_b[keep] = a == y, b == y
    disagree = np.zeros(raw.size, bool)
    disagree[keep] = a != b
    return RunComparison(
        task="binary" if pos is not None else "multiclass",
        metrics=_compare_table(*scores),
        disagreement=disagree,
        disagreements=int(disagree.sum()),
        a_right_b_wrong=right_a & ~right_b,
        b_right_a_wrong=right_b & ~right_a,
    )
